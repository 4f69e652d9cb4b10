"""When a file is ready: its size and modification time stood still for the stability delay and it
ends in a complete zip directory. A file that never becomes a zip (empty, a legacy .xls, a CSV) is taken
once it has stood still for a longer settle time, so that it still gets its clear message.

Everything here runs in the service's own process, which has no memory or time bound of its own, so it
reads at most the last 64 kB of a file: a zip with millions of members, or a file of gigabytes, costs the
loop nothing (the worker, which has bounds, looks at the members). Only regular files are looked at: a
symbolic link, a named pipe (whose opening could block forever) or a device is never ready (``GONE``).
"""

from __future__ import annotations

import os
import stat
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
_END = b"PK\x05\x06"  # end of central directory record
_END_SIZE = 22
_MAX_COMMENT = 0xFFFF
_ZIP64_LOCATOR = b"PK\x06\x07"
_CENTRAL = b"PK\x01\x02"


class FileState(Enum):
    """What ``Readiness.check`` says of a file."""

    READY = "ready"  # stood still and complete: process it now
    WAITING = "waiting"  # still being written, or not yet still for long enough: look again later
    GONE = "gone"  # deleted, or not a regular file (a link, a pipe, a folder): never processed


@dataclass
class _Seen:
    size: int
    mtime_ns: int
    since: float


def opens_as_zip(path: Path) -> bool:
    """Whether the file is a zip whose end record is in place and points at its central directory: what a
    zip writer writes last, so a file still being written does not pass. Reads at most 64 kB and 4 bytes."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError:
        return False
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size < _END_SIZE:
            return False
        size = info.st_size
        tail_start = max(0, size - _END_SIZE - _MAX_COMMENT)
        tail = os.pread(fd, size - tail_start, tail_start) if hasattr(os, "pread") else _read_at(fd, tail_start, size)
        at = tail.rfind(_END)
        while at >= 0:
            record = tail[at:at + _END_SIZE]
            if len(record) == _END_SIZE:
                entries, directory_size, directory_offset, comment = struct.unpack("<10xHIIH", record)
                if at + _END_SIZE + comment == len(tail) and entries:
                    if 0xFFFFFFFF in (directory_size, directory_offset) or entries == 0xFFFF:
                        return tail[max(0, at - 20):at - 16] == _ZIP64_LOCATOR  # zip64: the locator precedes
                    start = tail_start + at - directory_size  # as zipfile finds it (data may precede the zip)
                    if directory_offset <= start:
                        return _read_at(fd, start, start + 4) == _CENTRAL
            at = tail.rfind(_END, 0, at)
        return False
    except OSError:
        return False
    finally:
        os.close(fd)


def _read_at(fd: int, start: int, end: int) -> bytes:
    os.lseek(fd, start, os.SEEK_SET)
    chunks = []
    remaining = end - start
    while remaining > 0:
        chunk = os.read(fd, remaining)
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


class Readiness:
    """Remembers the size and modification time each file was last seen with, and since when.

    The clock is wall-clock seconds (``time.time`` in the service), because a file's modification time is:
    a file whose modification time is older than the delay has stood still that long already. Tests inject
    a clock and step it instead of sleeping.
    """

    def __init__(self, delay: float, *, clock: Callable[[], float] = time.time) -> None:
        self.delay = delay
        self.settle = max(5 * delay, 5.0)
        self.clock = clock
        self._seen: dict[Path, _Seen] = {}

    def forget(self, path: Path) -> None:
        self._seen.pop(path, None)

    def check(self, path: Path) -> FileState:
        """Ready, waiting or gone. Anything but a regular file (a link, a pipe, a folder) counts as
        'gone': it is never processed."""
        now = self.clock()
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            self.forget(path)
            return FileState.GONE
        except OSError:
            return FileState.WAITING
        if not stat.S_ISREG(info.st_mode):
            self.forget(path)
            return FileState.GONE
        seen = self._seen.get(path)
        if seen is None or (seen.size, seen.mtime_ns) != (info.st_size, info.st_mtime_ns):
            seen = self._seen[path] = _Seen(info.st_size, info.st_mtime_ns, now)
        stood = max(now - seen.since, now - info.st_mtime_ns / 1e9)
        if stood < self.delay:
            return FileState.WAITING
        if opens_as_zip(path) or stood >= self.settle:
            return FileState.READY
        return FileState.WAITING
