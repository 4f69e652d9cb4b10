"""When a file is ready: its size and modification time stood still for the stability delay and it
opens as a complete zip. A file that never becomes a zip (empty, a legacy .xls, a CSV) is taken once it
has stood still for a longer settle time, so that it still gets its clear message.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from pathlib import Path


@dataclass
class _Seen:
    size: int
    mtime_ns: int
    since: float


def opens_as_zip(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return bool(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, KeyError, OverflowError):
        return False


class Readiness:
    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.settle = max(5 * delay, 5.0)
        self._seen: dict[Path, _Seen] = {}

    def forget(self, path: Path) -> None:
        self._seen.pop(path, None)

    def check(self, path: Path, now: float) -> str:
        """'ready', 'waiting' or 'gone'. ``now`` is wall-clock time (``time.time()``): a file whose
        modification time is older than the delay has stood still that long already."""
        try:
            info = os.stat(path)
        except FileNotFoundError:
            self.forget(path)
            return "gone"
        except OSError:
            return "waiting"
        seen = self._seen.get(path)
        if seen is None or (seen.size, seen.mtime_ns) != (info.st_size, info.st_mtime_ns):
            seen = self._seen[path] = _Seen(info.st_size, info.st_mtime_ns, now)
        stood = max(now - seen.since, now - info.st_mtime_ns / 1e9)
        if stood < self.delay:
            return "waiting"
        if opens_as_zip(path) or stood >= self.settle:
            return "ready"
        return "waiting"
