"""Every document and workbook the toolbox writes, checked as it travels to Word, Excel, the printer and
the council's publication:

- every XML part validates against the ECMA-376 transitional schemas (``../shared/ooxml-schemas``), read
  the way Office reads it (``mc:AlternateContent`` resolved to its fallback, ``mc:Ignorable`` namespaces
  dropped): Word and Excel are stricter than LibreOffice;
- LibreOffice prints each document type (proposal, plan, evaluation report) without breaking a word (every
  word in the PDF is a word of the document, or a piece of it at a hyphen) and without a "[…]" placeholder
  left in the participation section, the plan or the report;
- LibreOffice's tagged PDF export of each document type is tagged, in Dutch (nl-NL), has the title and the
  headings in its structure tree, and the chart as a figure with its alternative text;
- every workbook prints on A4, one page wide, with its header rows repeated and a header and footer.

The documents come from the pipeline itself, for the worked example and for a project with fifty parties
with long Dutch names (and an emoji), each followed by its evaluation.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import struct
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from openpyxl import load_workbook

from conftest import REPO, Converter, need
from test_evaluation_flow import EVALUATION_DAY, INTAKE_DAY, USED, evaluation_values
from toolbox_docs.cli.examples import EXAMPLE_STAKEHOLDERS, EXAMPLE_VALUES
from toolbox_docs.forms.schema import EVALUATION_SCHEMA, INTAKE_SCHEMA
from toolbox_docs.forms.xlsx_fill import fill_workbook
from toolbox_docs.forms.xlsx_template import EXPLANATION_WIDTH, build_workbook
from toolbox_docs.pipeline.process import Outcome, Runtime, process_file
from toolbox_docs.register import xlsx as register_xlsx
from toolbox_docs.settings import Settings

pytestmark = pytest.mark.libreoffice

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
# The shared folder beside the project root (as CI clones it), else the one on this machine.
SCHEMAS = next((c for c in (REPO.parent / "shared" / "ooxml-schemas", Path("/work/shared/ooxml-schemas"))
                if (c / "all.xsd").is_file()), REPO.parent / "shared" / "ooxml-schemas")
TAGGED_PDF = 'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"}}'
LIST_MARK_OR_PAGE = re.compile(r"\d+\.?|[•·]")
PLACEHOLDER = re.compile(r"\[[^\]\n]{1,80}\]")

LONG_NAMES = ("Stichting Maatschappelijke Ondersteuning en Wijkontwikkeling", "Ondernemersvereniging Binnenstad",
              "Bewonersvereniging Heerlerheide-Noord 🌳", "Werkgroep Klimaatadaptatie en Waterbeheer",
              "Huurdersbelangenvereniging", "Stichting Monitoringsprogramma Biodiversiteit",
              "Jongerenraad", "Gezondheidscentrum")


def fifty_parties(categories: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{"name": f"{LONG_NAMES[n % len(LONG_NAMES)]} {n + 1}", "category": categories[n % len(categories)],
             "influence": 1 + (n * 7) % 5, "interest": 1 + (n * 3 + n // 5) % 5,
             "position": ("voor", "neutraal", "tegen", "onbekend")[n % 4]} for n in range(50)]


@dataclass
class Produced:
    documents: dict[str, list[Path]] = field(default_factory=dict)  # proposal, plan, report
    workbooks: dict[str, list[Path]] = field(default_factory=dict)  # form or register -> files


def _title(docx: Path) -> str:
    with zipfile.ZipFile(docx) as package:
        core = etree.fromstring(package.read("docProps/core.xml"))
    found = core.find("{http://purl.org/dc/elements/1.1/}title")
    return found.text or "" if found is not None else ""


def _kind(docx: Path) -> str:
    title = _title(docx)
    return "plan" if title.startswith("Participatieplan") else "report" if title.startswith("Evaluatie") \
        else "proposal"


@pytest.fixture(scope="module")
def produced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Produced]:
    base = tmp_path_factory.mktemp("publication")
    settings = Settings().replace(state_db=base / "state" / "state.sqlite")
    root = base / "Participatie"
    blank = build_workbook(INTAKE_SCHEMA, settings.lists)
    intakes = {
        "Groenplan Meezenbroek": fill_workbook(blank, EXAMPLE_VALUES, EXAMPLE_STAKEHOLDERS),
        "Omgevingsvisie": fill_workbook(blank, {**EXAMPLE_VALUES, "project_name": "Omgevingsvisie Heerlen 2040 & "
                                                "maatschappelijke monitoringsprogramma's"},
                                        fifty_parties(settings.categories)),
    }
    result = Produced()
    forms = base / "forms"
    forms.mkdir()
    (forms / "intake.xlsx").write_bytes(blank)
    (forms / "evaluatie.xlsx").write_bytes(build_workbook(EVALUATION_SCHEMA, settings.lists))
    result.workbooks["form"] = [forms / "intake.xlsx", forms / "evaluatie.xlsx"]
    runtime = Runtime.open(settings, roots=(root,))
    runtime.on_register_change = register_xlsx.exporter_for(runtime)
    try:
        for name, data in intakes.items():
            folder = root / "Projecten" / name
            folder.mkdir(parents=True)
            intake = folder / "intake.xlsx"
            intake.write_bytes(data)
            first = process_file(intake, runtime, now=INTAKE_DAY)
            assert first.outcome is Outcome.DONE, first.lines()
            [evaluation] = [p for p in first.written if p.suffix == ".xlsx"]
            prepared = forms / f"{name} - voorbereide evaluatie.xlsx"
            shutil.copy2(evaluation, prepared)
            result.workbooks["form"] += [intake, prepared]
            evaluation.write_bytes(fill_workbook(evaluation.read_bytes(), evaluation_values(), USED))
            second = process_file(evaluation, runtime, now=EVALUATION_DAY)
            assert second.outcome is Outcome.DONE, second.lines()
            for path in {*first.written, *second.written}:
                if path.suffix == ".docx":
                    result.documents.setdefault(_kind(path), []).append(path)
    finally:
        runtime.close()
    result.workbooks["register"] = [root / "projectenregister.xlsx"]
    assert {k: len(v) for k, v in result.documents.items()} == {"proposal": 2, "plan": 2, "report": 2}
    yield result


# --- the ECMA-376 schemas -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    need((SCHEMAS / "all.xsd").is_file(), f"the ECMA-376 schemas are absent ({SCHEMAS})")
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "all.xsd")))


def as_office_reads(root: etree._Element) -> etree._Element:
    """The part as a consumer that knows only ECMA-376 reads it: each ``mc:AlternateContent`` replaced by
    its ``mc:Fallback`` (or nothing), elements and attributes of ``mc:Ignorable`` namespaces dropped."""
    ignorable: set[str] = set()
    for node in root.iter(etree.Element):
        for prefix in (node.get(f"{{{MC}}}Ignorable") or "").split():
            if node.nsmap.get(prefix):
                ignorable.add(node.nsmap[prefix])
    for alternate in list(root.iter(f"{{{MC}}}AlternateContent")):
        parent = alternate.getparent()
        assert parent is not None
        at = parent.index(alternate)
        fallback = alternate.find(f"{{{MC}}}Fallback")
        parent.remove(alternate)
        for offset, child in enumerate(list(fallback) if fallback is not None else []):
            parent.insert(at + offset, child)
    for node in list(root.iter(etree.Element)):
        parent = node.getparent()
        if etree.QName(node).namespace in ignorable and parent is not None:
            parent.remove(node)
            continue
        for key in list(node.attrib):
            if etree.QName(key).namespace in ignorable | {MC}:
                del node.attrib[key]
    return root


def schema_problems(data: bytes, schema: etree.XMLSchema) -> list[str]:
    problems = []
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            if name.endswith((".xml", ".rels")):
                root = as_office_reads(etree.fromstring(package.read(name)))
                if not schema.validate(root):
                    problems += [f"{name}:{e.line}: {e.message}" for e in list(schema.error_log)[:3]]
    return problems


def test_every_part_of_every_file_validates_against_the_ecma_376_schemas(produced: Produced,
                                                                         schema: etree.XMLSchema) -> None:
    files = [p for paths in (*produced.documents.values(), *produced.workbooks.values()) for p in paths]
    assert len(files) == 13
    found = {path.name: schema_problems(path.read_bytes(), schema) for path in files}
    assert not any(found.values()), {k: v for k, v in found.items() if v}


def test_the_schema_check_catches_what_word_would_refuse(produced: Produced, schema: etree.XMLSchema) -> None:
    """The check can fail: a paragraph property out of order (Word: "unreadable content") and an unknown
    element are found; the same element in an ignorable namespace, as Office writes its extensions, is not."""
    source = produced.documents["plan"][0].read_bytes()

    def changed(edit: str) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(source)) as package, zipfile.ZipFile(out, "w") as copy:
            for info in package.infolist():
                data = package.read(info)
                if info.filename == "word/document.xml":
                    data = data.replace(b"<w:body>", edit.encode(), 1)
                copy.writestr(info, data)
        return out.getvalue()

    order = '<w:body><w:p><w:pPr><w:jc w:val="left"/><w:keepNext/></w:pPr></w:p>'
    unknown = "<w:body><w:sparkle/>"
    extension = (f'<w:body><w:p xmlns:mc="{MC}" xmlns:x="urn:example-extension" mc:Ignorable="x">'
                 "<x:sparkle/></w:p>")
    assert any("keepNext" in p for p in schema_problems(changed(order), schema))
    assert any("sparkle" in p for p in schema_problems(changed(unknown), schema))
    assert schema_problems(changed(extension), schema) == []


# --- printed by LibreOffice -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdfs(produced: Produced, soffice: Converter, tmp_path_factory: pytest.TempPathFactory) -> dict[Path, Path]:
    """Each document as LibreOffice exports it with tagged PDF on (one start of LibreOffice for all)."""
    folder = tmp_path_factory.mktemp("pdf-in")
    sources = {}
    for kind, paths in produced.documents.items():
        for index, path in enumerate(paths):
            copy = folder / f"{kind}-{index}.docx"
            shutil.copy2(path, copy)
            sources[copy] = path
    outputs = soffice(list(sources), TAGGED_PDF, tmp_path_factory.mktemp("pdf-out"))
    return dict(zip(sources.values(), outputs, strict=True))


def document_words(docx: Path) -> set[str]:
    """Every word of the document's text (body, header, footer), whole and split at hyphens and no-break
    spaces, where a line may also end."""
    words: set[str] = set()
    with zipfile.ZipFile(docx) as package:
        for name in package.namelist():
            if name.startswith("word/media/") and name.endswith(".emf"):
                words.update(word for text in emf_texts(package.read(name)) for word in text.split())
            if name.startswith("word/") and name.endswith(".xml"):
                root = etree.fromstring(package.read(name))
                for paragraph in root.iter(f"{{{W}}}p"):
                    text = "".join((t.text or "") if t.tag == f"{{{W}}}t" else " "
                                   for t in paragraph.iter(f"{{{W}}}t", f"{{{W}}}tab", f"{{{W}}}br", f"{{{W}}}cr"))
                    for word in text.split():
                        words.add(word)
                        words.update(word.split("\u00a0"))
                        for at, char in enumerate(word):
                            if char == "-":  # a line may end after any hyphen
                                words.update((word[:at + 1], word[at + 1:]))
    return words


def emf_texts(emf: bytes) -> list[str]:
    """The texts an EMF picture draws (its EXTTEXTOUTW records: the stakeholder chart's words)."""
    texts, at = [], 0
    while at + 8 <= len(emf):
        kind, size = struct.unpack_from("<II", emf, at)
        if kind == 84:
            chars, offset = struct.unpack_from("<II", emf, at + 8 + 36)
            texts.append(emf[at + offset:at + offset + 2 * chars].decode("utf-16-le"))
        at += max(size, 8)
    return texts


def pdf_words(pdf: Path) -> list[tuple[int, str]]:
    """(page, word) of every word LibreOffice put on the pages, as pdftotext reads them."""
    out = subprocess.run(["pdftotext", "-tsv", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    rows = csv.DictReader(io.StringIO(out), delimiter="\t", quoting=csv.QUOTE_NONE)
    return [(int(row["page_num"]), row["text"]) for row in rows if row["level"] == "5" and row["text"].strip()]


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.fixture(scope="module")
def poppler() -> None:
    need(shutil.which("pdftotext") is not None and shutil.which("pdfinfo") is not None,
         "poppler (pdftotext, pdfinfo) is not installed")


@pytest.mark.usefixtures("poppler")
def test_no_word_is_broken_on_paper(pdfs: dict[Path, Path]) -> None:
    """A word broken inside ("Huurdersbelangenverenigi" / "ng") puts two pieces on the page that are no
    word of the document; page numbers (fields) and list numbers and bullets are the only other words."""
    for docx, pdf in pdfs.items():
        known = document_words(docx)
        pieces = [(page, word) for page, word in pdf_words(pdf)
                  if word not in known and not LIST_MARK_OR_PAGE.fullmatch(word)]
        assert not pieces, (docx.name, _kind(docx), pieces[:10])


def participation_section(docx: Path) -> list[str]:
    """The paragraphs the toolbox wrote into the proposal: the content of the control tagged participatie."""
    with zipfile.ZipFile(docx) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    [control] = [sdt for sdt in root.iter(f"{{{W}}}sdt")
                 if sdt.find(f"{{{W}}}sdtPr/{{{W}}}tag[@{{{W}}}val='participatie']") is not None]
    return ["".join(t.text or "" for t in p.iter(f"{{{W}}}t")) for p in control.iter(f"{{{W}}}p")]


@pytest.mark.usefixtures("poppler")
def test_no_placeholder_is_left_in_what_the_toolbox_wrote(pdfs: dict[Path, Path]) -> None:
    for docx, pdf in pdfs.items():
        text = " ".join(pdf_text(pdf).split())
        kind = _kind(docx)
        if kind == "proposal":
            written = [p for p in participation_section(docx) if p.strip()]
            assert len(written) > 5
            start = " ".join(written[0].split())[:60]
            end = " ".join(written[-1].split())[-60:]
            assert start in text and end in text, docx.name  # the section is on the paper
            text = text[text.index(start):text.index(end) + len(end)]
        assert not PLACEHOLDER.findall(text), (docx.name, PLACEHOLDER.findall(text))


# --- tagged PDF ---------------------------------------------------------------------------------------


def structure(pdf: Path) -> tuple[str | None, list[tuple[str, str | None]]]:
    """The document's language and its structure elements as (type, alternative text), in order."""
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    catalog: Any = reader.trailer["/Root"]
    found: list[tuple[str, str | None]] = []

    def walk(node: Any) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif hasattr(node, "get") and "/S" in node:
            alt = node.get("/Alt")
            found.append((str(node["/S"]), str(alt) if alt is not None else None))
            if "/K" in node:
                walk(node["/K"])

    walk(catalog["/StructTreeRoot"]["/K"])
    language = catalog.get("/Lang")
    return (str(language) if language is not None else None), found


def headings_of(docx: Path) -> list[str]:
    """Texts of the paragraphs with an outline level (heading styles and the title)."""
    with zipfile.ZipFile(docx) as package:
        document = etree.fromstring(package.read("word/document.xml"))
        styles = etree.fromstring(package.read("word/styles.xml"))
    levelled = {s.get(f"{{{W}}}styleId") for s in styles.iter(f"{{{W}}}style")
                if s.find(f"{{{W}}}pPr/{{{W}}}outlineLvl") is not None}
    found = []
    for p in document.iter(f"{{{W}}}p"):
        style = p.find(f"{{{W}}}pPr/{{{W}}}pStyle")
        if p.find(f"{{{W}}}pPr/{{{W}}}outlineLvl") is not None or (
                style is not None and style.get(f"{{{W}}}val") in levelled):
            found.append("".join(t.text or "" for t in p.iter(f"{{{W}}}t")))
    return found


def alt_texts(docx: Path) -> list[str]:
    with zipfile.ZipFile(docx) as package:
        document = etree.fromstring(package.read("word/document.xml"))
    return [node.get("descr") for node in document.iter("{*}docPr")]


@pytest.mark.usefixtures("poppler")
def test_tagged_pdf_of_each_document_type_is_dutch_with_headings_and_the_charts_alt_text(
        pdfs: dict[Path, Path]) -> None:
    for kind in ("proposal", "plan", "report"):
        docx = next(d for d in pdfs if _kind(d) == kind)
        pdf = pdfs[docx]
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE), (kind, info)
        language, elements = structure(pdf)
        assert language == "nl-NL", kind
        tags = [tag for tag, _ in elements]
        headings = [tag for tag in tags if re.fullmatch(r"/H[1-6]?", tag)]
        expected = headings_of(docx)
        assert len(expected) >= 4 and len(headings) == len(expected), (kind, headings, expected)
        assert next(t for t in tags if t not in ("/Document", "/Sect", "/Div", "/Part")) == "/H1", (kind, tags[:5])
        figures = [alt for tag, alt in elements if tag == "/Figure"]
        assert figures == alt_texts(docx), kind
        if kind == "plan":
            assert len(figures) == 1 and figures[0].startswith("Stakeholderkaart van "), figures


# --- workbooks on paper -------------------------------------------------------------------------------


def test_every_workbook_prints_a4_one_page_wide_with_titles_header_and_footer(produced: Produced) -> None:
    for kind, paths in produced.workbooks.items():
        for path in paths:
            wb = load_workbook(path)
            visible = [ws for ws in wb.worksheets if ws.sheet_state == "visible"]
            assert visible, path.name
            for ws in visible:
                where = f"{path.name}/{ws.title}"
                setup = ws.page_setup
                assert int(setup.paperSize) == int(ws.PAPERSIZE_A4) == 9, where
                assert setup.orientation == ("landscape" if kind == "register" else "portrait"), where
                assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), where
                assert ws.sheet_properties.pageSetUpPr.fitToPage, where
                assert ws.oddHeader.left.text and ws.oddHeader.right.text == "&A", where
                assert "&P" in (ws.oddFooter.center.text or "") and "&N" in ws.oddFooter.center.text, where
                if kind == "register":
                    assert (ws.print_title_rows or "").replace("$", "") == "1:1", where
                elif ws.tables:
                    [table] = ws.tables.values()
                    header = re.match(r"[A-Z]+(\d+)", table.ref)
                    assert header is not None
                    assert (ws.print_title_rows or "").replace("$", "") == f"{header.group(1)}:{header.group(1)}", where
                    assert ws.print_area, where
                elif ws.title != "Uitleg":
                    assert ws.print_area and ws.print_area.endswith(f"$C${ws.max_row}"), (where, ws.print_area)
                else:  # the explanation fits an A4 page in portrait at 100% (Excel's normal margins)
                    assert ws.column_dimensions["A"].width == EXPLANATION_WIDTH and 7 * EXPLANATION_WIDTH + 5 <= 660
        if kind == "form":
            titled = [load_workbook(p)[EVALUATION_SCHEMA.sheet].oddHeader.left.text for p in paths
                      if "voorbereide evaluatie" in p.name]
            assert any("Omgevingsvisie Heerlen 2040 && maatschappelijke" in t for t in titled), titled


@pytest.mark.usefixtures("poppler")
def test_libreoffice_prints_the_workbooks_one_page_wide(produced: Produced, soffice: Converter,
                                                       tmp_path: Path) -> None:
    """The intake on a few pages with each label next to its input and help (it took ten pages, with
    labels, inputs and help on different ones), the register on one page per sheet with two projects."""
    intake = produced.workbooks["form"][0]
    register = produced.workbooks["register"][0]
    intake_pdf, register_pdf = soffice([intake, register], "pdf", tmp_path)
    pages = {pdf: int(re.search(r"Pages:\s+(\d+)", subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout).group(1))  # type: ignore[union-attr]
        for pdf in (intake_pdf, register_pdf)}
    assert pages[register_pdf] == 2  # Lopend and Afgerond, each one page wide
    assert pages[intake_pdf] <= 6
    first = [line for line in pdf_text(intake_pdf).split("\f")[0].splitlines() if "Naam project" in line]
    assert first and "De naam waaronder" in first[0], first
