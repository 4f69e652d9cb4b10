"""The Word adapter: writes blocks into a proposal at its anchor, and builds generated documents.

Bytes in, bytes out: no file system (except reading the shipped ``plan-basis.docx`` when no base is
given), no clock (zip entries get a fixed timestamp, so equal input gives equal bytes). Every file first
passes ``ooxml.open_package`` and ``check_all_xml``; anything python-docx or lxml trips over after that
becomes ``DocumentError("damaged", ...)``, never a traceback.

Refusal codes (``DocumentError.code``): from ``ooxml``: empty, too-large, encrypted, legacy-doc,
legacy-xls, not-office, strict-ooxml, hostile, macro, wrong-kind, damaged; from the anchor search
(``docx_anchor``): no-anchor, anchor-ambiguous, anchor-unsupported; and damaged for a file python-docx
cannot read or that does not re-open after writing.

Blocks are mapped onto the document's own styles, looked up by built-in name ("heading 2", "Table
Grid", "List Bullet"), so a Dutch template with style ids "Kop2" and "Tabelraster" is served as well.
Missing heading styles are added as built-in definitions; lists always get a numbering definition of
our own (so bullets show whatever the template's "List Bullet" style does); tables without "Table
Grid" get explicit borders.

Decisions worth knowing:

* The write is a direct edit, never a tracked revision, also when the document tracks changes:
  revisions elsewhere stay pending; revisions inside the replaced section go with the old content.
* Document protection (read-only, forms, ...) is left as it is and not enforced against us: the
  template's author protects the fixed text, the anchor is where the toolbox is meant to write.
* A content control inside a paragraph is turned into a block-level control when it is a rich-text
  control and the only thing in its paragraph (what Word makes on an empty line); otherwise it takes
  a single paragraph of text, and anything more is refused (``anchor-unsupported``), as are date,
  list, picture and similar controls. A plain-text control takes text only (one unformatted run).
  On the anchor control, the placeholder flag, a data binding (Word would put the bound value back)
  and "temporary" (Word would drop the control, and the anchor for the next run) are removed.
* A .dotx comes back as a .docx (the main part's content type is changed; nothing else).
* "\\r\\n" and "\\r" become a line break, like "\\n"; characters XML 1.0 forbids are dropped.
"""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, cast

from docx import Document as load_docx
from docx.image.image import Image as DocxImage
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.opc.parts.coreprops import CorePropertiesPart
from docx.oxml.parser import OxmlElement
from docx.parts.numbering import NumberingPart
from docx.shared import Cm
from lxml import etree

from toolbox_docs import ooxml
from toolbox_docs.documents.blocks import Block, BulletList, Heading, Image, Paragraph, Run, Table
from toolbox_docs.documents.docx_anchor import Element, Site, StyleIndex, W, find_site, put_in, take_out, w
from toolbox_docs.errors import DocumentError
from toolbox_docs.settings import Limits

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

NO_IMAGES: Mapping[str, bytes] = MappingProxyType({})
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_INVALID_XML = re.compile("[^\t\n\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_PIECES = re.compile(r"(\n|\t)")
_OUR_LISTS = {"toolbox-docs-bullet": False, "toolbox-docs-number": True}
_DEFAULT_WIDTH_TWIPS = 9072  # A4 with 2.5 cm margins
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


# --- public API -------------------------------------------------------------------------------


def write_section(docx: bytes, blocks: Sequence[Block], *, limits: Limits,
                  images: Mapping[str, bytes] = NO_IMAGES, anchor: str = "participatie") -> bytes:
    """The proposal ``docx`` with ``blocks`` at its anchor, as a .docx (also when given a .dotx).

    Raises ``DocumentError`` for a file that cannot take the paragraph (see the module docstring for
    the codes) and ``ValueError`` for blocks the caller got wrong (an image without its picture).
    """
    if not anchor.strip():
        raise ValueError("the anchor name must not be empty")
    _check_blocks(blocks, images)
    document = _open(docx, limits)
    try:
        body = _body(document)
        styles = StyleIndex.of(_styles_root(document))
        single = len(blocks) == 1 and isinstance(blocks[0], Paragraph)
        site = find_site(body, styles, anchor, single_paragraph=single)
        _fill(_Context(document, styles, site, images), blocks)
        if site.control is not None:
            _settle_control(site.control)
        return _verified(_save(document))
    except DocumentError:
        raise
    except Exception as error:
        raise _damaged() from error


def build_document(blocks: Sequence[Block], *, limits: Limits, images: Mapping[str, bytes] = NO_IMAGES,
                   base: bytes | None = None, title: str, language: str = "nl-NL") -> bytes:
    """A new document (participatieplan, evaluation report) from ``base`` or ``plan-basis.docx``.

    Keeps the base's styles, header, footer and any non-empty body content, drops its empty paragraphs,
    and appends the title ("Title" style, else "heading 1") and the blocks (``Heading(level=1)`` is
    "heading 1"). Sets the default language of the styles and the core properties' title and language.
    """
    _check_blocks(blocks, images)
    document = _open(base if base is not None else _plan_base(), limits)
    try:
        body = _body(document)
        _set_language(document, language)
        _set_core(document, title=clean_text(title), language=language)
        _drop_empty_paragraphs(body)
        end = len(body) - 1 if len(body) and body[-1].tag == w("sectPr") else len(body)
        site = Site(body, end, [], base_level=0)
        context = _Context(document, StyleIndex.of(_styles_root(document)), site, images)
        _fill(context, blocks, title=clean_text(title))
        return _verified(_save(document))
    except DocumentError:
        raise
    except Exception as error:
        raise _damaged() from error


def clean_text(text: str) -> str:
    """Text that is valid in XML 1.0 with line ends as "\\n" (emoji and right-to-left text unchanged)."""
    return _INVALID_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


# --- opening, saving, checking ------------------------------------------------------------------


def _damaged() -> DocumentError:
    return DocumentError("damaged", "Het Word-document kon niet worden verwerkt: het is beschadigd of "
                         "gebruikt onderdelen die we niet kunnen lezen. Open het in Word, sla het opnieuw "
                         "op als Word-document (.docx) en probeer het opnieuw.")


def _check_blocks(blocks: Sequence[Block], images: Mapping[str, bytes]) -> None:
    """Programming errors of the caller are ValueErrors, not the document's fault."""
    for block in blocks:
        if not isinstance(block, Heading | Paragraph | BulletList | Table | Image):
            raise ValueError(f"not a block: {block!r}")
        if isinstance(block, Image):
            if block.name not in images:
                raise ValueError(f"no picture given for image block {block.name!r}")
            try:
                DocxImage.from_blob(images[block.name])
            except Exception as error:
                raise ValueError(f"picture {block.name!r} is not a readable image") from error


def _open(data: bytes, limits: Limits) -> DocxDocument:
    package = ooxml.open_package(data, limits=limits, error_type=DocumentError,
                                 expect={ooxml.DOCX, ooxml.DOTX})
    try:
        package.check_all_xml()
        if package.main_type == ooxml.DOTX:
            data = _as_document(package)
    finally:
        package.close()
    try:
        return load_docx(io.BytesIO(data))
    except Exception as error:
        raise _damaged() from error


def _as_document(package: ooxml.Package) -> bytes:
    """The package with its main part declared a document instead of a template (.dotx -> .docx)."""
    types = etree.fromstring(package.read(ooxml.CONTENT_TYPES), _SAFE_PARSER)
    name = "/" + package.main_part
    override = next((o for o in types if (o.get("PartName") or "").lower() == name.lower()), None)
    if override is None:
        override = etree.SubElement(types, f"{{{ooxml.NS_CT}}}Override", PartName=name)
    override.set("ContentType", ooxml.DOCX)
    members = {info.filename: package.read(info.filename) for info in package.archive.infolist()}
    members[ooxml.CONTENT_TYPES] = etree.tostring(types, xml_declaration=True, encoding="UTF-8",
                                                  standalone=True)
    return _zip(members)


def _zip(members: Mapping[str, bytes]) -> bytes:
    """A zip with fixed timestamps, so the same document always gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name, _ZIP_TIME), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _save(document: DocxDocument) -> bytes:
    raw = io.BytesIO()
    document.save(raw)
    with zipfile.ZipFile(raw) as archive:
        return _zip({info.filename: archive.read(info) for info in archive.infolist()})


def _verified(data: bytes) -> bytes:
    try:
        load_docx(io.BytesIO(data))
    except Exception as error:
        raise _damaged() from error
    return data


def _body(document: DocxDocument) -> Element:
    body = document.element.find(w("body"))
    if body is None:
        raise _damaged()
    return body


def _plan_base() -> bytes:
    from toolbox_docs.resources import templates_dir

    return (templates_dir() / "plan-basis.docx").read_bytes()


# --- filling the site -------------------------------------------------------------------------


@dataclass
class _Context:
    document: DocxDocument
    styles: StyleIndex
    site: Site
    images: Mapping[str, bytes]
    next_shape_id: int = 0


def _fill(context: _Context, blocks: Sequence[Block], *, title: str = "") -> None:
    site = context.site
    old_targets = _relationship_ids(site.removed)
    take_out(site)
    _drop_unused_lists(context.document)
    context.next_shape_id = context.document.part.next_id
    lead = [_title(context, title)] if title else []
    put_in(site, lead + _render(context, blocks))
    _drop_orphan_images(context.document, old_targets)


def _render(context: _Context, blocks: Sequence[Block]) -> list[Element]:
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


def _space_before(p: Element) -> None:
    """Some air between a table and the paragraph under it (instead of an empty paragraph)."""
    ppr = p.find(w("pPr"))
    if ppr is None:
        ppr = _el("w:pPr")
        p.insert(0, ppr)
    if ppr.find(w("spacing")) is None:
        ppr.insert_element_before(_el("w:spacing", before="160"), "w:ind", "w:contextualSpacing", "w:jc",
                                  "w:outlineLvl", "w:rPr", "w:sectPr", "w:pPrChange")


def _render_block(context: _Context, block: Block) -> list[Element]:
    if isinstance(block, Heading):
        return [_heading(context, block)]
    if isinstance(block, Paragraph):
        return [_paragraph(_runs(block.runs))]
    if isinstance(block, BulletList):
        return _list(context, block)
    if isinstance(block, Table):
        return _table(context, block)
    return [_image(context, block)]


def _settle_control(sdt: Element) -> None:
    """The control now shows real content: no placeholder flag, no data binding that would overwrite
    it, and not "temporary" (Word would drop the control, and with it the anchor for the next run)."""
    sdt_pr = sdt.find(w("sdtPr"))
    if sdt_pr is None:
        return
    for child in list(sdt_pr):
        if etree.QName(child).localname in ("showingPlcHdr", "dataBinding", "temporary"):
            sdt_pr.remove(child)


def _relationship_ids(elements: list[Element]) -> set[str]:
    return {value for element in elements for node in element.iter()
            for key, value in node.attrib.items() if key.startswith(f"{{{R_NS}}}")}


def _drop_orphan_images(document: DocxDocument, candidates: set[str]) -> None:
    """Forget pictures of the old content that nothing refers to any more (by any attribute)."""
    part = document.part
    still_used = {value for node in document.element.iter() for value in node.attrib.values()}
    for rel_id in candidates - still_used:
        rel = part.rels.get(rel_id)
        if rel is not None and rel.reltype == RT.IMAGE:
            del part.rels[rel_id]


# --- paragraphs and runs ----------------------------------------------------------------------


def _el(tag: str, **attributes: str) -> Element:
    element = OxmlElement(tag)
    for key, value in attributes.items():
        element.set(w(key), value)
    return element


def _sub(parent: Element, tag: str, **attributes: str) -> Element:
    element = _el(tag, **attributes)
    parent.append(element)
    return element


def _paragraph(runs: Sequence[Element] = (), *, style: str | None = None, keep_next: bool = False,
               num_id: str | None = None, align: str | None = None, compact: bool = False) -> Element:
    p = _el("w:p")
    ppr = _sub(p, "w:pPr")
    if style:
        _sub(ppr, "w:pStyle", val=style)
    if keep_next:
        _sub(ppr, "w:keepNext")
    if num_id:
        num_pr = _sub(ppr, "w:numPr")
        _sub(num_pr, "w:ilvl", val="0")
        _sub(num_pr, "w:numId", val=num_id)
    if compact:
        _sub(ppr, "w:spacing", before="40", after="40")
    if align:
        _sub(ppr, "w:jc", val=align)
    if not len(ppr):
        p.remove(ppr)
    p.extend(runs)
    return p


def _runs(runs: Sequence[Run], *, bold: bool = False) -> list[Element]:
    return [_run(run.text, bold=bold or run.bold, italic=run.italic) for run in runs if clean_text(run.text)]


def _run(text: str, *, bold: bool = False, italic: bool = False, multiline: bool = True) -> Element:
    r = _el("w:r")
    if bold or italic:
        rpr = _sub(r, "w:rPr")
        for flag in (("w:b", "w:bCs") if bold else ()) + (("w:i", "w:iCs") if italic else ()):
            _sub(rpr, flag)
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


def _heading(context: _Context, block: Heading) -> Element:
    site = context.site
    level = min(site.base_level + max(block.level, 1), 9)
    if level <= site.floor:  # no heading level left below the anchor: keep the section whole
        return _paragraph(_runs((Run(block.text),), bold=True), keep_next=True)
    return _paragraph(_runs((Run(block.text),)), style=_heading_style(context, level))


def _title(context: _Context, text: str) -> Element:
    """The title of a generated document: the "Title" style, else a first-level heading."""
    style = context.styles.find("paragraph", "title") or _heading_style(context, 1)
    return _paragraph(_runs((Run(text),)), style=style)


def _heading_style(context: _Context, level: int) -> str:
    found = context.styles.find("paragraph", f"heading {level}")
    if found:
        return found
    styles = _writable_styles(context.document)
    used = {s.get(w("styleId")) for s in styles.iter(w("style"))}
    style_id = next(i for i in (f"Heading{level}", f"ToolboxHeading{level}", f"ToolboxKop{level}")
                    if i not in used)
    styles.append(_heading_definition(style_id, level, context.styles.default_paragraph))
    context.styles = StyleIndex.of(styles)
    return style_id


def _heading_definition(style_id: str, level: int, normal: str | None) -> Element:
    """The built-in "heading N" style, for a document that lacks it."""
    style = _el("w:style", type="paragraph", styleId=style_id)
    _sub(style, "w:name", val=f"heading {level}")
    if normal:
        _sub(style, "w:basedOn", val=normal)
        _sub(style, "w:next", val=normal)
    _sub(style, "w:uiPriority", val="9")
    if level > 1:
        _sub(style, "w:unhideWhenUsed")
    _sub(style, "w:qFormat")
    ppr = _sub(style, "w:pPr")
    _sub(ppr, "w:keepNext")
    _sub(ppr, "w:keepLines")
    _sub(ppr, "w:spacing", before="240" if level == 1 else "200", after="80")
    _sub(ppr, "w:outlineLvl", val=str(level - 1))
    rpr = _sub(style, "w:rPr")
    _sub(rpr, "w:b")
    _sub(rpr, "w:bCs")
    size = str({1: 32, 2: 26, 3: 24}.get(level, 22))
    _sub(rpr, "w:sz", val=size)
    _sub(rpr, "w:szCs", val=size)
    return style


def _styles_root(document: DocxDocument) -> Element | None:
    """The styles part's root, or None when the document has none (nothing is created)."""
    try:
        return cast(XmlPart, document.part.part_related_by(RT.STYLES)).element
    except KeyError:
        return None


def _writable_styles(document: DocxDocument) -> Element:
    """The styles part's root, created by python-docx when the document has none."""
    return cast(Element, document.styles.element)


# --- lists ------------------------------------------------------------------------------------


def _list(context: _Context, block: BulletList) -> list[Element]:
    kind = "list number" if block.ordered else "list bullet"
    style = context.styles.find("paragraph", kind) or context.styles.find("paragraph", "list paragraph")
    num_id = _list_numbering(context.document, ordered=block.ordered)
    return [_paragraph(_runs(item), style=style, num_id=num_id) for item in block.items]


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


def _drop_unused_lists(document: DocxDocument) -> None:
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


def _list_numbering(document: DocxDocument, *, ordered: bool) -> str:
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


def _next_id(numbering: Element, tag: str, attribute: str) -> str:
    ids = [int(v) for e in numbering.iter(w(tag)) if (v := e.get(w(attribute), "")).isdigit()]
    return str(max(ids, default=0) + 1)


def _add_abstract(numbering: Element, *, ordered: bool) -> str:
    abstract_id = _next_id(numbering, "abstractNum", "abstractNumId")
    abstract = _el("w:abstractNum", abstractNumId=abstract_id)
    _sub(abstract, "w:multiLevelType", val="singleLevel")
    _sub(abstract, "w:name", val="toolbox-docs-number" if ordered else "toolbox-docs-bullet")
    lvl = _sub(abstract, "w:lvl", ilvl="0")
    _sub(lvl, "w:start", val="1")
    _sub(lvl, "w:numFmt", val="decimal" if ordered else "bullet")
    _sub(lvl, "w:lvlText", val="%1." if ordered else "\u2022")
    _sub(lvl, "w:lvlJc", val="left")
    _sub(_sub(lvl, "w:pPr"), "w:ind", left="360", hanging="360")
    first_num = numbering.find(w("num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        _append_before(numbering, abstract, "numIdMacAtCleanup")
    return abstract_id


def _add_num(numbering: Element, abstract_id: str, *, restart: bool) -> str:
    num_id = _next_id(numbering, "num", "numId")
    num = _el("w:num", numId=num_id)
    _sub(num, "w:abstractNumId", val=abstract_id)
    if restart:
        _sub(_sub(num, "w:lvlOverride", ilvl="0"), "w:startOverride", val="1")
    _append_before(numbering, num, "numIdMacAtCleanup")
    return num_id


def _append_before(parent: Element, child: Element, successor: str) -> None:
    after = parent.find(w(successor))
    if after is not None:
        after.addprevious(child)
    else:
        parent.append(child)


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


def _table(context: _Context, table: Table) -> list[Element]:
    columns = max([len(table.header), *(len(row) for row in table.rows), 1])
    numeric = [i < len(table.numeric) and table.numeric[i] for i in range(columns)]
    weights = [1 if n else 2 for n in numeric]
    widths = [_content_width(context.document) * wt // sum(weights) for wt in weights]
    grid_style = context.styles.find("table", "table grid")
    tbl = _el("w:tbl")
    tbl.append(_table_properties(grid_style, table.caption))
    grid = _sub(tbl, "w:tblGrid")
    for width in widths:
        _sub(grid, "w:gridCol", w=str(width))
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
    tbl_pr = _el("w:tblPr")
    if grid_style:
        _sub(tbl_pr, "w:tblStyle", val=grid_style)
    _sub(tbl_pr, "w:tblW", w="5000", type="pct")
    if not grid_style:
        borders = _sub(tbl_pr, "w:tblBorders")
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            _sub(borders, f"w:{side}", val="single", sz="4", space="0", color="auto")
    _sub(tbl_pr, "w:tblLook", val="04A0", firstRow="1", lastRow="0", firstColumn="0", lastColumn="0",
         noHBand="0", noVBand="1")
    if clean_text(caption):
        _sub(tbl_pr, "w:tblCaption", val=clean_text(caption)[:255])
    return tbl_pr


def _row(cells: Sequence[str], widths: Sequence[int], numeric: Sequence[bool], *, header: bool, bold: bool,
         compact: bool) -> Element:
    tr = _el("w:tr")
    tr_pr = _sub(tr, "w:trPr")
    _sub(tr_pr, "w:cantSplit")
    if header:
        _sub(tr_pr, "w:tblHeader")
    for text, width, is_number in zip(cells, widths, numeric, strict=True):
        tc = _sub(tr, "w:tc")
        tc_pr = _sub(tc, "w:tcPr")
        _sub(tc_pr, "w:tcW", w=str(width), type="dxa")
        if header:
            _sub(tc_pr, "w:shd", val="clear", color="auto", fill="D9D9D9")
        runs = [_run(text, bold=bold)] if clean_text(text) else []
        tc.append(_paragraph(runs, align="right" if is_number else None, compact=compact))
    return tr


def _image(context: _Context, block: Image) -> Element:
    part = context.document.part
    width_cm = min(max(block.width_cm, 1.0), _content_width(context.document) / 567)
    inline = part.new_pic_inline(io.BytesIO(context.images[block.name]), width=Cm(width_cm))
    context.next_shape_id += 1
    inline.docPr.set("id", str(context.next_shape_id))
    inline.docPr.set("name", f"Afbeelding {context.next_shape_id}")
    inline.docPr.set("descr", clean_text(block.alt))
    r = _el("w:r")
    _sub(r, "w:drawing").append(inline)
    return _paragraph([r])


# --- document-wide settings for generated documents -------------------------------------------


def _set_language(document: DocxDocument, language: str) -> None:
    styles = _writable_styles(document)
    defaults = _child(styles, "w:docDefaults", first=True)
    rpr = _child(_child(defaults, "w:rPrDefault", first=True), "w:rPr", first=True)
    lang = rpr.find(w("lang"))
    if lang is None:
        lang = _el("w:lang")
        rpr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    lang.set(w("val"), language)


def _child(parent: Element, tag: str, *, first: bool) -> Element:
    found = parent.find(w(tag.split(":")[1]))
    if found is None:
        found = _el(tag)
        parent.insert(0, found) if first else parent.append(found)
    return found


def _set_core(document: DocxDocument, *, title: str, language: str) -> None:
    package = document.part.package
    try:
        package.part_related_by(RT.CORE_PROPERTIES)
    except KeyError:  # create it ourselves: python-docx would stamp it with the clock
        blob = (b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
                b'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"/>')
        part = CorePropertiesPart.load(PackURI("/docProps/core.xml"), CT.OPC_CORE_PROPERTIES, blob, package)
        package.relate_to(part, RT.CORE_PROPERTIES)
    document.core_properties.title = title[:255]
    document.core_properties.language = language


_SUBSTANCE = etree.XPath(".//w:t[normalize-space()]|.//w:drawing|.//w:pict|.//w:sectPr|.//w:fldChar|"
                        ".//w:fldSimple|.//w:object", namespaces={"w": W})


def _drop_empty_paragraphs(body: Element) -> None:
    """Remove the base's blank paragraphs so the generated content starts at the top."""
    for p in body.findall(w("p")):
        if not _SUBSTANCE(p):
            body.remove(p)

