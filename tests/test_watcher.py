"""The watcher service end to end: the real ``toolbox-docs watch`` as a subprocess on a temporary root.

Every wait polls for a condition with a deadline (``watcher_support.wait_for``); nothing sleeps to wait
for a result. Intakes are generated from the worked example (``toolbox_docs.cli.examples``), with the field
values each scenario needs changed; the only foreign file is a plain openpyxl workbook.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

import docx
import pytest

from watcher_support import (
    EVALUATION,
    FEEDBACK,
    INTAKE,
    OUTPUTS,
    PLAN,
    PROPOSAL,
    Watcher,
    check_readable,
    distinct_intake,
    distinct_name,
    docx_text,
    entry,
    evaluation_of,
    field_cell,
    foreign_workbook,
    ledger,
    make_intake,
    make_root,
    mtimes,
    outcome_counts,
    outputs_of,
    plan_of,
    project,
    proposal_of,
    register_names,
    save_like_excel,
    sha256_bytes,
    status_command,
    visible_files,
)

POLLING = ("--polling", "--interval", "0.5")
NOTE = "Aantekeningen bij het project.\n"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_root(tmp_path)


@pytest.fixture
def watcher(root: Path, watchers: Callable[..., Watcher]) -> Watcher:
    return watchers(root)


@pytest.fixture(params=[(), POLLING], ids=["native", "polling"])
def observed(tmp_path: Path, watchers: Callable[..., Watcher], request: pytest.FixtureRequest) -> Watcher:
    """The watcher with native events and with ``--polling``, on a root without periodic rescans: what
    is found after the start scan is found by the observer (inotify, or the polling observer)."""
    return watchers(make_root(tmp_path, rescan=3600), *request.param)


# --- one save, exactly once -----------------------------------------------------------------------


def test_excel_style_save_produces_outputs_once_and_identical_resave_does_nothing(observed: Watcher) -> None:
    root, watcher = observed.root, observed
    watcher.start()
    folder = project(root, "Groenplan Meezenbroek")
    intake = folder / INTAKE
    data = make_intake()

    save_like_excel(intake, data)

    first = watcher.wait_outcome(intake, "verwerkt", sha256=sha256_bytes(data))
    outputs = [folder / name for name in OUTPUTS]
    for path in outputs:
        check_readable(path)
    assert not (folder / FEEDBACK).exists()
    assert sorted(first.outputs) == sorted(str(p) for p in outputs)
    assert watcher.runs(intake) == ["verwerkt"]
    before = mtimes(outputs)

    save_like_excel(intake, data)  # the same content saved again: a new file (inode, mtime), same bytes
    watcher.settle()

    assert mtimes(outputs) == before
    again = entry(root, intake)
    assert again is not None
    assert (again.sha256, again.outcome, again.processed_at) == (first.sha256, "verwerkt", first.processed_at)
    assert watcher.runs(intake) == ["verwerkt"], "the identical re-save went through the pipeline again"
    assert sorted(visible_files(folder)) == sorted([INTAKE, *OUTPUTS])


def test_file_written_slowly_in_chunks_is_processed_once_when_complete(observed: Watcher) -> None:
    root, watcher = observed.root, observed
    watcher.start()
    folder = project(root, "Langzaam opgeslagen")
    intake = folder / INTAKE
    data = make_intake()
    chunks = 8
    size = -(-len(data) // chunks)

    def write_slowly() -> None:
        # Pauses longer than the stability delay (0.5 s): size and mtime stand still while the file is
        # incomplete, so only the "opens as a complete zip" check can hold it back.
        with intake.open("wb") as stream:
            for start in range(0, len(data), size):
                stream.write(data[start:start + size])
                stream.flush()
                os.fsync(stream.fileno())
                time.sleep(0.8)

    seen: set[object] = set()

    def done() -> bool:
        if (folder / FEEDBACK).exists():
            seen.add("feedback file")
        item = entry(root, intake)
        if item is not None:
            seen.add((item.outcome, item.sha256))
        # The worker records the outcome in the ledger a moment before the service logs the run: wait for both.
        return item is not None and item.outcome == "verwerkt" and item.sha256 == sha256_bytes(data) \
            and bool(watcher.runs(intake))

    writer = threading.Thread(target=write_slowly)
    writer.start()
    try:
        watcher.wait_for(done, deadline=60, what="the slowly written intake to be processed", interval=0.05)
    finally:
        writer.join()

    assert seen == {("verwerkt", sha256_bytes(data))}, f"taken before it was complete: {seen}"
    assert watcher.runs(intake) == ["verwerkt"]
    for path in (folder / name for name in OUTPUTS):
        check_readable(path)


def test_two_hundred_files_dropped_at_once_are_each_processed_exactly_once(observed: Watcher, tmp_path: Path) -> None:
    root, watcher = observed.root, observed
    watcher.start()
    data = make_intake()
    staging = tmp_path / "staging"
    # Half arrive as project folders moved in at once (a folder dragged onto the share), half as intakes
    # copied into project folders that already exist.
    moved = [staging / f"Project {n:03d}" for n in range(100)]
    copied = [project(root, f"Project {n:03d}") for n in range(100, 200)]
    for folder in moved:
        folder.mkdir(parents=True)
        (folder / INTAKE).write_bytes(data)

    for folder in moved:
        folder.rename(root / "Projecten" / folder.name)
    for folder in copied:
        (folder / INTAKE).write_bytes(data)

    watcher.wait_for(lambda: outcome_counts(root).get("verwerkt", 0) >= 200, deadline=420,
                     what="200 intakes processed", interval=0.5)
    watcher.settle()

    # One register for the whole burst, written once the worker is idle, not once per file.
    watcher.wait_for(lambda: len([n for n in register_names(root) if n == "Groenplan Meezenbroek"]) == 200,
                     deadline=60, what="the 200 projects in projectenregister.xlsx", interval=0.5)
    intakes = {key: item for key, item in ledger(root).items() if Path(key).name == INTAKE
               and "zz-sentinel" not in key}
    assert len(intakes) == 200
    assert {item.outcome for item in intakes.values()} == {"verwerkt"}
    for folder in sorted((root / "Projecten").iterdir()):
        assert visible_files(folder) == sorted([INTAKE, *OUTPUTS]), folder
        assert watcher.runs(folder / INTAKE) == ["verwerkt"], folder
        for name in OUTPUTS:
            check_readable(folder / name)
        assert "Groenplan Meezenbroek" in docx_text(folder / PLAN)


def test_bulk_copy_of_project_folders_does_not_stall_the_service(root: Path, watcher: Watcher) -> None:
    """An admin copies 1,000 project folders onto a share that already holds 1,000 (a migration, a
    restored backup). Every new folder changes the listing of ``Projecten/``; the service must keep
    beating and take a new intake within seconds, not first walk the whole tree once per new folder."""
    for number in range(1000):
        (project(root, f"Bestaand {number:04d}") / "notities.txt").write_text(NOTE, encoding="utf-8")
    watcher.start()
    intake = project(root, "Nieuw na de kopie") / INTAKE
    data = make_intake()
    beat_ages: list[float] = []

    for number in range(1000):
        (project(root, f"Gekopieerd {number:04d}") / "notities.txt").write_text(NOTE, encoding="utf-8")
    save_like_excel(intake, data)

    def processed() -> bool:
        beat_ages.append(time.time() - float((watcher.status() or {}).get("beat", 0)))
        item = entry(root, intake)
        # The ledger entry comes a moment before the service logs the run: wait for both.
        return item is not None and item.outcome == "verwerkt" and bool(watcher.runs(intake))

    watcher.wait_for(processed, deadline=30, what="the intake saved after the bulk copy", interval=0.2)
    assert max(beat_ages) < 10, f"no heartbeat for {max(beat_ages):.0f} s: `status` said the service was down"
    assert watcher.runs(intake) == ["verwerkt"]


# --- start, stop, restart -------------------------------------------------------------------------


@pytest.mark.parametrize("args", [(), POLLING], ids=["native", "polling"])
def test_files_present_before_start_and_saved_while_down_are_processed(
        tmp_path: Path, watchers: Callable[..., Watcher], args: tuple[str, ...]) -> None:
    # No periodic rescan during the test: what is found is found by the start scan or by the observer
    # (inotify, or the polling observer with --polling).
    root = make_root(tmp_path, rescan=3600)
    before, during, down = (project(root, name) / INTAKE for name in ("A start", "B tijdens", "C gestopt"))
    versions = {path: distinct_intake(number) for number, path in enumerate((before, during, down))}
    before.write_bytes(versions[before])
    watcher = watchers(root, *args)

    watcher.start()
    watcher.wait_outcome(before, "verwerkt", sha256=sha256_bytes(versions[before]))
    save_like_excel(during, versions[during])
    watcher.wait_outcome(during, "verwerkt", sha256=sha256_bytes(versions[during]))
    assert watcher.terminate() == 0

    save_like_excel(down, versions[down])
    watcher.start()
    watcher.wait_outcome(down, "verwerkt", sha256=sha256_bytes(versions[down]))
    watcher.settle()

    for number, path in enumerate(versions):
        assert watcher.runs(path) == ["verwerkt"], path
        assert visible_files(path.parent) == sorted([INTAKE, *outputs_of(distinct_name(number))])
    assert watcher.terminate() == 0


# --- changes and a person's edits -----------------------------------------------------------------


def test_changed_intake_regenerates_outputs_and_backs_up_a_persons_edit(root: Path, watcher: Watcher) -> None:
    """The intake changes, the project's name with it. The plan follows the name: the old plan (with the
    person's note) goes to 'Vorige versies/', a new one under the new name. The proposal and the evaluation
    workbook, in which people work, keep their names: the proposal is updated in place, the evaluation
    workbook stays as it was (created once)."""
    watcher.start()
    folder = project(root, "Speeltuin")
    intake = folder / INTAKE
    first = make_intake(project_name="Speeltuin Eikenlaan", reason_goal="Kenmerk-EEN: een speeltuin.")
    second = make_intake(project_name="Speeltuin Beukenlaan", reason_goal="Kenmerk-TWEE: met bankjes.")
    save_like_excel(intake, first)
    watcher.wait_outcome(intake, "verwerkt", sha256=sha256_bytes(first))
    old_plan, proposal, evaluation = (folder / plan_of("Speeltuin Eikenlaan"), folder / proposal_of("Speeltuin "
                                      "Eikenlaan"), folder / evaluation_of("Speeltuin Eikenlaan"))
    prepared = evaluation.read_bytes()

    # A person adds a note to the generated plan and saves it (python-docx, as Word would, in place).
    note = "Aantekening van Sanne: eerst met de school praten."
    plan = docx.Document(str(old_plan))
    plan.add_paragraph(note)
    plan.save(str(old_plan))

    save_like_excel(intake, second)
    watcher.wait_outcome(intake, "verwerkt", sha256=sha256_bytes(second))

    plan_text = docx_text(folder / plan_of("Speeltuin Beukenlaan"))
    assert "Speeltuin Beukenlaan" in plan_text and "Speeltuin Eikenlaan" not in plan_text
    assert note not in plan_text
    assert not old_plan.exists(), "the plan under the old name was left beside the new one"
    assert "Kenmerk-TWEE" in docx_text(proposal)
    backups = sorted((folder / "Vorige versies").glob("Speeltuin Eikenlaan - participatieplan (*).docx"))
    assert len(backups) == 1, backups
    assert note in docx_text(backups[0]), "the person's edit was replaced without a backup"
    assert evaluation.read_bytes() == prepared, "the evaluation workbook is created once only"
    assert visible_files(folder) == sorted([INTAKE, "Vorige versies", proposal.name, evaluation.name,
                                            plan_of("Speeltuin Beukenlaan")])
    assert watcher.runs(intake) == ["verwerkt", "verwerkt"]


def test_invalid_intake_gets_dutch_feedback_naming_the_cell_until_fixed(root: Path, watcher: Watcher) -> None:
    watcher.start()
    folder = project(root, "Onvolledig")
    intake = folder / INTAKE
    broken = make_intake(trekker_email="geen e-mailadres")

    save_like_excel(intake, broken)
    watcher.wait_outcome(intake, "afgekeurd", sha256=sha256_bytes(broken))

    assert visible_files(folder) == sorted([INTAKE, FEEDBACK])
    text = (folder / FEEDBACK).read_text(encoding="utf-8-sig")
    assert "geen geldig e-mailadres" in text
    assert "Het werkboek is nog niet compleet" in text
    # The place as the person sees it in Excel: the sheet's name and the cell reference as written there.
    assert f"Blad 'Intake', cel {field_cell('trekker_email')}" in text, text

    fixed = make_intake()
    save_like_excel(intake, fixed)
    watcher.wait_outcome(intake, "verwerkt", sha256=sha256_bytes(fixed))

    assert visible_files(folder) == sorted([INTAKE, *OUTPUTS])
    assert watcher.runs(intake) == ["afgekeurd", "verwerkt"]


def test_foreign_workbooks_and_temp_owner_and_hidden_files_are_ignored_quietly(
        root: Path, watcher: Watcher) -> None:
    watcher.start()
    folder = project(root, "Diversen")
    hidden_folder = project(root, ".verborgen map")
    valid = make_intake()
    # Everything below except the foreign workbook holds a *valid* intake: were any of them taken, it
    # would be processed as fast as the sentinel and its outputs would appear.
    ignored = [folder / "~$intake.xlsx", folder / "kopie.xlsx.tmp", folder / "KOPIE.TMP",
               folder / ".verborgen.xlsx", folder / "A3F0C21B", hidden_folder / INTAKE,
               folder / "Vorige versies" / INTAKE]
    (folder / "Vorige versies").mkdir()
    for path in ignored:
        path.write_bytes(valid)
    foreign = folder / "begroting.xlsx"
    save_like_excel(foreign, foreign_workbook())

    item = watcher.wait_outcome(foreign, "genegeerd")
    watcher.settle()

    assert "geen werkboek van de toolbox" in item.message
    assert item.outputs == ()
    expected = ["Vorige versies", "begroting.xlsx", *(p.name for p in ignored[:5])]
    assert visible_files(folder) == sorted(expected)
    assert visible_files(hidden_folder) == [INTAKE]
    assert os.listdir(folder / "Vorige versies") == [INTAKE]
    seen = ledger(root)
    for path in ignored:
        assert str(path) not in seen, path
        assert watcher.runs(path) == [], path
    problems = [line for line in watcher.log_text().splitlines() if " WARNING " in line or " ERROR " in line]
    assert problems == []


# --- a document open in Word ----------------------------------------------------------------------


def test_proposal_open_in_word_is_updated_only_after_its_owner_file_goes(
        root: Path, watcher: Watcher) -> None:
    watcher.start()
    folder = project(root, "Voorstel open")
    intake = folder / INTAKE
    proposal = folder / PROPOSAL
    first = make_intake(reason_goal="Kenmerk-EEN: de eerste versie van het doel.")
    second = make_intake(reason_goal="Kenmerk-TWEE: het doel, herschreven.")
    save_like_excel(intake, first)
    watcher.wait_outcome(intake, "verwerkt", sha256=sha256_bytes(first))
    assert "Kenmerk-EEN" in docx_text(proposal)

    # Word opens the proposal: for a long name its owner file replaces the first two letters with "~$".
    owner = folder / f"~${PROPOSAL[2:]}"
    owner.write_bytes(b"\x0dSanne de Vries" + b"\x00" * 148)
    opened = proposal.read_bytes()
    save_like_excel(intake, second)

    watcher.wait_outcome(intake, "uitgesteld", sha256=sha256_bytes(second))
    assert proposal.read_bytes() == opened
    assert "Kenmerk-TWEE" not in docx_text(proposal)
    assert "Kenmerk-TWEE" in docx_text(folder / PLAN), "the plan is not open and is updated right away"
    watcher.wait_for(lambda: watcher.runs(intake).count("uitgesteld") >= 2, deadline=30,
                     what="a retry while the proposal is still open")
    assert proposal.read_bytes() == opened

    owner.unlink()  # Word closes the document

    watcher.wait_outcome(intake, "verwerkt", sha256=sha256_bytes(second), deadline=30)
    assert "Kenmerk-TWEE" in docx_text(proposal) and "Kenmerk-EEN" not in docx_text(proposal)
    backups = sorted((folder / "Vorige versies").glob(PROPOSAL.replace(".docx", " (*).docx")))
    assert backups and "Kenmerk-EEN" in docx_text(backups[-1])
    check_readable(proposal)


# --- status and stopping --------------------------------------------------------------------------


def test_status_while_running_names_the_last_file_and_sigterm_stops(root: Path, watcher: Watcher) -> None:
    watcher.start()
    intake = project(root, "Status") / INTAKE
    data = make_intake()
    save_like_excel(intake, data)
    watcher.wait_outcome(intake, "verwerkt", sha256=sha256_bytes(data))

    answers: list[str] = []

    def reports_running() -> subprocess.CompletedProcess[str] | None:
        result = status_command(root)
        answers[:] = [f"exit {result.returncode}: {result.stdout}{result.stderr}"]
        # The last file the service looked at: the intake, or right after it the evaluation workbook it
        # wrote beside it (a candidate like any workbook, recognised as its own untouched output).
        last = [line for line in result.stdout.splitlines() if line.startswith("Laatste: ")]
        names = (f"Laatste: {intake} ", f"Laatste: {intake.parent / EVALUATION} ")
        named = bool(last) and last[0].startswith(names)
        return result if result.returncode == 0 and named else None

    try:
        running = watcher.wait_for(reports_running, deadline=30,
                                   what="`toolbox-docs status` to report the service and the last file")
    except AssertionError as error:
        raise AssertionError(f"{error}\n--- last answer of `toolbox-docs status` ---\n{answers}") from None
    assert "Dienst: draait " in running.stdout
    assert "1 verwerkt" in running.stdout

    started = time.monotonic()
    assert watcher.terminate(deadline=30) == 0
    assert time.monotonic() - started < 30

    stopped = status_command(root)
    assert stopped.returncode == 1, stopped.stdout
    assert "Dienst: draait niet" in stopped.stdout
    assert f"Laatste: {intake.parent}" in stopped.stdout


def _stop_during_work(root: Path, watcher: Watcher, stop: Callable[[], int]) -> None:
    """Drop a few intakes, stop the service while it works on them, check nothing is half done."""
    watcher.start()
    intakes = [project(root, f"Stop {n}") / INTAKE for n in range(6)]
    versions = [distinct_intake(number) for number in range(len(intakes))]
    for path, data in zip(intakes, versions, strict=True):
        save_like_excel(path, data)
    names = {str(path) for path in intakes}

    def in_hand() -> str | None:
        """An intake the service is working on while another is already done (its heartbeat names the
        file in hand from the first moment; read before the ledger, so a file the ledger does not have yet
        was still in hand then): stopping now stops it mid-file, or just after it, never before it."""
        busy = (watcher.status() or {}).get("busy") or {}
        seen = ledger(root)
        done = [name for name, item in seen.items() if name in names and item.outcome == "verwerkt"]
        path = busy.get("path")
        return path if done and path in names and path not in seen else None

    hand = watcher.wait_for(in_hand, deadline=60, what="the service to work on a second intake", interval=0.01)

    code = stop()  # the service is now busy with that file: it must finish it

    assert code == 0, watcher.log_tail()
    assert "Stoppen gevraagd" in watcher.log_text()
    assert "Traceback" not in watcher.log_text(), watcher.log_tail()
    seen = ledger(root)
    for number, (path, data) in enumerate(zip(intakes, versions, strict=True)):
        item = seen.get(str(path))
        outputs = [name for name in visible_files(path.parent) if name != INTAKE]
        if item is None:
            assert outputs == [], f"{path}: outputs without a finished run: {outputs}"
        else:
            assert (item.outcome, item.sha256) == ("verwerkt", sha256_bytes(data))
            assert outputs == sorted(outputs_of(distinct_name(number))), path
        assert "mislukt" not in watcher.runs(path)
    assert seen[hand].outcome == "verwerkt", f"{hand}: the file in hand was not finished"
    assert len([p for p in intakes if str(p) in seen]) >= 2, "stopped between files: the test proves nothing"


def test_sigterm_finishes_the_file_in_hand(root: Path, watcher: Watcher) -> None:
    _stop_during_work(root, watcher, watcher.terminate)


def test_ctrl_c_in_a_terminal_finishes_the_file_in_hand(root: Path, watcher: Watcher) -> None:
    # A terminal sends SIGINT to the whole foreground process group: the service and its worker.
    _stop_during_work(root, watcher, watcher.interrupt_group)
