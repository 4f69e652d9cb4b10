"""Validating many workbooks: finding them, checking each from a private copy, in parallel, streaming.

Results come back in a stable order (the order the files were found) while workers check ahead, so
output can be written as it arrives and memory stays flat however many files there are.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from toolbox_docs.errors import ToolboxError, WorkbookError
from toolbox_docs.forms.check import UNREADABLE, Check, check_with_settings, refusal
from toolbox_docs.fsio import is_temp_or_owner, read_private_copy
from toolbox_docs.settings import Settings

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xltx", ".xltm", ".xlsb"}


@dataclass(frozen=True)
class FileReport:
    path: str
    check: Check


def find_workbooks(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named explicitly, and workbooks in folders (recursively, sorted, skipping temp/owner files)."""
    for path in paths:
        if path.is_dir():
            for folder, subfolders, files in os.walk(path):
                subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
                for name in sorted(files):
                    candidate = Path(folder) / name
                    if candidate.suffix.lower() in WORKBOOK_SUFFIXES and not is_temp_or_owner(candidate) \
                            and not name.startswith("."):
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
        from toolbox_docs.forms.validate import Problem

        problem = Problem("internal-error", "fout", f"Onverwachte fout bij het lezen ({type(error).__name__}). "
                          "Meld dit bij de beheerder van de toolbox.")
        return FileReport(str(path), Check(UNREADABLE, None, None, (problem,)))


def _check_chunk(paths: list[str], settings: Settings) -> list[FileReport]:
    return [check_file(Path(p), settings) for p in paths]


def check_files(paths: Iterable[Path], settings: Settings, *, jobs: int = 1, chunk: int = 16
                ) -> Iterator[FileReport]:
    """Reports in input order; with ``jobs`` > 1 worker processes check chunks ahead (bounded)."""
    if jobs <= 1:
        for path in paths:
            yield check_file(path, settings)
        return
    pending: list[Future[list[FileReport]]] = []
    batch: list[str] = []
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for path in paths:
            batch.append(str(path))
            if len(batch) >= chunk:
                pending.append(pool.submit(_check_chunk, batch, settings))
                batch = []
            while len(pending) > jobs * 4:
                yield from _result(pending.pop(0), settings, chunk)
        if batch:
            pending.append(pool.submit(_check_chunk, batch, settings))
        for future in pending:
            yield from _result(future, settings, chunk)


def _result(future: Future[list[FileReport]], settings: Settings, chunk: int) -> list[FileReport]:
    """A chunk's reports; a worker that hangs or dies is an error for the admin, never a silent wait."""
    try:
        return future.result(timeout=settings.limits.seconds_per_file * chunk)
    except TimeoutError:
        raise ToolboxError("een controleproces reageert niet meer; de controle is afgebroken.") from None
    except BrokenProcessPool:
        raise ToolboxError("een controleproces is onverwacht gestopt (te weinig geheugen?); de controle is "
                           "afgebroken.") from None
