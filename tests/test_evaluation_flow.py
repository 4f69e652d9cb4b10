"""End to end in a test root: intake → outputs → the pre-filled evaluation workbook filled by a script →
the evaluation report, the project moved to 'afgerond' (state and projectenregister.xlsx), the outcome in
the proposal's paragraph, and ``register search`` finding the project by a word from its lessons.

The evaluation is filled with ``fill_workbook`` into the workbook the pipeline itself prepared, the way a
civil servant fills it in Excel: by defined names and rows of the 'Werkvormen' table.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from lxml import etree
from openpyxl import load_workbook

from intake_factory import uitdaagrecht_community_centre
from toolbox_docs.cli.main import main
from toolbox_docs.formatting import euro, hours, number
from toolbox_docs.forms.check import check_workbook
from toolbox_docs.forms.schema import CRITERION_KEYS, INTAKE_SCHEMA
from toolbox_docs.forms.xlsx_fill import fill_workbook, record_values
from toolbox_docs.pipeline.process import Outcome, Runtime, process_file
from toolbox_docs.register import xlsx as register_xlsx
from toolbox_docs.register.projects import FINISHED
from toolbox_docs.settings import Settings

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
INTAKE_DAY = dt.datetime(2027, 1, 11, 9, 0)
EVALUATION_DAY = dt.datetime(2027, 6, 14, 10, 0)
LESSONS = ("Begin met een zonnebloemactie op het schoolplein: zo bereik je ouders en kinderen die nooit naar "
           "een avond komen.")
OUTCOME = ("Bewoners kozen voor een speelplek bij de basisschool en twaalf nieuwe bomen aan de "
           "Schaesbergerweg.")
# Over the three pre-filled rows of the advised methods: one used, one not used (its row cleared, as a
# person deletes it), one used; and a method nobody planned added below.
USED: list[dict[str, Any]] = [
    {"method": "Wijkwandeling", "participants": 30, "hours": 12, "euros": 250},
    {"method": None},
    {"method": "Terugkoppelingsbijeenkomst", "participants": 45, "hours": 20.5, "euros": 1000},
    {"method": "Ontwerpatelier", "participants": 20, "hours": 8, "euros": 0},
]


# --- reading the Word documents, including text inside content controls ------------------------


def _document(path: Path) -> Any:
    with zipfile.ZipFile(path) as package:
        return etree.fromstring(package.read("word/document.xml"))


def docx_paragraphs(path: Path) -> list[str]:
    return ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in _document(path).iter(f"{W}p")]


def docx_tables(path: Path) -> list[list[list[str]]]:
    tables = []
    for table in _document(path).iter(f"{W}tbl"):
        rows = [["".join(t.text or "" for t in cell.iter(f"{W}t")) for cell in row.iter(f"{W}tc")]
                for row in table.iter(f"{W}tr")]
        tables.append(rows)
    return tables


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- the test root ----------------------------------------------------------------------------


@dataclass
class Project:
    root: Path
    folder: Path
    intake: Path
    evaluation: Path
    proposal: Path
    runtime: Runtime
    project_id: str


@pytest.fixture
def project(tmp_path: Path, settings: Settings, example_intake: bytes) -> Iterator[Project]:
    """The worked example, processed once in a watched root with the register exporter on."""
    root = tmp_path / "Participatie"
    folder = root / "Projecten" / "Groenplan Meezenbroek"
    folder.mkdir(parents=True)
    intake = folder / "intake.xlsx"
    intake.write_bytes(example_intake)
    runtime = Runtime.open(settings, roots=(root,))
    runtime.on_register_change = register_xlsx.exporter_for(runtime)
    try:
        result = process_file(intake, runtime, now=INTAKE_DAY)
        assert result.outcome is Outcome.DONE, result.lines()
        assert result.project_id is not None
        yield Project(root, folder, intake, folder / "Groenplan Meezenbroek - evaluatie.xlsx",
                      folder / "Groenplan Meezenbroek - collegevoorstel.docx", runtime, result.project_id)
    finally:
        runtime.close()


def evaluation_values(**overrides: Any) -> dict[str, Any]:
    """A complete evaluation as a trekker would type it: eight 'goed', one 'voldoende', one 'onvoldoende'."""
    scores = dict.fromkeys(CRITERION_KEYS.values(), "goed")
    keys = list(scores)
    scores[keys[2]] = "voldoende"
    scores[keys[7]] = "onvoldoende"
    values: dict[str, Any] = {f"crit_{key}_score": score for key, score in scores.items()}
    values[f"crit_{keys[7]}_note"] = "De eerste bijeenkomst viel in de zomervakantie."
    values.update({
        "achieved_level": "adviseren",
        "decision_taken": "nee",
        "outcome": OUTCOME,
        "unexpected": "Veel meer jongeren dan verwacht deden mee.",
        "support": "groot",
        "participant_rating": "7,8",
        "went_well": "De wijkwandeling met de wijkagent.",
        "could_be_better": "Eerder beginnen met de uitnodigingen.",
        "lessons": LESSONS,
        "keywords": "schoolplein, bomen",
    })
    values.update(overrides)
    return values


def fill_evaluation(project: Project, rows: list[dict[str, Any]] | None = None, **overrides: Any) -> None:
    prepared = project.evaluation.read_bytes()
    project.evaluation.write_bytes(fill_workbook(prepared, evaluation_values(**overrides),
                                                 USED if rows is None else rows))


def settings_file(tmp_path: Path, settings: Settings) -> Path:
    config = tmp_path / "toolbox.toml"
    config.write_text(f'[dienst]\nstatusbestand = "{settings.state_db.as_posix()}"\n', encoding="utf-8")
    return config


def sheet_names(path: Path) -> dict[str, list[str]]:
    """Project names per sheet of a projectenregister.xlsx."""
    wb = load_workbook(io.BytesIO(path.read_bytes()))
    return {ws.title: [str(row[0]) for row in ws.iter_rows(min_row=2, values_only=True) if row[0]]
            for ws in wb.worksheets}


# --- the whole way ------------------------------------------------------------------------------


def test_evaluation_end_to_end(project: Project, tmp_path: Path, settings: Settings) -> None:
    register_file = project.root / "projectenregister.xlsx"
    assert sheet_names(register_file) == {"Lopend": ["Groenplan Meezenbroek"], "Afgerond": []}
    assert project.evaluation.is_file() and project.proposal.is_file()
    before = "\n".join(docx_paragraphs(project.proposal))
    assert "Wat kwam er uit de participatie?" not in before

    planned = project.runtime.register.get(project.project_id)
    assert planned is not None and {"Meedenkgroep", "Klankbordgroep"} & set(planned.methods)

    fill_evaluation(project)
    result = process_file(project.evaluation, project.runtime, now=EVALUATION_DAY)

    assert result.outcome is Outcome.DONE, result.lines()
    assert result.message == "oordeel: voldoende"
    report = project.folder / "Groenplan Meezenbroek - evaluatieverslag.docx"
    assert report in result.written
    text = "\n".join(docx_paragraphs(report))
    assert "Oordeel: voldoende" in text
    assert "Eén criterium is onvoldoende, maar daar staat 8× 'goed' tegenover." in text
    assert LESSONS in text and OUTCOME in text
    # planned and actual on one basis: hours × the plan's rate + external, and external next to external
    rate = planned.recorded().hourly_rate
    assert rate == settings.hourly_rate
    planned_vs_actual = next(t for t in docx_tables(report) if t[0] == ["Onderdeel", "Gepland", "Werkelijk"])
    rows = {row[0]: row[1:] for row in planned_vs_actual[1:]}
    labour = f"Interne kosten (uren × {euro(rate)})"
    assert rows["Deelnemers"] == [number(planned.planned_participants), "95"]
    assert rows["Interne uren"] == [hours(Decimal(planned.planned_hours)), "40,5"]
    assert rows[labour] == [euro(Decimal(planned.planned_hours) * rate), euro(Decimal("40.5") * rate)]
    assert rows["Externe kosten"] == [euro(Decimal(planned.planned_external_euros)), "€\u00a01.250,00"]
    assert rows["Totale kosten"] == [euro(Decimal(planned.planned_euros)), euro(Decimal("40.5") * rate + 1250)]
    assert rows["Niveau van participatie"] == ["adviseren", "adviseren"] and "Rol van de gemeente" not in rows
    used = next(t for t in docx_tables(report) if t[0][0] == "Werkvorm")
    assert [row[:2] for row in used[1:]] == [["Wijkwandeling", "nee"], ["Terugkoppelingsbijeenkomst", "ja"],
                                             ["Ontwerpatelier", "nee"]]
    unused = [m for m in planned.methods if m not in {row[0] for row in used[1:]}]
    sentence = next(line for line in text.splitlines() if line.startswith("Gepland, maar niet gebruikt:"))
    assert unused and all(name in sentence for name in unused), (unused, sentence)

    # the register: moved to 'afgerond' in the state and in the workbook at the root
    registered = project.runtime.register.get(project.project_id)
    assert registered is not None and registered.status == FINISHED
    assert (registered.verdict, registered.participants, registered.lessons) == ("voldoende", 95, LESSONS)
    assert (Decimal(registered.actual_hours), Decimal(registered.actual_external_euros)) == (Decimal("40.5"), 1250)
    assert Decimal(registered.actual_euros) == Decimal("40.5") * rate + 1250
    assert sheet_names(register_file) == {"Lopend": [], "Afgerond": ["Groenplan Meezenbroek"]}

    # the proposal awaits its decision: the paragraph now says what came out, the old one is kept
    assert project.proposal in result.written
    after = "\n".join(docx_paragraphs(project.proposal))
    assert f"Wat kwam er uit de participatie? {OUTCOME}" in after
    assert "De evaluatie geeft het oordeel voldoende." in after
    assert any((project.folder / "Vorige versies").glob("Groenplan Meezenbroek - collegevoorstel (*).docx"))

    # a colleague finds it by a word from its lessons
    project.runtime.close()
    config = settings_file(tmp_path, settings)
    found = CliRunner().invoke(main, ["--config", str(config), "register", "search", "Zonnebloemactie"])
    assert found.exit_code == 0, found.output
    assert "Groenplan Meezenbroek — Sanne de Vries" in found.output
    assert "afgerond" in found.output and "oordeel voldoende" in found.output
    assert "Lessen: " in found.output and "zonnebloemactie" in found.output
    missing = CliRunner().invoke(main, ["--config", str(config), "register", "search", "kunstgrasveld"])
    assert missing.exit_code == 1
    assert "Geen projecten gevonden" in missing.output


def test_decision_taken_leaves_the_paragraph_alone(project: Project) -> None:
    proposal_before = digest(project.proposal)
    fill_evaluation(project, decision_taken="ja")

    result = process_file(project.evaluation, project.runtime, now=EVALUATION_DAY)

    assert result.outcome is Outcome.DONE, result.lines()
    assert (project.folder / "Groenplan Meezenbroek - evaluatieverslag.docx").is_file()
    assert project.proposal not in result.outputs
    assert digest(project.proposal) == proposal_before
    assert not (project.folder / "Vorige versies").exists()
    registered = project.runtime.register.get(project.project_id)
    assert registered is not None and registered.status == FINISHED


def test_reprocessing_the_intake_keeps_the_outcome_in_the_paragraph(project: Project) -> None:
    fill_evaluation(project)
    assert process_file(project.evaluation, project.runtime, now=EVALUATION_DAY).outcome is Outcome.DONE
    project.runtime.state.forget(project.intake)  # as if the intake were saved again

    again = process_file(project.intake, project.runtime, now=EVALUATION_DAY + dt.timedelta(days=1))

    assert again.outcome is Outcome.DONE, again.lines()
    registered = project.runtime.register.get(project.project_id)
    assert registered is not None and registered.status == FINISHED and registered.lessons == LESSONS
    assert f"Wat kwam er uit de participatie? {OUTCOME}" in "\n".join(docx_paragraphs(project.proposal))


def test_unknown_project_gets_a_report_and_a_warning(project: Project) -> None:
    fill_evaluation(project, project_id="P-2020-000000")

    result = process_file(project.evaluation, project.runtime, now=EVALUATION_DAY)

    assert result.outcome is Outcome.DONE, result.lines()
    assert (project.folder / "Groenplan Meezenbroek - evaluatieverslag.docx").is_file()
    warnings = [p for p in result.problems if p.code == "unknown-project"]
    assert len(warnings) == 1 and not warnings[0].is_error
    assert "P-2020-000000" in warnings[0].message and "niet in het projectenregister" in warnings[0].message
    registered = project.runtime.register.get(project.project_id)
    assert registered is not None and registered.status != FINISHED
    assert sheet_names(project.root / "projectenregister.xlsx")["Afgerond"] == []


def test_incomplete_evaluation_gets_feedback_only(project: Project) -> None:
    # lessons and support left empty, and every pre-filled method row cleared
    planned = project.runtime.register.get(project.project_id)
    assert planned is not None
    fill_evaluation(project, rows=[{"method": None}] * len(planned.methods), lessons=None, support=None)

    result = process_file(project.evaluation, project.runtime, now=EVALUATION_DAY)

    assert result.outcome is Outcome.REJECTED
    feedback = project.folder / "Groenplan Meezenbroek - evaluatie - feedback.txt"
    text = feedback.read_text(encoding="utf-8-sig")
    assert "'Lessen' is verplicht" in text and "'Draagvlak' is verplicht" in text
    assert "geen enkele werkvorm" in text
    assert not (project.folder / "Groenplan Meezenbroek - evaluatieverslag.docx").exists()
    registered = project.runtime.register.get(project.project_id)
    assert registered is not None and registered.status != FINISHED

    fill_evaluation(project)  # fixed and saved again: the report comes, the feedback goes
    fixed = process_file(project.evaluation, project.runtime, now=EVALUATION_DAY)
    assert fixed.outcome is Outcome.DONE, fixed.lines()
    assert not feedback.exists()


def test_planned_methods_without_figures_do_not_count_as_used(project: Project) -> None:
    """The prepared workbook lists the planned methods; a row nobody reported on is not a used method."""
    planned = load_rows(project.evaluation)
    assert len(planned) >= 2, "the prepared workbook lists the planned methods"
    fill_evaluation(project, rows=[{"method": planned[0], "participants": 40, "hours": 12, "euros": 300}])
    check = check_workbook(project.evaluation.read_bytes(), lists=project.runtime.settings.lists,
                           limits=project.runtime.settings.limits)
    assert check.ok, check.problems
    assert [m.method for m in check.record.methods_used] == [planned[0]]


def test_only_planned_rows_means_no_method_was_reported(project: Project) -> None:
    fill_evaluation(project, rows=[])
    check = check_workbook(project.evaluation.read_bytes(), lists=project.runtime.settings.lists,
                           limits=project.runtime.settings.limits)
    assert [p.code for p in check.problems if p.is_error] == ["no-methods-used"]


def load_rows(path: Path) -> list[str]:
    """The method names the toolbox pre-filled in the evaluation's table."""
    sheet = load_workbook(path)["Werkvormen"]
    return [row[0] for row in sheet.iter_rows(min_row=5, max_col=1, values_only=True) if row[0]]


def test_overheidsparticipatie_has_a_role_not_a_level_everywhere(tmp_path: Path, settings: Settings,
                                                                  blank_intake: bytes) -> None:
    """The municipality's role (ROB trap) is pre-filled, reported and registered as a role, never as a level."""
    root = tmp_path / "Participatie"
    folder = root / "Projecten" / "Buurthuis"
    folder.mkdir(parents=True)
    intake = folder / "intake.xlsx"
    intake.write_bytes(fill_workbook(blank_intake, *record_values(uitdaagrecht_community_centre(), INTAKE_SCHEMA)))
    runtime = Runtime.open(settings, roots=(root,))
    runtime.on_register_change = register_xlsx.exporter_for(runtime)
    try:
        first = process_file(intake, runtime, now=INTAKE_DAY)
        assert first.outcome is Outcome.DONE and first.advice is not None, first.lines()
        rung = first.advice.rung
        assert rung is not None and first.advice.level is None

        (evaluation,) = folder.glob("* - evaluatie.xlsx")
        prepared = load_workbook(io.BytesIO(evaluation.read_bytes()))

        def prefilled(name: str) -> Any:
            ((sheet, cell),) = prepared.defined_names[name].destinations
            return prepared[sheet][cell.replace("$", "")].value

        assert (prefilled("planned_role"), prefilled("planned_level")) == (rung.value, None)

        evaluation.write_bytes(fill_workbook(evaluation.read_bytes(), evaluation_values(
            achieved_level=None, achieved_role="faciliteren"), USED[:1]))
        result = process_file(evaluation, runtime, now=EVALUATION_DAY)
        assert result.outcome is Outcome.DONE, result.lines()
    finally:
        runtime.close()

    (report,) = folder.glob("* - evaluatieverslag.docx")
    planned_vs_actual = next(t for t in docx_tables(report) if t[0] == ["Onderdeel", "Gepland", "Werkelijk"])
    rows = {row[0]: row[1:] for row in planned_vs_actual[1:]}
    assert rows["Rol van de gemeente"] == [rung.value, "faciliteren"] and "Niveau" not in rows

    book = load_workbook(io.BytesIO((root / "projectenregister.xlsx").read_bytes()))
    sheet = book["Afgerond"]
    header = [cell.value for cell in sheet[1]]
    values = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert values["Rol van de gemeente (advies)"] == rung.value and values["Niveau (advies)"] is None
    assert values["Rol van de gemeente (bereikt)"] == "faciliteren" and values["Niveau (bereikt)"] is None

    (proposal,) = folder.glob("* - collegevoorstel.docx")
    paragraph = "\n".join(docx_paragraphs(proposal))
    assert "De rol van de gemeente was faciliteren; het draagvlak is groot." in paragraph
    assert "niveau was faciliteren" not in paragraph
