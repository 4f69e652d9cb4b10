"""The worker rewrites the register once per quiet moment, not once per file (``RegisterExport``).

The watcher tests show the effect end to end (a burst of 200 files ends with all 200 in the register;
after kill -9 and a restart every project is in it); these pin down the rules themselves."""

from __future__ import annotations

import pytest

from toolbox_docs.service import worker
from toolbox_docs.service.worker import RegisterExport


def counting() -> tuple[list[int], RegisterExport]:
    calls: list[int] = []
    return calls, RegisterExport(lambda: calls.append(1))


def test_many_changes_give_one_export_and_a_clean_register_none() -> None:
    calls, register = counting()
    for _ in range(50):
        register.changed()
    register.flush()
    register.flush()
    assert calls == [1]
    assert not register.dirty


def test_a_long_burst_exports_once_the_register_is_stale(monkeypatch: pytest.MonkeyPatch) -> None:
    calls, register = counting()
    register.changed()
    assert not register.due(), "just started: not stale yet"
    monkeypatch.setattr(worker, "REGISTER_STALE_SECONDS", 0.0)
    assert register.due()
    register.flush()
    assert calls == [1]
    assert not register.due(), "nothing changed since the export"


def test_an_export_that_must_wait_for_a_share_stays_due() -> None:
    """The exporter answers False while a share mounted on a root is gone: the register stays dirty, so the
    export happens once the share is back (the worker tries again when idle)."""
    answers = [False, True]
    register = RegisterExport(lambda: answers.pop(0))
    register.changed()
    register.flush()
    assert register.dirty and answers == [True]
    register.flush()
    assert not register.dirty and answers == []


def test_a_failing_export_never_takes_the_worker_down() -> None:
    def broken() -> None:
        raise OSError("de schijf is vol")

    register = RegisterExport(broken)
    register.changed()
    register.flush()  # logged, not raised
    assert not register.dirty


def test_without_watched_roots_there_is_nothing_to_export() -> None:
    register = RegisterExport(None)
    register.changed()
    assert not register.dirty
    register.flush()
