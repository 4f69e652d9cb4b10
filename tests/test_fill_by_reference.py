"""The contract of the field reference: a script that knows only `templates fields --json` and openpyxl
can fill a generated workbook, and `validate` accepts the result.

The filler below is deliberately written here, from the JSON alone (defined names for fields; the table
name and column headers for rows), and does not import ``xlsx_fill``: if the reference stops saying how
to reach a field, this test breaks even when the package's own filler still works.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries

from toolbox_docs.cli.main import main
from toolbox_docs.forms.check import WorkbookStatus, check_workbook
from toolbox_docs.settings import Settings

# What a project officer would type, by field id; strings are typed as a Dutch person types them.
INTAKE_VALUES: dict[str, Any] = {
    "project_name": "Buurttuin Hoensbroek-Zuid",
    "project_description": "Bewoners willen een braakliggend terrein aan de Akerstraat omvormen tot een "
                           "buurttuin met moestuinbakken en een ontmoetingsplek.",
    "trekker_name": "Ahmed El Amrani",
    "trekker_email": "a.elamrani@example.org",
    "trekker_phone": "+31 45 560 1234",
    "team": "Team Wijkontwikkeling",
    "area": "hoensbroek",  # typed in lower case: the list spelling is canonical
    "policy_field": "Groen en klimaat",
    "location": "Akerstraat, hoek Kouvenderstraat",
    "keywords": "buurttuin, moestuin, ontmoeting",
    "participation_kind": "overheidsparticipatie",
    "initiator": "Stichting Buurttuin Hoensbroek",
    "asks_money": "ja",
    "asks_space": "ja",
    "asks_knowledge": "nee",
    "asks_rules": "x",
    "asks_network": "nee",
    "public_interest": "gemiddeld",
    "initiative_risk": "laag",
    "challenge_right": "nee",
    "policy_phase": "beleidsvoorbereiding",
    "decision_maker": "college",
    "proposal_kind": "collegevoorstel",
    "scale": "buurt",
    "impact": "gemiddeld",
    "sensitivity": "laag",
    "portfolio_holder": "Wethouder B. Voorbeeld",
    "initiative_request": "Gebruik van het braakliggende stuk grond en een bijdrage voor hekwerk en zaad.",
    "initiative_amount": "2.500",
    "target_elderly": "ja",
    "target_low_literacy": "ja",
    "participation_start": "1-3-2027",
    "participation_end": dt.date(2027, 6, 30),
    "decision_date": "15 september 2027",
    "budget_euros": "€ 7.500,00",
    "budget_hours": "80,5",
    "reason_goal": "Het terrein ligt er al jaren verwaarloosd bij. De bewoners nemen zelf het initiatief; "
                   "de gemeente wil dat ondersteunen zonder het over te nemen.",
    "fixed_frameworks": "Het terrein blijft eigendom van de gemeente. Er komt geen bebouwing.",
    "open_to_influence": "De inrichting, het beheer en de openingstijden van de tuin.",
    "input_use": "Het ontwerp van de bewoners is uitgangspunt; de gemeente toetst alleen op veiligheid.",
    "feedback_plan": "Maandelijkse nieuwsbrief en een open dag bij de start van de aanleg.",
}
INTAKE_ROWS: list[dict[str, Any]] = [
    {"name": "Stichting Buurttuin Hoensbroek", "category": "inwoners", "influence": 5, "interest": 5,
     "position": "voor", "contact": "info@buurttuin.example.org"},
    {"name": "Omwonenden Akerstraat", "category": "inwoners", "influence": "3", "interest": 4,
     "position": "neutraal"},
    {"name": "Basisschool De Kouvender", "category": "maatschappelijke organisaties", "influence": 2,
     "interest": 3},
    {"name": "Team Beheer Openbare Ruimte", "category": "interne afdelingen", "influence": 4, "interest": 2,
     "position": "Onbekend"},
]

EVALUATION_VALUES: dict[str, Any] = {
    "project_id": "2027-014",
    "project_name": "Buurttuin Hoensbroek-Zuid",
    "participation_kind": "overheidsparticipatie",
    "trekker_name": "Ahmed El Amrani",
    "trekker_email": "a.elamrani@example.org",
    "planned_role": "faciliteren",
    "planned_methods": "Buurtbijeenkomst, ontwerpsessie, open dag",
    "planned_hours": 80.5,
    "planned_euros": 7500,
    "participation_start": dt.date(2027, 3, 1),
    "participation_end": dt.date(2027, 6, 30),
    "achieved_role": "faciliteren",
    "decision_taken": "ja",
    "outcome": "Er ligt een door bewoners gemaakt ontwerp; het college heeft het terrein in bruikleen "
               "gegeven.",
    "unexpected": "Meer ouderen deden mee dan verwacht.",
    "support": "groot",
    "participant_rating": "7,8",
    "went_well": "Korte lijnen met de stichting.",
    "could_be_better": "Eerder duidelijk maken wie het onderhoud betaalt.",
    "lessons": "Bij overheidsparticipatie vanaf het begin een vaste contactpersoon aanwijzen.",
    "keywords": "buurttuin, overheidsparticipatie",
}
EVALUATION_ROWS: list[dict[str, Any]] = [
    {"method": "Buurtbijeenkomst", "participants": 38, "hours": "12", "euros": "€ 450,-"},
    {"method": "Ontwerpsessie met bewoners", "participants": 14, "hours": 20.5, "euros": 1200},
    {"method": "Open dag", "participants": "120", "hours": 16},
]


def field_reference(kind: str) -> dict[str, Any]:
    """What a script gets from the toolbox: the JSON of `templates fields --json`."""
    result = CliRunner().invoke(main, ["templates", "fields", "--kind", kind, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def fallback_value(entry: Mapping[str, Any]) -> Any:
    """A value of the right type for a required field this test does not know yet (a new field)."""
    kind = entry["type"]
    if entry["allowed"]:
        return entry["allowed"][0]
    return {"tekst": "Nieuw veld", "lange tekst": "Nieuw veld, ingevuld door het testscript.",
            "datum": "01-04-2027", "geheel getal": entry["minimum"] or 1, "getal": entry["minimum"] or 1,
            "bedrag": "1.000,00", "e-mailadres": "test@example.org",
            "telefoonnummer": "045 560 0000"}.get(kind, "ja")


def fill_from_reference(template: bytes, reference: Mapping[str, Any], values: Mapping[str, Any],
                        rows: Sequence[Mapping[str, Any]], target: Path) -> None:
    """Fill ``template`` using only the reference: defined names, and table name + column headers."""
    target.write_bytes(template)
    wb = load_workbook(target)
    fields = {e["id"]: e for e in reference["fields"] if e["defined_name"]}
    columns = {e["id"].split(".", 1)[1]: e for e in reference["fields"] if e["table"]}
    for field_id, value in values.items():
        name = fields[field_id]["defined_name"]
        (sheet, ref), = list(wb.defined_names[name].destinations)
        wb[sheet][ref.replace("$", "")].value = value
    if rows:
        table_name = reference["table"]["name"]
        found = [(ws, ws.tables[table_name]) for ws in wb.worksheets if table_name in ws.tables]
        assert len(found) == 1, f"table {table_name} not found exactly once"
        ws, table = found[0]
        min_col, header_row, max_col, last_row = range_boundaries(table.ref)
        headers = {ws.cell(header_row, c).value: c for c in range(min_col, max_col + 1)}
        assert len(rows) <= last_row - header_row
        for offset, row in enumerate(rows, start=1):
            for column_id, value in row.items():
                ws.cell(header_row + offset, headers[columns[column_id]["column"]]).value = value
    wb.save(target)


def complete(reference: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    known = {e["id"] for e in reference["fields"]}
    unknown = set(values) - known
    assert not unknown, f"the test names fields the reference does not list: {unknown}"
    filled = dict(values)
    for entry in reference["fields"]:
        if entry["defined_name"] and entry["required"] and entry["id"] not in filled:
            filled[entry["id"]] = fallback_value(entry)
    return filled


def validate_json(path: Path) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(main, ["validate", "--format", "json", str(path)])
    return result.exit_code, json.loads(result.stdout)


@pytest.mark.parametrize(("kind", "values", "rows", "blank"), [
    pytest.param("intake", INTAKE_VALUES, INTAKE_ROWS, "blank_intake", id="intake"),
    pytest.param("evaluatie", EVALUATION_VALUES, EVALUATION_ROWS, "blank_evaluation", id="evaluatie"),
])
def test_a_script_fills_the_workbook_through_the_reference_and_validate_accepts_it(
        kind: str, values: dict[str, Any], rows: list[dict[str, Any]], blank: str, tmp_path: Path,
        request: pytest.FixtureRequest) -> None:
    reference = field_reference(kind)
    assert reference["kind"] == kind
    target = tmp_path / f"ingevuld-{kind}.xlsx"
    fill_from_reference(request.getfixturevalue(blank), reference, complete(reference, values), rows, target)

    exit_code, report = validate_json(target)
    (entry,) = report["files"]
    assert entry["problems"] == [], entry["problems"]
    assert (exit_code, entry["valid"], entry["status"]) == (0, True, WorkbookStatus.VALID)
    assert (entry["kind"], entry["template_version"]) == (kind, reference["template_version"])


def test_the_filled_intake_reads_back_as_typed(tmp_path: Path, blank_intake: bytes) -> None:
    reference = field_reference("intake")
    target = tmp_path / "ingevuld.xlsx"
    fill_from_reference(blank_intake, reference, complete(reference, INTAKE_VALUES), INTAKE_ROWS, target)
    settings = Settings()
    check = check_workbook(target.read_bytes(), lists=settings.lists, limits=settings.limits)
    assert check.status == WorkbookStatus.VALID, check.problems
    record = check.record
    assert record.area == "Hoensbroek"
    assert record.participation_start == dt.date(2027, 3, 1)
    assert record.decision_date == dt.date(2027, 9, 15)
    assert record.budget_euros == Decimal("7500.00")
    assert record.budget_hours == Decimal("80.5")
    assert record.asks_rules is True and record.asks_knowledge is False
    assert record.initiator == "Stichting Buurttuin Hoensbroek"
    assert [s.name for s in record.stakeholders] == [r["name"] for r in INTAKE_ROWS]
    assert record.stakeholders[1].influence == 3
    assert str(record.stakeholders[2].position) == "onbekend", "an empty position counts as onbekend"
    numbers = [s.row for s in record.stakeholders]
    assert numbers == list(range(numbers[0], numbers[0] + len(INTAKE_ROWS))), "rows keep their sheet row"


def test_the_reference_says_where_every_field_is() -> None:
    for kind in ("intake", "evaluatie"):
        reference = field_reference(kind)
        for entry in reference["fields"]:
            assert bool(entry["defined_name"]) != bool(entry["table"]), entry["id"]
            if entry["table"]:
                assert entry["table"] == reference["table"]["name"]
                assert entry["column"]
            else:
                assert entry["defined_name"] == entry["id"]
