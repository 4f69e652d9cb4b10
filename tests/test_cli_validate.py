"""`toolbox-docs validate`: exit codes, the machine formats (JSON, CSV, JUnit), --output, folder scanning
and parallel checking, on real workbooks written to ``tmp_path``."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from toolbox_docs.cli.main import main
from toolbox_docs.forms.layout import layout
from toolbox_docs.forms.schema import INTAKE_SCHEMA
from toolbox_docs.forms.xlsx_fill import fill_workbook

INVALID_CHANGES = {"project_name": None, "scale": "dorp", "budget_euros": "veel"}
_CELL = layout(INTAKE_SCHEMA).cell
INVALID_CELLS = {("required", _CELL("project_name")), ("not-in-list", _CELL("scale")),
                 ("not-a-number", _CELL("budget_euros"))}
PROBLEM_KEYS = {"sheet", "cell", "field", "code", "severity", "message"}
FILE_KEYS = {"path", "kind", "template_version", "valid", "status", "problems"}


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def folder(tmp_path: Path, example_intake: bytes, blank_evaluation: bytes) -> Path:
    """A project share: a valid intake, an invalid one, a blank evaluation, a non-workbook, and the files
    a scan must skip (Excel's owner file, hidden files and folders, a CSV)."""
    root = tmp_path / "Projecten"
    (root / "Groenplan" / "Vorige versies").mkdir(parents=True)
    (root / "Speeltuin").mkdir()
    (root / ".verborgen").mkdir()
    (root / "Groenplan" / "intake.xlsx").write_bytes(example_intake)
    (root / "Groenplan" / "Vorige versies" / "intake (oud).xlsx").write_bytes(
        fill_workbook(example_intake, INVALID_CHANGES))
    (root / "Speeltuin" / "evaluatie.xlsx").write_bytes(blank_evaluation)
    (root / "Speeltuin" / "notities.xlsx").write_bytes(b"naam;waarde\nbudget;12\n")
    (root / "Groenplan" / "~$intake.xlsx").write_bytes(b"\x0bSanne     " + b"\x00" * 150)
    (root / "Groenplan" / ".intake.xlsx").write_bytes(b"not a workbook")
    (root / ".verborgen" / "intake.xlsx").write_bytes(b"not a workbook")
    (root / "Speeltuin" / "lijst.csv").write_text("a;b\n", encoding="utf-8")
    return root


EXPECTED_IN_FOLDER = ["Groenplan/Vorige versies/intake (oud).xlsx", "Groenplan/intake.xlsx",
                      "Speeltuin/evaluatie.xlsx", "Speeltuin/notities.xlsx"]


def json_report(*args: str) -> tuple[int, dict[str, Any]]:
    result = invoke("validate", "--format", "json", *args)
    return result.exit_code, json.loads(result.stdout)


# --- exit codes -------------------------------------------------------------------------------------


def test_exit_0_when_all_valid(folder: Path) -> None:
    result = invoke("validate", str(folder / "Groenplan" / "intake.xlsx"))
    assert result.exit_code == 0, result.output
    assert "geldig" in result.stdout


def test_exit_1_when_a_file_has_problems(folder: Path) -> None:
    result = invoke("validate", str(folder / "Groenplan" / "intake.xlsx"),
                    str(folder / "Speeltuin" / "notities.xlsx"))
    assert result.exit_code == 1
    assert "FOUT" in result.stdout and "notities.xlsx" in result.stdout


def test_text_output_names_sheet_and_cell(folder: Path) -> None:
    result = invoke("validate", str(folder / "Groenplan" / "Vorige versies" / "intake (oud).xlsx"))
    assert result.exit_code == 1
    assert f"(blad 'Intake', cel {_CELL('scale')}):" in result.stdout
    assert "veld scale" not in result.stdout, "field ids are for machines, people read the label"
    assert "Traceback" not in result.output


@pytest.mark.parametrize("args", [
    pytest.param(["validate", "--format", "yaml", "{folder}"], id="unknown-format"),
    pytest.param(["validate", "--jobs", "0", "{folder}"], id="jobs-zero"),
    pytest.param(["validate", "--bestaat-niet", "{folder}"], id="unknown-option"),
    pytest.param(["validate"], id="no-path"),
])
def test_exit_2_on_usage_errors(args: list[str], folder: Path, tmp_path: Path) -> None:
    result = invoke(*(a.format(tmp=tmp_path, folder=folder) for a in args))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def test_exit_2_when_the_output_cannot_be_written(folder: Path, tmp_path: Path) -> None:
    result = invoke("validate", "--output", str(tmp_path / "geen-map" / "rapport.json"), "--format", "json",
                    str(folder))
    assert result.exit_code == 2
    assert "rapport.json" in result.output


# --- formats -----------------------------------------------------------------------------------------


def test_json_report(folder: Path) -> None:
    code, report = json_report(str(folder))
    assert code == 1
    files = {Path(f["path"]).relative_to(folder).as_posix(): f for f in report["files"]}
    assert sorted(files) == EXPECTED_IN_FOLDER
    for entry in files.values():
        assert set(entry) >= FILE_KEYS
        assert entry["valid"] is (entry["status"] == "valid")
        for problem in entry["problems"]:
            assert set(problem) >= PROBLEM_KEYS
            assert problem["severity"] in ("fout", "waarschuwing")
    good = files["Groenplan/intake.xlsx"]
    assert (good["valid"], good["status"], good["kind"], good["template_version"], good["problems"]) == \
        (True, "valid", "intake", INTAKE_SCHEMA.version, [])
    bad = files["Groenplan/Vorige versies/intake (oud).xlsx"]
    assert bad["valid"] is False and bad["status"] == "invalid" and bad["kind"] == "intake"
    assert {(p["code"], p["cell"]) for p in bad["problems"]} == INVALID_CELLS
    assert all(p["sheet"] == "Intake" for p in bad["problems"])
    assert {p["field"] for p in bad["problems"]} == {"project_name", "scale", "budget_euros"}
    other = files["Speeltuin/notities.xlsx"]
    assert (other["valid"], other["kind"], other["template_version"]) == (False, None, None)
    assert other["problems"][0]["code"] == "not-office"
    assert report["summary"]["files"] == 4 and report["summary"]["valid"] == 1


def test_csv_report(folder: Path) -> None:
    result = invoke("validate", "--format", "csv", str(folder))
    assert result.exit_code == 1
    rows = list(csv.DictReader(io.StringIO(result.stdout.removeprefix("\ufeff")), delimiter=";"))
    assert rows, result.stdout
    assert {Path(r["path"]).relative_to(folder).as_posix() for r in rows} == set(EXPECTED_IN_FOLDER)
    bad = [r for r in rows if r["path"].endswith("intake (oud).xlsx")]
    assert {(r["code"], r["cell"]) for r in bad} == INVALID_CELLS
    expected = ("invalid", "intake", str(INTAKE_SCHEMA.version))
    assert all((r["status"], r["kind"], r["template_version"]) == expected for r in bad)
    good = [r for r in rows if Path(r["path"]).relative_to(folder).as_posix() == "Groenplan/intake.xlsx"]
    assert len(good) == 1 and good[0]["status"] == "valid" and good[0]["code"] == ""
    assert all(not r["message"].startswith(("=", "+", "-", "@")) for r in rows), "no formula injection"


def test_junit_report(folder: Path) -> None:
    result = invoke("validate", "--format", "junit", str(folder))
    assert result.exit_code == 1
    suite = ET.fromstring(result.stdout)
    assert suite.tag == "testsuite"
    cases = suite.findall("testcase")
    assert int(suite.get("tests", "-1")) == len(cases) == 4
    failed = [c for c in cases if c.find("failure") is not None]
    assert int(suite.get("failures", "-1")) == len(failed) == 3
    passed = [c.get("name", "") for c in cases if c.find("failure") is None]
    assert len(passed) == 1 and passed[0].endswith("intake.xlsx") and "Vorige versies" not in passed[0]


def test_output_option_writes_the_report_to_a_file(folder: Path, tmp_path: Path) -> None:
    target = tmp_path / "rapport.json"
    result = invoke("validate", "--format", "json", "--output", str(target), str(folder))
    assert result.exit_code == 1
    assert result.stdout == ""
    report = json.loads(target.read_text(encoding="utf-8"))
    assert len(report["files"]) == 4
    assert "4 bestanden" in result.stderr, "a one-line summary for the person at the terminal"


def test_text_output_to_a_file(folder: Path, tmp_path: Path) -> None:
    target = tmp_path / "rapport.txt"
    assert invoke("validate", "--output", str(target), str(folder)).exit_code == 1
    text = target.read_text(encoding="utf-8")
    assert "notities.xlsx" in text and "4 bestanden" in text


# --- scanning and parallel checking --------------------------------------------------------------------


def test_owner_and_hidden_files_are_skipped_but_named_files_are_checked(folder: Path) -> None:
    _, report = json_report(str(folder))
    names = [Path(f["path"]).name for f in report["files"]]
    assert "~$intake.xlsx" not in names and ".intake.xlsx" not in names
    assert not any(".verborgen" in f["path"] for f in report["files"])
    assert "lijst.csv" not in names


def test_parallel_checking_gives_the_same_results(tmp_path: Path, example_intake: bytes, blank_intake: bytes,
                                                  blank_evaluation: bytes) -> None:
    invalid = fill_workbook(example_intake, INVALID_CHANGES)
    kinds = [example_intake, invalid, blank_intake, blank_evaluation, b"", b"PK\x03\x04kapot"]
    for number in range(40):
        sub = tmp_path / "share" / f"project-{number // 10}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"werkboek-{number:02d}.xlsx").write_bytes(kinds[number % len(kinds)])
    share = str(tmp_path / "share")
    serial_code, serial = json_report("--jobs", "1", share)
    parallel_code, parallel = json_report("--jobs", "2", share)
    assert len(serial["files"]) == 40
    assert serial_code == parallel_code == 1
    assert parallel["files"] == serial["files"], "same files, same order, same verdicts"
    statuses = {f["status"] for f in serial["files"]}
    assert statuses == {"valid", "invalid", "unreadable"}
