"""The closed lists and typed records that replace strings: their values, what they say to people, and
that they survive the boundaries they cross (a worker process, the state database)."""

from __future__ import annotations

import inspect

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
