"""Writing text into a spreadsheet cell so that it is kept exactly as text, whatever it contains.

Characters a workbook cannot hold are removed, over-long texts are cut at Excel's cell limit, the cell
is typed as a string (never a formula) and a text that starts like a formula gets Excel's quote prefix,
so that editing the cell later does not turn it into one either.
"""

from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_CHARS = 32_767  # Excel's limit for one cell


def cell_text(value: str) -> str:
    text: str = ILLEGAL_CHARACTERS_RE.sub("", value)
    return text if len(text) <= MAX_CELL_CHARS else text[:MAX_CELL_CHARS - 1] + "…"


def put_text(cell: Any, value: str) -> str:
    """Write ``value`` into ``cell`` as literal text; returns the text as written."""
    text = cell_text(value)
    cell.value = text
    cell.data_type = "s"
    cell.quotePrefix = text.startswith(FORMULA_STARTS)
    return text
