"""Putting a generated file in place without losing anything.

- a document open in Word or Excel (owner file ``~$…`` beside it) is not touched: the step is deferred;
- identical content is not rewritten (compared by the content of the zip members, not zip metadata);
- a file that a person edited since we wrote it (its digest differs from the one we remembered), or
  that we never wrote, is first copied to ``Vorige versies/``;
- a file that must be created only once (the evaluation workbook) is kept when it exists;
- writing is atomic (``fsio.atomic_write``) and the digest of what we wrote is remembered.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from toolbox_docs.fsio import atomic_write, keep_backup, owner_file, sha256
from toolbox_docs.state import State


class Did(StrEnum):
    CREATED = "aangemaakt"
    UPDATED = "bijgewerkt"
    UNCHANGED = "ongewijzigd"
    KEPT = "bewaard"
    DEFERRED = "uitgesteld"
    REMOVED = "verwijderd"
    SKIPPED = "overgeslagen"


@dataclass(frozen=True)
class Action:
    path: Path
    did: Did
    note: str = ""
    backup: Path | None = None

    def line(self) -> str:
        text = f"{self.did.value}: {self.path}"
        if self.backup is not None:
            text += f" (vorige versie bewaard in {self.backup})"
        if self.note:
            text += f" — {self.note}"
        return text


def content_digest(data: bytes) -> str:
    """A digest of a zip's member names and contents (ignoring timestamps), else of the bytes."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            digest = hashlib.sha256()
            for name in sorted(archive.namelist()):
                digest.update(name.encode())
                digest.update(hashlib.sha256(archive.read(name)).digest())
            return "zip:" + digest.hexdigest()
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, NotImplementedError, EOFError, RuntimeError):
        return "raw:" + sha256(data)


def _check_written(expected: bytes):  # type: ignore[no-untyped-def]
    def check(temp: Path) -> None:
        if temp.read_bytes() != expected:
            raise OSError("het geschreven bestand wijkt af van wat geschreven moest worden")

    return check


def open_elsewhere(path: Path) -> Action | None:
    owner = owner_file(path)
    if owner is None:
        return None
    return Action(path, Did.DEFERRED, f"het bestand is geopend (eigenaarsbestand {owner.name}); het wordt "
                  "bijgewerkt zodra het gesloten is")


def publish(path: Path, data: bytes, *, state: State, source: Path, now: dt.datetime, once: bool = False,
            always_backup: bool = False) -> Action:
    """Write ``data`` to ``path`` under the rules above; returns what was done."""
    deferred = open_elsewhere(path)
    if deferred is not None:
        return deferred
    new_digest = content_digest(data)
    backup = None
    if path.exists():
        if once:
            return Action(path, Did.KEPT, "bestaat al en wordt nooit overschreven")
        current = path.read_bytes()
        current_digest = content_digest(current)
        if current_digest == new_digest:
            state.remember_output(path, digest=new_digest, source=source, at=now.isoformat(timespec="seconds"))
            return Action(path, Did.UNCHANGED)
        if always_backup or state.written_digest(path) != current_digest:
            backup = keep_backup(path, now=now)
        did = Did.UPDATED
    else:
        did = Did.CREATED
    atomic_write(path, data, check=_check_written(data))
    state.remember_output(path, digest=new_digest, source=source, at=now.isoformat(timespec="seconds"))
    return Action(path, did, backup=backup)


def remove_if_present(path: Path) -> Action | None:
    try:
        path.unlink()
    except FileNotFoundError:
        return None
    except OSError as error:
        return Action(path, Did.SKIPPED, f"kon het oude bestand niet verwijderen ({error.strerror})")
    return Action(path, Did.REMOVED)
