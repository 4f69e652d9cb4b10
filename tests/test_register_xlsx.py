"""``projectenregister.xlsx``: two sheets with filters, text that looks like a formula stays text — also
after LibreOffice opens and saves it — and the exporter rewrites each watched root with its own projects."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import defusedxml.ElementTree as ElementTree
from openpyxl import load_workbook

from conftest import Converter, need
from intake_factory import make_intake
from toolbox_docs.forms.xlsx_cells import MAX_CELL_CHARS
from toolbox_docs.pipeline.process import Runtime
from toolbox_docs.register.projects import FINISHED, RUNNING, Project
from toolbox_docs.register.xlsx import exporter_for, register_workbook
from toolbox_docs.settings import Settings
from toolbox_docs.share.outputs import REGISTER_NAME

FORMULA = '=HYPERLINK("x")'
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}

RUNNING_PROJECT = Project(
    project_id="P-2027-aaaaaa", intake_path="/share/Projecten/a/intake.xlsx", root="/share", status=RUNNING,
    name=FORMULA, contact="+31 45 000 0000", email="a@example.org", phone="-", area="@Hoensbroek",
    policy_field="Wonen", keywords="=1+1, plein", kind="burgerparticipatie", level="raadplegen",
    methods=("Enquête", "Informatieavond"), planned_euros=Decimal("1250.50"), planned_hours=Decimal("24"),
    start=dt.date(2027, 2, 1), end=dt.date(2027, 5, 31), decision=dt.date(2027, 7, 6), budget_euros=Decimal("12500"),
    budget_hours=Decimal("160"), planned_external_euros=Decimal("1040.50"), planned_participants=80,
    hourly_rate=Decimal("8.75"),
)
FINISHED_PROJECT = dataclasses.replace(
    RUNNING_PROJECT, project_id="P-2026-bbbbbb", status=FINISHED, name="Groenplan Meezenbroek",
    actual_level="adviseren", actual_euros=Decimal("1366.88"), actual_external_euros=Decimal("1100"),
    actual_hours=Decimal("30.5"),
    participants=95, verdict="voldoende",
    support="groot", lessons="Begin vroeg.\nNodig ook de school uit.", evaluated_on=dt.date(2027, 6, 14),
)


def _part(package: Path | bytes, name: str) -> ElementTree.Element:
    with zipfile.ZipFile(io.BytesIO(package) if isinstance(package, bytes) else package) as opened:
        return ElementTree.fromstring(opened.read(name))


def _cell(sheet: ElementTree.Element, reference: str) -> ElementTree.Element:
    found = sheet.find(f".//m:c[@r='{reference}']", NS)
    assert found is not None, reference
    return found


def test_two_sheets_filters_frozen_header_protected_and_typed_values() -> None:
    wb = load_workbook(io.BytesIO(register_workbook([RUNNING_PROJECT, FINISHED_PROJECT])))

    assert wb.sheetnames == ["Lopend", "Afgerond"]
    running, finished = wb["Lopend"], wb["Afgerond"]
    headers = [c.value for c in running[1]]
    assert headers[:7] == ["Project", "Contactpersoon", "E-mail", "Telefoon", "Gebied", "Beleidsveld",
                           "Trefwoorden"]
    assert running.auto_filter.ref == f"A1:{running.cell(1, len(headers)).column_letter}2"
    assert finished.auto_filter.ref is not None and finished.freeze_panes == running.freeze_panes == "A2"
    assert running.protection.sheet and not running.protection.autoFilter  # filtering stays possible
    row = {h: c.value for h, c in zip(headers, running[2], strict=True)}
    assert row["Project"] == FORMULA and row["Projectnummer"] == "P-2027-aaaaaa"
    # the intake's budget apart from the plan's costs; hours as hours, amounts as money
    assert (row["Budget intake (€)"], row["Extern gepland (€)"], row["Kosten gepland (€)"]) == (12500, 1040.5, 1250.5)
    assert (row["Uren beschikbaar"], row["Uren gepland"]) == (160, 24)
    formats = {h: c.number_format for h, c in zip(headers, running[2], strict=True)}
    assert formats["Budget intake (€)"] == formats["Kosten gepland (€)"] == '"€" #,##0.00'
    assert formats["Uren beschikbaar"] == formats["Uren gepland"] == "#,##0"  # "160", never "160,"
    assert row["Einde participatie"] == dt.datetime(2027, 5, 31)
    finished_headers = [c.value for c in finished[1]]
    done = {h: c.value for h, c in zip(finished_headers, finished[2], strict=True)}
    assert (done["Oordeel"], done["Deelnemers"]) == ("voldoende", 95)
    # planned next to actual, on one basis, and external next to external
    assert (done["Kosten gepland (€)"], done["Kosten werkelijk (€)"]) == (1250.5, 1366.88)
    assert (done["Extern gepland (€)"], done["Extern werkelijk (€)"]) == (1040.5, 1100)
    assert (done["Uren gepland"], done["Uren werkelijk"]) == (24, 30.5)
    assert finished.cell(2, finished_headers.index("Uren werkelijk") + 1).number_format == "#,##0.0#"
    assert finished_headers.index("Kosten werkelijk (€)") == finished_headers.index("Kosten gepland (€)") + 1
    assert finished_headers.index("Extern werkelijk (€)") == finished_headers.index("Extern gepland (€)") + 1
    assert done["Lessen"] == "Begin vroeg.\nNodig ook de school uit."
    assert running.max_row == finished.max_row == 2  # each project on its own sheet only


def test_formula_like_text_is_written_as_text_with_a_quote_prefix() -> None:
    data = register_workbook([RUNNING_PROJECT])
    sheet = _part(data, "xl/worksheets/sheet1.xml")

    assert sheet.findall(".//m:f", NS) == []  # no formula anywhere
    a2 = _cell(sheet, "A2")
    assert a2.get("t") == "inlineStr" and a2.findtext("m:is/m:t", namespaces=NS) == FORMULA
    wb = load_workbook(io.BytesIO(data))
    for coordinate in ("A2", "B2", "D2", "E2", "G2"):  # = + - @ and '=1+1, plein'
        assert wb["Lopend"][coordinate].data_type == "s"
        assert wb["Lopend"][coordinate].quotePrefix, coordinate
    assert not wb["Lopend"]["C2"].quotePrefix  # an ordinary text needs none


def test_text_a_workbook_cannot_hold_is_cleaned() -> None:
    lessons = "Kopie uit Word\x0bmet\x00 stuurtekens. " + "x" * 40_000
    odd = dataclasses.replace(FINISHED_PROJECT, lessons=lessons)
    wb = load_workbook(io.BytesIO(register_workbook([odd])))
    cell = next(c for c in wb["Afgerond"][2] if isinstance(c.value, str) and c.value.startswith("Kopie"))
    assert cell.value.startswith("Kopie uit Wordmet stuurtekens. ")
    assert len(cell.value) == MAX_CELL_CHARS and cell.value.endswith("…")


def test_exporter_rewrites_each_root_with_its_own_projects(tmp_path: Path, settings: Settings) -> None:
    north, south = tmp_path / "Noord", tmp_path / "Zuid"
    north.mkdir()
    south.mkdir()
    runtime = Runtime.open(settings, roots=(north, south))
    try:
        export = exporter_for(runtime)
        assert export is not None
        now = dt.datetime(2027, 1, 4, 9, 0)
        # registered by the service under its root; processed by hand (no root known); root spelled otherwise
        for root, name, given in ((north, "Speeltuin Noord", north), (south, "Plein Zuid", None),
                                  (south, "Park Zuid", tmp_path / "Noord" / ".." / "Zuid")):
            intake = make_intake(project_name=name)
            runtime.register.upsert_intake(root / name / "intake.xlsx", intake, runtime.advise(intake),
                                           root=given, now=now)
        export()
        names = {root.name: sorted(c.value for c in load_workbook(root / REGISTER_NAME)["Lopend"]["A"][1:])
                 for root in (north, south)}
        assert names == {"Noord": ["Speeltuin Noord"], "Zuid": ["Park Zuid", "Plein Zuid"]}
        written = sorted(p.name for root in (north, south) for p in root.rglob("*") if p.is_file())
        assert written == [REGISTER_NAME, REGISTER_NAME]  # no temporary files left behind
        assert exporter_for(Runtime(settings, runtime.state, runtime.catalogue, runtime.rules,
                                    runtime.checklist, runtime.wording, runtime.register)) is None
    finally:
        runtime.close()


def test_libreoffice_opens_both_sheets_and_keeps_the_formula_as_text(tmp_path: Path,
                                                                       soffice: Converter) -> None:
    source = tmp_path / REGISTER_NAME
    source.write_bytes(register_workbook([RUNNING_PROJECT, FINISHED_PROJECT]))

    [saved] = soffice([source], "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo")
    [pdf] = soffice([source], "pdf", tmp_path / "pdf")

    workbook = _part(saved, "xl/workbook.xml")
    assert [s.get("name") for s in workbook.iter(f"{{{NS['m']}}}sheet")] == ["Lopend", "Afgerond"]
    strings = ["".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t"))
               for si in _part(saved, "xl/sharedStrings.xml").findall("m:si", NS)]
    a2 = _cell(_part(saved, "xl/worksheets/sheet1.xml"), "A2")
    assert a2.find("m:f", NS) is None and a2.get("t") == "s"
    assert strings[int(a2.findtext("m:v", namespaces=NS) or "-1")] == FORMULA
    wb = load_workbook(saved)
    assert wb.sheetnames == ["Lopend", "Afgerond"]
    assert wb["Lopend"]["A2"].value == FORMULA and wb["Lopend"]["A2"].data_type == "s"
    assert wb["Afgerond"]["A2"].value == "Groenplan Meezenbroek"

    pdftotext = shutil.which("pdftotext")
    need(pdftotext is not None, "pdftotext (poppler-utils) is not installed")
    assert pdftotext is not None
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True,
                          timeout=60).stdout
    assert FORMULA in text  # printed as the literal text, not as a link or a result
