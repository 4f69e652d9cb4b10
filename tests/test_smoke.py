"""The worked example validates, and the CLI's exit codes hold for valid, invalid and absent files."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from toolbox_docs.cli.examples import EXAMPLE_VALUES
from toolbox_docs.cli.main import main
from toolbox_docs.forms.check import WorkbookStatus, check_workbook
from toolbox_docs.settings import Settings

REPO = Path(__file__).resolve().parent.parent
COMMITTED_EXAMPLE = REPO / "watch_folders" / "Projecten" / "Groenplan Meezenbroek" / "intake.xlsx"


def test_example_validates(example_intake: bytes) -> None:
    settings = Settings()
    check = check_workbook(example_intake, lists=settings.lists, limits=settings.limits)
    assert check.status == WorkbookStatus.VALID, check.problems
    assert check.record.project_name == EXAMPLE_VALUES["project_name"]
    assert len(check.record.stakeholders) == 9


def test_committed_example_matches_the_example_data(example_intake: bytes) -> None:
    settings = Settings()
    committed = check_workbook(COMMITTED_EXAMPLE.read_bytes(), lists=settings.lists, limits=settings.limits)
    fresh = check_workbook(example_intake, lists=settings.lists, limits=settings.limits)
    assert committed.status == WorkbookStatus.VALID, \
        "run scripts/make_example.py after changing the schema or the example"
    assert committed.record == fresh.record


def test_cli_exit_codes(tmp_path: Path, example_intake: bytes, blank_intake: bytes) -> None:
    good, bad = tmp_path / "goed.xlsx", tmp_path / "leeg.xlsx"
    good.write_bytes(example_intake)
    bad.write_bytes(blank_intake)
    runner = CliRunner()
    assert runner.invoke(main, ["validate", str(good)]).exit_code == 0
    result = runner.invoke(main, ["validate", str(good), str(bad)])
    assert result.exit_code == 1
    assert "'Naam project' is verplicht" in result.output
    assert runner.invoke(main, ["validate", str(tmp_path / "bestaat-niet.xlsx")]).exit_code == 1  # a typo: a problem
