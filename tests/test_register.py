"""The projectenregister in the state: create, update, finish, search; the schema migration from version 2;
and the ``register search`` / ``register export`` commands with their exit codes."""

from __future__ import annotations

import datetime as dt
import io
import json
import sqlite3
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from intake_factory import make_intake
from toolbox_docs.advice.evaluation import verdict
from toolbox_docs.cli.main import main
from toolbox_docs.errors import StateError
from toolbox_docs.forms.records import Evaluation, MethodUsed
from toolbox_docs.forms.schema import CRITERION_KEYS
from toolbox_docs.pipeline.process import Runtime
from toolbox_docs.register.projects import FINISHED, RUNNING, Project, excerpt, fold
from toolbox_docs.register.reminders import ReminderLog
from toolbox_docs.settings import Settings
from toolbox_docs.state import MIGRATIONS, State
from toolbox_docs.vocab import Level, ParticipationKind, Score, Support

NOW = dt.datetime(2026, 2, 1, 9, 0)


@pytest.fixture
def runtime(settings: Settings) -> Iterator[Runtime]:
    opened = Runtime.open(settings)
    yield opened
    opened.close()


def add(runtime: Runtime, tmp_path: Path, name: str, **overrides: Any) -> Project:
    intake = make_intake(project_name=name, **overrides)
    path = tmp_path / "Projecten" / name / "intake.xlsx"
    return runtime.register.upsert_intake(path, intake, runtime.advise(intake), root=tmp_path, now=NOW)


def make_evaluation(project_id: str, **overrides: Any) -> Evaluation:
    values: dict[str, Any] = {f"crit_{key}_score": Score.GOOD for key in CRITERION_KEYS.values()}
    values.update({f"crit_{key}_note": None for key in CRITERION_KEYS.values()})
    values.update(
        project_id=project_id, project_name="x", participation_kind=ParticipationKind.BURGER,
        trekker_name="Sanne Voorbeeld", trekker_email="s.voorbeeld@example.org", planned_level=Level.ADVISE,
        planned_role=None,
        planned_methods=None, planned_hours=None, planned_euros=None, participation_start=None,
        participation_end=None, achieved_level=Level.CONSULT, achieved_role=None, decision_taken=True,
        outcome="Het plein krijgt een waterspeelplek.", unexpected=None, support=Support.LIMITED,
        participant_rating=None, went_well="De koffiekar op zaterdag.", could_be_better="Meer jongeren.",
        lessons="Een ideeënmarkt op de weekmarkt trekt andere mensen dan een avond in het stadhuis.",
        keywords="markt, plein",
        methods_used=(MethodUsed("Ideeënmarkt", 120, Decimal("16"), Decimal("800")),
                      MethodUsed("Koffiekar en straatgesprekken", 40, Decimal("6.5"), None)),
    )
    values.update(overrides)
    return Evaluation(**values)


# --- the store -------------------------------------------------------------------------------------


def test_intake_creates_a_running_project_with_the_seed_columns(runtime: Runtime, tmp_path: Path) -> None:
    project = add(runtime, tmp_path, "Herinrichting Pancratiusplein")

    assert project.status == RUNNING
    assert project.project_id.startswith("P-2026-")
    assert (project.contact, project.email, project.phone) == ("Sanne Voorbeeld", "s.voorbeeld@example.org",
                                                               "045 000 0000")
    assert (project.area, project.policy_field, project.keywords) == ("Heerlen-Centrum", "Openbare ruimte",
                                                                      "plein, groen, verlichting")
    assert project.kind == "burgerparticipatie" and project.level and project.methods
    assert Decimal(project.planned_euros) > 0
    # the intake's own budget, apart from what the plan costs; the plan's figures on one basis
    intake = make_intake(project_name="Herinrichting Pancratiusplein")
    advice = runtime.advise(intake)
    assert (project.budget_euros, project.budget_hours) == (intake.budget_euros, intake.budget_hours)
    assert project.planned_external_euros == advice.totals.external_euros
    assert Decimal(project.planned_euros) == (Decimal(project.planned_hours) * Decimal(project.hourly_rate)
                                              + Decimal(project.planned_external_euros))
    assert project.planned_participants == sum(m.participants for m in advice.methods) > 0
    assert (project.start, project.end, project.decision) == (dt.date(2026, 3, 2), dt.date(2026, 5, 29),
                                                              dt.date(2026, 7, 7))
    assert runtime.register.all() == [project]


def test_reprocessing_keeps_the_id_and_a_finished_project_keeps_its_evaluation(runtime: Runtime,
                                                                              tmp_path: Path) -> None:
    first = add(runtime, tmp_path, "Plein")
    again = add(runtime, tmp_path, "Plein", keywords="plein, bankjes")
    assert again.project_id == first.project_id and again.keywords == "plein, bankjes"

    evaluation = make_evaluation(first.project_id)
    done = runtime.register.complete(evaluation, verdict(evaluation), now=NOW)
    assert done is not None and done.status == FINISHED
    assert (done.actual_level, done.participants, done.actual_hours, done.actual_external_euros) == (
        "raadplegen", 160, Decimal("22.5"), Decimal("800.00"))
    # on the plan's basis: the hours at the plan's rate, plus the external costs
    assert Decimal(done.actual_euros) == Decimal("22.5") * Decimal(first.hourly_rate) + 800
    assert (done.verdict, done.support, done.evaluated_on) == ("voldoende", "beperkt", dt.date(2026, 2, 1))

    after = add(runtime, tmp_path, "Plein", keywords="plein, bomen")
    assert after.status == FINISHED and after.lessons == evaluation.lessons
    assert after.keywords == "plein, bomen"
    assert len(runtime.register.all()) == 1


def test_an_id_drawn_twice_never_overwrites_the_project_that_has_it(runtime: Runtime, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Ids are six hex digits, so with thousands of projects two will draw the same one now and then
    (a watcher test met it at 400). The second project must get another id, never the first one's row."""
    draws = iter(["abcdef", "abcdef", "abcdef", "123456"])
    monkeypatch.setattr("toolbox_docs.register.projects.secrets.token_hex", lambda _: next(draws))

    first = add(runtime, tmp_path, "Plein")
    second = add(runtime, tmp_path, "Park")

    assert (first.project_id, second.project_id) == ("P-2026-abcdef", "P-2026-123456")
    assert sorted(p.name for p in runtime.register.all()) == ["Park", "Plein"]
    assert runtime.register.get("P-2026-abcdef").name == "Plein"


def test_no_free_id_is_a_clear_error_not_a_lost_project(runtime: Runtime, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    add(runtime, tmp_path, "Plein")
    taken = runtime.register.all()[0].project_id.removeprefix("P-2026-")
    monkeypatch.setattr("toolbox_docs.register.projects.secrets.token_hex", lambda _: taken)
    with pytest.raises(StateError, match="geen vrij projectnummer"):
        add(runtime, tmp_path, "Park")
    assert [p.name for p in runtime.register.all()] == ["Plein"]


def test_an_unknown_project_cannot_be_completed(runtime: Runtime) -> None:
    evaluation = make_evaluation("P-1999-000000")
    assert runtime.register.complete(evaluation, verdict(evaluation), now=NOW) is None
    assert runtime.register.all() == []


def test_search_over_name_keywords_area_field_methods_and_lessons(runtime: Runtime, tmp_path: Path) -> None:
    square = add(runtime, tmp_path, "Herinrichting Pancratiusplein")
    youth = add(runtime, tmp_path, "Jongerencentrum Heerlerheide", area="Heerlerheide",
                policy_field="Jeugd en onderwijs", keywords="jongeren, ontmoeten")
    evaluation = make_evaluation(square.project_id)
    runtime.register.complete(evaluation, verdict(evaluation), now=NOW)

    def names(term: str) -> list[str]:
        return [p.name for p in runtime.register.search(term)]

    assert names("pancratiusplein") == [square.name]          # name, any case
    assert names("ontmoeten") == [youth.name]                  # keywords
    assert names("heerlerheide") == [youth.name]               # area (and name)
    assert names("Jeugd en onderwijs") == [youth.name]         # policy field, every word
    assert names("weekmarkt") == [square.name]                 # lessons
    assert names("IDEEENMARKT") == [square.name]               # accents and case do not count
    assert set(names(youth.methods[0])) >= {youth.name}        # methods
    assert names("pancratiusplein ontmoeten") == []           # every word must match
    assert names("kunstgras") == [] and names("   ") == []


def test_fold_and_excerpt() -> None:
    assert fold("Ideeënmarkt CAFÉ") == "ideeenmarkt cafe"
    short = "Kort en goed."
    assert excerpt(short, ["goed"]) == short
    long = "Eerst veel tekst. " * 20 + "Daarna de zonnebloemactie die werkte. " + "Nog meer tekst. " * 20
    piece = excerpt(long, ["ZONNEBLOEMACTIE"], width=80)
    assert "zonnebloemactie" in piece and piece.startswith("…") and piece.endswith("…")
    assert len(piece) <= 82


# --- migrations ------------------------------------------------------------------------------------


def test_a_version_2_database_is_upgraded_and_keeps_its_data(tmp_path: Path, settings: Settings) -> None:
    location = tmp_path / "oud" / "state.sqlite"
    location.parent.mkdir()
    old = sqlite3.connect(location)
    for script in MIGRATIONS[:2]:
        old.executescript(script)
    old.execute("PRAGMA user_version = 2")
    data = json.dumps({"name": "Oud project", "contact": "Piet", "email": "p@example.org", "phone": "",
                       "area": "Hoensbroek", "policy_field": "Wonen", "keywords": "",
                       "kind": "burgerparticipatie", "level": "raadplegen", "methods": ["Enquête"],
                       "planned_euros": "100", "planned_hours": "4", "start": "2025-01-01",
                       "end": "2025-03-01", "decision": ""})
    old.execute("INSERT INTO projects(project_id, intake_path, root, status, data, updated_at) VALUES "
                "('P-2025-abcdef', '/share/Projecten/Oud/intake.xlsx', '', 'lopend', ?, "
                "'2025-01-01T09:00:00')", (data,))
    old.execute("INSERT INTO reminders(project_id, kind, due, sent_at) VALUES "
                "('P-2025-abcdef', 'extern', '2024-12-01', '2024-12-01T08:00:00')")
    old.commit()
    old.close()

    state = State(location)
    try:
        assert state.schema_version == len(MIGRATIONS) == 4
        entries = ReminderLog(state).entries()
        assert [(e.project_id, e.kind, e.sent_at, e.recipient) for e in entries] == [
            ("P-2025-abcdef", "extern", "2024-12-01T08:00:00", "")]
        assert ReminderLog(state).sent() == {("P-2025-abcdef", "extern")}
        runtime = Runtime.open(settings.replace(state_db=location))
        try:
            [project] = runtime.register.all()
            assert (project.name, project.area) == ("Oud project", "Hoensbroek")
            assert project.methods == ("Enquête",)
            assert [p.name for p in runtime.register.search("enquete")] == ["Oud project"]
        finally:
            runtime.close()
    finally:
        state.close()
    assert State(location).schema_version == 4  # opening again changes nothing


def test_a_project_finished_before_costs_were_on_one_basis_keeps_its_external_amount(runtime: Runtime) -> None:
    """Older records kept the external costs alone as ``actual_euros``: they are read as external costs,
    and the total on the plan's basis is left unknown rather than shown as if it were comparable."""
    data = json.dumps({"name": "Oud project", "contact": "Piet", "email": "p@example.org", "phone": "",
                       "area": "Hoensbroek", "policy_field": "Wonen", "keywords": "", "kind": "burgerparticipatie",
                       "level": "raadplegen", "methods": ["Enquête"], "planned_euros": "1000", "planned_hours": "4",
                       "start": "2025-01-01", "end": "2025-03-01", "decision": "", "actual_euros": "250",
                       "actual_hours": "3"})
    runtime.state.execute("INSERT INTO projects(project_id, intake_path, root, status, data, updated_at) VALUES "
                          "('P-2025-abcdef', '/share/Projecten/Oud/intake.xlsx', '', 'afgerond', ?, "
                          "'2025-04-01T09:00:00')", (data,))
    [project] = runtime.register.all()
    assert (project.actual_external_euros, project.actual_euros, project.actual_hours) == (Decimal("250"), None,
                                                                                           Decimal("3"))
    assert project.recorded().hourly_rate is None


# --- the commands ----------------------------------------------------------------------------------


@pytest.fixture
def config(tmp_path: Path, settings: Settings) -> Path:
    path = tmp_path / "toolbox.toml"
    path.write_text(f'[dienst]\nstatusbestand = "{settings.state_db.as_posix()}"\n', encoding="utf-8")
    return path


def test_register_search_command(runtime: Runtime, tmp_path: Path, config: Path) -> None:
    square = add(runtime, tmp_path, "Herinrichting Pancratiusplein")
    evaluation = make_evaluation(square.project_id)
    runtime.register.complete(evaluation, verdict(evaluation), now=NOW)
    add(runtime, tmp_path, "Jongerencentrum Heerlerheide", area="Heerlerheide", keywords="jongeren")
    runner = CliRunner()

    found = runner.invoke(main, ["--config", str(config), "register", "search", "weekmarkt"])
    assert found.exit_code == 0, found.output
    lines = found.output.splitlines()
    assert lines[0] == ("Herinrichting Pancratiusplein — Sanne Voorbeeld, s.voorbeeld@example.org, "
                        f"045 000 0000 — afgerond — niveau {square.level} (bereikt: raadplegen) — "
                        "oordeel voldoende")
    assert lines[1] == f"  Heerlen-Centrum; Openbare ruimte; projectnummer {square.project_id}"
    assert lines[2].startswith("  Lessen: Een ideeënmarkt op de weekmarkt")
    assert lines[-1] == "1 project gevonden."

    several = runner.invoke(main, ["--config", str(config), "register", "search", "Sanne", "Voorbeeld"])
    assert several.exit_code == 0 and several.output.splitlines()[-1] == "2 projecten gevonden."
    assert "— lopend —" in several.output

    none = runner.invoke(main, ["--config", str(config), "register", "search", "kunstgrasveld"])
    assert none.exit_code == 1
    assert none.output == "Geen projecten gevonden met: kunstgrasveld.\n"
    assert runner.invoke(main, ["--config", str(config), "register", "search"]).exit_code == 2


def test_register_export_command(runtime: Runtime, tmp_path: Path, config: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    square = add(runtime, tmp_path, "Herinrichting Pancratiusplein")
    add(runtime, tmp_path, "Jongerencentrum Heerlerheide")
    evaluation = make_evaluation(square.project_id)
    runtime.register.complete(evaluation, verdict(evaluation), now=NOW)
    runner = CliRunner()
    elsewhere = tmp_path / "werkmap"
    elsewhere.mkdir()

    monkeypatch.chdir(elsewhere)
    default = runner.invoke(main, ["--config", str(config), "register", "export"])
    assert default.exit_code == 0, default.output
    written = elsewhere / "projectenregister.xlsx"
    assert default.output == f"Geschreven: {written} (1 lopend, 1 afgerond).\n"

    target = tmp_path / "uit" / "register.xlsx"
    target.parent.mkdir()
    chosen = runner.invoke(main, ["--config", str(config), "register", "export", "--out", str(target)])
    assert chosen.exit_code == 0, chosen.output
    for path in (written, target):
        wb = load_workbook(io.BytesIO(path.read_bytes()))
        assert wb.sheetnames == ["Lopend", "Afgerond"]
        assert wb["Lopend"]["A2"].value == "Jongerencentrum Heerlerheide"
        assert wb["Afgerond"]["A2"].value == "Herinrichting Pancratiusplein"

    missing_folder = runner.invoke(main, ["--config", str(config), "register", "export", "--out",
                                          str(tmp_path / "bestaat-niet" / "r.xlsx")])
    assert missing_folder.exit_code == 2
    assert "Fout:" in missing_folder.output
