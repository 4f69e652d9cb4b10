"""The heartbeat file: the service writes what it is doing every few seconds; ``toolbox-docs status`` reads it.

It lives beside the state database (``status.json``) and is written atomically.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from toolbox_docs.errors import WriteError
from toolbox_docs.settings import Settings
from toolbox_docs.share.fsio import atomic_write

BEAT_SECONDS = 2.0
STALE_SECONDS = 30.0


def status_path(settings: Settings) -> Path:
    return settings.state_db.parent / "status.json"


def write_status(path: Path, data: dict[str, Any]) -> None:
    with contextlib.suppress(WriteError):  # the heartbeat must never stop the service
        atomic_write(path, json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"))


def read_status(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if os.name == "nt":  # pragma: no cover
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_alive(data: dict[str, Any], *, now: float | None = None) -> bool:
    now = time.time() if now is None else now
    if data.get("state") != "running":
        return False
    return now - float(data.get("beat", 0)) <= STALE_SECONDS and pid_alive(int(data.get("pid", 0)))


_OUTCOME_ORDER = ("verwerkt", "afgekeurd", "uitgesteld", "mislukt", "genegeerd")


def counts_text(counts: Mapping[str, int]) -> str:
    """What the service did, for people: "41 verwerkt, 2 afgekeurd"; "nog niets" when nothing."""
    def order(item: tuple[str, int]) -> tuple[int, str]:
        name = item[0]
        return (_OUTCOME_ORDER.index(name) if name in _OUTCOME_ORDER else len(_OUTCOME_ORDER), name)

    return ", ".join(f"{number} {name}" for name, number in sorted(counts.items(), key=order) if number) \
        or "nog niets"
