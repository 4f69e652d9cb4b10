"""One service per root (issue 13, item 7: two services each registered everything and sent every reminder
twice). The real service, as subprocesses: a second one on the same root refuses to start with a Dutch
message, whether it shares the first's state database (the lock in the state folder) or has its own (the
marker on the share); a lease left by a killed service, or one on another computer whose heartbeat is old,
is taken over; a service whose root is taken over by another stops itself.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from toolbox_docs.service.lease import STALE_SECONDS
from toolbox_docs.share.outputs import LEASE_NAME
from watcher_support import INTAKE, Watcher, make_intake, make_root, project, save_like_excel, sha256_bytes


@pytest.fixture
def own_state(tmp_path: Path) -> Iterator[Callable[[Path, str], Watcher]]:
    """A watcher on ``root`` with a state database of its own (another installation of the service)."""
    made: list[Watcher] = []

    def make(root: Path, name: str) -> Watcher:
        watcher = Watcher(root, tmp_path / f"logs-{name}",
                          env={"TOOLBOX_STATE_DB": str(tmp_path / f"staat-{name}" / "state.sqlite")})
        made.append(watcher)
        return watcher

    yield make
    for watcher in made:
        watcher.close()


def refused(watcher: Watcher) -> str:
    """Start ``watcher`` and expect it to refuse: exit code 2 within a minute; its output."""
    watcher.start(wait=False)
    assert watcher.process is not None
    assert watcher.process.wait(timeout=60) == 2, watcher.log_tail()
    text = watcher.log_text()
    assert "Traceback" not in text, text
    return text


def still_serving(watcher: Watcher, root: Path, name: str) -> None:
    data = make_intake(project_name=name)
    path = project(root, name) / INTAKE
    save_like_excel(path, data)
    watcher.wait_outcome(path, "verwerkt", sha256=sha256_bytes(data))


def marker(root: Path, **changes: object) -> None:
    content = {"token": "0123456789abcdef", "host": "andere-server", "pid": 4242,
               "state": "/srv/toolbox/state.sqlite", "roots": [str(root)], "started": time.time() - 3600,
               "beat": time.time()}
    content.update(changes)
    (root / LEASE_NAME).write_text(json.dumps(content), encoding="utf-8")


def test_a_second_service_with_the_same_state_refuses_to_start(watchers: Callable[..., Watcher],
                                                              tmp_path: Path) -> None:
    root = make_root(tmp_path)
    first = watchers(root)
    first.start()

    text = refused(watchers(root))

    assert "er draait al een dienst met dezelfde statusdatabase" in text
    assert f"proces {first.pid}" in text
    assert (first.status() or {}).get("pid") == first.pid, "the refused service touched the heartbeat"
    still_serving(first, root, "Daarna")
    assert first.terminate() == 0
    assert not (root / LEASE_NAME).exists(), "the marker stays behind after a clean stop"


def test_a_second_service_with_its_own_state_refuses_by_the_marker_on_the_share(
        watchers: Callable[..., Watcher], own_state: Callable[[Path, str], Watcher], tmp_path: Path) -> None:
    root = make_root(tmp_path)
    first = watchers(root)
    first.start()
    assert json.loads((root / LEASE_NAME).read_text(encoding="utf-8"))["pid"] == first.pid

    text = refused(own_state(root, "tweede"))

    assert "deze map wordt al bewaakt door een andere dienst" in text
    assert f"computer {socket.gethostname()}, proces {first.pid}" in text
    assert "elke herinnering twee keer" in text
    assert not (tmp_path / "staat-tweede" / "state.sqlite").exists(), "the second service registered anything"
    still_serving(first, root, "Nog steeds")


def test_a_lease_left_by_a_killed_service_is_taken_over(watchers: Callable[..., Watcher], tmp_path: Path) -> None:
    root = make_root(tmp_path)
    first = watchers(root)
    first.start()
    first.kill()  # kill -9: no clean stop, the marker stays
    assert (root / LEASE_NAME).exists()

    second = watchers(root)
    second.start()

    assert "Verouderde claim" in second.log_text() and "overgenomen" in second.log_text()
    still_serving(second, root, "Na de crash")
    assert json.loads((root / LEASE_NAME).read_text(encoding="utf-8"))["pid"] == second.pid


def test_a_lease_on_another_computer_is_respected_until_its_heartbeat_is_old(
        watchers: Callable[..., Watcher], tmp_path: Path) -> None:
    root = make_root(tmp_path)
    marker(root)
    text = refused(watchers(root))
    assert "computer andere-server, proces 4242" in text

    marker(root, beat=time.time() - STALE_SECONDS - 60)
    taker = watchers(root)
    taker.start()
    assert "Verouderde claim" in taker.log_text()
    still_serving(taker, root, "Overgenomen")


def test_a_service_whose_root_is_taken_over_stops(watchers: Callable[..., Watcher], tmp_path: Path) -> None:
    root = make_root(tmp_path)
    first = watchers(root)
    first.start()
    marker(root)  # another service (on another computer) wrote its claim at the same moment

    assert first.process is not None
    assert first.process.wait(timeout=60) == 2, first.log_tail()
    assert "een andere dienst heeft de map" in first.log_text() and "deze dienst stopt" in first.log_text()
    first.wait_group_gone(deadline=30)


def test_the_heartbeat_writes_no_marker_into_a_root_whose_share_is_unmounted(tmp_path: Path) -> None:
    """A share mounted on the root that goes away leaves its empty mount point: the heartbeat must not put a
    marker there (it would land on the local disk, under where the share is mounted again)."""
    from toolbox_docs.service.lease import Lease

    root = tmp_path / "Participatie"
    root.mkdir()
    lease = Lease((root,), tmp_path / "state.db")
    lease.acquire()
    marker = root / LEASE_NAME
    assert marker.is_file()
    marker.unlink()  # what the mount point shows once the share is gone: an empty folder
    assert lease.renew(force=True, away=lambda folder: folder == root) is None
    assert not marker.exists(), "no marker written into the empty mount point"
    assert lease.renew(force=True) is None
    assert marker.is_file(), "back on the share, the heartbeat writes its marker again"
    lease.release()
