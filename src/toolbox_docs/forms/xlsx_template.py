"""Writing the blank (or pre-filled) intake and evaluation workbooks with openpyxl, from the schema.

Each input field gets: a locked label, an open input cell with a workbook-level defined name equal to
the field id, a dropdown or type check through data validation, and an input message with its help.
The form's table is an Excel table with validated columns. A Dutch explanation sheet, a hidden sheet
with the dropdown lists and a hidden marker sheet (product, kind, template version) complete it.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from decimal import Decimal
from enum import Enum
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table as XlTable
from openpyxl.worksheet.table import TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from toolbox_docs.forms.explanation import explanation_lines
from toolbox_docs.forms.layout import (
    HELP_COLUMN,
    INPUT_COLUMN,
    LABEL_COLUMN,
    column_letter,
    layout,
    list_name,
)
from toolbox_docs.forms.schema import (
    LISTS_SHEET,
    MARKER_PRODUCT,
    MARKER_SHEET,
    FieldType,
    FormSchema,
    Input,
)
from toolbox_docs.forms.xlsx_cells import cell_text, put_text

DATE_FORMAT = "dd-mm-yyyy"
AMOUNT_FORMAT = '"€" #,##0.00'
DECIMAL_FORMAT = "#,##0.##"
INPUT_FILL = PatternFill("solid", fgColor="FFF7D6")
PREFILLED_FILL = PatternFill("solid", fgColor="EDEDED")
SECTION_FILL = PatternFill("solid", fgColor="1F4E79")
THIN = Side(style="thin", color="A6A6A6")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
# Style objects made once: openpyxl hashes each one it is given, and a fresh object per cell costs more
# than the cell itself.
TOP_WRAP = Alignment(vertical="top", wrap_text=True)
HELP_FONT = Font(italic=True, color="595959")
SECTION_FONT = Font(bold=True, color="FFFFFF")
LOCKED, UNLOCKED = Protection(locked=True), Protection(locked=False)

_EXCEL_EPOCH = dt.date(1899, 12, 30)


def _serial(day: dt.date) -> int:
    return (day - _EXCEL_EPOCH).days


def _prompt(spec: Input) -> tuple[str, str]:
    title = spec.label if len(spec.label) <= 32 else spec.label[:31] + "…"
    return title, spec.help[:255]


def _validation(spec: Input, sqref: str) -> DataValidation:
    title, prompt = _prompt(spec)
    common: dict[str, Any] = {
        "allow_blank": True, "showInputMessage": True, "promptTitle": title, "prompt": prompt,
        "showErrorMessage": True, "errorTitle": "Ongeldige waarde", "errorStyle": "stop",
    }
    named_list = list_name(spec)
    if spec.type in (FieldType.CHOICE, FieldType.FLAG) or named_list:
        enforced = bool(spec.choices or spec.list_name or spec.type is FieldType.FLAG)
        common["errorStyle"] = "stop" if enforced else "information"
        dv = DataValidation(type="list", formula1=f"={named_list}", error="Kies een waarde uit de lijst.",
                            **common)
    elif spec.type is FieldType.DATE:
        dv = DataValidation(type="date", operator="between", formula1=str(_serial(dt.date(1990, 1, 1))),
                            formula2=str(_serial(dt.date(2100, 12, 31))),
                            error="Vul een datum in als dd-mm-jjjj.", **common)
    elif spec.type is FieldType.INTEGER:
        dv = DataValidation(type="whole", operator="between", formula1=_bound(spec.minimum, 0),
                            formula2=_bound(spec.maximum, 10**9), error="Vul een geheel getal in.", **common)
    elif spec.type in (FieldType.DECIMAL, FieldType.AMOUNT):
        dv = DataValidation(type="decimal", operator="between", formula1=_bound(spec.minimum, 0),
                            formula2=_bound(spec.maximum, 10**12), error="Vul een getal in.", **common)
    else:
        dv = DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(spec.max_length or 255),
                            error=f"Maximaal {spec.max_length} tekens.", **common)
    dv.add(sqref)
    return dv


def _bound(value: float | None, default: int) -> str:
    return str(int(value) if value is not None and float(value).is_integer() else value or default)


def _number_format(spec: Input) -> str | None:
    return {
        FieldType.DATE: DATE_FORMAT,
        FieldType.AMOUNT: AMOUNT_FORMAT,
        FieldType.DECIMAL: DECIMAL_FORMAT,
        FieldType.PHONE: "@",
        FieldType.TEXT: "@",
        FieldType.EMAIL: "@",
    }.get(spec.type)


def _cell_value(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _put(cell: Any, value: Any) -> None:
    """A pre-filled value: text always as literal text (see ``xlsx_cells``), other values as they are."""
    value = _cell_value(value)
    if isinstance(value, str):
        put_text(cell, value)
    else:
        cell.value = value


def _write_lists(wb: Workbook, schema: FormSchema, lists: Mapping[str, tuple[str, ...]]) -> None:
    sheet = wb.create_sheet(LISTS_SHEET)
    sheet.sheet_state = "hidden"
    specs: dict[str, Input] = {}
    for spec in (*schema.fields, *schema.table.columns):
        name = list_name(spec)
        if name and name not in specs:
            specs[name] = spec
    for index, (name, spec) in enumerate(sorted(specs.items()), start=1):
        values = spec.allowed(lists) or tuple(lists.get(spec.list_key or "", ())) or ("",)
        letter = column_letter(index)
        sheet[f"{letter}1"] = name
        for row, value in enumerate(values, start=2):
            sheet[f"{letter}{row}"] = value
        ref = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
        wb.defined_names[name] = DefinedName(name, attr_text=ref)


def _write_fields(wb: Workbook, ws: Worksheet, schema: FormSchema, values: Mapping[str, Any]) -> None:
    places = layout(schema)
    ws.column_dimensions[LABEL_COLUMN].width = 42
    ws.column_dimensions[INPUT_COLUMN].width = 48
    ws.column_dimensions[HELP_COLUMN].width = 80
    ws["A1"] = schema.title
    ws["A1"].font = Font(size=16, bold=True, color="1F4E79")
    ws["A2"] = ("Vul de gele cellen in; velden met * zijn verplicht. Uitleg staat op het blad 'Uitleg'. "
                "Sla het bestand op in de projectmap: het advies verschijnt ernaast.")
    ws["A2"].font = Font(italic=True)
    for section, row in places.section_rows.items():
        cell = ws[f"{LABEL_COLUMN}{row}"]
        cell.value = section
        cell.font = SECTION_FONT
        for column in (LABEL_COLUMN, INPUT_COLUMN, HELP_COLUMN):
            ws[f"{column}{row}"].fill = SECTION_FILL
    for field in schema.fields:
        row = places.field_rows[field.id]
        label = ws[f"{LABEL_COLUMN}{row}"]
        label.value = field.label + (" *" if field.required else "")
        label.alignment = TOP_WRAP
        help_cell = ws[f"{HELP_COLUMN}{row}"]
        help_cell.value = field.help
        help_cell.font = HELP_FONT
        help_cell.alignment = TOP_WRAP
        cell = ws[f"{INPUT_COLUMN}{row}"]
        cell.border = BOX
        cell.alignment = TOP_WRAP
        number_format = _number_format(field)
        if number_format:
            cell.number_format = number_format
        if field.type is FieldType.LONGTEXT:
            ws.row_dimensions[row].height = 60
        prefilled = field.prefilled and field.id in values
        cell.fill = PREFILLED_FILL if prefilled else INPUT_FILL
        cell.protection = LOCKED if prefilled else UNLOCKED
        if field.id in values and values[field.id] is not None:
            _put(cell, values[field.id])
        ws.add_data_validation(_validation(field, cell.coordinate))
        wb.defined_names[field.id] = DefinedName(field.id, attr_text=f"'{ws.title}'!${INPUT_COLUMN}${row}")
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.insertRows = False
    ws.freeze_panes = "A4"


def _write_table(wb: Workbook, schema: FormSchema, rows: Sequence[Mapping[str, Any]]) -> None:
    table = schema.table
    ws = wb.create_sheet(table.sheet)
    places = layout(schema)
    ws["A1"] = table.title
    ws["A1"].font = Font(size=14, bold=True, color="1F4E79")
    ws["A2"] = (f"{table.instruction} De tabel groeit vanzelf mee als je onder de laatste regel verder typt "
                f"(tot {table.max_rows} regels).")
    ws["A2"].font = Font(italic=True)
    header_row, first = places.table_header_row, places.table_first_row
    for index, column in enumerate(table.columns, start=1):
        letter = column_letter(index)
        ws[f"{letter}{header_row}"] = column.label
        ws.column_dimensions[letter].width = max(16, min(40, len(column.label) + 18))
        sqref = f"{letter}{first}:{letter}{first + table.max_rows - 1}"
        ws.add_data_validation(_validation(column, sqref))
        number_format = _number_format(column)
        for row in range(first, places.table_last_row + 1):
            if number_format:
                ws[f"{letter}{row}"].number_format = number_format
        for offset, values in enumerate(rows):
            if column.id in values and values[column.id] is not None:
                _put(ws[f"{letter}{first + offset}"], values[column.id])
    xl_table = XlTable(displayName=table.name, ref=places.table_ref(schema))
    xl_table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(xl_table)
    ws.freeze_panes = f"A{first}"


def _write_explanation(wb: Workbook, schema: FormSchema) -> None:
    ws = wb.create_sheet("Uitleg")
    ws.column_dimensions["A"].width = 110
    for row, (text, style) in enumerate(explanation_lines(schema), start=1):
        cell = ws[f"A{row}"]
        cell.value = text
        cell.alignment = TOP_WRAP
        if style == "title":
            cell.font = Font(size=16, bold=True, color="1F4E79")
        elif style == "heading":
            cell.font = Font(size=12, bold=True, color="1F4E79")


def _write_marker(wb: Workbook, schema: FormSchema, marker: Mapping[str, str]) -> None:
    ws = wb.create_sheet(MARKER_SHEET)
    ws.sheet_state = "hidden"
    entries = {"product": MARKER_PRODUCT, "soort": schema.kind, "sjabloonversie": str(schema.version),
               **marker}
    for row, (key, value) in enumerate(entries.items(), start=1):
        ws[f"A{row}"] = key
        ws[f"B{row}"] = value
    ws.protection.sheet = True


def build_workbook(schema: FormSchema, lists: Mapping[str, tuple[str, ...]], *,
                   values: Mapping[str, Any] | None = None, rows: Sequence[Mapping[str, Any]] = (),
                   title: str | None = None) -> bytes:
    """The workbook for ``schema`` as .xlsx bytes, optionally pre-filled with field values and table rows."""
    if len(rows) > schema.table.rows:
        raise ValueError(f"at most {schema.table.rows} pre-filled rows fit the table")
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = schema.sheet
    _write_fields(wb, ws, schema, values or {})
    _write_table(wb, schema, rows)
    _write_explanation(wb, schema)
    _write_lists(wb, schema, lists)
    _write_marker(wb, schema, {})
    # The title carries a project name typed by a person: it must hold only what XML can.
    wb.properties.title = cell_text(title or schema.title)[:255]
    wb.properties.creator = "toolbox-docs"
    wb.properties.language = "nl-NL"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
