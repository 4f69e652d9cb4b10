"""The Word writer: anchors, styles, text hygiene, idempotence, refusals, and the default templates.

Test documents are built here with python-docx and lxml; the default templates come from
``scripts/build_proposal_templates.py``. LibreOffice tests use the ``soffice`` fixture of conftest.py
(skipped without LibreOffice unless ``TOOLBOX_STRICT=1``).
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.util
import io
import math
import shutil
import struct
import subprocess
import zipfile
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

import docx
import pytest
from docx.document import Document as DocxDocument
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import need
from toolbox_docs.documents.blocks import Block, BulletList, Heading, Image, Paragraph, Run, Table
from toolbox_docs.documents.docx_render import column_widths
from toolbox_docs.documents.docx_styles import TableText, longest_word_em
from toolbox_docs.documents.docx_writer import build_document, write_section
from toolbox_docs.errors import DocumentError
from toolbox_docs.limits import Limits
from toolbox_docs.share import ooxml

REPO = Path(__file__).resolve().parents[1]
TEMPLATES = REPO / "templates"
LIMITS = Limits()
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W, "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"}
SAMPLE = [
    Paragraph((Run("We betrekken "), Run("inwoners", bold=True), Run(" van Heerlerheide vroeg."))),
    Heading("Werkvormen"),
    BulletList.of("Informatieavond in de wijk", "Online enquête"),
    Table(("Werkvorm", "Uren", "Kosten"),
          (("Informatieavond", "12", "€ 1.250,00"), ("Enquête", "8", "€ 680,00"),
           ("Totaal", "20", "€ 1.930,00")),
          numeric=(False, True, True), total=True, caption="Begroting participatie"),
]
ONE = [Paragraph.of("De participatieparagraaf.")]
Converter = Callable[[Sequence[Path], str, Path], list[Path]]  # the ``soffice`` fixture of conftest.py


# --- building test documents ------------------------------------------------------------------


def save(document: DocxDocument) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def load(data: bytes) -> DocxDocument:
    return docx.Document(io.BytesIO(data))


def sdt_xml(tag: str, content: str, *, placeholder: bool = True, kind: str = "") -> str:
    flag = "<w:showingPlcHdr/>" if placeholder else ""
    return (f"<w:sdt {nsdecls('w')}><w:sdtPr><w:alias w:val=\"{tag}\"/><w:tag w:val=\"{tag}\"/>"
            f'<w:id w:val="4711"/>{flag}{kind}</w:sdtPr><w:sdtContent>{content}</w:sdtContent></w:sdt>')


def para_xml(text: str) -> str:
    return f"<w:p {nsdecls('w')}><w:r><w:t>{text}</w:t></w:r></w:p>"


def skeleton(*, dutch: bool = False) -> DocxDocument:
    """A proposal with headings, a header and footer, an unrelated bookmark and content control."""
    document = docx.Document()
    if dutch:
        dutch_styles(document)
    document.sections[0].header.paragraphs[0].text = "Koptekst Gemeente Voorbeeld"
    document.sections[0].footer.paragraphs[0].text = "Voettekst pagina"
    document.add_paragraph("Collegevoorstel", style="Title")
    document.add_paragraph("Inleiding", style="Heading 1")
    marked = document.add_paragraph("Tekst met een andere bladwijzer.")
    marked._p.insert(0, parse_xml(f'<w:bookmarkStart {nsdecls("w")} w:id="90" w:name="andere"/>'))
    marked._p.append(parse_xml(f'<w:bookmarkEnd {nsdecls("w")} w:id="90"/>'))
    document.element.body.insert(3, parse_xml(sdt_xml("datum", para_xml("1 januari"), placeholder=False)))
    return document


def with_sdt(*, inline: bool = False, plain: bool = False, alone: bool = True) -> bytes:
    document = skeleton()
    document.add_paragraph("Participatie", style="Heading 1")
    kind = "<w:text/>" if plain else ""
    if inline:
        run = f"<w:r {nsdecls('w')}><w:t>Klik hier</w:t></w:r>"
        p = document.add_paragraph("Zie: " if not alone else "")
        p._p.append(parse_xml(sdt_xml("Participatie", run, kind=kind)))
    else:
        document.element.body.insert(len(document.element.body) - 1,
                                     parse_xml(sdt_xml("participatie", para_xml("Plaatshouder"), kind=kind)))
    document.add_paragraph("Communicatie", style="Heading 1")
    document.add_paragraph("Daarna.")
    return save(document)


def with_bookmark() -> bytes:
    document = skeleton()
    document.add_paragraph("Participatie", style="Heading 1")
    first = document.add_paragraph("Oud een.")
    document.add_paragraph("Oud twee.")
    last = document.add_paragraph("Oud drie.")
    first._p.insert(0, parse_xml(f'<w:bookmarkStart {nsdecls("w")} w:id="7" w:name="PARTICIPATIE"/>'))
    last._p.append(parse_xml(f'<w:bookmarkEnd {nsdecls("w")} w:id="7"/>'))
    document.add_paragraph("Blijft staan.")
    return save(document)


def dutch_styles(document: DocxDocument) -> None:
    """Give heading styles Dutch ids (Kop1, Kop2) and no outline level: found by name only."""
    for level in (1, 2):
        style = document.styles[f"Heading {level}"]
        style.style_id = f"Kop{level}"
        for outline in style.element.iter(qn("w:outlineLvl")):
            outline.getparent().remove(outline)


def with_heading(*, dutch: bool = True) -> bytes:
    document = skeleton(dutch=dutch)
    document.add_paragraph("  participatie ", style="Heading 1")
    document.add_paragraph("Oude tekst.")
    document.add_paragraph("Oude subkop", style="Heading 2")
    document.add_paragraph("Oude subtekst.")
    document.add_paragraph("Communicatie", style="Heading 1")
    document.add_paragraph("Communicatietekst.")
    return save(document)


# --- reading results back ---------------------------------------------------------------------


def body_of(data: bytes) -> etree._Element:
    return load(data).element.body


def ptext(p: etree._Element) -> str:
    """A paragraph's text as Word shows it, including runs inside inline content controls."""
    pieces = {qn("w:br"): "\n", qn("w:cr"): "\n", qn("w:tab"): "\t"}
    return "".join((node.text or "") if node.tag == qn("w:t") else pieces.get(node.tag, "")
                   for node in p.iter(qn("w:t"), *pieces))


def texts(data: bytes) -> list[str]:
    """Every paragraph's text in the body in document order (including content controls and cells)."""
    return [ptext(p) for p in load(data).element.body.iter(qn("w:p"))]


def story_texts(data: bytes) -> list[str]:
    document = load(data)
    parts = [document.sections[0].header, document.sections[0].footer]
    return [p.text for part in parts for p in part.paragraphs]


def control_texts(data: bytes, tag: str = "participatie") -> list[str]:
    document = load(data)
    found = [s for s in document.element.body.iter(qn("w:sdt"))
             if (s.find(f"{qn('w:sdtPr')}/{qn('w:tag')}").get(qn("w:val")) or "").lower() == tag]
    assert len(found) == 1
    return [ptext(p) for p in found[0].iter(qn("w:p"))]


def section_after(data: bytes, heading: str) -> list[str]:
    all_texts = texts(data)
    start = next(i for i, t in enumerate(all_texts) if t.strip().lower() == heading.lower())
    return all_texts[start + 1:]


def part_xml(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return etree.fromstring(archive.read(name))


def style_name(data: bytes, style_id: str) -> str:
    styles = part_xml(data, "word/styles.xml")
    for style in styles.iter(f"{{{W}}}style"):
        if style.get(f"{{{W}}}styleId") == style_id:
            return style.find(f"{{{W}}}name").get(f"{{{W}}}val")
    raise AssertionError(f"style {style_id} missing")


def paragraph_styles(data: bytes) -> dict[str, str]:
    """Text -> style name of every body paragraph that has a style."""
    found = {}
    for p in body_of(data).iter(qn("w:p")):
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        if style is not None:
            found[ptext(p)] = style_name(data, style.get(qn("w:val")))
    return found


def png(width: int = 4, height: int = 3) -> bytes:
    def chunk(kind: bytes, payload: bytes) -> bytes:
        checksum = struct.pack(">I", zlib.crc32(kind + payload))
        return struct.pack(">I", len(payload)) + kind + payload + checksum

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunks = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


def refused(code: str, call: Callable[[], object]) -> DocumentError:
    with pytest.raises(DocumentError) as caught:
        call()
    assert caught.value.code == code, caught.value.message
    assert caught.value.message and "Traceback" not in caught.value.message
    return caught.value


# --- anchors ----------------------------------------------------------------------------------


def test_block_content_control_is_filled_and_its_placeholder_flag_cleared() -> None:
    result = write_section(with_sdt(), SAMPLE, limits=LIMITS)
    inside = control_texts(result)
    assert inside[0] == "We betrekken inwoners van Heerlerheide vroeg."
    assert "Plaatshouder" not in texts(result)
    assert "Online enquête" in inside and "€ 1.250,00" in inside
    sdt = next(s for s in body_of(result).iter(qn("w:sdt")) if "participatie" in etree.tostring(s).decode())
    assert sdt.find(f"{qn('w:sdtPr')}/{qn('w:showingPlcHdr')}") is None
    assert sdt.find(f"{qn('w:sdtPr')}/{qn('w:alias')}").get(qn("w:val")) == "participatie"


def test_inline_rich_text_control_alone_on_its_line_becomes_a_block_control() -> None:
    result = write_section(with_sdt(inline=True), SAMPLE, limits=LIMITS)
    assert control_texts(result)[:2] == ["We betrekken inwoners van Heerlerheide vroeg.", "Werkvormen"]
    sdt = next(s for s in body_of(result).iter(qn("w:sdt"))
               if s.find(f"{qn('w:sdtPr')}/{qn('w:tag')}").get(qn("w:val")) == "Participatie")
    assert sdt.getparent().tag == qn("w:body")
    assert write_section(result, SAMPLE, limits=LIMITS) == result


def test_inline_control_in_a_sentence_takes_one_paragraph_of_text_but_refuses_lists() -> None:
    source = with_sdt(inline=True, alone=False)
    result = write_section(source, [Paragraph((Run("vet", bold=True), Run(" en gewoon")))], limits=LIMITS)
    assert "Zie: vet en gewoon" in texts(result)
    error = refused("anchor-unsupported", lambda: write_section(source, SAMPLE, limits=LIMITS))
    assert "eigen regel" in error.message


def test_plain_text_control_takes_text_only() -> None:
    source = with_sdt(plain=True)
    result = write_section(source, [Paragraph((Run("een", bold=True), Run(" twee")))], limits=LIMITS)
    assert control_texts(result) == ["een twee"]
    content = next(c for c in body_of(result).iter(qn("w:sdtContent")) if "een twee" in ptext(c))
    assert not list(content.iter(qn("w:b")))
    error = refused("anchor-unsupported", lambda: write_section(source, SAMPLE, limits=LIMITS))
    assert "Tekst zonder opmaak" in error.message


def test_date_control_is_refused_with_advice() -> None:
    document = skeleton()
    document.element.body.insert(2, parse_xml(sdt_xml("participatie", para_xml("x"), kind="<w:date/>")))
    error = refused("anchor-unsupported", lambda: write_section(save(document), ONE, limits=LIMITS))
    assert "datumkiezer" in error.message


def test_control_in_a_table_cell_ends_with_a_paragraph() -> None:
    document = skeleton()
    table = document.add_table(rows=1, cols=2)
    cell = table.cell(0, 1)._tc
    cell.remove(cell.find(qn("w:p")))
    cell.append(parse_xml(sdt_xml("participatie", para_xml("x"))))
    result = write_section(save(document), [Table(("A", "B"), (("1", "2"),))], limits=LIMITS)
    content = next(c for c in body_of(result).iter(qn("w:sdtContent")) if c.find(qn("w:tbl")) is not None)
    assert [etree.QName(c).localname for c in content] == ["tbl", "p"]
    assert write_section(result, [Table(("A", "B"), (("1", "2"),))], limits=LIMITS) == result


def test_binding_and_temporary_flags_are_removed_from_the_filled_control() -> None:
    document = skeleton()
    extra = ('<w:temporary/><w:dataBinding w:xpath="/root/p" '
             'w:storeItemID="{00000000-0000-0000-0000-000000000000}"/>')
    document.element.body.insert(2, parse_xml(sdt_xml("participatie", para_xml("x"), kind=extra)))
    result = write_section(save(document), ONE, limits=LIMITS)
    sdt_pr = next(s for s in body_of(result).iter(qn("w:sdtPr")) if s.find(qn("w:tag")).get(qn("w:val")) ==
                  "participatie")
    assert [etree.QName(c).localname for c in sdt_pr] == ["alias", "tag", "id"]


def test_control_around_table_rows_is_refused() -> None:
    document = skeleton()
    table = document.add_table(rows=1, cols=1)
    row = table.rows[0]._tr
    sdt = parse_xml(sdt_xml("participatie", ""))
    row.addprevious(sdt)
    sdt.find(qn("w:sdtContent")).append(row)
    refused("anchor-unsupported", lambda: write_section(save(document), ONE, limits=LIMITS))


def test_another_anchor_name_and_no_blocks() -> None:
    document = skeleton()
    document.add_paragraph("Communicatie", style="Heading 1")
    document.add_paragraph("Oud.")
    result = write_section(save(document), [], limits=LIMITS, anchor="communicatie")
    assert section_after(result, "Communicatie") == [""]


def test_bookmark_range_is_replaced_and_the_bookmark_kept_around_the_new_content() -> None:
    result = write_section(with_bookmark(), SAMPLE, limits=LIMITS)
    after = section_after(result, "Participatie")
    assert after[0] == "We betrekken inwoners van Heerlerheide vroeg."
    assert "Oud twee." not in after and "Blijft staan." in after
    body = body_of(result)
    start = next(b for b in body.iter(qn("w:bookmarkStart")) if b.get(qn("w:name")) == "PARTICIPATIE")
    end = next(b for b in body.iter(qn("w:bookmarkEnd")) if b.get(qn("w:id")) == start.get(qn("w:id")))
    order = list(body.iter())
    first_new = next(t for t in body.iter(qn("w:t")) if t.text == "We betrekken ")
    last_new = next(p for p in body.iter(qn("w:p")) if ptext(p) == "Blijft staan.")
    assert order.index(start) < order.index(first_new) < order.index(end) < order.index(last_new)


def _bookmarked(paragraphs: Sequence[str], *, start: tuple[int, int], end: tuple[int, int]) -> bytes:
    """A document whose paragraphs are ``paragraphs`` (each split into runs at '|'), with a bookmark
    'participatie' starting before run ``start[1]`` of paragraph ``start[0]`` and ending before run
    ``end[1]`` of paragraph ``end[0]`` (a run index past the last run: at the end of the paragraph)."""
    document = docx.Document()
    document.add_paragraph("Collegevoorstel", style="Title")
    made = []
    for text in paragraphs:
        p = document.add_paragraph()
        for piece in text.split("|"):
            if piece:
                p.add_run(piece)
        made.append(p)
    for (number, run), tag in ((start, "bookmarkStart"), (end, "bookmarkEnd")):
        p = made[number]._p
        runs = p.findall(qn("w:r"))
        mark = parse_xml(f'<w:{tag} {nsdecls("w")} w:id="5"' + (' w:name="participatie"/>' if tag == "bookmarkStart"
                                                                  else "/>"))
        if run < len(runs):
            runs[run].addprevious(mark)
        else:
            p.append(mark)
    return save(document)


@pytest.mark.parametrize(("paragraphs", "start", "end", "expected"), [
    # a bookmark of no length at the end of a sentence: the sentence stays, the paragraph follows it
    (["Zie hieronder.|", "Slot."], (0, 1), (0, 1), ["Zie hieronder.", "De participatieparagraaf.", "Slot."]),
    # of no length at the start of a sentence: the paragraph goes before it
    (["Tekst daarna.", "Slot."], (0, 0), (0, 0), ["De participatieparagraaf.", "Tekst daarna.", "Slot."]),
    # around a few words inside a sentence: the sentence stays whole
    (["Voor |midden| na.", "Slot."], (0, 1), (0, 2), ["Voor midden na.", "De participatieparagraaf.", "Slot."]),
    # from the middle of one paragraph to the middle of another: those two stay, the one between goes
    (["Een |twee", "Drie", "Vier| vijf"], (0, 1), (2, 1), ["Een twee", "De participatieparagraaf.", "Vier vijf"]),
    # in an empty paragraph (a placeholder line): the empty paragraph is the place
    (["Voor.", "", "Na."], (1, 0), (1, 0), ["Voor.", "De participatieparagraaf.", "Na."]),
])
def test_a_bookmark_of_any_shape_never_removes_text_outside_it(paragraphs: list[str], start: tuple[int, int],
                                                                 end: tuple[int, int], expected: list[str]) -> None:
    """Issue 13 item 6: a bookmark 'participatie' of no length at the end of a sentence deleted the whole
    paragraph. A block the bookmark covers only in part is kept; the paragraph goes beside it, the bookmark
    then marks the new content, and the next write replaces exactly that."""
    first = write_section(_bookmarked(paragraphs, start=start, end=end), ONE, limits=LIMITS)
    assert texts(first)[1:] == expected
    again = write_section(first, [Paragraph.of("Nieuwe paragraaf.")], limits=LIMITS)
    assert texts(again)[1:] == [t if t != "De participatieparagraaf." else "Nieuwe paragraaf." for t in expected]
    assert write_section(again, [Paragraph.of("Nieuwe paragraaf.")], limits=LIMITS) == again


def test_heading_anchor_in_a_dutch_heading_style_replaces_its_section_only() -> None:
    source = with_heading(dutch=True)
    result = write_section(source, SAMPLE, limits=LIMITS)
    after = section_after(result, "participatie")
    assert after[0] == "We betrekken inwoners van Heerlerheide vroeg."
    assert "Oude tekst." not in after and "Oude subkop" not in after and "Oude subtekst." not in after
    assert after[-2:] == ["Communicatie", "Communicatietekst."]
    styles = paragraph_styles(result)
    assert styles["Werkvormen"] == "heading 2"
    assert styles["  participatie "] == "heading 1"
    used_ids = {s.get(qn("w:val")) for s in body_of(result).iter(qn("w:pStyle"))}
    assert {"Kop1", "Kop2"} <= used_ids and "Heading1" not in used_ids


def test_heading_found_by_outline_level_of_a_custom_style() -> None:
    document = docx.Document()
    styles = document.styles.element
    styles.append(parse_xml(f'<w:style {nsdecls("w")} w:type="paragraph" w:styleId="EigenKop">'
                            '<w:name w:val="Eigen kop"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>'))
    document.add_paragraph("Participatie", style="Eigen kop")
    document.add_paragraph("Oud.")
    document.add_paragraph("Volgende", style="Eigen kop")
    result = write_section(save(document), SAMPLE, limits=LIMITS)
    assert section_after(result, "Participatie")[0].startswith("We betrekken")
    assert "Oud." not in texts(result) and "Volgende" in texts(result)
    assert paragraph_styles(result)["Werkvormen"] == "heading 3"


def test_content_control_wins_over_a_heading_and_headings_go_one_below_the_nearest() -> None:
    result = write_section(with_sdt(), SAMPLE, limits=LIMITS)
    assert section_after(result, "Participatie")[0].startswith("We betrekken")
    assert paragraph_styles(result)["Werkvormen"] == "heading 2"


def test_without_a_heading_before_the_anchor_headings_start_at_level_two() -> None:
    document = docx.Document()
    document.element.body.insert(0, parse_xml(sdt_xml("participatie", para_xml("x"))))
    result = write_section(save(document), [Heading("Kop")], limits=LIMITS)
    assert paragraph_styles(result)["Kop"] == "heading 2"


def test_no_anchor_is_refused_with_what_to_add() -> None:
    error = refused("no-anchor", lambda: write_section(save(skeleton()), ONE, limits=LIMITS))
    assert "Voeg een inhoudsbesturingselement met label 'participatie' toe, of een kop 'Participatie'." \
        in error.message


@pytest.mark.parametrize("kind", ["sdt", "bookmark", "heading"])
def test_two_anchors_of_the_winning_kind_are_refused(kind: str) -> None:
    document = skeleton()
    for number in (1, 2):
        if kind == "sdt":
            document.element.body.insert(2, parse_xml(sdt_xml("participatie", para_xml("x"))))
        elif kind == "bookmark":
            p = document.add_paragraph("x")
            p._p.append(parse_xml(f'<w:bookmarkStart {nsdecls("w")} w:id="{number}" w:name="participatie"/>'))
        else:
            document.add_paragraph("Participatie", style="Heading 2")
    refused("anchor-ambiguous", lambda: write_section(save(document), ONE, limits=LIMITS))


def test_a_heading_at_level_nine_keeps_its_section_whole() -> None:
    document = docx.Document()
    document.add_paragraph("Participatie", style="Heading 9")
    document.add_paragraph("Oud.")
    first = write_section(save(document), [Heading("Sub"), Paragraph.of("Tekst")], limits=LIMITS)
    assert write_section(first, [Heading("Sub"), Paragraph.of("Tekst")], limits=LIMITS) == first
    assert texts(first) == ["Participatie", "Sub", "Tekst"]
    assert "Sub" not in paragraph_styles(first)


def test_section_stops_before_a_section_break() -> None:
    document = docx.Document()
    document.add_paragraph("Participatie", style="Heading 1")
    document.add_paragraph("Oud.")
    document.add_section()
    document.add_paragraph("Nieuwe sectie.")
    source = save(document)
    result = write_section(source, ONE, limits=LIMITS)
    assert texts(result) == ["Participatie", "De participatieparagraaf.", "", "Nieuwe sectie."]
    assert len(load(result).sections) == 2


# --- idempotence and what stays ---------------------------------------------------------------


@pytest.mark.parametrize("make", [with_sdt, with_bookmark, with_heading], ids=["sdt", "bookmark", "heading"])
def test_writing_twice_gives_one_paragraph(make: Callable[[], bytes]) -> None:
    once = write_section(make(), SAMPLE, limits=LIMITS)
    twice = write_section(once, SAMPLE, limits=LIMITS)
    assert texts(twice) == texts(once)
    assert texts(once).count("We betrekken inwoners van Heerlerheide vroeg.") == 1
    assert twice == once
    other = write_section(once, ONE, limits=LIMITS)
    assert "Werkvormen" not in texts(other) and texts(other).count("De participatieparagraaf.") == 1


@pytest.mark.parametrize("make", [with_sdt, with_bookmark, with_heading], ids=["sdt", "bookmark", "heading"])
def test_everything_outside_the_anchor_is_unchanged(make: Callable[[], bytes]) -> None:
    source = make()
    result = write_section(source, SAMPLE, limits=LIMITS)
    old, new = texts(source), texts(result)
    heading = next(i for i, t in enumerate(old) if t.strip().lower() == "participatie")
    assert new[:heading + 1] == old[:heading + 1]
    tail = old[next(i for i, t in enumerate(old) if t in ("Communicatie", "Blijft staan.")):]
    assert new[-len(tail):] == tail
    assert story_texts(result) == story_texts(source)
    assert "1 januari" in texts(result)
    names = {b.get(qn("w:name")) for b in body_of(result).iter(qn("w:bookmarkStart"))}
    assert "andere" in names
    tags = {s.get(qn("w:val")) for s in body_of(result).iter(qn("w:tag"))}
    assert "datum" in tags
    assert part_xml(result, "word/styles.xml") is not None


def test_bookmarks_inside_the_replaced_section_are_kept() -> None:
    document = docx.Document()
    document.add_paragraph("Participatie", style="Heading 1")
    inner = document.add_paragraph("Oud.")
    inner._p.insert(0, parse_xml(f'<w:bookmarkStart {nsdecls("w")} w:id="3" w:name="_Ref123"/>'))
    inner._p.append(parse_xml(f'<w:bookmarkEnd {nsdecls("w")} w:id="3"/>'))
    result = write_section(save(document), ONE, limits=LIMITS)
    body = body_of(result)
    assert [b.get(qn("w:name")) for b in body.iter(qn("w:bookmarkStart"))] == ["_Ref123"]
    assert [b.get(qn("w:id")) for b in body.iter(qn("w:bookmarkEnd"))] == ["3"]


def test_tracked_changes_and_protection_elsewhere_stay() -> None:
    document = docx.Document()
    settings_xml = document.settings.element
    settings_xml.append(parse_xml(f'<w:trackRevisions {nsdecls("w")}/>'))
    settings_xml.append(parse_xml(f'<w:documentProtection {nsdecls("w")} w:edit="forms" w:enforcement="1"/>'))
    p = document.add_paragraph("Vaste tekst ")
    p._p.append(parse_xml(f'<w:ins {nsdecls("w")} w:id="1" w:author="Iemand" w:date="2024-01-01T00:00:00Z">'
                          "<w:r><w:t>ingevoegd</w:t></w:r></w:ins>"))
    document.add_paragraph("Participatie", style="Heading 1")
    old = document.add_paragraph()
    old._p.append(parse_xml(f'<w:del {nsdecls("w")} w:id="2" w:author="Iemand" w:date="2024-01-01T00:00:00Z">'
                            "<w:r><w:delText>weg</w:delText></w:r></w:del>"))
    result = write_section(save(document), ONE, limits=LIMITS)
    body = body_of(result)
    assert [e.get(qn("w:author")) for e in body.iter(qn("w:ins"))] == ["Iemand"]
    assert not list(body.iter(qn("w:del")))
    settings_part = part_xml(result, "word/settings.xml")
    assert settings_part.find(qn("w:trackRevisions")) is not None
    assert settings_part.find(qn("w:documentProtection")) is not None


# --- text hygiene -----------------------------------------------------------------------------


def clean(text: str) -> str:
    """Test oracle: what may survive of ``text`` in XML 1.0, with CR/CRLF read as a line break."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c for c in text if c in "\t\n" or 0x20 <= ord(c) <= 0xD7FF or 0xE000 <= ord(c) <= 0xFFFD
                   or ord(c) >= 0x10000)


@pytest.mark.parametrize("text", [
    "Tom & Jerry <script>alert('x')</script> \"citaat\" 'enkel'",
    "Emoji 👩‍👩‍👧 en 🇳🇱 blijven",
    "Arabisch مرحبا بالعالم, Hebreeuws שלום, gemengd abc مرحبا 123",
    "stuur\x00tekens\x01\x08\x0b\x0c\x1f weg, \ufffe\uffff ook, tab\tblijft",
    "regel een\nregel twee\r\nregel drie\rregel vier",
    "  spaties voor en na  ",
    "x" * 20_000,
])
def test_text_comes_out_exactly(text: str) -> None:
    blocks = [Paragraph.of(text), Heading(text), BulletList.of(text)]
    result = write_section(with_sdt(), blocks, limits=LIMITS)
    assert control_texts(result) == [clean(text)] * 3


def test_a_line_break_in_a_run_is_a_break_element() -> None:
    result = write_section(with_sdt(), [Paragraph.of("een\ntwee")], limits=LIMITS)
    sdt_content = next(body_of(result).iter(qn("w:sdtContent")))
    runs = [r for r in body_of(result).iter(qn("w:r")) if "twee" in ptext(r)]
    assert [etree.QName(child).localname for child in runs[0]] == ["t", "br", "t"]
    assert sdt_content is not None


# --- styles, tables, lists, pictures ----------------------------------------------------------


def numbered(*items: str) -> BulletList:
    return BulletList(tuple((Run(item),) for item in items), ordered=True)


def first_table(data: bytes) -> etree._Element:
    return next(body_of(data).iter(qn("w:tbl")))


def test_table_has_a_repeating_header_right_aligned_numbers_and_a_bold_total() -> None:
    result = write_section(with_sdt(), SAMPLE, limits=LIMITS)
    table = first_table(result)
    rows = table.findall(qn("w:tr"))
    assert rows[0].find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
    assert all(r.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is None for r in rows[1:])
    amounts = rows[1].findall(qn("w:tc"))[2]
    assert amounts.find(f".//{qn('w:jc')}").get(qn("w:val")) == "right"
    assert rows[1].findall(qn("w:tc"))[0].find(f".//{qn('w:jc')}") is None
    assert rows[-1].find(f".//{qn('w:b')}") is not None and rows[1].find(f".//{qn('w:b')}") is None
    style_id = table.find(f"{qn('w:tblPr')}/{qn('w:tblStyle')}").get(qn("w:val"))
    assert style_name(result, style_id) == "Table Grid"
    assert table.find(f"{qn('w:tblPr')}/{qn('w:tblCaption')}").get(qn("w:val")) == "Begroting participatie"


def test_without_table_grid_the_table_gets_borders_of_its_own() -> None:
    document = docx.Document(io.BytesIO(with_sdt()))
    grid = document.styles["Table Grid"].element
    grid.getparent().remove(grid)
    table = first_table(write_section(save(document), SAMPLE, limits=LIMITS))
    assert table.find(f"{qn('w:tblPr')}/{qn('w:tblStyle')}") is None
    assert table.find(f"{qn('w:tblPr')}/{qn('w:tblBorders')}/{qn('w:insideH')}") is not None


EURO = "\u20ac\u00a0"  # "€" and a no-break space, as the euro filter writes amounts
AMOUNTS = Table(
    ("Werkvorm", "Waarvoor", "Uren", "Intern", "Extern", "Totaal"),
    (("Koffiekar en straatgesprekken", "informeren; jongeren, ouderen en anderstaligen bereiken", "20",
      f"{EURO}1.700,00", f"{EURO}400,00", f"{EURO}2.100,00"),
     ("Terugkoppelingsbijeenkomst", "terugkoppelen", "14", f"{EURO}1.190,00", f"{EURO}530,00",
      f"{EURO}1.720,00"),
     ("Totaal", "", "34", f"{EURO}2.890,00", f"{EURO}930,00", f"{EURO}13.820,00")),
    numeric=(False, False, True, True, True, True), total=True)
CHECKLIST = Table(
    ("Punt", "In orde?", "Wat te doen"),
    (("Vooraf staat op papier wat vastligt en wat nog open is voor invloed.", "ja", ""),
     ("De belanghebbenden staan in kaart, en de werkvormen bereiken hen en de groepen die extra aandacht "
      "vragen.", "nee", "Bekijk 'Belanghebbenden (stakeholderanalyse)' in de intake.")))


def text_width(data: bytes) -> int:
    """Page width minus the left and right margins of the document's (last) section, in twips."""
    sect_pr = body_of(data).find(qn("w:sectPr"))
    page, margins = sect_pr.find(qn("w:pgSz")), sect_pr.find(qn("w:pgMar"))
    return int(page.get(qn("w:w"))) - int(margins.get(qn("w:left"))) - int(margins.get(qn("w:right")))


def twips_per_em(data: bytes) -> int:
    """The table text's font size in twips (from the document defaults: the base styles set none)."""
    styles = part_xml(data, "word/styles.xml")
    for style in styles.iter(qn("w:style")):
        assert style.get(qn("w:styleId")) not in ("Standaard", "Tabelraster") or style.find(
            f"{qn('w:rPr')}/{qn('w:sz')}") is None
    return 10 * int(styles.find(f"{qn('w:docDefaults')}//{qn('w:sz')}").get(qn("w:val")))


def table_em(table: etree._Element, data: bytes) -> int:
    """The font size in twips a table's text is set at: its runs' own size (a table too wide for its
    words is set smaller, never under 8 pt), else the document's."""
    sizes = {int(sz.get(qn("w:val"))) for sz in table.iter(qn("w:sz"))}
    assert len(sizes) <= 1 and all(size >= 16 for size in sizes), sizes
    return 10 * sizes.pop() if sizes else twips_per_em(data)


def column_widths_of(table: etree._Element) -> list[int]:
    """The grid's column widths, after checking that every cell says the same and the layout is fixed."""
    grid = [int(c.get(qn("w:w"))) for c in table.iter(qn("w:gridCol"))]
    for row in table.findall(qn("w:tr")):
        cells = [int(c.find(f"{qn('w:tcPr')}/{qn('w:tcW')}").get(qn("w:w"))) for c in row.findall(qn("w:tc"))]
        assert cells == grid
    tbl_pr = table.find(qn("w:tblPr"))
    assert tbl_pr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    assert tbl_pr.find(qn("w:tblW")).get(qn("w:w")) == str(sum(grid))
    return grid


@pytest.mark.parametrize("total", [False, True], ids=["plain", "bold-total"])
def test_numeric_columns_fit_their_longest_amount_and_the_table_fills_the_text_width(total: bool) -> None:
    amounts = dataclasses.replace(AMOUNTS, total=total)
    result = build_document([amounts], limits=LIMITS, title="Begroting")
    table = first_table(result)
    widths = column_widths_of(table)
    assert sum(widths) == text_width(result)
    em, margins = table_em(table, result), 2 * 108  # cell margins of plan-basis's "Normal Table"
    rows = [amounts.header, *amounts.rows]
    for column in (2, 3, 4, 5):
        longest = max(len(row[column]) for row in amounts.rows)
        assert widths[column] >= 0.55 * longest * em + margins, (column, widths)  # 0.55 em: conservative
        header_word = len(amounts.header[column])
        assert widths[column] >= 0.55 * header_word * em + margins
    assert widths[1] > widths[3] and widths[0] > widths[3]  # the text columns get the rest
    for row, cells in zip(rows, table.findall(qn("w:tr")), strict=True):
        for index, cell in enumerate(cells.findall(qn("w:tc"))):
            no_wrap = cell.find(f"{qn('w:tcPr')}/{qn('w:noWrap')}") is not None
            assert no_wrap == (amounts.numeric[index] and row is not amounts.header), (row, index)


# Fifty parties with long Dutch names, as the plan's stakeholder table shows them.
LONG_NAMES = ("Huurdersbelangenvereniging", "Stichting Monitoringsprogramma Biodiversiteit",
              "Ondernemersvereniging Binnenstad", "Terugkoppelingsbijeenkomst")
PARTIES = Table(
    ("Nr.", "Partij", "Categorie", "Invloed", "Belang", "Standpunt", "Aanpak"),
    tuple((str(n), f"{LONG_NAMES[n % 4]} {n}", "maatschappelijke organisaties", "4", "5", "onbekend",
           "informeren en betrekken") for n in range(1, 51)),
    numeric=(True, False, False, True, True, False, False))


def test_a_table_too_wide_for_its_words_is_set_smaller_so_no_word_breaks() -> None:
    result = build_document([PARTIES], limits=LIMITS, title="Betrokkenen")
    table = first_table(result)
    em, default = table_em(table, result), twips_per_em(result)
    assert 160 <= em < default  # smaller than the text, never under 8 pt
    widths = column_widths_of(table)
    rows = [PARTIES.header, *PARTIES.rows]
    for index, width in enumerate(widths):
        word = max(longest_word_em(row[index], bold=n == 0) for n, row in enumerate(rows))
        assert width >= word * em + 2 * 108, (index, widths)


def test_rows_never_split_the_header_repeats_and_the_last_row_is_never_alone() -> None:
    def kept(row: etree._Element) -> bool:
        return all(p.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None for p in row.iter(qn("w:p")))

    long = first_table(build_document([PARTIES], limits=LIMITS, title="Betrokkenen")).findall(qn("w:tr"))
    assert all(row.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for row in long)
    assert long[0].find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
    assert [kept(row) for row in long] == [True] + [False] * 48 + [True, False]
    short = first_table(build_document([CHECKLIST], limits=LIMITS, title="Checklist")).findall(qn("w:tr"))
    assert [kept(row) for row in short] == [True] * (len(short) - 1) + [False]  # kept on one page


def test_a_short_answer_column_is_narrow_and_the_text_columns_share_the_rest() -> None:
    result = build_document([CHECKLIST], limits=LIMITS, title="Checklist")
    widths = column_widths_of(first_table(result))
    assert sum(widths) == text_width(result)
    em = twips_per_em(result)
    assert 0.5 * len("orde?") * em < widths[1] < widths[2] / 2 < widths[0] / 2  # "In orde?" / "ja", "nee"


def test_widths_follow_the_section_the_table_is_in() -> None:
    document = docx.Document()  # US Letter with 3.17 cm margins: 8640 twips of text
    document.add_paragraph("Participatie", style="Heading 1")
    document.add_paragraph("Oud.")
    narrow = document.add_section()
    narrow.left_margin = narrow.right_margin = docx.shared.Cm(5)
    document.add_paragraph("Smalle sectie.")
    first = write_section(save(document), [AMOUNTS], limits=LIMITS)
    assert sum(column_widths_of(first_table(first))) == 12240 - 2 * 1800
    document.add_paragraph("Participatie", style="Heading 2")  # now in the narrow last section
    document.paragraphs[0].style = document.styles["Normal"]
    second = write_section(save(document), [AMOUNTS], limits=LIMITS)
    assert sum(column_widths_of(first_table(second))) == text_width(second) == 12240 - 2 * 2835


def test_a_table_in_a_table_cell_stays_inside_the_cell() -> None:
    document = skeleton()
    outer = document.add_table(rows=1, cols=2)
    cell = outer.cell(0, 1)._tc
    cell.remove(cell.find(qn("w:p")))
    cell.append(parse_xml(sdt_xml("participatie", para_xml("x"))))
    cell_width = int(cell.find(f"{qn('w:tcPr')}/{qn('w:tcW')}").get(qn("w:w")))
    result = write_section(save(document), [AMOUNTS], limits=LIMITS)
    inner = next(t for t in body_of(result).iter(qn("w:tbl")) if t.getparent().tag == qn("w:sdtContent"))
    assert sum(column_widths_of(inner)) <= cell_width - 2 * 108


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(table=st.integers(1, 8).flatmap(lambda columns: st.tuples(
    st.lists(st.lists(st.text(max_size=40), min_size=columns, max_size=columns), min_size=1, max_size=5),
    st.lists(st.booleans(), min_size=columns, max_size=columns))),
    available=st.integers(720, 31680))
def test_column_widths_always_add_up_and_amounts_fit_when_there_is_room(
        table: tuple[list[list[str]], list[bool]], available: int) -> None:
    rows, numeric = table
    bold = [index == 0 for index in range(len(rows))]
    widths = column_widths(rows, bold, numeric, available=available, text=TableText(200, 1.0, 216))
    assert sum(widths) == available and all(width >= 0 for width in widths)

    def longest(texts: list[str], split: Callable[[str], list[str]]) -> int:
        return max((len(piece) for text in texts for piece in split(clean(text))), default=0)

    columns = [[row[i] for row in rows] for i in range(len(numeric))]
    # At least 0.55 em per character of the longest value (less a twip for float rounding); at most a
    # full em per character, bold.
    needs = [math.floor(0.55 * 200 * longest(c[1:], str.splitlines)) - 1 + 216 for c in columns]
    widest = [math.ceil(1.2 * 200 * longest(c, str.splitlines if n else str.split)) + 216
              for c, n in zip(columns, numeric, strict=True)]
    numbers = sum(w for w, n in zip(widest, numeric, strict=True) if n)
    # Room: the amounts at their widest, and every text column at a third of its widest but never less
    # than its cell margins (a column cannot be narrower than its margins).
    text_room = sum(max(216, w / 3) for w, n in zip(widest, numeric, strict=True) if not n)
    if numbers + text_room <= available:
        assert all(width >= need for width, need, n in zip(widths, needs, numeric, strict=True) if n)


def test_lists_use_the_list_styles_and_a_numbering_of_their_own() -> None:
    blocks = [BulletList.of("a", "b"), numbered("een", "twee"), numbered("drie")]
    result = write_section(with_sdt(), blocks, limits=LIMITS)
    styles = paragraph_styles(result)
    assert styles["a"] == "List Bullet" and styles["een"] == "List Number"
    numbering = part_xml(result, "word/numbering.xml")
    num_ids = {ptext(p): p.find(f".//{qn('w:numId')}").get(qn("w:val"))
               for p in body_of(result).iter(qn("w:p")) if p.find(f".//{qn('w:numId')}") is not None}
    assert num_ids["a"] == num_ids["b"] and num_ids["een"] == num_ids["twee"] != num_ids["drie"]
    formats = {}
    for num in numbering.findall(qn("w:num")):
        abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
        abstract = next(a for a in numbering.findall(qn("w:abstractNum"))
                        if a.get(qn("w:abstractNumId")) == abstract_id)
        formats[num.get(qn("w:numId"))] = abstract.find(f".//{qn('w:numFmt')}").get(qn("w:val"))
    assert formats[num_ids["a"]] == "bullet" and formats[num_ids["een"]] == "decimal"
    tags = [etree.QName(c).localname for c in numbering]
    assert tags.index("num") > max(i for i, t in enumerate(tags) if t == "abstractNum")
    again = write_section(result, blocks, limits=LIMITS)
    assert len(part_xml(again, "word/numbering.xml")) == len(numbering)


def test_a_document_without_numbering_or_list_styles_still_gets_bullets() -> None:
    document = docx.Document(io.BytesIO(with_sdt()))
    part = document.part
    rel_id = next(r for r, rel in part.rels.items() if rel.reltype.endswith("/numbering"))
    del part.rels[rel_id]
    for name in ("List Bullet", "List Number", "List Paragraph"):
        element = document.styles[name].element
        element.getparent().remove(element)
    result = write_section(save(document), [BulletList.of("a")], limits=LIMITS)
    numbering = part_xml(result, "word/numbering.xml")
    assert numbering.find(f".//{qn('w:numFmt')}").get(qn("w:val")) == "bullet"
    assert load(result).element.body.find(f".//{qn('w:numPr')}") is not None


def test_missing_heading_styles_are_added_under_their_built_in_name() -> None:
    document = docx.Document(io.BytesIO(with_sdt()))
    for level in (2, 3):
        element = document.styles[f"Heading {level}"].element
        element.getparent().remove(element)
    result = write_section(save(document), [Heading("Twee"), Heading("Drie", level=2)], limits=LIMITS)
    styles = paragraph_styles(result)
    assert styles["Twee"] == "heading 2" and styles["Drie"] == "heading 3"


def test_picture_with_alternative_text_and_width() -> None:
    result = write_section(with_sdt(), [Image("grafiek", "Krachtenveld: 12 partijen", width_cm=10)],
                           limits=LIMITS, images={"grafiek": png()})
    doc_pr = body_of(result).find(".//wp:docPr", NS)
    assert doc_pr.get("descr") == "Krachtenveld: 12 partijen"
    extent = body_of(result).find(".//wp:extent", NS)
    assert int(extent.get("cx")) == 3_600_000
    again = write_section(result, [Image("grafiek", "Nieuw", width_cm=10)], limits=LIMITS,
                          images={"grafiek": png(5, 5)})
    with zipfile.ZipFile(io.BytesIO(again)) as archive:
        assert len([n for n in archive.namelist() if n.startswith("word/media/")]) == 1


def test_missing_picture_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="no picture"):
        write_section(with_sdt(), [Image("grafiek", "x")], limits=LIMITS)


# --- kinds of files ---------------------------------------------------------------------------


def replace_member(data: bytes, name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename, content if info.filename == name else source.read(info.filename))
    return out.getvalue()


def as_content_type(data: bytes, content_type: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml").decode()
    return replace_member(data, "[Content_Types].xml", types.replace(ooxml.DOCX, content_type).encode())


def test_a_word_template_becomes_a_document() -> None:
    result = write_section(as_content_type(with_sdt(), ooxml.DOTX), ONE, limits=LIMITS)
    package = ooxml.open_package(result, limits=LIMITS, error_type=DocumentError, expect={ooxml.DOCX})
    assert package.main_type == ooxml.DOCX
    package.close()
    assert control_texts(result) == ["De participatieparagraaf."]


@pytest.mark.parametrize(("data", "code"), [
    (b"", "empty"),
    (b"Naam;Adres\n", "not-office"),
    (ooxml.OLE2_MAGIC + "EncryptedPackage".encode("utf-16-le"), "encrypted"),
    (ooxml.OLE2_MAGIC + "WordDocument".encode("utf-16-le"), "legacy-doc"),
    (b"PK\x03\x04 afgebroken", "damaged"),
])
def test_files_that_are_no_docx_are_refused(data: bytes, code: str) -> None:
    refused(code, lambda: write_section(data, ONE, limits=LIMITS))


def test_macro_documents_are_refused() -> None:
    refused("macro", lambda: write_section(as_content_type(with_sdt(), ooxml.DOCM), ONE, limits=LIMITS))


def test_entity_declarations_are_refused_as_hostile() -> None:
    with zipfile.ZipFile(io.BytesIO(with_sdt())) as archive:
        xml = archive.read("word/document.xml")
    bomb = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]>' + xml.split(b"?>", 1)[1]
    refused("hostile", lambda: write_section(replace_member(with_sdt(), "word/document.xml", bomb), ONE,
                                             limits=LIMITS))


@pytest.mark.parametrize("broken", [b"<w:document", b"<niet-word/>", b"\xff\xfe kapot"])
def test_broken_xml_becomes_damaged_not_a_traceback(broken: bytes) -> None:
    data = replace_member(with_sdt(), "word/document.xml", broken)
    refused("damaged", lambda: write_section(data, ONE, limits=LIMITS))


def test_a_spreadsheet_is_the_wrong_kind() -> None:
    data = as_content_type(with_sdt(), ooxml.XLSX)
    refused("wrong-kind", lambda: write_section(data, ONE, limits=LIMITS))


# --- generated documents ----------------------------------------------------------------------


def test_build_document_starts_from_plan_basis_with_title_headings_and_dutch() -> None:
    result = build_document([Heading("Aanleiding"), Paragraph.of("Tekst."), *SAMPLE], limits=LIMITS,
                            title="Participatieplan Voorbeeldplein")
    styles = paragraph_styles(result)
    assert styles["Participatieplan Voorbeeldplein"] == "Title"
    # the title is the top heading (outline level 1) for Word's navigation and a tagged PDF
    title = next(body_of(result).iter(qn("w:p")))
    assert title.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}").get(qn("w:val")) == "0"
    assert styles["Aanleiding"] == "heading 1" and styles["Werkvormen"] == "heading 1"
    assert texts(result)[:3] == ["Participatieplan Voorbeeldplein", "Aanleiding", "Tekst."]
    lang = part_xml(result, "word/styles.xml").find(f".//{qn('w:rPrDefault')}//{qn('w:lang')}")
    assert lang.get(qn("w:val")) == "nl-NL"
    properties = load(result).core_properties
    assert properties.title == "Participatieplan Voorbeeldplein" and properties.language == "nl-NL"
    assert story_texts(result)[0] == "Gemeente Heerlen"


def test_build_document_on_a_foreign_base_adds_what_is_missing() -> None:
    document = docx.Document()
    title = document.styles["Title"].element
    title.getparent().remove(title)
    result = build_document([Heading("Kop")], limits=LIMITS, base=save(document), title="Verslag",
                            language="nl-NL")
    assert paragraph_styles(result) == {"Verslag": "heading 1", "Kop": "heading 1"}
    lang = part_xml(result, "word/styles.xml").find(f".//{qn('w:rPrDefault')}//{qn('w:lang')}")
    assert lang.get(qn("w:val")) == "nl-NL"


# --- the default templates --------------------------------------------------------------------


@functools.cache
def template(name: str) -> bytes:
    return (TEMPLATES / name).read_bytes()


def load_script() -> object:
    spec = importlib.util.spec_from_file_location("build_proposal_templates",
                                                  REPO / "scripts" / "build_proposal_templates.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_templates_are_what_the_script_builds() -> None:
    built = load_script().build()  # type: ignore[attr-defined]
    assert set(built) == {"collegevoorstel.docx", "raadsvoorstel.docx", "plan-basis.docx"}
    for name, data in built.items():
        assert template(name) == data, f"templates/{name} is outdated: run the build script"


@pytest.mark.parametrize("name", ["collegevoorstel.docx", "raadsvoorstel.docx"])
def test_default_template_structure(name: str) -> None:
    data = template(name)
    headings = [t for t, s in paragraph_styles(data).items() if s == "heading 1"]
    assert headings[:9] == ["Onderwerp", "Beslispunten", "Inleiding", "Argumenten", "Kanttekeningen",
                            "Financiën", "Participatie", "Communicatie", "Vervolg"]
    if name == "raadsvoorstel.docx":
        assert headings[-1] == "Raadsbesluit"
    controls = list(body_of(data).iter(qn("w:sdt")))
    tags = [c.find(f"{qn('w:sdtPr')}/{qn('w:tag')}").get(qn("w:val")) for c in controls]
    assert tags == ["onderwerp", "datum", "portefeuillehouder", "steller", "participatie"]
    for control in controls[:4]:  # the header fields: plain text, showing their placeholder
        sdt_pr = control.find(qn("w:sdtPr"))
        assert [etree.QName(c).localname for c in sdt_pr] == ["alias", "tag", "id", "showingPlcHdr", "text"]
    sdt_pr, sdt_content = controls[-1]
    assert (sdt_pr.tag, sdt_content.tag) == (qn("w:sdtPr"), qn("w:sdtContent"))
    assert [etree.QName(c).localname for c in sdt_pr] == ["alias", "tag", "id", "lock", "showingPlcHdr"]
    assert control_texts(data)[-1] == "De participatieparagraaf wordt automatisch ingevuld door de participatietoolbox."
    assert story_texts(data) == ["Gemeente Heerlen", "Pagina 1 van 1"]
    footer = part_xml(data, "word/footer1.xml")
    assert [i.text for i in footer.iter(qn("w:instrText"))] == [" PAGE ", " NUMPAGES "]
    lang = part_xml(data, "word/styles.xml").find(f".//{qn('w:rPrDefault')}//{qn('w:lang')}")
    assert lang.get(qn("w:val")) == "nl-NL"
    assert load(data).core_properties.language == "nl-NL"


@pytest.mark.parametrize("name", ["collegevoorstel.docx", "raadsvoorstel.docx"])
def test_default_templates_receive_the_paragraph(name: str) -> None:
    result = write_section(template(name), SAMPLE, limits=LIMITS)
    assert section_after(result, "Participatie")[0] == "We betrekken inwoners van Heerlerheide vroeg."
    assert paragraph_styles(result)["Werkvormen"] == "heading 2"
    assert texts(result).count("Communicatie") == 1


# --- LibreOffice ------------------------------------------------------------------------------


def pdf_text(pdf: Path, *, layout: bool = False) -> str:
    """The PDF's text; with ``layout``, lines as they are on the page (a table row is one line)."""
    need(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is not installed")
    options = ["-layout"] if layout else []
    return subprocess.run(["pdftotext", *options, str(pdf), "-"], capture_output=True, text=True, check=True,
                          timeout=60).stdout


@pytest.mark.libreoffice
def test_filled_default_templates_convert_in_libreoffice(tmp_path: Path, soffice: Converter) -> None:
    files = []
    for name in ("collegevoorstel.docx", "raadsvoorstel.docx"):
        path = tmp_path / name
        path.write_bytes(write_section(template(name), SAMPLE, limits=LIMITS))
        files.append(path)
    plan = tmp_path / "plan.docx"
    plan.write_bytes(build_document(SAMPLE, limits=LIMITS, title="Participatieplan"))
    files.append(plan)
    pdfs = soffice(files, "pdf", tmp_path / "pdf")  # one LibreOffice start (shared fixture, conftest.py)
    for pdf in pdfs[:2]:
        text = " ".join(pdf_text(pdf).split())
        after = text[text.index("Participatie ") :]
        assert after.startswith("Participatie We betrekken inwoners van Heerlerheide vroeg.")
        assert "€ 1.250,00" in after and after.index("Werkvormen") < after.index("Communicatie")
    assert "Participatieplan" in pdf_text(pdfs[2])


@pytest.mark.libreoffice
def test_amounts_stay_on_one_line_in_libreoffice(tmp_path: Path, soffice: Converter) -> None:
    """The table that made "€ 1.700,0" / "0" before columns were sized by their content."""
    plan = tmp_path / "begroting.docx"
    plan.write_bytes(build_document([Heading("Vorm en middelen"), AMOUNTS], limits=LIMITS, title="Begroting"))
    (pdf,) = soffice([plan], "pdf", tmp_path / "pdf")
    lines = pdf_text(pdf, layout=True).replace("\u00a0", " ").splitlines()
    for row in AMOUNTS.rows:
        amounts = [cell.replace("\u00a0", " ") for cell in row[3:]]
        assert any(all(a in line for a in amounts) for line in lines), f"{amounts} not on one line:\n{lines}"
    assert any("€ 1.700,00" in line for line in lines)
    assert any("Terugkoppelingsbijeenkomst" in line for line in lines)  # the longest word stays whole


# --- property ---------------------------------------------------------------------------------

TEXT = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=60)


@functools.cache
def property_base() -> bytes:
    return with_sdt()


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(paragraph=TEXT, heading=TEXT, items=st.lists(TEXT, min_size=1, max_size=3),
       cells=st.lists(TEXT, min_size=1, max_size=3))
def test_any_text_gives_a_document_with_that_text(paragraph: str, heading: str, items: list[str],
                                                  cells: list[str]) -> None:
    blocks: list[Block] = [Paragraph((Run(paragraph), Run(heading, bold=True))), Heading(heading),
                           BulletList.of(*items), Table(tuple(cells), (tuple(cells),))]
    result = write_section(property_base(), blocks, limits=LIMITS)
    expected = [clean(paragraph + heading), clean(heading), *map(clean, items), *map(clean, cells * 2), ""]
    assert control_texts(result) == expected
