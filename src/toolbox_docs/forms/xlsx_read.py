"""The workbook reader: a direct, bounded parse of the few XML parts a form needs.

Reads from bytes in memory (the caller's private copy), never writes. Opens the package through
``ooxml.open_package`` (zip pre-check, DTDs refused, a hardened lxml parser), then reads only: the workbook
part (sheets, defined names, date system), its relationships, the marker sheet, the shared strings,
the cell styles (to recognise date-formatted numbers), the cells the defined names point to, and the
form table's rows, stopping at the last row it needs. ``xlsx_reference.py`` reads the same with
openpyxl; ``tests/test_reader_agreement.py`` proves both give the same results.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from toolbox_docs.errors import WorkbookError
from toolbox_docs.forms.layout import column_letter
from toolbox_docs.forms.markers import check_marker
from toolbox_docs.forms.raw import CellError, Location, NoCachedValue, RawCell, RawForm, RawRow, RawValue
from toolbox_docs.forms.schema import KINDS, MARKER_PRODUCT, MARKER_SHEET, FormSchema, schema_for
from toolbox_docs.limits import Limits
from toolbox_docs.share.ooxml import XLSX, Package, XmlElement, open_package, release

_REL_SHEET = "/worksheet"
_REL_STRINGS = "/sharedStrings"
_REL_STYLES = "/styles"
_REL_TABLE = "/table"
_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d{1,7})$")
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_BUILTIN_DATE_FORMATS = set(range(14, 23)) | {27, 30, 36, 45, 46, 47, 50, 57}
_DATE_TOKENS = re.compile(r"[dmyhs]", re.IGNORECASE)
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')
MAX_COLUMN = 16384
MAX_ROW = 1048576
# A sheet part up to this size is parsed whole (fast, in C) when it has the usual shape; larger ones stream.
_WHOLE_SHEET_BYTES = 2 * 1024 * 1024
_SHEET_TAGS = ("{*}row", "{*}c", "{*}sheetData")


def _local(tag: str) -> str:
    return tag[tag.rfind("}") + 1:]


def unescape(text: str) -> str:
    """Undo the OOXML ``_xHHHH_`` escapes Excel uses for control characters."""
    if "_x" not in text:
        return text
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


@functools.lru_cache(maxsize=8192)
def split_ref(ref: str) -> tuple[int, int]:
    """(column number, row number) of an A1 reference; raises ValueError. (Cached: the same references
    come back in every workbook made from the same template.)"""
    match = _REF.match(ref.upper())
    if not match:
        raise ValueError(ref)
    letters, digits = match.groups()
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - 64
    row = int(digits)
    if not (1 <= column <= MAX_COLUMN and 1 <= row <= MAX_ROW):
        raise ValueError(ref)
    return column, row


@functools.lru_cache(maxsize=2048)
def parse_name_target(text: str) -> tuple[str, str] | None:
    """('Intake', 'B5') from "'Intake'!$B$5" (the top-left cell of a range); None when not a cell.
    (Cached: every workbook made from the same template has the same defined names.)"""
    text = text.strip()
    if "!" not in text or "#REF" in text.upper() or "," in text:
        return None
    sheet, _, ref = text.rpartition("!")
    sheet = sheet[1:-1].replace("''", "'") if sheet.startswith("'") and sheet.endswith("'") else sheet
    ref = ref.split(":", 1)[0].replace("$", "")
    try:
        split_ref(ref)
    except ValueError:
        return None
    return sheet, ref.upper()


@functools.lru_cache(maxsize=1024)
def is_date_format(code: str) -> bool:
    """Whether an Excel number format code shows a date or time (ignoring quoted text and [colour])."""
    stripped = _QUOTED.sub("", code)
    if stripped.lower() in ("general", "@"):
        return False
    return bool(_DATE_TOKENS.search(stripped))


@dataclass
class _Book:
    package: Package
    sheets: dict[str, str]  # sheet name -> part name
    names: dict[str, str]  # defined name -> target text
    date1904: bool
    strings: list[str] | None = None
    date_styles: frozenset[int] | None = None


def _open_book(package: Package) -> _Book:
    root = package.xml(package.main_part)
    rels = package.relationships(package.main_part)
    sheets: dict[str, str] = {}
    names: dict[str, str] = {}
    date1904 = False
    for element in root:
        tag = _local(element.tag)
        if tag == "workbookPr":
            date1904 = element.get("date1904", "").lower() in ("1", "true")
        elif tag == "sheets":
            for sheet in element:
                rel_id = next((v for k, v in sheet.attrib.items() if _local(k) == "id"), "")
                kind, target = rels.get(rel_id, ("", ""))
                if kind.endswith(_REL_SHEET) and sheet.get("name"):
                    sheets[sheet.get("name", "")] = target
        elif tag == "definedNames":
            for name in element:
                if name.get("localSheetId") is None and name.get("name"):
                    names[name.get("name", "")] = name.text or ""
    book = _Book(package, sheets, names, date1904)
    return book


def sheet_names(package: Package) -> tuple[str, ...]:
    """The names of the sheets of an opened workbook package."""
    return tuple(_open_book(package).sheets)


def _shared_strings(book: _Book) -> list[str]:
    if book.strings is None:
        rels = book.package.relationships(book.package.main_part)
        part = next((t for k, t in rels.values() if k.endswith(_REL_STRINGS)), None)
        strings: list[str] = []
        if part and book.package.has(part):
            for _, element in book.package.iterparse(part, tags=("si",)):
                strings.append(unescape(_rich_text(element)))
                release(element)
        book.strings = strings
    return book.strings


def _rich_text(element: XmlElement) -> str:
    parts: list[str] = []
    for child in element:
        tag = _local(child.tag)
        if tag == "t":
            parts.append(child.text or "")
        elif tag == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(parts)


def _date_styles(book: _Book) -> frozenset[int]:
    if book.date_styles is None:
        rels = book.package.relationships(book.package.main_part)
        part = next((t for k, t in rels.values() if k.endswith(_REL_STYLES)), None)
        found: set[int] = set()
        if part and book.package.has(part):
            root = book.package.xml(part)
            custom: dict[int, str] = {}
            for element in root:
                tag = _local(element.tag)
                if tag == "numFmts":
                    for fmt in element:
                        try:
                            custom[int(fmt.get("numFmtId", "-1"))] = fmt.get("formatCode", "")
                        except ValueError:
                            continue
                elif tag == "cellXfs":
                    for index, xf in enumerate(element):
                        try:
                            fmt_id = int(xf.get("numFmtId", "0"))
                        except ValueError:
                            continue
                        code = custom.get(fmt_id)
                        if (code is not None and is_date_format(code)) or \
                                (code is None and fmt_id in _BUILTIN_DATE_FORMATS):
                            found.add(index)
        book.date_styles = frozenset(found)
    return book.date_styles


def _serial_to_datetime(value: float, date1904: bool) -> dt.datetime | dt.time:
    """As openpyxl's ``from_excel``: a time of day for 0 <= value < 1, else a datetime."""
    if 0 <= value < 1:
        moment = dt.datetime(2000, 1, 1) + dt.timedelta(milliseconds=round(value * 86400000))
        if moment.day == 1:
            return moment.time()
    epoch = dt.datetime(1904, 1, 1) if date1904 else dt.datetime(1899, 12, 30)
    if not date1904 and 0 < value < 60:
        value += 1
    day, fraction = divmod(value, 1)
    return epoch + dt.timedelta(days=day, milliseconds=round(fraction * 86400000))


def _cell_value(book: _Book, cell: XmlElement) -> RawValue:
    kind = cell.get("t", "n")
    formula = value_text = None
    inline: XmlElement | None = None
    for child in cell:
        tag = _local(child.tag)
        if tag == "v":
            value_text = child.text
        elif tag == "f":
            formula = child.text or ""
        elif tag == "is":
            inline = child
    if kind == "inlineStr":
        return unescape(_rich_text(inline)) if inline is not None else None
    if value_text is None:
        return NoCachedValue(formula) if formula is not None else None
    if kind == "s":
        strings = _shared_strings(book)
        try:
            return strings[int(value_text)]
        except (ValueError, IndexError):
            return CellError("#STRING!")
    if kind == "str":
        return unescape(value_text)
    if kind == "b":
        return value_text.strip() in ("1", "true")
    if kind == "e":
        return CellError(value_text.strip())
    if kind == "d":
        try:
            return dt.datetime.fromisoformat(value_text.strip())
        except ValueError:
            return value_text
    try:
        number = float(value_text)
    except ValueError:
        return value_text
    if number != number or number in (float("inf"), float("-inf")):
        return CellError("#NUM!")
    try:
        style = int(cell.get("s", "0"))
    except ValueError:
        style = 0
    if style and style in _date_styles(book):
        try:
            return _serial_to_datetime(number, book.date1904)
        except (OverflowError, ValueError):
            return CellError("#VALUE!")  # as openpyxl: a date-formatted number outside the calendar
    if number.is_integer() and not any(c in value_text for c in ".eE"):
        return int(number)
    return number


class _Cells:
    """The reading of cells, fed row by row and cell by cell in document order (by either reading path)."""

    def __init__(self, book: _Book, wanted: Mapping[int, Iterable[int]] | None, max_row: int,
                 columns: frozenset[int] | None) -> None:
        self.book = book
        self.wanted = {r: set(c) for r, c in wanted.items()} if wanted is not None else None
        self.max_row = max_row
        self.columns = columns
        self.row_number = 0
        self.column_number = 0
        self.values: dict[tuple[int, int], RawValue] = {}

    def row(self, element: XmlElement) -> bool:
        """A row starts; False when it lies past ``max_row`` (stop reading)."""
        r = element.get("r")
        self.row_number = int(r) if r and r.isdigit() else self.row_number + 1
        self.column_number = 0
        return self.row_number <= self.max_row

    def cells(self, elements: list[XmlElement]) -> None:
        """``cell`` for each of a row's cells, in a tight loop (the same steps)."""
        wanted, columns, max_row = self.wanted, self.columns, self.max_row
        column_number, row_number = self.column_number, self.row_number
        values = self.values
        for element in elements:
            ref = element.get("r")
            try:
                column_number, row_number = split_ref(ref) if ref else (column_number + 1, row_number)
            except ValueError:
                column_number += 1
            if wanted is not None:
                keep = column_number in wanted.get(row_number, ())
            else:
                keep = columns is None or column_number in columns
            if keep and row_number <= max_row:
                values[(row_number, column_number)] = _cell_value(self.book, element)
        self.column_number, self.row_number = column_number, row_number

    def cell(self, element: XmlElement) -> None:
        self.cells([element])


def _regular_rows(package: Package, part: str) -> list[tuple[XmlElement, list[XmlElement]]] | None:
    """The rows and their cells of a small sheet part of the usual shape: every row a child of the
    root's first sheetData, every cell a child of such a row, and no other element of those names.
    Then these rows and cells, in this order, are exactly the elements streaming would meet (and the
    part is well-formed throughout). None for any other part."""
    root = package.tree(part, max_bytes=_WHOLE_SHEET_BYTES)
    if root is None:
        return None
    sheet_data = root.find("{*}sheetData")
    if sheet_data is None:
        return None
    rows = [(row, list(row.iterchildren("{*}c"))) for row in sheet_data.iterchildren("{*}row")]
    walked = 1 + len(rows) + sum(len(row_cells) for _, row_cells in rows)
    present = len(list(root.iter(*_SHEET_TAGS)))
    return rows if walked == present else None


def _read_cells(book: _Book, sheet: str, wanted: Mapping[int, Iterable[int]] | None, max_row: int,
                columns: frozenset[int] | None = None) -> dict[tuple[int, int], RawValue]:
    """Values of the wanted (row -> columns) cells of one sheet, or else of all cells up to ``max_row``
    (in ``columns`` only, when given). Stops parsing after ``max_row``.

    A small sheet of the usual shape (cells only in rows, rows only in the sheet's data) is parsed whole
    by lxml and walked; any other sheet is streamed and left at ``max_row``. Both feed ``_Cells`` the same
    rows and cells in the same order, so they read the same values."""
    part = book.sheets[sheet]
    cells = _Cells(book, wanted, max_row, columns)
    rows = _regular_rows(book.package, part)
    if rows is not None:
        for row, row_cells in rows:
            if not cells.row(row):
                break
            if row_cells:
                cells.cells(row_cells)
        return cells.values
    for event, element in book.package.iterparse(part, events=("start", "end"), tags=("row", "c", "sheetData")):
        tag = _local(element.tag)
        if event == "start":
            if tag == "row" and not cells.row(element):
                break
            continue
        if tag == "c":
            cells.cell(element)
            element.clear()
        elif tag == "row":
            release(element)
        elif tag == "sheetData":
            break
    return cells.values


def _read_marker(book: _Book) -> dict[str, str]:
    if MARKER_SHEET not in book.sheets:
        return {}
    cells = _read_cells(book, MARKER_SHEET, None, 30)
    marker: dict[str, str] = {}
    for (row, column), value in cells.items():
        if column == 1 and isinstance(value, str):
            other = cells.get((row, 2))
            if isinstance(other, float) and other.is_integer():
                other = int(other)
            marker[value.strip()] = str(other).strip() if other is not None else ""
    return marker


@dataclass(frozen=True)
class _TablePart:
    sheet: str
    ref: str
    columns: tuple[str, ...]


def _find_table(book: _Book, name: str) -> _TablePart | None:
    for sheet, part in book.sheets.items():
        for kind, target in book.package.relationships(part).values():
            if not kind.endswith(_REL_TABLE) or not book.package.has(target):
                continue
            root = book.package.xml(target)
            if name.casefold() not in (root.get("displayName", "").casefold(), root.get("name", "").casefold()):
                continue
            columns: tuple[str, ...] = ()
            for element in root:
                if _local(element.tag) == "tableColumns":
                    columns = tuple((c.get("name") or "").strip() for c in element)
            return _TablePart(sheet, root.get("ref", ""), columns)
    return None


def _read_table(book: _Book, schema: FormSchema
                ) -> tuple[tuple[RawRow, ...], Location, dict[str, str], tuple[str, ...]]:
    spec = schema.table
    found = _find_table(book, spec.name)
    if found is None or found.sheet not in book.sheets:
        raise WorkbookError("table-missing", f"De tabel '{spec.name}' op het blad '{spec.sheet}' ontbreekt of is "
                            "hernoemd. Gebruik een nieuw sjabloon en neem je gegevens over.")
    try:
        (first_column, header_row) = split_ref(found.ref.split(":")[0])
    except ValueError:
        raise WorkbookError("table-missing", f"De tabel '{spec.name}' is beschadigd. Gebruik een nieuw "
                            "sjabloon.") from None
    by_header = {c.label.casefold(): c for c in spec.columns}
    positions: dict[int, str] = {}
    for offset, header in enumerate(found.columns):
        column = by_header.get(header.casefold())
        if column is not None:
            positions[first_column + offset] = column.id
    missing = tuple(c.id for c in spec.columns if c.id not in positions.values())
    first_row = header_row + 1
    last_row = header_row + spec.max_rows
    # Read one row past the limit to notice rows that would otherwise be silently ignored.
    cells = _read_cells(book, found.sheet, None, last_row + 1, frozenset(positions))
    rows: list[RawRow] = []
    by_row: dict[int, dict[str, RawCell]] = {}
    for (row, column_number), value in cells.items():
        column_id = positions.get(column_number)
        if column_id is None or row < first_row or value is None or (isinstance(value, str) and not value.strip()):
            continue
        by_row.setdefault(row, {})[column_id] = RawCell(found.sheet, f"{column_letter(column_number)}{row}", value)
    for row in sorted(by_row):
        rows.append(RawRow(row, by_row[row]))
    location = Location(found.sheet, f"{column_letter(first_column)}{first_row}")
    letters = {column_id: column_letter(number) for number, column_id in positions.items()}
    return tuple(rows), location, letters, missing


def read_form(data: bytes, *, limits: Limits) -> RawForm:
    """The raw cells of one of our workbooks; raises ``WorkbookError`` for anything that is not one."""
    package = open_package(data, limits=limits, error_type=WorkbookError, expect={XLSX})
    try:
        book = _open_book(package)
        kind, version = check_marker(_read_marker(book))
        schema = schema_for(kind, version)
        targets: dict[str, tuple[str, str]] = {}
        missing: list[str] = []
        for field in schema.fields:
            target = parse_name_target(book.names.get(field.id, ""))
            if target is None or target[0] not in book.sheets:
                missing.append(field.id)
            else:
                targets[field.id] = target
        if len(missing) > len(schema.fields) // 2:
            raise WorkbookError("structure-broken", "De opbouw van het werkboek is te sterk veranderd (bladen of "
                                "velden verwijderd). Gebruik een nieuw sjabloon uit de map Sjablonen en neem je "
                                "gegevens over.")
        cells: dict[str, RawCell] = {}
        by_sheet: dict[str, dict[int, set[int]]] = {}
        for sheet, ref in targets.values():
            column, row = split_ref(ref)
            by_sheet.setdefault(sheet, {}).setdefault(row, set()).add(column)
        for sheet, wanted in by_sheet.items():
            values = _read_cells(book, sheet, wanted, max(wanted))
            for field_id, (field_sheet, ref) in targets.items():
                if field_sheet == sheet:
                    column, row = split_ref(ref)
                    cells[field_id] = RawCell(sheet, ref, values.get((row, column)))
        rows, location, letters, missing_columns = _read_table(book, schema)
        return RawForm(kind=kind, version=version, cells=cells, rows=rows, table_location=location,
                       column_letters=letters, date1904=book.date1904, missing_names=tuple(missing),
                       missing_columns=missing_columns)
    finally:
        package.close()


def workbook_kind(data: bytes, *, limits: Limits) -> str | None:
    """The kind its marker sheet gives a workbook ('intake', 'evaluatie'), whatever its version and content;
    None for a workbook that is not one of ours or cannot be read. Reads only the marker sheet."""
    try:
        package = open_package(data, limits=limits, error_type=WorkbookError, expect={XLSX}, scan_xml=False)
    except WorkbookError:
        return None
    try:
        marker = _read_marker(_open_book(package))
    except Exception:  # a sibling file of any shape must never stop the run it is looked at for
        return None
    finally:
        package.close()
    kind = marker.get("soort")
    return kind if marker.get("product") == MARKER_PRODUCT and kind in KINDS else None
