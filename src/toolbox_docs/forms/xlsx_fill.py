"""Filling one of our workbooks from a script, the way the field reference describes: by defined name
for each field and by column header in the form's table. Used for the worked example, scenario
fixtures and benchmarks. Never used on a person's workbook: the service does not write inputs.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries

from toolbox_docs.forms.schema import MARKER_SHEET, FormSchema, schema_for
from toolbox_docs.forms.xlsx_template import cell_value


def fill_workbook(template: bytes, values: Mapping[str, Any], rows: Sequence[Mapping[str, Any]] = ()) -> bytes:
    """A copy of ``template`` with ``values`` (field id -> value as a person would type it) in the named
    cells and ``rows`` (column id -> value) in the table, from its first data row down."""
    wb = load_workbook(io.BytesIO(template))
    marker = {row[0].value: row[1].value for row in wb[MARKER_SHEET].iter_rows(max_col=2)}
    schema = schema_for(str(marker["soort"]), int(str(marker["sjabloonversie"])))
    for field_id, value in values.items():
        for sheet, coordinate in wb.defined_names[field_id].destinations:
            wb[sheet][coordinate.replace("$", "")] = value
    if rows:
        sheet = wb[schema.table.sheet]
        table = sheet.tables[schema.table.name]
        min_col, header_row, max_col, max_row = range_boundaries(table.ref)
        headers = {sheet.cell(header_row, c).value: c for c in range(min_col, max_col + 1)}
        columns = {column.id: headers[column.label] for column in schema.table.columns}
        for offset, row in enumerate(rows, start=1):
            for column_id, value in row.items():
                sheet.cell(header_row + offset, columns[column_id]).value = value
        last = header_row + len(rows)
        if last > max_row:
            start = table.ref.split(":")[0]
            table.ref = f"{start}:{sheet.cell(last, max_col).coordinate}"
            table.autoFilter.ref = table.ref
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def record_values(record: Any, schema: FormSchema) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The cell values (and table rows) that a person would type to get ``record`` back from validation."""
    values = {f.id: cell_value(getattr(record, f.id)) for f in schema.fields if getattr(record, f.id) is not None}
    rows = [{c.id: cell_value(getattr(row, c.id)) for c in schema.table.columns if getattr(row, c.id) is not None}
            for row in getattr(record, schema.table.record_field)]
    return values, rows
