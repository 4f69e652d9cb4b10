"""File-system operations that keep the non-negotiables: nothing lost, nothing half-written, no link followed.

- ``Folder``: a folder on the share opened for the service's reads and writes, reached from a trusted base
  (a watched root, an output folder the admin chose) **without following a symbolic link** in any part of
  the path: each component is opened with ``O_NOFOLLOW | O_DIRECTORY`` relative to the one before
  (``openat``), and every read, write, backup, listing and removal happens relative to that open folder, so
  a folder swapped for a link after it was opened is not followed either. Before each write the folder is
  checked to still be the one at its place (device and inode, walked again from the base); a folder moved or
  replaced meanwhile ends the run with a ``WriteError`` (``moved``), nothing written. Where the platform
  has no ``dir_fd`` (Windows) the same checks are made on each component right before use;
- ``read_private_copy``: the bytes of a person's file, read once into memory (bounded), never modified;
  only a regular file is read (never a named pipe or device, which could block the reader forever), and
  with ``follow_symlinks=False`` never through a symbolic link;
- ``atomic_write``: temp file in the destination folder, flushed and checked, then ``os.replace``
  (retried briefly: on Windows another process may hold the file for a moment); for places the admin
  chose (the state folder, the register at a root), not for project folders (``Folder.write``);
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
from typing import BinaryIO

from toolbox_docs.errors import FolderError, WorkbookError, WriteError

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
    except OSError as error:
        raise _read_error(error, path) from None
    return _read_fd(fd, path, max_bytes)


def _read_error(error: OSError, path: Path) -> WorkbookError:
    if isinstance(error, FileNotFoundError):
        return WorkbookError("gone", "Het bestand bestaat niet (meer).", path=path)
    if isinstance(error, PermissionError):
        return WorkbookError("no-access", "Het bestand kan niet gelezen worden: geen toegang.", path=path)
    if isinstance(error, IsADirectoryError):
        return WorkbookError("not-a-file", "Dit is een map, geen bestand.", path=path)
    if error.errno == errno.ELOOP:
        return WorkbookError("not-a-file", _LINK_MESSAGE, path=path)
    return WorkbookError("read-failed", f"Het bestand kan niet gelezen worden ({error.strerror}).", path=path)


def _read_fd(fd: int, path: Path, max_bytes: int) -> bytes:
    """Read an open file (closing it): only a regular file, at most ``max_bytes``."""
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
    if error.errno == errno.ELOOP:
        return "link", "op deze plek staat een snelkoppeling; de toolbox volgt geen koppelingen"
    return "write-failed", error.strerror or str(error)


def temp_name() -> str:
    return f"{TEMP_PREFIX}{secrets.token_hex(6)}{TEMP_SUFFIX}"


def atomic_write(target: Path, data: bytes, *, check: Callable[[Path], None] | None = None) -> None:
    """Write ``data`` to ``target`` so that readers see the old file or the whole new one, never a part.
    For places the admin chose (state folder, register); project folders are written with ``Folder.write``."""
    temp = target.parent / temp_name()
    try:
        with temp.open("xb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if check is not None:
            check(temp)
        _replace(lambda: os.replace(temp, target))
        _fsync_folder(target.parent)
    except OSError as error:
        code, text = _reason(error)
        raise WriteError(f"kon niet schrijven: {text}.", path=target, reason=code) from None
    finally:
        if temp.exists():
            with contextlib.suppress(OSError):
                temp.unlink()


def _replace(rename: Callable[[], None]) -> None:
    for attempt in range(_REPLACE_ATTEMPTS):
        try:
            rename()
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


# --- a folder reached without links ---------------------------------------------------------------------

# openat(2) and friends: every operation relative to an open folder. Not on Windows (no dir_fd there).
_AT = ({os.open, os.stat, os.mkdir, os.unlink, os.rename, os.utime} <= os.supports_dir_fd
       and os.scandir in os.supports_fd)
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)
_REPARSE_POINT = getattr(stat, "FILE_ATTRIBUTE_REPARSE_POINT", 0x400)


def _is_link(info: os.stat_result) -> bool:
    return stat.S_ISLNK(info.st_mode) or bool(getattr(info, "st_file_attributes", 0) & _REPARSE_POINT)


def _parts_below(folder: Path, base: Path) -> tuple[str, ...]:
    """The names from ``base`` down to ``folder`` (lexically, links not resolved); FolderError outside."""
    try:
        relative = Path(os.path.abspath(folder)).relative_to(os.path.abspath(base))
    except ValueError:
        raise FolderError("outside", "deze map ligt buiten de bewaakte map.", path=folder) from None
    parts = relative.parts
    if any(part in ("..", ".") for part in parts):
        raise FolderError("outside", "deze map ligt buiten de bewaakte map.", path=folder)
    return parts


def _folder_error(error: OSError, path: Path) -> FolderError:
    if error.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
        return FolderError("link", "een map op het pad is een snelkoppeling (of geen map); de toolbox volgt geen "
                           "koppelingen en schrijft daar niets.", path=path)
    if isinstance(error, FileNotFoundError):
        return FolderError("gone", "de map bestaat niet (meer).", path=path)
    if isinstance(error, PermissionError):
        return FolderError("no-access", "de dienst heeft geen toegang tot deze map.", path=path)
    return FolderError("unreadable", f"de map kan niet geopend worden ({error.strerror}).", path=path)


class Folder:
    """A folder opened without following links from ``base`` (which is trusted as it is). Use as a
    context manager, or ``close()``. Names passed to the methods are plain file names in this folder."""

    def __init__(self, path: Path, base: Path, fd: int | None, identity: tuple[int, int]) -> None:
        self.path = path
        self.base = base
        self._fd = fd
        self._identity = identity

    @classmethod
    def open(cls, folder: Path, *, base: Path | None = None) -> Folder:
        """Open ``folder``; each part below ``base`` (default: the folder itself) must be a real folder,
        not a link. Raises ``FolderError``."""
        base = folder if base is None else base
        parts = _parts_below(folder, base)
        path = Path(os.path.abspath(folder))
        if not _AT:
            identity = _walk_checked(Path(os.path.abspath(base)), parts, path)
            return cls(path, Path(os.path.abspath(base)), None, identity)
        fd = _walk(base, parts, path)
        info = os.fstat(fd)
        return cls(path, Path(os.path.abspath(base)), fd, (info.st_dev, info.st_ino))

    def __enter__(self) -> Folder:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)

    def at(self, name: str) -> Path:
        return self.path / name

    def _name(self, name: str) -> str | Path:
        """What the os functions get: the bare name with ``dir_fd``, else the full path (after a check)."""
        if os.sep in name or (os.altsep and os.altsep in name) or name in ("", ".", ".."):
            raise FolderError("outside", "een bestandsnaam met een mapscheidingsteken.", path=self.path / name)
        if self._fd is not None:
            return name
        self.verify()
        return self.path / name

    def _dir(self) -> dict[str, int]:
        return {"dir_fd": self._fd} if self._fd is not None else {}

    def still_in_place(self) -> bool:
        """Whether the folder at its place (walked again from the base, without links) is this one."""
        try:
            if not _AT:
                return _walk_checked(self.base, _parts_below(self.path, self.base), self.path) == self._identity
            fd = _walk(self.base, _parts_below(self.path, self.base), self.path)
        except FolderError:
            return False
        try:
            info = os.fstat(fd)
        finally:
            os.close(fd)
        return (info.st_dev, info.st_ino) == self._identity

    def verify(self) -> None:
        """``WriteError('moved')`` unless the folder is still the one at its place."""
        if not self.still_in_place():
            raise WriteError("de map is tijdens de verwerking verplaatst, verwijderd of vervangen (bijvoorbeeld "
                             "door een snelkoppeling); er is niets geschreven.", path=self.path, reason="moved")

    # reading

    def _open_for_reading(self, name: str) -> int:
        path = self.at(name)
        try:
            return os.open(self._name(name), _READ_FLAGS | _NOFOLLOW, **self._dir())
        except (FolderError, WriteError) as error:
            raise WorkbookError("not-a-file", error.message, path=path) from None
        except OSError as error:
            raise _read_error(error, path) from None

    def read(self, name: str, *, max_bytes: int) -> bytes:
        """The bytes of a regular file in this folder (never through a link); ``WorkbookError`` otherwise."""
        return _read_fd(self._open_for_reading(name), self.at(name), max_bytes)

    def open_binary(self, name: str) -> BinaryIO:
        """A regular file here opened for reading (never through a link); ``WorkbookError`` otherwise."""
        path = self.at(name)
        fd = self._open_for_reading(name)
        stream = os.fdopen(fd, "rb")
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            stream.close()
            raise WorkbookError("not-a-file", "Dit is geen gewoon bestand.", path=path)
        return stream

    def lstat(self, name: str) -> os.stat_result | None:
        """What stands at ``name`` (the link itself, never its target); None when nothing does."""
        try:
            return os.stat(self._name(name), follow_symlinks=False, **self._dir())
        except (OSError, ValueError, FolderError, WriteError):
            return None  # absent, a name the file system cannot hold, or (without dir_fd) the folder moved

    def names(self) -> list[str]:
        """The names in the folder, sorted; [] when it cannot be listed."""
        try:
            if self._fd is not None:
                with os.scandir(self._fd) as entries:
                    return sorted(entry.name for entry in entries)
            self.verify()
            return sorted(os.listdir(self.path))
        except (OSError, WriteError):
            return []

    def regular(self, name: str) -> bool:
        info = self.lstat(name)
        return info is not None and stat.S_ISREG(info.st_mode) and not _is_link(info)

    def existing(self, name: str) -> os.stat_result | None:
        """What stands where an output goes: None for nothing, the ``lstat`` of a regular file, and a
        ``WriteError`` for anything we must not read through or replace (a symbolic link, which could point
        outside the share; a folder; a device)."""
        info = self.lstat(name)
        if info is None:
            return None
        if not stat.S_ISREG(info.st_mode) or _is_link(info):
            what = "een snelkoppeling (symbolische link)" if _is_link(info) else \
                "een map" if stat.S_ISDIR(info.st_mode) else "geen gewoon bestand"
            raise WriteError(f"op deze plek staat {what}; de toolbox vervangt dat niet. Verwijder het of geef "
                             "het een andere naam.", path=self.at(name), reason="not-a-file")
        return info

    def read_existing(self, name: str, *, max_bytes: int) -> bytes:
        """The bytes of an existing regular output file (not through a link); ``WriteError`` if unreadable."""
        try:
            return self.read(name, max_bytes=max_bytes)
        except WorkbookError as error:
            raise WriteError(f"kon het bestaande bestand niet lezen: {error.message}", path=self.at(name),
                             reason=error.code) from None

    def owner_file(self, name: str) -> str | None:
        """The ``~$`` owner file Word/Excel keeps while ``name`` is open, if present (anything by that name
        counts: a folder or a link as well; a name too long to exist cannot be there)."""
        suffix = Path(name).suffix
        for candidate in sorted({f"~${name}", f"~${name[1:]}", f"~${name[2:]}"}):
            if len(candidate) > 2 + len(suffix) and self.lstat(candidate) is not None:
                return candidate
        return None

    def age_seconds(self, name: str, *, now: float) -> float | None:
        info = self.lstat(name)
        return None if info is None else now - info.st_mtime

    # writing

    def write(self, name: str, data: bytes, *, check: bool = True) -> None:
        """Write ``data`` as ``name`` atomically: a temp file created here (``O_EXCL``, never through a
        planted name), flushed, read back when ``check``, then renamed over ``name``."""
        self.verify()
        temp = temp_name()
        target = self.at(name)
        created = False
        try:
            fd = os.open(self._name(temp), os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW
                         | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0), 0o666, **self._dir())
            created = True
            with os.fdopen(fd, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            if check:
                back = os.open(self._name(temp), _READ_FLAGS | _NOFOLLOW, **self._dir())
                with os.fdopen(back, "rb") as stream:
                    if stream.read(len(data) + 1) != data:
                        raise OSError(errno.EIO, "het geschreven bestand wijkt af van wat geschreven moest worden")
            self.verify()
            _replace(lambda: os.rename(self._name(temp), self._name(name), src_dir_fd=self._fd,
                                       dst_dir_fd=self._fd) if self._fd is not None
                     else os.replace(self._name(temp), self._name(name)))
            created = False
            self._fsync()
        except OSError as error:
            code, text = _reason(error)
            raise WriteError(f"kon niet schrijven: {text}.", path=target, reason=code) from None
        finally:
            if created:
                with contextlib.suppress(OSError, FolderError, WriteError):
                    os.unlink(self._name(temp), **self._dir())

    def _fsync(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.fsync(self._fd)
        else:
            _fsync_folder(self.path)

    def remove(self, name: str) -> None:
        """Remove a file of ours (raises ``FileNotFoundError`` when it is not there, ``OSError`` otherwise)."""
        os.unlink(self._name(name), **self._dir())

    def rename(self, old: str, new: str) -> None:
        """Rename within this folder; ``FileExistsError`` when ``new`` exists (never replaces anything)."""
        if self.lstat(new) is not None:
            raise FileExistsError(errno.EEXIST, "bestaat al", str(self.at(new)))
        if self._fd is not None:
            os.rename(old, new, src_dir_fd=self._fd, dst_dir_fd=self._fd)
        else:
            os.rename(self._name(old), self._name(new))

    def backup(self, name: str, *, now: dt.datetime) -> Path | None:
        """Copy ``name`` into ``Vorige versies/`` here (timestamped) before it is replaced or moved."""
        if self.lstat(name) is None:
            return None
        stem, suffix = os.path.splitext(name)
        stamp = now.strftime("%Y-%m-%d %H%M%S")
        try:
            self.verify()
            with contextlib.suppress(FileExistsError):
                os.mkdir(self._name(BACKUP_FOLDER), **self._dir())
            try:
                backups = Folder.open(self.path / BACKUP_FOLDER, base=self.path) if self._fd is None else \
                    self._child(BACKUP_FOLDER)
            except FolderError:
                raise WriteError(f"'{BACKUP_FOLDER}' is geen gewone map (maar bijvoorbeeld een snelkoppeling); er "
                                 "is geen reservekopie gemaakt en het bestand is niet vervangen.", path=self.at(name),
                                 reason="not-a-file") from None
            with backups:
                for counter in range(1, 1000):
                    candidate = f"{stem} ({stamp}){suffix}" if counter == 1 else f"{stem} ({stamp}-{counter}){suffix}"
                    try:
                        self._copy_into(name, backups, candidate)
                        return backups.at(candidate)
                    except FileExistsError:
                        continue
                raise OSError(errno.EEXIST, "te veel reservekopieën met dezelfde tijd")
        except OSError as error:
            code, text = _reason(error)
            raise WriteError(f"kon geen reservekopie maken: {text}; het bestand is niet vervangen.",
                             path=self.at(name), reason=code) from None

    def _child(self, name: str) -> Folder:
        assert self._fd is not None
        try:
            fd = os.open(name, _DIR_FLAGS | _NOFOLLOW, dir_fd=self._fd)
        except OSError as error:
            raise _folder_error(error, self.at(name)) from None
        info = os.fstat(fd)
        return Folder(self.at(name), self.path, fd, (info.st_dev, info.st_ino))

    def _copy_into(self, name: str, target: Folder, new: str) -> None:
        """Copy a regular file to a name in ``target`` that must not exist yet (``O_EXCL``: never through a
        link planted there), with its times; a partial copy is removed."""
        out = os.open(target._name(new), os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | getattr(os, "O_BINARY", 0),
                      0o666, **target._dir())
        try:
            source = os.open(self._name(name), _READ_FLAGS | _NOFOLLOW, **self._dir())
            with os.fdopen(out, "wb") as sink, os.fdopen(source, "rb") as src:
                info = os.fstat(src.fileno())
                if not stat.S_ISREG(info.st_mode):
                    raise OSError(errno.EINVAL, "geen gewoon bestand")
                shutil.copyfileobj(src, sink, 1024 * 1024)
                sink.flush()
                os.fsync(sink.fileno())
                if os.utime in os.supports_fd:
                    os.utime(sink.fileno(), ns=(info.st_atime_ns, info.st_mtime_ns))
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(target._name(new), **target._dir())
            raise


def _walk(base: Path, parts: tuple[str, ...], path: Path) -> int:
    """An open fd of ``base``/``parts``, each part opened relative to the one before without following links."""
    try:
        fd = os.open(base, _DIR_FLAGS)
    except OSError as error:
        raise _folder_error(error, base) from None
    for part in parts:
        try:
            child = os.open(part, _DIR_FLAGS | _NOFOLLOW, dir_fd=fd)
        except OSError as error:
            os.close(fd)
            raise _folder_error(error, path) from None
        os.close(fd)
        fd = child
    return fd


def _walk_checked(base: Path, parts: tuple[str, ...], path: Path) -> tuple[int, int]:
    """Without ``dir_fd``: ``lstat`` each part right before use; the identity of the folder reached."""
    current = base
    try:
        info = os.stat(base)
        for part in parts:
            current = current / part
            info = os.lstat(current)
            if _is_link(info) or not stat.S_ISDIR(info.st_mode):
                raise OSError(errno.ELOOP, "link")
    except OSError as error:
        raise _folder_error(error, path) from None
    return info.st_dev, info.st_ino


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


