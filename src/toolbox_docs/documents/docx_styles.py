"""The document's style and numbering definitions, as the Word writer reads and extends them.

Styles are looked up by built-in name through ``docx_anchor.StyleIndex`` ("heading 2" is found also
when its id is "Kop2"); what is missing is added here: a built-in "heading N" definition, and list
definitions of our own (named ``toolbox-docs-bullet`` and ``toolbox-docs-number``, so a rerun finds
and reuses them instead of piling up new ones). Also the small element builders every part of the
writer uses (``el``, ``sub``): python-docx element classes, so runs and paragraphs keep their helpers.
And what the styles say about a table's text (``table_text``: font size, font, cell margins), which
the column widths are estimated from.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml.ns import NamespacePrefixedTag
from docx.oxml.parser import oxml_parser
from docx.parts.numbering import NumberingPart

from toolbox_docs.documents.docx_anchor import Element, W, w

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

_OUR_LISTS = {"toolbox-docs-bullet": False, "toolbox-docs-number": True}
_DEFAULT_WIDTH_TWIPS = 9072  # A4 with 2.5 cm margins
_FALLBACK_SIZE = 24  # half-points; 12 pt when no style says: on the safe (wide) side of 10 or 11 pt
_FALLBACK_CELL_MARGIN = 108  # twips on each side, Word's "Normal Table"
# Fonts whose letters and digits run clearly wider than Arial's, by about this much (rounded up).
# Any other font is measured as Arial: Calibri, Times New Roman and most others are narrower.
_WIDE_FONTS = {"verdana": 1.2, "dejavu sans": 1.2, "bookman old style": 1.15, "century gothic": 1.15,
               "georgia": 1.1, "lucida sans": 1.1, "lucida sans unicode": 1.1, "segoe ui": 1.05,
               "tahoma": 1.05}


# --- building elements ------------------------------------------------------------------------


@functools.cache
def _prototype(tag: str) -> Element:
    """An empty element of a prefixed tag, as ``OxmlElement`` makes it (python-docx's element class for the
    tag, the tag's namespace declared): made once, copied for every new element."""
    prefixed = NamespacePrefixedTag(tag)
    return cast("Element", oxml_parser.makeelement(prefixed.clark_name, nsmap=prefixed.nsmap))


def el(tag: str, **attributes: str) -> Element:
    """A new WordprocessingML element ("w:p") with ``w:``-attributes: what ``OxmlElement(tag)`` gives.
    A copy of the tag's prototype: a document has thousands of elements, and copying one is a few times
    cheaper than making it (lxml looks up the element class and sets up the namespace each time)."""
    element = cast("Element", _prototype(tag).__copy__())  # lxml's own copy (copy.copy adds a lookup)
    for key, value in attributes.items():
        element.set(w(key), value)
    return element


def sub(parent: Element, tag: str, **attributes: str) -> Element:
    """A new element appended to ``parent``."""
    element = el(tag, **attributes)
    parent.append(element)
    return element


# --- styles -----------------------------------------------------------------------------------


def styles_root(document: DocxDocument) -> Element | None:
    """The styles part's root, or None when the document has none (nothing is created)."""
    try:
        return cast(XmlPart, document.part.part_related_by(RT.STYLES)).element
    except KeyError:
        return None


def writable_styles(document: DocxDocument) -> Element:
    """The styles part's root, created by python-docx when the document has none."""
    return cast(Element, document.styles.element)


def add_heading_style(document: DocxDocument, level: int, normal: str | None) -> str:
    """Add the built-in "heading ``level``" style to a document that lacks it; its new style id."""
    styles = writable_styles(document)
    used = {s.get(w("styleId")) for s in styles.iter(w("style"))}
    style_id = next(i for i in (f"Heading{level}", f"ToolboxHeading{level}", f"ToolboxKop{level}")
                    if i not in used)
    styles.append(_heading_definition(style_id, level, normal))
    return style_id


def _heading_definition(style_id: str, level: int, normal: str | None) -> Element:
    """The built-in "heading N" style, for a document that lacks it."""
    style = el("w:style", type="paragraph", styleId=style_id)
    sub(style, "w:name", val=f"heading {level}")
    if normal:
        sub(style, "w:basedOn", val=normal)
        sub(style, "w:next", val=normal)
    sub(style, "w:uiPriority", val="9")
    if level > 1:
        sub(style, "w:unhideWhenUsed")
    sub(style, "w:qFormat")
    ppr = sub(style, "w:pPr")
    sub(ppr, "w:keepNext")
    sub(ppr, "w:keepLines")
    sub(ppr, "w:spacing", before="240" if level == 1 else "200", after="80")
    sub(ppr, "w:outlineLvl", val=str(level - 1))
    rpr = sub(style, "w:rPr")
    sub(rpr, "w:b")
    sub(rpr, "w:bCs")
    size = str({1: 32, 2: 26, 3: 24}.get(level, 22))
    sub(rpr, "w:sz", val=size)
    sub(rpr, "w:szCs", val=size)
    return style


# --- what the styles say about a table's text --------------------------------------------------


@dataclass(frozen=True)
class TableText:
    """How wide text in a table's cells runs: ``em`` in twips (the font size), a factor for a font
    wider than Arial, and the left and right cell margins together in twips."""

    em: int
    font_factor: float
    margins: int


def table_text(styles: Element | None, table_style: str | None) -> TableText:
    """The text of a table with ``table_style`` (None: the document's default table style) whose cell
    paragraphs have the default paragraph style. Where styles disagree on the size, the larger wins."""
    if styles is None:
        margins = 2 * _FALLBACK_CELL_MARGIN
        return TableText(_FALLBACK_SIZE * 10, 1.0, margins)
    paragraph = _chain(styles, "paragraph", None)
    table = _chain(styles, "table", table_style)
    defaults = styles.find(f"{w('docDefaults')}/{w('rPrDefault')}")
    sources = [*paragraph, *table, *([defaults] if defaults is not None else [])]
    sizes = [int(v) for source in sources for size in source.iterfind(f"{w('rPr')}/{w('sz')}")
             if (v := size.get(w("val"), "")).isdigit() and 2 <= int(v) <= 3276]
    fonts = [f.get(w("ascii")) or f.get(w("hAnsi")) or "" for source in sources
             for f in source.iterfind(f"{w('rPr')}/{w('rFonts')}")]
    font = next((f for f in fonts if f), "")
    margins = sum(_cell_margin(table, sides) for sides in (("left", "start"), ("right", "end")))
    return TableText(max(sizes, default=_FALLBACK_SIZE) * 10, _WIDE_FONTS.get(font.casefold(), 1.0), margins)


def _chain(styles: Element, kind: str, style_id: str | None) -> list[Element]:
    """The style ``style_id`` of ``kind`` (None: the default one) and the styles it is based on."""
    by_id = {s.get(w("styleId"), ""): s for s in styles.iter(w("style")) if s.get(w("type")) == kind}
    if style_id is None:
        style_id = next((i for i, s in by_id.items() if s.get(w("default")) in ("1", "true", "on")), "")
    chain: list[Element] = []
    while style_id in by_id and by_id[style_id] not in chain:
        chain.append(by_id[style_id])
        based = by_id[style_id].find(w("basedOn"))
        style_id = based.get(w("val"), "") if based is not None else ""
    return chain


def _cell_margin(chain: list[Element], sides: tuple[str, ...]) -> int:
    for style in chain:
        for side in sides:
            margin = style.find(f"{w('tblPr')}/{w('tblCellMar')}/{w(side)}")
            value = margin.get(w("w"), "") if margin is not None else ""
            if value.isdigit() and margin is not None and margin.get(w("type"), "dxa") == "dxa":
                return min(int(value), 1440)
    return _FALLBACK_CELL_MARGIN


# --- how wide text runs, and the page ---------------------------------------------------------

# Advance widths in em of Arial (and the metric-compatible Liberation Sans), in classes, rounded up;
# anything else ASCII is 0.556 em (digits, most lowercase letters).
_EM_CLASSES = ((0.23, "ijl|"), (0.28, " !,./:;I[\\]`'ft"), (0.34, '"()*-r{}'), (0.5, "cksvxyzJ"),
               (0.67, "ABEFKPSTVXYZ&"), (0.78, "CDGHNOQRUw"), (0.84, "mM%"), (1.0, "W@"))
_EM = {char: em for em, chars in _EM_CLASSES for char in chars}
# Beyond ASCII: the spaces amounts are written with ("€\u00a01.700,00"), and common punctuation.
_OTHER_EM = {**dict.fromkeys("\u00a0\u2009\u202f", 0.28), **dict.fromkeys("€–‘’‚“”„•", 0.56)}
_BOLD = 1.1  # bold runs about a tenth wider
_SAFETY = 1.05  # rounding, kerning
_BREAKS = re.compile("[ \t\n\u2009]+")  # where a line may break (not at a no-break space)
_DIGIT_EM = 0.55  # at least this per character of an amount: digits are 0.5 to 0.56 em in office fonts


def line_em(text: str, bold: bool) -> float:
    """Width of the longest line of ``text`` set on one line, in em (an estimate on the wide side)."""
    factor = _SAFETY * (_BOLD if bold else 1.0)
    return max(sum(map(_char_em, line)) for line in text.split("\n")) * factor


def longest_word_em(text: str, bold: bool) -> float:
    """Width of the longest word of ``text``: narrower than that, a column breaks words. Words end
    at spaces, tabs and line breaks, not at a no-break space ("€\u00a01.700,00" is one word)."""
    return max((line_em(word, bold) for word in _BREAKS.split(text) if word), default=0.0)


def amount_em(text: str, bold: bool) -> float:
    """Width of an amount or number: as ``line_em``, but never under 0.55 em per character."""
    return max(max(line_em(line, bold), _DIGIT_EM * len(line)) for line in text.split("\n"))


@functools.lru_cache(maxsize=4096)
def _char_em(char: str) -> float:
    base = unicodedata.normalize("NFD", char)[:1]  # "ë" is as wide as "e"
    if base.isascii():
        return _EM.get(base, 0.56)
    return _OTHER_EM.get(char, 1.0)  # other scripts and symbols: a full em, to be safe


def section_width(sect_pr: Element | None) -> int:
    """Text width of a section in twips: page minus margins and gutter (one column's worth)."""
    def number(tag: str, attribute: str, default: str = "") -> int | None:
        found = sect_pr.find(w(tag)) if sect_pr is not None else None
        value = found.get(w(attribute), default) if found is not None else default
        return int(value) if value.isdigit() else None

    page, left, right = number("pgSz", "w"), number("pgMar", "left"), number("pgMar", "right")
    if page is None or left is None or right is None:
        return _DEFAULT_WIDTH_TWIPS
    width = page - left - right - (number("pgMar", "gutter", "0") or 0)
    columns, space = number("cols", "num", "1") or 1, number("cols", "space", "720") or 0
    if 1 < columns <= 45:
        width = (width - (columns - 1) * space) // columns
    return width if 1440 <= width <= 31680 else _DEFAULT_WIDTH_TWIPS


# --- list numbering ---------------------------------------------------------------------------


def list_numbering(document: DocxDocument, *, ordered: bool) -> str:
    """The ``numId`` for a new list: bullets share one instance, each numbered list restarts at 1."""
    numbering = _numbering_root(document, create=True)
    assert numbering is not None
    abstract_id = next((a for a, o in _our_abstracts(numbering).items() if o == ordered), None)
    if abstract_id is None:
        abstract_id = _add_abstract(numbering, ordered=ordered)
    if not ordered:
        for num in numbering.iter(w("num")):
            ref = num.find(w("abstractNumId"))
            if ref is not None and ref.get(w("val")) == abstract_id:
                return str(num.get(w("numId"), ""))
    return _add_num(numbering, abstract_id, restart=ordered)


def drop_unused_lists(document: DocxDocument) -> None:
    """Remove our list instances that the document no longer uses (keeps reruns from piling up)."""
    numbering = _numbering_root(document, create=False)
    if numbering is None:
        return
    ours = _our_abstracts(numbering)
    used = {n.get(w("val")) for n in document.element.iter(w("numId"))}
    for num in list(numbering.iter(w("num"))):
        abstract = num.find(w("abstractNumId"))
        if abstract is not None and abstract.get(w("val")) in ours and num.get(w("numId")) not in used:
            numbering.remove(num)


def _numbering_root(document: DocxDocument, *, create: bool) -> Element | None:
    part = document.part
    try:
        return cast(XmlPart, part.part_related_by(RT.NUMBERING)).element
    except KeyError:
        if not create:
            return None
    blob = f'<w:numbering xmlns:w="{W}"/>'.encode()
    used = {str(p.partname) for p in part.package.iter_parts()}
    partname = PackURI("/word/numbering.xml") if "/word/numbering.xml" not in used else \
        part.package.next_partname("/word/numbering%d.xml")
    numbering = NumberingPart.load(partname, CT.WML_NUMBERING, blob, part.package)
    part.relate_to(numbering, RT.NUMBERING)
    return numbering.element


def _our_abstracts(numbering: Element) -> dict[str, bool]:
    """abstractNumId -> ordered, for the list definitions this module added earlier."""
    found = {}
    for abstract in numbering.iter(w("abstractNum")):
        name = abstract.find(w("name"))
        value = name.get(w("val")) if name is not None else None
        if value in _OUR_LISTS:
            found[abstract.get(w("abstractNumId"), "")] = _OUR_LISTS[value]
    return found


def _next_id(numbering: Element, tag: str, attribute: str) -> str:
    ids = [int(v) for e in numbering.iter(w(tag)) if (v := e.get(w(attribute), "")).isdigit()]
    return str(max(ids, default=0) + 1)


def _add_abstract(numbering: Element, *, ordered: bool) -> str:
    abstract_id = _next_id(numbering, "abstractNum", "abstractNumId")
    abstract = el("w:abstractNum", abstractNumId=abstract_id)
    sub(abstract, "w:multiLevelType", val="singleLevel")
    sub(abstract, "w:name", val="toolbox-docs-number" if ordered else "toolbox-docs-bullet")
    lvl = sub(abstract, "w:lvl", ilvl="0")
    sub(lvl, "w:start", val="1")
    sub(lvl, "w:numFmt", val="decimal" if ordered else "bullet")
    sub(lvl, "w:lvlText", val="%1." if ordered else "\u2022")
    sub(lvl, "w:lvlJc", val="left")
    sub(sub(lvl, "w:pPr"), "w:ind", left="360", hanging="360")
    first_num = numbering.find(w("num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        _append_before(numbering, abstract, "numIdMacAtCleanup")
    return abstract_id


def _add_num(numbering: Element, abstract_id: str, *, restart: bool) -> str:
    num_id = _next_id(numbering, "num", "numId")
    num = el("w:num", numId=num_id)
    sub(num, "w:abstractNumId", val=abstract_id)
    if restart:
        sub(sub(num, "w:lvlOverride", ilvl="0"), "w:startOverride", val="1")
    _append_before(numbering, num, "numIdMacAtCleanup")
    return num_id


def _append_before(parent: Element, child: Element, successor: str) -> None:
    after = parent.find(w(successor))
    if after is not None:
        after.addprevious(child)
    else:
        parent.append(child)
