"""The direct XML reader and the openpyxl reference reader reach the same verdict on the same bytes.

Equal means the whole ``Check``: status, kind, version, every problem (code, severity, message, field,
sheet, cell) and the typed record. Compared on: every workbook of the validation cases (built once, shared
with ``test_validation_cases.py``), the blank templates, workbooks after a LibreOffice round trip, and
every file of the shared corpus.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from functools import partial
from pathlib import Path

import pytest

from conftest import Converter, corpus_root
from test_validation_cases import CASES, Case, case_workbook
from toolbox_docs.forms.check import Check, check_workbook
from toolbox_docs.forms.xlsx_fill import fill_workbook
from toolbox_docs.settings import Settings

SETTINGS = Settings()


def verdict(data: bytes, reader: str) -> Check:
    return check_workbook(data, lists=SETTINGS.lists, limits=SETTINGS.limits, reader=reader)


def assert_agree(data: bytes) -> Check:
    direct = verdict(data, "direct")
    reference = verdict(data, "openpyxl")
    assert direct.status == reference.status
    assert (direct.kind, direct.version) == (reference.kind, reference.version)
    assert direct.problems == reference.problems
    assert direct.record == reference.record
    assert direct == reference
    return direct


@pytest.fixture(scope="session")
def case_templates(blank_evaluation: bytes, example_intake: bytes) -> dict[str, bytes]:
    return {"evaluatie": blank_evaluation, "example": example_intake}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_readers_agree_on_validation_case(case: Case, case_templates: dict[str, bytes]) -> None:
    result = assert_agree(case_workbook(case, case_templates))
    assert result.status == case.status, "the case itself must still hold"


def test_readers_agree_on_blank_templates(blank_intake: bytes, blank_evaluation: bytes) -> None:
    for data in (blank_intake, blank_evaluation):
        result = assert_agree(data)
        assert result.problems, "a blank form has required fields"


def test_readers_agree_on_the_example(example_intake: bytes) -> None:
    assert assert_agree(example_intake).record is not None


# --- odd cell contents, written as a script (or a person's Excel) would ---------------------------------

ODD_CELLS = [
    # Both readers read a date-formatted number as openpyxl does: -1 is 29-12-1899 (out of range) ...
    pytest.param("participation_start", -1, "date-out-of-range", id="negative-number-in-date-cell"),
    pytest.param("participation_start", 0.5, "not-a-date", id="time-of-day-in-date-cell"),
    # ... and a serial beyond the year 9999 is Excel's #VALUE!.
    pytest.param("participation_start", 2958466, "error-value", id="serial-beyond-9999-in-date-cell"),
    pytest.param("participation_start", 46082, None, id="serial-number-in-date-cell"),
    pytest.param("budget_euros", True, "not-a-number", id="boolean-in-amount-cell"),
    pytest.param("budget_euros", "#REF!", "error-value", id="error-value"),
    pytest.param("budget_euros", "=12500*2", "formula-no-value", id="formula-never-calculated"),
    pytest.param("project_name", "_x0041_BC", None, id="escaped-text"),
    pytest.param("project_name", dt.datetime(2027, 2, 1, 9, 30), None, id="datetime-in-text-cell"),
    pytest.param("budget_hours", 1e-7, None, id="tiny-float"),
]


@pytest.mark.parametrize(("field_id", "value", "code"), ODD_CELLS)
def test_readers_agree_on_odd_cells(field_id: str, value: object, code: str | None,
                                    example_intake: bytes) -> None:
    result = assert_agree(fill_workbook(example_intake, {field_id: value}))
    codes = [p.code for p in result.problems]
    assert codes == ([code] if code else []), result.problems


# --- after LibreOffice -----------------------------------------------------------------------------

ROUND_TRIP_CASES = ("intake-valid-example", "intake-several-problems", "intake-no-stakeholders",
                    "intake-row-only-contact", "evaluatie-valid", "evaluatie-ladder-level-for-overheid")


@pytest.mark.libreoffice
def test_readers_agree_after_a_libreoffice_round_trip(soffice: Converter, tmp_path: Path, blank_intake: bytes,
                                                      blank_evaluation: bytes,
                                                      case_templates: dict[str, bytes]) -> None:
    sources = {"blanco-intake": blank_intake, "blanco-evaluatie": blank_evaluation}
    by_id = {c.id: c for c in CASES}
    sources.update({name: case_workbook(by_id[name], case_templates) for name in ROUND_TRIP_CASES})
    originals = []
    for name, data in sources.items():
        path = tmp_path / "in" / f"{name}.xlsx"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        originals.append(path)
    outputs = soffice(originals, "xlsx:Calc MS Excel 2007 XML", tmp_path / "out")
    for output in outputs:
        assert output.read_bytes() != (tmp_path / "in" / output.name).read_bytes(), "LibreOffice rewrote it"
        try:
            assert_agree(output.read_bytes())
        except AssertionError as error:
            raise AssertionError(f"{output.name}: {error}") from None


# --- the corpus ------------------------------------------------------------------------------------

_ROOT = corpus_root()
CORPUS_FILES = sorted(p.name for p in (_ROOT / "xlsx").iterdir() if p.is_file()) if _ROOT else ["(absent)"]


@pytest.fixture(scope="session", autouse=True)
def reference_verdicts(request: pytest.FixtureRequest) -> Iterator[dict[str, Future[Check]]]:
    """The openpyxl reader is slow on some corpus files (one with 50,000 merged ranges takes 15-20 s): run
    it for the selected corpus files in worker processes, started with the first test of this module so
    that it overlaps the other comparisons; each corpus test then waits for its own file. Without the
    corpus this yields nothing, and the corpus tests skip (or fail in strict CI) through ``corpus``."""
    root = corpus_root()
    selected = {item.callspec.params["name"] for item in request.session.items
                if getattr(item, "originalname", "") == "test_readers_agree_on_corpus_file"}
    if root is None or not selected:
        yield {}
        return
    context = multiprocessing.get_context("spawn")
    reader = partial(check_workbook, lists=SETTINGS.lists, limits=SETTINGS.limits, reader="openpyxl")
    files = [root / "xlsx" / name for name in selected if (root / "xlsx" / name).is_file()]
    files.sort(key=lambda p: -p.stat().st_size)  # largest first, so the pool's tail is short
    with ProcessPoolExecutor(max_workers=max(2, min(4, os.cpu_count() or 1)), mp_context=context) as pool:
        yield {p.name: pool.submit(reader, p.read_bytes()) for p in files}


@pytest.mark.corpus
@pytest.mark.slow  # the reference reader over the whole corpus: minutes of CPU in worker processes
@pytest.mark.parametrize("name", CORPUS_FILES)
def test_readers_agree_on_corpus_file(name: str, corpus: Path, reference_verdicts: dict[str, Future[Check]]
                                      ) -> None:
    data = (corpus / "xlsx" / name).read_bytes()
    direct = verdict(data, "direct")
    reference = reference_verdicts[name].result(timeout=300)
    assert (direct.status, [p.code for p in direct.problems]) == \
        (reference.status, [p.code for p in reference.problems])
    assert direct == reference
