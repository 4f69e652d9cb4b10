"""Hostile and broken files on the share, each generated here, through the real pipeline.

Every case is the worked example intake (``watcher_support.make_intake``) with one thing changed, or a
file that is no workbook at all, saved into a project folder and given to ``pipeline.process_file`` as
the service does. Each ends in its documented outcome (the ``CASES`` table, and ``docs/threat-model.md``):

- ``afgekeurd``: a Dutch feedback file beside the workbook names the reason (and the cell, where there
  is one); nothing else is written;
- ``verwerkt``: processed, and what came out is checked (dates, amounts, text taken literally);
- ``uitgesteld`` / ``mislukt``: nothing half-written, retried later.

Always: within ``SECONDS`` (a hang guard, not a benchmark), the input byte-identical afterwards, and no
exception out of ``process_file``. Memory: ``test_crafted_files_through_the_service_under_a_memory_limit``
runs the real service (``watch --once``) over all of them in one process tree under ``RLIMIT_AS``.

Crafting helpers of ``test_ooxml.py`` (zip bombs, entity prologs, repacking) are reused, not repeated.
The shared-strings workbook (``shared_strings_workbook``) is the base of the honest slow and memory-hungry
input of ``test_adversarial_share.py``: a file within every size limit that takes seconds to read.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import os
import re
import resource
import shutil
import subprocess
import sys
import time
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree
from openpyxl import load_workbook

from dutch import is_dutch
from test_ooxml import (
    EXTERNAL,
    LAUGHS,
    encrypted_example,
    members,
    ole2,
    repack,
    with_content_type,
    with_doctype,
    zip_bomb,
)
from toolbox_docs.forms.check import check_workbook
from toolbox_docs.pipeline.process import Outcome, ProcessResult, Runtime, process_file
from toolbox_docs.register.xlsx import exporter_for
from toolbox_docs.settings import Settings
from toolbox_docs.share import fsio
from toolbox_docs.share.ooxml import OLE2_MAGIC, XLSM
from toolbox_docs.state import State
from watcher_support import (
    EVALUATION,
    OUTPUTS,
    PLAN,
    PROPOSAL,
    _environment,
    docx_text,
    field_cell,
    make_intake,
    make_root,
    state_db,
)

NOW = dt.datetime(2026, 11, 28, 14, 5)
SECONDS = 15.0
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
FORM = "xl/worksheets/sheet1.xml"  # 'Intake'
TABLE_SHEET = "xl/worksheets/sheet2.xml"  # 'Belanghebbenden'
EXPLANATION = "xl/worksheets/sheet3.xml"  # 'Uitleg'
MARKER = "xl/worksheets/sheet5.xml"  # '_toolbox'
WORKBOOK = "xl/workbook.xml"
EXCEL_1904_SHIFT = 1462  # days between Excel's 1900 and 1904 date systems
# --- crafting ---------------------------------------------------------------------------------------


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def set_cell(xml: bytes, ref: str, *, kind: str, value: str | None, formula: str | None = None) -> bytes:
    """The sheet part ``xml`` with cell ``ref`` replaced: ``kind`` 'inlineStr' (text as typed, with
    Excel's ``_xHHHH_`` escapes for control characters), 'n', 's', 'e', 'str' or 'b'; optional formula."""
    root = etree.fromstring(xml)
    data = root.find(_q("sheetData"))
    assert data is not None
    row_number = int(re.sub(r"^[A-Z]+", "", ref))
    row = next((r for r in data if r.get("r") == str(row_number)), None)
    if row is None:
        row = etree.SubElement(data, _q("row"), r=str(row_number))
        data[:] = sorted(data, key=lambda r: int(r.get("r", "0")))
    cell = next((c for c in row if c.get("r") == ref), None)
    if cell is None:
        cell = etree.SubElement(row, _q("c"), r=ref)
    style = cell.get("s")
    cell.attrib.clear()
    cell.set("r", ref)
    if style:
        cell.set("s", style)
    for child in list(cell):
        cell.remove(child)
    if kind == "inlineStr":
        cell.set("t", "inlineStr")
        text = etree.SubElement(etree.SubElement(cell, _q("is")), _q("t"))
        text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        text.text = value
    else:
        if kind != "n":
            cell.set("t", kind)
        if formula is not None:
            etree.SubElement(cell, _q("f")).text = formula
        if value is not None:
            etree.SubElement(cell, _q("v")).text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def excel_escape(text: str) -> str:
    """How Excel stores characters XML cannot hold: ``_xHHHH_``."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", lambda m: f"_x{ord(m.group(0)):04X}_", text)


def with_texts(example: bytes, texts: dict[str, str]) -> bytes:
    """The example with text typed into fields (as string cells, whatever the text starts with)."""
    parts = members(example)
    form = parts[FORM]
    for field_id, text in texts.items():
        form = set_cell(form, field_cell(field_id), kind="inlineStr", value=excel_escape(text))
    return repack(example, replace={FORM: form})


def with_marker_version(example: bytes, version: str) -> bytes:
    parts = members(example)
    return repack(example, replace={MARKER: set_cell(parts[MARKER], "B3", kind="inlineStr", value=version)})


def with_cell(example: bytes, field_id: str, *, kind: str, value: str | None, formula: str | None = None) -> bytes:
    parts = members(example)
    return repack(example, replace={FORM: set_cell(parts[FORM], field_cell(field_id), kind=kind, value=value,
                                                   formula=formula)})


def workbook_xml(example: bytes, change: Callable[[str], str]) -> bytes:
    parts = members(example)
    changed = change(parts[WORKBOOK].decode())
    assert changed != parts[WORKBOOK].decode(), "the change did not apply"
    return repack(example, replace={WORKBOOK: changed.encode()})


def without_sheet(name: str) -> Callable[[str], str]:
    return lambda xml: re.sub(rf'<sheet [^>]*name="{name}"[^>]*/>', "", xml)


def date_1904(example: bytes) -> bytes:
    """Excel's 1904 date system: the flag in workbook.xml and every date serial 1,462 days smaller, so
    that Excel shows the same dates as in the example."""
    parts = members(example)
    form = parts[FORM]
    for field_id in ("participation_start", "participation_end", "decision_date"):
        ref = field_cell(field_id)
        serial = re.search(rf'<c r="{ref}"[^>]*><v>(\d+)</v>'.encode(), form)
        assert serial is not None, field_id
        form = set_cell(form, ref, kind="n", value=str(int(serial.group(1)) - EXCEL_1904_SHIFT))  # style kept
    flagged = parts[WORKBOOK].replace(b"<workbookPr/>", b'<workbookPr date1904="1"/>')
    assert flagged != parts[WORKBOOK]
    return repack(example, replace={FORM: form, WORKBOOK: flagged})


def merged(example: bytes, ref: str, *, drop: str | None = None) -> bytes:
    """Cells ``ref`` merged on the form sheet; ``drop`` is a cell Excel empties when merging (all but the
    top-left cell lose their value)."""
    xml = members(example)[FORM].decode()
    if drop:
        xml = re.sub(rf'<c r="{drop}"[^>]*?(/>|>.*?</c>)', "", xml, count=1)
    xml = re.sub(r"(<sheetProtection[^>]*/>)", rf'\1<mergeCells count="1"><mergeCell ref="{ref}"/></mergeCells>',
                 xml, count=1)
    assert "<mergeCell " in xml
    return repack(example, replace={FORM: xml.encode()})


def claims_a_million_rows(example: bytes) -> bytes:
    """Every sheet claims A1:XFD1048576 and has a real cell in the very last row (and column)."""
    replace = {}
    for name, xml in members(example).items():
        if name.startswith("xl/worksheets/sheet"):
            text = re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', xml.decode())
            text = text.replace("</sheetData>", '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>onderaan'
                                '</t></is></c></row></sheetData>')
            replace[name] = text.encode()
    return repack(example, replace=replace)


def a_million_real_rows(example: bytes) -> bytes:
    """1,048,576 - 600 real rows under the stakeholder table (about 40 MB of sheet XML, 6 MB zipped)."""
    xml = members(example)[TABLE_SHEET].decode()
    head, tail = xml.split("</sheetData>", 1)
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>{n % 97}</v></c></row>' for n in range(600, 1048577))
    return repack(example, replace={TABLE_SHEET: f"{head}{rows}</sheetData>{tail}".encode()})


def many_members(example: bytes, path: Path, count: int = 50_000) -> bytes:
    """The example plus ``count`` empty members: a central directory of 3 MB that a naive reader parses
    whole (about 0.2 s and 30 MB in Python's zipfile; both grow with the count) before any check can
    refuse it."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for name, data in members(example).items():
            archive.writestr(name, data)
        for number in range(count):
            archive.writestr(zipfile.ZipInfo(f"xl/media/leeg{number}.bin"), b"")
    return path.read_bytes()


def truncated(example: bytes) -> bytes:
    return example[: len(example) * 2 // 3]


def macro_workbook(example: bytes) -> bytes:
    return with_content_type(repack(example, add=[("xl/vbaProject.bin", OLE2_MAGIC + b"\x00" * 504)]), XLSM)


def shared_strings_workbook(example: bytes, path: Path, count: int) -> Path:
    """The example with a shared-strings table of ``count`` short strings, one of them used in a field.

    Written as a stream (never whole in memory). 1,000,000 strings: a 2.5 MB file whose strings part
    inflates to 20 MB (ratio 8: no zip bomb), within every default limit; reading it takes seconds and a
    few hundred MB. An honest slow and memory-hungry input: nothing in the toolbox is slowed on purpose."""
    rels = "xl/_rels/workbook.xml.rels"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members(example).items():
            if name == rels:
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdStrings" Type="http://schemas.'
                                    b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
                                    b'Target="sharedStrings.xml"/></Relationships>')
            elif name == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="'
                                    b'application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings'
                                    b'+xml"/></Types>')
            elif name == FORM:
                data = set_cell(data, field_cell("location"), kind="s", value=str(count - 1))
            archive.writestr(name, data)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as member:
            member.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="%s" count="%d" '
                         b'uniqueCount="%d">' % (NS.encode(), count, count))
            for start in range(0, count, 10_000):
                member.write(b"".join(b"<si><t>Plek %d</t></si>" % n for n in range(start, min(count, start + 10_000))))
            member.write(b"</sst>")
    return path


# --- the cases --------------------------------------------------------------------------------------

Check = Callable[[ProcessResult, Path], None]


@dataclass(frozen=True)
class Case:
    """One crafted file and its documented outcome; ``codes`` are the accepted problem codes (afgekeurd),
    ``cell`` the cell the feedback must name, ``then`` further checks of what came out."""

    build: Callable[[bytes, Path], bytes]
    outcome: Outcome
    codes: frozenset[str] = frozenset()
    cell: str | None = None
    then: Check | None = None
    name: str = "intake.xlsx"
    why: str = ""  # the reason for the outcome, where it is not obvious


def _record(path: Path) -> object:
    check = check_workbook(path.read_bytes(), lists=Settings().lists, limits=Settings().limits)
    assert check.record is not None, check.problems
    return check.record


def _dates_as_in_excel(result: ProcessResult, path: Path) -> None:
    record = _record(path)
    assert (record.participation_start, record.participation_end, record.decision_date) == (  # type: ignore[attr-defined]
        dt.date(2027, 2, 1), dt.date(2027, 5, 31), dt.date(2027, 7, 6)), "1904 dates read as Excel shows them"
    plan = docx_text(path.parent / PLAN)
    assert "01-02-2027Start van de participatie" in plan and "6 juli 2027" in plan, "the plan shows Excel's dates"


def _dutch_amount(result: ProcessResult, path: Path) -> None:
    assert _record(path).budget_euros == Decimal("12500")  # type: ignore[attr-defined]
    assert re.search(r"€\s12\.500,00", docx_text(path.parent / PLAN)), "the amount as typed, in the plan"


def _merged_value_kept(result: ProcessResult, path: Path) -> None:
    assert "Groenplan Meezenbroek" in docx_text(path.parent / PLAN)


def _outputs_written(result: ProcessResult, path: Path) -> None:
    for name in OUTPUTS:
        assert (path.parent / name).is_file(), name


CASES: dict[str, Case] = {
    "empty-file": Case(lambda ex, tmp: b"", Outcome.REJECTED, frozenset({"empty"})),
    "truncated-file": Case(lambda ex, tmp: truncated(ex), Outcome.REJECTED, frozenset({"damaged"})),
    "csv-renamed-xlsx": Case(lambda ex, tmp: "project;budget\nGroenplan;12.500\n".encode("utf-8-sig"),
                             Outcome.REJECTED, frozenset({"not-office"})),
    "xls-renamed-xlsx": Case(lambda ex, tmp: ole2(["Root Entry", "Workbook", "\x05SummaryInformation"]),
                             Outcome.REJECTED, frozenset({"legacy-xls"})),
    "encrypted-package": Case(lambda ex, tmp: encrypted_example(ex), Outcome.REJECTED, frozenset({"encrypted"})),
    "macro-workbook": Case(lambda ex, tmp: macro_workbook(ex), Outcome.REJECTED, frozenset({"macro"}),
                           name="intake.xlsm"),
    "zip-bomb-300-mb": Case(lambda ex, tmp: zip_bomb(tmp / "bom.zip"), Outcome.REJECTED,
                            frozenset({"hostile", "too-large"})),
    "larger-than-20-mb": Case(lambda ex, tmp: ex + b"\x00" * (20 * 1024 * 1024), Outcome.REJECTED,
                              frozenset({"too-large"})),
    "50000-members": Case(lambda ex, tmp: many_members(ex, tmp / "veel.zip"), Outcome.REJECTED,
                           frozenset({"hostile"})),
    "member-with-dotdot": Case(lambda ex, tmp: repack(ex, add=[("../../evil.xml", b"<x/>")]), Outcome.REJECTED,
                               frozenset({"hostile"})),
    "member-absolute": Case(lambda ex, tmp: repack(ex, add=[("/etc/evil.xml", b"<x/>")]), Outcome.REJECTED,
                            frozenset({"hostile"})),
    "member-duplicate": Case(lambda ex, tmp: repack(ex, add=[(FORM, members(ex)[FORM])]), Outcome.REJECTED,
                             frozenset({"hostile"})),
    "sheet-claims-a-million-rows": Case(lambda ex, tmp: claims_a_million_rows(ex), Outcome.DONE,
                                        then=_outputs_written),
    "a-million-real-rows": Case(lambda ex, tmp: a_million_real_rows(ex), Outcome.DONE, then=_outputs_written),
    "form-sheet-renamed": Case(lambda ex, tmp: workbook_xml(ex, lambda x: x.replace('name="Intake"',
                                                                                    'name="Mijn intake"')),
                               Outcome.REJECTED, frozenset({"structure-broken"})),
    "form-sheet-deleted": Case(lambda ex, tmp: workbook_xml(ex, without_sheet("Intake")), Outcome.REJECTED,
                               frozenset({"structure-broken"})),
    "table-sheet-deleted": Case(lambda ex, tmp: workbook_xml(ex, without_sheet("Belanghebbenden")),
                                Outcome.REJECTED, frozenset({"table-missing"})),
    "table-sheet-renamed": Case(lambda ex, tmp: workbook_xml(ex, lambda x: x.replace('name="Belanghebbenden"',
                                                                                     'name="Partijen"')),
                                Outcome.DONE, then=_outputs_written,
                                why="the table is found by its name, whatever its sheet is called"),
    "older-template-version": Case(lambda ex, tmp: with_marker_version(ex, "0"), Outcome.REJECTED,
                                   frozenset({"old-template"})),
    "newer-template-version": Case(lambda ex, tmp: with_marker_version(ex, "7"), Outcome.REJECTED,
                                   frozenset({"newer-template"})),
    "template-version-infinite": Case(lambda ex, tmp: with_marker_version(ex, "1e400"), Outcome.REJECTED,
                                      frozenset({"damaged"})),
    "formula-without-cached-value": Case(lambda ex, tmp: with_cell(ex, "budget_euros", kind="n", value=None,
                                                                   formula="SUM(B40:B44)"),
                                         Outcome.REJECTED, frozenset({"formula-no-value"}),
                                         cell=field_cell("budget_euros")),
    "error-value-ref": Case(lambda ex, tmp: with_cell(ex, "budget_euros", kind="e", value="#REF!",
                                                      formula="#REF!*2"),
                            Outcome.REJECTED, frozenset({"error-value"}), cell=field_cell("budget_euros")),
    "date-system-1904": Case(lambda ex, tmp: date_1904(ex), Outcome.DONE, then=_dates_as_in_excel),
    "dutch-number-as-text": Case(lambda ex, tmp: with_cell(ex, "budget_euros", kind="inlineStr",
                                                           value="€ 12.500,00"),
                                 Outcome.DONE, then=_dutch_amount),
    "merged-input-with-help-cell": Case(lambda ex, tmp: merged(ex, "B5:C5", drop="C5"), Outcome.DONE,
                                        then=_merged_value_kept),
    "merged-label-over-input-cell": Case(lambda ex, tmp: merged(ex, "A5:B5", drop="B5"), Outcome.REJECTED,
                                         frozenset({"required"}), cell=field_cell("project_name"),
                                         why="Excel keeps only the top-left value: the name is gone"),
}


# --- running a case ---------------------------------------------------------------------------------


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    root = tmp_path / "Participatie"
    root.mkdir()
    made = Runtime.open(Settings().replace(state_db=tmp_path / "state" / "state.sqlite"), roots=(root,))
    made.on_register_change = exporter_for(made)
    yield made
    made.close()


def one(folder: Path, suffix: str) -> Path:
    """The one file in ``folder`` whose name ends with ``suffix``."""
    (found,) = [p for p in folder.iterdir() if p.name.endswith(suffix)]
    return found


def _root(runtime: Runtime) -> Path:
    return runtime.roots[0]


def place(runtime: Runtime, folder: str, name: str, data: bytes) -> Path:
    target = _root(runtime) / "Projecten" / folder
    target.mkdir(parents=True, exist_ok=True)
    path = target / name
    path.write_bytes(data)
    return path


def run(path: Path, runtime: Runtime) -> tuple[ProcessResult, float]:
    """``process_file`` as the service calls it; fails on an exception or a changed input."""
    before = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
    started = time.perf_counter()
    result = process_file(path, runtime, now=NOW)
    seconds = time.perf_counter() - started
    if path.exists():
        assert (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns) == before, "input changed"
    return result, seconds


def assert_feedback(result: ProcessResult, path: Path, *, codes: frozenset[str], cell: str | None = None,
                    feedback: Path | None = None) -> str:
    """A rejection: one Dutch feedback file beside the input naming the reason (and cell); no other output."""
    assert result.outcome is Outcome.REJECTED, result.lines()
    assert [p.code for p in result.problems if p.is_error], result.lines()
    assert {p.code for p in result.problems if p.is_error} <= codes, result.lines()
    target = feedback or path.parent / f"{path.stem} - feedback.txt"
    text = target.read_text(encoding="utf-8-sig")
    assert f"Bestand: {path.name}" in text
    for problem in result.problems:
        assert problem.message in text
        assert is_dutch(problem.message), problem.message
    if cell is not None:
        assert f"cel {cell}" in text, text
    assert "Traceback" not in text and "Error" not in text
    assert sorted(p.name for p in path.parent.iterdir()) == sorted([path.name, target.name])
    return text


@pytest.mark.parametrize("name", [pytest.param(name, marks=pytest.mark.slow)
                                  if name in {"zip-bomb-300-mb", "50000-members", "a-million-real-rows"} else name
                                  for name in CASES])  # the three that take seconds are slow
def test_crafted_file_ends_in_its_documented_outcome(name: str, runtime: Runtime, tmp_path: Path) -> None:
    case = CASES[name]
    data = case.build(make_intake(), tmp_path)
    path = place(runtime, name, case.name, data)

    result, seconds = run(path, runtime)

    assert seconds < SECONDS, f"{name} took {seconds:.1f} s"
    assert result.outcome is case.outcome, result.lines()
    if case.outcome is Outcome.REJECTED:
        assert_feedback(result, path, codes=case.codes, cell=case.cell)
    if case.then is not None:
        case.then(result, path)
    item = runtime.state.ledger_entry(path)
    assert item is not None and item.outcome == case.outcome.value


# --- XML entity attacks in every XML part -----------------------------------------------------------

XML_PARTS = sorted(n for n in members(make_intake()) if n.endswith((".xml", ".rels")))
PROLOGS = {"entity-expansion": (LAUGHS, b"&lol4;"), "external-entity": (EXTERNAL, b"&xxe;")}


@pytest.mark.parametrize("attack", list(PROLOGS))
@pytest.mark.parametrize("part", XML_PARTS)
def test_entity_declarations_in_any_xml_part_are_refused(part: str, attack: str, runtime: Runtime) -> None:
    example = make_intake()
    prolog, use = PROLOGS[attack]
    hostile = repack(example, replace={part: with_doctype(members(example)[part], prolog, use)})
    path = place(runtime, f"{attack} {part.replace('/', '_')}", "intake.xlsx", hostile)

    result, seconds = run(path, runtime)

    assert seconds < SECONDS
    text = assert_feedback(result, path, codes=frozenset({"hostile"}))
    assert part in text, "the feedback names the part"
    assert "root:" not in text and "lollollol" not in text, "nothing was expanded or fetched"


# --- what people type: markup, formulas, control characters, other scripts -----------------------------

INJECTED = {
    "project_name": '=HYPERLINK("https://example.com/x","klik") 👩‍👩‍👧',
    "trekker_name": "@Sanne </w:t></w:r><w:r><w:t>ingevoegd",
    "location": "-2+3 مرحبا שלום \u202eevil\u202c",
    "reason_goal": "+31 45 000 0000\n</p><h1>Kop</h1>{{ 7*7 }} {% if true %}ja{% endif %} &amp; <b>vet</b>",
    "input_use": "=cmd|' /C calc'!A0 en een bel\x07 en\x1f stuurteken",
}


def test_typed_markup_formulas_and_control_characters_stay_literal_text(runtime: Runtime) -> None:
    path = place(runtime, "Injectie", "intake.xlsx", with_texts(make_intake(), INJECTED))

    result, _ = run(path, runtime)

    assert result.outcome is Outcome.DONE, result.lines()
    plan_path = one(path.parent, " - participatieplan.docx")  # named after the (cleaned) project name
    plan = docx_text(plan_path)
    for field_id in ("project_name", "trekker_name", "reason_goal", "input_use"):
        expected = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", INJECTED[field_id])
        for line in expected.split("\n"):
            assert line.strip() in plan, (field_id, line)
    assert "{{ 7*7 }}" in plan and "{% if true %}" in plan, "typed text is never evaluated as a template"
    with zipfile.ZipFile(plan_path) as archive:
        body = archive.read("word/document.xml")
    assert b"<w:t>ingevoegd" not in body, "typed XML stays text"
    assert b"instrText" not in body and b"fldSimple" not in body, "no field codes"
    paragraphs = ["".join(t.text or "" for t in p.iter("{*}t")) for p in etree.fromstring(body).iter("{*}p")]
    assert "Kop" not in paragraphs, "typed <h1> made no heading of its own"


def test_register_holds_typed_text_as_text_never_a_formula(runtime: Runtime) -> None:
    path = place(runtime, "Register", "intake.xlsx", with_texts(make_intake(), INJECTED))
    result, _ = run(path, runtime)
    assert result.outcome is Outcome.DONE, result.lines()

    register = load_workbook(_root(runtime) / "projectenregister.xlsx")
    cells = {c.value: c for sheet in register.worksheets for row in sheet.iter_rows() for c in row}
    name = cells.get(INJECTED["project_name"])
    assert name is not None, "the project name is in the register, unchanged"
    assert name.data_type == "s" and name.quotePrefix
    assert not [c.coordinate for c in cells.values() if c.data_type == "f"]


def test_prepared_evaluation_workbook_holds_typed_text_as_text(runtime: Runtime) -> None:
    """The evaluation workbook is pre-filled with the intake's project name and trekker: a name that starts
    with '=' must stay text there too. Bug (forms/xlsx_template.py, ``_write_fields``): openpyxl turns a
    string starting with '=' into a formula cell; the register (``register.xlsx``) shows the fix."""
    path = place(runtime, "Evaluatie", "intake.xlsx", with_texts(make_intake(), INJECTED))
    result, _ = run(path, runtime)
    assert result.outcome is Outcome.DONE, result.lines()

    workbook = load_workbook(one(path.parent, " - evaluatie.xlsx"))
    formulas = [f"{s.title}!{c.coordinate}={c.value}" for s in workbook.worksheets for row in s.iter_rows()
                for c in row if c.data_type == "f"]
    assert formulas == [], "typed text became a formula in the prepared evaluation workbook"


def test_control_characters_in_a_prefilled_field_do_not_stop_the_outputs(runtime: Runtime) -> None:
    """A project name with a control character (Excel stores it as ``_x0007_``): the documents drop it,
    and so must the pre-filled evaluation workbook. Bug (forms/xlsx_template.py, ``_write_fields``):
    openpyxl raises IllegalCharacterError, so ``process_file`` raises instead of writing the outputs."""
    path = place(runtime, "Stuurtekens", "intake.xlsx",
                 with_texts(make_intake(), {"project_name": "Groen\x07plan\x1f Meezenbroek"}))

    result, _ = run(path, runtime)

    assert result.outcome is Outcome.DONE, result.lines()
    assert "Groenplan Meezenbroek" in docx_text(path.parent / PLAN)
    assert load_workbook(path.parent / EVALUATION) is not None


# --- file names -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [
    "mijn intake met spaties.xlsx",
    unicodedata.normalize("NFC", "Intake Ömgeving café ÿ.xlsx"),
    unicodedata.normalize("NFD", "Intake Ömgeving café ÿ.xlsx"),
    "intake (kopie) [2] #1 & 'quote' 👩‍🌾.xlsx",
], ids=["spaces", "nfc", "nfd", "punctuation-emoji"])
def test_names_with_spaces_and_unicode_forms_are_processed_beside_themselves(name: str, runtime: Runtime) -> None:
    path = place(runtime, "Namen", name, make_intake())

    result, _ = run(path, runtime)

    assert result.outcome is Outcome.DONE, result.lines()
    stem = name[: -len(".xlsx")]
    expected = {name, f"{stem} - participatieplan.docx", f"{stem} - collegevoorstel.docx", f"{stem} - evaluatie.xlsx"}
    assert set(os.listdir(path.parent)) == expected, "outputs carry the input's name in its own normal form"


@pytest.mark.slow
def test_both_unicode_forms_side_by_side_are_two_files(runtime: Runtime) -> None:
    nfc = place(runtime, "Beide", unicodedata.normalize("NFC", "café.xlsx"), make_intake(project_name="Eén"))
    nfd = place(runtime, "Beide", unicodedata.normalize("NFD", "café.xlsx"), make_intake(project_name="Twee"))
    assert nfc != nfd and len(os.listdir(nfc.parent)) == 2, "this file system keeps both forms apart"
    assert run(nfc, runtime)[0].outcome is Outcome.DONE
    assert run(nfd, runtime)[0].outcome is Outcome.DONE
    assert "Eén" in docx_text(nfc.parent / unicodedata.normalize("NFC", "café - participatieplan.docx"))
    assert "Twee" in docx_text(nfd.parent / unicodedata.normalize("NFD", "café - participatieplan.docx"))


def _name_max(folder: Path) -> int:
    return os.pathconf(folder, "PC_NAME_MAX") if hasattr(os, "pathconf") else 255


def test_a_name_near_name_max_gets_a_shortened_feedback_not_a_traceback(runtime: Runtime) -> None:
    folder = _root(runtime) / "Projecten" / "Lange naam"
    folder.mkdir(parents=True)
    stem = "Herinrichting " + "lang " * ((_name_max(folder) - 30) // 5)
    path = place(runtime, "Lange naam", f"{stem}.xlsx", make_intake())
    assert len(os.fsencode(path.name)) <= _name_max(folder) < len(os.fsencode(f"{stem} - participatieplan.docx"))

    result, _ = run(path, runtime)

    (feedback,) = [p for p in folder.iterdir() if p.name.endswith(" - feedback.txt")]
    assert feedback.name.endswith("… - feedback.txt") and len(os.fsencode(feedback.name)) <= _name_max(folder)
    text = assert_feedback(result, path, codes=frozenset({"name-too-long"}), feedback=feedback)
    assert "kortere naam" in text


def test_a_path_near_path_max_gets_a_shortened_feedback_not_a_traceback(runtime: Runtime) -> None:
    path_max = os.pathconf(_root(runtime), "PC_PATH_MAX") if hasattr(os, "pathconf") else 260
    folder = _root(runtime) / "Projecten"
    while len(os.fsencode(str(folder))) < path_max - 250:
        folder = folder / ("map " * 50).strip()
    folder = folder / ("d" * (path_max - 30 - len(os.fsencode(str(folder))) - 1))
    folder.mkdir(parents=True)
    path = folder / "intake project.xlsx"
    path.write_bytes(make_intake())
    plan = folder / "intake project - participatieplan.docx"
    assert len(os.fsencode(str(path))) < path_max <= len(os.fsencode(str(plan)))
    result, _ = run(path, runtime)

    (feedback,) = [p for p in folder.iterdir() if p.name.endswith(" - feedback.txt")]
    assert_feedback(result, path, codes=frozenset({"name-too-long"}), feedback=feedback)


# --- the share changing under the service ---------------------------------------------------------------


def test_stale_owner_file_is_waited_for_and_the_note_says_how_to_release_it(runtime: Runtime) -> None:
    """Decision (threat model): an owner file is never treated as stale, however old: a document may stay
    open over a weekend, and replacing it then loses the person's work. The proposal waits (everything
    else is written); after a day the note says Word probably crashed and how to release the file."""
    first = place(runtime, "Verlaten", "intake.xlsx", make_intake(reason_goal="Kenmerk-EEN: het eerste doel."))
    assert run(first, runtime)[0].outcome is Outcome.DONE
    proposal = first.parent / PROPOSAL
    owner = first.parent / f"~${PROPOSAL[2:]}"
    owner.write_bytes(b"\x0dSanne de Vries" + b"\x00" * 148)
    two_days_ago = time.time() - 2 * 86400
    os.utime(owner, (two_days_ago, two_days_ago))
    before = proposal.read_bytes()
    first.write_bytes(make_intake(reason_goal="Kenmerk-TWEE: het tweede doel."))

    result, _ = run(first, runtime)

    assert result.outcome is Outcome.DEFERRED, result.lines()
    assert proposal.read_bytes() == before, "the open document was not touched"
    (deferred,) = [a for a in result.actions if a.path == proposal]
    assert "2 dagen oud" in deferred.note and "Open en sluit het document" in deferred.note
    assert "Kenmerk-TWEE" in docx_text(first.parent / PLAN)
    assert owner.exists(), "the toolbox never deletes an owner file"

    owner.unlink()  # the person opens and closes the proposal in Word
    assert run(first, runtime)[0].outcome is Outcome.DONE
    assert "Kenmerk-TWEE" in docx_text(proposal)


def test_file_deleted_while_processed_is_done_from_the_private_copy(runtime: Runtime,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The pipeline reads the file once; deleting it afterwards changes nothing of the run."""
    import toolbox_docs.pipeline.process as pipeline

    path = place(runtime, "Verdwijnt", "intake.xlsx", make_intake())
    real = pipeline.check_with_settings

    def check_then_delete(data: bytes, settings: Settings):  # type: ignore[no-untyped-def]
        path.unlink()
        return real(data, settings)

    monkeypatch.setattr(pipeline, "check_with_settings", check_then_delete)
    result = process_file(path, runtime, now=NOW)

    assert result.outcome is Outcome.DONE, result.lines()
    assert sorted(os.listdir(path.parent)) == sorted(OUTPUTS)


def test_folder_deleted_while_processed_is_ignored_and_nothing_is_left(runtime: Runtime,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import toolbox_docs.pipeline.process as pipeline

    path = place(runtime, "Map verdwijnt", "intake.xlsx", make_intake())
    real = pipeline.check_with_settings

    def check_then_remove_folder(data: bytes, settings: Settings):  # type: ignore[no-untyped-def]
        shutil.rmtree(path.parent)
        return real(data, settings)

    monkeypatch.setattr(pipeline, "check_with_settings", check_then_remove_folder)
    result = process_file(path, runtime, now=NOW)

    assert result.outcome is Outcome.IGNORED, result.lines()
    assert "verwijderd" in result.message
    assert not path.parent.exists(), "nothing was created where the folder was"


# --- read-only folder and full disk ------------------------------------------------------------------


def _can_mount() -> bool:
    return os.geteuid() == 0 and shutil.which("mount") is not None


@contextlib.contextmanager
def tmpfs(folder: Path, *, size: str) -> Iterator[Path]:
    """A small tmpfs mounted at ``folder`` (root only); unmounted afterwards."""
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise OSError(f"mount failed: {done.stderr}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)


@contextlib.contextmanager
def read_only(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """``folder`` made read-only for the service the way this machine allows: file modes for a normal
    user; for root (whom modes do not stop) a read-only remount of a tmpfs; else a simulated EACCES."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield "chmod"
        finally:
            folder.chmod(0o755)
        return
    if _can_mount():
        content = {p.name: p.read_bytes() for p in folder.iterdir()}
        try:
            with tmpfs(folder, size="4m"):
                for name, data in content.items():
                    (folder / name).write_bytes(data)
                subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True, capture_output=True)
                yield "read-only mount"
            return
        except OSError:
            pass
    real_open = Path.open

    def refuse(self: Path, mode: str = "r", *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        if self.is_relative_to(folder) and any(flag in mode for flag in "wxa+"):
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_open(self, mode, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", refuse)
    yield "simulated EACCES"


def test_read_only_project_folder_fails_clearly_and_leaves_nothing(runtime: Runtime,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    path = place(runtime, "Alleen lezen", "intake.xlsx", make_intake())
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with read_only(path.parent, monkeypatch) as how:
        result = process_file(path, runtime, now=NOW)
        names = os.listdir(path.parent)
        data = path.read_bytes()

    assert result.outcome is Outcome.FAILED, (how, result.lines())
    assert "geen schrijfrechten" in result.message, (how, result.message)
    assert names == ["intake.xlsx"], f"{how}: something was left behind: {names}"
    assert hashlib.sha256(data).hexdigest() == digest


def test_full_disk_simulated_at_the_write_layer_fails_clearly_and_leaves_nothing(
        runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    """ENOSPC as network file systems report it: at fsync of a temp file (runs everywhere)."""
    path = place(runtime, "Vol", "intake.xlsx", make_intake())

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fsio.os, "fsync", no_space)
    result = process_file(path, runtime, now=NOW)
    monkeypatch.undo()

    assert result.outcome is Outcome.FAILED, result.lines()
    assert "de schijf is vol" in result.message
    assert os.listdir(path.parent) == ["intake.xlsx"], "no temp file or half document left"
    assert run(path, runtime)[0].outcome is Outcome.DONE, "with room again, the retry completes"


@pytest.mark.skipif(not _can_mount(), reason="mounting a tmpfs needs root; the simulated ENOSPC test covers it")
def test_full_disk_on_a_real_small_tmpfs_fails_clearly_and_recovers(runtime: Runtime, tmp_path: Path) -> None:
    with tmpfs(_root(runtime) / "Projecten" / "Klein", size="256k") as folder:
        path = folder / "intake.xlsx"
        path.write_bytes(make_intake())
        filler = folder / "opvulling.bin"
        free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
        # Room for a small output, not for every output: the three take about 37 KB (the proposal 8 KB, the
        # plan 13 KB with its chart as a vector picture, the evaluation workbook 16 KB).
        filler.write_bytes(b"\x00" * (free - 20 * 1024))
        before = {p.name for p in folder.iterdir()}

        result, _ = run(path, runtime)

        assert result.outcome is Outcome.FAILED, result.lines()
        assert "de schijf is vol" in result.message, result.message
        left = {p.name for p in folder.iterdir()} - before
        assert not [n for n in left if n.startswith(fsio.TEMP_PREFIX)], f"temp files left: {left}"
        for name in left:
            assert name in OUTPUTS, name
        filler.unlink()
        assert run(path, runtime)[0].outcome is Outcome.DONE


# --- links and special files ----------------------------------------------------------------------------


def test_an_input_that_is_a_symbolic_link_is_not_read(runtime: Runtime, tmp_path: Path) -> None:
    """Decision (threat model): the service never follows a link. A link on the share to a workbook
    elsewhere (that its maker may not read) is not processed, and nothing is written beside it."""
    outside = tmp_path / "buiten" / "geheim.xlsx"
    outside.parent.mkdir()
    outside.write_bytes(make_intake(project_name="Geheim project"))
    folder = _root(runtime) / "Projecten" / "Koppeling"
    folder.mkdir(parents=True)
    (folder / "intake.xlsx").symlink_to(outside)

    result = process_file(folder / "intake.xlsx", runtime, now=NOW)

    assert result.outcome is Outcome.FAILED and "snelkoppeling" in result.message, result.lines()
    assert os.listdir(folder) == ["intake.xlsx"] and os.listdir(outside.parent) == ["geheim.xlsx"]


def test_a_link_planted_at_an_output_place_is_not_followed(runtime: Runtime, tmp_path: Path) -> None:
    """A link named like an output must neither be read through, copied into 'Vorige versies' (which would
    disclose its target to whoever can read the folder), nor written through."""
    secret = tmp_path / "buiten" / "geheim.docx"
    secret.parent.mkdir()
    secret.write_bytes(b"vertrouwelijk")
    path = place(runtime, "Valstrik", "intake.xlsx", make_intake())
    (path.parent / PLAN).symlink_to(secret)

    result, _ = run(path, runtime)

    assert result.outcome is Outcome.FAILED, result.lines()
    assert "snelkoppeling" in result.message
    assert secret.read_bytes() == b"vertrouwelijk" and os.listdir(secret.parent) == ["geheim.docx"]
    assert (path.parent / PLAN).is_symlink() and not (path.parent / "Vorige versies").exists()


def test_a_link_planted_as_the_backup_folder_is_not_followed(runtime: Runtime, tmp_path: Path) -> None:
    elsewhere = tmp_path / "buiten"
    elsewhere.mkdir()
    path = place(runtime, "Valstrik map", "intake.xlsx", make_intake(reason_goal="Kenmerk-EEN: eerste doel."))
    assert run(path, runtime)[0].outcome is Outcome.DONE
    (path.parent / "Vorige versies").symlink_to(elsewhere, target_is_directory=True)
    path.write_bytes(make_intake(reason_goal="Kenmerk-TWEE: tweede doel."))
    proposal = (path.parent / PROPOSAL).read_bytes()

    result, _ = run(path, runtime)

    assert result.outcome is Outcome.FAILED, result.lines()
    assert "Vorige versies" in result.message and "snelkoppeling" in result.message
    assert os.listdir(elsewhere) == [], "no copy of the person's proposal left the share"
    assert (path.parent / PROPOSAL).read_bytes() == proposal, "not replaced without its backup"


def test_a_linked_proposal_is_not_read_or_written_through(runtime: Runtime, tmp_path: Path) -> None:
    outside = tmp_path / "buiten" / "voorstel.docx"
    outside.parent.mkdir()
    shutil.copy(Settings().college_template, outside)
    before = outside.read_bytes()
    path = place(runtime, "Gekoppeld voorstel", "intake.xlsx", make_intake())
    (path.parent / "Mijn voorstel.docx").symlink_to(outside)

    result, _ = run(path, runtime)

    assert result.outcome is Outcome.DONE, result.lines()
    assert outside.read_bytes() == before and os.listdir(outside.parent) == ["voorstel.docx"]
    assert (path.parent / PROPOSAL).is_file(), "a proposal of its own was made instead"
    assert not (path.parent / "Vorige versies").exists()


@pytest.mark.slow
def test_a_hard_link_to_an_output_is_never_written_through(runtime: Runtime, tmp_path: Path) -> None:
    """Decision (threat model): hard links are allowed. Outputs are replaced by a rename, never rewritten
    in place, so another name for the old file keeps the old content; and a hard link can only be made by
    someone who may already read (on NTFS: write) the file, so reading one discloses nothing new."""
    path = place(runtime, "Harde koppeling", "intake.xlsx", make_intake(reason_goal="Kenmerk-EEN: eerste doel."))
    assert run(path, runtime)[0].outcome is Outcome.DONE
    elsewhere = tmp_path / "elders.docx"
    os.link(path.parent / PLAN, elsewhere)
    before = elsewhere.read_bytes()
    path.write_bytes(make_intake(reason_goal="Kenmerk-TWEE: tweede doel."))

    assert run(path, runtime)[0].outcome is Outcome.DONE

    assert elsewhere.read_bytes() == before, "written through a hard link"
    assert "Kenmerk-TWEE" in docx_text(path.parent / PLAN)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_is_refused_without_blocking(runtime: Runtime) -> None:
    folder = _root(runtime) / "Projecten" / "Pijp"
    folder.mkdir(parents=True)
    os.mkfifo(folder / "intake.xlsx")
    started = time.perf_counter()
    result = process_file(folder / "intake.xlsx", runtime, now=NOW)
    assert time.perf_counter() - started < SECONDS
    assert result.outcome is Outcome.FAILED and "geen gewoon bestand" in result.message, result.lines()


@pytest.mark.slow
def test_the_service_looks_at_no_more_than_the_end_of_a_zip_before_the_worker_takes_it(tmp_path: Path) -> None:
    """Readiness runs in the service's own process, which has no memory or time bound: it must not parse a
    central directory of 50,000 members (the worker, which has bounds, refuses that file)."""
    from toolbox_docs.service.readiness import opens_as_zip

    path = tmp_path / "veel.xlsx"
    path.write_bytes(many_members(make_intake(), tmp_path / "veel.zip"))
    reads: list[int] = []
    real_read, real_pread = os.read, os.pread

    def counting_read(fd: int, size: int) -> bytes:
        data = real_read(fd, size)
        reads.append(len(data))
        return data

    def counting_pread(fd: int, size: int, offset: int) -> bytes:
        data = real_pread(fd, size, offset)
        reads.append(len(data))
        return data

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "read", counting_read)
        patch.setattr(os, "pread", counting_pread)
        assert opens_as_zip(path)
        assert not opens_as_zip(tmp_path / "bestaat-niet.xlsx")
    assert sum(reads) <= 65_557 + 4, f"read {sum(reads)} bytes of a {path.stat().st_size} byte file"
    path.write_bytes(path.read_bytes()[:-100])  # still being written: no end record yet
    assert not opens_as_zip(path)


# --- all of them through the real service, under one memory limit ---------------------------------------

MEMORY_LIMIT = 1536 * 1024 * 1024


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


@pytest.mark.slow
def test_crafted_files_through_the_service_under_a_memory_limit(tmp_path: Path) -> None:
    """``toolbox-docs watch --once`` over a root holding every case at once, the service and its worker
    under ``RLIMIT_AS`` = 1.5 GiB (address space: the idle worker alone maps ~260 MB, the service ~430 MB):
    every case gets its outcome in the ledger, the service exits normally, every input is unchanged."""
    root = make_root(tmp_path, stability=0.0)
    example = make_intake()
    inputs: dict[Path, tuple[Case, str]] = {}
    for name, case in CASES.items():
        folder = root / "Projecten" / name
        folder.mkdir()
        path = folder / case.name
        path.write_bytes(case.build(example, tmp_path))
        inputs[path] = (case, hashlib.sha256(path.read_bytes()).hexdigest())
    past = time.time() - 60  # stood still long enough: taken at once, also the files that are no zip
    for path in inputs:
        os.utime(path, (past, past))

    done = subprocess.run([sys.executable, "-m", "toolbox_docs", "watch", "--once", str(root)],
                          capture_output=True, text=True, timeout=600, preexec_fn=_limit_memory,
                          env=_environment(), cwd=tmp_path, check=False)

    log = done.stdout + done.stderr
    assert "Traceback" not in log, log[-4000:]
    state = State(state_db(root))
    try:
        outcomes = {path: state.ledger_entry(path) for path in inputs}
    finally:
        state.close()
    wrong = {p.parent.name: (o.outcome if o else None, c.outcome.value) for p, (c, _) in inputs.items()
             if (o := outcomes[p]) is None or o.outcome != c.outcome.value}
    assert wrong == {}, f"{wrong}\n{log[-3000:]}"
    failures = any(case.outcome is Outcome.FAILED for case, _ in inputs.values())
    assert done.returncode == (1 if failures else 0), "watch --once: exit 1 only when a file failed"
    for path, (_, digest) in inputs.items():
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, f"{path} changed"
