"""`toolbox-docs templates build` writes workbooks that carry the schema: names, protection, dropdowns, help.

The workbooks are written by the real command into ``tmp_path`` and opened with openpyxl, as a script
or a person's Excel would see them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries
from openpyxl.workbook.workbook import Workbook

from toolbox_docs.cli.main import main
from toolbox_docs.forms.layout import INPUT_COLUMN, LABEL_COLUMN, layout, list_name
from toolbox_docs.forms.schema import (
    EVALUATION_SCHEMA,
    EXPLANATION_SHEET,
    INTAKE_SCHEMA,
    LISTS_SHEET,
    MARKER_PRODUCT,
    MARKER_SHEET,
    FieldType,
    FormSchema,
    Input,
)
from toolbox_docs.settings import Settings

FILES = {INTAKE_SCHEMA.kind: "intake.xlsx", EVALUATION_SCHEMA.kind: "evaluatie.xlsx"}
FORMS = [pytest.param(INTAKE_SCHEMA, id="intake"), pytest.param(EVALUATION_SCHEMA, id="evaluatie")]
DUTCH_WORDS = {"de", "het", "een", "je", "en", "van", "werkboek", "vul", "niet"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("templates") / "Sjablonen"
    result = CliRunner().invoke(main, ["templates", "build", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def open_form(built: Path, schema: FormSchema) -> Workbook:
    return load_workbook(built / FILES[schema.kind])


def validation_for(ws: Any, coordinate: str) -> Any:
    found = [dv for dv in ws.data_validations.dataValidation if coordinate in dv.sqref]
    assert len(found) == 1, f"{ws.title}!{coordinate}: {len(found)} data validations cover it"
    return found[0]


def list_values(wb: Workbook, name: str) -> list[Any]:
    defined = wb.defined_names.get(name)
    assert defined is not None, f"no workbook-level defined name {name!r}"
    (sheet, ref), = list(defined.destinations)
    assert sheet == LISTS_SHEET
    return [row[0].value for row in wb[sheet][ref.replace("$", "")]]


def test_build_writes_both_workbooks(built: Path) -> None:
    assert sorted(p.name for p in built.iterdir()) == ["evaluatie.xlsx", "intake.xlsx"]
    for name in FILES.values():
        assert (built / name).read_bytes()[:2] == b"PK"


def test_build_says_what_it_wrote(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["templates", "build", "--out", str(tmp_path / "nieuw")])
    assert result.exit_code == 0
    assert "intake.xlsx" in result.output and "evaluatie.xlsx" in result.output


@pytest.mark.parametrize("schema", FORMS)
def test_a_defined_name_per_field_points_at_its_layout_cell(built: Path, schema: FormSchema) -> None:
    wb = open_form(built, schema)
    places = layout(schema)
    for field in schema.fields:
        defined = wb.defined_names.get(field.id)
        assert defined is not None, f"no workbook-level name {field.id}"
        assert defined.localSheetId is None
        destinations = list(defined.destinations)
        assert len(destinations) == 1
        sheet, ref = destinations[0]
        assert sheet == schema.sheet
        assert ref.replace("$", "") == places.cell(field.id), field.id
    for ws in wb.worksheets:
        assert not set(ws.defined_names) & {f.id for f in schema.fields}, "field names are workbook-level"


@pytest.mark.parametrize("schema", FORMS)
def test_inputs_open_labels_locked_sheet_protected(built: Path, schema: FormSchema) -> None:
    wb = open_form(built, schema)
    ws = wb[schema.sheet]
    assert ws.protection.sheet, "the form sheet is protected"
    places = layout(schema)
    for field in schema.fields:
        row = places.field_rows[field.id]
        label = ws[f"{LABEL_COLUMN}{row}"]
        assert label.value == field.label + (" *" if field.required else "")
        assert label.protection.locked, f"label of {field.id} is not locked"
        assert not ws[f"{INPUT_COLUMN}{row}"].protection.locked, f"input of {field.id} is locked"
    assert ws["A1"].protection.locked


@pytest.mark.parametrize("schema", FORMS)
def test_every_input_has_a_validation_with_its_help_as_input_message(built: Path, schema: FormSchema) -> None:
    wb = open_form(built, schema)
    ws = wb[schema.sheet]
    places = layout(schema)
    for field in schema.fields:
        dv = validation_for(ws, places.cell(field.id))
        assert dv.showInputMessage, field.id
        assert dv.prompt == field.help, field.id
        assert dv.promptTitle and len(dv.promptTitle) <= 32
        assert dv.showErrorMessage


def _check_dropdown(wb: Workbook, dv: Any, spec: Input) -> None:
    lists = Settings().lists
    name = list_name(spec)
    assert name is not None
    assert dv.type == "list", spec.id
    assert (dv.formula1 or "").lstrip("=") == name, spec.id
    assert list_values(wb, name) == list(spec.allowed(lists)), spec.id
    assert dv.errorStyle in (None, "stop"), f"{spec.id}: a closed list must refuse other values in Excel"


@pytest.mark.parametrize("schema", FORMS)
def test_choice_and_flag_fields_have_dropdowns_with_exactly_the_allowed_values(built: Path,
                                                                              schema: FormSchema) -> None:
    wb = open_form(built, schema)
    ws = wb[schema.sheet]
    places = layout(schema)
    dropdowns = [f for f in schema.fields if f.type in (FieldType.CHOICE, FieldType.FLAG)]
    assert dropdowns
    for field in dropdowns:
        _check_dropdown(wb, validation_for(ws, places.cell(field.id)), field)


@pytest.mark.parametrize("schema", FORMS)
def test_typed_fields_have_a_type_check(built: Path, schema: FormSchema) -> None:
    wb = open_form(built, schema)
    ws = wb[schema.sheet]
    places = layout(schema)
    expected = {FieldType.DATE: "date", FieldType.INTEGER: "whole", FieldType.DECIMAL: "decimal",
                FieldType.AMOUNT: "decimal", FieldType.TEXT: "textLength", FieldType.LONGTEXT: "textLength"}
    for field in schema.fields:
        if field.type in expected:
            assert validation_for(ws, places.cell(field.id)).type == expected[field.type], field.id


@pytest.mark.parametrize("schema", FORMS)
def test_the_table_is_an_excel_table_with_validated_columns(built: Path, schema: FormSchema) -> None:
    wb = open_form(built, schema)
    spec = schema.table
    ws = wb[spec.sheet]
    assert spec.name in ws.tables, f"no Excel table {spec.name} on {spec.sheet}"
    table = ws.tables[spec.name]
    assert table.displayName == spec.name
    min_col, header_row, max_col, last_row = range_boundaries(table.ref)
    assert last_row - header_row >= spec.rows
    if schema is INTAKE_SCHEMA:
        assert last_row - header_row >= 50
    assert [c.name for c in table.tableColumns] == [c.label for c in spec.columns]
    headers = [ws.cell(header_row, c).value for c in range(min_col, max_col + 1)]
    assert headers == [c.label for c in spec.columns]
    for offset, column in enumerate(spec.columns):
        letter = ws.cell(header_row, min_col + offset).column_letter
        for row in (header_row + 1, last_row, header_row + spec.max_rows):
            dv = validation_for(ws, f"{letter}{row}")
            assert dv.prompt == column.help
            assert dv.showInputMessage
        if column.type is FieldType.CHOICE:
            _check_dropdown(wb, validation_for(ws, f"{letter}{header_row + 1}"), column)
        if column.type is FieldType.INTEGER:
            dv = validation_for(ws, f"{letter}{header_row + 1}")
            assert dv.type == "whole"
            assert (float(dv.formula1), float(dv.formula2)) == (column.minimum, column.maximum)


@pytest.mark.parametrize("schema", FORMS)
def test_explanation_sheet_in_dutch(built: Path, schema: FormSchema) -> None:
    wb = open_form(built, schema)
    assert EXPLANATION_SHEET in wb.sheetnames
    ws = wb[EXPLANATION_SHEET]
    assert ws.sheet_state == "visible"
    text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    words = set(re.findall(r"[a-zà-ÿ]+", text.lower()))
    assert len(DUTCH_WORDS & words) >= 5, words
    assert len(text) > 300


@pytest.mark.parametrize("schema", FORMS)
def test_hidden_marker_with_product_kind_and_version(built: Path, schema: FormSchema) -> None:
    wb = open_form(built, schema)
    ws = wb[MARKER_SHEET]
    assert ws.sheet_state in ("hidden", "veryHidden")
    marker = {row[0]: row[1] for row in ws.iter_rows(max_col=2, values_only=True) if row[0] is not None}
    assert marker["product"] == MARKER_PRODUCT
    assert marker["soort"] == schema.kind
    assert str(marker["sjabloonversie"]) == str(schema.version)


@pytest.mark.parametrize("schema", FORMS)
def test_hidden_list_sheet(built: Path, schema: FormSchema) -> None:
    wb = open_form(built, schema)
    assert wb[LISTS_SHEET].sheet_state in ("hidden", "veryHidden")
    assert wb[schema.sheet].sheet_state == "visible"
    assert wb.active.title == schema.sheet, "the workbook opens on the form"


@pytest.mark.parametrize("schema", FORMS)
def test_the_blank_template_is_recognised_and_only_asks_for_required_fields(built: Path, schema: FormSchema
                                                                           ) -> None:
    from toolbox_docs.forms.check import WorkbookStatus, check_workbook

    settings = Settings()
    data = (built / FILES[schema.kind]).read_bytes()
    check = check_workbook(data, lists=settings.lists, limits=settings.limits)
    assert check.status == WorkbookStatus.INVALID
    assert (check.kind, check.version) == (schema.kind, schema.version)
    codes = {p.code for p in check.problems}
    assert codes <= {"required", "no-methods-used"}, codes
    required = {f.id for f in schema.fields if f.required}
    assert required <= {p.field for p in check.problems}
