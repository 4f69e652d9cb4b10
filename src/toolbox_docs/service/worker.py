"""The pipeline in a child process, so that one file cannot starve or sink the service.

The child keeps the pipeline loaded (fast) and processes one file at a time. The parent gives each file
a time limit; the child runs under a memory limit (address space: what it uses at rest plus the
setting per file). A file that exceeds either, or crashes the child, is reported as such and the child
is replaced; the service goes on with the next file. While the child works, the parent wakes every
``WAIT_SLICE`` seconds to call ``on_wait`` (the service's heartbeat), so a long file never makes the
service look dead.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import gc
import logging
import multiprocessing
import os
import signal
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from toolbox_docs.errors import StateError, StateUnavailable, ToolboxError
from toolbox_docs.pipeline.outcome import Outcome
from toolbox_docs.settings import Settings

log = logging.getLogger("toolbox_docs.service")

STARTUP_SECONDS = 120.0
# How long one statement of the service waits for another process's write lock on the state database. Short,
# so that a database held for minutes makes a file wait (and the admin read why) instead of using up the
# file's time limit.
BUSY_SECONDS = 5.0
WAIT_SLICE = 1.0
REGISTER_IDLE_SECONDS = 0.5
REGISTER_STALE_SECONDS = 30.0


class Failure(Enum):
    """Why the worker did not finish a file (``WorkResult.failure``; None when the pipeline ran)."""

    LIMIT = "limit"  # over the time or memory bound per file
    CRASH = "crash"  # the pipeline raised, or the child died
    STATE = "state"  # the state database was busy or full: not the file's fault, retried without counting


@dataclass(frozen=True)
class WorkResult:
    """What the child did with one file: plain data and enums, pickled across the process boundary."""

    path: str
    outcome: Outcome
    kind: str | None
    sha256: str | None
    message: str
    lines: tuple[str, ...]
    failure: Failure | None = None  # None when the pipeline ran
    notes: tuple[str, ...] = ()  # what the admin reads in the log at once (``ProcessResult.notes``)


def _resident_vm() -> int:
    try:
        with open("/proc/self/statm", encoding="ascii") as stream:
            pages = int(stream.read().split()[0])
        return pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _limit_memory(extra_mb: int) -> None:
    try:
        import resource
    except ImportError:  # not on Windows
        return
    base = _resident_vm()
    if not base:
        return
    soft = base + extra_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _child(connection: Connection, settings: Settings, roots: tuple[str, ...]) -> None:
    # Ctrl-C in a terminal reaches the whole process group: the parent handles it (finishing the file in
    # hand, then closing the pipe, which ends this loop); here it would break off the file half-way.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from toolbox_docs.pipeline.process import Runtime, process_file
    from toolbox_docs.register.xlsx import exporter_for

    try:
        runtime = Runtime.open(settings, roots=tuple(Path(r) for r in roots), busy_seconds=BUSY_SECONDS)
    except StateError as error:  # the state is busy or cannot be opened: the parent waits and tries again
        connection.send(("state", str(error)))
        return
    except Exception as error:  # a broken setting: tell the parent, which stops with the message
        connection.send(("error", str(error)))
        return
    register = RegisterExport(exporter_for(runtime))
    runtime.on_register_change = register.changed
    register.changed()  # brought up to date once at start: a crash may have stopped an export
    _limit_memory(settings.limits.memory_mb_per_file)
    connection.send(("ready", os.getpid()))
    while True:
        try:
            if register.dirty and not connection.poll(REGISTER_IDLE_SECONDS):
                register.flush()
                continue
            message = connection.recv()
        except (EOFError, OSError):
            break
        if message is None:
            break
        path, now_text = message
        try:
            result = process_file(Path(path), runtime, now=dt.datetime.fromisoformat(now_text))
            reply: Any = WorkResult(path, result.outcome, result.kind, result.sha256, result.message,
                                    tuple(result.lines()), notes=result.notes())
        except StateError as error:  # infrastructure, never the person's file: the service waits and retries
            reply = WorkResult(path, Outcome.FAILED, None, None, str(error), (), Failure.STATE)
        except MemoryError:
            reply = WorkResult(path, Outcome.FAILED, None, None, f"er was meer geheugen nodig dan de grens van "
                               f"{settings.limits.memory_mb_per_file} MB", (), Failure.LIMIT)
            connection.send(reply)
            break  # a fresh child after running out of memory
        except Exception:
            reply = WorkResult(path, Outcome.FAILED, None, None, traceback.format_exc(limit=8), (), Failure.CRASH)
        connection.send(reply)
        if register.due():
            register.flush()
    register.flush()
    runtime.close()


def _release_memory() -> None:
    """Hand memory freed by a large piece of work (the register export builds the whole workbook) back to
    the system, so that the long-running worker's size follows what it holds, not its highest peak.
    ``malloc_trim`` is glibc's; elsewhere only the garbage collector runs."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


class RegisterExport:
    """Rewrites ``projectenregister.xlsx`` when the worker is idle, not after every file.

    An export takes time in proportion to the number of projects (about 0.4 s per 1,000), so a burst of
    files on a full share would spend most of its time rewriting the register once per file. Here a
    change marks the register dirty; it is rewritten once no file has come for ``REGISTER_IDLE_SECONDS``,
    at least every ``REGISTER_STALE_SECONDS`` during a long burst, and when the worker stops. The
    register's data lives in the SQLite state; the workbook is only its view, so an export that fails
    (or a kill before it) loses nothing: the next export, at the latest when a worker starts, has it all.
    """

    def __init__(self, export: Callable[[], bool | None] | None) -> None:
        self._export = export
        self.dirty = False
        self._last = time.monotonic()

    def changed(self) -> None:
        self.dirty = self._export is not None

    def due(self) -> bool:
        return self.dirty and time.monotonic() - self._last >= REGISTER_STALE_SECONDS

    def flush(self) -> None:
        if not self.dirty or self._export is None:
            return
        self.dirty = False
        self._last = time.monotonic()
        try:
            if self._export() is False:
                self.dirty = True  # a share is not mounted: again once it is back
                return
            _release_memory()
        except MemoryError:
            log.warning("Projectenregister niet geschreven: er was meer geheugen nodig dan de grens.")
        except Exception:  # the register's view must never take the worker down; its data is safe
            log.warning("Projectenregister niet geschreven:\n%s", traceback.format_exc(limit=8))


def _wait_for(connection: Connection, seconds: float, on_wait: Callable[[], None] | None) -> bool:
    """Whether the child answers within ``seconds``; ``on_wait`` is called every ``WAIT_SLICE`` meanwhile."""
    deadline = time.monotonic() + seconds
    while (remaining := deadline - time.monotonic()) > 0:
        if connection.poll(min(remaining, WAIT_SLICE)):
            return True
        if on_wait is not None:
            on_wait()
    return False


class Worker:
    """The parent's handle on the child process."""

    def __init__(self, settings: Settings, roots: tuple[Path, ...]) -> None:
        self.settings = settings
        self.roots = tuple(str(r) for r in roots)
        self._context = multiprocessing.get_context("spawn")
        self._process: Any = None
        self._connection: Connection | None = None

    def start(self, *, on_wait: Callable[[], None] | None = None) -> None:
        """Start the child now (else it starts with the first file), so the first file is not slower."""
        if self._process is None or not self._process.is_alive():
            self._stop(kill=True)
            self._start(on_wait)

    def _start(self, on_wait: Callable[[], None] | None) -> None:
        parent, child = self._context.Pipe()
        self._process = self._context.Process(target=_child, args=(child, self.settings, self.roots),
                                              name="toolbox-docs-worker", daemon=True)
        self._process.start()
        child.close()
        self._connection = parent
        if not _wait_for(parent, STARTUP_SECONDS, on_wait):
            self._stop(kill=True)
            raise ToolboxError("het verwerkingsproces start niet op.")
        try:
            kind, detail = parent.recv()
        except (EOFError, OSError):
            self._stop(kill=True)
            raise ToolboxError("het verwerkingsproces stopte direct na het starten.") from None
        if kind == "state":
            self._stop(kill=True)
            raise StateUnavailable(f"het verwerkingsproces kan de statusdatabase niet gebruiken: {detail}")
        if kind != "ready":
            self._stop(kill=True)
            raise ToolboxError(f"het verwerkingsproces kan niet starten: {detail}")
        log.info("Verwerkingsproces gestart (pid %s).", detail)

    def _stop(self, *, kill: bool) -> None:
        if self._process is None:
            return
        if kill:
            self._process.kill()
        elif self._connection is not None:
            with contextlib.suppress(OSError, ValueError):
                self._connection.send(None)
        self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.kill()
            self._process.join(timeout=5)
        if self._connection is not None:
            self._connection.close()
        self._process = None
        self._connection = None

    def process(self, path: Path, now: dt.datetime, *, on_wait: Callable[[], None] | None = None) -> WorkResult:
        try:
            self.start(on_wait=on_wait)
        except StateUnavailable as error:
            return WorkResult(str(path), Outcome.FAILED, None, None, error.message, (), Failure.STATE)
        assert self._connection is not None
        limit = self.settings.limits.seconds_per_file
        try:
            self._connection.send((str(path), now.isoformat()))
            if _wait_for(self._connection, limit, on_wait):
                reply: WorkResult = self._connection.recv()
                if reply.failure is Failure.LIMIT:
                    self._stop(kill=False)
                return reply
        except (EOFError, OSError, BrokenPipeError):
            self._stop(kill=True)
            return WorkResult(str(path), Outcome.FAILED, None, None, "het verwerkingsproces stopte onverwacht", (),
                              Failure.CRASH)
        self._stop(kill=True)
        return WorkResult(str(path), Outcome.FAILED, None, None, f"het duurde langer dan {limit:g} seconden", (),
                          Failure.LIMIT)

    def close(self) -> None:
        self._stop(kill=False)
