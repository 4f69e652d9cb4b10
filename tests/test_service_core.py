"""The service's core without a service: readiness, the candidate filter and the retry schedule.

Each part takes its clock as a callable, so these tests step time instead of sleeping and each runs in
milliseconds. Files are real (``tmp_path``): readiness looks at sizes, modification times and zip end
records, the candidate filter at links. What only a running service on a real file system shows (events,
rescans, owner files going away, a worker crashing) stays in the watcher tests (test_watcher*.py,
test_adversarial_share.py).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from toolbox_docs.cli.main import main
from toolbox_docs.service.candidates import is_candidate, scan
from toolbox_docs.service.readiness import FileState, Readiness
from toolbox_docs.service.schedule import CRASH_ATTEMPTS, MAX_RETRY_SECONDS, Schedule
from toolbox_docs.service.status import write_status
from watcher_support import make_root, status_file

START = 1_800_000_000.0  # a wall-clock moment in 2027, far from the real one: only the fake clock counts


class Clock:
    """A clock that moves only when told to."""

    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def step(self, seconds: float) -> None:
        self.now += seconds


def a_zip(members: int = 1) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number in range(members):
            archive.writestr(f"xl/part{number}.xml", "<x/>" * 50)
    return buffer.getvalue()


def put(path: Path, data: bytes, at: float) -> Path:
    """Write ``data`` and give the file the modification time ``at`` (on the fake clock)."""
    path.write_bytes(data)
    os.utime(path, ns=(int(at * 1e9), int(at * 1e9)))
    return path


# --- readiness ------------------------------------------------------------------------------------------


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_a_complete_workbook_is_ready_once_it_stood_still_for_the_delay(tmp_path: Path, clock: Clock) -> None:
    readiness = Readiness(0.5, clock=clock)
    path = put(tmp_path / "intake.xlsx", a_zip(), clock.now)
    assert readiness.check(path) is FileState.WAITING
    clock.step(0.49)
    assert readiness.check(path) is FileState.WAITING
    clock.step(0.02)
    assert readiness.check(path) is FileState.READY


def test_a_file_that_stood_still_before_it_was_seen_is_ready_at_once(tmp_path: Path, clock: Clock) -> None:
    """Its modification time says it has not changed for longer than the delay (a file found at start)."""
    path = put(tmp_path / "intake.xlsx", a_zip(), clock.now - 3600)
    assert Readiness(0.5, clock=clock).check(path) is FileState.READY


@pytest.mark.parametrize("change", ["size", "mtime"])
def test_a_change_of_size_or_modification_time_starts_the_wait_again(tmp_path: Path, clock: Clock,
                                                                      change: str) -> None:
    readiness = Readiness(1.0, clock=clock)
    data = a_zip()
    path = put(tmp_path / "intake.xlsx", data, clock.now)
    clock.step(0.8)
    assert readiness.check(path) is FileState.WAITING
    if change == "size":
        put(path, a_zip(2), clock.now)  # another complete zip: only the change holds it back
    else:
        put(path, data, clock.now)  # the same bytes saved again
    clock.step(0.8)
    assert readiness.check(path) is FileState.WAITING, "the first look's time still counted after the change"
    clock.step(0.21)
    assert readiness.check(path) is FileState.READY


def test_the_time_since_the_last_modification_counts_from_before_the_first_look(tmp_path: Path,
                                                                             clock: Clock) -> None:
    readiness = Readiness(0.5, clock=clock)
    path = put(tmp_path / "intake.xlsx", a_zip(), clock.now - 0.3)
    assert readiness.check(path) is FileState.WAITING
    clock.step(0.21)
    assert readiness.check(path) is FileState.READY


def test_a_workbook_still_being_written_waits_until_its_zip_is_complete(tmp_path: Path, clock: Clock) -> None:
    readiness = Readiness(0.5, clock=clock)
    data = a_zip(5)
    path = put(tmp_path / "intake.xlsx", data[: len(data) - 30], clock.now)  # the end record not yet written
    clock.step(1.0)
    assert readiness.check(path) is FileState.WAITING, "stood still, but not a whole zip: not before the settle time"
    put(path, data, clock.now)
    clock.step(0.3)
    assert readiness.check(path) is FileState.WAITING
    clock.step(0.3)
    assert readiness.check(path) is FileState.READY


@pytest.mark.parametrize("data", [b"", b"naam;doel\nplein;groen\n", b"\xd0\xcf\x11\xe0" + b"\x00" * 508,
                                  b"\x0dSanne de Vries" + b"\x00" * 148],
                         ids=["empty", "csv", "legacy-xls", "word-owner-file"])
def test_a_file_that_is_never_a_zip_is_taken_after_the_settle_time(tmp_path: Path, clock: Clock,
                                                                   data: bytes) -> None:
    """So that it still gets its clear message; the settle time is five times the delay, at least 5 s."""
    readiness = Readiness(0.5, clock=clock)
    assert readiness.settle == 5.0 and Readiness(2.0).settle == 10.0
    path = put(tmp_path / "intake.xlsx", data, clock.now)
    readiness.check(path)
    clock.step(4.99)
    assert readiness.check(path) is FileState.WAITING
    clock.step(0.02)
    assert readiness.check(path) is FileState.READY


def test_a_file_that_went_away_is_gone_and_forgotten(tmp_path: Path, clock: Clock) -> None:
    readiness = Readiness(0.5, clock=clock)
    path = put(tmp_path / "intake.xlsx", a_zip(), clock.now)
    assert readiness.check(path) is FileState.WAITING
    path.unlink()
    assert readiness.check(path) is FileState.GONE
    clock.step(0.4)
    put(path, a_zip(), clock.now - 10)  # back with the same size, and stood still long: ready
    assert readiness.check(path) is FileState.READY
    put(path, a_zip(), clock.now)  # new content, just written, the same size: waits the delay again
    clock.step(0.1)
    readiness.forget(path)
    assert readiness.check(path) is FileState.WAITING


def test_anything_but_a_regular_file_is_gone(tmp_path: Path, clock: Clock) -> None:
    readiness = Readiness(0.5, clock=clock)
    real = put(tmp_path / "echt.xlsx", a_zip(), clock.now - 60)
    link = tmp_path / "link.xlsx"
    link.symlink_to(real)
    folder = tmp_path / "map.xlsx"
    folder.mkdir()
    others = [link, folder]
    if hasattr(os, "mkfifo"):
        pipe = tmp_path / "pijp.xlsx"
        os.mkfifo(pipe)
        others.append(pipe)
    assert readiness.check(real) is FileState.READY
    for path in others:
        assert readiness.check(path) is FileState.GONE, path


# --- the candidate filter -------------------------------------------------------------------------------


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "Participatie"
    (root / "Projecten" / "Plein").mkdir(parents=True)
    return root


NOT_UTF8 = os.fsdecode(b"caf\xe9.xlsx")


@pytest.mark.parametrize("relative", [
    "Projecten/Plein/intake.xlsx",
    "Projecten/Plein/Groenplan fase 2.XLSX",
    "Projecten/Plein/intake.xlsm",
    "Projecten/Plein/oud formulier.xls",  # taken so that it gets its message (save as .xlsx)
    "Projecten/Plein/Plein - evaluatie.xlsx",  # the evaluation workbook we made: a person fills it in
    "Projecten/Plein/Café aan het plein.xlsx",
    f"Projecten/Plein/{NOT_UTF8}",
    "intake.xlsx",
])
def test_workbooks_in_the_root_are_candidates(root: Path, relative: str) -> None:
    path = root / relative
    path.write_bytes(a_zip())
    assert is_candidate(path, root)


@pytest.mark.parametrize("relative", [
    "Projecten/Plein/~$intake.xlsx",  # Excel's owner file
    "Projecten/Plein/~intake.xlsx",
    "Projecten/Plein/.~lock.intake.xlsx#",  # LibreOffice's lock file
    "Projecten/Plein/.intake.xlsx",  # hidden
    "Projecten/Plein/.~toolbox-3f2a.tmp",  # our own temp file
    "Projecten/Plein/intake.xlsx.tmp",
    "Projecten/Plein/A1B2C3D4",  # the extension-less name Excel saves to before it renames
    "Projecten/Plein/Thumbs.db",
    "Projecten/Plein/desktop.ini",
    "Projecten/Plein/.DS_Store",
    "Projecten/Plein/intake.csv",
    "Projecten/Plein/intake.ods",
    "Projecten/Plein/Plein - participatieplan.docx",  # our outputs
    "Projecten/Plein/Plein - collegevoorstel.docx",
    "Projecten/Plein/intake - feedback.txt",
    "projectenregister.xlsx",  # the register we generate
    "Projecten/Plein/Vorige versies/2027-01-05 0930 intake.xlsx",  # backups
    "Projecten/.verborgen/intake.xlsx",  # in a hidden folder
    "Projecten/Plein/.git/intake.xlsx",
])
def test_everything_else_is_not_a_candidate(root: Path, relative: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(a_zip())
    assert not is_candidate(path, root)


def test_a_file_outside_the_root_is_not_a_candidate(root: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elders" / "intake.xlsx"
    outside.parent.mkdir()
    outside.write_bytes(a_zip())
    assert not is_candidate(outside, root)


def test_links_are_never_followed(root: Path, tmp_path: Path) -> None:
    """A linked file, or a file reached through a linked folder, is not a candidate (its real place may lie
    outside the root); a scan does not descend into a linked folder."""
    elsewhere = tmp_path / "elders"
    elsewhere.mkdir()
    target = elsewhere / "intake.xlsx"
    target.write_bytes(a_zip())
    (root / "Projecten" / "Plein" / "link.xlsx").symlink_to(target)
    (root / "Projecten" / "Gekoppeld").symlink_to(elsewhere, target_is_directory=True)
    real = root / "Projecten" / "Plein" / "intake.xlsx"
    real.write_bytes(a_zip())

    assert not is_candidate(root / "Projecten" / "Plein" / "link.xlsx", root)
    assert not is_candidate(root / "Projecten" / "Gekoppeld" / "intake.xlsx", root)
    assert scan(root) == [real]


def test_a_scan_finds_candidates_sorted_and_reports_our_temp_files(root: Path) -> None:
    names = ["Projecten/Plein/intake.xlsx", "Projecten/Amstel/b.xlsx", "Projecten/Amstel/a.xlsx",
             "Projecten/Amstel/~$a.xlsx", "Projecten/Amstel/Vorige versies/a.xlsx", "projectenregister.xlsx",
             "Projecten/Plein/.~toolbox-1234.tmp", "Projecten/.oud/c.xlsx"]
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(a_zip())
    temps: list[Path] = []
    found = scan(root, temps)
    assert found == [root / "Projecten/Amstel/a.xlsx", root / "Projecten/Amstel/b.xlsx",
                     root / "Projecten/Plein/intake.xlsx"]
    assert temps == [root / "Projecten/Plein/.~toolbox-1234.tmp"]


# --- the retry schedule ---------------------------------------------------------------------------------


@pytest.fixture
def schedule(clock: Clock) -> Schedule:
    return Schedule(30.0, clock=clock)


A = Path("/share/Projecten/Plein/intake.xlsx")
B = Path("/share/Projecten/Plein/b.xlsx")
ELSEWHERE = Path("/share/Projecten/Amstel/intake.xlsx")


def test_a_wanted_file_is_due_at_once_and_taken_once(schedule: Schedule) -> None:
    assert not schedule and schedule.due() == []
    schedule.want(B)
    schedule.want(A)
    schedule.want(A)
    assert len(schedule) == 2 and A in schedule
    assert schedule.due() == [B, A]
    schedule.take(A)
    assert A not in schedule and schedule.due() == [B]


def test_unfinished_runs_back_off_doubling_up_to_the_limit(schedule: Schedule, clock: Clock) -> None:
    delays = []
    for _ in range(8):
        schedule.take(A)
        delays.append(schedule.later(A, "inhoud-1"))
        clock.step(delays[-1] - 0.001)
        assert schedule.due() == [], "due before its turn"
        clock.step(0.001)
        assert schedule.due() == [A]
    assert delays == [30.0, 60.0, 120.0, 240.0, 480.0, MAX_RETRY_SECONDS, MAX_RETRY_SECONDS, MAX_RETRY_SECONDS]


def test_the_back_off_stays_bounded_after_many_runs(clock: Clock) -> None:
    schedule = Schedule(0.5, clock=clock)
    delays = [schedule.later(A, "inhoud") for _ in range(200)]
    assert delays[:4] == [0.5, 1.0, 2.0, 4.0]
    assert max(delays) == MAX_RETRY_SECONDS == delays[-1]


def test_new_content_or_a_finished_run_starts_the_back_off_again(schedule: Schedule) -> None:
    assert [schedule.later(A, "inhoud-1") for _ in range(3)] == [30.0, 60.0, 120.0]
    assert schedule.later(A, "inhoud-2") == 30.0, "a changed file keeps the old back-off"
    assert schedule.later(A, "inhoud-2") == 60.0
    schedule.finished(A)
    assert schedule.later(A, "inhoud-2") == 30.0
    schedule.later(A, "inhoud-2")
    schedule.forget(A)
    assert A not in schedule
    assert schedule.later(A, "inhoud-2") == 30.0, "a file that went away and came back starts again"


def test_each_file_has_its_own_back_off(schedule: Schedule) -> None:
    schedule.later(A, "x")
    schedule.later(A, "x")
    assert schedule.later(B, "x") == 30.0


def test_an_event_on_the_file_brings_its_turn_forward(schedule: Schedule, clock: Clock) -> None:
    schedule.later(A, "inhoud")
    schedule.later(A, "inhoud")
    assert schedule.due() == []
    schedule.want(A)
    assert schedule.due() == [A]
    assert schedule.later(A, "inhoud") == 120.0, "an event is no reason to start the back-off again"


def test_wanting_a_file_never_puts_its_turn_later(schedule: Schedule, clock: Clock) -> None:
    schedule.want(A)
    due = schedule.when(A)
    clock.step(5)
    schedule.want(A)
    assert schedule.when(A) == due


def test_an_owner_file_going_away_brings_its_folder_forward(schedule: Schedule, clock: Clock) -> None:
    for path in (A, B, ELSEWHERE):
        schedule.later(path, "inhoud")
    clock.step(1)
    schedule.owner_gone(A.parent)
    assert schedule.due() == [B, A]
    assert schedule.when(ELSEWHERE) == START + 30.0


def test_waiting_for_the_state_counts_no_back_off(schedule: Schedule, clock: Clock) -> None:
    schedule.later(A, "inhoud")
    schedule.wait(A, 7.0)
    assert schedule.when(A) == clock.now + 7.0
    assert schedule.later(A, "inhoud") == 60.0, "the state's wait neither reset nor advanced the back-off"


def test_a_crashing_content_is_given_up_after_its_attempts(schedule: Schedule) -> None:
    attempts = [schedule.failed(A, "inhoud", crashed=True) for _ in range(CRASH_ATTEMPTS)]
    assert attempts == [*range(1, CRASH_ATTEMPTS), None]
    assert schedule.failed(A, "ander", crashed=True) == 1, "new content gets its own attempts"
    assert schedule.failed(B, "inhoud", crashed=True) == 1


def test_a_run_that_hit_a_bound_is_given_up_at_once(schedule: Schedule) -> None:
    assert schedule.failed(A, "inhoud", crashed=False) is None
    assert schedule.failed(A, "inhoud", crashed=True) == 2, "the bound counted as an attempt of that content"


# --- the heartbeat as `toolbox-docs status` shows it ----------------------------------------------------


def _status_output(tmp_path: Path, busy: dict[str, object]) -> str:
    root = make_root(tmp_path)
    status_file(root).parent.mkdir()
    write_status(status_file(root), {
        "state": "running", "pid": os.getpid(), "host": "werkplek", "roots": [str(root)], "beat": time.time(),
        "counts": {"verwerkt": 1}, "pending": 2, "busy": busy,
        "last": {"path": "Projecten/Eerste/intake.xlsx", "outcome": "verwerkt", "at": "2027-03-01T10:00:00",
                 "message": ""}})
    result = CliRunner().invoke(main, ["status", "--root", str(root)])
    assert result.exit_code == 0, result.output
    return result.output


def test_status_names_the_file_in_hand_while_the_service_works_on_it(tmp_path: Path) -> None:
    since = 1_800_000_000.0
    shown = _status_output(tmp_path, {"path": "Projecten/Tweede/intake.xlsx", "since": since, "id": "0badcafe"})
    moment = dt.datetime.fromtimestamp(since).strftime("%d-%m-%Y %H:%M:%S")
    assert f"Nu bezig met: Projecten/Tweede/intake.xlsx (sinds {moment})" in shown
    assert "Laatste: Projecten/Eerste/intake.xlsx — verwerkt" in shown


def test_status_names_no_file_in_hand_when_the_service_is_idle(tmp_path: Path) -> None:
    assert "Nu bezig met" not in _status_output(tmp_path, {})


# --- stopping -------------------------------------------------------------------------------------------


def test_a_stop_wakes_the_loop_that_waits_for_hints(tmp_path: Path) -> None:
    """SIGTERM's handler (``request_stop``) puts a wake-up among the hints, so the loop, which may be waiting
    up to half a second for one, stops at once; the wake-up itself asks for no work."""
    from toolbox_docs.service.service import Service
    from toolbox_docs.settings import Settings

    root = make_root(tmp_path)
    service = Service((root,), Settings().replace(state_db=tmp_path / "state" / "state.sqlite"))
    service.request_stop()
    assert service.stopping.is_set()
    started = time.monotonic()
    service._wait()  # without the wake-up this waits for its timeout (0.5 s) and finds nothing
    assert time.monotonic() - started < 0.4
    assert service.watch.hints.empty() and not service.schedule, "the wake-up became work"
