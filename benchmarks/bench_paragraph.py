"""(c) writing the participatieparagraaf into the proposal versus docxtpl rendering the same content.

Ours: ``docx_writer.write_section`` with the paragraph's rendered blocks, into the college proposal template
(open with the package checks, find the anchor, write the blocks with the template's styles, save,
verify). docxtpl: the same proposal template with, at the same place, a Jinja section built here with
python-docx: a paragraph loop (a bold lead run and the text), a table loop (``{%tr %}``) and a bullet list
loop (``{%p %}``), rendered with the same content and saved. Both go from template bytes to document
bytes. The content: the worked example's paragraph (ten paragraphs and the methods table), plus a bullet
list of its stakeholders on both sides, so that both also write a list.
"""

from __future__ import annotations

import copy
import io
from pathlib import Path
from typing import Any

from common import interleaved, ms, verdict

from toolbox_docs.settings import Settings

TARGET_RATIO = 1.0


def _blocks(intake: bytes, settings: Settings, work: Path) -> tuple[Any, ...]:
    from toolbox_docs.documents.blocks import BulletList
    from toolbox_docs.documents.context import paragraph_context
    from toolbox_docs.forms.check import check_with_settings
    from toolbox_docs.pipeline.process import Runtime

    runtime = Runtime.open(settings.replace(state_db=work / "paragraph-state.sqlite"))
    record = check_with_settings(intake, settings).record
    advice = runtime.advise(record)
    blocks = runtime.wording.render("participatieparagraaf.html.j2",
                                    paragraph_context(record, advice, organisation=settings.organisation,
                                                      rules=runtime.rules))
    runtime.close()
    names = BulletList.of(*(f"{s.name} ({s.category})" for s in record.stakeholders))
    return (*blocks, names)


def _context(blocks: tuple[Any, ...]) -> dict[str, Any]:
    """The same content as docxtpl context: paragraphs before and after the table, the table, the list."""
    from toolbox_docs.documents.blocks import BulletList, Paragraph, Table

    before: list[dict[str, str]] = []
    after: list[dict[str, str]] = []
    table: Table | None = None
    bullets: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            lead = "".join(r.text for r in block.runs if r.bold)
            rest = "".join(r.text for r in block.runs if not r.bold)
            (after if table is not None else before).append({"lead": lead, "text": rest})
        elif isinstance(block, Table):
            table = block
        elif isinstance(block, BulletList):
            bullets.extend(block.texts)
    assert table is not None and len(table.header) == 4, "the paragraph's methods table"
    return {"before": before, "after": after, "header": list(table.header), "rows": [list(r) for r in table.rows],
            "bullets": bullets}


def docxtpl_template(proposal: bytes) -> bytes:
    """The proposal template with a Jinja section under its 'Participatie' heading, in place of the content
    control that ``write_section`` fills (built with python-docx)."""
    import docx

    document = docx.Document(io.BytesIO(proposal))
    anchor = next(p for p in document.paragraphs if p.text.strip() == "Participatie")
    elements = []

    def paragraph(text: str = "", *, style: str | None = None, lead: str | None = None) -> None:
        made = document.add_paragraph(style=style)
        if lead is not None:
            made.add_run(lead).bold = True
        if text:
            made.add_run(text)
        elements.append(made._p)

    paragraph("{%p for p in before %}")
    paragraph("{{ p.text }}", lead="{{ p.lead }}")
    paragraph("{%p endfor %}")
    table = document.add_table(rows=4, cols=4)
    for column in range(4):
        table.cell(0, column).text = f"{{{{ header[{column}] }}}}"
        table.cell(2, column).text = f"{{{{ row[{column}] }}}}"
    table.cell(1, 0).text = "{%tr for row in rows %}"
    table.cell(3, 0).text = "{%tr endfor %}"
    for cell in table.rows[0].cells:
        for run in cell.paragraphs[0].runs:
            run.bold = True
    elements.append(table._tbl)
    paragraph("{%p for p in after %}")
    paragraph("{{ p.text }}", lead="{{ p.lead }}")
    paragraph("{%p endfor %}")
    paragraph("{%p for item in bullets %}")
    paragraph("{{ item }}", style="List Bullet")
    paragraph("{%p endfor %}")
    placeholder = anchor._p.getnext()
    if placeholder is not None and placeholder.tag.endswith("}sdt"):
        placeholder.getparent().remove(placeholder)  # the content control write_section fills: Jinja instead
    position = anchor._p
    for element in elements:
        position.addnext(element)
        position = element
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _texts(data: bytes) -> list[str]:
    """The non-empty paragraph texts of the body, in table cells and content controls too, sorted."""
    import docx

    namespace = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    body = docx.Document(io.BytesIO(data)).element.body
    texts = ("".join(t.text or "" for t in p.iter(f"{namespace}t")) for p in body.iter(f"{namespace}p"))
    return sorted(text for text in texts if text.strip())


def run(work: Path, intake: bytes, *, rounds: int, log: Any) -> dict[str, Any]:
    from docxtpl import DocxTemplate

    from toolbox_docs.documents.docx_writer import write_section

    settings = Settings()
    blocks = _blocks(intake, settings, work)
    proposal = settings.college_template.read_bytes()
    template = docxtpl_template(proposal)
    context = _context(blocks)

    def ours() -> bytes:
        return write_section(proposal, blocks, limits=settings.limits)

    def theirs() -> bytes:
        rendered = DocxTemplate(io.BytesIO(template))
        rendered.render(copy.deepcopy(context), autoescape=True)
        buffer = io.BytesIO()
        rendered.save(buffer)
        return buffer.getvalue()

    same_text = _texts(ours()) == _texts(theirs())
    log(f"(c) write_section vs docxtpl: {rounds} rounds ...")
    written, rendered = interleaved([("write_section", ours), ("docxtpl", theirs)], rounds=rounds, warm_up=2)
    ratio = written.median / rendered.median
    return {
        "what": "docx_writer.write_section of the worked example's paragraph blocks (+ a bullet list of its "
                "stakeholders) into the college proposal template, versus docxtpl rendering the same template "
                "with a Jinja paragraph loop, table loop and bullet-list loop and the same content",
        "write_section": written.as_dict(),
        "docxtpl": rendered.as_dict(),
        "ratio": round(ratio, 2),
        "same_text": same_text,
        "targets": {"ratio_at_most": TARGET_RATIO, "ratio_met": ratio <= TARGET_RATIO},
    }


def lines(result: dict[str, Any]) -> list[str]:
    ours, theirs = result["write_section"], result["docxtpl"]
    return [
        "(c) paragraph into the proposal: write_section vs docxtpl (same template, same content"
        f"{'' if result['same_text'] else ' — WARNING: the texts differ'})",
        f"    write_section           median {ms(ours['median_ms'] / 1000):>10}  ({ours['rounds']} rounds)",
        f"    docxtpl render + save   median {ms(theirs['median_ms'] / 1000):>10}",
        f"    ratio {result['ratio']:.2f}   target ≤ {result['targets']['ratio_at_most']:.0f} (no slower): "
        f"{verdict(result['targets']['ratio_met'])}",
    ]
