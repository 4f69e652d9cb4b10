"""Safe opening of Office Open XML packages (.xlsx, .docx) that arrive from an untrusted share.

Before any library parses a file, ``open_package`` checks what it really is (empty, legacy OLE2, an
encrypted package, not a zip at all), and then the zip itself: member count, names (absolute paths,
``..``, duplicates), declared and actual sizes, compression ratio. Every refusal is an ``error_type``
(``WorkbookError`` or ``DocumentError``) with a stable code and a Dutch message.

XML: a part that declares a DTD or an entity is refused before any parser sees it (a byte scan of the
whole part, of every part when the package is opened). What passes is parsed by lxml (libxml2, in C)
with a hardened parser: no entity substitution, no DTD loading, no network, libxml2's default limits
(``huge_tree`` off); a DTD that would still reach it is refused after all. lxml is used only for parts
in UTF-8 (what Office and LibreOffice write), where the byte scan provably sees every declaration; any
other encoding, and any part libxml2 rejects, goes to defusedxml with DTDs forbidden, as before, so
that every verdict (accepted, ``damaged``, ``hostile``) is exactly the one the strict reference parser
gives. Together this is at least as strong as defusedxml alone: the same refusals happen first, and the
parser behind them expands nothing and fetches nothing even if one were missed.
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from lxml import etree

from toolbox_docs.errors import ToolboxError
from toolbox_docs.limits import Limits

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CONTENT_TYPES = "[Content_Types].xml"
REL_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
REL_OFFICE_DOCUMENT_STRICT = "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"
NS_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSM = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
XLTX = "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml"
XLTM = "application/vnd.ms-excel.template.macroEnabled.main+xml"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM = "application/vnd.ms-word.document.macroEnabled.main+xml"
DOTX = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
DOTM = "application/vnd.ms-word.template.macroEnabledTemplate.main+xml"

SPREADSHEET_TYPES = {XLSX, XLSM, XLTX, XLTM}
WORD_TYPES = {DOCX, DOCM, DOTX, DOTM}
MACRO_TYPES = {XLSM, XLTM, DOCM, DOTM}

_DOCTYPE = re.compile(rb"<!\s*DOCTYPE|<!\s*ENTITY", re.IGNORECASE)
_DECLARED_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_UTF8_BOM = b"\xef\xbb\xbf"
# lxml's options for untrusted XML; iterparse takes them as keywords, fromstring through a parser.
_HARDENED: dict[str, Any] = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False,
                             "dtd_validation": False, "attribute_defaults": False, "remove_comments": True,
                             "remove_pis": True}
# Decompressed parts kept from the package scan for the parser (per package; freed on close).
_KEEP_BYTES = 16 * 1024 * 1024

XmlElement = Any  # an lxml element, or an ElementTree element from the reference parser: the same reading API


class _Refusal(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _what_ole2_is(data: bytes) -> _Refusal:
    if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
        return _Refusal("encrypted", "Het bestand is met een wachtwoord versleuteld. Sla het op zonder "
                        "wachtwoord (Bestand > Info > Beveiligen) en probeer het opnieuw.")
    if "WordDocument".encode("utf-16-le") in data:
        return _Refusal("legacy-doc", "Dit is een oud Word-bestand (.doc). Open het in Word en sla het op "
                        "als Word-document (.docx).")
    return _Refusal("legacy-xls", "Dit is een oud Excel-bestand (.xls) of een ander oud Office-formaat. "
                    "Gebruik het intakesjabloon (.xlsx) uit de map Sjablonen.")


def sniff(data: bytes) -> str:
    """What the bytes are at first sight: 'empty', 'ole2', 'zip' or 'other'."""
    if not data.strip(b"\x00 \t\r\n"):
        return "empty"
    if data.startswith(OLE2_MAGIC):
        return "ole2"
    if data.startswith(b"PK"):
        return "zip"
    return "other"


@dataclass
class Package:
    """An opened, checked OOXML zip. Read members only through ``read`` and ``xml``."""

    archive: zipfile.ZipFile
    limits: Limits
    main_part: str
    main_type: str
    error_type: type[ToolboxError] = ToolboxError
    raw: bytes = field(default=b"", repr=False)  # the package's bytes, for reading members directly
    _parts: dict[str, bytes] = field(default_factory=dict, repr=False)
    _relationships: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict, repr=False)
    _scanned: bool = False

    def refuse(self, refusal: _Refusal) -> ToolboxError:
        return self.error_type(refusal.code, refusal.message)  # type: ignore[call-arg]

    def has(self, name: str) -> bool:
        return name in self.archive.NameToInfo

    def read(self, name: str) -> bytes:
        """The member's bytes, refusing more than the limit whatever the zip header claims."""
        try:
            return self._read(name)
        except _Refusal as refusal:
            raise self.refuse(refusal) from None

    def _read(self, name: str) -> bytes:
        kept = self._parts.get(name)
        if kept is not None:
            return kept
        limit = self.limits.max_member_bytes
        info = self.archive.NameToInfo.get(name)
        if info is not None and self.raw:
            data = _inflate(self.raw, info, limit)
            if data is not None:
                return data
        try:
            with self.archive.open(name) as stream:
                data = stream.read(limit + 1)
        except KeyError:
            raise _Refusal("damaged", f"Het onderdeel '{name}' ontbreekt in het bestand. Het bestand is "
                           "beschadigd: sla het opnieuw op vanuit Excel of Word.") from None
        except RuntimeError:
            raise _Refusal("encrypted", "Een onderdeel van het bestand is versleuteld. Sla het op zonder "
                           "wachtwoord.") from None
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError, OverflowError):
            raise _Refusal("damaged", "Het bestand is beschadigd (een onderdeel is niet uit te pakken). Sla "
                           "het opnieuw op vanuit Excel of Word.") from None
        if len(data) > limit:
            raise _Refusal("too-large", "Een onderdeel van het bestand pakt uit tot meer dan "
                           f"{limit // (1024 * 1024)} MB. Zo'n bestand verwerken we niet.")
        return data

    def xml(self, name: str) -> XmlElement:
        try:
            return _parse_xml(self._read(name), name)
        except _Refusal as refusal:
            raise self.refuse(refusal) from None

    def tree(self, name: str, *, max_bytes: int) -> XmlElement | None:
        """lxml's whole tree of a part of at most ``max_bytes`` in UTF-8 without a DTD that libxml2 parses
        without complaint; else None, and the caller streams the part (which then gives any verdict)."""
        info = self.archive.NameToInfo.get(name)
        if info is None or info.file_size > max_bytes:
            return None
        try:
            data = self._read(name)
            _refuse_dtd(data, name)
        except _Refusal:
            return None
        if len(data) > max_bytes or not _utf8(data):
            return None
        try:
            root = etree.fromstring(data, etree.XMLParser(**_HARDENED))
            _refuse_doctype(root, name)
        except (etree.LxmlError, _Refusal):
            return None
        return root

    def iterparse(self, name: str, events: tuple[str, ...] = ("end",), *,
                  tags: tuple[str, ...] | None = None) -> Iterator[tuple[str, XmlElement]]:
        """Stream the elements of one XML member (only those with a local name in ``tags``, when given);
        the caller may stop early, and should ``release`` what it has read."""
        data = self.read(name)
        try:
            _refuse_dtd(data, name)
            yield from _iterparse(data, name, events, tags)
        except _Refusal as refusal:
            raise self.refuse(refusal) from None

    def relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id -> (type, absolute target part name) of one part; empty when it has none."""
        known = self._relationships.get(part)
        if known is None:
            known = self._relationships[part] = self._read_relationships(part)
        return dict(known)

    def _read_relationships(self, part: str) -> dict[str, tuple[str, str]]:
        folder, base = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", f"{base}.rels")
        if not self.has(rels_name):
            return {}
        found: dict[str, tuple[str, str]] = {}
        for rel in self.xml(rels_name):
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target", "")
            resolved = target.lstrip("/") if target.startswith("/") else \
                posixpath.normpath(posixpath.join(folder, target))
            found[rel.get("Id", "")] = (rel.get("Type", ""), resolved)
        return found

    def check_all_xml(self) -> None:
        """Refuse any XML part with a DTD or entity declaration (for libraries we do not parse for).

        Done once per package; the parts read for it are kept (up to a bound) for the parser."""
        if self._scanned:
            return
        room = _KEEP_BYTES
        for info in self.archive.infolist():
            if info.filename.endswith((".xml", ".rels", ".vml")):
                data = self.read(info.filename)
                try:
                    _refuse_dtd(data, info.filename)
                except _Refusal as refusal:
                    raise self.refuse(refusal) from None
                if len(data) <= room:
                    self._parts[info.filename] = data
                    room -= len(data)
        self._scanned = True

    def close(self) -> None:
        self._parts.clear()
        self._relationships.clear()
        self.archive.close()


def release(element: XmlElement) -> None:
    """Free an element read from ``Package.iterparse`` (and, with lxml, the siblings before it)."""
    element.clear()
    previous = getattr(element, "getprevious", None)
    if previous is None:
        return  # ElementTree: clearing is all it offers
    while (sibling := element.getprevious()) is not None:
        sibling.getparent().remove(sibling)


_LOCAL_HEADER = struct.Struct("<4s22xHH")
_UNSUPPORTED_FLAGS = 0x1 | 0x20 | 0x40  # encrypted, compressed patch data, strong encryption


def _inflate(raw: bytes, info: zipfile.ZipInfo, limit: int) -> bytes | None:
    """A member's bytes straight from the package's bytes, when it is a plain stored or deflated member
    whose local header, sizes and CRC all check out (then ``zipfile`` would read exactly these bytes,
    without an error); None for anything else, which ``zipfile`` then reads, or refuses, as always."""
    if info.flag_bits & _UNSUPPORTED_FLAGS or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) \
            or info.file_size > limit:
        return None
    offset = info.header_offset
    header = raw[offset:offset + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size:
        return None
    signature, name_length, extra_length = _LOCAL_HEADER.unpack(header)
    flags = int.from_bytes(raw[offset + 6:offset + 8], "little")
    start = offset + _LOCAL_HEADER.size
    try:
        local_name = raw[start:start + name_length].decode("utf-8" if flags & 0x800 else "cp437")
    except UnicodeDecodeError:
        return None
    if signature != b"PK\x03\x04" or local_name != info.orig_filename:
        return None
    start += name_length + extra_length
    packed = raw[start:start + info.compress_size]
    if len(packed) != info.compress_size:
        return None
    if info.compress_type == zipfile.ZIP_STORED:
        data = packed
    else:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        try:
            data = inflater.decompress(packed, limit + 1)
        except zlib.error:
            return None
        if not inflater.eof or inflater.unconsumed_tail or inflater.unused_data:
            return None
    if len(data) != info.file_size or zlib.crc32(data) != info.CRC:
        return None
    return data


def _hostile_xml(name: str) -> _Refusal:
    return _Refusal("hostile", f"Het onderdeel '{name}' bevat XML-constructies (DTD of entiteiten) die "
                    "misbruikt kunnen worden. Het bestand is geweigerd; sla het opnieuw op vanuit Excel of Word.")


def _damaged_xml(name: str) -> _Refusal:
    return _Refusal("damaged", f"Het onderdeel '{name}' is geen geldige XML. Het bestand is beschadigd: "
                    "sla het opnieuw op vanuit Excel of Word.")


def _refuse_dtd(data: bytes, name: str) -> None:
    # Both declarations start with "<!"; "!" is rare in XML, and looking for one byte is fast.
    if b"!" in data and _DOCTYPE.search(data):
        raise _hostile_xml(name)


def _utf8(data: bytes) -> bool:
    """Whether the part is UTF-8 by its first bytes and its declaration, so that the byte scan for DTDs
    sees whatever a parser would: no other encoding (UTF-16 has NULs, EBCDIC does not start with '<')."""
    start = len(_UTF8_BOM) if data.startswith(_UTF8_BOM) else 0
    if data[start:start + 1] not in (b"<", b" ", b"\t", b"\r", b"\n") or b"\x00" in data[:4]:
        return False
    if not data.startswith(b"<?xml", start):
        return True  # no declaration: UTF-8 by the XML specification
    end = data.find(b"?>", start, start + 1024)
    if end < 0:
        return False
    declared = _DECLARED_ENCODING.search(data, start, end)
    return declared is None or declared.group(1).lower() == b"utf-8"


def _refuse_doctype(element: XmlElement, name: str) -> None:
    """After lxml: a document type that reached it after all (it expanded and fetched nothing)."""
    info = element.getroottree().docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        raise _hostile_xml(name)


def _parse_xml(data: bytes, name: str = "XML") -> XmlElement:
    _refuse_dtd(data, name)
    if _utf8(data):
        try:
            root = etree.fromstring(data, etree.XMLParser(**_HARDENED))
        except etree.LxmlError:
            pass  # libxml2 refuses it: the reference parser gives the verdict (damaged, hostile, or fine)
        else:
            _refuse_doctype(root, name)
            return root
    try:
        return SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise _hostile_xml(name) from None
    except ParseError:
        raise _damaged_xml(name) from None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _iterparse(data: bytes, name: str, events: tuple[str, ...], tags: tuple[str, ...] | None
               ) -> Iterator[tuple[str, XmlElement]]:
    """Events of lxml's parse; when libxml2 stops with an error, the reference parser takes over from the
    same event on (they agree on every event before it), so its verdict decides, as before."""
    seen = 0
    if _utf8(data):
        wanted = tuple(f"{{*}}{tag}" for tag in tags) if tags else None
        parser = etree.iterparse(io.BytesIO(data), events=events, tag=wanted, **_HARDENED)
        try:
            for event, element in parser:
                if not seen:
                    _refuse_doctype(element, name)
                seen += 1
                yield event, element
            if not seen and parser.root is not None:
                _refuse_doctype(parser.root, name)
            return
        except etree.LxmlError:
            pass
    skip = seen
    try:
        for event, element in SafeET.iterparse(io.BytesIO(data), events=events, forbid_dtd=True):
            if tags and _local(element.tag) not in tags:
                continue
            if skip:
                skip -= 1
                continue
            yield event, element
    except DefusedXmlException:
        raise _hostile_xml(name) from None
    except ParseError:
        raise _damaged_xml(name) from None


def _check_members(archive: zipfile.ZipFile, limits: Limits) -> None:
    infos = archive.infolist()
    if len(infos) > limits.max_members:
        raise _Refusal("hostile", f"Het bestand bevat {len(infos)} onderdelen; meer dan {limits.max_members} "
                       "verwerken we niet.")
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in re.split(r"[/\\]", name):
            raise _Refusal("hostile", f"Het bestand bevat een onderdeel met een verdacht pad ('{name[:80]}'). "
                           "Het is geweigerd.")
        if name in seen:
            raise _Refusal("hostile", f"Het bestand bevat het onderdeel '{name[:80]}' twee keer. Het is "
                           "geweigerd.")
        seen.add(name)
        if info.flag_bits & 0x1:
            raise _Refusal("encrypted", "Het bestand is versleuteld. Sla het op zonder wachtwoord.")
        if info.file_size > limits.max_member_bytes:
            raise _Refusal("too-large", f"Een onderdeel van het bestand pakt uit tot {info.file_size // 2**20} "
                           f"MB; meer dan {limits.max_member_bytes // 2**20} MB verwerken we niet.")
        if info.file_size > 1024 * 1024 and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise _Refusal("hostile", "Het bestand is extreem sterk gecomprimeerd (een 'zip-bom'). Het is "
                           "geweigerd.")
        total += info.file_size
    if total > limits.max_total_bytes:
        raise _Refusal("too-large", f"Het bestand pakt uit tot {total // 2**20} MB; meer dan "
                       f"{limits.max_total_bytes // 2**20} MB verwerken we niet.")


def _main_part(archive: zipfile.ZipFile, limits: Limits, raw: bytes = b"") -> tuple[str, str]:
    if "_rels/.rels" not in archive.NameToInfo or CONTENT_TYPES not in archive.NameToInfo:
        names = {n.lower().replace("\\", "/") for n in archive.NameToInfo}
        if "[content_types].xml" in names:
            raise _Refusal("damaged", "Het bestand wijkt af van de standaard (onderdelen met verkeerde namen). "
                           "Open het in Excel of Word en sla het opnieuw op.")
        raise _Refusal("not-office", "Dit is een zip-bestand, maar geen Office-document.")
    package = Package(archive, limits, "", "", raw=raw)

    def xml(name: str) -> XmlElement:
        return _parse_xml(package._read(name), name)

    main = ""
    for rel in xml("_rels/.rels"):
        if rel.get("Type") == REL_OFFICE_DOCUMENT:
            main = rel.get("Target", "").lstrip("/")
            break
        if rel.get("Type") == REL_OFFICE_DOCUMENT_STRICT:
            raise _Refusal("strict-ooxml", "Het bestand is opgeslagen als 'Strict Open XML'. Sla het op als "
                           "gewoon Excel-werkboek (.xlsx) of Word-document (.docx).")
    if not main:
        raise _Refusal("not-office", "Het bestand heeft geen hoofddocument; het is geen Excel- of Word-bestand.")
    overrides: dict[str, str] = {}
    defaults: dict[str, str] = {}
    for entry in xml(CONTENT_TYPES):
        if entry.get("PartName"):
            overrides[entry.get("PartName", "").lstrip("/").lower()] = entry.get("ContentType", "")
        elif entry.get("Extension"):
            defaults[entry.get("Extension", "").lower()] = entry.get("ContentType", "")
    extension = main.rsplit(".", 1)[-1].lower()
    content_type = overrides.get(main.lower(), defaults.get(extension, ""))
    if main not in archive.NameToInfo:
        raise _Refusal("damaged", "Het hoofddocument ontbreekt in het bestand. Het bestand is beschadigd.")
    return main, content_type


def open_package(data: bytes, *, limits: Limits, error_type: type[ToolboxError],
                 expect: set[str], scan_xml: bool = True) -> Package:
    """Open ``data`` as an OOXML package whose main part has one of the ``expect`` content types.

    With ``scan_xml`` every XML part is read once (bounded) and refused when it declares a DTD or
    entities, so that no library ever sees one, and a damaged member is found before parsing starts.

    Raises ``error_type(code, message)`` for anything else; codes: empty, too-large, encrypted,
    legacy-xls, legacy-doc, not-office, strict-ooxml, damaged, hostile, macro, template, wrong-kind.
    """
    try:
        package = _open(data, limits, expect, error_type)
    except _Refusal as refusal:
        raise error_type(refusal.code, refusal.message) from None  # type: ignore[call-arg]
    if scan_xml:
        try:
            package.check_all_xml()
        except ToolboxError:
            package.close()
            raise
    return package


def _open(data: bytes, limits: Limits, expect: set[str], error_type: type[ToolboxError]) -> Package:
    if len(data) > limits.max_file_bytes:
        raise _Refusal("too-large", f"Het bestand is {len(data) // 2**20} MB; meer dan "
                       f"{limits.max_file_bytes // 2**20} MB verwerken we niet.")
    kind = sniff(data)
    if kind == "empty":
        raise _Refusal("empty", "Het bestand is leeg. Sla het opnieuw op vanuit Excel of Word.")
    if kind == "ole2":
        raise _what_ole2_is(data)
    if kind == "other":
        raise _Refusal("not-office", "Dit is geen Excel- of Word-bestand (misschien een CSV- of tekstbestand "
                       "met een andere extensie).")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError,
            OverflowError, KeyError, IndexError):
        raise _Refusal("damaged", "Het bestand is beschadigd of onvolledig (het zip-formaat klopt niet). Sla "
                       "het opnieuw op vanuit Excel of Word.") from None
    try:
        _check_members(archive, limits)
        main, content_type = _main_part(archive, limits, data)
        if "xl/vbaProject.bin" in archive.NameToInfo or "word/vbaProject.bin" in archive.NameToInfo \
                or content_type in MACRO_TYPES:
            raise _Refusal("macro", "Het bestand bevat macro's (.xlsm/.docm). Macro's verwerken we niet: sla "
                           "het op als gewoon Excel-werkboek (.xlsx) of Word-document (.docx).")
        if content_type not in expect:
            if content_type in (XLTX, DOTX):
                raise _Refusal("template", "Dit is een Office-sjabloon (.xltx/.dotx), geen gewoon document. "
                               "Maak er een document van (Opslaan als .xlsx of .docx).")
            spreadsheet = content_type in SPREADSHEET_TYPES
            word = content_type in WORD_TYPES
            what = "een Excel-werkboek" if spreadsheet else "een Word-document" if word else \
                "geen Excel- of Word-bestand"
            raise _Refusal("wrong-kind", f"Het bestand is {what}; dat verwachten we hier niet.")
    except _Refusal:
        archive.close()
        raise
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError, OverflowError,
            KeyError):
        archive.close()
        raise _Refusal("damaged", "Het bestand is beschadigd. Sla het opnieuw op vanuit Excel of Word.") \
            from None
    return Package(archive, limits, main, content_type, error_type, raw=data)


# --- custom document properties (File > Properties > Custom in Word and Excel) ----------------------------

REL_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
CUSTOM_PART = "docProps/custom.xml"
CT_CUSTOM = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
NS_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
NS_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"  # the format id Word and Excel give user properties
# What a custom-properties part may weigh: ours are a few hundred bytes, a DMS adds a few dozen properties.
_CUSTOM_BYTES = 256 * 1024


def custom_properties(source: bytes | IO[bytes], *, limits: Limits) -> dict[str, str]:
    """The custom document properties of an OOXML package (name -> text), read without trusting it: the
    members are checked as ``open_package`` does, only the properties part is read (bounded) and parsed
    (hardened). A file that is no package, or has no such part, or a bad one, gives ``{}``; never raises.
    ``source`` may be an open file: only the zip directory and the one part are read from it."""
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        with zipfile.ZipFile(stream) as archive:
            _check_members(archive, limits)
            if CUSTOM_PART not in archive.NameToInfo or "_rels/.rels" not in archive.NameToInfo:
                return {}
            info = archive.NameToInfo[CUSTOM_PART]
            if info.file_size > _CUSTOM_BYTES or archive.NameToInfo["_rels/.rels"].file_size > _CUSTOM_BYTES:
                return {}
            rels = _parse_xml(archive.read("_rels/.rels"), "_rels/.rels")
            if not any(rel.get("Type") == REL_CUSTOM and rel.get("Target", "").lstrip("/") == CUSTOM_PART
                       for rel in rels):
                return {}
            with archive.open(info) as member:
                data = member.read(_CUSTOM_BYTES + 1)
            if len(data) > _CUSTOM_BYTES:
                return {}
            root = _parse_xml(data, CUSTOM_PART)
    except Exception:  # _Refusal, any zip or XML trouble: a file of any shape gives no properties
        return {}
    found: dict[str, str] = {}
    for prop in root:
        name = prop.get("name")
        if _local(str(prop.tag)) == "property" and name and len(prop):
            found[name] = (prop[0].text or "")
    return found


def with_custom_properties(data: bytes, values: dict[str, str]) -> bytes:
    """``data`` (a package this toolbox wrote or has just rewritten) with the custom properties ``values``
    set as text; other custom properties (a DMS's, a person's) are kept. Every other member is copied as
    it is, in its order and with its compression."""
    source = zipfile.ZipFile(io.BytesIO(data))
    existing = source.read(CUSTOM_PART) if CUSTOM_PART in source.NameToInfo else None
    custom = _custom_xml(existing, values)
    out = io.BytesIO()
    changed = {CUSTOM_PART: lambda _: custom, CONTENT_TYPES: _with_override, "_rels/.rels": _with_relationship}
    with source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            change = changed.get(info.filename)
            if change is not None:
                target.writestr(info, change(source.read(info)))
            elif not _copy_compressed(data, info, target):
                target.writestr(info, source.read(info))
        if existing is None:
            target.writestr(zipfile.ZipInfo(CUSTOM_PART, date_time=(1980, 1, 1, 0, 0, 0)), custom,
                            compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _copy_compressed(raw: bytes, info: zipfile.ZipInfo, target: zipfile.ZipFile) -> bool:
    """Copy a member's compressed bytes as they are (no inflating and deflating again: a picture in a
    proposal costs nothing); False when the member is not a plain one, and the caller copies it the slow way."""
    offset = info.header_offset
    header = raw[offset:offset + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size or info.flag_bits & (_UNSUPPORTED_FLAGS | 0x8) \
            or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) \
            or max(info.file_size, info.compress_size, target.fp.tell()) >= zipfile.ZIP64_LIMIT:  # type: ignore[union-attr]
        return False
    signature, name_length, extra_length = _LOCAL_HEADER.unpack(header)
    start = offset + _LOCAL_HEADER.size + name_length + extra_length
    compressed = raw[start:start + info.compress_size]
    if signature != b"PK\x03\x04" or len(compressed) != info.compress_size:
        return False
    copy = zipfile.ZipInfo(info.filename, info.date_time)
    for attribute in ("compress_type", "CRC", "compress_size", "file_size", "flag_bits", "external_attr",
                      "create_system", "internal_attr", "comment"):
        setattr(copy, attribute, getattr(info, attribute))
    fp = target.fp
    assert fp is not None
    copy.header_offset = fp.tell()
    fp.write(copy.FileHeader(zip64=False))
    fp.write(compressed)
    target.filelist.append(copy)
    target.NameToInfo[copy.filename] = copy
    target.start_dir = fp.tell()  # type: ignore[attr-defined]
    return True


def _custom_xml(existing: bytes | None, values: dict[str, str]) -> bytes:
    root: Any = None
    if existing is not None:
        try:
            root = etree.fromstring(existing, etree.XMLParser(**_HARDENED))
        except etree.LxmlError:
            root = None
    if root is None or _local(str(root.tag)) != "Properties":
        root = etree.Element(f"{{{NS_CUSTOM}}}Properties", nsmap={None: NS_CUSTOM, "vt": NS_VT})
    by_name = {prop.get("name"): prop for prop in root if _local(str(prop.tag)) == "property"}
    pids = [int(p.get("pid")) for p in by_name.values() if (p.get("pid") or "").isdigit()]
    next_pid = max([1, *pids]) + 1
    for name, text in values.items():
        prop = by_name.get(name)
        if prop is None:
            prop = etree.SubElement(root, f"{{{NS_CUSTOM}}}property", fmtid=_FMTID, pid=str(next_pid), name=name)
            next_pid += 1
        for child in list(prop):
            prop.remove(child)
        etree.SubElement(prop, f"{{{NS_VT}}}lpwstr").text = text
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _with_override(content_types: bytes) -> bytes:
    """The content types with the custom part's override last (wherever it was): the same bytes whether or
    not the package had the part before, so stamping again changes nothing."""
    root = etree.fromstring(content_types, etree.XMLParser(**_HARDENED))
    for entry in [e for e in root if (e.get("PartName") or "").lstrip("/") == CUSTOM_PART]:
        root.remove(entry)
    etree.SubElement(root, f"{{{NS_CT}}}Override", PartName=f"/{CUSTOM_PART}", ContentType=CT_CUSTOM)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _with_relationship(rels: bytes) -> bytes:
    """The package relationships with the one to the custom part last, under the first free id."""
    root = etree.fromstring(rels, etree.XMLParser(**_HARDENED))
    for rel in [r for r in root if r.get("Type") == REL_CUSTOM]:
        root.remove(rel)
    taken = {rel.get("Id") for rel in root}
    number = 1
    while f"rId{number}" in taken:
        number += 1
    etree.SubElement(root, f"{{{NS_PKG_RELS}}}Relationship", Id=f"rId{number}", Type=REL_CUSTOM,
                     Target=CUSTOM_PART)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))
