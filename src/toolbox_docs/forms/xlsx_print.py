"""How the workbooks we write print: A4, one page wide, header rows repeated, a header with what the
sheet is and a footer with the page number. Shared by the forms and the projectenregister.

Neither Excel nor LibreOffice reliably fits a row's height to wrapped text in a file it did not write, so
rows with text that wraps get a height estimated from their cells (``wrapped_height``).

Excel and LibreOffice both honour these settings (``fitToWidth`` 1 with ``fitToHeight`` 0 is "one page
wide, as many pages high as needed"). Text in a header or footer is escaped: "&" starts a code there.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

HEADER_CHARS = 120  # Excel allows 255 characters for header and footer together, codes included
PAGE_FOOTER = "Pagina &P van &N"
# Narrow side margins (inches): more room for the columns, still clear of every printer's edge.
MARGINS = PageMargins(left=0.5, right=0.5, top=0.75, bottom=0.75, header=0.3, footer=0.3)


def header_text(text: str) -> str:
    """``text`` as literal header text: "&" doubled, cut to a length a header holds."""
    text = " ".join(text.split())
    if len(text) > HEADER_CHARS:
        text = text[:HEADER_CHARS - 1] + "…"
    return text.replace("&", "&&")


def print_setup(ws: Worksheet, *, landscape: bool, header: str, title_rows: str | None = None,
                print_area: str | None = None) -> None:
    """A4 in portrait (forms) or landscape (the register), scaled to one page wide; ``title_rows`` ("1:1")
    repeat on every page; ``print_area`` ("A1:C80") limits what prints; ``header`` names the sheet's
    contents (the project) top left, the sheet's name is top right; the file name and the page number are
    at the bottom."""
    setup = ws.page_setup
    setup.paperSize = ws.PAPERSIZE_A4
    setup.orientation = "landscape" if landscape else "portrait"
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    if ws.sheet_properties.pageSetUpPr is None:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties()
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = MARGINS
    if title_rows:
        ws.print_title_rows = title_rows
    if print_area:
        ws.print_area = print_area
    ws.oddHeader.left.text = header_text(header)
    ws.oddHeader.right.text = "&A"
    ws.oddFooter.left.text = "&F"
    ws.oddFooter.center.text = PAGE_FOOTER


LINE_PT = 15.0  # one line of 11 pt text, as Excel spaces it
# Characters of ordinary text per character of column width: a width counts digits ("0"), and text runs
# a little narrower on average; kept on the safe side so an estimate rather makes a row too tall.
CHARS_PER_WIDTH = 0.9


def wrapped_lines(text: str, width: float) -> int:
    """Lines ``text`` takes in a column ``width`` characters wide with wrapping on (at least 1)."""
    room = max(1, math.floor(width * CHARS_PER_WIDTH) - 1)
    lines = 0
    for paragraph in str(text).split("\n"):
        line = 0
        lines += 1
        for word in paragraph.split():
            if line and line + 1 + len(word) > room:
                lines += 1
                line = 0
            line = line + (1 if line else 0) + len(word)
            while line > room:  # a word longer than the column is broken
                lines += 1
                line -= room
    return max(lines, 1)


def wrapped_height(cells: Iterable[tuple[str, float]], *, minimum: float = LINE_PT) -> float:
    """Row height in points for cells of (text, column width) that wrap: the tallest cell decides."""
    lines = max((wrapped_lines(text, width) for text, width in cells if text), default=1)
    return max(minimum, lines * LINE_PT)
