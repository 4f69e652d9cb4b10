"""The closed lists and typed records that replace strings: their values, what they say to people, and
that they survive the boundaries they cross (a worker process, the state database)."""

from __future__ import annotations

import inspect
from pathlib import Path

from toolbox_docs import errors
from toolbox_docs.errors import ExitCode, ToolboxError


def test_exit_codes_keep_the_numbers_the_readme_documents() -> None:
    assert [(code.name, int(code)) for code in ExitCode] == [("OK", 0), ("PROBLEMS", 1), ("USAGE_OR_SYSTEM", 2)]


def test_every_error_of_the_toolbox_is_one_family_with_an_exit_code() -> None:
    classes = [c for _, c in inspect.getmembers(errors, inspect.isclass)
               if issubclass(c, Exception) and c.__module__ == errors.__name__]
    assert len(classes) >= 10
    for cls in classes:
        assert issubclass(cls, ToolboxError), cls
        assert isinstance(cls.exit_code, ExitCode), cls
    assert errors.ProblemsFound.exit_code is ExitCode.PROBLEMS
    assert errors.WriteError.exit_code is ExitCode.USAGE_OR_SYSTEM


def test_severity_reads_as_the_dutch_word_in_text_json_and_csv() -> None:
    import csv
    import io
    import json

    from toolbox_docs.forms.schema import Severity
    from toolbox_docs.forms.validate import Problem

    problem = Problem("required", Severity.WARNING, "Vul dit in.", sheet="Intake", cell="B5")
    assert f"{problem.severity} ({problem.place()})" == "waarschuwing (blad 'Intake', cel B5)"
    assert json.dumps({"severity": problem.severity}) == '{"severity": "waarschuwing"}'
    stream = io.StringIO()
    csv.writer(stream).writerow([problem.severity, Severity.ERROR])
    assert stream.getvalue() == "waarschuwing,fout\r\n"
    assert Severity("fout") is Severity.ERROR and not problem.is_error


def test_a_work_result_crosses_the_process_boundary_with_its_enums() -> None:
    import pickle

    from toolbox_docs.pipeline.runtime import Outcome
    from toolbox_docs.service.worker import Failure, WorkResult

    sent = WorkResult("/share/intake.xlsx", Outcome.FAILED, "intake", None, "het duurde te lang", (), Failure.LIMIT)
    received = pickle.loads(pickle.dumps(sent))
    assert received == sent
    assert received.outcome is Outcome.FAILED and received.failure is Failure.LIMIT
    assert f"{received.outcome}" == "mislukt", "people read the Dutch word in the log and with --once"
    assert WorkResult("x", Outcome.DONE, None, None, "", ()).failure is None


def test_an_outcome_round_trips_through_the_ledger(tmp_path: Path) -> None:
    from toolbox_docs.pipeline.runtime import Outcome
    from toolbox_docs.state import State

    state = State(tmp_path / "toolbox.db")
    try:
        for number, outcome in enumerate(Outcome):
            path = tmp_path / f"werkboek-{number}.xlsx"
            state.record(path, sha256="ab" * 32, outcome=outcome, kind=None, at="2027-01-11T09:00:00", outputs=(),
                         message="")
            entry = state.ledger_entry(path)
            assert entry is not None and entry.outcome == outcome.value  # stored as the Dutch word, as before
            assert Outcome(entry.outcome) is outcome
    finally:
        state.close()


# The stored form of a finished project as the register has always written it: text for dates and amounts,
# "" for none, the evaluation's outcome under "extra". Typed fields must read it and write it back unchanged.
STORED_FINISHED = {
    "name": "Groenplan Meezenbroek", "contact": "Sanne Voorbeeld", "email": "s.voorbeeld@example.org",
    "phone": "", "area": "Heerlen-Noord", "policy_field": "Openbare ruimte", "keywords": "groen",
    "kind": "burgerparticipatie", "level": "adviseren", "methods": ["Enquête", "Wijkwandeling"],
    "planned_euros": "1250.50", "planned_hours": "24", "start": "2027-02-01", "end": "2027-05-31",
    "decision": "", "proposal_kind": "raadsvoorstel", "budget_euros": "12500", "budget_hours": "160.5",
    "planned_external_euros": "1040.50", "planned_participants": 80, "hourly_rate": "8.75",
    "actual_level": "adviseren", "actual_euros": "", "actual_external_euros": "1100.00", "actual_hours": "30.5",
    "participants": 95, "verdict": "voldoende", "support": "groot", "lessons": "Begin vroeg.",
    "went_well": "", "could_be_better": "", "evaluation_keywords": "", "evaluated_on": "2027-06-14",
    "extra": {"decision_taken": False, "outcome": "Meer bomen op het plein."}, "copy_of": "",
    "evaluation_workbook": "",
}


def test_a_stored_project_reads_as_typed_values_and_is_written_back_unchanged() -> None:
    import datetime as dt
    import json
    from decimal import Decimal

    from toolbox_docs.register.projects import ProjectStatus, _data, _project
    from toolbox_docs.state import ProjectRow
    from toolbox_docs.vocab import ProposalKind

    for stored in (STORED_FINISHED, {**STORED_FINISHED, "extra": {}, "proposal_kind": "", "evaluated_on": "",
                                     "actual_hours": "", "planned_participants": None}):
        data = json.dumps(stored, ensure_ascii=True, sort_keys=True)
        project = _project(ProjectRow("P-2027-abcdef", "/share/a/intake.xlsx", "/share", "afgerond", data,
                            "2027-06-14T09:00:00", "ab" * 32))
        assert _data(project) == data
    assert project.status is ProjectStatus.FINISHED and project.proposal_kind is None
    assert (project.outcome, project.decision_taken, project.evaluated_on, project.actual_hours) == (
        None, None, None, None)

    project = _project(ProjectRow("P-2027-abcdef", "/share/a/intake.xlsx", "/share", "afgerond",
                        json.dumps(STORED_FINISHED), "2027-06-14T09:00:00", ""))
    assert (project.start, project.end, project.decision) == (dt.date(2027, 2, 1), dt.date(2027, 5, 31), None)
    assert project.planned_euros == Decimal("1250.50") and str(project.planned_euros) == "1250.50"
    assert (project.actual_euros, project.budget_hours) == (None, Decimal("160.5"))
    assert project.proposal_kind is ProposalKind.COUNCIL
    assert (project.outcome, project.decision_taken) == ("Meer bomen op het plein.", False)


def test_a_damaged_stored_date_or_amount_reads_as_unknown() -> None:
    import json

    from toolbox_docs.register.projects import _project
    from toolbox_docs.state import ProjectRow

    damaged = {**STORED_FINISHED, "end": "31-05-2027", "planned_euros": "veel"}
    project = _project(ProjectRow("P-2027-abcdef", "/share/a/intake.xlsx", "/share", "lopend", json.dumps(damaged),
                        "2027-06-14T09:00:00", ""))
    assert (project.end, project.planned_euros) == (None, None)
