"""Property: whatever a person types into whatever field, validation gives a valid record or problems,
never an exception.

Two levels: many values straight into the ``RawForm`` the validator sees (fast, every Python type a reader
can hand over), and fewer examples through a real workbook written by openpyxl and read by both readers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from typing import Any

import hypothesis
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from toolbox_docs.forms.check import Check, WorkbookStatus, check_workbook
from toolbox_docs.forms.raw import CellError, NoCachedValue, RawCell, RawForm, RawRow
from toolbox_docs.forms.schema import INTAKE_SCHEMA, Severity
from toolbox_docs.forms.validate import FormResult, validate_form
from toolbox_docs.forms.xlsx_read import read_form
from toolbox_docs.settings import Settings

# When a property fails, hypothesis's pytest plugin imports libcst to suggest a patch, and libcst triggers a
# DeprecationWarning about mypy_extensions.TypedDict. pyproject's "ignore::DeprecationWarning:mypy_extensions"
# does not match it (the warning is attributed to libcst's module), so the failure would surface as a pytest
# INTERNALERROR instead of the falsifying example. Ignore exactly that message, here only.
pytestmark = pytest.mark.filterwarnings("ignore:mypy_extensions.TypedDict is deprecated:DeprecationWarning")

SETTINGS = Settings()
FIELD_IDS = [f.id for f in INTAKE_SCHEMA.fields]
COLUMN_IDS = [c.id for c in INTAKE_SCHEMA.table.columns]

PREFIXED = st.builds(lambda prefix, rest: prefix + rest,
                     st.sampled_from(["=", "+", "-", "@", "=HYPERLINK(", "\t="]), st.text(max_size=30))
HUGE = st.builds(lambda char, count: char * count, st.characters(), st.integers(200, 20000))
RTL_AND_EMOJI = st.sampled_from([
    "مشروع الحديقة", "\u202eeman\u202c", "פרויקט", "👩🏽‍🌾🌳", "e\u0301", "\u200b",
                                 "\ufeff1.250,50", "٣", "１２", "Ⅻ", "½"])
NUMBERLIKE = st.sampled_from(["1.250,50", "€ 2.000", "2.000,-", "1.5", "1e400", "NaN", "-Infinity", "sNaN",
                              "1-3-2026", "31-02-2026", "1 maart 2026", "2026-03-01T10:00", "ja", "x", "0"])
CONTROL = st.text(alphabet=st.characters(max_codepoint=0x1F))
TEXTS = st.one_of(st.text(), CONTROL, PREFIXED, HUGE, RTL_AND_EMOJI, NUMBERLIKE)
VALUES = st.one_of(
    st.none(),
    TEXTS,
    st.integers(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(),  # includes nan, inf and huge values
    st.booleans(),
    st.datetimes(),
    st.dates(),
    st.times(),
    st.builds(CellError, st.sampled_from(["#REF!", "#DIV/0!", "#N/A", "#VALUE!", "#NAME?", "#NUM!"])),
    st.builds(NoCachedValue, st.text(max_size=20)),
)


def assert_outcome(result: FormResult) -> None:
    assert isinstance(result, FormResult)
    for problem in result.problems:
        assert problem.severity in (Severity.ERROR, Severity.WARNING)
        assert problem.code and problem.message.strip()
    if result.ok:
        assert result.record is not None
    else:
        assert result.record is None
        assert any(p.severity is Severity.ERROR for p in result.problems)


class Example:
    """The worked example, as bytes and as the ``RawForm`` the direct reader makes of it. Its repr is short:
    hypothesis prints the test's arguments, and 16 kB of workbook bytes would only bury the values."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.raw: RawForm = read_form(data, limits=SETTINGS.limits)

    def __repr__(self) -> str:
        return "<the worked example>"


@pytest.fixture(scope="session")
def example(example_intake: bytes) -> Example:
    return Example(example_intake)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_value_in_any_field_gives_a_record_or_problems(example: Example, data: st.DataObject) -> None:
    raw = example.raw
    cells = dict(raw.cells)
    for field_id in data.draw(st.lists(st.sampled_from(FIELD_IDS), min_size=1, max_size=4, unique=True)):
        value = data.draw(VALUES, label=field_id)
        cells[field_id] = RawCell(cells[field_id].sheet, cells[field_id].ref, value)
    result = validate_form(dataclasses.replace(raw, cells=cells), lists=SETTINGS.lists)
    assert_outcome(result)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_value_in_any_table_cell_gives_a_record_or_problems(example: Example,
                                                                data: st.DataObject) -> None:
    raw = example.raw
    rows = list(raw.rows)
    index = data.draw(st.integers(min_value=0, max_value=len(rows)), label="row")
    number = rows[index].number if index < len(rows) else rows[-1].number + 1
    cells = dict(rows[index].cells) if index < len(rows) else {}
    for column_id in data.draw(st.lists(st.sampled_from(COLUMN_IDS), min_size=1, max_size=3, unique=True)):
        letter = raw.column_letters[column_id]
        value = data.draw(VALUES, label=column_id)
        cells[column_id] = RawCell(raw.table_location.sheet, f"{letter}{number}", value)
    new_row = RawRow(number, cells)
    rows = [*rows[:index], new_row, *rows[index + 1:]] if index < len(rows) else [*rows, new_row]
    result = validate_form(dataclasses.replace(raw, rows=tuple(rows)), lists=SETTINGS.lists)
    assert_outcome(result)


# --- through a real workbook -----------------------------------------------------------------------------

CELL_TEXT = st.one_of(st.text(max_size=60), PREFIXED, RTL_AND_EMOJI, NUMBERLIKE,
                      st.builds(lambda c, n: c * n, st.characters(codec="utf-8"), st.integers(100, 5000))
                      ).map(lambda s: ILLEGAL_CHARACTERS_RE.sub("", s))  # openpyxl cannot store these
CELL_VALUE = st.one_of(CELL_TEXT, st.integers(min_value=-(10**15), max_value=10**15),
                       st.floats(allow_nan=False, allow_infinity=False), st.booleans(),
                       st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 1, 1)))


def _fill(example: bytes, changes: dict[str, Any], table_changes: dict[tuple[int, int], Any]) -> bytes:
    wb = load_workbook(io.BytesIO(example))
    for field_id, value in changes.items():
        (sheet, ref), = list(wb.defined_names[field_id].destinations)
        wb[sheet][ref.replace("$", "")] = value
    table_sheet = wb[INTAKE_SCHEMA.table.sheet]
    for (row, column), value in table_changes.items():
        table_sheet.cell(row, column).value = value
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@hypothesis.example(changes={"participation_start": -1}, table_changes={})  # found by this test
@hypothesis.example(changes={"project_name": "=1/0", "budget_euros": "#REF!"},
                    table_changes={(5, 3): "=A5*2"})
@given(
    changes=st.dictionaries(st.sampled_from(FIELD_IDS), CELL_VALUE, min_size=1, max_size=6),
    table_changes=st.dictionaries(st.tuples(st.integers(5, 20), st.integers(1, len(COLUMN_IDS))), CELL_VALUE,
                                  max_size=4),
)
def test_random_text_in_a_real_workbook_never_raises(example: Example, changes: dict[str, Any],
                                                     table_changes: dict[tuple[int, int], Any]) -> None:
    data = _fill(example.data, changes, table_changes)
    direct = check_workbook(data, lists=SETTINGS.lists, limits=SETTINGS.limits)
    assert isinstance(direct, Check)
    assert direct.status in (WorkbookStatus.VALID, WorkbookStatus.INVALID)
    assert (direct.kind, direct.version) == (INTAKE_SCHEMA.kind, INTAKE_SCHEMA.version)
    assert (direct.record is not None) == (direct.status == WorkbookStatus.VALID)
    reference = check_workbook(data, lists=SETTINGS.lists, limits=SETTINGS.limits, reader="openpyxl")
    assert reference == direct, "both readers see the same cells"
