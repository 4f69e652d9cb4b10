"""`toolbox-docs validate` at scale, as an admin runs it before a roll-out or an audit: a real subprocess over a
generated share of intakes (``benchmarks/intakes.py``: the worked example and the advice scenarios, filled with
openpyxl, copied into their own project folders; every tenth file broken on purpose: invalid fields, a blank
form, a spreadsheet that is not ours, a damaged zip, an encrypted file, a legacy .xls).

The expected verdicts come from how each file was made, and are checked against the openpyxl reference
reader first. The reports are read back with the standard library only (json, csv, xml.etree). Speed is
not asserted here: ``benchmarks/run.py`` measures it and prints ratios.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from conftest import REPO
from toolbox_docs.forms.check import WorkbookStatus, check_workbook
from toolbox_docs.settings import Settings

sys.path.insert(0, str(REPO / "benchmarks"))
import intakes  # the benchmark's generator: one way to make the share, for both

LARGE = 10_000
SMALL = 400  # every kind of file several times, in all three machine formats


@pytest.fixture(scope="module")
def kinds() -> tuple[list[intakes.Kind], list[intakes.Kind]]:
    """The distinct workbooks; each one's status by construction agrees with the reference reader."""
    valid, broken = intakes.valid_kinds(), intakes.broken_kinds()
    settings = Settings()
    for kind in (*valid, *broken):
        reference = check_workbook(kind.data, lists=settings.lists, limits=settings.limits, reader="openpyxl")
        assert reference.status == kind.status, f"{kind.name}: {reference.status} {reference.problems[:2]}"
    assert {k.status for k in broken} == {WorkbookStatus.INVALID, WorkbookStatus.NOT_OURS, WorkbookStatus.UNREADABLE}
    return valid, broken


def validate(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("TOOLBOX_") or k == "TOOLBOX_CACHE_DIR"}  # conftest.py
    return subprocess.run([sys.executable, "-m", "toolbox_docs", "validate", *map(str, args)], capture_output=True,
                          text=True, env=env, timeout=1800, check=False)


def summary_line(expected: Counter[str]) -> str:
    """The closing summary the admin sees, as the counts say it must read."""
    return (f"{sum(expected.values())} bestanden: {expected[WorkbookStatus.VALID]} geldig, "
            f"{expected[WorkbookStatus.INVALID]} met problemen, {expected[WorkbookStatus.NOT_OURS]} niet van de "
            f"toolbox, {expected[WorkbookStatus.UNREADABLE]} onleesbaar;")


def junit_counts(report: Path) -> tuple[ET.Element, Counter[str]]:
    suite = ET.parse(report).getroot()
    assert suite.tag == "testsuite"
    statuses: Counter[str] = Counter()
    for case in suite.iter("testcase"):
        failure = case.find("failure")
        statuses[WorkbookStatus.VALID if failure is None else failure.get("type", "?")] += 1
    return suite, statuses


@pytest.mark.slow
def test_validate_10000_intakes_in_junit(tmp_path: Path, kinds: tuple[list[intakes.Kind], list[intakes.Kind]]
                                         ) -> None:
    share = tmp_path / "share"
    expected = intakes.write_share(share, LARGE, valid=kinds[0], broken=kinds[1])
    assert sum(expected.values()) == LARGE and set(expected) == set(WorkbookStatus)
    report = tmp_path / "rapport.xml"

    result = validate("--jobs", "2", "--format", "junit", "--output", report, share)

    assert result.returncode == 1, result.stderr[-3000:]  # files with problems: exit code 1
    assert result.stdout == ""
    assert summary_line(expected) in result.stderr, result.stderr[-3000:]
    suite, statuses = junit_counts(report)
    assert int(suite.get("tests", "-1")) == LARGE
    assert int(suite.get("failures", "-1")) == LARGE - expected[WorkbookStatus.VALID]
    assert statuses == expected
    names = [case.get("name", "") for case in suite.iter("testcase")]
    assert names == [str(p) for p in intakes.intake_paths(share, LARGE)], "every file once, in a stable order"


@pytest.mark.slow
def test_json_csv_and_junit_reports_of_the_same_share(tmp_path: Path,
                                                      kinds: tuple[list[intakes.Kind], list[intakes.Kind]]) -> None:
    share = tmp_path / "share"
    expected = intakes.write_share(share, SMALL, valid=kinds[0], broken=kinds[1])
    paths = [str(p) for p in intakes.intake_paths(share, SMALL)]
    status_of = {str(path): kind.status for (_, kind), path in
                 zip(intakes.layout(SMALL, *kinds), intakes.intake_paths(share, SMALL), strict=True)}

    runs = {fmt: validate("--jobs", "2", "--format", fmt, "--output", tmp_path / f"rapport.{fmt}", share)
            for fmt in ("json", "csv", "junit")}
    for fmt, result in runs.items():
        assert result.returncode == 1, f"{fmt}: {result.stderr[-2000:]}"
        assert summary_line(expected) in result.stderr, f"{fmt}: {result.stderr[-2000:]}"

    report = json.loads((tmp_path / "rapport.json").read_text(encoding="utf-8"))
    assert [f["path"] for f in report["files"]] == paths
    assert {f["path"]: f["status"] for f in report["files"]} == status_of
    for entry in report["files"]:
        errors = [p for p in entry["problems"] if p["severity"] == "fout"]
        assert entry["valid"] is (entry["status"] == WorkbookStatus.VALID) is (not errors), entry
    assert {k: v for k, v in report["summary"].items() if k != "seconds"} == {
        "files": SMALL, "valid": expected[WorkbookStatus.VALID], "with_problems": expected[WorkbookStatus.INVALID],
        "not_ours": expected[WorkbookStatus.NOT_OURS], "errors": expected[WorkbookStatus.UNREADABLE]}

    with (tmp_path / "rapport.csv").open(encoding="utf-8-sig", newline="") as stream:  # for Dutch Excel
        rows = list(csv.DictReader(stream, delimiter=";"))
    by_file = {row["path"]: row["status"] for row in rows}
    assert by_file == status_of
    assert Counter(by_file.values()) == expected
    assert all(row["code"] for row in rows if row["status"] != WorkbookStatus.VALID), "a row per problem, with its code"
    assert all(row["severity"] in ("", "waarschuwing") for row in rows if row["status"] == WorkbookStatus.VALID)
    assert len(rows) == sum(max(1, len(f["problems"])) for f in report["files"]), "one row per problem"

    suite, statuses = junit_counts(tmp_path / "rapport.junit")
    assert int(suite.get("tests", "-1")) == SMALL \
        and int(suite.get("failures", "-1")) == SMALL - expected[WorkbookStatus.VALID]
    assert statuses == expected
