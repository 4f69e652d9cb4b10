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

    from toolbox_docs.runtime import Outcome
    from toolbox_docs.service.worker import Failure, WorkResult

    sent = WorkResult("/share/intake.xlsx", Outcome.FAILED, "intake", None, "het duurde te lang", (), Failure.LIMIT)
    received = pickle.loads(pickle.dumps(sent))
    assert received == sent
    assert received.outcome is Outcome.FAILED and received.failure is Failure.LIMIT
    assert f"{received.outcome}" == "mislukt", "people read the Dutch word in the log and with --once"
    assert WorkResult("x", Outcome.DONE, None, None, "", ()).failure is None


def test_an_outcome_round_trips_through_the_ledger(tmp_path: Path) -> None:
    from toolbox_docs.runtime import Outcome
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
