"""The Word adapter: writes blocks into a proposal at its anchor, and builds generated documents.

Bytes in, bytes out: no file system (except reading the shipped ``plan-basis.docx`` when no base is
given), no clock (zip entries get a fixed timestamp, so equal input gives equal bytes). Every file first
passes ``ooxml.open_package`` and ``check_all_xml``; anything python-docx or lxml trips over after that
becomes ``DocumentError("damaged", ...)``, never a traceback.

Refusal codes (``DocumentError.code``): from ``ooxml``: empty, too-large, encrypted, legacy-doc,
legacy-xls, not-office, strict-ooxml, hostile, macro, wrong-kind, damaged; from the anchor search
(``docx_anchor``): no-anchor, anchor-ambiguous, anchor-unsupported; and damaged for a file python-docx
cannot read or that does not re-open after writing.

This module opens, checks, saves and verifies; the work is done by its neighbours:
``docx_anchor`` finds where the blocks go and takes the old content out, ``docx_render`` turns blocks
into elements on the document's own styles (looked up by built-in name, so a Dutch template with
style ids "Kop2" and "Tabelraster" is served as well), ``docx_styles`` adds what the document lacks
(heading styles, our own list numbering).

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
import zipfile
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, cast

from docx import Document as load_docx
from docx.image.image import Image as DocxImage
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.parts.coreprops import CorePropertiesPart
from lxml import etree

from toolbox_docs.documents import docx_render
from toolbox_docs.documents.blocks import Block, BulletList, Heading, Image, Paragraph, Table
from toolbox_docs.documents.chart import Chart
from toolbox_docs.documents.docx_anchor import Element, Site, StyleIndex, W, find_site, put_in, take_out, w
from toolbox_docs.documents.docx_fields import fill_fields
from toolbox_docs.documents.docx_render import Context, clean_text
from toolbox_docs.documents.docx_styles import drop_unused_lists, el, styles_root, writable_styles
from toolbox_docs.errors import DocumentError
from toolbox_docs.limits import Limits
from toolbox_docs.share import ooxml

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

__all__ = ["NO_IMAGES", "build_document", "clean_text", "write_section"]

NO_IMAGES: Mapping[str, bytes | Chart] = MappingProxyType({})
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


# --- public API -------------------------------------------------------------------------------


def write_section(docx: bytes, blocks: Sequence[Block], *, limits: Limits,
                  images: Mapping[str, bytes | Chart] = NO_IMAGES, anchor: str = "participatie",
                  fields: Mapping[str, str] | None = None) -> bytes:
    """The proposal ``docx`` with ``blocks`` at its anchor, as a .docx (also when given a .dotx), and the
    header ``fields`` (tag → text) filled where they still show their placeholder (``docx_fields.py``).

    Raises ``DocumentError`` for a file that cannot take the paragraph (see the module docstring for
    the codes) and ``ValueError`` for blocks the caller got wrong (an image without its picture).
    """
    if not anchor.strip():
        raise ValueError("the anchor name must not be empty")
    _check_blocks(blocks, images)
    document = _open(docx, limits)
    try:
        body = _body(document)
        styles = StyleIndex.of(styles_root(document))
        single = len(blocks) == 1 and isinstance(blocks[0], Paragraph)
        site = find_site(body, styles, anchor, single_paragraph=single)
        _fill(Context(document, styles, site, images), blocks)
        if site.control is not None:
            _settle_control(site.control)
        if fields:
            fill_fields(body, fields)
        return _verified(_save(document))
    except DocumentError:
        raise
    except Exception as error:
        raise _damaged() from error


def build_document(blocks: Sequence[Block], *, limits: Limits, images: Mapping[str, bytes | Chart] = NO_IMAGES,
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
        context = Context(document, StyleIndex.of(styles_root(document)), site, images)
        _fill(context, blocks, title=clean_text(title))
        return _verified(_save(document))
    except DocumentError:
        raise
    except Exception as error:
        raise _damaged() from error


# --- opening, saving, checking ------------------------------------------------------------------


def _damaged() -> DocumentError:
    return DocumentError("damaged", "Het Word-document kon niet worden verwerkt: het is beschadigd of "
                         "gebruikt onderdelen die we niet kunnen lezen. Open het in Word, sla het opnieuw "
                         "op als Word-document (.docx) en probeer het opnieuw.")


def _check_blocks(blocks: Sequence[Block], images: Mapping[str, bytes | Chart]) -> None:
    """Programming errors of the caller are ValueErrors, not the document's fault."""
    for block in blocks:
        if not isinstance(block, Heading | Paragraph | BulletList | Table | Image):
            raise ValueError(f"not a block: {block!r}")
        if isinstance(block, Image):
            if block.name not in images:
                raise ValueError(f"no picture given for image block {block.name!r}")
            if isinstance(images[block.name], Chart):
                continue
            try:
                DocxImage.from_blob(cast(bytes, images[block.name]))
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


def _fill(context: Context, blocks: Sequence[Block], *, title: str = "") -> None:
    site = context.site
    old_targets = _relationship_ids(site.removed)
    take_out(site)
    drop_unused_lists(context.document)
    context.next_shape_id = context.document.part.next_id
    lead = [docx_render.title(context, title)] if title else []
    put_in(site, lead + docx_render.render(context, blocks))
    _drop_orphan_images(context.document, old_targets)


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
    if not candidates:
        return  # the old content referred to nothing: no need to walk the whole document
    part = document.part
    still_used = {value for node in document.element.iter() for value in node.attrib.values()}
    for rel_id in candidates - still_used:
        rel = part.rels.get(rel_id)
        if rel is not None and rel.reltype == RT.IMAGE:
            del part.rels[rel_id]


# --- document-wide settings for generated documents -------------------------------------------


def _set_language(document: DocxDocument, language: str) -> None:
    styles = writable_styles(document)
    defaults = _child(styles, "w:docDefaults", first=True)
    rpr = _child(_child(defaults, "w:rPrDefault", first=True), "w:rPr", first=True)
    lang = rpr.find(w("lang"))
    if lang is None:
        lang = el("w:lang")
        rpr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    lang.set(w("val"), language)


def _child(parent: Element, tag: str, *, first: bool) -> Element:
    found = parent.find(w(tag.split(":")[1]))
    if found is None:
        found = el(tag)
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
