"""A share that is unmounted and mounted again under a running service: it waits, says so, and loses
nothing. As on a municipal server, where //server/participatie is mounted with CIFS on the watched root.

The "file server's disk" is a tmpfs; the share is a bind mount of it on the watched root (or on its
``Projecten/`` folder), so that unmounting it leaves the empty folder behind, as a dropped CIFS mount
does, while the content stays on the "server" and others can still save there. Needs root (mount);
CI runs as root, so there these tests run.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import need
from toolbox_docs.state import LedgerEntry, State
from watcher_support import (
    INTAKE,
    Watcher,
    distinct_intake,
    distinct_name,
    plan_of,
    save_like_excel,
    sha256_bytes,
    sha256_file,
)


def _mount(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["mount", *args], capture_output=True, text=True, check=False, timeout=30)


def _umount(point: Path) -> None:
    result = subprocess.run(["umount", str(point)], capture_output=True, text=True, check=False, timeout=30)
    assert result.returncode == 0, f"umount {point}: {result.stderr}"


def _is_mount(point: Path) -> bool:
    return os.path.ismount(point)


@pytest.fixture
def mounts(tmp_path: Path) -> Iterator[Callable[..., None]]:
    """``mount(*args)``; whatever is still mounted at the end is unmounted (last first)."""
    need(os.name == "posix" and os.geteuid() == 0, "mounting needs root (CI runs as root)")
    probe = tmp_path / "probe"
    probe.mkdir()
    result = _mount("-t", "tmpfs", "-o", "size=1m", "tmpfs", str(probe))
    need(result.returncode == 0, f"mount is not available here: {result.stderr.strip()}")
    _umount(probe)
    points: list[Path] = []

    def mount(*args: str) -> None:
        result = _mount(*args)
        assert result.returncode == 0, f"mount {args}: {result.stderr}"
        points.append(Path(args[-1]))

    yield mount
    for point in reversed(points):
        while _is_mount(point):
            subprocess.run(["umount", "-l", str(point)], capture_output=True, check=False, timeout=30)


class LocalStateWatcher(Watcher):
    """The service with its state on the local disk (never on the share), as in production."""

    def __init__(self, root: Path, logs: Path, state: Path, *, args: tuple[str, ...] = ()) -> None:
        super().__init__(root, logs, args=args)
        self.state = state

    def status(self) -> dict[str, Any] | None:
        import json

        try:
            data = json.loads((self.state.parent / "status.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def wait_outcome(self, path: Path, outcome: str, *, sha256: str | None = None, deadline: float = 60.0,
                     ) -> LedgerEntry:
        def done() -> LedgerEntry | None:
            state = State(self.state)
            try:
                item = state.ledger_entry(path)
            finally:
                state.close()
            ok = item is not None and item.outcome == outcome and (sha256 is None or item.sha256 == sha256)
            return item if ok else None

        return self.wait_for(done, deadline=deadline, what=f"ledger outcome {outcome!r} for {path}")


@pytest.mark.slow
@pytest.mark.parametrize(("mounted_on", "observer"), [("root", "events"), ("Projecten", "polling")])
def test_service_waits_while_the_share_is_gone_and_loses_nothing(
        tmp_path: Path, mounts: Callable[..., None], mounted_on: str, observer: str) -> None:
    server = tmp_path / "server"  # the file server's disk
    server.mkdir()
    mounts("-t", "tmpfs", "-o", "size=64m", "tmpfs", str(server))
    root = tmp_path / "Participatie"
    root.mkdir()
    state = tmp_path / "state" / "state.sqlite"
    settings = ("[dienst]\n"
                f'statusbestand = "{state}"\n'
                "stabiliteit_seconden = 0.5\nopnieuw_proberen_seconden = 0.5\npolling_seconden = 0.5\n"
                "herscan_seconden = 3600\n")  # only events, polling and the mount's return find files
    if mounted_on == "root":
        share, projects = root, root / "Projecten"
        (server / "toolbox.toml").write_text(settings, encoding="utf-8")
        (server / "Projecten").mkdir()
        on_server = server / "Projecten"
    else:
        share = projects = root / "Projecten"
        projects.mkdir()
        (root / "toolbox.toml").write_text(settings, encoding="utf-8")
        on_server = server
    mounts("--bind", str(server), str(share))

    watcher = LocalStateWatcher(root, tmp_path / "logs", state,
                                args=("--polling",) if observer == "polling" else ())
    try:
        watcher.start()
        first = projects / "Groenplan" / INTAKE
        first.parent.mkdir()
        data = distinct_intake(1)
        save_like_excel(first, data)
        watcher.wait_outcome(first, "verwerkt", sha256=sha256_bytes(data))
        plan = first.parent / plan_of(distinct_name(1))
        plan_digest = sha256_file(plan)

        # The share goes away: what is left at the mount point is the empty folder it was mounted on.
        _umount(share)
        assert not any(share.iterdir())
        watcher.wait_for(lambda: "is niet meer gekoppeld" in watcher.log_text(), deadline=30,
                         what="the service to say the share is gone")
        assert f"De netwerkschijf op {share} (tmpfs) is niet meer gekoppeld. De dienst wacht tot hij terug is; " \
               "er gaat niets verloren." in watcher.log_text()
        watcher.wait_for(lambda: str(share) in (watcher.status() or {}).get("missing_roots", []), deadline=30,
                         what="the heartbeat to name the share as unreachable")

        # Meanwhile a colleague saves an intake on the server.
        during = on_server / "Speeltuin" / INTAKE
        during.parent.mkdir()
        later_data = distinct_intake(2)
        save_like_excel(during, later_data)
        status = watcher.status() or {}
        assert status.get("state") == "running", "the service keeps running"
        assert not any(share.iterdir()), "nothing was written into the folder under the mount point"

        # The share comes back.
        mounts("--bind", str(server), str(share))
        watcher.wait_for(lambda: "is weer gekoppeld" in watcher.log_text(), deadline=30,
                         what="the service to notice the share is back")
        watcher.wait_outcome(projects / "Speeltuin" / INTAKE, "verwerkt", sha256=sha256_bytes(later_data))
        watcher.wait_for(lambda: str(share) not in (watcher.status() or {}).get("missing_roots", []), deadline=30,
                         what="the heartbeat to drop the share from the unreachable ones")

        # After its return the share is watched again (rescans are an hour apart here).
        after = projects / "Kunstroute" / INTAKE
        after.parent.mkdir()
        after_data = distinct_intake(3)
        save_like_excel(after, after_data)
        watcher.wait_outcome(after, "verwerkt", sha256=sha256_bytes(after_data))

        assert watcher.runs(first) == ["verwerkt"], "what was done before is not done again"
        assert sha256_file(plan) == plan_digest, "and its outputs were left as they were"
        assert sha256_file(first) == sha256_bytes(data)
        assert watcher.terminate() == 0
    finally:
        watcher.close()
