"""The proposal's header (onderwerp, datum, portefeuillehouder, steller) filled from the intake, never over a
person's own text."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import Converter
from intake_factory import make_intake
from test_docx_writer import pdf_text
from toolbox_docs.documents.blocks import Paragraph
from toolbox_docs.documents.docx_fields import control_id
from toolbox_docs.documents.docx_writer import write_section
from toolbox_docs.pipeline.runs import header_fields
from toolbox_docs.resources import templates_dir
from toolbox_docs.settings import Settings

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
LIMITS = Settings().limits
BLOCKS = (Paragraph.of("De participatieparagraaf."),)


def fields_of(docx: bytes) -> dict[str, tuple[str, bool]]:
    """tag -> (text, still showing its placeholder) for every content control in the body."""
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml"))
    found = {}
    for sdt in root.iter(f"{W}sdt"):
        tag = sdt.find(f"{W}sdtPr/{W}tag").get(f"{W}val")
        text = "".join(t.text or "" for t in sdt.iter(f"{W}t"))
        found[tag] = (text, sdt.find(f"{W}sdtPr/{W}showingPlcHdr") is not None)
    return found


def typed_over(docx: bytes, tag: str, text: str) -> bytes:
    """``docx`` with ``text`` typed into the field ``tag``, as Word does: the placeholder flag goes, the id
    stays."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    root = etree.fromstring(source.read("word/document.xml"))
    for sdt in root.iter(f"{W}sdt"):
        if sdt.find(f"{W}sdtPr/{W}tag").get(f"{W}val") == tag:
            flag = sdt.find(f"{W}sdtPr/{W}showingPlcHdr")
            if flag is not None:
                flag.getparent().remove(flag)
            t = next(sdt.iter(f"{W}t"))
            t.text = text
            for other in list(sdt.iter(f"{W}t"))[1:]:
                other.text = ""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True) \
                if item.filename == "word/document.xml" else source.read(item)
            target.writestr(item, data)
    return out.getvalue()


def test_the_header_is_filled_from_the_intake_and_the_rest_keeps_its_placeholder() -> None:
    intake = make_intake(decision_date=dt.date(2026, 7, 7), portfolio_holder="Wethouder A. Voorbeeld")
    template = (templates_dir() / "collegevoorstel.docx").read_bytes()
    filled = fields_of(write_section(template, BLOCKS, limits=LIMITS, fields=header_fields(intake)))
    assert filled["onderwerp"] == ("Herinrichting Pancratiusplein", False)
    assert filled["datum"] == ("7 juli 2026", False)
    assert filled["portefeuillehouder"] == ("Wethouder A. Voorbeeld", False)
    assert filled["steller"] == ("Sanne Voorbeeld, Openbare Ruimte", False)


def test_a_field_the_intake_does_not_know_keeps_its_placeholder() -> None:
    intake = make_intake(portfolio_holder=None)
    template = (templates_dir() / "raadsvoorstel.docx").read_bytes()
    filled = fields_of(write_section(template, BLOCKS, limits=LIMITS, fields=header_fields(intake)))
    assert filled["portefeuillehouder"] == ("[naam portefeuillehouder]", True)
    assert filled["onderwerp"][1] is False


def test_the_toolbox_updates_its_own_value_but_never_a_persons() -> None:
    template = (templates_dir() / "collegevoorstel.docx").read_bytes()
    first = write_section(template, BLOCKS, limits=LIMITS,
                          fields=header_fields(make_intake(project_name="Plein, eerste naam")))
    person = typed_over(first, "steller", "Team Ruimte, namens de directeur")
    second = write_section(person, BLOCKS, limits=LIMITS,
                           fields=header_fields(make_intake(project_name="Plein, nieuwe naam")))
    fields = fields_of(second)
    assert fields["onderwerp"] == ("Plein, nieuwe naam", False)  # ours: updated
    assert fields["steller"] == ("Team Ruimte, namens de directeur", False)  # theirs: kept


def test_the_id_records_what_the_toolbox_wrote() -> None:
    assert control_id("Plein") == control_id("Plein")
    assert control_id("Plein") != control_id("Plein ")
    assert -(2**31) <= int(control_id("x" * 500)) < 2**31


@pytest.mark.libreoffice
def test_the_filled_header_prints_in_libreoffice(soffice: Converter, tmp_path: Path) -> None:
    intake = make_intake(decision_date=dt.date(2026, 7, 7), portfolio_holder="Wethouder A. Voorbeeld")
    template = (templates_dir() / "collegevoorstel.docx").read_bytes()
    proposal = tmp_path / "voorstel.docx"
    proposal.write_bytes(write_section(template, BLOCKS, limits=LIMITS, fields=header_fields(intake)))
    (pdf,) = soffice([proposal], "pdf", tmp_path / "pdf")
    text = pdf_text(pdf).replace("\u00a0", " ")
    assert "Herinrichting Pancratiusplein" in text and "7 juli 2026" in text
    assert "Sanne Voorbeeld, Openbare Ruimte" in text and "Wethouder A. Voorbeeld" in text
    for placeholder in ("[onderwerp]", "[datum]", "[naam steller]", "[naam portefeuillehouder]"):
        assert placeholder not in text
    assert "[zaaknummer]" in text  # the intake does not know it
