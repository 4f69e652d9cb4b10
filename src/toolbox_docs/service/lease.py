"""One service per root: a lease on the state folder and on each watched root.

Two services on one root would each register every project and send every reminder twice; two on one
state database would race each other's work. So a service holds, while it runs:

- a lock on ``dienst.lock`` in its state folder (``flock``/``msvcrt``: the operating system releases it
  when the process ends, however it ends), with who holds it written inside;
- a marker ``.toolbox-dienst.json`` at each watched root on the share (host, process, state database, a
  random token and a heartbeat renewed every ``BEAT_SECONDS``), which a service on *another* computer, or
  with another state database, sees as well.

A second service refuses to start with a Dutch message naming the first. A lease left by a crashed service
is taken over: on the same computer when its process is gone, elsewhere when its heartbeat is older than
``STALE_SECONDS``. A service that finds its marker taken over by another (two started at the same moment)
stops itself. The marker is removed when the service stops.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import secrets
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from toolbox_docs.errors import LeaseRefused, ToolboxError, WriteError
from toolbox_docs.names import printable
from toolbox_docs.service.status import pid_alive
from toolbox_docs.share.fsio import atomic_write, read_private_copy
from toolbox_docs.share.outputs import LEASE_NAME

BEAT_SECONDS = 10.0
STALE_SECONDS = 60.0
LOCK_NAME = "dienst.lock"


def _lock(stream: IO[bytes]) -> bool:
    """An exclusive, non-blocking lock on the open file; False when another process holds it."""
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(stream.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined,unused-ignore]
        except OSError:
            return False
        return True
    try:
        fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _when(beat: float) -> str:
    return dt.datetime.fromtimestamp(beat).strftime("%d-%m-%Y %H:%M:%S")


class Lease:
    def __init__(self, roots: tuple[Path, ...], state_db: Path) -> None:
        self.roots = roots
        self.state_db = state_db
        self.token = secrets.token_hex(8)
        self.host = socket.gethostname()
        self.started = time.time()
        self._lock_file: IO[bytes] | None = None
        self._held: list[Path] = []
        self._last = 0.0

    # --- taking -----------------------------------------------------------------------------------

    def acquire(self) -> list[str]:
        """Take the lease; returns lines for the log (a stale lease taken over). Raises ``LeaseRefused``."""
        self._take_lock()
        lines: list[str] = []
        try:
            for root in self.roots:
                line = self._take_marker(root / LEASE_NAME)
                if line:
                    lines.append(line)
        except BaseException:
            self.release()
            raise
        self._last = time.monotonic()
        return lines

    def _take_lock(self) -> None:
        path = self.state_db.parent / LOCK_NAME
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            stream = open(path, "a+b")  # noqa: SIM115 - held open for the life of the service
        except OSError as error:
            raise LeaseRefused(f"het slotbestand van de dienst kan niet worden gemaakt ({error.strerror}).",
                               path=path) from None
        if not _lock(stream):
            holder = _read_json(path)
            stream.close()
            raise LeaseRefused(
                "er draait al een dienst met dezelfde statusdatabase"
                + (f" (proces {holder.get('pid')} op {holder.get('host')}, sinds {_when(holder.get('started', 0))})"
                   if holder else "")
                + ". Er mag maar één dienst tegelijk draaien. Stop die eerst (toolbox-docs status laat zien of hij "
                  "draait).", path=path)
        self._lock_file = stream
        with contextlib.suppress(OSError):
            stream.seek(0)
            stream.truncate()
            stream.write(json.dumps(self._info(), ensure_ascii=True).encode("ascii"))
            stream.flush()

    def _info(self) -> dict[str, Any]:
        return {"token": self.token, "host": self.host, "pid": os.getpid(), "state": printable(self.state_db),
                "roots": [printable(r) for r in self.roots], "started": self.started, "beat": time.time()}

    def _take_marker(self, marker: Path) -> str:
        other = _read_json(marker)
        line = ""
        if other and other.get("token") != self.token:
            if self._alive(other):
                raise LeaseRefused(self._refusal(other), path=marker.parent)
            line = (f"Verouderde claim op {printable(marker.parent)} overgenomen (dienst op {other.get('host')}, "
                    f"proces {other.get('pid')}, laatste teken van leven {_when(float(other.get('beat', 0)))}).")
        self._write(marker)
        if (_read_json(marker) or {}).get("token") != self.token:  # another service wrote at the same moment
            raise LeaseRefused(self._refusal(_read_json(marker) or {}), path=marker.parent)
        self._held.append(marker)
        return line

    def _alive(self, other: dict[str, Any]) -> bool:
        try:
            beat, pid = float(other.get("beat", 0)), int(other.get("pid", 0))
        except (TypeError, ValueError):
            return False
        if other.get("host") == self.host:
            if not pid_alive(pid) or pid == os.getpid():
                return False
            if other.get("state") == printable(self.state_db):
                return False  # it used our state database, whose lock we now hold: it is gone
        return time.time() - beat <= STALE_SECONDS

    def _refusal(self, other: dict[str, Any]) -> str:
        beat = float(other.get("beat", 0) or 0)
        return (f"deze map wordt al bewaakt door een andere dienst: computer {other.get('host', '?')}, proces "
                f"{other.get('pid', '?')}, statusdatabase {other.get('state', '?')}, laatste teken van leven "
                f"{_when(beat)}. Er mag maar één dienst per map draaien: twee diensten zouden elk project dubbel "
                "registreren en elke herinnering twee keer sturen. Stop de andere dienst eerst. Is die gestopt of "
                f"vastgelopen, dan neemt een nieuwe dienst de map over zodra het laatste teken van leven ouder is "
                f"dan {STALE_SECONDS:g} seconden.")

    def _write(self, marker: Path) -> None:
        try:
            atomic_write(marker, json.dumps(self._info(), ensure_ascii=True, indent=2).encode("ascii"))
        except WriteError as error:
            raise LeaseRefused(f"de dienst kan zijn claim niet op de map zetten ({error.message}). De dienst "
                               "heeft schrijfrechten op de bewaakte map nodig.", path=marker.parent) from None

    # --- keeping ----------------------------------------------------------------------------------

    def renew(self, *, force: bool = False, away: Callable[[Path], bool] = lambda _root: False) -> str | None:
        """Every ``BEAT_SECONDS``: the heartbeat on each marker. Returns a message when another service has
        taken a root over (then this one must stop), else None. A marker that cannot be written now (the
        share is away for a moment) is tried again at the next beat; neither is one on a root for which
        ``away`` says its share is unmounted (its folder is then the empty mount point on the local disk)."""
        if not force and time.monotonic() - self._last < BEAT_SECONDS:
            return None
        self._last = time.monotonic()
        for marker in self._held:
            other = _read_json(marker)
            if other and other.get("token") != self.token and self._alive(other):
                return ("een andere dienst heeft de map " + printable(marker.parent) + " overgenomen (computer "
                        f"{other.get('host')}, proces {other.get('pid')}); deze dienst stopt.")
            if not marker.parent.is_dir() or away(marker.parent):
                continue  # the root is away; the service reports that itself
            with contextlib.suppress(LeaseRefused):
                self._write(marker)
        return None

    def release(self) -> None:
        for marker in self._held:
            if (_read_json(marker) or {}).get("token") == self.token:
                with contextlib.suppress(OSError):
                    marker.unlink()
        self._held = []
        stream, self._lock_file = self._lock_file, None
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.seek(0)
                stream.truncate()
            stream.close()  # closing releases the lock


def _read_json(path: Path) -> dict[str, Any] | None:
    """A marker or lock file's content; None when absent or not ours (never through a link, never a pipe)."""
    try:
        data = json.loads(read_private_copy(path, max_bytes=64 * 1024, follow_symlinks=False) or b"null")
    except (ToolboxError, ValueError):
        return None
    return data if isinstance(data, dict) else None
