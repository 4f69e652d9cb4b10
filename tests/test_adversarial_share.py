"""Faults on the share and hostile files against the real service: ``toolbox-docs watch`` as a subprocess.

- per-file bounds: a file that takes too long, or needs too much memory, is cut off with a Dutch feedback
  file, the heartbeat keeps beating meanwhile, and the next file is processed normally;
- a watched root that disappears and comes back (renamed away and back; replaced by another folder);
- links and named pipes on the share are never followed or opened;
- a document left open (a stale owner file) is retried less and less often, and at once when it closes;
- a full disk (a real 256 kB tmpfs, as root) fails clearly and recovers when there is room again;
- a folder deleted while its file is being processed.

The slow input is honest: a 15 MB workbook within every default limit (a shared-strings table of 2.2
million entries and a row of 2.4 million cells) that takes about 10 s to read on the development
machine; nothing in the toolbox is slowed on purpose. Every wait polls for a condition with a deadline
(``watcher_support``); the only sleep-free timing is read from the service's own log time stamps.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import random
import re
import shutil
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from test_adversarial_files import FORM, _can_mount, shared_strings_workbook, tmpfs
from toolbox_docs.errors import StateError
from toolbox_docs.share.fsio import TEMP_PREFIX
from toolbox_docs.state import LedgerEntry, State
from watcher_support import (
    FEEDBACK,
    INTAKE,
    OUTPUTS,
    PROPOSAL,
    STATE_FOLDER,
    Watcher,
    docx_text,
    entry,
    ledger,
    make_intake,
    make_root,
    plan_of,
    project,
    save_like_excel,
    sha256_bytes,
    sha256_file,
)

LOG_TIME = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) ")


def _slow(folder: Path, strings: int, cells_in_row: int) -> Path:
    """The example intake with ``strings`` shared strings and a row of ``cells_in_row`` cells (random numbers,
    so that it compresses like real data, ratio 5 to 10)."""
    base = shared_strings_workbook(make_intake(), folder / "basis.xlsx", strings)
    rng = random.Random(4)
    cells = b"".join(b"<c><v>%d</v></c>" % rng.randrange(10**6) for _ in range(cells_in_row))
    path = folder / "traag.xlsx"
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == FORM:
                data = re.sub(rb'<row r="4"[^>]*>', lambda match: match.group(0) + cells, data, count=1)
            target.writestr(info.filename, data)
    return path


@pytest.fixture(scope="module")
def slow_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2.2 million shared strings and a row of 2.4 million cells: 15 MB, every member under 64 MB; it
    takes longer than 3 s and more than 64 MB to read (the bounds the cut-off tests set)."""
    path = _slow(tmp_path_factory.mktemp("traag"), 2_200_000, 2_400_000)
    assert path.stat().st_size < 20 * 1024 * 1024
    return path


@pytest.fixture(scope="module")
def slowish_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fifth of ``slow_workbook``: a few seconds of reading, long enough to act while it is in hand."""
    return _slow(tmp_path_factory.mktemp("wat-traag"), 440_000, 480_000)


def beat_age(watcher: Watcher) -> float:
    return time.time() - float((watcher.status() or {}).get("beat", 0))


def log_times(watcher: Watcher, path: Path, outcome: str) -> list[dt.datetime]:
    """When the service logged ``outcome`` for ``path`` (its own time stamps, to the millisecond)."""
    found = []
    for line in watcher.log_text().splitlines():
        if f"] {path}: {outcome}" in line and (match := LOG_TIME.match(line)):
            found.append(dt.datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S,%f"))
    return found


# --- per-file bounds ------------------------------------------------------------------------------------


def _cut_off(watchers: Callable[..., Watcher], tmp_path: Path, slow_workbook: Path, bound: str,
             expected: str, *, in_hand_for_a_while: bool) -> None:
    root = make_root(tmp_path, extra=f"[grenzen]\n{bound}\n")
    watcher = watchers(root)
    watcher.start()
    slow = project(root, "A traag") / INTAKE
    shutil.copy(slow_workbook, slow)
    digest = sha256_file(slow)
    ages: list[float] = []
    busy: set[str] = set()

    def cut_off() -> LedgerEntry | None:
        ages.append(beat_age(watcher))
        busy.add(str((watcher.status() or {}).get("busy", {}).get("path", "")))
        item = entry(root, slow)
        return item if item is not None and item.outcome == "afgekeurd" else None

    item = watcher.wait_for(cut_off, deadline=120, what="the slow file to be cut off", interval=0.2)
    after = project(root, "B daarna") / INTAKE
    data = make_intake()
    save_like_excel(after, data)

    watcher.wait_outcome(after, "verwerkt", sha256=sha256_bytes(data), deadline=60)
    text = (slow.parent / FEEDBACK).read_text(encoding="utf-8-sig")
    assert "afgebroken" in text and expected in text, text
    assert expected in item.message
    assert sorted(os.listdir(slow.parent)) == sorted([INTAKE, FEEDBACK])
    assert sha256_file(slow) == digest, "the input was changed"
    if in_hand_for_a_while:
        assert str(slow) in busy, "the heartbeat did not show the file in hand"
    assert max(ages) < 8, f"no heartbeat for {max(ages):.0f} s while the slow file was in hand"
    assert watcher.running and "Traceback" not in watcher.log_text()
    assert watcher.terminate() == 0


@pytest.mark.slow
def test_a_file_that_takes_too_long_is_cut_off_and_the_next_is_processed(
        watchers: Callable[..., Watcher], tmp_path: Path, slow_workbook: Path) -> None:
    _cut_off(watchers, tmp_path, slow_workbook, "max_seconden_per_bestand = 3", "3 seconden",
             in_hand_for_a_while=True)


@pytest.mark.slow
def test_a_file_that_needs_too_much_memory_is_cut_off_and_the_next_is_processed(
        watchers: Callable[..., Watcher], tmp_path: Path, slow_workbook: Path) -> None:
    _cut_off(watchers, tmp_path, slow_workbook, "max_geheugen_mb_per_bestand = 64", "geheugen",
             in_hand_for_a_while=False)


# --- a root that goes away ------------------------------------------------------------------------------


class LocalState:
    """A root whose state database lives outside it, on a local disk, as the README recommends: then
    the heartbeat and the ledger stay reachable while the share is gone."""

    def __init__(self, tmp_path: Path) -> None:
        self.root = make_root(tmp_path, rescan=3600)  # no periodic rescan: only the observer finds files
        self.local = tmp_path / "lokaal"
        settings = self.root / "toolbox.toml"
        text = settings.read_text(encoding="utf-8")
        moved = text.replace(f'statusbestand = "{STATE_FOLDER}/state.sqlite"',
                             f'statusbestand = "{(self.local / "state.sqlite").as_posix()}"')
        assert moved != text
        settings.write_text(moved, encoding="utf-8")

    def status(self) -> dict[str, Any]:
        try:
            data = json.loads((self.local / "status.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def outcome(self, path: Path) -> str | None:
        if not (self.local / "state.sqlite").exists():
            return None
        state = State(self.local / "state.sqlite")
        try:
            item = state.ledger_entry(path)
        finally:
            state.close()
        return item.outcome if item is not None else None


def _started(watcher: Watcher, place: LocalState) -> None:
    watcher.start(wait=False)
    watcher.wait_for(lambda: place.status().get("pid") == watcher.pid and place.status().get("state") == "running",
                     deadline=60, what="the service to start")


@pytest.mark.slow
@pytest.mark.parametrize("args", [(), ("--polling", "--interval", "0.5")], ids=["native", "polling"])
def test_a_watched_root_that_disappears_and_comes_back(watchers: Callable[..., Watcher], tmp_path: Path,
                                                       args: tuple[str, ...]) -> None:
    place = LocalState(tmp_path)
    root = place.root
    watcher = watchers(root, *args)
    _started(watcher, place)
    first = project(root, "Voor") / INTAKE
    save_like_excel(first, make_intake())
    watcher.wait_for(lambda: place.outcome(first) == "verwerkt", deadline=60, what="the first intake")

    away = tmp_path / "elders"
    root.rename(away)  # the share is unmounted, or renamed by an admin
    watcher.wait_for(lambda: place.status().get("missing_roots") == [str(root)], deadline=60,
                     what="the heartbeat to name the missing root")
    noticed = place.status()["beat"]
    watcher.wait_for(lambda: place.status().get("beat", 0) > noticed, deadline=30,
                     what="the heartbeat to go on while the root is gone")
    away.rename(root)
    watcher.wait_for(lambda: place.status().get("missing_roots") == [], deadline=60,
                     what="the heartbeat to say the root is back")
    second = project(root, "Na") / INTAKE
    data = make_intake(project_name="Na de onderbreking")
    save_like_excel(second, data)

    watcher.wait_for(lambda: place.outcome(second) == "verwerkt", deadline=60,
                     what="an intake saved after the root came back (the periodic rescan is off)")
    log = watcher.log_text()
    assert "is niet bereikbaar" in log and "is weer bereikbaar" in log
    assert "Na de onderbreking" in docx_text(second.parent / plan_of("Na de onderbreking"))
    assert watcher.running and "Traceback" not in log
    assert watcher.terminate() == 0


def test_a_root_replaced_by_another_folder_is_watched_again(watchers: Callable[..., Watcher],
                                                            tmp_path: Path) -> None:
    """The share is mounted again between two looks of the service: the path is the same, the folder is
    another one, and the old watch would see nothing. The service notices and watches the new folder."""
    place = LocalState(tmp_path)
    root = place.root
    replacement = tmp_path / "nieuw"
    (replacement / "Projecten").mkdir(parents=True)
    shutil.copy(root / "toolbox.toml", replacement / "toolbox.toml")
    watcher = watchers(root)
    _started(watcher, place)

    root.rename(tmp_path / "oud")
    replacement.rename(root)
    watcher.wait_for(lambda: "wordt opnieuw gestart" in watcher.log_text(), deadline=30,
                     what="the service to notice that the root is another folder now")
    intake = project(root, "Na herkoppeling") / INTAKE
    save_like_excel(intake, make_intake())

    watcher.wait_for(lambda: place.outcome(intake) == "verwerkt", deadline=60,
                     what="an intake in the new folder (the periodic rescan is off)")
    assert watcher.running and watcher.terminate() == 0


# --- links and pipes ------------------------------------------------------------------------------------


def test_links_and_named_pipes_on_the_share_are_never_followed_or_opened(
        watchers: Callable[..., Watcher], tmp_path: Path) -> None:
    """Decision (threat model): no symbolic link is followed, not to a file and not to a folder, whether
    it was there at the start or made while the service runs; a named pipe is never opened (reading it
    would block the service). Nothing is read from or written outside the root."""
    outside = tmp_path / "buiten"
    secret = outside / "Geheim"
    secret.mkdir(parents=True)
    (secret / INTAKE).write_bytes(make_intake(project_name="Geheim project"))
    (outside / "los.xlsx").write_bytes(make_intake(project_name="Los project"))
    listing = sorted(str(p.relative_to(outside)) for p in outside.rglob("*"))
    root = make_root(tmp_path)

    def plant(suffix: str) -> list[Path]:
        made = [project(root, f"Koppeling {suffix}") / INTAKE, project(root, f"Pijp {suffix}") / INTAKE,
                root / "Projecten" / f"Gekoppelde map {suffix}"]
        made[0].symlink_to(outside / "los.xlsx")
        os.mkfifo(made[1])
        made[2].symlink_to(secret, target_is_directory=True)
        return [made[0], made[1], made[2] / INTAKE]

    planted = plant("voor de start")
    watcher = watchers(root)
    watcher.start()
    planted += plant("tijdens")  # events and folder hints, not only the start scan
    watcher.settle()
    watcher.settle()  # a second round: the rescan has looked at everything at least once

    seen = ledger(root)
    for path in planted:
        assert str(path) not in seen, path
        assert watcher.runs(path) == [], path
    assert sorted(str(p.relative_to(outside)) for p in outside.rglob("*")) == listing, "written outside the root"
    assert watcher.running and beat_age(watcher) < 10
    assert watcher.terminate() == 0


# --- a document left open -------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_document_left_open_is_retried_less_and_less_often(watchers: Callable[..., Watcher],
                                                             tmp_path: Path) -> None:
    """Word left an owner file behind: the proposal waits (never clobbered), but the retries back off
    (1, 2 s here), and the periodic rescan (every second here) does not bring them forward. When the owner
    file goes, its deletion event brings the update forward at once. The doubling itself, up to its
    limit, is ``test_service_core.py::test_unfinished_runs_back_off_doubling_up_to_the_limit``."""
    root = make_root(tmp_path, retry=1.0, rescan=1.0)
    watcher = watchers(root)
    watcher.start()
    folder = project(root, "Open voorstel")
    intake = folder / INTAKE
    save_like_excel(intake, make_intake(reason_goal="Kenmerk-EEN: het eerste doel."))
    watcher.wait_outcome(intake, "verwerkt")
    owner = folder / f"~${PROPOSAL[2:]}"
    owner.write_bytes(b"\x0dSanne de Vries" + b"\x00" * 148)
    opened = (folder / PROPOSAL).read_bytes()
    second = make_intake(reason_goal="Kenmerk-TWEE: het tweede doel.")
    save_like_excel(intake, second)

    watcher.wait_for(lambda: len(log_times(watcher, intake, "uitgesteld")) >= 3, deadline=60,
                     what="three deferred runs")
    times = log_times(watcher, intake, "uitgesteld")
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(times)][:2]
    assert all(gap >= 0.9 * (2 ** n) for n, gap in enumerate(gaps)), f"no back-off: gaps {gaps}"
    assert (folder / PROPOSAL).read_bytes() == opened

    released = time.monotonic()
    owner.unlink()
    watcher.wait_outcome(intake, "verwerkt", sha256=sha256_bytes(second), deadline=30)
    assert time.monotonic() - released < 12, "the update waited for the next back-off turn"
    assert "Kenmerk-TWEE" in docx_text(folder / PROPOSAL)
    assert watcher.terminate() == 0


# --- a full disk, a folder deleted mid-way ---------------------------------------------------------------


@pytest.mark.skipif(not _can_mount(), reason="mounting a tmpfs needs root; test_adversarial_files simulates ENOSPC")
def test_a_full_disk_fails_clearly_and_the_file_is_done_when_there_is_room(
        watchers: Callable[..., Watcher], tmp_path: Path) -> None:
    root = make_root(tmp_path)
    watcher = watchers(root)
    watcher.start()
    with tmpfs(root / "Projecten" / "Volle schijf", size="256k") as folder:
        filler = folder / "opvulling.bin"
        free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
        # The intake (18 KB) fits, its outputs (about 37 KB: the plan's chart is a small vector picture) do not.
        filler.write_bytes(b"\x00" * (free - 36 * 1024))
        intake = folder / INTAKE
        data = make_intake()
        save_like_excel(intake, data)

        failed = watcher.wait_outcome(intake, "mislukt", deadline=60)
        assert "de schijf is vol" in failed.message
        assert not [p for p in folder.iterdir() if p.name.startswith(TEMP_PREFIX)], "temp files left behind"
        filler.unlink()

        watcher.wait_outcome(intake, "verwerkt", sha256=sha256_bytes(data), deadline=60)
        assert sorted(os.listdir(folder)) == sorted([INTAKE, *OUTPUTS])
        assert sha256_file(intake) == sha256_bytes(data)
        assert watcher.running
        # A service stopped on request ends with 0, whatever failed on the way (README, exit codes): systemd
        # must not count a normal stop as a crash. Only ``watch --once`` reports failures in its exit code.
        assert watcher.terminate() == 0


@pytest.mark.slow
def test_a_folder_deleted_while_its_file_is_processed(watchers: Callable[..., Watcher], tmp_path: Path,
                                                      slowish_workbook: Path) -> None:
    root = make_root(tmp_path)
    watcher = watchers(root)
    watcher.start()
    folder = project(root, "Weg")
    intake = folder / INTAKE
    shutil.copy(slowish_workbook, intake)
    watcher.wait_for(lambda: (watcher.status() or {}).get("busy", {}).get("path") == str(intake), deadline=60,
                     what="the heartbeat to show the file in hand", interval=0.05)

    shutil.rmtree(folder)

    def ended() -> LedgerEntry | None:
        try:
            return entry(root, intake)
        except StateError:
            return None

    item = watcher.wait_for(ended, deadline=120, what="the run on the deleted file to end")
    assert item.outcome == "genegeerd" and "verwijderd" in item.message, item
    assert not folder.exists(), "something was written where the folder was"
    watcher.settle()
    assert watcher.running and "Traceback" not in watcher.log_text()
    assert watcher.terminate() == 0
