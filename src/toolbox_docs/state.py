"""The embedded state: one SQLite database with versioned schema migrations.

Holds the ledger (which content version of which input was processed, with what outcome and outputs),
the digests of the outputs we wrote (to notice a person's edits before replacing a file), the project
register and the reminders sent. The only module that imports ``sqlite3`` and the only one that holds
SQL: other modules call its named methods (``tests/test_architecture.py`` checks both). The location is
the setting ``[dienst] statusbestand`` (default: a local folder, because SQLite's locking is unreliable on
network shares).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolbox_docs.errors import StateError, StateUnavailable
from toolbox_docs.names import storable

# Each migration moves the schema one version up; never edit one that has shipped, add a new one.
MIGRATIONS: tuple[str, ...] = (
    # 1: the ledger and the digests of written outputs
    """
    CREATE TABLE ledger (
        path TEXT PRIMARY KEY,
        sha256 TEXT NOT NULL,
        outcome TEXT NOT NULL,
        kind TEXT,
        processed_at TEXT NOT NULL,
        outputs TEXT NOT NULL DEFAULT '[]',
        message TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE outputs (
        path TEXT PRIMARY KEY,
        digest TEXT NOT NULL,
        source TEXT NOT NULL,
        written_at TEXT NOT NULL
    );
    """,
    # 2: the project register and the reminders sent
    """
    CREATE TABLE projects (
        project_id TEXT PRIMARY KEY,
        intake_path TEXT NOT NULL UNIQUE,
        root TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'lopend',
        data TEXT NOT NULL,
        evaluation TEXT,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE reminders (
        project_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        due TEXT NOT NULL,
        sent_at TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (project_id, kind, due)
    );
    """,
    # 3: to whom a reminder went, and a claim so that two runs never send the same reminder
    """
    ALTER TABLE reminders ADD COLUMN recipient TEXT NOT NULL DEFAULT '';
    ALTER TABLE reminders ADD COLUMN claimed_at TEXT;
    """,
    # 4: the content of a project's intake (a copy elsewhere is recognised by it), and outputs by source
    """
    ALTER TABLE projects ADD COLUMN intake_sha256 TEXT NOT NULL DEFAULT '';
    CREATE INDEX projects_by_intake_sha256 ON projects(intake_sha256);
    CREATE INDEX outputs_by_source ON outputs(source);
    """,
)


def path_key(path: Path) -> str:
    """The ledger key of a file: absolute, normalised (case-folded where the file system is); a name that
    is not valid UTF-8 is kept with its odd bytes escaped (``names.storable``), so any name can be a key."""
    return storable(os.path.normcase(os.path.abspath(path)))


# SQLite's result codes that mean "not now" rather than "broken": another connection holds the lock, or
# the disk (or the database's size limit) is full, or an I/O error from the disk (a full disk shows as one).
_BUSY, _LOCKED, _IOERR, _FULL = 5, 6, 10, 13
_TRANSIENT = {_BUSY, _LOCKED, _IOERR, _FULL}
DEFAULT_BUSY_SECONDS = 30.0


def _failure(error: sqlite3.Error, location: Path) -> StateError:
    """A ``StateUnavailable`` for a busy or full database, else a ``StateError``; both Dutch."""
    code = getattr(error, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(error)
    if primary in _TRANSIENT or "locked" in text or "disk is full" in text or "disk I/O" in text:
        why = "vol" if primary == _FULL or "full" in text else \
            "bezet door een ander proces" if primary in (_BUSY, _LOCKED) or "locked" in text else \
            "tijdelijk niet te gebruiken (schijffout)"
        return StateUnavailable(f"de statusdatabase is {why} ({storable(text)}); het werk wacht en wordt "
                                "opnieuw geprobeerd.", path=location)
    return StateError(f"de statusdatabase gaf een fout ({storable(text)}).", path=location)


def _bindable(parameters: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(storable(p) if isinstance(p, str) else p for p in parameters)


@dataclass(frozen=True)
class LedgerEntry:
    path: str
    sha256: str
    outcome: str
    kind: str | None
    processed_at: str
    outputs: tuple[str, ...]
    message: str


@dataclass(frozen=True)
class ProjectRow:
    """A row of the ``projects`` table. ``data`` is the rest of the project as JSON (``register.py`` owns
    its fields); ``intake_path`` is a ``path_key``."""

    project_id: str
    intake_path: str
    root: str
    status: str
    data: str
    updated_at: str
    intake_sha256: str


@dataclass(frozen=True)
class ReminderRow:
    """A row of the ``reminders`` table: one reminder of a project, sent or tried."""

    project_id: str
    kind: str
    due: str
    sent_at: str | None
    recipient: str
    attempts: int
    last_error: str


_PROJECTS = "SELECT project_id, intake_path, root, status, data, updated_at, intake_sha256 FROM projects"


class State:
    """A connection to the state database; safe to share between the threads of one process."""

    def __init__(self, location: Path, *, busy_seconds: float = DEFAULT_BUSY_SECONDS) -> None:
        """Open (and migrate) the database. ``busy_seconds``: how long one statement waits for another
        process's write lock before it gives up with ``StateUnavailable``."""
        self.location = location
        self._lock = threading.RLock()
        try:
            location.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(location), timeout=busy_seconds, check_same_thread=False,
                                       isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(f"PRAGMA busy_timeout={int(busy_seconds * 1000)}")
            self._migrate()
        except sqlite3.Error as error:
            failure = _failure(error, location)
            if isinstance(failure, StateUnavailable):
                raise failure from None
            raise StateError(f"de statusdatabase kan niet worden geopend of bijgewerkt ({storable(str(error))}). "
                             "Controleer de instelling [dienst] statusbestand en de rechten op die map.",
                             path=location) from None
        except OSError as error:
            raise StateError(f"de statusdatabase kan niet worden geopend of bijgewerkt ({error}). Controleer "
                             "de instelling [dienst] statusbestand en de rechten op die map.",
                             path=location) from None

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise StateError(f"de statusdatabase is van een nieuwere versie ({version}) dan deze toolbox kent "
                             f"({len(MIGRATIONS)}). Werk de toolbox bij.", path=self.location)
        for number in range(version, len(MIGRATIONS)):
            with self.transaction() as db:
                for statement in MIGRATIONS[number].split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version = {number + 1}")

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def query(self, sql: str, parameters: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return list(self._db.execute(sql, _bindable(parameters)).fetchall())
            except sqlite3.Error as error:
                raise _failure(error, self.location) from None

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> int:
        """Run one statement in its own transaction; returns the number of rows it changed."""
        with self._lock:
            try:
                with self.transaction() as db:
                    return db.execute(sql, _bindable(parameters)).rowcount
            except sqlite3.Error as error:
                raise _failure(error, self.location) from None

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # --- ledger ---------------------------------------------------------------------------------

    def ledger_entry(self, path: Path) -> LedgerEntry | None:
        rows = self.query("SELECT path, sha256, outcome, kind, processed_at, outputs, message FROM ledger "
                          "WHERE path = ?", (path_key(path),))
        if not rows:
            return None
        p, sha, outcome, kind, at, outputs, message = rows[0]
        return LedgerEntry(p, sha, outcome, kind, at, tuple(json.loads(outputs)), message)

    def record(self, path: Path, *, sha256: str, outcome: str, kind: str | None, at: str,
               outputs: Sequence[Path], message: str = "") -> None:
        self.execute(
            "INSERT INTO ledger(path, sha256, outcome, kind, processed_at, outputs, message) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(path) DO UPDATE SET sha256=excluded.sha256, "
            "outcome=excluded.outcome, kind=excluded.kind, processed_at=excluded.processed_at, "
            "outputs=excluded.outputs, message=excluded.message",
            (path_key(path), sha256, outcome, kind, at, json.dumps([str(p) for p in outputs]), message))

    def forget(self, path: Path) -> None:
        self.execute("DELETE FROM ledger WHERE path = ?", (path_key(path),))

    def ledger(self) -> list[LedgerEntry]:
        rows = self.query("SELECT path, sha256, outcome, kind, processed_at, outputs, message FROM ledger "
                          "ORDER BY processed_at")
        return [LedgerEntry(p, s, o, k, a, tuple(json.loads(out)), m) for p, s, o, k, a, out, m in rows]

    # --- outputs we wrote -----------------------------------------------------------------------

    def written_digest(self, path: Path) -> str | None:
        rows = self.query("SELECT digest FROM outputs WHERE path = ?", (path_key(path),))
        return str(rows[0][0]) if rows else None

    def remember_output(self, path: Path, *, digest: str, source: Path, at: str) -> None:
        self.execute(
            "INSERT INTO outputs(path, digest, source, written_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(path) DO UPDATE SET digest=excluded.digest, source=excluded.source, "
            "written_at=excluded.written_at", (path_key(path), digest, path_key(source), at))

    def outputs_of(self, source: Path) -> list[str]:
        """The keys of the outputs written for ``source`` (in any run, under any name)."""
        return [str(row[0]) for row in self.query("SELECT path FROM outputs WHERE source = ? ORDER BY path",
                                                  (path_key(source),))]

    def move_outputs(self, old_folder: Path, new_folder: Path) -> None:
        """A project folder was renamed or moved: what we wrote in it keeps its digests under the new name
        (else every output there would look edited by a person, and be backed up once more)."""
        old, new = path_key(old_folder) + os.sep, path_key(new_folder) + os.sep
        with self._lock:
            try:
                with self.transaction() as db:
                    for column in ("path", "source"):
                        db.execute(f"UPDATE OR IGNORE outputs SET {column} = ? || substr({column}, ?) "
                                   f"WHERE substr({column}, 1, ?) = ?", (new, len(old) + 1, len(old), old))
            except sqlite3.Error as error:
                raise _failure(error, self.location) from None

    # --- the project register -------------------------------------------------------------------

    def _projects(self, where: str = "", parameters: tuple[Any, ...] = (), *, limit: int = -1) -> list[ProjectRow]:
        rows = self.query(f"{_PROJECTS} {where} ORDER BY updated_at, project_id LIMIT ?", (*parameters, limit))
        return [ProjectRow(*row) for row in rows]

    def projects(self) -> list[ProjectRow]:
        """Every project, oldest change first."""
        return self._projects()

    def project(self, project_id: str) -> ProjectRow | None:
        found = self._projects("WHERE project_id = ?", (project_id,))
        return found[0] if found else None

    def project_of_intake(self, intake_path: Path) -> ProjectRow | None:
        found = self._projects("WHERE intake_path = ?", (path_key(intake_path),))
        return found[0] if found else None

    def projects_with_intake(self, sha: str, *, limit: int, originals: bool) -> list[ProjectRow]:
        """Up to ``limit`` projects whose intake has this content; with ``originals``, only those that are
        no copy of another project themselves."""
        if originals:
            return self._projects("WHERE intake_sha256 = ? AND coalesce(json_extract(data, '$.copy_of'), '') = ''",
                                  (sha,), limit=limit)
        return self._projects("WHERE intake_sha256 = ?", (sha,), limit=limit)

    def save_project(self, row: ProjectRow) -> None:
        """Insert the project, or replace the one with its id."""
        self.execute(
            "INSERT INTO projects(project_id, intake_path, root, status, data, updated_at, intake_sha256) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(project_id) DO UPDATE SET intake_path=excluded.intake_path, root=excluded.root, "
            "status=excluded.status, data=excluded.data, updated_at=excluded.updated_at, "
            "intake_sha256=excluded.intake_sha256",
            (row.project_id, row.intake_path, row.root, row.status, row.data, row.updated_at, row.intake_sha256))

    def insert_project(self, row: ProjectRow) -> bool:
        """Insert a new project; False (and nothing changed) when its id is taken."""
        return self.execute(
            "INSERT INTO projects(project_id, intake_path, root, status, data, updated_at, intake_sha256) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(project_id) DO NOTHING",
            (row.project_id, row.intake_path, row.root, row.status, row.data, row.updated_at,
             row.intake_sha256)) == 1

    # --- the reminders sent ---------------------------------------------------------------------

    def reminders_sent(self) -> set[tuple[str, str]]:
        """The (project id, kind) of every reminder that went out."""
        rows = self.query("SELECT DISTINCT project_id, kind FROM reminders WHERE sent_at IS NOT NULL")
        return {(str(p), str(k)) for p, k in rows}

    def reminders(self) -> list[ReminderRow]:
        rows = self.query("SELECT project_id, kind, due, sent_at, recipient, attempts, last_error "
                          "FROM reminders ORDER BY project_id, kind, due")
        return [ReminderRow(*row) for row in rows]

    def claim_reminder(self, project_id: str, kind: str, due: str, *, token: str, stale: str) -> bool:
        """Claim a reminder for sending with ``token``: False when it was sent, or when another run's claim
        is newer than ``stale``."""
        key = (project_id, kind, due)
        self.execute(
            "INSERT INTO reminders(project_id, kind, due, claimed_at) SELECT ?, ?, ?, ? WHERE NOT EXISTS ("
            "SELECT 1 FROM reminders WHERE project_id = ? AND kind = ? AND (sent_at IS NOT NULL "
            "OR (claimed_at IS NOT NULL AND claimed_at > ?))) "
            "ON CONFLICT(project_id, kind, due) DO UPDATE SET claimed_at = excluded.claimed_at",
            (*key, token, project_id, kind, stale))
        rows = self.query("SELECT claimed_at FROM reminders WHERE project_id = ? AND kind = ? AND due = ?", key)
        return bool(rows) and rows[0][0] == token

    def reminder_sent(self, project_id: str, kind: str, due: str, *, recipient: str, at: str) -> None:
        self.execute(
            "UPDATE reminders SET sent_at = ?, recipient = ?, attempts = attempts + 1, last_error = '', "
            "claimed_at = NULL WHERE project_id = ? AND kind = ? AND due = ?",
            (at, recipient, project_id, kind, due))

    def reminder_failed(self, project_id: str, kind: str, due: str, *, error: str) -> None:
        self.execute(
            "INSERT INTO reminders(project_id, kind, due, attempts, last_error) VALUES (?, ?, ?, 1, ?) "
            "ON CONFLICT(project_id, kind, due) DO UPDATE SET attempts = attempts + 1, "
            "last_error = excluded.last_error, claimed_at = NULL",
            (project_id, kind, due, error))
