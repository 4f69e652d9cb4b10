"""Where the participatieparagraaf goes in a Word document, and how the old content is taken out.

Works on the lxml tree of ``word/document.xml`` (python-docx has no API for content controls or
bookmarks). Three kinds of anchor, in this order of preference:

1. a content control (``w:sdt``) whose tag is the anchor name;
2. a bookmark with the anchor name;
3. a heading paragraph reading "Participatie" in a built-in heading style; its section (up to the next
   heading of the same or a higher level) is replaced, the heading itself stays.

Several anchors of the winning kind, or none at all, are refused with a Dutch message. Styles are
recognised by their built-in ``w:name`` ("heading 1"), never by a localised style id ("Kop1").
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

from lxml import etree

from toolbox_docs.errors import DocumentError

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"

Element: TypeAlias = etree._Element
Mode = Literal["blocks", "runs", "text", "plain-paragraph"]


def w(tag: str) -> str:
    """Clark name of a WordprocessingML element or attribute."""
    return f"{{{W}}}{tag}"


_HEADING_NAME = re.compile(r"heading\s*([1-9])")
_BLOCK_CONTAINERS = {w("body"), w("tc"), w("txbxContent"), w("comment"), w("footnote"), w("endnote")}
_INLINE_PARENTS = {w("p"), w("hyperlink"), w("smartTag"), w("fldSimple"), w("ins"), w("del"),
                   w("moveFrom"), w("moveTo"), w("customXml"), w("sdtContent"), w("r")}
# Range markup that pairs up across the document: kept when the content around it is replaced.
_MARKERS = {w(name) for name in ("bookmarkStart", "bookmarkEnd", "commentRangeStart", "commentRangeEnd",
                                 "moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart",
                                 "moveToRangeEnd", "permStart", "permEnd")}
# Content control kinds that cannot hold paragraphs, lists and tables.
_UNSUPPORTED_CONTROLS = {
    w("comboBox"): "een keuzelijst", w("dropDownList"): "een vervolgkeuzelijst",
    w("date"): "een datumkiezer", w("picture"): "een afbeelding", w("citation"): "een bronvermelding",
    w("bibliography"): "een bibliografie", w("equation"): "een vergelijking", w("group"): "een groep",
    w("docPartObj"): "een bouwsteen", w("docPartList"): "een bouwsteengalerie",
    f"{{{W14}}}checkbox": "een selectievakje", f"{{{W15}}}repeatingSection": "een herhalende sectie",
}

ADD_ANCHOR = "Voeg een inhoudsbesturingselement met label 'participatie' toe, of een kop 'Participatie'."


# --- styles -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StyleIndex:
    """The document's styles by built-in name and the heading level of each paragraph style."""

    ids: dict[tuple[str, str], str]
    levels: dict[str, int]
    default_paragraph: str | None

    @classmethod
    def of(cls, styles: Element | None) -> StyleIndex:
        if styles is None:
            return cls({}, {}, None)
        by_id = {s.get(w("styleId"), ""): s for s in styles.iter(w("style"))}
        ids: dict[tuple[str, str], str] = {}
        default = None
        for style_id, style in by_id.items():
            kind = style.get(w("type"), "paragraph")
            ids.setdefault((kind, _style_name(style)), style_id)
            if kind == "paragraph" and style.get(w("default")) in ("1", "true", "on"):
                default = style_id
        levels = {sid: lvl for sid in by_id if (lvl := _style_level(sid, by_id)) is not None}
        return cls(ids, levels, default)

    def find(self, kind: str, name: str) -> str | None:
        """The style id of the built-in style ``name`` ("heading 2", "table grid") of ``kind``."""
        return self.ids.get((kind, name.casefold()))

    def paragraph_level(self, p: Element) -> int | None:
        """Heading level 1..9 of a paragraph (direct outline level, else its style's), or None."""
        ppr = p.find(w("pPr"))
        if ppr is not None:
            outline = _outline_level(ppr)
            if outline is not None:
                return outline or None
            style = ppr.find(w("pStyle"))
            if style is not None:
                return self.levels.get(style.get(w("val"), ""))
        return self.levels.get(self.default_paragraph or "")


def _style_name(style: Element) -> str:
    name = style.find(w("name"))
    return " ".join((name.get(w("val"), "") if name is not None else "").split()).casefold()


def _outline_level(ppr: Element | None) -> int | None:
    """1..9 for an outline level 0..8, 0 for "body text" (9), None when not given."""
    outline = ppr.find(w("outlineLvl")) if ppr is not None else None
    if outline is None:
        return None
    try:
        value = int(outline.get(w("val"), "9"))
    except ValueError:
        return None
    return value + 1 if 0 <= value <= 8 else 0


def _style_level(style_id: str, by_id: dict[str, Element]) -> int | None:
    seen: set[str] = set()
    while style_id in by_id and style_id not in seen:
        seen.add(style_id)
        style = by_id[style_id]
        outline = _outline_level(style.find(w("pPr")))
        if outline is not None:
            return outline or None
        match = _HEADING_NAME.fullmatch(_style_name(style))
        if match:
            return int(match.group(1))
        based = style.find(w("basedOn"))
        style_id = based.get(w("val"), "") if based is not None else ""
    return None


# --- the anchor -------------------------------------------------------------------------------


@dataclass
class Site:
    """Where new content goes: at ``index`` in ``parent`` once ``removed`` is taken out.

    ``mode`` says what fits there: block content, runs (inside a paragraph), plain text (inside a
    paragraph), or one paragraph of plain text (a block-level plain-text control).
    Headings are written at ``base_level`` + their own level and must stay deeper than ``floor``.
    """

    parent: Element
    index: int
    removed: list[Element]
    mode: Mode = "blocks"
    base_level: int = 1
    floor: int = 0
    control: Element | None = None
    bookmark: tuple[Element, Element | None] | None = None
    multiline: bool = True
    markers: list[Element] = field(default_factory=list)


def find_site(body: Element, styles: StyleIndex, anchor: str, *, single_paragraph: bool) -> Site:
    """The one anchor in ``body``; refuses none (``no-anchor``) or several (``anchor-ambiguous``)."""
    name = anchor.casefold()
    controls = [sdt for sdt in _visible(body, "sdt") if _sdt_tag(sdt) == name]
    if controls:
        _only_one(controls, f"inhoudsbesturingselementen met label '{anchor}'")
        return _control_site(controls[0], body, styles, single_paragraph=single_paragraph)
    marks = [b for b in _visible(body, "bookmarkStart") if b.get(w("name"), "").casefold() == name]
    if marks:
        _only_one(marks, f"bladwijzers met de naam '{anchor}'")
        return _bookmark_site(marks[0], body, styles)
    headings = [(p, level) for p, level in _headings(body, styles) if _text(p) == name]
    if headings:
        _only_one(headings, f"koppen '{anchor.capitalize()}'")
        return _heading_site(*headings[0], styles)
    raise DocumentError("no-anchor", "Het document heeft geen plek voor de participatieparagraaf. "
                        f"{ADD_ANCHOR}")


def _only_one(found: Sequence[object], what: str) -> None:
    if len(found) > 1:
        raise DocumentError("anchor-ambiguous", f"Het document heeft {len(found)} {what}; er mag er maar één "
                            "zijn. Verwijder de overbodige zodat duidelijk is waar de participatieparagraaf "
                            "komt.")


def _visible(body: Element, tag: str) -> Iterator[Element]:
    """Elements ``tag`` in the body, leaving out fallback copies (mc:Fallback) of drawings."""
    for element in body.iter(w(tag)):
        if not any(a.tag == f"{{{MC}}}Fallback" for a in element.iterancestors()):
            yield element


def _sdt_tag(sdt: Element) -> str:
    tag = sdt.find(f"{w('sdtPr')}/{w('tag')}")
    return tag.get(w("val"), "").strip().casefold() if tag is not None else ""


_TEXTS = etree.XPath(".//w:t[not(ancestor::w:txbxContent)]/text()", namespaces={"w": W})


def _text(p: Element) -> str:
    texts = _TEXTS(p)
    return " ".join("".join(texts).split()).casefold()


def _headings(body: Element, styles: StyleIndex) -> Iterator[tuple[Element, int]]:
    for p in _visible(body, "p"):
        level = styles.paragraph_level(p)
        if level is not None and not any(a.tag == w("txbxContent") for a in p.iterancestors()):
            yield p, level


def _level_before(target: Element, body: Element, styles: StyleIndex) -> int:
    """Level of the nearest heading before ``target`` in document order (1 when there is none)."""
    level = 1
    for element in body.iter(w("p"), target.tag):
        if element is target:
            break
        if element.tag == w("p"):
            found = styles.paragraph_level(element)
            level = found if found is not None else level
    return level


def _is_block_container(element: Element | None) -> bool:
    if element is None:
        return False
    if element.tag in _BLOCK_CONTAINERS:
        return True
    if element.tag == w("sdtContent"):
        sdt = element.getparent()
        return sdt is not None and _is_block_container(sdt.getparent())
    if element.tag == w("customXml"):
        return _is_block_container(element.getparent())
    return False


# --- content controls -------------------------------------------------------------------------


def _control_site(sdt: Element, body: Element, styles: StyleIndex, *, single_paragraph: bool) -> Site:
    sdt_pr = sdt.find(w("sdtPr"))
    _refuse_unsupported_control(sdt_pr)
    plain = sdt_pr is not None and sdt_pr.find(w("text")) is not None
    content = _content(sdt)
    level = _level_before(sdt, body, styles)
    parent = sdt.getparent()
    multiline = _multiline(sdt_pr) if plain else True
    if _is_block_container(parent):
        if plain and not single_paragraph:
            raise _plain_text_refusal()
        mode: Mode = "plain-paragraph" if plain else "blocks"
        return Site(content, 0, list(content), mode=mode, base_level=level, control=sdt, multiline=multiline)
    if parent is None or parent.tag in (w("tbl"), w("tr")):
        raise DocumentError("anchor-unsupported", "Het inhoudsbesturingselement 'participatie' omvat rijen "
                            f"of cellen van een tabel; daar past geen participatieparagraaf. {ADD_ANCHOR}")
    host = next((a for a in sdt.iterancestors(w("p"))), None)
    if host is not None and not plain and _only_content(host, sdt):
        return _promote(sdt, host, level)
    if not single_paragraph:
        raise _plain_text_refusal() if plain else DocumentError(
            "anchor-unsupported", "Het inhoudsbesturingselement 'participatie' staat midden in een alinea; "
            "daar passen geen lijsten, tabellen of meerdere alinea's. Zet het op een eigen regel of gebruik "
            "een kop 'Participatie'.")
    return Site(content, 0, list(content), mode="text" if plain else "runs", base_level=level, control=sdt,
                multiline=multiline)


def _multiline(sdt_pr: Element | None) -> bool:
    flag = sdt_pr.find(w("text")) if sdt_pr is not None else None
    return flag is not None and flag.get(w("multiLine"), "0") in ("1", "true", "on")


def _refuse_unsupported_control(sdt_pr: Element | None) -> None:
    for child in sdt_pr if sdt_pr is not None else ():
        kind = _UNSUPPORTED_CONTROLS.get(child.tag)
        if kind:
            raise DocumentError("anchor-unsupported", "Het inhoudsbesturingselement 'participatie' is "
                                f"{kind}; daarin past geen tekst. Gebruik een element 'Tekst met opmaak' "
                                "of een kop 'Participatie'.")


def _plain_text_refusal() -> DocumentError:
    return DocumentError("anchor-unsupported", "Het inhoudsbesturingselement 'participatie' is van het soort "
                         "'Tekst zonder opmaak'; daarin passen geen lijsten, tabellen of meerdere alinea's. "
                         "Vervang het door een element 'Tekst met opmaak' op een eigen regel.")


def _content(sdt: Element) -> Element:
    content = sdt.find(w("sdtContent"))
    if content is None:
        content = etree.SubElement(sdt, w("sdtContent"))
    return content


def _only_content(host: Element, sdt: Element) -> bool:
    """Whether ``sdt`` is all that is visible in paragraph ``host`` (the rest is empty or markers)."""
    for element in host.iter():
        if element is sdt:
            continue
        if any(a is sdt for a in element.iterancestors()):
            continue
        if element.tag == w("t") and (element.text or "").strip():
            return False
        if element.tag in (w("drawing"), w("pict"), w("object"), w("fldChar"), w("fldSimple"), w("tab"),
                           w("sym"), w("footnoteReference"), w("endnoteReference")):
            return False
    return True


def _promote(sdt: Element, host: Element, level: int) -> Site:
    """Turn a rich-text control that fills its paragraph into a block-level control in its place."""
    container = host.getparent()
    assert container is not None
    block = etree.Element(w("sdt"))
    for child in list(sdt):
        if child.tag != w("sdtContent"):
            block.append(child)
    content = etree.SubElement(block, w("sdtContent"))
    markers = _markers_in([host], exclude=())
    container.replace(host, block)
    return Site(content, 0, [], base_level=level, control=block, markers=markers)


# --- bookmarks --------------------------------------------------------------------------------


def _bookmark_site(start: Element, body: Element, styles: StyleIndex) -> Site:
    """The blocks the bookmark covers are replaced; a block it covers only in part (a bookmark of no length
    at the end of a sentence, or one around a few words) is kept whole, and the new content goes beside it:
    a bookmark of any shape never removes a person's text outside it."""
    end = _bookmark_end(start, body)
    container, first, last = _bookmark_range(start, end)
    children = list(container)
    lo, hi = children.index(first), children.index(last)
    before = _content_beside(first, start, after=False)
    after = _content_beside(last, end if end is not None else start, after=True)
    removed = [c for c in children[lo:hi + 1] if c is not start and c is not end]
    index = lo
    if first is last and (before or after):
        removed = []
        index = lo + 1 if before else lo  # after the text that precedes the mark, else before the text after it
    else:
        if before:
            removed = [c for c in removed if c is not first]
            index = lo + 1
        if after:
            removed = [c for c in removed if c is not last]
    level = _level_before(start, body, styles)
    return Site(container, index, removed, base_level=level, bookmark=(start, end))


_CONTENT = {w("drawing"), w("pict"), w("object"), w("fldChar"), w("fldSimple"), w("tab"), w("sym"), w("br"),
            w("footnoteReference"), w("endnoteReference"), w("tbl")}


def _content_beside(block: Element, mark: Element, *, after: bool) -> bool:
    """Whether ``block`` holds a person's content before (or ``after``) ``mark`` in document order."""
    if block is mark:
        return False
    seen = False
    ancestors = {id(a) for a in mark.iterancestors()}
    for element in block.iter():
        if element is mark:
            seen = True
            if not after:
                return False
            continue
        if after != seen or id(element) in ancestors:
            continue
        if element.tag == w("t") and (element.text or "").strip():
            return True
        if element.tag in _CONTENT:
            return True
    return False


def _bookmark_end(start: Element, body: Element) -> Element | None:
    ident = start.get(w("id"))
    started = False
    for element in body.iter(w("bookmarkStart"), w("bookmarkEnd")):
        if element is start:
            started = True
        elif started and element.tag == w("bookmarkEnd") and element.get(w("id")) == ident:
            return element
    return None


def _bookmark_range(start: Element, end: Element | None) -> tuple[Element, Element, Element]:
    """The block container holding the bookmark and its first and last child inside the range."""
    chain = [start, *start.iterancestors()]
    end_chain = [end, *end.iterancestors()] if end is not None else []
    end_set = {id(e) for e in end_chain}
    for depth, element in enumerate(chain[1:], start=1):
        if _is_block_container(element) and (end is None or id(element) in end_set):
            first = chain[depth - 1]
            last = end_chain[end_chain.index(element) - 1] if end is not None else first
            if list(element).index(last) < list(element).index(first):
                last = first
            return element, first, last
    raise DocumentError("anchor-unsupported", "De bladwijzer 'participatie' staat op een plek waar geen "
                        "alinea's kunnen staan. " + ADD_ANCHOR)


# --- headings ---------------------------------------------------------------------------------


def _heading_site(heading: Element, level: int, styles: StyleIndex) -> Site:
    container = heading.getparent()
    assert container is not None
    removed: list[Element] = []
    for sibling in heading.itersiblings():
        if _ends_section(sibling, level, styles):
            break
        removed.append(sibling)
    return Site(container, container.index(heading) + 1, removed, base_level=level, floor=level)


def _ends_section(element: Element, level: int, styles: StyleIndex) -> bool:
    if element.tag == w("sectPr") or element.find(f"{w('pPr')}/{w('sectPr')}") is not None:
        return True
    if element.tag == w("p"):
        found = styles.paragraph_level(element)
        return found is not None and found <= level
    if element.tag in (w("sdt"), w("customXml")):
        return any(_ends_section(p, level, styles) for p in element.iter(w("p"))
                   if not any(a.tag == w("txbxContent") for a in p.iterancestors()))
    return False


# --- splicing ---------------------------------------------------------------------------------


def _markers_in(elements: list[Element], exclude: tuple[Element | None, ...]) -> list[Element]:
    found = []
    for element in elements:
        for node in element.iter(*_MARKERS):
            if not any(node is e for e in exclude):
                found.append(node)
    return found


def take_out(site: Site) -> None:
    """Remove the old content, keeping range markers (other bookmarks, comments) for later."""
    exclude = site.bookmark or ()
    site.markers.extend(_markers_in(site.removed, exclude))
    for element in (*site.removed, *exclude):
        parent = element.getparent() if element is not None else None
        if parent is not None:
            parent.remove(element)


def put_in(site: Site, new: list[Element]) -> None:
    """Insert ``new`` at the site; kept markers (and the anchor's bookmark) go around it."""
    site.parent[site.index:site.index] = new
    leading = [site.bookmark[0]] if site.bookmark is not None else []
    leading.extend(site.markers)
    trailing = [site.bookmark[1]] if site.bookmark is not None and site.bookmark[1] is not None else []
    for marker in (*leading, *trailing):
        marker.tail = None
    if not new:
        site.parent[site.index:site.index] = leading + trailing
        return
    _attach(site.parent, new[0], leading, at_start=True)
    _attach(site.parent, new[-1], trailing, at_start=False)


def _attach(parent: Element, target: Element, markers: list[Element], *, at_start: bool) -> None:
    """Put markers inside the first/last new paragraph, or next to a new table as block-level markup."""
    if not markers:
        return
    if target.tag == w("p"):
        position = (1 if target.find(w("pPr")) is not None else 0) if at_start else len(target)
        target[position:position] = markers
        return
    position = parent.index(target) + (0 if at_start else 1)
    parent[position:position] = markers
