"""Projects on the share stay whole (issue 13, items 4, 5 and 7, and the output names).

A project's identity lives on the share, in the custom document properties of what the toolbox writes
beside the intake (``identity``), and in the register by the intake's content. Here, through the real
pipeline (and the real service where a rename must be seen as a person does it):

- a renamed or moved folder keeps its project, running or finished;
- a copied intake is a new project that names its original; fifty unchanged copies send no reminders of
  their own;
- after the state database is lost, ``register rebuild`` gives every project its old number back, and an
  evaluation then finds its project;
- an evaluation updates only the project whose folder it is in: another project's number (typed over, or
  last year's evaluation copied) is refused with a Dutch feedback and changes nothing;
- two intakes in one folder each write only their own outputs; a person's proposal is written only for
  the intake it clearly belongs to;
- outputs are named after the project (or the workbook's own name) on every file system.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from test_evaluation_flow import USED, evaluation_values
from test_links import proposal_with_anchor
from toolbox_docs.cli.main import main
from toolbox_docs.forms.xlsx_fill import fill_workbook
from toolbox_docs.pipeline.identity import read_stamp
from toolbox_docs.pipeline.process import Outcome, ProcessResult, Runtime, process_file
from toolbox_docs.register import xlsx as register_xlsx
from toolbox_docs.register.projects import FINISHED, RUNNING
from toolbox_docs.register.reminders import find_due
from toolbox_docs.settings import Settings
from toolbox_docs.state import path_key
from watcher_support import (
    EVALUATION,
    INTAKE,
    PLAN,
    PROPOSAL,
    Watcher,
    docx_text,
    make_intake,
    make_root,
    project,
    register_names,
    save_like_excel,
    sha256_bytes,
)

NOW = dt.datetime(2027, 1, 11, 9, 0)
LATER = dt.datetime(2027, 6, 14, 10, 0)
REPORT = "Groenplan Meezenbroek - evaluatieverslag.docx"


@dataclass
class Share:
    root: Path
    runtime: Runtime
    settings: Settings

    def folder(self, name: str) -> Path:
        folder = self.root / "Projecten" / name
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def intake(self, name: str, data: bytes | None = None, file_name: str = INTAKE) -> Path:
        path = self.folder(name) / file_name
        path.write_bytes(make_intake() if data is None else data)
        return path

    def run(self, path: Path, now: dt.datetime = NOW) -> ProcessResult:
        result = process_file(path, self.runtime, now=now)
        assert "Traceback" not in "\n".join(result.lines())
        return result

    def evaluate(self, prepared: Path, target: Path, **overrides: object) -> Path:
        """A person fills the prepared evaluation workbook and saves it as ``target``."""
        target.write_bytes(fill_workbook(prepared.read_bytes(), evaluation_values(**overrides), USED))
        return target


@pytest.fixture
def share(tmp_path: Path) -> Iterator[Share]:
    root = tmp_path / "Participatie"
    (root / "Projecten").mkdir(parents=True)
    settings = Settings().replace(state_db=tmp_path / "state" / "state.sqlite")
    runtime = Runtime.open(settings, roots=(root,))
    runtime.on_register_change = register_xlsx.exporter_for(runtime)
    yield Share(root, runtime, settings)
    runtime.close()


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir() if p.is_file()}


def stamp_of(path: Path) -> str:
    found = read_stamp(path.read_bytes(), limits=Settings().limits)
    assert found is not None, f"{path.name} carries no identity"
    return found.project_id


# --- identity on the share ------------------------------------------------------------------------------


def test_every_document_carries_the_project_and_survives_a_save_in_libreoffice_and_word(share: Share) -> None:
    path = share.intake("Groen")
    result = share.run(path)
    assert result.outcome is Outcome.DONE, result.lines()
    for name in (PLAN, PROPOSAL, EVALUATION):
        assert stamp_of(path.parent / name) == result.project_id, name
    # A person opens the proposal and saves it (python-docx keeps the part as Word does).
    proposal = docx.Document(str(path.parent / PROPOSAL))
    proposal.add_paragraph("Eigen aanvulling.")
    proposal.save(str(path.parent / PROPOSAL))
    assert stamp_of(path.parent / PROPOSAL) == result.project_id


@pytest.mark.slow
def test_a_renamed_folder_keeps_its_project_running_or_finished(share: Share) -> None:
    running = share.run(share.intake("Loopt"))
    finished = share.run(share.intake("Klaar", make_intake(project_name="Klaar project")))
    done = share.folder("Klaar")
    share.evaluate(done / "Klaar project - evaluatie.xlsx", done / "Klaar project - evaluatie.xlsx")
    assert share.run(done / "Klaar project - evaluatie.xlsx", LATER).outcome is Outcome.DONE

    for old, new in (("Loopt", "Loopt (hernoemd)"), ("Klaar", "Archief/Klaar")):
        (share.root / "Projecten" / new).parent.mkdir(parents=True, exist_ok=True)
        (share.root / "Projecten" / old).rename(share.root / "Projecten" / new)
    again = share.run(share.root / "Projecten" / "Loopt (hernoemd)" / INTAKE, LATER)
    moved = share.run(share.root / "Projecten" / "Archief" / "Klaar" / INTAKE, LATER)

    assert (again.project_id, moved.project_id) == (running.project_id, finished.project_id)
    assert any("verplaatst of hernoemd" in p.message for p in again.problems), again.lines()
    projects = {p.project_id: p for p in share.runtime.register.all()}
    assert len(projects) == 2, "a renamed folder made a second project"
    assert projects[running.project_id].status == RUNNING
    assert projects[finished.project_id].status == FINISHED, "the finished project lost its evaluation"
    assert projects[running.project_id].intake_path == path_key(share.root / "Projecten" / "Loopt (hernoemd)" / INTAKE)
    # What the toolbox wrote there is known under the new name: nothing is backed up again.
    assert all(a.backup is None for a in again.actions if "voorstel" not in a.path.name), again.lines()


def test_a_copied_intake_is_a_new_project_that_names_its_original(share: Share) -> None:
    original = share.run(share.intake("Origineel"))
    shutil.copytree(share.folder("Origineel"), share.root / "Projecten" / "Kopie")
    copied = share.run(share.root / "Projecten" / "Kopie" / INTAKE)

    assert copied.outcome is Outcome.DONE, copied.lines()
    assert copied.project_id != original.project_id
    note = next(p.message for p in copied.problems if p.code == "project-identity")
    assert f"kopie van project {original.project_id}" in note and "Groenplan Meezenbroek" in note
    registered = share.runtime.register.get(str(copied.project_id))
    assert registered is not None and registered.copy_of == original.project_id
    # The copy's documents now carry the copy's identity; the original's are untouched.
    for name in (PLAN, PROPOSAL, EVALUATION):
        assert stamp_of(share.root / "Projecten" / "Kopie" / name) == copied.project_id, name
        assert stamp_of(share.folder("Origineel") / name) == original.project_id, name


@pytest.mark.slow
def test_fifty_unchanged_copies_are_fifty_projects_but_send_no_reminders_of_their_own(share: Share) -> None:
    data = make_intake()
    original = share.run(share.intake("Origineel", data))
    for number in range(50):
        share.run(share.intake(f"Kopie {number:02d}", data))
    projects = share.runtime.register.all()
    assert len(projects) == 51
    assert sum(1 for p in projects if p.copy_of == original.project_id) == 50
    end = next(p.end for p in projects if p.end is not None)
    due = find_due(share.runtime.state, share.settings, today=end)
    assert sorted((r.project_id, r.kind) for r in due) == [(original.project_id, "evaluatie"),
                                                           (original.project_id, "extern")]
    # A copy that is changed becomes a project in its own right, with its own reminders.
    changed = share.run(share.intake("Kopie 00", make_intake(reason_goal="Een ander doel, een eigen project.")))
    due = find_due(share.runtime.state, share.settings, today=end)
    assert {r.project_id for r in due} == {original.project_id, changed.project_id}


@pytest.mark.slow
def test_register_rebuild_gives_every_project_its_number_back_after_the_state_is_lost(
        share: Share, tmp_path: Path) -> None:
    running = share.run(share.intake("Loopt"))
    finished = share.run(share.intake("Klaar", make_intake(project_name="Klaar project")))
    done = share.folder("Klaar")
    evaluation = share.evaluate(done / "Klaar project - evaluatie.xlsx", done / "Klaar project - evaluatie.xlsx")
    assert share.run(evaluation, LATER).outcome is Outcome.DONE
    share.runtime.close()
    before = {p: digests(p) for p in (share.folder("Loopt"), share.folder("Klaar"))}
    for lost in share.settings.state_db.parent.iterdir():
        lost.unlink()
    config = tmp_path / "toolbox.toml"
    config.write_text(f'[dienst]\nstatusbestand = "{share.settings.state_db.as_posix()}"\n', encoding="utf-8")

    rebuilt = CliRunner().invoke(main, ["--config", str(config), "register", "rebuild", str(share.root)])

    assert rebuilt.exit_code == 0, rebuilt.output
    assert "2 projecten" in rebuilt.output, rebuilt.output
    share.runtime = Runtime.open(share.settings, roots=(share.root,))
    projects = {p.project_id: p for p in share.runtime.register.all()}
    assert set(projects) == {running.project_id, finished.project_id}
    assert projects[finished.project_id].status == FINISHED and projects[running.project_id].status == RUNNING
    assert {p: digests(p) for p in before} == before, "rebuilding the register changed files on the share"
    assert (share.root / "projectenregister.xlsx").is_file()
    # An evaluation saved afterwards finds its project: it is not 'not in the register'.
    late = share.evaluate(share.folder("Loopt") / EVALUATION, share.folder("Loopt") / EVALUATION)
    result = share.run(late, LATER)
    assert result.outcome is Outcome.DONE, result.lines()
    assert not [p for p in result.problems if p.code == "unknown-project"]
    assert share.runtime.register.get(str(running.project_id)).status == FINISHED  # type: ignore[union-attr]


def test_the_service_finds_the_numbers_again_after_the_state_is_lost(share: Share) -> None:
    """Without a rebuild: the state is gone and the service processes the share again. The evaluation is
    processed before its intake (its name sorts first): it still finds its project."""
    first = share.run(share.intake("Loopt"))
    share.runtime.close()
    for lost in share.settings.state_db.parent.iterdir():
        lost.unlink()
    share.runtime = Runtime.open(share.settings, roots=(share.root,))
    evaluation = share.evaluate(share.folder("Loopt") / EVALUATION, share.folder("Loopt") / EVALUATION)

    result = share.run(evaluation, LATER)

    assert result.outcome is Outcome.DONE, result.lines()
    assert result.project_id == first.project_id
    registered = share.runtime.register.get(str(first.project_id))
    assert registered is not None and registered.status == FINISHED


# --- the authority of an evaluation --------------------------------------------------------------------


def test_an_evaluation_with_another_projects_number_changes_nothing(share: Share) -> None:
    mine = share.run(share.intake("Mijn project", make_intake(project_name="Mijn project")))
    theirs = share.run(share.intake("Ander project", make_intake(project_name="Ander project")))
    their_folder = share.folder("Ander project")
    before = digests(their_folder)
    my_folder = share.folder("Mijn project")
    # The other project's number typed into my evaluation workbook (as read from the register).
    typed = share.evaluate(my_folder / "Mijn project - evaluatie.xlsx", my_folder / "Mijn project - evaluatie.xlsx",
                           project_id=theirs.project_id)

    result = share.run(typed, LATER)

    assert result.outcome is Outcome.REJECTED, result.lines()
    feedback = (my_folder / "Mijn project - evaluatie - feedback.txt").read_text(encoding="utf-8-sig")
    assert f"hoort bij project {theirs.project_id} (Ander project)" in feedback
    assert "Een evaluatie telt alleen in de map van het eigen project" in feedback
    assert digests(their_folder) == before, "the other project's folder was changed"
    registered = {p.project_id: p.status for p in share.runtime.register.all()}
    assert registered == {mine.project_id: RUNNING, theirs.project_id: RUNNING}
    assert not any(p.name.endswith("evaluatieverslag.docx") for p in my_folder.iterdir())


def test_last_years_evaluation_copied_cannot_close_this_years_project(share: Share) -> None:
    last = share.run(share.intake("2026 Plein", make_intake(project_name="Plein 2026")))
    old = share.folder("2026 Plein")
    filled = share.evaluate(old / "Plein 2026 - evaluatie.xlsx", old / "Plein 2026 - evaluatie.xlsx")
    assert share.run(filled, LATER).outcome is Outcome.DONE
    this = share.run(share.intake("2027 Plein", make_intake(project_name="Plein 2027")))
    new = share.folder("2027 Plein")
    copied = new / "Plein 2026 - evaluatie.xlsx"
    shutil.copy(filled, copied)

    result = share.run(copied, LATER + dt.timedelta(days=400))

    assert result.outcome is Outcome.REJECTED, result.lines()
    assert share.runtime.register.get(str(this.project_id)).status == RUNNING  # type: ignore[union-attr]
    assert share.runtime.register.get(str(last.project_id)).status == FINISHED  # type: ignore[union-attr]
    assert "Wat kwam er uit de participatie?" not in docx_text(new / "Plein 2027 - collegevoorstel.docx")


# --- two intakes in one folder ---------------------------------------------------------------------------


def test_two_intakes_in_one_folder_each_write_only_their_own_outputs(share: Share) -> None:
    folder = share.folder("Samen")
    real = share.intake("Samen", make_intake(budget_euros=12500))
    copy = share.intake("Samen", make_intake(budget_euros=500, reason_goal="Oude versie van het doel."),
                        "intake - Kopie.xlsx")
    first = share.run(real)
    second = share.run(copy)
    assert first.outcome is Outcome.DONE and second.outcome is Outcome.DONE
    names = sorted(p.name for p in folder.iterdir() if p.is_file())
    assert names == sorted([INTAKE, "intake - Kopie.xlsx", PLAN, PROPOSAL, EVALUATION,
                            "intake - Kopie - participatieplan.docx", "intake - Kopie - collegevoorstel.docx",
                            "intake - Kopie - evaluatie.xlsx"])
    assert "Oude versie" not in docx_text(folder / PROPOSAL), "the old copy wrote into the real proposal"
    assert "Oude versie" in docx_text(folder / "intake - Kopie - collegevoorstel.docx")
    assert stamp_of(folder / PROPOSAL) == first.project_id
    # Running the real one again leaves the copy's documents alone, and the other way round.
    copy_docs = digests(folder)
    share.run(real, LATER)
    assert {n: d for n, d in digests(folder).items() if n.startswith("intake - Kopie")} == \
        {n: d for n, d in copy_docs.items() if n.startswith("intake - Kopie")}


def test_a_persons_proposal_is_written_only_when_it_is_clear_whose_it_is(share: Share) -> None:
    folder = share.folder("Eigen voorstel")
    proposal_with_anchor(folder / "Voorstel raad.docx")
    real = share.intake("Eigen voorstel")
    first = share.run(real)
    assert first.outcome is Outcome.DONE, first.lines()
    assert stamp_of(folder / "Voorstel raad.docx") == first.project_id  # the only intake: its proposal
    assert "Tekst van de steller." not in docx_text(folder / "Voorstel raad.docx")  # the paragraph went in
    assert not (folder / PROPOSAL).exists(), "a second proposal beside the person's own"

    # A copy of the intake appears: the proposal carries the first one's identity, so stays the first's.
    mine = (folder / "Voorstel raad.docx").read_bytes()
    copy = share.intake("Eigen voorstel", make_intake(reason_goal="Kenmerk-KOPIE."), "intake - Kopie.xlsx")
    second = share.run(copy)
    assert (folder / "Voorstel raad.docx").read_bytes() == mine
    assert (folder / "intake - Kopie - collegevoorstel.docx").is_file()

    # A proposal nobody has written yet, in a folder with two intakes: whose is it? Nobody's; it says so.
    proposal_with_anchor(folder / "Nog een voorstel.docx", "Van wie?")
    untouched = (folder / "Nog een voorstel.docx").read_bytes()
    third = share.run(real, LATER)
    assert (folder / "Nog een voorstel.docx").read_bytes() == untouched
    assert any("Nog een voorstel.docx" in p.message and "meerdere intakes" in p.message and p.is_error
               for p in third.problems), third.lines()
    assert second.outcome is Outcome.DONE


def test_a_proposal_that_cannot_be_opened_is_reported_and_no_second_one_appears(share: Share,
                                                                                  tmp_path: Path) -> None:
    """Item 9: a person's own proposal saved with a password was skipped silently (exit 0) and a second,
    default proposal appeared beside it."""
    from test_ooxml import encrypted_example  # a real encrypted package (msoffcrypto-tool)

    folder = share.folder("Versleuteld")
    plain = folder / "Collegevoorstel.docx"
    proposal_with_anchor(plain)
    plain.write_bytes(encrypted_example(plain.read_bytes()))
    path = share.intake("Versleuteld")
    result = share.run(path)

    assert not (folder / PROPOSAL).exists(), "a second proposal appeared beside the person's own"
    errors = [p for p in result.problems if p.is_error]
    assert errors and "Collegevoorstel.docx" in errors[0].message and "wachtwoord" in errors[0].message
    config = tmp_path / "toolbox.toml"
    config.write_text(f'[dienst]\nstatusbestand = "{share.settings.state_db.as_posix()}"\n', encoding="utf-8")
    share.runtime.close()
    cli = CliRunner().invoke(main, ["--config", str(config), "process", str(path)])
    share.runtime = Runtime.open(share.settings, roots=(share.root,))
    assert cli.exit_code == 1, cli.output
    assert "Collegevoorstel.docx" in cli.output


# --- names ---------------------------------------------------------------------------------------------


def test_outputs_carry_the_workbooks_own_name_when_a_person_chose_one(share: Share) -> None:
    path = share.intake("Eigen naam", file_name="Groenplan fase 2.xlsx")
    assert share.run(path).outcome is Outcome.DONE
    assert sorted(p.name for p in path.parent.iterdir()) == sorted([
        "Groenplan fase 2.xlsx", "Groenplan fase 2 - participatieplan.docx",
        "Groenplan fase 2 - collegevoorstel.docx", "Groenplan fase 2 - evaluatie.xlsx"])


def test_a_project_name_that_is_taken_by_another_workbook_falls_back_to_the_own_name(share: Share) -> None:
    folder = share.folder("Botsing")
    other = folder / "Plein.xlsx"
    other.write_bytes(make_intake(project_name="Iets anders"))
    path = share.intake("Botsing", make_intake(project_name="Plein"))
    assert share.run(path).outcome is Outcome.DONE
    assert (folder / "intake - participatieplan.docx").is_file()
    assert share.run(other).outcome is Outcome.DONE
    assert (folder / "Plein - participatieplan.docx").is_file()
    assert stamp_of(folder / "Plein - participatieplan.docx") != stamp_of(folder / "intake - participatieplan.docx")


def test_the_evaluation_report_is_named_after_the_project(share: Share) -> None:
    path = share.intake("Verslag")
    share.run(path)
    evaluation = share.evaluate(path.parent / EVALUATION, path.parent / EVALUATION)
    result = share.run(evaluation, LATER)
    assert result.outcome is Outcome.DONE, result.lines()
    assert (path.parent / REPORT).is_file()
    assert not (path.parent / "intake - evaluatie - evaluatieverslag.docx").exists()
    assert stamp_of(path.parent / REPORT) == result.project_id


# --- the real service ----------------------------------------------------------------------------------


def processed_by_the_service(watchers: Callable[..., Watcher], tmp_path: Path, name: str
                             ) -> tuple[Path, Watcher, Path, bytes]:
    """A root with the real service running, and the worked example processed in project folder ``name``."""
    root = make_root(tmp_path)
    watcher = watchers(root)
    watcher.start()
    folder = project(root, name)
    data = make_intake()
    save_like_excel(folder / INTAKE, data)
    watcher.wait_outcome(folder / INTAKE, "verwerkt", sha256=sha256_bytes(data))
    return root, watcher, folder, data


def test_the_service_keeps_the_project_of_a_folder_renamed_while_it_runs(watchers: Callable[..., Watcher],
                                                                       tmp_path: Path) -> None:
    root, watcher, folder, data = processed_by_the_service(watchers, tmp_path, "Voor")
    first = stamp_of(folder / PLAN)

    renamed = folder.rename(root / "Projecten" / "Na")
    watcher.wait_outcome(renamed / INTAKE, "verwerkt", sha256=sha256_bytes(data))
    watcher.settle()

    watcher.wait_for(lambda: sorted(register_names(root)) == ["Controlepunt 0", "Groenplan Meezenbroek"],
                     deadline=30, what="the register with one project for the renamed folder (and the sentinel)")
    assert stamp_of(renamed / PLAN) == first
    assert not (renamed / "Vorige versies").exists(), "a rename made backups of everything"
    assert watcher.terminate() == 0


def test_deleted_outputs_come_back_without_a_change_of_the_intake(watchers: Callable[..., Watcher],
                                                                   tmp_path: Path) -> None:
    """Item 9: outputs deleted by a person never came back until the intake changed."""
    _, watcher, folder, _ = processed_by_the_service(watchers, tmp_path, "Weg")
    (folder / PLAN).unlink()

    # The plan is written before the run is logged: wait for both.
    watcher.wait_for(lambda: (folder / PLAN).is_file() and len(watcher.runs(folder / INTAKE)) >= 2, deadline=60,
                     what="the deleted plan to come back, and the run that wrote it in the log")
    assert watcher.runs(folder / INTAKE) == ["verwerkt", "verwerkt"]
    assert watcher.terminate() == 0


def test_an_unchanged_register_is_not_rewritten_at_start(watchers: Callable[..., Watcher], tmp_path: Path) -> None:
    """Item 9: the projectenregister.xlsx was rewritten on every start, even when nothing had changed."""
    root, watcher, _, _ = processed_by_the_service(watchers, tmp_path, "Een")
    register = root / "projectenregister.xlsx"
    watcher.wait_for(register.is_file, deadline=30, what="the register")
    assert watcher.terminate() == 0
    written = (register.stat().st_mtime_ns, register.stat().st_ino, io.BytesIO(register.read_bytes()).getvalue())

    watcher.start()  # the worker brings the register up to date at start, and again when it stops
    assert watcher.terminate() == 0
    assert (register.stat().st_mtime_ns, register.stat().st_ino, register.read_bytes()) == written
