"""Every real-world spreadsheet of the shared corpus, offered as a form, ends in a clear Dutch message and
exit 1, within bounded time and memory, never a traceback.

The corpus (``../shared/corpus/xlsx``) holds files from Excel, LibreOffice, Google Sheets, fuzzers and
attackers (entity-expansion bombs, a sheet claiming 1,048,576 x 16,384 cells, encrypted packages); almost
none is one of our forms.

Memory bound: the whole run happens in one subprocess under ``RLIMIT_AS`` = 512 MiB (address space, so it
also holds the worker processes, each of which inherits it). Measured on the development machine (2 CPUs,
Python 3.11): the run completes under 64 MiB and fails only below ~48 MiB; 512 MiB leaves 8x headroom for
other machines and allocators while staying far below what a naive parse of the corpus's bombs needs.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from dutch import is_dutch
from toolbox_docs.forms.check import WorkbookStatus
from toolbox_docs.pipeline.batch import WORKBOOK_SUFFIXES, check_file
from toolbox_docs.settings import Settings

pytestmark = pytest.mark.corpus

MEMORY_LIMIT = 512 * 1024 * 1024
RUN_TIMEOUT = 120
SECONDS_PER_FILE = 5.0


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def corpus_files(corpus: Path) -> list[Path]:
    return sorted(p for p in (corpus / "xlsx").iterdir() if p.is_file())


Run = tuple[subprocess.CompletedProcess[str], Any]


@pytest.fixture(scope="module")
def run(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Run:
    environment = {k: v for k, v in os.environ.items()
           if not k.startswith("TOOLBOX_") or k == "TOOLBOX_CACHE_DIR"}  # conftest.py
    environment["TOOLBOX_STATE_DB"] = str(tmp_path_factory.mktemp("state") / "state.sqlite")
    result = subprocess.run(
        [sys.executable, "-m", "toolbox_docs", "validate", "--format", "json", str(corpus / "xlsx")],
        capture_output=True, text=True, timeout=RUN_TIMEOUT, preexec_fn=_limit_memory, env=environment,
        cwd=tmp_path_factory.mktemp("cwd"), check=False,
    )
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"validate did not print JSON (exit {result.returncode}):\n{result.stdout[-2000:]}\n"
                    f"{result.stderr[-4000:]}")
    return result, report


def test_every_corpus_file_is_a_workbook_candidate(corpus: Path) -> None:
    files = corpus_files(corpus)
    assert len(files) >= 50
    assert all(p.suffix.lower() in WORKBOOK_SUFFIXES for p in files), "the folder scan would skip some files"


def test_validate_exits_1_without_a_traceback(run: Run) -> None:
    result, _ = run
    assert "Traceback" not in result.stderr, result.stderr[-4000:]
    assert "Onverwachte fout" not in result.stderr
    assert result.returncode == 1, result.stderr[-2000:]


def test_every_file_is_reported_with_a_dutch_message(corpus: Path, run: Run) -> None:
    _, report = run
    reported = {Path(entry["path"]).name: entry for entry in report["files"]}
    assert sorted(reported) == [p.name for p in corpus_files(corpus)]
    assert report["summary"]["files"] == len(reported)
    assert report["summary"]["valid"] == 0
    for name, entry in reported.items():
        assert entry["status"] != WorkbookStatus.VALID and entry["valid"] is False, name
        assert entry["problems"], f"{name}: refused without a problem"
        for problem in entry["problems"]:
            assert problem["code"] != "internal-error", f"{name}: {problem['message']}"
            assert problem["message"].strip(), name
            assert is_dutch(problem["message"]), f"{name}: {problem['message']!r}"
            assert "Traceback" not in problem["message"]


def test_each_file_is_checked_in_bounded_time(corpus: Path, settings: Settings) -> None:
    slow = {}
    for path in corpus_files(corpus):
        started = time.perf_counter()
        report = check_file(path, settings)
        seconds = time.perf_counter() - started
        assert report.check.status != WorkbookStatus.VALID, path.name
        codes = [p.code for p in report.check.problems]
        assert "internal-error" not in codes, (path.name, report.check.problems)
        if seconds > SECONDS_PER_FILE:
            slow[path.name] = round(seconds, 2)
    assert not slow, f"files over {SECONDS_PER_FILE} s: {slow}"
