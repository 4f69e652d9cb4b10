"""Blocks as WordprocessingML elements, on the target document's own styles.

``render`` turns blocks into body elements for a ``Site`` (see ``docx_anchor``): headings, paragraphs
and runs, lists, tables and pictures. Styles are looked up by built-in name ("heading 2", "Table Grid",
"List Bullet", "caption"), so a Dutch template with style ids "Kop2" and "Tabelraster" is served as
well; missing heading styles are added (``docx_styles``), lists get a numbering definition of our own,
and a table without "Table Grid" gets explicit borders. Inside a paragraph (an inline content control)
only the runs of a single paragraph are written.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from docx.shared import Cm

from toolbox_docs.documents.blocks import Block, BulletList, Heading, Image, Paragraph, Run, Table
from toolbox_docs.documents.docx_anchor import Element, Site, StyleIndex, w
from toolbox_docs.documents.docx_styles import add_heading_style, el, list_numbering, sub, writable_styles

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

_INVALID_XML = re.compile("[^\t\n\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_PIECES = re.compile(r"(\n|\t)")
_DEFAULT_WIDTH_TWIPS = 9072  # A4 with 2.5 cm margins


def clean_text(text: str) -> str:
    """Text that is valid in XML 1.0 with line ends as "\\n" (emoji and right-to-left text unchanged)."""
    return _INVALID_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


@dataclass
class Context:
    """What rendering needs: the document (for styles, numbering, pictures) and where the blocks go."""

    document: DocxDocument
    styles: StyleIndex
    site: Site
    images: Mapping[str, bytes]
    next_shape_id: int = 0


def render(context: Context, blocks: Sequence[Block]) -> list[Element]:
    """The elements for ``blocks`` at the context's site (only runs when the site is inside a paragraph)."""
    site = context.site
    if site.mode != "blocks":
        runs = blocks[0].runs if blocks and isinstance(blocks[0], Paragraph) else ()
        inline = _inline_runs(runs, plain=site.mode != "runs", multiline=site.multiline)
        return [_paragraph(inline)] if site.mode == "plain-paragraph" else inline
    elements: list[Element] = []
    for block in blocks:
        elements.extend(_render_block(context, block))
    for before, after in itertools.pairwise(elements):
        if before.tag == w("tbl") and after.tag == w("p"):
            _space_before(after)
    if not elements or elements[-1].tag != w("p"):
        elements.append(_paragraph())  # a cell or control must not end with a table
    return elements


def title(context: Context, text: str) -> Element:
    """The title of a generated document: the "Title" style, else a first-level heading."""
    style = context.styles.find("paragraph", "title") or _heading_style(context, 1)
    return _paragraph(_runs((Run(text),)), style=style)


def _render_block(context: Context, block: Block) -> list[Element]:
    if isinstance(block, Heading):
        return [_heading(context, block)]
    if isinstance(block, Paragraph):
        return [_paragraph(_runs(block.runs))]
    if isinstance(block, BulletList):
        return _list(context, block)
    if isinstance(block, Table):
        return _table(context, block)
    return [_image(context, block)]


def _space_before(p: Element) -> None:
    """Some air between a table and the paragraph under it (instead of an empty paragraph)."""
    ppr = p.find(w("pPr"))
    if ppr is None:
        ppr = el("w:pPr")
        p.insert(0, ppr)
    if ppr.find(w("spacing")) is None:
        ppr.insert_element_before(el("w:spacing", before="160"), "w:ind", "w:contextualSpacing", "w:jc",
                                  "w:outlineLvl", "w:rPr", "w:sectPr", "w:pPrChange")


# --- paragraphs and runs ----------------------------------------------------------------------


def _paragraph(runs: Sequence[Element] = (), *, style: str | None = None, keep_next: bool = False,
               num_id: str | None = None, align: str | None = None, compact: bool = False) -> Element:
    p = el("w:p")
    ppr = sub(p, "w:pPr")
    if style:
        sub(ppr, "w:pStyle", val=style)
    if keep_next:
        sub(ppr, "w:keepNext")
    if num_id:
        num_pr = sub(ppr, "w:numPr")
        sub(num_pr, "w:ilvl", val="0")
        sub(num_pr, "w:numId", val=num_id)
    if compact:
        sub(ppr, "w:spacing", before="40", after="40")
    if align:
        sub(ppr, "w:jc", val=align)
    if not len(ppr):
        p.remove(ppr)
    p.extend(runs)
    return p


def _runs(runs: Sequence[Run], *, bold: bool = False) -> list[Element]:
    return [_run(run.text, bold=bold or run.bold, italic=run.italic) for run in runs if clean_text(run.text)]


def _run(text: str, *, bold: bool = False, italic: bool = False, multiline: bool = True) -> Element:
    r = el("w:r")
    if bold or italic:
        rpr = sub(r, "w:rPr")
        for flag in (("w:b", "w:bCs") if bold else ()) + (("w:i", "w:iCs") if italic else ()):
            sub(rpr, flag)
    for piece in _PIECES.split(clean_text(text)):
        if piece == "\n" and multiline:
            r.add_br()
        elif piece == "\n":
            r.add_t(" ")
        elif piece == "\t":
            r.add_tab()
        elif piece:
            r.add_t(piece)
    return r


def _inline_runs(runs: Sequence[Run], *, plain: bool, multiline: bool) -> list[Element]:
    if plain:
        return [_run("".join(run.text for run in runs), multiline=multiline)]
    return _runs(runs)


# --- headings and lists -----------------------------------------------------------------------


def _heading(context: Context, block: Heading) -> Element:
    site = context.site
    level = min(site.base_level + max(block.level, 1), 9)
    if level <= site.floor:  # no heading level left below the anchor: keep the section whole
        return _paragraph(_runs((Run(block.text),), bold=True), keep_next=True)
    return _paragraph(_runs((Run(block.text),)), style=_heading_style(context, level))


def _heading_style(context: Context, level: int) -> str:
    found = context.styles.find("paragraph", f"heading {level}")
    if found:
        return found
    style_id = add_heading_style(context.document, level, context.styles.default_paragraph)
    context.styles = StyleIndex.of(writable_styles(context.document))
    return style_id


def _list(context: Context, block: BulletList) -> list[Element]:
    kind = "list number" if block.ordered else "list bullet"
    style = context.styles.find("paragraph", kind) or context.styles.find("paragraph", "list paragraph")
    num_id = list_numbering(context.document, ordered=block.ordered)
    return [_paragraph(_runs(item), style=style, num_id=num_id) for item in block.items]


# --- tables and pictures ----------------------------------------------------------------------


def _content_width(document: DocxDocument) -> int:
    """Text width of the last section in twips."""
    size = document.element.find(f"{w('body')}/{w('sectPr')}/{w('pgSz')}")
    margins = document.element.find(f"{w('body')}/{w('sectPr')}/{w('pgMar')}")
    values = [e.get(w(a), "") if e is not None else "" for e, a in ((size, "w"), (margins, "left"),
                                                                  (margins, "right"))]
    if not all(v.isdigit() for v in values):
        return _DEFAULT_WIDTH_TWIPS
    width = int(values[0]) - int(values[1]) - int(values[2])
    return width if 1440 <= width <= 31680 else _DEFAULT_WIDTH_TWIPS


def _table(context: Context, table: Table) -> list[Element]:
    columns = max([len(table.header), *(len(row) for row in table.rows), 1])
    numeric = [i < len(table.numeric) and table.numeric[i] for i in range(columns)]
    weights = [1 if n else 2 for n in numeric]
    widths = [_content_width(context.document) * wt // sum(weights) for wt in weights]
    grid_style = context.styles.find("table", "table grid")
    tbl = el("w:tbl")
    tbl.append(_table_properties(grid_style, table.caption))
    grid = sub(tbl, "w:tblGrid")
    for width in widths:
        sub(grid, "w:gridCol", w=str(width))
    rows = [table.header, *table.rows]
    for index, row in enumerate(rows):
        header = index == 0
        bold = header or (table.total and index == len(rows) - 1 and index > 0)
        cells = [*row, *([""] * (columns - len(row)))]
        tbl.append(_row(cells, widths, numeric, header=header, bold=bold, compact=grid_style is None))
    caption = clean_text(table.caption)
    if not caption:
        return [tbl]
    style = context.styles.find("paragraph", "caption")
    runs = [_run(caption, italic=style is None)]
    return [_paragraph(runs, style=style, keep_next=True), tbl]


def _table_properties(grid_style: str | None, caption: str) -> Element:
    tbl_pr = el("w:tblPr")
    if grid_style:
        sub(tbl_pr, "w:tblStyle", val=grid_style)
    sub(tbl_pr, "w:tblW", w="5000", type="pct")
    if not grid_style:
        borders = sub(tbl_pr, "w:tblBorders")
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            sub(borders, f"w:{side}", val="single", sz="4", space="0", color="auto")
    sub(tbl_pr, "w:tblLook", val="04A0", firstRow="1", lastRow="0", firstColumn="0", lastColumn="0",
        noHBand="0", noVBand="1")
    if clean_text(caption):
        sub(tbl_pr, "w:tblCaption", val=clean_text(caption)[:255])
    return tbl_pr


def _row(cells: Sequence[str], widths: Sequence[int], numeric: Sequence[bool], *, header: bool, bold: bool,
         compact: bool) -> Element:
    tr = el("w:tr")
    tr_pr = sub(tr, "w:trPr")
    sub(tr_pr, "w:cantSplit")
    if header:
        sub(tr_pr, "w:tblHeader")
    for text, width, is_number in zip(cells, widths, numeric, strict=True):
        tc = sub(tr, "w:tc")
        tc_pr = sub(tc, "w:tcPr")
        sub(tc_pr, "w:tcW", w=str(width), type="dxa")
        if header:
            sub(tc_pr, "w:shd", val="clear", color="auto", fill="D9D9D9")
        runs = [_run(text, bold=bold)] if clean_text(text) else []
        tc.append(_paragraph(runs, align="right" if is_number else None, compact=compact))
    return tr


def _image(context: Context, block: Image) -> Element:
    part = context.document.part
    width_cm = min(max(block.width_cm, 1.0), _content_width(context.document) / 567)
    inline = part.new_pic_inline(io.BytesIO(context.images[block.name]), width=Cm(width_cm))
    context.next_shape_id += 1
    inline.docPr.set("id", str(context.next_shape_id))
    inline.docPr.set("name", f"Afbeelding {context.next_shape_id}")
    inline.docPr.set("descr", clean_text(block.alt))
    r = el("w:r")
    sub(r, "w:drawing").append(inline)
    return _paragraph([r])
