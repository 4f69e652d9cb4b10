"""`toolbox-docs process`: one intake through validation, advice and documents (issue 4's "Done when").

Real workbooks in, real Word files out; LibreOffice proves the documents open and show the paragraph
under "Participatie", the chart and the table with Dutch amounts.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from toolbox_docs.cli.examples import EXAMPLE_STAKEHOLDERS, EXAMPLE_VALUES
from toolbox_docs.cli.main import main
from toolbox_docs.documents import chart
from toolbox_docs.forms.schema import INTAKE_SCHEMA
from toolbox_docs.forms.xlsx_fill import fill_workbook, record_values
from toolbox_docs.names import output_stem
from toolbox_docs.pipeline.process import Outcome, Runtime, process_file
from toolbox_docs.settings import Settings
from toolbox_docs.share.fsio import BACKUP_FOLDER

sys.path.insert(0, str(Path(__file__).parent))
from conftest import need
from intake_factory import SCENARIOS

NOW = dt.datetime(2026, 11, 28, 14, 5)
AMOUNT = re.compile(r"€\s?\d{1,3}(\.\d{3})*,\d{2}")


def _runtime(settings: Settings) -> Runtime:
    return Runtime.open(settings)


def _all_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    # Paragraphs inside content controls are not in document.paragraphs: read the body XML too.
    parts.append("".join(t.text or "" for t in document.element.body.iter(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t")))
    return "\n".join(parts)


def _intake_file(folder: Path, blank: bytes, values: dict, rows: list, name: str = "intake.xlsx") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(fill_workbook(blank, values, rows))
    return path


@pytest.mark.libreoffice
def test_example_and_every_scenario_render(tmp_path: Path, settings: Settings, blank_intake: bytes,
                                          soffice) -> None:
    cases = {"voorbeeld": (EXAMPLE_VALUES, EXAMPLE_STAKEHOLDERS)}
    for name, make in SCENARIOS.items():
        cases[name] = record_values(make(), INTAKE_SCHEMA)
    runtime = _runtime(settings)
    documents: list[Path] = []
    expected: dict[str, tuple[Path, Path | None, bool]] = {}
    try:
        for name, (values, rows) in cases.items():
            path = _intake_file(tmp_path / name, blank_intake, dict(values), list(rows))
            result = process_file(path, runtime, now=NOW)
            assert result.outcome is Outcome.DONE, (name, result.lines())
            stem = output_stem(str(values["project_name"]))  # intake.xlsx: outputs named after the project
            plan = tmp_path / name / f"{stem} - participatieplan.docx"
            assert plan.is_file(), sorted(p.name for p in (tmp_path / name).iterdir())
            proposals = sorted((tmp_path / name).glob("* - *voorstel.docx"))
            kind = str(values["proposal_kind"])
            if kind == "geen":
                assert not proposals
            else:
                assert [p.name for p in proposals] == [f"{stem} - {kind}.docx"]
            documents += [plan, *proposals]
            expected[name] = (plan, proposals[0] if proposals else None, bool(rows))
    finally:
        runtime.close()
    # Every project writes "intake - ….docx": give each a name of its own, or the PDFs overwrite each other.
    unique = tmp_path / "alle"
    unique.mkdir()
    copies = []
    for document in documents:
        copy = unique / f"{document.parent.name} - {document.name}"
        shutil.copyfile(document, copy)
        copies.append(copy)
    pdfs = soffice(copies, "pdf", tmp_path / "pdf")
    assert len({pdf.name for pdf in pdfs}) == len(documents)
    by_stem = {p.parent.name + "/" + p.stem: pdf for p, pdf in zip(documents, pdfs, strict=True)}
    need(shutil.which("pdftotext") is not None, "poppler-utils (pdftotext) is not installed")
    for name, (plan, proposal, has_stakeholders) in expected.items():
        plan_pdf = by_stem[f"{name}/{plan.stem}"]
        plan_text = subprocess.run(["pdftotext", "-layout", str(plan_pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout
        assert "Vorm en middelen" in plan_text and AMOUNT.search(plan_text), name
        # The chart is a vector picture: LibreOffice draws its texts as text (its axis name is nowhere else).
        assert (chart.X_TITLE in " ".join(plan_text.split())) == has_stakeholders, name
        if proposal is not None:
            text = subprocess.run(["pdftotext", str(by_stem[f"{name}/{proposal.stem}"]), "-"], capture_output=True,
                                  text=True, check=True).stdout
            section = text.split("Participatie", 1)[1].split("Communicatie", 1)[0]
            assert "Niveau van participatie" in section or "Rol van de gemeente" in section, name
            assert AMOUNT.search(section), name


def test_no_participation_paragraph_says_why(tmp_path: Path, settings: Settings, blank_intake: bytes) -> None:
    values, rows = record_values(SCENARIOS["besluit-al-genomen"](), INTAKE_SCHEMA)
    values.update(proposal_kind="collegevoorstel", decision_maker="college",
                  decision_date=values["participation_end"] + dt.timedelta(days=30))
    path = _intake_file(tmp_path, blank_intake, values, rows)
    runtime = _runtime(settings)
    try:
        result = process_file(path, runtime, now=NOW)
    finally:
        runtime.close()
    assert result.outcome is Outcome.DONE
    text = _all_text(next(tmp_path.glob("* - *voorstel.docx")))
    assert "Geen inspraak, wel informatie" in text and "Niveau van participatie: informeren" in text
    assert str(values["no_participation_reason"]).split(".")[0] in text


def test_hostile_and_odd_values_come_out_exactly(tmp_path: Path, settings: Settings, blank_intake: bytes) -> None:
    odd_name = 'Plein & "Park" <Noord> \'s-Gravenweg 🌳 مرحبا'
    long_text = "Lange tekst. " * 300
    values = dict(EXAMPLE_VALUES, project_name=odd_name, reason_goal=long_text.strip(),
                  fixed_frameworks="Vast: a < b & c > d_x0007_ en einde.")
    path = _intake_file(tmp_path, blank_intake, values, EXAMPLE_STAKEHOLDERS)
    runtime = _runtime(settings)
    try:
        result = process_file(path, runtime, now=NOW)
    finally:
        runtime.close()
    assert result.outcome is Outcome.DONE, result.lines()
    # The outputs are named after the project, with what Windows forbids in a name left out.
    stem = "Plein & 'Park' Noord 's-Gravenweg 🌳 مرحبا"
    plan = _all_text(tmp_path / f"{stem} - participatieplan.docx")
    proposal = _all_text(tmp_path / f"{stem} - collegevoorstel.docx")
    assert odd_name in plan
    assert long_text.strip() in plan.replace("\n", " ") or long_text.strip() in proposal
    # The control character (written by Excel as _x0007_) is removed, the rest is kept exactly.
    assert "Vast: a < b & c > d en einde." in proposal
    assert "\x07" not in proposal


def test_person_edits_elsewhere_are_kept_and_previous_version_backed_up(tmp_path: Path, settings: Settings,
                                                                       blank_intake: bytes) -> None:
    path = _intake_file(tmp_path, blank_intake, EXAMPLE_VALUES, EXAMPLE_STAKEHOLDERS)
    runtime = _runtime(settings)
    try:
        assert process_file(path, runtime, now=NOW).outcome is Outcome.DONE
        proposal = tmp_path / "Groenplan Meezenbroek - collegevoorstel.docx"
        document = docx.Document(str(proposal))
        for paragraph in document.paragraphs:
            if paragraph.text.startswith("[Korte omschrijving"):
                paragraph.text = "Het college besluit over het groenplan (tekst van de steller)."
        document.sections[0].header.paragraphs[0].text = "Gemeente Heerlen — concept"
        document.save(str(proposal))
        edited = proposal.read_bytes()
        before = docx.Document(str(proposal))
        others_before = [p.text for p in before.paragraphs]
        header_before = [p.text for s in before.sections for p in s.header.paragraphs]
        footer_before = [p.text for s in before.sections for p in s.footer.paragraphs]

        changed = dict(EXAMPLE_VALUES, reason_goal="Nieuw doel: meer schaduw in de zomer.")
        path.write_bytes(fill_workbook(blank_intake, changed, EXAMPLE_STAKEHOLDERS))
        result = process_file(path, runtime, now=NOW + dt.timedelta(hours=1))
    finally:
        runtime.close()
    assert result.outcome is Outcome.DONE
    after = docx.Document(str(proposal))
    assert [p.text for p in after.paragraphs] == others_before  # the paragraph lives in the content control
    assert [p.text for s in after.sections for p in s.header.paragraphs] == header_before
    assert [p.text for s in after.sections for p in s.footer.paragraphs] == footer_before
    assert "Nieuw doel: meer schaduw in de zomer." in _all_text(proposal)
    backups = list((tmp_path / BACKUP_FOLDER).glob("Groenplan Meezenbroek - collegevoorstel (*).docx"))
    assert len(backups) == 1 and backups[0].read_bytes() == edited


def test_running_twice_gives_one_paragraph_and_no_new_files(tmp_path: Path, settings: Settings,
                                                            example_intake: bytes) -> None:
    path = tmp_path / "intake.xlsx"
    path.write_bytes(example_intake)
    runtime = _runtime(settings)
    try:
        first = process_file(path, runtime, now=NOW)
        snapshot = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
        second = process_file(path, runtime, now=NOW + dt.timedelta(minutes=5))
    finally:
        runtime.close()
    assert first.outcome is second.outcome is Outcome.DONE
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == snapshot
    assert not (tmp_path / BACKUP_FOLDER).exists()
    text = _all_text(tmp_path / "Groenplan Meezenbroek - collegevoorstel.docx")
    assert text.count("Wat willen we bereiken?") == 1  # the control's paragraphs are only in the raw body text


def test_evaluation_workbook_created_once_and_never_overwritten(tmp_path: Path, settings: Settings,
                                                                blank_intake: bytes) -> None:
    path = _intake_file(tmp_path, blank_intake, EXAMPLE_VALUES, EXAMPLE_STAKEHOLDERS)
    runtime = _runtime(settings)
    try:
        process_file(path, runtime, now=NOW)
        workbook = tmp_path / "Groenplan Meezenbroek - evaluatie.xlsx"
        workbook.write_bytes(workbook.read_bytes() + b"")  # untouched content, new mtime
        original = workbook.read_bytes()
        path.write_bytes(fill_workbook(blank_intake, dict(EXAMPLE_VALUES, budget_hours=200), EXAMPLE_STAKEHOLDERS))
        result = process_file(path, runtime, now=NOW + dt.timedelta(days=1))
    finally:
        runtime.close()
    assert workbook.read_bytes() == original
    assert any(a.path == workbook and a.did.value == "bewaard" for a in result.actions)


def test_proposal_open_in_word_is_deferred(tmp_path: Path, settings: Settings, blank_intake: bytes) -> None:
    path = _intake_file(tmp_path, blank_intake, EXAMPLE_VALUES, EXAMPLE_STAKEHOLDERS)
    runtime = _runtime(settings)
    try:
        process_file(path, runtime, now=NOW)
        proposal = tmp_path / "Groenplan Meezenbroek - collegevoorstel.docx"
        before = proposal.read_bytes()
        owner = tmp_path / "~$oenplan Meezenbroek - collegevoorstel.docx"
        owner.write_bytes(b"owner")
        path.write_bytes(fill_workbook(blank_intake, dict(EXAMPLE_VALUES, reason_goal="Ander doel, later."),
                                       EXAMPLE_STAKEHOLDERS))
        deferred = process_file(path, runtime, now=NOW + dt.timedelta(hours=1))
        assert deferred.outcome is Outcome.DEFERRED
        assert proposal.read_bytes() == before
        assert "Ander doel, later." in _all_text(tmp_path / "Groenplan Meezenbroek - participatieplan.docx")
        owner.unlink()
        done = process_file(path, runtime, now=NOW + dt.timedelta(hours=2))
    finally:
        runtime.close()
    assert done.outcome is Outcome.DONE
    assert "Ander doel, later." in _all_text(proposal)


def test_invalid_intake_gets_feedback_only_and_it_goes_away(tmp_path: Path, settings: Settings,
                                                          blank_intake: bytes) -> None:
    broken = dict(EXAMPLE_VALUES)
    del broken["project_name"]
    broken["budget_euros"] = "twaalf"
    path = _intake_file(tmp_path, blank_intake, broken, EXAMPLE_STAKEHOLDERS)
    runtime = _runtime(settings)
    try:
        rejected = process_file(path, runtime, now=NOW)
        feedback = tmp_path / "intake - feedback.txt"
        text = feedback.read_text(encoding="utf-8-sig")
        assert rejected.outcome is Outcome.REJECTED
        assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["intake - feedback.txt", "intake.xlsx"]
        assert "Blad 'Intake', cel B5: " in text and "'Naam project' is verplicht" in text and "twaalf" in text
        path.write_bytes(fill_workbook(blank_intake, EXAMPLE_VALUES, EXAMPLE_STAKEHOLDERS))
        fixed = process_file(path, runtime, now=NOW + dt.timedelta(minutes=3))
    finally:
        runtime.close()
    assert fixed.outcome is Outcome.DONE
    assert not feedback.exists()


def test_cli_process_with_out_dir_and_exit_codes(tmp_path: Path, example_intake: bytes, blank_intake: bytes) -> None:
    path = tmp_path / "in" / "intake.xlsx"
    path.parent.mkdir()
    path.write_bytes(example_intake)
    out = tmp_path / "uit"
    env = {"TOOLBOX_STATE_DB": str(tmp_path / "state.sqlite")}
    runner = CliRunner()
    result = runner.invoke(main, ["process", str(path), "--out", str(out)], env=env)
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {"Groenplan Meezenbroek - participatieplan.docx",
                                               "Groenplan Meezenbroek - collegevoorstel.docx",
                                               "Groenplan Meezenbroek - evaluatie.xlsx"}
    assert sorted(p.name for p in path.parent.iterdir()) == ["intake.xlsx"]
    blank = tmp_path / "leeg" / "intake.xlsx"
    blank.parent.mkdir()
    blank.write_bytes(fill_workbook(blank_intake, {"project_name": "Alleen een naam"}))
    result = runner.invoke(main, ["process", str(blank)], env=env)
    assert result.exit_code == 1
    assert "afgekeurd" in result.output
