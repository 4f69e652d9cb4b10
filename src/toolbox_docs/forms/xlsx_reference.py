"""The reference reader: the same ``RawForm`` as ``xlsx_read``, but read with openpyxl.

Slower (two full loads: cached values, and formulas to tell "never calculated" from "empty"), and kept
as an independent second opinion: ``tests/test_reader_agreement.py`` checks that both readers give the
same verdict on every generated workbook and every file of the corpus. Selectable with
``[dienst] lezer = "openpyxl"``. The same package pre-check runs first, so hostile files never reach
openpyxl.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import warnings
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries

from toolbox_docs.errors import WorkbookError
from toolbox_docs.forms.layout import column_letter
from toolbox_docs.forms.markers import check_marker
from toolbox_docs.forms.raw import CellError, Location, NoCachedValue, RawCell, RawForm, RawRow, RawValue
from toolbox_docs.forms.schema import MARKER_SHEET, schema_for
from toolbox_docs.forms.xlsx_read import parse_name_target, sheet_names, unescape
from toolbox_docs.limits import Limits
from toolbox_docs.share.ooxml import XLSX, open_package


def _value(cell: Any, formula_cell: Any) -> RawValue:
    value = cell.value
    if cell.data_type == "e":
        return CellError(str(value))
    if value is None and formula_cell is not None and formula_cell.data_type == "f":
        return NoCachedValue(str(formula_cell.value))
    if isinstance(value, str):
        return unescape(value)
    if isinstance(value, float) and not math.isfinite(value):
        return CellError("#NUM!")  # as the direct reader: a number beyond what a double holds
    if isinstance(value, dt.timedelta):
        return dt.datetime(1899, 12, 30) + value
    return value  # type: ignore[no-any-return]


def _load(data: bytes, *, data_only: bool) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_workbook(io.BytesIO(data), data_only=data_only, rich_text=False, keep_links=False)


def read_form(data: bytes, *, limits: Limits) -> RawForm:
    package = open_package(data, limits=limits, error_type=WorkbookError, expect={XLSX})
    try:
        ours = MARKER_SHEET in sheet_names(package)
    finally:
        package.close()
    try:
        values_book = _load(data, data_only=True)
        formula_book = _load(data, data_only=False)
    except WorkbookError:
        raise
    except Exception:  # openpyxl raises many kinds on files it cannot handle
        if not ours:
            check_marker({})  # a workbook without our marker sheet is simply not ours
        raise WorkbookError("damaged", "Het werkboek is beschadigd of niet te lezen. Sla het opnieuw op vanuit "
                            "Excel en probeer het nog eens.") from None
    marker: dict[str, str] = {}
    if MARKER_SHEET in values_book.sheetnames:
        sheet = values_book[MARKER_SHEET]
        for row in sheet.iter_rows(min_row=1, max_row=30, max_col=2):
            key = row[0].value
            if isinstance(key, str):
                other = row[1].value if len(row) > 1 else None
                if isinstance(other, float) and other.is_integer():
                    other = int(other)
                marker[key.strip()] = str(other).strip() if other is not None else ""
    kind, version = check_marker(marker)
    schema = schema_for(kind, version)
    cells: dict[str, RawCell] = {}
    missing: list[str] = []
    for field in schema.fields:
        defined = values_book.defined_names.get(field.id)
        target = parse_name_target(defined.attr_text) if defined is not None else None
        if target is None or target[0] not in values_book.sheetnames:
            missing.append(field.id)
            continue
        sheet_name, ref = target
        formula_cell = formula_book[sheet_name][ref]
        cells[field.id] = RawCell(sheet_name, ref, _value(values_book[sheet_name][ref], formula_cell))
    if len(missing) > len(schema.fields) // 2:
        raise WorkbookError("structure-broken", "De opbouw van het werkboek is te sterk veranderd (bladen of velden "
                            "verwijderd). Gebruik een nieuw sjabloon uit de map Sjablonen en neem je gegevens over.")
    spec = schema.table
    found = None
    for worksheet in values_book.worksheets:
        for table in worksheet.tables.values():
            if spec.name.casefold() in ((table.displayName or "").casefold(), (table.name or "").casefold()):
                found = (worksheet, table)
    if found is None:
        raise WorkbookError("table-missing", f"De tabel '{spec.name}' op het blad '{spec.sheet}' ontbreekt of is "
                            "hernoemd. Gebruik een nieuw sjabloon en neem je gegevens over.")
    worksheet, table = found
    min_col, header_row, _, _ = range_boundaries(table.ref)
    by_header = {c.label.casefold(): c for c in spec.columns}
    positions: dict[int, str] = {}
    for offset, table_column in enumerate(table.tableColumns):
        column = by_header.get((table_column.name or "").strip().casefold())
        if column is not None:
            positions[min_col + offset] = column.id
    first_row = header_row + 1
    formula_sheet = formula_book[worksheet.title]
    rows: list[RawRow] = []
    for number in range(first_row, min(header_row + spec.max_rows + 1, worksheet.max_row) + 1):
        row_cells: dict[str, RawCell] = {}
        for column_number, column_id in positions.items():
            ref = f"{column_letter(column_number)}{number}"
            value = _value(worksheet[ref], formula_sheet[ref])
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            row_cells[column_id] = RawCell(worksheet.title, ref, value)
        if row_cells:
            rows.append(RawRow(number, row_cells))
    return RawForm(
        kind=kind, version=version, cells=cells, rows=tuple(rows),
        table_location=Location(worksheet.title, f"{column_letter(min_col)}{first_row}"),
        column_letters={cid: column_letter(n) for n, cid in positions.items()},
        date1904=bool(values_book.epoch.year == 1904), missing_names=tuple(missing),
        missing_columns=tuple(c.id for c in spec.columns if c.id not in positions.values()),
    )
