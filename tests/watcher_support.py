"""Helpers for the watcher tests: a temporary watched root, the real service as a subprocess, polling.

The service runs as ``python -m toolbox_docs watch ROOT`` in its own session (so a test can kill the
whole process group: the service, its worker and multiprocessing's resource tracker), with its log in a
file outside the root. Tests wait for what they expect by polling with a deadline (``wait_for``); the
only sleeps are a writer pacing itself or a kill placed at a random moment, never waiting for a result.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import docx
from lxml import etree
from openpyxl import Workbook, load_workbook

from toolbox_docs.cli.examples import EXAMPLE_STAKEHOLDERS, EXAMPLE_VALUES
from toolbox_docs.errors import StateError
from toolbox_docs.forms.schema import INTAKE_SCHEMA
from toolbox_docs.forms.xlsx_fill import fill_workbook
from toolbox_docs.forms.xlsx_template import build_workbook
from toolbox_docs.settings import Settings
from toolbox_docs.state import LedgerEntry, State, path_key

T = TypeVar("T")

STATE_FOLDER = ".toolbox"
INTAKE = "intake.xlsx"
EXAMPLE_NAME = str(EXAMPLE_VALUES["project_name"])  # outputs of an intake.xlsx are named after the project


def plan_of(project_name: str = EXAMPLE_NAME) -> str:
    return f"{project_name} - participatieplan.docx"


def proposal_of(project_name: str = EXAMPLE_NAME) -> str:
    return f"{project_name} - collegevoorstel.docx"


def evaluation_of(project_name: str = EXAMPLE_NAME) -> str:
    return f"{project_name} - evaluatie.xlsx"


def outputs_of(project_name: str = EXAMPLE_NAME) -> tuple[str, str, str]:
    """The three outputs of a valid intake.xlsx of ``project_name`` (a name valid as it is in a file name)."""
    return (proposal_of(project_name), plan_of(project_name), evaluation_of(project_name))


PLAN = plan_of()
PROPOSAL = proposal_of()
EVALUATION = evaluation_of()
FEEDBACK = "intake - feedback.txt"
OUTPUTS = (PROPOSAL, PLAN, EVALUATION)
TEMP_GLOB = ".~toolbox-*.tmp"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"


# --- the watched root ---------------------------------------------------------------------------


def make_root(base: Path, *, stability: float = 0.5, rescan: float = 1.0, retry: float = 0.5,
              polling: float = 0.5, extra: str = "") -> Path:
    """A watched root ``base/Participatie`` with a ``toolbox.toml`` for fast tests; the state database
    (and with it the heartbeat ``status.json``) lives in the hidden ``.toolbox`` folder of the root."""
    root = (base / "Participatie").resolve()
    (root / "Projecten").mkdir(parents=True)
    (root / "toolbox.toml").write_text(
        "# Written by tests/watcher_support.py: short delays so that tests finish in seconds.\n"
        "[dienst]\n"
        f'statusbestand = "{STATE_FOLDER}/state.sqlite"\n'
        f"stabiliteit_seconden = {stability}\n"
        f"herscan_seconden = {rescan}\n"
        f"opnieuw_proberen_seconden = {retry}\n"
        f"polling_seconden = {polling}\n" + extra, encoding="utf-8")
    return root


def state_db(root: Path) -> Path:
    return root / STATE_FOLDER / "state.sqlite"


def status_file(root: Path) -> Path:
    return root / STATE_FOLDER / "status.json"


def project(root: Path, name: str) -> Path:
    folder = root / "Projecten" / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# --- workbooks ----------------------------------------------------------------------------------


@functools.cache
def blank_intake() -> bytes:
    return build_workbook(INTAKE_SCHEMA, Settings().lists)


def make_intake(**overrides: Any) -> bytes:
    """A valid intake (the worked example) with field values replaced by ``overrides``. (The example itself
    is made once: filling a workbook with openpyxl takes most of a tenth of a second, and bytes are never
    changed in place.)"""
    if not overrides:
        return _example_intake()
    return fill_workbook(blank_intake(), {**EXAMPLE_VALUES, **overrides}, EXAMPLE_STAKEHOLDERS)


@functools.cache
def _example_intake() -> bytes:
    return fill_workbook(blank_intake(), dict(EXAMPLE_VALUES), EXAMPLE_STAKEHOLDERS)


def distinct_name(number: int) -> str:
    return f"Project {number:04d}"


@functools.cache
def distinct_intake(number: int) -> bytes:
    """A valid intake whose content (project name and goal) is unique for ``number``; its outputs are
    ``outputs_of(distinct_name(number))``."""
    return make_intake(project_name=distinct_name(number),
                       reason_goal=f"Doel van project {number:04d}: meer groen en een speelplek in de wijk.")


def foreign_workbook() -> bytes:
    """A plain spreadsheet that is not one of ours (no marker): the service must ignore it quietly."""
    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.title = "Begroting"
    sheet.append(["Post", "Bedrag"])
    sheet.append(["Zaalhuur", 450])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def field_cell(field_id: str) -> str:
    """The cell (e.g. ``B8``) of a field in the intake template, from its defined name."""
    wb = load_workbook(io.BytesIO(blank_intake()))
    (_, coordinate), = list(wb.defined_names[field_id].destinations)
    return coordinate.replace("$", "")


def save_like_excel(target: Path, data: bytes) -> None:
    """Save the way Excel does: write an extension-less temp file in the folder, rename it over the target."""
    temp = target.parent / secrets.token_hex(4).upper()
    with temp.open("wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(temp, target)


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def docx_text(path: Path) -> str:
    """All text of a .docx, including content controls (which python-docx's ``paragraphs`` skips)."""
    document = docx.Document(str(path))
    return "".join(node.text or "" for node in document.element.body.iter(_W))


def check_readable(path: Path) -> None:
    """Fail unless ``path`` is a complete document: the zip tests clean and its library opens it."""
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None, f"corrupt zip member in {path}"
    if path.suffix == ".docx":
        docx.Document(str(path))
    elif path.suffix == ".xlsx":
        load_workbook(path, read_only=True).close()
    # Word's own parser is stricter about well-formed XML than python-docx needs to be for this check.
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.endswith(".xml") or name.endswith(".rels"):
                etree.fromstring(archive.read(name))


# --- the ledger ---------------------------------------------------------------------------------


def register_names(root: Path) -> list[str]:
    """Project names in the root's ``projectenregister.xlsx`` (both sheets), or [] while it is absent or
    being replaced."""
    path = root / "projectenregister.xlsx"
    try:
        wb = load_workbook(path, read_only=True)
    except (OSError, zipfile.BadZipFile, KeyError):
        return []
    try:
        names: list[str] = []
        for sheet in wb.worksheets:
            rows = sheet.iter_rows(values_only=True)
            header = list(next(rows, ()))
            column = header.index("Project")
            names.extend(str(row[column]) for row in rows if row and row[column] is not None)
        return names
    finally:
        wb.close()


def ledger(root: Path) -> dict[str, LedgerEntry]:
    """The service's ledger, keyed like the service keys it (``path_key``); empty before the first start."""
    if not state_db(root).exists():
        return {}
    state = State(state_db(root))
    try:
        return {entry.path: entry for entry in state.ledger()}
    finally:
        state.close()


def entry(root: Path, path: Path) -> LedgerEntry | None:
    return ledger(root).get(path_key(path))


def outcome_counts(root: Path, *, name: str = INTAKE, ending: str | None = None) -> dict[str, int]:
    """Ledger outcomes of the files called ``name`` (or whose name ends with ``ending``), counted."""
    counts: dict[str, int] = {}
    for key, item in ledger(root).items():
        if (Path(key).name.endswith(ending) if ending is not None else Path(key).name == name):
            counts[item.outcome] = counts.get(item.outcome, 0) + 1
    return counts


# --- waiting ------------------------------------------------------------------------------------


def wait_for(condition: Callable[[], T], *, deadline: float, what: str, interval: float = 0.1,
             context: Callable[[], str] | None = None) -> T:
    """Poll ``condition`` until it returns something truthy, for at most ``deadline`` seconds.

    A ``StateError`` (the database is being created by the service at that moment) counts as "not yet".
    On timeout the test fails with ``what`` and, from ``context``, e.g. the tail of the service's log.
    """
    end = time.monotonic() + deadline
    last_error: Exception | None = None
    while True:
        try:
            value = condition()
        except StateError as error:
            value, last_error = None, error  # type: ignore[assignment]
        if value:
            return value
        if time.monotonic() >= end:
            detail = f" (last error: {last_error})" if last_error else ""
            extra = f"\n--- context ---\n{context()}" if context else ""
            raise AssertionError(f"timed out after {deadline:.0f} s waiting for {what}{detail}{extra}")
        time.sleep(interval)


# --- the service as a subprocess ----------------------------------------------------------------


def adopt_orphans() -> bool:
    """Make this process the reaper of its orphaned descendants (Linux ``PR_SET_CHILD_SUBREAPER``).

    A killed service leaves its worker and multiprocessing's resource tracker behind as zombies. Without
    this they go to the machine's init, which on the test machines reaps them only every second or so; a
    test waiting for the process group to be gone then waits for init. As their reaper, ``wait_group_gone``
    reaps them itself at once. False where the call is not available (the waits then take longer)."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER = 36
    except (OSError, AttributeError):
        return False


def reap_group(group: int) -> None:
    """Reap every exited process of ``group`` that is our child (adopted orphans included); never blocks."""
    while True:
        try:
            pid, _ = os.waitpid(-group, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _environment() -> dict[str, str]:
    """The test's environment without TOOLBOX_* variables, so that only the root's toolbox.toml counts."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("TOOLBOX_") or k == "TOOLBOX_CACHE_DIR"}  # conftest.py
    env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def status_command(root: Path) -> subprocess.CompletedProcess[str]:
    """``toolbox-docs status --root ROOT``, as an admin runs it."""
    return subprocess.run([sys.executable, "-m", "toolbox_docs", "status", "--root", str(root)],
                          capture_output=True, text=True, env=_environment(), timeout=60, check=False)


class Watcher:
    """``toolbox-docs watch ROOT`` as a real process; each start gets its own log file."""

    def __init__(self, root: Path, logs: Path, *, args: Sequence[str] = (), env: Mapping[str, str] | None = None
                 ) -> None:
        self.root = root
        self.logs = logs
        self.args = tuple(args)
        self.env = dict(env or {})
        self.process: subprocess.Popen[bytes] | None = None
        self.log_files: list[Path] = []
        logs.mkdir(parents=True, exist_ok=True)

    # lifecycle

    def start(self, *, wait: bool = True, deadline: float = 60.0) -> None:
        assert not self.running, "the watcher is already running"
        log_path = self.logs / f"watch-{len(self.log_files) + 1}.log"
        self.log_files.append(log_path)
        with log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "toolbox_docs", "watch", str(self.root), *self.args],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env={**_environment(), **self.env},
                cwd=self.logs, start_new_session=True)
        if wait:
            self.wait_started(deadline=deadline)

    def wait_started(self, *, deadline: float = 60.0) -> None:
        """Until the service has scanned its roots and written its first heartbeat (observer running)."""
        assert self.process is not None
        pid = self.process.pid

        def started() -> bool:
            status = self.status() or {}
            return status.get("pid") == pid and status.get("state") == "running"

        self.wait_for(started, deadline=deadline, what="the service to start (first heartbeat)")

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def terminate(self, *, deadline: float = 60.0) -> int:
        """SIGTERM to the service (only the main process, as systemd's KillMode=mixed does); its exit code."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=deadline)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"the service did not stop within {deadline} s after SIGTERM\n"
                                 f"{self.log_tail()}") from None
        self.wait_group_gone(deadline=deadline)
        return code

    def interrupt_group(self, *, deadline: float = 60.0) -> int:
        """Ctrl-C in a terminal: SIGINT to the whole foreground process group; the service's exit code."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGINT)
        try:
            code = self.process.wait(timeout=deadline)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"the service did not stop within {deadline} s after Ctrl-C\n"
                                 f"{self.log_tail()}") from None
        self.wait_group_gone(deadline=deadline)
        return code

    def kill(self) -> None:
        """kill -9 of the whole process group (service, worker, resource tracker), as a power cut would."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self.wait_group_gone(deadline=30)

    def wait_group_gone(self, *, deadline: float) -> None:
        assert self.process is not None
        group = self.process.pid

        def gone() -> bool:
            reap_group(group)
            try:
                os.killpg(group, 0)
            except ProcessLookupError:
                return True
            except PermissionError:
                return False
            return False

        self.wait_for(gone, deadline=deadline, what=f"every process of group {group} to end", alive=False)

    def close(self) -> None:
        """Teardown: whatever state the test left, no process survives it."""
        if self.process is not None and self.process.poll() is None:
            self.kill()
        elif self.process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)  # a worker orphaned by a failing test
            self.wait_group_gone(deadline=30)

    # observing

    def status(self) -> dict[str, Any] | None:
        try:
            data = json.loads(status_file(self.root).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def log_text(self) -> str:
        return "".join(p.read_text(encoding="utf-8", errors="replace") for p in self.log_files if p.exists())

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def runs(self, path: Path) -> list[str]:
        """What the service logged for each time it ran the pipeline on ``path`` (one word per run)."""
        pattern = re.compile(rf"\[[0-9a-f]{{8}}\] {re.escape(str(path))}: (\w+)")
        return pattern.findall(self.log_text())

    def wait_for(self, condition: Callable[[], T], *, deadline: float, what: str, interval: float = 0.1,
                 alive: bool = True) -> T:
        """``wait_for`` that also fails fast when the service died, and shows its log on failure."""

        def check() -> T:
            if alive and self.process is not None and self.process.poll() is not None:
                raise AssertionError(f"the service exited ({self.process.returncode}) while waiting for "
                                     f"{what}\n{self.log_tail()}")
            return condition()

        return wait_for(check, deadline=deadline, what=what, interval=interval, context=self.log_tail)

    def wait_outcome(self, path: Path, outcome: str, *, sha256: str | None = None, deadline: float = 60.0,
                     ) -> LedgerEntry:
        """Until the ledger says ``outcome`` for ``path`` (and, if given, for that content), and the service
        has logged that run: the worker writes the ledger entry, then the service logs the run and only then
        stops naming the file in its heartbeat. (Reading the log at the ledger entry alone races.)"""

        def done() -> LedgerEntry | None:
            item = entry(self.root, path)
            if item is None or item.outcome != outcome or (sha256 is not None and item.sha256 != sha256):
                return None
            return item

        item = self.wait_for(done, deadline=deadline, what=f"ledger outcome {outcome!r} for {path}")
        self.wait_for(lambda: (self.status() or {}).get("busy", {}).get("path") != str(path), deadline=deadline,
                      what=f"the service to log its run on {path}", interval=0.02)
        return item

    def settle(self, *, deadline: float = 60.0) -> None:
        """Until the service has handled everything saved before now: drop a fresh sentinel intake in a
        folder that sorts after every other project and wait until it is processed. Files saved earlier
        were ready no later than the sentinel and are handled before it in the same pass."""
        number = sum(1 for p in self.root.iterdir() if p.name.startswith("zz-sentinel"))
        folder = self.root / f"zz-sentinel-{number:03d}"
        folder.mkdir()
        data = make_intake(project_name=f"Controlepunt {number}")
        save_like_excel(folder / INTAKE, data)
        self.wait_outcome(folder / INTAKE, "verwerkt", sha256=sha256_bytes(data), deadline=deadline)


def mtimes(paths: Iterable[Path]) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in paths}


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def visible_files(folder: Path) -> list[str]:
    """Names in ``folder`` a person sees in Explorer (hidden dot-files count: Windows does not hide them)."""
    return sorted(p.name for p in folder.iterdir())


def digest_map(paths: Mapping[Path, bytes]) -> dict[Path, str]:
    return {p: sha256_bytes(d) for p, d in paths.items()}
