"""Blocks as WordprocessingML elements, on the target document's own styles.

``render`` turns blocks into body elements for a ``Site`` (see ``docx_anchor``): headings, paragraphs
and runs, lists, tables and pictures. Styles are looked up by built-in name ("heading 2", "Table Grid",
"List Bullet", "caption"), so a Dutch template with style ids "Kop2" and "Tabelraster" is served as
well; missing heading styles are added (``docx_styles``), lists get a numbering definition of our own,
and a table without "Table Grid" gets explicit borders. Inside a paragraph (an inline content control)
only the runs of a single paragraph are written.

Tables have a fixed layout with column widths from their content (``column_widths``): numeric columns
just wide enough for their longest value, text columns at least as wide as their longest word and
sharing the rest of the text width at the site. A table whose longest words do not fit side by side at
the document's text size is set smaller, a half point at a time down to 8 pt, so no word breaks inside
(``table_size``). Rows never split across a page; the header row repeats and stays with the first row,
the last row is never left alone, and a short table (up to ``KEEP_WHOLE`` rows) stays on one page.

The title of a generated document is its "Title" paragraph with outline level 1, so it is the top
heading in Word's navigation and in a tagged PDF (LibreOffice tags it H1).
"""

from __future__ import annotations

import io
import itertools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.shape import CT_Inline
from docx.parts.image import ImagePart
from docx.shared import Cm

from toolbox_docs.documents import chart
from toolbox_docs.documents.blocks import Block, BulletList, Heading, Image, Paragraph, Run, Table
from toolbox_docs.documents.docx_anchor import Element, Site, StyleIndex, w
from toolbox_docs.documents.docx_styles import (
    TableText,
    add_heading_style,
    amount_em,
    el,
    line_em,
    list_numbering,
    longest_word_em,
    section_width,
    styles_root,
    sub,
    table_text,
    writable_styles,
)

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

MIN_TABLE_SIZE = 16  # half points: tables are never set smaller than 8 pt
KEEP_WHOLE = 8  # rows (header included) of a table that is kept on one page
# What XML 1.0 cannot hold, and carriage returns: the characters outside "\t \n \x20-\ud7ff \ue000-\ufffd
# \U00010000-\U0010ffff", written as the few they are (the same set; this form compiles in 0.6 ms, not 7).
_INVALID_XML = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")
_PIECES = re.compile(r"(\n|\t)")
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"  # xml:space


_LINE_SEPARATORS = re.compile("[\x85\u2028\u2029]")


def clean_text(text: str) -> str:
    """Text that is valid in XML 1.0 with line ends as "\\n" (emoji and right-to-left text unchanged)."""
    return _INVALID_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _measured(text: str) -> str:
    """The text as its width is estimated: NEL and the Unicode line separators end a line there too."""
    return _LINE_SEPARATORS.sub("\n", clean_text(text))


@dataclass
class Context:
    """What rendering needs: the document (for styles, numbering, pictures) and where the blocks go."""

    document: DocxDocument
    styles: StyleIndex
    site: Site
    images: Mapping[str, bytes | chart.Chart]
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
    """The title of a generated document: the "Title" style, else a first-level heading; always at
    outline level 1 and kept with what follows, so it is a heading to Word, PDF and screen readers."""
    style = context.styles.find("paragraph", "title") or _heading_style(context, 1)
    return _paragraph(_runs((Run(text),)), style=style, keep_next=True, outline=0)


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
               num_id: str | None = None, align: str | None = None, compact: bool = False,
               outline: int | None = None) -> Element:
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
    if outline is not None:
        sub(ppr, "w:outlineLvl", val=str(outline))
    if not len(ppr):
        p.remove(ppr)
    p.extend(runs)
    return p


def _runs(runs: Sequence[Run], *, bold: bool = False) -> list[Element]:
    return [_run(run.text, bold=bold or run.bold, italic=run.italic) for run in runs if clean_text(run.text)]


def _run(text: str, *, bold: bool = False, italic: bool = False, multiline: bool = True,
         size: int | None = None) -> Element:
    """A run; ``size`` in half points (None: the style's)."""
    r = el("w:r")
    if bold or italic or size:
        rpr = sub(r, "w:rPr")
        for flag in (("w:b", "w:bCs") if bold else ()) + (("w:i", "w:iCs") if italic else ()):
            sub(rpr, flag)
        if size:
            sub(rpr, "w:sz", val=str(size))
            sub(rpr, "w:szCs", val=str(size))
    for piece in _PIECES.split(clean_text(text)):
        if piece == "\n" and multiline:
            r.add_br()
        elif piece == "\n":
            _text(r, " ")
        elif piece == "\t":
            r.add_tab()
        elif piece:
            _text(r, piece)
    return r


def _text(r: Element, text: str) -> None:
    """A ``w:t`` with ``text`` at the end of the run: what python-docx's ``add_t`` does, at a third of the cost."""
    t = sub(r, "w:t")
    t.text = text
    if len(text.strip()) < len(text):
        t.set(_XML_SPACE, "preserve")


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


# --- tables -----------------------------------------------------------------------------------


def _table(context: Context, table: Table) -> list[Element]:
    columns = max([len(table.header), *(len(row) for row in table.rows), 1])
    numeric = [i < len(table.numeric) and table.numeric[i] for i in range(columns)]
    grid_style = context.styles.find("table", "table grid")
    rows = [[*row, *([""] * (columns - len(row)))] for row in (table.header, *table.rows)]
    bold = [index == 0 or (table.total and index == len(rows) - 1) for index in range(len(rows))]
    styled = table_text(styles_root(context.document), grid_style)
    available = _text_width(context, styled.margins)
    ems = _ems(rows, bold, numeric)
    text = _size(ems, available=available, text=styled)
    size = text.em // 10 if text.em != styled.em else None
    widths = _widths(ems, numeric, available=available, text=text)
    tbl = el("w:tbl")
    tbl.append(_table_properties(grid_style, table.caption, sum(widths)))
    grid = sub(tbl, "w:tblGrid")
    for width in widths:
        sub(grid, "w:gridCol", w=str(width))
    last = len(rows) - 1
    for index, cells in enumerate(rows):
        # Keep with the next row: the header (it stays with the first row), the row before the last (the
        # last is never alone on a page), and every row of a short table (it stays on one page).
        keep = index < last and (index == 0 or index == last - 1 or len(rows) <= KEEP_WHOLE)
        tbl.append(_row(cells, widths, numeric, header=index == 0, bold=bold[index], compact=grid_style is None,
                        keep_next=keep, size=size))
    caption = clean_text(table.caption)
    if not caption:
        return [tbl]
    style = context.styles.find("paragraph", "caption")
    runs = [_run(caption, italic=style is None)]
    return [_paragraph(runs, style=style, keep_next=True), tbl]


def _table_properties(grid_style: str | None, caption: str, width: int) -> Element:
    tbl_pr = el("w:tblPr")
    if grid_style:
        sub(tbl_pr, "w:tblStyle", val=grid_style)
    sub(tbl_pr, "w:tblW", w=str(width), type="dxa")
    if not grid_style:
        borders = sub(tbl_pr, "w:tblBorders")
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            sub(borders, f"w:{side}", val="single", sz="4", space="0", color="auto")
    sub(tbl_pr, "w:tblLayout", type="fixed")  # our widths, in Word and LibreOffice alike
    sub(tbl_pr, "w:tblLook", val="04A0", firstRow="1", lastRow="0", firstColumn="0", lastColumn="0",
        noHBand="0", noVBand="1")
    if clean_text(caption):
        sub(tbl_pr, "w:tblCaption", val=clean_text(caption)[:255])
    return tbl_pr


def _row(cells: Sequence[str], widths: Sequence[int], numeric: Sequence[bool], *, header: bool, bold: bool,
         compact: bool, keep_next: bool, size: int | None) -> Element:
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
        elif is_number:
            sub(tc_pr, "w:noWrap")  # a header may wrap between its words; an amount never
        runs = [_run(text, bold=bold, size=size)] if clean_text(text) else []
        tc.append(_paragraph(runs, align="right" if is_number else None, compact=compact, keep_next=keep_next))
    return tr


# --- column widths ----------------------------------------------------------------------------


def table_size(rows: Sequence[Sequence[str]], bold: Sequence[bool], numeric: Sequence[bool], *,
               available: int, text: TableText) -> TableText:
    """The table's text at the styles' size, or the largest smaller size (by half points, not under
    ``MIN_TABLE_SIZE``) at which every column's longest word or value fits side by side in ``available``."""
    return _size(_ems(rows, bold, numeric), available=available, text=text)


def column_widths(rows: Sequence[Sequence[str]], bold: Sequence[bool], numeric: Sequence[bool], *,
                  available: int, text: TableText) -> list[int]:
    """Column widths in twips that add up to ``available``, from the cells (row 0 is the header).

    A numeric column is as wide as its longest value (which then never wraps) or its header's longest
    word. A text column needs at least its longest word; the room left is shared in stages: first
    towards each column's typical (mean) cell length, then towards its longest cell, and what is left
    after that goes to the text columns in proportion to their width. A table that cannot fit even so
    keeps its numeric columns whole where it can and shrinks the text columns (long words break).
    """
    return _widths(_ems(rows, bold, numeric), numeric, available=available, text=text)


def _size(ems: Sequence[tuple[float, float, float]], *, available: int, text: TableText) -> TableText:
    size = text.em // 10
    while size > MIN_TABLE_SIZE:
        if sum(_needs(ems, text)[0]) <= available:
            return text
        size -= 1
        text = replace(text, em=size * 10)
    return text


def _widths(ems: Sequence[tuple[float, float, float]], numeric: Sequence[bool], *, available: int,
            text: TableText) -> list[int]:
    minimum, typical, longest = _needs(ems, text)
    return _share(available, [minimum, typical, longest], [not n for n in numeric])


def _ems(rows: Sequence[Sequence[str]], bold: Sequence[bool], numeric: Sequence[bool]
         ) -> list[tuple[float, float, float]]:
    """Per column, in em at any size (measured once per table): the minimum (longest word or value), the
    typical and the longest width."""
    found: list[tuple[float, float, float]] = []
    for index, is_number in enumerate(numeric):
        cells = [(_measured(row[index]), b) for row, b in zip(rows, bold, strict=True)]
        words = max(longest_word_em(t, b) for t, b in cells)
        if is_number:
            need = max([words, *(amount_em(t, b) for t, b in cells[1:])])
            found.append((need, need, need))
            continue
        lines = [line_em(t, b) for t, b in cells if t.strip()]
        found.append((words, max(words, sum(lines) / len(lines) if lines else 0.0), max([words, *lines])))
    return found


def _needs(ems: Sequence[tuple[float, float, float]], text: TableText) -> tuple[list[int], list[int], list[int]]:
    """Per column, in twips at the text's size: the minimum, the typical and the longest width."""
    em = text.em * text.font_factor

    def twips(width: float) -> int:
        return math.ceil(width * em) + text.margins

    return ([twips(m) for m, _, _ in ems], [twips(t) for _, t, _ in ems], [twips(w) for _, _, w in ems])


def _share(available: int, stages: list[list[int]], flexible: list[bool]) -> list[int]:
    widths = [float(width) for width in stages[0]]
    if sum(widths) > available:
        return _rounded(_shrink(widths, flexible, available), available)
    for stage in stages[1:]:
        room, extra = available - sum(widths), sum(stage) - sum(widths)
        if extra > room:
            widths = [w + (s - w) * room / extra for w, s in zip(widths, stage, strict=True)]
            break
        widths = [float(width) for width in stage]
    room = available - sum(widths)
    takers = [i for i, f in enumerate(flexible) if f] or list(range(len(widths)))
    weights = {i: widths[i] or 1.0 for i in takers}
    for i, weight in weights.items():
        widths[i] += room * weight / sum(weights.values())
    return _rounded(widths, available)


def _shrink(widths: list[float], flexible: list[bool], available: int) -> list[float]:
    """Too wide even at the minimum: the text columns give way (keeping a third of their minimum),
    then, if that is not enough, all columns alike."""
    fixed = sum(w for w, f in zip(widths, flexible, strict=True) if not f)
    text = sum(w for w, f in zip(widths, flexible, strict=True) if f)
    if text and fixed + text / 3 <= available:
        scale = (available - fixed) / text
        return [w * scale if f else w for w, f in zip(widths, flexible, strict=True)]
    return [w * available / sum(widths) for w in widths]


def _rounded(widths: list[float], total: int) -> list[int]:
    """Whole twips adding up to ``total`` exactly (largest remainders get the odd twips)."""
    whole = [math.floor(w) for w in widths]
    by_remainder = sorted(range(len(widths)), key=lambda i: whole[i] - widths[i])
    for i in by_remainder[:total - sum(whole)]:
        whole[i] += 1
    return whole


# --- the room on the page and pictures --------------------------------------------------------


def _text_width(context: Context, cell_margins: int = 216) -> int:
    """Twips available at the site: its section's text width, or less inside a table cell."""
    site = context.site
    width = section_width(_section_properties(site))
    cell = next((a for a in (site.parent, *site.parent.iterancestors()) if a.tag == w("tc")), None)
    tc_w = cell.find(f"{w('tcPr')}/{w('tcW')}") if cell is not None else None
    value = tc_w.get(w("w"), "") if tc_w is not None else ""
    if tc_w is not None and tc_w.get(w("type"), "dxa") == "dxa" and value.isdigit():
        width = min(width, max(int(value) - cell_margins, 720))
    return width


def _section_properties(site: Site) -> Element | None:
    """The site's section (``w:sectPr``): the first section break after the site in the body."""
    if site.parent.tag == w("body"):
        following = list(site.parent)[site.index:]
    else:
        top = next((a for a in (site.parent, *site.parent.iterancestors())
                    if (parent := a.getparent()) is not None and parent.tag == w("body")), None)
        following = [top, *top.itersiblings()] if top is not None else []
    for element in following:
        found = element if element.tag == w("sectPr") else element.find(f"{w('pPr')}/{w('sectPr')}")
        if found is not None:
            return found
    return None


def _image(context: Context, block: Image) -> Element:
    """A picture in line, in a paragraph of its own, with the block's alternative text: PNG or JPEG bytes,
    or a chart (``chart.Chart``, an EMF, which python-docx cannot measure: it comes with its size)."""
    part = context.document.part
    source = context.images[block.name]
    context.next_shape_id += 1
    shape_id = context.next_shape_id
    width_cm = min(max(block.width_cm, 1.0), _text_width(context) / 567)
    if isinstance(source, chart.Chart):
        inline = _emf_inline(context, source, shape_id, width_cm)
        keep_next = True  # the chart stays on the page of what follows (its key: the table of parties)
    else:
        inline = part.new_pic_inline(io.BytesIO(source), width=Cm(width_cm))
        keep_next = False
    inline.docPr.set("id", str(shape_id))
    inline.docPr.set("name", f"Afbeelding {shape_id}")
    inline.docPr.set("descr", clean_text(block.alt))
    r = el("w:r")
    sub(r, "w:drawing").append(inline)
    return _paragraph([r], keep_next=keep_next)


def _emf_inline(context: Context, source: chart.Chart, shape_id: int, width_cm: float) -> CT_Inline:
    """``wp:inline`` of an EMF picture: a media part of its own, related to the document as an image
    (python-docx writes its content type; the same EMF twice is stored twice, as is harmless)."""
    document_part = context.document.part
    package = document_part.package
    partname = package.next_partname("/word/media/image%d.emf")
    rel_id = document_part.relate_to(ImagePart(partname, chart.CONTENT_TYPE, source.emf), RT.IMAGE)
    height_cm = width_cm * source.height_cm / source.width_cm
    return CT_Inline.new_pic_inline(shape_id, rel_id, partname.filename, Cm(width_cm), Cm(height_cm))
