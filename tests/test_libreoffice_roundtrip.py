"""Real LibreOffice (headless) as the person's office suite: our templates print to PDF, and a workbook that
a person opens and saves again with LibreOffice reads exactly as before.

All conversions of one kind run in one start of LibreOffice (module-scoped), since each start costs
seconds.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import Converter
from toolbox_docs.cli.examples import EXAMPLE_STAKEHOLDERS
from toolbox_docs.forms.check import Check, WorkbookStatus, check_workbook
from toolbox_docs.forms.xlsx_fill import fill_workbook
from toolbox_docs.settings import Settings

pytestmark = pytest.mark.libreoffice

XLSX_FILTER = "xlsx:Calc MS Excel 2007 XML"

# An intake with one problem of each family, as a person might hand it in.
INVALID_CHANGES = {
    "project_name": None,
    "trekker_email": "sanne bij de gemeente",
    "scale": "dorp",
    "participation_start": "31-02-2027",
    "budget_euros": "duizend",
    "decision_date": dt.date(2027, 5, 1),
    "asks_money": "ja",
}
INVALID_ROWS = [*EXAMPLE_STAKEHOLDERS,
                {"name": "Buurtcomité Zuid", "influence": 7, "interest": 2},
                {"name": "Bewoners Meezenbroek", "category": "inwoners", "influence": 1, "interest": 1}]


def check(data: bytes) -> Check:
    settings = Settings()
    return check_workbook(data, lists=settings.lists, limits=settings.limits)


def places(result: Check) -> list[tuple[str, str, str | None, str | None, str | None]]:
    return [(p.code, p.severity, p.field, p.sheet, p.cell) for p in result.problems]


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory, example_intake: bytes) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("lo-in")
    files = {
        "voorbeeld": example_intake,
        "fouten": fill_workbook(example_intake, INVALID_CHANGES, INVALID_ROWS),
    }
    paths = {}
    for name, data in files.items():
        paths[name] = folder / f"{name}.xlsx"
        paths[name].write_bytes(data)
    return paths


@pytest.fixture(scope="module")
def round_tripped(soffice: Converter, sources: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
                  ) -> dict[str, Path]:
    names = list(sources)
    outputs = soffice([sources[n] for n in names], XLSX_FILTER, tmp_path_factory.mktemp("lo-out"))
    return dict(zip(names, outputs, strict=True))


def test_blank_templates_convert_to_pdf(soffice: Converter, tmp_path: Path, blank_intake: bytes,
                                       blank_evaluation: bytes) -> None:
    from click.testing import CliRunner

    from toolbox_docs.cli.main import main

    result = CliRunner().invoke(main, ["templates", "build", "--out", str(tmp_path / "sjablonen")])
    assert result.exit_code == 0, result.output
    built = [tmp_path / "sjablonen" / "intake.xlsx", tmp_path / "sjablonen" / "evaluatie.xlsx"]
    # The command writes the same form as the fixtures build (same fields, same verdict when blank).
    assert check(built[0].read_bytes()).problems == check(blank_intake).problems
    assert check(built[1].read_bytes()).problems == check(blank_evaluation).problems
    pdfs = soffice(built, "pdf", tmp_path / "pdf")
    for pdf in pdfs:
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF-"), pdf
        assert len(data) > 5000, f"{pdf.name} is suspiciously small ({len(data)} bytes)"
        assert b"%%EOF" in data[-1024:]


def test_the_example_still_validates_after_libreoffice(sources: dict[str, Path],
                                                        round_tripped: dict[str, Path]) -> None:
    before = check(sources["voorbeeld"].read_bytes())
    after = check(round_tripped["voorbeeld"].read_bytes())
    assert before.status == WorkbookStatus.VALID
    saved = round_tripped["voorbeeld"].read_bytes()
    assert saved != sources["voorbeeld"].read_bytes(), "LibreOffice wrote its own file"
    assert after.problems == before.problems
    assert after.status == before.status
    assert after.record == before.record


def test_an_invalid_intake_keeps_its_problems_after_libreoffice(sources: dict[str, Path],
                                                               round_tripped: dict[str, Path]) -> None:
    before = check(sources["fouten"].read_bytes())
    after = check(round_tripped["fouten"].read_bytes())
    assert before.status == WorkbookStatus.INVALID
    codes = {p.code for p in before.problems}
    assert codes >= {"required", "not-an-email", "not-in-list", "not-a-date", "not-a-number",
                     "not-applicable"}
    assert places(after) == places(before)
    assert [p.message for p in after.problems] == [p.message for p in before.problems]
    assert after.status == before.status
