"""The reports of `toolbox-docs validate` where admins open them: the CSV for Dutch Excel (and the plain
one for scripts), every CSV cell neutralised against formula injection, and reports that stay well-formed
whatever the file names on the share are. The real command line, in a subprocess."""

from __future__ import annotations

import csv
import io
import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from cli_support import run_cli, run_cli_bytes
from toolbox_docs.forms.xlsx_fill import fill_workbook

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def share(tmp_path: Path, example_intake: bytes) -> Path:
    """A valid intake in a folder with an accented name, and an invalid one (three problems)."""
    folder = tmp_path / "Coëfficiënt €"
    folder.mkdir()
    (folder / "intake.xlsx").write_bytes(example_intake)
    (folder / "kapot.xlsx").write_bytes(fill_workbook(example_intake, {"project_name": None, "scale": "dorp"}))
    return folder


def test_csv_opens_right_in_dutch_excel_by_default(share: Path) -> None:
    result = run_cli_bytes("validate", "--format", "csv", share)
    assert result.returncode == 1, result.stderr
    data = result.stdout
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark, or Excel shows Ã« for ë"
    assert data.count(b"\r\n") == data.count(b"\n") >= 4, "CRLF line ends"
    text = data.decode("utf-8-sig")
    header = text.splitlines()[0]
    assert header.split(";")[:3] == ["path", "status", "kind"], header
    rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))
    assert {Path(r["path"]).name for r in rows} == {"intake.xlsx", "kapot.xlsx"}
    assert all("Coëfficiënt €" in r["path"] for r in rows), "accents and € survive"
    assert sorted(r["code"] for r in rows if r["path"].endswith("kapot.xlsx")) == ["not-in-list", "required"]


def test_csv_plain_dialect_for_scripts(share: Path, tmp_path: Path) -> None:
    target = tmp_path / "rapport.csv"
    result = run_cli("validate", "--format", "csv", "--csv-dialect", "plain", "--output", target, share)
    assert result.returncode == 1, result.stderr
    data = target.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf"), "no byte-order mark"
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    assert len(rows) == 3 and all(r["status"] in ("valid", "invalid") for r in rows)


def test_csv_file_for_dutch_excel_too(share: Path, tmp_path: Path) -> None:
    """--output writes the same bytes as standard output."""
    target = tmp_path / "rapport.csv"
    assert run_cli("validate", "--format", "csv", "--output", target, share).returncode == 1
    assert target.read_bytes() == run_cli_bytes("validate", "--format", "csv", share).stdout


@pytest.mark.parametrize("dialect", ["excel-nl", "plain"])
def test_every_csv_cell_is_neutralised_the_path_too(tmp_path: Path, example_intake: bytes, dialect: str) -> None:
    """A file name is chosen by whoever writes on the share: one starting with = + - @, a tab or a carriage
    return must not become a formula in the admin's spreadsheet. (Relative names: the report's path column
    then starts with the file's own name.)"""
    names = ["=HYPERLINK(\"example.com\").xlsx", "+1+1.xlsx", "-2+3.xlsx", "@SUM(A1).xlsx",
             "\tTAB.xlsx", "\rCR.xlsx"]
    for name in names:
        (tmp_path / name).write_bytes(fill_workbook(example_intake, {"project_name": None}))
    result = run_cli_bytes("validate", "--format", "csv", "--csv-dialect", dialect, ".", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    text = result.stdout.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";" if dialect == "excel-nl" else ","))
    assert len(rows) == 1 + len(names)
    cells = [cell for row in rows[1:] for cell in row]
    assert not [cell for cell in cells if cell.startswith(DANGEROUS)], "no cell starts like a formula"
    assert sorted(row[0] for row in rows[1:]) == sorted("'" + name for name in names)


def _make(folder: Path, name: bytes, data: bytes) -> None:
    descriptor = os.open(os.fsencode(folder) + b"/" + name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(data)


def test_junit_stays_well_formed_with_control_characters_and_foreign_bytes_in_names(
        tmp_path: Path, example_intake: bytes) -> None:
    share = tmp_path / "share"
    share.mkdir()
    _make(share, b"ok.xlsx", example_intake)
    _make(share, b"met\x01stuurteken.xlsx", b"geen werkboek")
    _make(share, b"escape\x1b[31mrood.xlsx", fill_workbook(example_intake, {"project_name": None}))
    _make(share, b"latin1-\xe9t\xe9.xlsx", b"geen werkboek")  # not UTF-8: Python keeps it as a surrogate
    result = run_cli_bytes("validate", "--format", "junit", share)
    assert result.returncode == 1, result.stderr
    suite = ET.fromstring(result.stdout)  # raises on ill-formed XML
    names = sorted(Path(case.get("name", "")).name for case in suite.iter("testcase"))
    assert names == sorted(["ok.xlsx", "met\ufffdstuurteken.xlsx", "escape\ufffd[31mrood.xlsx",
                            "latin1-\ufffdt\ufffd.xlsx"])
    assert suite.get("tests") == "4" and suite.get("failures") == "3"


@pytest.mark.parametrize("fmt", ["text", "json", "csv"])
def test_other_formats_take_names_that_are_not_utf8(tmp_path: Path, fmt: str) -> None:
    share = tmp_path / "share"
    share.mkdir()
    _make(share, b"latin1-\xe9t\xe9.xlsx", b"geen werkboek")
    result = run_cli_bytes("validate", "--format", fmt, share)
    assert result.returncode == 1, result.stderr
    assert b"Traceback" not in result.stderr
    text = result.stdout.decode("utf-8-sig")
    assert "latin1-\ufffdt\ufffd.xlsx" in text
    if fmt == "json":
        assert json.loads(text)["files"][0]["status"] == "unreadable"
