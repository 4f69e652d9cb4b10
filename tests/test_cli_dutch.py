"""What a person reads from the command line is Dutch and plain: no field ids, no Python reprs, no
"probleem/problemen"; a mistyped or empty folder is a problem (exit 1) with a message. Real CLI runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cli_support import run_cli
from toolbox_docs.forms.schema import INTAKE_SCHEMA
from toolbox_docs.forms.xlsx_fill import fill_workbook

FIELD_IDS = {field.id for field in INTAKE_SCHEMA.fields if "_" in field.id}
PYTHON_REPR = re.compile(r"\{'|\['|\bNone\b|Traceback|PosixPath|WindowsPath")


def assert_plain_dutch(text: str) -> None:
    assert "probleem/problemen" not in text
    assert not PYTHON_REPR.search(text), text
    ids = sorted(i for i in FIELD_IDS if re.search(rf"\b{i}\b", text))
    assert not ids, f"field ids in what a person reads: {ids}\n{text}"


# --- validate: a folder that is not there, or holds no workbook -----------------------------------


def test_validate_a_mistyped_folder_is_exit_1_with_a_message(tmp_path: Path) -> None:
    (tmp_path / "Projecten").mkdir()
    result = run_cli("validate", tmp_path / "Projekten")
    assert result.returncode == 1, result
    assert "Niet gevonden:" in result.stderr and "Projekten" in result.stderr and "tikfout" in result.stderr
    assert "0 bestanden" in result.stdout


def test_validate_an_empty_folder_is_exit_1_with_a_message(tmp_path: Path) -> None:
    empty = tmp_path / "Projecten"
    (empty / "Groenplan").mkdir(parents=True)
    (empty / "Groenplan" / "notities.txt").write_text("geen werkboek", encoding="utf-8")
    result = run_cli("validate", "--format", "json", empty)
    assert result.returncode == 1, result
    assert f"Geen werkboeken (.xlsx) gevonden in {empty}" in result.stderr
    assert '"files": 0' in result.stdout, "the report is still written, and says nothing was checked"


def test_validate_a_good_folder_next_to_a_mistyped_one_still_checks_the_good_one(
        tmp_path: Path, example_intake: bytes) -> None:
    (tmp_path / "goed").mkdir()
    (tmp_path / "goed" / "intake.xlsx").write_bytes(example_intake)
    result = run_cli("validate", tmp_path / "goed", tmp_path / "fout")
    assert result.returncode == 1
    assert "OK    " in result.stdout and "1 bestand: 1 geldig" in result.stdout
    assert "Niet gevonden:" in result.stderr


# --- no field ids, reprs or "probleem/problemen" -----------------------------------------------------


@pytest.fixture
def invalid_intake(tmp_path: Path, example_intake: bytes) -> Path:
    path = tmp_path / "Projecten" / "Groenplan" / "intake.xlsx"
    path.parent.mkdir(parents=True)
    path.write_bytes(fill_workbook(example_intake, {"project_name": None, "scale": "dorp", "budget_euros": "veel"}))
    return path


def test_validate_names_cells_and_labels_not_field_ids(invalid_intake: Path) -> None:
    result = run_cli("validate", invalid_intake)
    assert result.returncode == 1
    assert "(blad 'Intake', cel B5)" in result.stdout
    assert_plain_dutch(result.stdout + result.stderr)


def test_process_says_how_many_points_to_fix(invalid_intake: Path, tmp_path: Path) -> None:
    result = run_cli("process", invalid_intake, env={"TOOLBOX_STATE_DB": str(tmp_path / "state.sqlite")})
    assert result.returncode == 1
    assert "afgekeurd — 3 punten om te verbeteren; zie intake - feedback.txt" in result.stdout
    assert_plain_dutch(result.stdout + result.stderr)
    feedback = (invalid_intake.parent / "intake - feedback.txt").read_text(encoding="utf-8-sig")
    assert_plain_dutch(feedback)


@pytest.mark.slow
def test_the_service_log_counts_in_words(invalid_intake: Path, example_intake: bytes, tmp_path: Path) -> None:
    root = invalid_intake.parent.parent.parent
    good = root / "Projecten" / "Speeltuin" / "intake.xlsx"
    good.parent.mkdir()
    good.write_bytes(example_intake)
    (root / "toolbox.toml").write_text('[dienst]\nstatusbestand = ".toolbox/state.sqlite"\nstabiliteit_seconden = 0\n',
                                       encoding="utf-8")
    result = run_cli("watch", root, "--once")
    assert result.returncode == 0, result.stderr
    assert "Dienst gestopt. Bestanden in deze run: 1 verwerkt, 1 afgekeurd." in result.stderr
    assert_plain_dutch(result.stdout + result.stderr)
