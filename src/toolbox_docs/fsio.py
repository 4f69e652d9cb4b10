"""File-system operations that keep the non-negotiables: nothing lost, nothing half-written.

- ``read_private_copy``: the bytes of a person's file, read once into memory (bounded), never modified;
- ``atomic_write``: temp file in the destination folder, flushed and checked, then ``os.replace``
  (retried briefly: on Windows another process may hold the file for a moment);
- ``owner_file``: the ``~$…`` file Word or Excel keeps beside a document that is open;
- ``keep_backup``: a copy of a file in ``Vorige versies/`` before it is replaced.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import os
import secrets
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from toolbox_docs.errors import ToolboxError, WorkbookError

TEMP_PREFIX = ".~toolbox-"
TEMP_SUFFIX = ".tmp"
BACKUP_FOLDER = "Vorige versies"
_REPLACE_ATTEMPTS = 6


class WriteError(ToolboxError):
    """An output could not be written (folder read-only, disk full, file locked)."""

    def __init__(self, message: str, *, path: Path, reason: str) -> None:
        super().__init__(message, path=path)
        self.reason = reason


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_private_copy(path: Path, *, max_bytes: int) -> bytes:
    """The file's bytes, read once; a file larger than ``max_bytes`` is refused without reading it all."""
    try:
        with path.open("rb") as stream:
            size = os.fstat(stream.fileno()).st_size
            if size > max_bytes:
                raise WorkbookError("too-large", f"Het bestand is {size // 2**20} MB; meer dan "
                                    f"{max_bytes // 2**20} MB verwerken we niet.", path=path)
            data = stream.read(max_bytes + 1)
    except FileNotFoundError:
        raise WorkbookError("gone", "Het bestand bestaat niet (meer).", path=path) from None
    except PermissionError:
        raise WorkbookError("no-access", "Het bestand kan niet gelezen worden: geen toegang.", path=path) from None
    except IsADirectoryError:
        raise WorkbookError("not-a-file", "Dit is een map, geen bestand.", path=path) from None
    except OSError as error:
        raise WorkbookError("read-failed", f"Het bestand kan niet gelezen worden ({error.strerror}).",
                            path=path) from None
    if len(data) > max_bytes:
        raise WorkbookError("too-large", f"Het bestand is groter dan {max_bytes // 2**20} MB.", path=path)
    return data


def _reason(error: OSError) -> tuple[str, str]:
    if error.errno == errno.ENOSPC:
        return "disk-full", "de schijf is vol"
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "no-access", "geen schrijfrechten in deze map"
    if error.errno == errno.ENAMETOOLONG:
        return "name-too-long", "de bestandsnaam of het pad is te lang"
    if error.errno == errno.ENOENT:
        return "gone", "de map bestaat niet (meer)"
    return "write-failed", error.strerror or str(error)


def temp_path_for(target: Path) -> Path:
    return target.parent / f"{TEMP_PREFIX}{secrets.token_hex(6)}{TEMP_SUFFIX}"


def atomic_write(target: Path, data: bytes, *, check: Callable[[Path], None] | None = None) -> None:
    """Write ``data`` to ``target`` so that readers see the old file or the whole new one, never a part."""
    temp = temp_path_for(target)
    try:
        with temp.open("xb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if check is not None:
            check(temp)
        _replace(temp, target)
        _fsync_folder(target.parent)
    except OSError as error:
        code, text = _reason(error)
        raise WriteError(f"kon niet schrijven: {text}.", path=target, reason=code) from None
    finally:
        if temp.exists():
            with contextlib.suppress(OSError):
                temp.unlink()


def _replace(temp: Path, target: Path) -> None:
    for attempt in range(_REPLACE_ATTEMPTS):
        try:
            os.replace(temp, target)
            return
        except PermissionError:
            if attempt == _REPLACE_ATTEMPTS - 1:
                raise
            time.sleep(0.05 * 2**attempt)


def _fsync_folder(folder: Path) -> None:
    if os.name == "nt":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def owner_file(path: Path) -> Path | None:
    """The ``~$`` owner file Word/Excel keeps while ``path`` is open, if present."""
    name = path.name
    for candidate in {f"~${name}", f"~${name[1:]}", f"~${name[2:]}"}:
        owner = path.parent / candidate
        if len(candidate) > 2 + len(path.suffix) and owner.exists():
            return owner
    return None


def is_temp_or_owner(path: Path) -> bool:
    name = path.name
    return name.startswith(("~$", TEMP_PREFIX, ".~")) or name.endswith((".tmp", ".TMP"))


def keep_backup(path: Path, *, now: dt.datetime) -> Path | None:
    """Copy ``path`` into ``Vorige versies/`` beside it (timestamped) before it is replaced."""
    if not path.exists():
        return None
    folder = path.parent / BACKUP_FOLDER
    stamp = now.strftime("%Y-%m-%d %H%M%S")
    backup = folder / f"{path.stem} ({stamp}){path.suffix}"
    try:
        folder.mkdir(exist_ok=True)
        counter = 1
        while backup.exists():
            counter += 1
            backup = folder / f"{path.stem} ({stamp}-{counter}){path.suffix}"
        shutil.copy2(path, backup)
    except OSError as error:
        code, text = _reason(error)
        raise WriteError(f"kon geen reservekopie maken: {text}; het bestand is niet vervangen.", path=path,
                         reason=code) from None
    return backup
