"""Validating many workbooks: finding them, checking each from a private copy, in parallel, streaming.

Results come back in a stable order (the order the files were found) while workers check ahead, so
output can be written as it arrives and memory stays flat however many files there are: at most a few
chunks per worker are in flight, and a batch report carries the verdict and problems of a file, not its
typed record.
"""

from __future__ import annotations

import dataclasses
import os
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from toolbox_docs.errors import ToolboxError, WorkbookError
from toolbox_docs.forms.check import Check, WorkbookStatus, check_with_settings, refusal
from toolbox_docs.settings import Settings
from toolbox_docs.share.fsio import is_temp_or_owner, read_private_copy

if TYPE_CHECKING:  # the pool's modules are imported when a pool is started: `process` never needs them
    from concurrent.futures import Future, ProcessPoolExecutor

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xltx", ".xltm", ".xlsb"}
# Files per task sent to a worker: large enough that passing tasks and results costs little next to the
# checking (about a millisecond a file), small enough that the results arrive steadily, in order.
CHUNK = 32
# Chunks in flight per worker: enough to keep every worker busy while the reports of earlier chunks are
# written, few enough that memory stays flat.
AHEAD = 4


@dataclass(frozen=True)
class FileReport:
    path: str
    check: Check


# --- which files are workbooks to look at: the policy of validate, which the service builds on ------------


def is_hidden_folder(name: str) -> bool:
    """A folder whose content is never looked at (``validate`` and the service)."""
    return name.startswith(".")


def is_workbook_name(path: Path) -> bool:
    """Whether a file's name makes it a workbook to look at: a spreadsheet, not an Office owner file, a temp
    or a hidden file. The service adds its own rules on top (``service/candidates.py``)."""
    return path.suffix.lower() in WORKBOOK_SUFFIXES and not is_temp_or_owner(path) and not path.name.startswith(".")


def find_workbooks(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named explicitly, and the workbooks in folders (recursively, sorted; ``is_workbook_name``,
    not in an ``is_hidden_folder``)."""
    for path in paths:
        if path.is_dir():
            for folder, subfolders, files in os.walk(path):
                subfolders[:] = sorted(d for d in subfolders if not is_hidden_folder(d))
                for name in sorted(files):
                    candidate = Path(folder) / name
                    if is_workbook_name(candidate):
                        yield candidate
        else:
            yield path


def check_file(path: Path, settings: Settings) -> FileReport:
    try:
        data = read_private_copy(path, max_bytes=settings.limits.max_file_bytes)
    except WorkbookError as error:
        return FileReport(str(path), refusal(error))
    try:
        return FileReport(str(path), check_with_settings(data, settings))
    except Exception as error:  # a bug must not stop a batch of thousands; report it as unreadable
        from toolbox_docs.forms.schema import Severity
        from toolbox_docs.forms.validate import Problem

        problem = Problem("internal-error", Severity.ERROR, "Onverwachte fout bij het lezen van dit bestand. Meld "
                          f"dit bij de beheerder van de toolbox (technische oorzaak: {type(error).__name__}).")
        return FileReport(str(path), Check(WorkbookStatus.UNREADABLE, None, None, (problem,)))


def _verdict(path: Path, settings: Settings) -> FileReport:
    """A file's report for a batch: the verdict and problems, without the typed record."""
    report = check_file(path, settings)
    if report.check.record is None:
        return report
    return FileReport(report.path, dataclasses.replace(report.check, record=None))


# --- the worker processes -------------------------------------------------------------------------------

_worker_settings: Settings | None = None


def _start_worker(settings: Settings) -> None:
    """Runs once in each worker: the settings arrive once, not with every chunk."""
    global _worker_settings
    _worker_settings = settings


def _check_chunk(paths: list[str]) -> list[FileReport]:
    assert _worker_settings is not None, "the worker was started without settings"
    return [_verdict(Path(p), _worker_settings) for p in paths]


def _ready() -> int:
    return os.getpid()


class Checker:
    """Checks batches of files, in ``jobs`` worker processes when ``jobs`` > 1.

    Entering starts the workers (all of them, at once), so that a caller can start them before it starts
    any thread of its own (such as a progress bar): on Linux they are forked, which is fast, and a fork
    is only safe while the process has one thread.
    """

    def __init__(self, settings: Settings, *, jobs: int = 1, chunk: int = CHUNK) -> None:
        self.settings = settings
        self.jobs = max(1, jobs)
        self.chunk = max(1, chunk)
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Checker:
        if self.jobs > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
            self._pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=context,
                                             initializer=_start_worker, initargs=(self.settings,))
            try:
                started = [self._pool.submit(_ready) for _ in range(self.jobs)]
                for future in started:
                    future.result(timeout=120)
            except BaseException:
                self._pool.shutdown(wait=False, cancel_futures=True)
                raise
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if self._pool is not None:
            # On an error (or an interrupted batch) do not wait for chunks nobody will read.
            self._pool.shutdown(wait=error is None, cancel_futures=True)
            self._pool = None

    def check(self, paths: Iterable[Path]) -> Iterator[FileReport]:
        """Reports in input order; the workers check up to ``AHEAD`` chunks each ahead of the caller."""
        if self._pool is None:
            for path in paths:
                yield _verdict(path, self.settings)
            return
        pending: deque[Future[list[FileReport]]] = deque()
        batch: list[str] = []
        for path in paths:
            batch.append(str(path))
            if len(batch) >= self.chunk:
                pending.append(self._pool.submit(_check_chunk, batch))
                batch = []
            while len(pending) > self.jobs * AHEAD:
                yield from self._result(pending.popleft())
        if batch:
            pending.append(self._pool.submit(_check_chunk, batch))
        while pending:
            yield from self._result(pending.popleft())

    def _result(self, future: Future[list[FileReport]]) -> list[FileReport]:
        """A chunk's reports; a worker that hangs or dies is an error for the admin, never a silent wait.
        (Chunks are taken in order, so the one waited for is being checked, or done.)"""
        from concurrent.futures.process import BrokenProcessPool

        try:
            return future.result(timeout=self.settings.limits.seconds_per_file * self.chunk)
        except TimeoutError:
            raise ToolboxError("een controleproces reageert niet meer; de controle is afgebroken.") from None
        except BrokenProcessPool:
            raise ToolboxError("een controleproces is onverwacht gestopt (te weinig geheugen?); de controle is "
                               "afgebroken.") from None
