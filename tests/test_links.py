"""The service never follows a link on the share, also not in paths it remembers (issue 13, item 1).

The threat model's decision is that no symbolic link is followed, to a file or a folder. These tests
attack the paths the earlier link checks did not cover: a folder *on the way* to a file (not the file
itself), a folder swapped for a link while the worker is busy with it, and a path taken from the register.
Each runs twice: with ``openat`` (``dir_fd``, Linux and macOS) and with the per-component checks used where
the platform has no ``dir_fd`` (Windows), forced here by switching ``fsio._AT`` off.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest

from test_evaluation_flow import USED, evaluation_values
from toolbox_docs.errors import FolderError, WorkbookError, WriteError
from toolbox_docs.forms.xlsx_fill import fill_workbook
from toolbox_docs.pipeline import runs as project_runs
from toolbox_docs.pipeline.process import Outcome, Runtime, process_file
from toolbox_docs.settings import Settings
from toolbox_docs.share import fsio
from toolbox_docs.share.fsio import BACKUP_FOLDER, Folder
from watcher_support import make_intake

NOW = dt.datetime(2027, 1, 11, 9, 0)
LATER = dt.datetime(2027, 6, 14, 10, 0)


@pytest.fixture(params=["openat", "checks"])
def mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "checks":
        monkeypatch.setattr(fsio, "_AT", False)
    return str(request.param)


@pytest.fixture
def runtime(tmp_path: Path, mode: str) -> Iterator[Runtime]:
    root = tmp_path / "Participatie"
    (root / "Projecten").mkdir(parents=True)
    made = Runtime.open(Settings().replace(state_db=tmp_path / "state" / "state.sqlite"), roots=(root,))
    yield made
    made.close()


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (names relative to it) with its sha256: to prove nothing changed there."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def proposal_with_anchor(path: Path, text: str = "Tekst van de steller.") -> None:
    """A person's own proposal: a title, the heading 'Participatie' (the anchor) and ``text`` under it."""
    document = docx.Document()
    document.add_paragraph("Collegevoorstel", style="Title")
    document.add_paragraph("Participatie", style="Heading 1")
    document.add_paragraph(text)
    document.save(str(path))


def other_department(base: Path) -> Path:
    """A folder elsewhere with a proposal (with the anchor) and an intake: what an attacker would like the
    service to rewrite or read."""
    folder = base / "Andere afdeling"
    folder.mkdir(parents=True)
    proposal_with_anchor(folder / "Geheim voorstel.docx", "Vertrouwelijke tekst van de andere afdeling.")
    (folder / "intake.xlsx").write_bytes(make_intake(project_name="Geheim project"))
    return folder


# --- fsio.Folder ------------------------------------------------------------------------------------------


def test_a_folder_is_never_opened_through_a_link_on_its_path(tmp_path: Path, mode: str) -> None:
    base = tmp_path / "basis"
    (base / "echt" / "diep").mkdir(parents=True)
    outside = tmp_path / "buiten"
    outside.mkdir()
    (base / "koppeling").symlink_to(outside, target_is_directory=True)
    with Folder.open(base / "echt" / "diep", base=base) as folder:
        folder.write("a.txt", b"inhoud")
        assert folder.read("a.txt", max_bytes=100) == b"inhoud"
    for target in (base / "koppeling", base / "koppeling" / "x"):
        with pytest.raises(FolderError) as refused:
            Folder.open(target, base=base)
        assert refused.value.code in ("link", "gone")
    with pytest.raises(FolderError) as outside_base:
        Folder.open(tmp_path, base=base)
    assert outside_base.value.code == "outside"
    assert list(outside.iterdir()) == []


def test_a_folder_swapped_for_a_link_after_it_was_opened_gets_nothing_written(tmp_path: Path, mode: str) -> None:
    base = tmp_path / "basis"
    project = base / "Project"
    project.mkdir(parents=True)
    outside = tmp_path / "buiten"
    outside.mkdir()
    (outside / "bestaand.txt").write_bytes(b"van iemand anders")
    with Folder.open(project, base=base) as folder:
        project.rename(base / "Project-weg")
        project.symlink_to(outside, target_is_directory=True)
        with pytest.raises(WriteError) as refused:
            folder.write("uitvoer.docx", b"x")
        assert refused.value.reason == "moved"
        assert folder.backup("bestaand.txt", now=NOW) is None  # not the file behind the link
        with pytest.raises(WorkbookError):  # never the file behind the link
            folder.read("bestaand.txt", max_bytes=100)
    assert tree_digest(outside) == {"bestaand.txt": hashlib.sha256(b"van iemand anders").hexdigest()}


# --- the pipeline -----------------------------------------------------------------------------------------


def test_a_registered_folder_replaced_by_a_link_is_not_written_through(runtime: Runtime, tmp_path: Path) -> None:
    """Replace a registered project folder by a link to another department's folder and save a filled
    evaluation with that project's number: the other department's proposal used to be rewritten (and
    'Vorige versies/' made there)."""
    root = runtime.roots[0]
    mine = root / "Projecten" / "Mijn project"
    mine.mkdir()
    (mine / "intake.xlsx").write_bytes(make_intake())
    first = process_file(mine / "intake.xlsx", runtime, now=NOW)
    assert first.outcome is Outcome.DONE, first.lines()
    prepared = next(mine.glob("* - evaluatie.xlsx"))
    filled = fill_workbook(prepared.read_bytes(), evaluation_values(), USED)
    elsewhere = other_department(tmp_path / "buiten")
    before = tree_digest(elsewhere)

    mine.rename(root / "Projecten" / "Mijn project (oud)")
    mine.symlink_to(elsewhere, target_is_directory=True)
    evaluation = root / "Projecten" / "Mijn project (oud)" / "evaluatie ingevuld.xlsx"
    evaluation.write_bytes(filled)
    result = process_file(evaluation, runtime, now=LATER)

    assert result.outcome is not Outcome.REJECTED, result.lines()
    assert "Traceback" not in "\n".join(result.lines())
    assert tree_digest(elsewhere) == before, "the other department's folder was changed"
    assert not (elsewhere / BACKUP_FOLDER).exists()


def test_an_input_reached_through_a_linked_folder_is_not_read(runtime: Runtime, tmp_path: Path) -> None:
    root = runtime.roots[0]
    elsewhere = other_department(tmp_path / "buiten")
    before = tree_digest(elsewhere)
    linked = root / "Projecten" / "Koppeling"
    linked.symlink_to(elsewhere, target_is_directory=True)

    result = process_file(linked / "intake.xlsx", runtime, now=NOW)

    assert result.outcome is Outcome.IGNORED, result.lines()
    assert "snelkoppeling" in result.message
    assert tree_digest(elsewhere) == before
    assert runtime.register.all() == [], "a workbook reached through a link was registered"


def test_a_folder_swapped_for_a_link_while_the_worker_runs_gets_no_outputs(runtime: Runtime, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Half-way through the run (after the advice, while the plan's chart is drawn), the project folder is
    renamed away and a link to a folder outside the root put in its place. Nothing may land outside the
    root; the run ends as a clear outcome."""
    root = runtime.roots[0]
    project = root / "Projecten" / "Wissel"
    project.mkdir()
    (project / "intake.xlsx").write_bytes(make_intake())
    outside = tmp_path / "buiten"
    outside.mkdir()
    chart = project_runs.stakeholder_chart

    def swap_then_draw(*args: object, **kwargs: object) -> bytes:
        if not project.is_symlink():
            project.rename(root / "Projecten" / "Wissel (weg)")
            project.symlink_to(outside, target_is_directory=True)
        return chart(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(project_runs, "stakeholder_chart", swap_then_draw)
    result = process_file(project / "intake.xlsx", runtime, now=NOW)

    assert result.outcome is Outcome.IGNORED, result.lines()
    assert "verplaatst" in result.message
    assert list(outside.iterdir()) == [], f"written outside the root: {os.listdir(outside)}"
