"""Fuzzing the two parsers of untrusted input: the workbook reader and the Word writer (hypothesis).

Reader: the worked example intake, mutated (1) byte-wise as a whole file, (2) member-wise with valid
zip checksums, so the XML parsers and the reader's own logic see the damage, and (3) cell-wise, with
values chosen to hit the reader's conversions (numbers, dates, shared-string indexes, escapes, template
versions). Property: ``read_form`` returns a record or raises ``WorkbookError`` with a Dutch message, and
``check_workbook`` returns a ``Check``, never another exception.

Writer: random block structures and texts into ``write_section`` (on the default proposal template) and
``build_document``: a well-formed structure on a sound document always gives a document that re-opens and
holds every text; a mutated proposal gives a document that re-opens, or a ``DocumentError``.

Bounded for CI: each test runs a fixed number of examples (``max_examples``, no deadline per example),
well under a minute each on the development machine. Set ``TOOLBOX_FUZZ_EXAMPLES`` to run more.
"""

from __future__ import annotations

import functools
import io
import os
import re
import zipfile

import docx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dutch import is_dutch
from test_adversarial_files import FORM, MARKER, set_cell
from test_ooxml import members, repack
from toolbox_docs.documents.blocks import Block, BulletList, Heading, Paragraph, Run, Table
from toolbox_docs.documents.docx_writer import build_document, write_section
from toolbox_docs.errors import DocumentError, WorkbookError
from toolbox_docs.forms.check import Check, check_workbook
from toolbox_docs.forms.xlsx_read import read_form
from toolbox_docs.limits import Limits
from toolbox_docs.settings import Settings
from watcher_support import field_cell, make_intake

# See test_forms_properties.py: a failing property must show its example, not a libcst deprecation.
pytestmark = pytest.mark.filterwarnings("ignore:mypy_extensions.TypedDict is deprecated:DeprecationWarning")

SCALE = int(os.environ.get("TOOLBOX_FUZZ_EXAMPLES", "1"))
LIMITS = Limits()
W_TEXT = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"
SETTINGS = Settings()
FUZZ = functools.partial(settings, deadline=None, derandomize=False,
                         suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@functools.cache
def example_parts() -> dict[str, bytes]:
    return members(make_intake())


@functools.cache
def proposal_template() -> bytes:
    return SETTINGS.college_template.read_bytes()


def assert_reader_contract(data: bytes) -> None:
    """The reader's promise for any bytes: a form, or a WorkbookError saying in Dutch what is wrong."""
    try:
        read_form(data, limits=LIMITS)
    except WorkbookError as error:
        assert error.code and error.message.strip()
        assert is_dutch(error.message), error.message
    result = check_workbook(data, lists=SETTINGS.lists, limits=LIMITS)
    assert isinstance(result, Check)
    for problem in result.problems:
        assert problem.code and problem.message.strip() and is_dutch(problem.message), problem


# --- the reader -----------------------------------------------------------------------------------------

XML_TOKENS = [b"<!DOCTYPE x>", b"<!ENTITY e 'x'>", b"&amp;", b"&#0;", b"&#xD800;", b"<![CDATA[x]]>", b"<?pi x?>",
              b'<c r="XFD1048577">', b'<c r="A0">', b'<row r="0">', b'<row r="99999999">', b' t="s"', b' t="e"',
              b' t="d"', b' t="inlineStr"', b" s=\"999999\"", b"<v>1e400</v>", b"<v>-1</v>", b"<v>NaN</v>",
              b"_xD800_", b"_x0000_", b"\xff\xfe", b"\x00", b"</worksheet>", b"<sheetData>", b'xmlns="urn:x"',
              b"<f>SUM(A1)</f>", b"\xef\xbb\xbf", b"encoding=\"UTF-16\"", b"<definedName name=\"x\">'A'!$B$5"]


class Mutated:
    """Mutated package bytes with a short repr: the edits, not 20 kB of bytes, in a falsifying example
    (hypothesis warns about a large repr, and warnings are errors here)."""

    def __init__(self, data: bytes, edits: list[str]) -> None:
        self.data = data
        self.edits = edits

    def __repr__(self) -> str:
        return f"Mutated({'; '.join(self.edits)})"


DOCX_TOKENS = [b"<w:p/>", b"<w:sdt>", b"</w:body>", b"<!DOCTYPE x>", b"&#0;", b'w:val="participatie"',
               b'<w:bookmarkStart w:id="1" w:name="participatie"/>', b"<w:tbl>", b"\x00"]


def edit(draw: st.DrawFn, data: bytearray, operation: str, at: int, tokens: list[bytes]) -> tuple[bytearray, object]:
    """One byte-level edit of a member at ``at``; returns the edited bytes and what was used (for the
    example's description)."""
    what: object = ""
    if operation == "flip" and data:
        mask = draw(st.integers(1, 255))
        data[at] ^= mask
        what = mask
    elif operation == "delete":
        count = draw(st.integers(1, 64))
        del data[at:at + count]
        what = count
    elif operation == "insert":
        inserted = draw(st.binary(min_size=1, max_size=32))
        data[at:at] = inserted
        what = inserted
    elif operation == "duplicate":
        count = draw(st.integers(1, 200))
        data[at:at] = data[at:at + count]
        what = count
    elif operation == "truncate":
        del data[at:]
    elif operation == "token":
        token = draw(st.sampled_from(tokens))
        data[at:at] = token
        what = token
    elif operation == "empty":
        data = bytearray()
    return data, what


@st.composite
def mutated_member(draw: st.DrawFn) -> Mutated:
    """The example with one to three members changed by byte-level edits, repacked with valid checksums."""
    parts = dict(example_parts())
    edits = []
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(sorted(parts)))
        data = bytearray(parts[name])
        operation = draw(st.sampled_from(["flip", "delete", "insert", "duplicate", "truncate", "token", "empty"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        data, what = edit(draw, data, operation, at, XML_TOKENS)
        edits.append(f"{operation} {name}@{at} {what!r}")
        parts[name] = bytes(data)
    return Mutated(repack(make_intake(), replace=parts), edits)


@pytest.mark.slow
@FUZZ(max_examples=250 * SCALE)
@given(mutated=mutated_member())
def test_mutated_members_give_a_form_or_a_dutch_refusal(mutated: Mutated) -> None:
    assert_reader_contract(mutated.data)


@pytest.mark.slow
@FUZZ(max_examples=150 * SCALE)
@given(flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(1, 255)), min_size=1, max_size=8),
       cut=st.one_of(st.none(), st.integers(0, 10**6)))
def test_mutated_bytes_give_a_form_or_a_dutch_refusal(flips: list[tuple[int, int]], cut: int | None) -> None:
    data = bytearray(make_intake())
    for position, mask in flips:
        data[position % len(data)] ^= mask
    if cut is not None:
        del data[cut % len(data):]
    assert_reader_contract(bytes(data))


NUMBERISH = st.sampled_from(["0", "-0", "1", "-1", "1e400", "-1e400", "inf", "nan", "NaN", "1e-400", "2958466",
                             "2958465.99999", "60", "59.5", "99999999999999999999", "0x10", "1_000", " 7 ", "", "٣"])
CELL_KINDS = ["n", "s", "str", "e", "b", "d", "inlineStr"]


@pytest.mark.slow
@FUZZ(max_examples=200 * SCALE)
@example(sheet=MARKER, ref="B3", kind="inlineStr", value="1e400")  # the template version, infinite
@given(sheet=st.sampled_from([FORM, MARKER, "xl/worksheets/sheet2.xml"]),
       ref=st.one_of(st.sampled_from(["B3", "B5", "B48", "B51", "A5", "C7"]),
                     st.sampled_from(["project_name", "budget_euros", "participation_start", "handover_willing"]
                                     ).map(field_cell)),
       kind=st.sampled_from(CELL_KINDS),
       value=st.one_of(NUMBERISH, st.text(max_size=40), st.from_regex(r"_x[0-9A-Fa-f]{4}_", fullmatch=True)))
def test_any_cell_value_of_any_type_gives_a_form_or_a_dutch_refusal(sheet: str, ref: str, kind: str,
                                                                    value: str) -> None:
    parts = example_parts()
    value = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]", "", value)  # XML cannot hold these
    changed = repack(make_intake(), replace={sheet: set_cell(parts[sheet], ref, kind=kind, value=value)})
    assert_reader_contract(changed)


# --- the writer -----------------------------------------------------------------------------------------

TEXT = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=40)
RUNS = st.lists(st.builds(Run, TEXT, st.booleans(), st.booleans()), min_size=1, max_size=4).map(tuple)


@st.composite
def tables(draw: st.DrawFn) -> Table:
    width = draw(st.integers(1, 6))
    row = st.lists(TEXT, min_size=width, max_size=width).map(tuple)
    return Table(header=draw(row), rows=tuple(draw(st.lists(row, max_size=6))),
                 numeric=tuple(draw(st.lists(st.booleans(), min_size=width, max_size=width))),
                 total=draw(st.booleans()), caption=draw(TEXT))


BLOCK = st.one_of(
    st.builds(Heading, TEXT, st.integers(1, 9)),
    st.builds(Paragraph, RUNS),
    st.builds(BulletList, st.lists(RUNS, min_size=1, max_size=5).map(tuple), st.booleans()),
    tables(),
)
BLOCKS = st.lists(BLOCK, min_size=1, max_size=8)


def texts_of(blocks: list[Block]) -> list[str]:
    """Every text the document must show: what XML 1.0 can hold, line ends as breaks, blanks aside."""
    found: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            found.append(block.text)
        elif isinstance(block, Paragraph):
            found.extend(run.text for run in block.runs)
        elif isinstance(block, BulletList):
            found.extend(run.text for item in block.items for run in item)
        elif isinstance(block, Table):
            found.extend([*block.header, *(cell for row in block.rows for cell in row)])
    cleaned = []
    for text in found:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        text = "".join(c for c in text if c in "\t\n" or 0x20 <= ord(c) <= 0xD7FF or 0xE000 <= ord(c) <= 0xFFFD
                       or ord(c) >= 0x10000)
        cleaned.extend(part for part in re.split(r"[\n\t]", text) if part.strip())
    return cleaned


def reopen(data: bytes) -> str:
    """The document's text (content controls included), after checking that it opens as a whole."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
    document = docx.Document(io.BytesIO(data))
    return "".join(node.text or "" for node in document.element.body.iter(W_TEXT))


@pytest.mark.slow
@FUZZ(max_examples=80 * SCALE)
@given(blocks=BLOCKS)
def test_any_block_structure_goes_into_the_proposal_and_reopens(blocks: list[Block]) -> None:
    result = write_section(proposal_template(), blocks, limits=LIMITS)
    shown = reopen(result)
    for text in texts_of(blocks):
        assert text.strip() in shown, text


@FUZZ(max_examples=40 * SCALE)
@given(blocks=BLOCKS, title=TEXT)
def test_any_block_structure_builds_a_document_that_reopens(blocks: list[Block], title: str) -> None:
    result = build_document(blocks, limits=LIMITS, title=title or "Titel")
    shown = reopen(result)
    for text in texts_of(blocks):
        assert text.strip() in shown, text


@st.composite
def mutated_proposal(draw: st.DrawFn) -> Mutated:
    parts = members(proposal_template())
    names = sorted(n for n in parts if n.endswith((".xml", ".rels")))
    edits = []
    for _ in range(draw(st.integers(1, 2))):
        name = draw(st.sampled_from(names))
        data = bytearray(parts[name])
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        operation = draw(st.sampled_from(["flip", "delete", "token", "truncate"]))
        data, what = edit(draw, data, operation, at, DOCX_TOKENS)
        edits.append(f"{operation} {name}@{at} {what!r}")
        parts[name] = bytes(data)
    return Mutated(repack(proposal_template(), replace=parts), edits)


@FUZZ(max_examples=80 * SCALE)
@given(document=mutated_proposal(), blocks=BLOCKS)
def test_a_mutated_proposal_gives_a_document_that_reopens_or_a_document_error(document: Mutated,
                                                                              blocks: list[Block]) -> None:
    try:
        result = write_section(document.data, blocks, limits=LIMITS)
    except DocumentError as error:
        assert error.code and is_dutch(error.message), error.message
        return
    reopen(result)
