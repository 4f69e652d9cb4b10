"""Crafted packages that are not (safe) workbooks are refused by ``check_workbook`` with the right code,
quickly, and without an exception. Every sample is generated here; most are the worked example with one
thing changed, so the refusal can only come from that change."""

from __future__ import annotations

import io
import random
import time
import warnings
import zipfile
from collections.abc import Mapping
from pathlib import Path

import pytest

from toolbox_docs.forms.check import Check, WorkbookStatus, check_workbook
from toolbox_docs.settings import Settings
from toolbox_docs.share import ooxml
from toolbox_docs.share.ooxml import OLE2_MAGIC, XLSM, XLTX, sniff
from toolbox_docs.share.publish import content_digest

SETTINGS = Settings()
SECONDS = 5.0
BOMB_BYTES = 300 * 1024 * 1024
SHEET = "xl/worksheets/sheet1.xml"  # the form sheet ('Intake') of our generated workbook
WORKBOOK = "xl/workbook.xml"
MARKER = "xl/worksheets/sheet5.xml"  # the hidden marker sheet
TABLE = "xl/tables/table1.xml"  # the stakeholder table

LAUGHS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
          b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
          b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
          b'<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>\n')
EXTERNAL = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n')


def check(data: bytes, reader: str = "direct") -> tuple[Check, float]:
    started = time.perf_counter()
    result = check_workbook(data, lists=SETTINGS.lists, limits=SETTINGS.limits, reader=reader)
    return result, time.perf_counter() - started


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def repack(data: bytes, *, replace: Mapping[str, bytes] | None = None,
           add: list[tuple[str, bytes]] | None = None) -> bytes:
    """The package ``data`` with members replaced and extra (possibly odd or duplicate) members added."""
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names: here they are the point
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in members(data).items():
                archive.writestr(name, (replace or {}).get(name, content))
            for name, content in add or ():
                info = zipfile.ZipInfo(name)  # kept verbatim: ZipFile.write would normalise odd names
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, content)
    return buffer.getvalue()


def with_doctype(xml: bytes, prolog: bytes, entity: bytes) -> bytes:
    """``xml`` with its declaration replaced by ``prolog`` and ``entity`` used in the first text node."""
    body = xml.split(b"?>", 1)[1].lstrip() if xml.startswith(b"<?xml") else xml
    return prolog + body.replace(b"</t>", entity + b"</t>", 1) if b"</t>" in body else prolog + body


def with_content_type(data: bytes, content_type: str) -> bytes:
    types = members(data)["[Content_Types].xml"].decode()
    main_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    assert main_type in types
    return repack(data, replace={"[Content_Types].xml": types.replace(main_type, content_type).encode()})


def ole2(stream_names: list[str]) -> bytes:
    """A minimal compound-file header and directory with the given stream names (UTF-16 LE)."""
    header = OLE2_MAGIC + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff\x09\x00" + b"\x00" * (512 - 32)
    directory = b"".join(name.encode("utf-16-le").ljust(64, b"\x00") + b"\x00" * 64 for name in stream_names)
    return header + directory.ljust(4096, b"\x00")


def encrypted_example(example: bytes) -> bytes:
    try:
        from msoffcrypto.format.ooxml import OOXMLFile
    except ImportError:  # the test extras install it; without it, a crafted header says the same
        return ole2(["Root Entry", "EncryptionInfo", "EncryptedPackage"])
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(example)).encrypt("geheim", out)
    return out.getvalue()


def zip_bomb(path: Path, size: int = BOMB_BYTES) -> bytes:
    """A valid-looking workbook package with one member of ``size`` zero bytes, streamed (never in memory)."""
    chunk = b"\x00" * (1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats'
                         b'.org/package/2006/content-types"/>')
        archive.writestr("_rels/.rels", b'<?xml version="1.0"?><Relationships xmlns="http://schemas.'
                         b'openxmlformats.org/package/2006/relationships"/>')
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(size // len(chunk)):
                member.write(chunk)
    return path.read_bytes()


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return zip_bomb(tmp_path_factory.mktemp("bomb") / "bom.xlsx")


def _samples(example: bytes) -> dict[str, tuple[bytes, set[str]]]:
    parts = members(example)
    truncated = example[: len(example) // 2]
    return {
        "empty": (b"", {"empty"}),
        "only-whitespace": (b"\r\n  \t\n", {"empty"}),
        "random-bytes": (bytes([0x52]) + random.Random(2).randbytes(4095), {"not-office"}),
        "csv-renamed": (b"project;budget\nGroenplan;12.500\n", {"not-office"}),
        "text-utf16": ("projectnaam\tbudget\n".encode("utf-16"), {"not-office"}),
        "legacy-xls": (ole2(["Root Entry", "Workbook", "\x05SummaryInformation"]), {"legacy-xls"}),
        "ole2-encrypted-crafted": (ole2(["Root Entry", "EncryptionInfo", "EncryptedPackage"]), {"encrypted"}),
        "encrypted-example": (encrypted_example(example), {"encrypted"}),
        "truncated-zip": (truncated, {"damaged"}),
        "zip-without-office-parts": (_zip({"hello.txt": b"hallo"}), {"not-office"}),
        "small-zip-bomb": (repack(example, add=[("xl/media/nullen.bin", b"\x00" * (8 * 1024 * 1024))]),
                           {"hostile", "too-large"}),
        "dotdot-member": (repack(example, add=[("../../evil.xml", b"<x/>")]), {"hostile"}),
        "nested-dotdot-member": (repack(example, add=[("xl/../../evil.xml", b"<x/>")]), {"hostile"}),
        "absolute-member": (repack(example, add=[("/etc/evil.xml", b"<x/>")]), {"hostile"}),
        "windows-drive-member": (repack(example, add=[("C:/evil.xml", b"<x/>")]), {"hostile"}),
        "duplicate-member": (repack(example, add=[(SHEET, parts[SHEET])]), {"hostile"}),
        "entity-expansion-in-workbook": (repack(example, replace={
            WORKBOOK: with_doctype(parts[WORKBOOK], LAUGHS, b"&lol4;")}), {"hostile"}),
        "entity-expansion-in-sheet": (repack(example, replace={
            SHEET: with_doctype(parts[SHEET], LAUGHS, b"&lol4;")}), {"hostile"}),
        "external-entity-in-marker-sheet": (repack(example, replace={
            MARKER: with_doctype(parts[MARKER], EXTERNAL, b"&xxe;")}), {"hostile"}),
        "doctype-in-table-part": (repack(example, replace={
            TABLE: with_doctype(parts[TABLE], EXTERNAL, b"")}), {"hostile"}),
        "external-entity-in-workbook": (repack(example, replace={
            WORKBOOK: with_doctype(parts[WORKBOOK], EXTERNAL, b"&xxe;")}), {"hostile"}),
        "macro-vba-project": (repack(example, add=[("xl/vbaProject.bin", OLE2_MAGIC + b"\x00" * 504)]),
                              {"macro"}),
        "macro-content-type": (with_content_type(example, XLSM), {"macro"}),
        "template-xltx": (with_content_type(example, XLTX), {"template"}),
    }


def _zip(files: Mapping[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


SAMPLE_NAMES = [  # the keys of _samples, listed here so that parametrize knows them at collection
    "empty", "only-whitespace", "random-bytes", "csv-renamed", "text-utf16", "legacy-xls",
    "ole2-encrypted-crafted", "encrypted-example", "truncated-zip", "zip-without-office-parts",
    "small-zip-bomb", "dotdot-member", "nested-dotdot-member", "absolute-member", "windows-drive-member",
    "duplicate-member", "entity-expansion-in-workbook", "entity-expansion-in-sheet",
    "external-entity-in-marker-sheet", "doctype-in-table-part", "external-entity-in-workbook",
    "macro-vba-project", "macro-content-type", "template-xltx",
]


Samples = dict[str, tuple[bytes, set[str]]]


@pytest.fixture(scope="module")
def samples(example_intake: bytes) -> Samples:
    parts = members(example_intake)
    assert b"_toolbox" in parts["xl/workbook.xml"] and b"product" in parts[MARKER], "marker sheet moved"
    assert b"Belanghebbenden" in parts[TABLE], "table part moved"
    built = _samples(example_intake)
    assert sorted(built) == sorted(SAMPLE_NAMES)
    return built


def test_the_unchanged_example_is_accepted(example_intake: bytes) -> None:
    """The samples differ from the example by one change only, so that change is what is refused."""
    result, _ = check(example_intake)
    assert result.status == WorkbookStatus.VALID
    assert check(repack(example_intake))[0].status == WorkbookStatus.VALID, "repacking alone changes nothing"


@pytest.mark.parametrize("reader", ["direct", "openpyxl"])
@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_crafted_package_is_refused(name: str, reader: str, samples: Samples) -> None:
    data, codes = samples[name]
    result, seconds = check(data, reader)
    assert result.status in (WorkbookStatus.UNREADABLE, WorkbookStatus.INVALID, WorkbookStatus.NOT_OURS)
    assert result.status != WorkbookStatus.VALID
    assert [p.code for p in result.problems][:1] != [], "a refusal carries its reason"
    (problem,) = result.problems
    assert problem.code in codes, f"{name}: {problem.code} ({problem.message})"
    assert problem.severity == "fout" and problem.message.strip()
    assert result.record is None and result.kind is None
    assert seconds < SECONDS, f"{name} took {seconds:.1f} s"


@pytest.mark.parametrize("reader", ["direct", "openpyxl"])
def test_zip_bomb_of_300_mb_is_refused_quickly(bomb: bytes, reader: str) -> None:
    assert len(bomb) < 2 * 1024 * 1024, "the bomb is small on disk"
    result, seconds = check(bomb, reader)
    (problem,) = result.problems
    assert problem.code in {"too-large", "hostile"}, problem
    assert seconds < SECONDS


def test_sniff() -> None:
    assert sniff(b"") == "empty"
    assert sniff(b"\x00\x00  ") == "empty"
    assert sniff(OLE2_MAGIC + b"rest") == "ole2"
    assert sniff(b"PK\x03\x04") == "zip"
    assert sniff(b"<html>") == "other"



# --- custom document properties: the project's identity on the share (issue 13) -------------------------


def _docx_with_a_dms_property() -> bytes:
    """A Word document that a document management system already gave a custom property of its own, and
    a picture (stored compressed: the stamp must copy it as it is)."""
    import docx

    document = docx.Document()
    document.add_paragraph("Voorstel")
    out = io.BytesIO()
    document.save(out)
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    rebuilt = io.BytesIO()
    with source, zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr("word/media/foto.png", random.Random(1).randbytes(200_000))
    return ooxml.with_custom_properties(rebuilt.getvalue(), {"Zaaknummer": "Z/2027/0412"})


def test_custom_properties_are_set_next_to_others_and_copy_the_rest_as_it_is() -> None:
    original = _docx_with_a_dms_property()
    stamped = ooxml.with_custom_properties(original, {"ToolboxProject": "P-2027-1a2b3c"})
    limits = Settings().limits
    assert ooxml.custom_properties(stamped, limits=limits) == {"Zaaknummer": "Z/2027/0412",
                                                               "ToolboxProject": "P-2027-1a2b3c"}
    with zipfile.ZipFile(io.BytesIO(original)) as before, zipfile.ZipFile(io.BytesIO(stamped)) as after:
        assert after.testzip() is None
        for info in before.infolist():
            if info.filename not in (ooxml.CUSTOM_PART, ooxml.CONTENT_TYPES, "_rels/.rels"):
                assert after.read(info.filename) == before.read(info.filename), info.filename
                assert after.getinfo(info.filename).compress_size == info.compress_size, info.filename
    again = ooxml.with_custom_properties(stamped, {"ToolboxProject": "P-2027-1a2b3c"})
    assert content_digest(again) == content_digest(stamped), "stamping twice changes the document"
    import docx

    docx.Document(io.BytesIO(stamped))


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04 kapot", b"\x00" * 100])
def test_custom_properties_of_anything_else_are_none(data: bytes) -> None:
    assert ooxml.custom_properties(data, limits=Settings().limits) == {}


def test_custom_properties_with_an_entity_declaration_are_not_read() -> None:
    stamped = ooxml.with_custom_properties(_docx_with_a_dms_property(), {"ToolboxProject": "P-2027-1a2b3c"})
    custom = members(stamped)[ooxml.CUSTOM_PART].replace(b"P-2027-1a2b3c", b"&lol4;")
    hostile = repack(stamped, replace={ooxml.CUSTOM_PART: with_doctype(custom, LAUGHS, b"")})
    assert ooxml.custom_properties(hostile, limits=Settings().limits) == {}
