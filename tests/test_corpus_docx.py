"""Every real-world Word file of the shared corpus, offered as a proposal template.

Each file is tried twice: as it is (almost none has an anchor, so most are refused with
``no-anchor``), and with an anchor added at the end of its body by this test (a content control, a
bookmark or a "Participatie" heading, in turn), so that the writer really works on Word, LibreOffice,
POI and fuzzed files. Every attempt must either give a document that re-opens and holds the paragraph,
or a ``DocumentError`` with a Dutch message; never another exception. All accepted results together
are converted to PDF in one LibreOffice call.

The corpus is ``$TOOLBOX_CORPUS`` or ``<repo>/../shared/corpus`` (the ``corpus`` fixture of conftest.py);
without it these tests are skipped, unless ``TOOLBOX_STRICT=1`` asks for a failure instead.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from lxml import etree

from dutch import is_dutch
from toolbox_docs.documents.blocks import BulletList, Heading, Paragraph, Table
from toolbox_docs.documents.docx_writer import write_section
from toolbox_docs.errors import DocumentError
from toolbox_docs.limits import Limits
from toolbox_docs.share import ooxml

pytestmark = pytest.mark.corpus

REPO = Path(__file__).resolve().parents[1]
# Resolved as the ``corpus`` fixture of conftest.py does; the list is needed at collection time.
CORPUS = next((Path(c) for c in (os.environ.get("TOOLBOX_CORPUS"), REPO.parent / "shared" / "corpus")
               if c and Path(c, "MANIFEST.tsv").is_file()), None)
DOCX_DIR = CORPUS / "docx" if CORPUS is not None else None
LIMITS = Limits()
MAX_SECONDS = 20.0  # a hang guard, not a benchmark: each file takes well under a second
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MARK = "Participatieparagraaf uit de corpustest & <controle>."
BLOCKS = [Paragraph.of(MARK), Heading("Werkvormen"), BulletList.of("Informatieavond", "Enquête"),
          Table(("Werkvorm", "Kosten"), (("Informatieavond", "€ 1.250,00"),), numeric=(False, True))]
ANCHORS = ("sdt", "bookmark", "heading")
NAMES = sorted(p.name for p in DOCX_DIR.iterdir() if p.is_file()) if DOCX_DIR else ["(geen corpus)"]
Converter = Callable[[Sequence[Path], str, Path], list[Path]]  # the ``soffice`` fixture of conftest.py


# --- adding an anchor to a foreign file -------------------------------------------------------


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def heading_style_id(members: dict[str, bytes]) -> str | None:
    styles = members.get("word/styles.xml")
    if styles is None:
        return None
    try:
        root = etree.fromstring(styles, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return None
    for style in root.iter(w("style")):
        name = style.find(w("name"))
        if name is not None and name.get(w("val"), "").lower() == "heading 1":
            return style.get(w("styleId"))
    return None


def anchor_element(kind: str, members: dict[str, bytes]) -> etree._Element:
    ns = f'xmlns:w="{W}"'
    if kind == "sdt":
        xml = (f'<w:sdt {ns}><w:sdtPr><w:tag w:val="participatie"/><w:showingPlcHdr/></w:sdtPr><w:sdtContent>'
               "<w:p><w:r><w:t>Plaatshouder</w:t></w:r></w:p></w:sdtContent></w:sdt>")
    elif kind == "bookmark":
        xml = (f'<w:p {ns}><w:bookmarkStart w:id="999001" w:name="participatie"/><w:r><w:t>Oud</w:t></w:r>'
               '<w:bookmarkEnd w:id="999001"/></w:p>')
    else:
        style = heading_style_id(members)
        ppr = f'<w:pStyle w:val="{style}"/>' if style else '<w:outlineLvl w:val="0"/>'
        xml = f"<w:p {ns}><w:pPr>{ppr}</w:pPr><w:r><w:t>Participatie</w:t></w:r></w:p>"
    return etree.fromstring(xml)


def with_anchor(data: bytes, kind: str) -> bytes | None:
    """The file with an anchor at the end of its body; None when the file cannot even be unpacked."""
    try:
        package = ooxml.open_package(data, limits=LIMITS, error_type=DocumentError,
                                     expect={ooxml.DOCX, ooxml.DOTX})
    except DocumentError:
        return None
    try:
        members = {info.filename: package.read(info.filename) for info in package.archive.infolist()}
        main = package.main_part
    except DocumentError:
        return None
    finally:
        package.close()
    try:
        root = etree.fromstring(members[main], etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return None
    body = root.find(w("body"))
    if body is None:
        return None
    end = len(body) - 1 if len(body) and body[-1].tag == w("sectPr") else len(body)
    body.insert(end, anchor_element(kind, members))
    members[main] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


# --- running the writer on everything ---------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    name: str
    variant: str
    seconds: float
    result: bytes | None = None
    code: str = ""
    message: str = ""
    crash: str = ""

    @property
    def summary(self) -> str:
        what = "accepted" if self.result is not None else f"crash {self.crash}" if self.crash else \
            f"refused {self.code}"
        return f"{self.name} [{self.variant}]: {what} ({self.seconds:.2f} s)"


def attempt(name: str, variant: str, data: bytes) -> Outcome:
    started = time.perf_counter()
    try:
        result = write_section(data, BLOCKS, limits=LIMITS)
    except DocumentError as error:
        return Outcome(name, variant, time.perf_counter() - started, code=error.code, message=error.message)
    except Exception as error:  # the thing this test exists to catch
        return Outcome(name, variant, time.perf_counter() - started, crash=f"{type(error).__name__}: {error}")
    return Outcome(name, variant, time.perf_counter() - started, result=result)


@pytest.fixture(scope="module")
def outcomes(corpus: Path) -> dict[tuple[str, str], Outcome]:
    """Every file tried as it is and with an anchor (``corpus`` skips or, when strict, fails if absent)."""
    folder = corpus / "docx"
    found: dict[tuple[str, str], Outcome] = {}
    for number, name in enumerate(NAMES):
        data = (folder / name).read_bytes()
        found[(name, "as-is")] = attempt(name, "as-is", data)
        kind = ANCHORS[number % len(ANCHORS)]
        anchored = with_anchor(data, kind)
        if anchored is not None:
            found[(name, kind)] = attempt(name, f"with {kind}", anchored)
    return found


def paragraph_texts(data: bytes) -> list[str]:
    body = docx.Document(io.BytesIO(data)).element.body
    return ["".join(t.text or "" for t in p.iter(w("t"))) for p in body.iter(w("p"))]


@pytest.mark.parametrize("name", NAMES)
def test_each_file_gets_the_paragraph_or_a_dutch_refusal(name: str, outcomes: dict[tuple[str, str], Outcome],
                                                         record_property: pytest.RecordProperty) -> None:
    mine = [o for (n, _), o in outcomes.items() if n == name]
    assert mine, f"{name} was not tried"
    for outcome in mine:
        print(outcome.summary)
        record_property(outcome.variant, outcome.summary)
        assert not outcome.crash, f"{outcome.summary}: not a DocumentError"
        assert outcome.seconds < MAX_SECONDS, outcome.summary
        if outcome.result is not None:
            assert MARK in paragraph_texts(outcome.result), outcome.summary
        else:
            assert is_dutch(outcome.message), outcome.message
        if outcome.variant != "as-is":
            assert outcome.code != "no-anchor", f"{outcome.summary}: the added anchor was not found"


def test_corpus_outcomes_by_code(outcomes: dict[tuple[str, str], Outcome]) -> None:
    """A summary for the log: how many attempts were accepted and refused, by code."""
    tally: dict[str, int] = {}
    for outcome in outcomes.values():
        key = f"{'as-is' if outcome.variant == 'as-is' else 'anchored'} " + (
            "accepted" if outcome.result is not None else outcome.code or "crash")
        tally[key] = tally.get(key, 0) + 1
    print("\n".join(f"{key}: {count}" for key, count in sorted(tally.items())))
    assert sum(tally.values()) == len(outcomes)
    assert any(key.startswith("anchored accepted") for key in tally), "no foreign file received the paragraph"


@pytest.mark.libreoffice
@pytest.mark.slow
def test_all_accepted_results_open_in_libreoffice(outcomes: dict[tuple[str, str], Outcome], tmp_path: Path,
                                                  soffice: Converter) -> None:
    files = []
    for number, outcome in enumerate(o for o in outcomes.values() if o.result is not None):
        path = tmp_path / "in" / f"{number:03d}.docx"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(outcome.result or b"")
        files.append((path, outcome))
    assert files, "nothing was accepted"
    pdfs = soffice([path for path, _ in files], "pdf", tmp_path / "pdf")  # one LibreOffice start
    failed = [o.summary for pdf, (_, o) in zip(pdfs, files, strict=True)
              if not pdf.read_bytes().startswith(b"%PDF")]
    assert not failed, f"LibreOffice wrote no PDF for {failed}"
    if shutil.which("pdftotext"):
        missing = []
        for pdf, (_, outcome) in zip(pdfs, files, strict=True):
            text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, timeout=60,
                                  check=False).stdout
            if "corpustest" not in text:  # one word: text boxes and columns may interleave the lines
                missing.append(outcome.summary)
        assert not missing, f"paragraph not visible in the PDF of {missing}"
