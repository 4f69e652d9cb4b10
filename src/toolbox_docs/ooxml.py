"""Safe opening of Office Open XML packages (.xlsx, .docx) that arrive from an untrusted share.

Before any library parses a file, ``open_package`` checks what it really is (empty, legacy OLE2, an
encrypted package, not a zip at all), and then the zip itself: member count, names (absolute paths,
``..``, duplicates), declared and actual sizes, compression ratio. XML is parsed with defusedxml and
DTDs forbidden, so entity expansion and external entities cannot work. Every refusal is an
``error_type`` (``WorkbookError`` or ``DocumentError``) with a stable code and a Dutch message.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from toolbox_docs.errors import ToolboxError
from toolbox_docs.settings import Limits

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
        limit = self.limits.max_member_bytes
        try:
            with self.archive.open(name) as stream:
                data = stream.read(limit + 1)
        except KeyError:
            raise _Refusal("damaged", f"Het onderdeel '{name}' ontbreekt in het bestand. Het bestand is "
                           "beschadigd: sla het opnieuw op vanuit Excel of Word.") from None
        except RuntimeError:
            raise _Refusal("encrypted", "Een onderdeel van het bestand is versleuteld. Sla het op zonder "
                           "wachtwoord.") from None
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, OverflowError):
            raise _Refusal("damaged", "Het bestand is beschadigd (een onderdeel is niet uit te pakken). Sla "
                           "het opnieuw op vanuit Excel of Word.") from None
        if len(data) > limit:
            raise _Refusal("too-large", "Een onderdeel van het bestand pakt uit tot meer dan "
                           f"{limit // (1024 * 1024)} MB. Zo'n bestand verwerken we niet.")
        return data

    def open_stream(self, name: str) -> IO[bytes]:
        """A bounded in-memory stream of the member, for streaming parsers."""
        return io.BytesIO(self.read(name))

    def xml(self, name: str) -> Element:
        try:
            return _parse_xml(self._read(name), name)
        except _Refusal as refusal:
            raise self.refuse(refusal) from None

    def iterparse(self, name: str, events: tuple[str, ...] = ("end",)) -> Iterator[tuple[str, Element]]:
        """Stream the elements of one XML member; the caller may stop early."""
        data = self.read(name)
        try:
            _refuse_dtd(data, name)
            yield from SafeET.iterparse(io.BytesIO(data), events=events, forbid_dtd=True)
        except _Refusal as refusal:
            raise self.refuse(refusal) from None
        except DefusedXmlException:
            raise self.refuse(_hostile_xml(name)) from None
        except ParseError:
            raise self.refuse(_damaged_xml(name)) from None

    def relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id -> (type, absolute target part name) of one part; empty when it has none."""
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
        """Refuse any XML part with a DTD or entity declaration (for libraries we do not parse for)."""
        for info in self.archive.infolist():
            if info.filename.endswith((".xml", ".rels", ".vml")):
                try:
                    _refuse_dtd(self.read(info.filename), info.filename)
                except _Refusal as refusal:
                    raise self.refuse(refusal) from None

    def close(self) -> None:
        self.archive.close()


def _hostile_xml(name: str) -> _Refusal:
    return _Refusal("hostile", f"Het onderdeel '{name}' bevat XML-constructies (DTD of entiteiten) die "
                    "misbruikt kunnen worden. Het bestand is geweigerd; sla het opnieuw op vanuit Excel of Word.")


def _damaged_xml(name: str) -> _Refusal:
    return _Refusal("damaged", f"Het onderdeel '{name}' is geen geldige XML. Het bestand is beschadigd: "
                    "sla het opnieuw op vanuit Excel of Word.")


def _refuse_dtd(data: bytes, name: str) -> None:
    if _DOCTYPE.search(data[:4096]) or (b"<!" in data and _DOCTYPE.search(data)):
        raise _hostile_xml(name)


def _parse_xml(data: bytes, name: str = "XML") -> Element:
    _refuse_dtd(data, name)
    try:
        return SafeET.fromstring(data, forbid_dtd=True)
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


def _main_part(archive: zipfile.ZipFile, limits: Limits) -> tuple[str, str]:
    if "_rels/.rels" not in archive.NameToInfo or CONTENT_TYPES not in archive.NameToInfo:
        names = {n.lower().replace("\\", "/") for n in archive.NameToInfo}
        if "[content_types].xml" in names:
            raise _Refusal("damaged", "Het bestand wijkt af van de standaard (onderdelen met verkeerde namen). "
                           "Open het in Excel of Word en sla het opnieuw op.")
        raise _Refusal("not-office", "Dit is een zip-bestand, maar geen Office-document.")
    package = Package(archive, limits, "", "")

    def xml(name: str) -> Element:
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
        main, content_type = _main_part(archive, limits)
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
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, OverflowError, KeyError):
        archive.close()
        raise _Refusal("damaged", "Het bestand is beschadigd. Sla het opnieuw op vanuit Excel of Word.") \
            from None
    return Package(archive, limits, main, content_type, error_type)
