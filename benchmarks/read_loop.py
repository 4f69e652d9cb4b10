"""A baseline for (b): read every workbook in a list with one reader, in ``--jobs`` worker processes.

    python benchmarks/read_loop.py --reader openpyxl|calamine --jobs 2 LIST

``LIST`` is a text file with one path per line. The workers are forked like ``validate``'s (a
``ProcessPoolExecutor`` with the same chunk size), so the comparison has equal parallelism and the same
start-up shape: one interpreter, two workers. Each reader reads every cell value of every sheet:

- ``openpyxl``: ``openpyxl.load_workbook(path, read_only=True)``, then ``iter_rows(values_only=True)``;
- ``calamine``: ``python_calamine.CalamineWorkbook.from_object(path)``, then ``to_python()`` of each sheet.

A file the reader cannot read (the broken ones) is counted and skipped. Prints ``read N, failed M``.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import IO

CHUNK = 32  # as toolbox_docs.pipeline.batch.CHUNK


def _openpyxl(path: str) -> None:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    try:
        for sheet in book.worksheets:
            for _ in sheet.iter_rows(values_only=True):
                pass
    finally:
        book.close()


def read_calamine(source: str | IO[bytes]) -> None:
    """Every cell of every sheet with calamine, from a path or from bytes in memory (``bench_batch`` reads
    the same way in one process)."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_object(source)
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python()


READERS = {"openpyxl": _openpyxl, "calamine": read_calamine}


def read_chunk(reader: str, paths: list[str]) -> int:
    read = READERS[reader]
    done = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path in paths:
            with contextlib.suppress(Exception):  # a broken file: a plain reader must get past it
                read(path)
                done += 1
    return done


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reader", choices=sorted(READERS), required=True)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("list", type=Path)
    args = parser.parse_args()
    paths = [line for line in args.list.read_text(encoding="utf-8").splitlines() if line]
    chunks = [paths[i:i + CHUNK] for i in range(0, len(paths), CHUNK)]
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with ProcessPoolExecutor(max_workers=args.jobs, mp_context=context) as pool:
        done = sum(pool.map(read_chunk, [args.reader] * len(chunks), chunks))
    print(f"read {done}, failed {len(paths) - done}")


if __name__ == "__main__":
    main()
