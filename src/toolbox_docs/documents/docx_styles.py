"""The document's style and numbering definitions, as the Word writer reads and extends them.

Styles are looked up by built-in name through ``docx_anchor.StyleIndex`` ("heading 2" is found also
when its id is "Kop2"); what is missing is added here: a built-in "heading N" definition, and list
definitions of our own (named ``toolbox-docs-bullet`` and ``toolbox-docs-number``, so a rerun finds
and reuses them instead of piling up new ones). Also the small element builders every part of the
writer uses (``el``, ``sub``): python-docx element classes, so runs and paragraphs keep their helpers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml.parser import OxmlElement
from docx.parts.numbering import NumberingPart

from toolbox_docs.documents.docx_anchor import Element, W, w

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

_OUR_LISTS = {"toolbox-docs-bullet": False, "toolbox-docs-number": True}


# --- building elements ------------------------------------------------------------------------


def el(tag: str, **attributes: str) -> Element:
    """A new WordprocessingML element ("w:p") with ``w:``-attributes."""
    element = OxmlElement(tag)
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
