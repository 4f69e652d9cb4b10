"""Writing the blank (or pre-filled) intake and evaluation workbooks with openpyxl, from the schema.

Each input field gets: a locked label, an open input cell with a workbook-level defined name equal to
the field id, a dropdown or type check through data validation, and an input message with its help.
The form's table is an Excel table with validated columns. A Dutch explanation sheet, a hidden sheet
with the dropdown lists and a hidden marker sheet (product, kind, template version) complete it. Every
visible sheet prints on A4 in portrait, one page wide, with the form's (or project's) title in the header
and the page number in the footer (``xlsx_print``).
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
from toolbox_docs.forms.xlsx_print import LINE_PT, print_setup, wrapped_height, wrapped_lines

DATE_FORMAT = "dd-mm-yyyy"
AMOUNT_FORMAT = '"€" #,##0.00'
# Hours and other decimals: "General" shows 160 as "160" and 40,5 as "40,5"; "#,##0.##" would show "160,".
DECIMAL_FORMAT = "General"
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

# Column widths in characters. Label, input and help together fit an A4 page in portrait at about 85%
# (printed one page wide); the explanation's one column fits it at 100%.
FORM_WIDTHS = {LABEL_COLUMN: 34, INPUT_COLUMN: 40, HELP_COLUMN: 42}
EXPLANATION_WIDTH = 90

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


def cell_value(value: Any) -> Any:
    """A record's value as a person types it into a cell: an enum's Dutch word, ja/nee, a whole number
    without decimals."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _put(cell: Any, value: Any) -> None:
    """A pre-filled value: text always as literal text (see ``xlsx_cells``), other values as they are."""
    value = cell_value(value)
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


def _write_fields(wb: Workbook, ws: Worksheet, schema: FormSchema, values: Mapping[str, Any], *,
                  header: str) -> None:
    places = layout(schema)
    for column, width in FORM_WIDTHS.items():
        ws.column_dimensions[column].width = width
    ws["A1"] = schema.title
    ws["A1"].font = Font(size=16, bold=True, color="1F4E79")
    ws["A2"] = ("Vul de gele cellen in; velden met * zijn verplicht. Uitleg staat op het blad 'Uitleg'. "
                "Sla het bestand op in de projectmap: het advies verschijnt ernaast.")
    ws["A2"].font = Font(italic=True)
    ws["A2"].alignment = TOP_WRAP
    ws.merge_cells(f"A2:{HELP_COLUMN}2")
    ws.row_dimensions[2].height = wrapped_height([(str(ws["A2"].value), sum(FORM_WIDTHS.values()))])
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
        shown = values.get(field.id) if field.id in values else None
        cells = [(label.value, FORM_WIDTHS[LABEL_COLUMN]), (field.help, FORM_WIDTHS[HELP_COLUMN])]
        if isinstance(shown, str):
            cells.append((shown, FORM_WIDTHS[INPUT_COLUMN]))
        height = wrapped_height(cells, minimum=60 if field.type is FieldType.LONGTEXT else LINE_PT)
        if height > LINE_PT:
            ws.row_dimensions[row].height = height
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
    last = max((*places.field_rows.values(), *places.section_rows.values()), default=3)
    print_setup(ws, landscape=False, header=header, print_area=f"A1:{HELP_COLUMN}{last}")


def _table_width(column: Input, lists: Mapping[str, tuple[str, ...]]) -> int:
    """Characters wide: a number as its label, a choice as its longest value, text wide enough to read."""
    if column.type in (FieldType.INTEGER, FieldType.DECIMAL, FieldType.AMOUNT):
        return max(10, len(column.label) + 3)
    values = column.allowed(lists)
    if values:
        return max(12, min(32, max(len(v) for v in (column.label, *values)) + 3))
    return 30 if column.required else 26


def _write_table(wb: Workbook, schema: FormSchema, rows: Sequence[Mapping[str, Any]],
                 lists: Mapping[str, tuple[str, ...]], *, header: str) -> None:
    table = schema.table
    ws = wb.create_sheet(table.sheet)
    places = layout(schema)
    ws["A1"] = table.title
    ws["A1"].font = Font(size=14, bold=True, color="1F4E79")
    ws["A2"] = (f"{table.instruction} De tabel groeit vanzelf mee als je onder de laatste regel verder typt "
                f"(tot {table.max_rows} regels).")
    ws["A2"].font = Font(italic=True)
    ws["A2"].alignment = TOP_WRAP
    widths = [_table_width(column, lists) for column in table.columns]
    ws.merge_cells(f"A2:{column_letter(len(widths))}2")
    ws.row_dimensions[2].height = wrapped_height([(str(ws["A2"].value), sum(widths))])
    header_row, first = places.table_header_row, places.table_first_row
    ws.row_dimensions[header_row].height = wrapped_height(
        (column.label, width) for column, width in zip(table.columns, widths, strict=True))
    for index, column in enumerate(table.columns, start=1):
        letter = column_letter(index)
        ws[f"{letter}{header_row}"] = column.label
        ws[f"{letter}{header_row}"].alignment = TOP_WRAP
        ws.column_dimensions[letter].width = widths[index - 1]
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
    print_setup(ws, landscape=False, header=header, title_rows=f"{header_row}:{header_row}",
                print_area=places.table_ref(schema).replace(f"A{header_row}:", "A1:"))


def _write_explanation(wb: Workbook, schema: FormSchema, *, header: str) -> None:
    ws = wb.create_sheet("Uitleg")
    ws.column_dimensions["A"].width = EXPLANATION_WIDTH
    print_setup(ws, landscape=False, header=header)
    for row, (text, style) in enumerate(explanation_lines(schema), start=1):
        cell = ws[f"A{row}"]
        cell.value = text
        cell.alignment = TOP_WRAP
        if text and wrapped_lines(text, EXPLANATION_WIDTH) > 1:
            ws.row_dimensions[row].height = wrapped_height([(text, EXPLANATION_WIDTH)])
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
    # The title carries a project name typed by a person: it must hold only what XML can.
    header = cell_text(title or schema.title)
    _write_fields(wb, ws, schema, values or {}, header=header)
    _write_table(wb, schema, rows, lists, header=header)
    _write_explanation(wb, schema, header=header)
    _write_lists(wb, schema, lists)
    _write_marker(wb, schema, {})
    wb.properties.title = header[:255]
    wb.properties.creator = "toolbox-docs"
    wb.properties.language = "nl-NL"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
