"""The state database is infrastructure, not the person's fault (issue 13, item 3).

Another process holding a write transaction on the state database for a long time, or a full disk under
it, used to count as a failure of the person's file: after three attempts a valid intake was "afgekeurd"
with "onverwachte fout" feedback, and the service exited. Here the real service meets both: it waits, says
so in its log for the admin, writes no feedback, never rejects, keeps running, and processes the intake
once the state is usable again.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from test_adversarial_files import _can_mount, tmpfs
from watcher_support import (
    FEEDBACK,
    INTAKE,
    STATE_FOLDER,
    Watcher,
    entry,
    make_intake,
    make_root,
    project,
    save_like_excel,
    sha256_bytes,
    state_db,
)

WAITS = "wacht op de statusdatabase"


def _never_rejected(watcher: Watcher, path: Path) -> None:
    assert not (path.parent / FEEDBACK).exists(), (path.parent / FEEDBACK).read_text(encoding="utf-8-sig")
    assert f"{path}: afgekeurd" not in watcher.log_text()
    assert "onverwachte fout" not in watcher.log_text()


def test_a_state_database_held_by_another_process_makes_the_file_wait(watchers: Callable[..., Watcher],
                                                                       tmp_path: Path) -> None:
    root = make_root(tmp_path)
    watcher = watchers(root)
    watcher.start()
    first = project(root, "Eerst") / INTAKE
    save_like_excel(first, make_intake(project_name="Eerst"))
    watcher.wait_outcome(first, "verwerkt")

    other = sqlite3.connect(state_db(root), timeout=1, isolation_level=None)  # another process's write lock
    other.execute("BEGIN IMMEDIATE")
    try:
        path = project(root, "Tijdens") / INTAKE
        data = make_intake(project_name="Tijdens")
        save_like_excel(path, data)
        # Held long enough for the worker to give up on the lock several times (5 s each).
        watcher.wait_for(lambda: watcher.log_text().count(WAITS) >= 2, deadline=90,
                         what="the service to say twice that the file waits for the state database")
        _never_rejected(watcher, path)
        assert watcher.running
        assert entry(root, path) is None  # nothing final was recorded about the person's file
    finally:
        other.execute("ROLLBACK")
        other.close()
    watcher.wait_outcome(path, "verwerkt", sha256=sha256_bytes(data), deadline=90)
    _never_rejected(watcher, path)
    assert any(p.name.endswith(" - participatieplan.docx") for p in path.parent.iterdir())
    assert "Dit ligt niet aan het bestand" in watcher.log_text()


@pytest.mark.skipif(not _can_mount(), reason="a full disk under the state needs a small tmpfs, which needs root")
def test_a_full_disk_under_the_state_makes_the_file_wait(watchers: Callable[..., Watcher], tmp_path: Path) -> None:
    root = make_root(tmp_path)
    with tmpfs(root / STATE_FOLDER, size="2m") as folder:
        watcher = watchers(root)
        watcher.start()
        first = project(root, "Eerst") / INTAKE
        save_like_excel(first, make_intake(project_name="Eerst"))
        watcher.wait_outcome(first, "verwerkt")
        filler = folder / "opvulling.bin"
        with filler.open("wb") as stream:  # fill the disk to the last block
            try:
                while True:
                    stream.write(b"\0" * 65536)
                    stream.flush()
            except OSError:
                pass
        try:
            path = project(root, "Vol") / INTAKE
            data = make_intake(project_name="Vol")
            save_like_excel(path, data)
            watcher.wait_for(lambda: WAITS in watcher.log_text() or "Statusdatabase niet te gebruiken"
                             in watcher.log_text(), deadline=90, what="the service to say the state is full")
            _never_rejected(watcher, path)
            assert watcher.running
        finally:
            os.unlink(filler)
        watcher.wait_outcome(path, "verwerkt", sha256=sha256_bytes(data), deadline=90)
        _never_rejected(watcher, path)
        assert watcher.terminate() == 0
