"""What a reader hands to the validator: the raw cells of one form, before any interpretation.

Both workbook readers (the direct XML reader and the openpyxl reference reader) produce a ``RawForm``;
the validator turns it into a typed record and problems. Nothing here does I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class CellError:
    """An Excel error value such as ``#REF!`` or ``#DIV/0!``."""

    code: str


@dataclass(frozen=True)
class NoCachedValue:
    """A formula that was never calculated (written by a program, not saved by Excel)."""

    formula: str


RawValue = None | str | int | float | bool | dt.datetime | dt.date | dt.time | CellError | NoCachedValue


@dataclass(frozen=True)
class RawCell:
    sheet: str
    ref: str
    value: RawValue


@dataclass(frozen=True)
class RawRow:
    """A used row of the form's table: ``number`` is the sheet row, ``cells`` maps column id to cell."""

    number: int
    cells: Mapping[str, RawCell]


@dataclass(frozen=True)
class Location:
    sheet: str
    ref: str


@dataclass(frozen=True)
class RawForm:
    kind: str
    version: int
    cells: Mapping[str, RawCell]
    rows: tuple[RawRow, ...]
    table_location: Location
    column_letters: Mapping[str, str]
    date1904: bool = False
    missing_names: tuple[str, ...] = ()
    missing_columns: tuple[str, ...] = ()
