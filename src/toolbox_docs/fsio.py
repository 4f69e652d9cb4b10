"""File-system operations that keep the non-negotiables: nothing lost, nothing half-written.

- ``read_private_copy``: the bytes of a person's file, read once into memory (bounded), never modified;
  only a regular file is read (never a named pipe or device, which could block the reader forever), and
  with ``follow_symlinks=False`` never through a symbolic link;
- ``atomic_write``: temp file in the destination folder, flushed and checked, then ``os.replace``
  (retried briefly: on Windows another process may hold the file for a moment);
- ``existing_output``: what stands at an output's place before it is replaced: nothing, a regular
  file, or something we refuse to read through or replace (a link, a folder, a device);
- ``owner_file``: the ``~$…`` file Word or Excel keeps beside a document that is open;
- ``keep_backup``: a copy of a file in ``Vorige versies/`` before it is replaced;
- ``names_fit``: whether file names and paths stay within what the file system allows.

The share is written by many people and programs, so every ``OSError`` here becomes a ``WorkbookError``
(reading) or a ``WriteError`` (writing) with a Dutch reason; nothing else escapes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import os
import secrets
import shutil
import stat
import time
from collections.abc import Callable
from pathlib import Path

from toolbox_docs.errors import ToolboxError, WorkbookError

TEMP_PREFIX = ".~toolbox-"
TEMP_SUFFIX = ".tmp"
BACKUP_FOLDER = "Vorige versies"
_REPLACE_ATTEMPTS = 6
# Open flags for reading a file from the share: never block on a named pipe (O_NONBLOCK has no effect on
# a regular file), binary on Windows. O_NOFOLLOW is added when links must not be followed.
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
# Fallbacks where the file system cannot be asked (Windows): NTFS/SMB names, and the classic MAX_PATH.
_NAME_MAX = 255
_PATH_MAX = 4096 if os.name != "nt" else 259


class WriteError(ToolboxError):
    """An output could not be written (folder read-only, disk full, file locked)."""

    def __init__(self, message: str, *, path: Path, reason: str) -> None:
        super().__init__(message, path=path)
        self.reason = reason


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_private_copy(path: Path, *, max_bytes: int, follow_symlinks: bool = True) -> bytes:
    """The file's bytes, read once; a file larger than ``max_bytes`` is refused without reading it all.

    Only a regular file is read: a named pipe, a device or a folder is refused without blocking. With
    ``follow_symlinks=False`` a symbolic link is refused too (the service never reads through one: it
    could point at a file outside the watched folder that the person who made it may not read)."""
    flags = _READ_FLAGS | (0 if follow_symlinks else _NOFOLLOW)
    try:
        if not follow_symlinks and path.is_symlink():
            raise WorkbookError("not-a-file", _LINK_MESSAGE, path=path)
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise WorkbookError("gone", "Het bestand bestaat niet (meer).", path=path) from None
    except PermissionError:
        raise WorkbookError("no-access", "Het bestand kan niet gelezen worden: geen toegang.", path=path) from None
    except IsADirectoryError:
        raise WorkbookError("not-a-file", "Dit is een map, geen bestand.", path=path) from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise WorkbookError("not-a-file", _LINK_MESSAGE, path=path) from None
        raise WorkbookError("read-failed", f"Het bestand kan niet gelezen worden ({error.strerror}).",
                            path=path) from None
    try:
        with os.fdopen(fd, "rb") as stream:
            info = os.fstat(stream.fileno())
            if stat.S_ISDIR(info.st_mode):
                raise WorkbookError("not-a-file", "Dit is een map, geen bestand.", path=path)
            if not stat.S_ISREG(info.st_mode):
                raise WorkbookError("not-a-file", "Dit is geen gewoon bestand (maar bijvoorbeeld een apparaat of "
                                    "een 'named pipe'); de toolbox leest het niet.", path=path)
            if info.st_size > max_bytes:
                raise WorkbookError("too-large", f"Het bestand is {info.st_size // 2**20} MB; meer dan "
                                    f"{max_bytes // 2**20} MB verwerken we niet.", path=path)
            data = stream.read(max_bytes + 1)
    except OSError as error:
        raise WorkbookError("read-failed", f"Het bestand kan niet gelezen worden ({error.strerror}).",
                            path=path) from None
    if len(data) > max_bytes:
        raise WorkbookError("too-large", f"Het bestand is groter dan {max_bytes // 2**20} MB.", path=path)
    return data


_LINK_MESSAGE = ("Dit is een snelkoppeling (symbolische link), geen gewoon bestand. De toolbox volgt geen "
                 "koppelingen; zet het werkboek zelf in de map.")


def _reason(error: OSError) -> tuple[str, str]:
    if error.errno == errno.ENOSPC:
        return "disk-full", "de schijf is vol"
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "no-access", "geen schrijfrechten in deze map"
    if error.errno == errno.ENAMETOOLONG:
        return "name-too-long", "de bestandsnaam of het pad is te lang"
    if error.errno == errno.ENOENT:
        return "gone", "de map bestaat niet (meer)"
    if error.errno == getattr(errno, "EDQUOT", -1):
        return "disk-full", "de schijfruimte (quotum) is op"
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
    """The ``~$`` owner file Word/Excel keeps while ``path`` is open, if present (anything by that name
    counts: a folder or a link as well; a name too long to exist cannot be there)."""
    name = path.name
    for candidate in {f"~${name}", f"~${name[1:]}", f"~${name[2:]}"}:
        owner = path.parent / candidate
        if len(candidate) > 2 + len(path.suffix) and _lexists(owner):
            return owner
    return None


def _lexists(path: Path) -> bool:
    try:
        os.lstat(path)
    except OSError:  # absent, or a name the file system cannot hold (then it is absent too)
        return False
    return True


def age_seconds(path: Path, *, now: float) -> float | None:
    """Seconds since ``path`` (not what it may link to) was last modified; None when it is gone."""
    try:
        return now - os.lstat(path).st_mtime
    except OSError:
        return None


def existing_output(path: Path) -> os.stat_result | None:
    """What stands where an output goes: None for nothing, the ``lstat`` of a regular file, and a
    ``WriteError`` for anything we must not read through or replace (a symbolic link, which could point
    outside the share; a folder; a device) or cannot look at."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as error:
        code, text = _reason(error)
        raise WriteError(f"kon het bestaande bestand niet bekijken: {text}.", path=path, reason=code) from None
    if not stat.S_ISREG(info.st_mode):
        what = "een snelkoppeling (symbolische link)" if stat.S_ISLNK(info.st_mode) else \
            "een map" if stat.S_ISDIR(info.st_mode) else "geen gewoon bestand"
        raise WriteError(f"op deze plek staat {what}; de toolbox vervangt dat niet. Verwijder het of geef "
                         "het een andere naam.", path=path, reason="not-a-file")
    return info


def read_existing(path: Path, *, max_bytes: int) -> bytes:
    """The bytes of an existing regular output file (not through a link); ``WriteError`` if unreadable."""
    try:
        return read_private_copy(path, max_bytes=max_bytes, follow_symlinks=False)
    except WorkbookError as error:
        raise WriteError(f"kon het bestaande bestand niet lezen: {error.message}", path=path,
                         reason=error.code) from None


def names_fit(paths: list[Path]) -> bool:
    """Whether every path's name and whole length stay within what its folder's file system allows
    (NAME_MAX and PATH_MAX in bytes of the file-system encoding; Windows' limits where it cannot tell)."""
    for path in paths:
        name_max, path_max = _limits(path.parent)
        if len(os.fsencode(path.name)) > name_max or len(os.fsencode(os.path.abspath(path))) >= path_max:
            return False
    return True


def _limits(folder: Path) -> tuple[int, int]:
    pathconf = getattr(os, "pathconf", None)
    if pathconf is None:
        return _NAME_MAX, _PATH_MAX
    found = [_NAME_MAX, _PATH_MAX]
    for index, key in enumerate(("PC_NAME_MAX", "PC_PATH_MAX")):
        probe = folder
        while True:  # ask the nearest folder that exists: an output folder may not exist yet
            try:
                value = pathconf(probe, key)
            except (OSError, ValueError):
                if probe.parent == probe:
                    break
                probe = probe.parent
                continue
            if value and value > 0:
                found[index] = value
            break
    return found[0], found[1]


def is_temp_or_owner(path: Path) -> bool:
    name = path.name
    return name.startswith(("~$", TEMP_PREFIX, ".~")) or name.endswith((".tmp", ".TMP"))


def keep_backup(path: Path, *, now: dt.datetime) -> Path | None:
    """Copy ``path`` into ``Vorige versies/`` beside it (timestamped) before it is replaced."""
    if not _lexists(path):
        return None
    folder = path.parent / BACKUP_FOLDER
    stamp = now.strftime("%Y-%m-%d %H%M%S")
    backup = folder / f"{path.stem} ({stamp}){path.suffix}"
    try:
        folder.mkdir(exist_ok=True)
        if not stat.S_ISDIR(os.lstat(folder).st_mode):  # a link named like the folder could lead anywhere
            raise WriteError(f"'{BACKUP_FOLDER}' is geen gewone map (maar bijvoorbeeld een snelkoppeling); er is "
                             "geen reservekopie gemaakt en het bestand is niet vervangen.", path=path,
                             reason="not-a-file")
        for counter in range(1, 1000):
            if counter > 1:
                backup = folder / f"{path.stem} ({stamp}-{counter}){path.suffix}"
            try:
                _copy_to_new(path, backup)
                break
            except FileExistsError:
                continue
        else:
            raise OSError(errno.EEXIST, "te veel reservekopieën met dezelfde tijd")
    except OSError as error:
        code, text = _reason(error)
        raise WriteError(f"kon geen reservekopie maken: {text}; het bestand is niet vervangen.", path=path,
                         reason=code) from None
    return backup


def _copy_to_new(source: Path, target: Path) -> None:
    """Copy a regular file to a name that must not exist yet (``O_EXCL``: never through a link planted
    there), with its times; a partial copy is removed."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as out, os.fdopen(os.open(source, _READ_FLAGS | _NOFOLLOW), "rb") as src:
            shutil.copyfileobj(src, out, 1024 * 1024)
            out.flush()
            os.fsync(out.fileno())
        shutil.copystat(source, target, follow_symlinks=False)
    except BaseException:
        with contextlib.suppress(OSError):
            target.unlink()
        raise
