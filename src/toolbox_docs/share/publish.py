"""Putting a generated file in place without losing anything.

- a document open in Word or Excel (owner file ``~$…`` beside it) is not touched: the step is deferred,
  however old the owner file is (Word leaves one behind after a crash; it goes when the document is next
  opened and closed in Word, and the note then says so); the toolbox never deletes it;
- what stands at an output's place but is not a regular file (a symbolic link, a folder) is neither read
  through, copied, nor replaced: ``WriteError``;
- identical content is not rewritten (compared by the content of the zip members, not zip metadata);
- a file that a person edited since we wrote it (its digest differs from the one we remembered), or
  that we never wrote, is first copied to ``Vorige versies/``;
- a file that must be created only once (the evaluation workbook) is kept when it exists;
- writing is atomic (``fsio.Folder.write``, in a folder reached without links) and the digest of what
  we wrote is remembered.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import time
import zipfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from toolbox_docs.names import printable
from toolbox_docs.share.fsio import Folder, sha256
from toolbox_docs.state import State

# An owner file older than this was most likely left behind by a crash of Word or Excel: still waited for
# (a document may stay open over a weekend), but the note tells the person how to release it.
STALE_OWNER_SECONDS = 24 * 3600
# Existing outputs are compared by content up to this size (decompressed, for a zip); a larger file there
# is treated as changed by a person: backed up, then replaced. Bounds the work a planted file can cause.
COMPARE_BYTES = 64 * 1024 * 1024


class Did(StrEnum):
    CREATED = "aangemaakt"
    UPDATED = "bijgewerkt"
    UNCHANGED = "ongewijzigd"
    KEPT = "bewaard"
    DEFERRED = "uitgesteld"
    REMOVED = "verwijderd"
    MOVED = "verplaatst naar Vorige versies"
    SKIPPED = "overgeslagen"


@dataclass(frozen=True)
class Action:
    path: Path
    did: Did
    note: str = ""
    backup: Path | None = None

    def line(self) -> str:
        text = f"{self.did.value}: {printable(self.path)}"
        if self.backup is not None:
            text += f" (vorige versie bewaard in {printable(self.backup)})"
        if self.note:
            text += f" — {self.note}"
        return text


def content_digest(data: bytes, *, limit: int = COMPARE_BYTES, ignore: tuple[str, ...] = ()) -> str:
    """A digest of a zip's member names and contents (ignoring timestamps, and the members named in
    ``ignore``), else of the bytes. Members are read as streams, at most ``limit`` bytes in all: a zip that
    inflates to more is digested by its bytes."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            digest = hashlib.sha256()
            room = limit
            for name in sorted(n for n in archive.namelist() if n not in ignore):
                digest.update(name.encode())
                member = hashlib.sha256()
                with archive.open(name) as stream:
                    while chunk := stream.read(min(1024 * 1024, room + 1)):
                        room -= len(chunk)
                        if room < 0:
                            raise ValueError("too large to compare by content")
                        member.update(chunk)
                digest.update(member.digest())
            return "zip:" + digest.hexdigest()
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, NotImplementedError, EOFError, RuntimeError,
            zipfile.LargeZipFile, OverflowError, IndexError):
        return "raw:" + sha256(data)


def open_elsewhere(folder: Folder, name: str, *, now: float | None = None) -> Action | None:
    owner = folder.owner_file(name)
    if owner is None:
        return None
    note = f"het bestand is geopend (eigenaarsbestand {owner}); het wordt bijgewerkt zodra het gesloten is"
    age = folder.age_seconds(owner, now=time.time() if now is None else now)
    if age is not None and age > STALE_OWNER_SECONDS:
        days = max(1, int(age // 86400))
        note += (f". Het eigenaarsbestand is {days} {'dag' if days == 1 else 'dagen'} oud: waarschijnlijk is Word of "
                 "Excel vastgelopen. Open en sluit het document in Word (of verwijder het ~$-bestand als niemand "
                 "het open heeft); dan volgt de bijwerking vanzelf")
    return Action(folder.at(name), Did.DEFERRED, note)


def publish(folder: Folder, name: str, data: bytes, *, state: State, source: Path, now: dt.datetime,
            once: bool = False, always_backup: bool = False) -> Action:
    """Write ``data`` as ``name`` in ``folder`` under the rules above; returns what was done, raises
    ``errors.WriteError``."""
    path = folder.at(name)
    deferred = open_elsewhere(folder, name)
    if deferred is not None:
        return deferred
    new_digest = content_digest(data)
    backup = None
    existing = folder.existing(name)
    if existing is not None:
        if once:
            return Action(path, Did.KEPT, "bestaat al en wordt nooit overschreven")
        current_digest = content_digest(folder.read_existing(name, max_bytes=COMPARE_BYTES)) \
            if existing.st_size <= COMPARE_BYTES else None
        if current_digest == new_digest:
            state.remember_output(path, digest=new_digest, source=source, at=now.isoformat(timespec="seconds"))
            return Action(path, Did.UNCHANGED)
        if always_backup or current_digest is None or state.written_digest(path) != current_digest:
            backup = folder.backup(name, now=now)
        did = Did.UPDATED
    else:
        did = Did.CREATED
    folder.write(name, data)
    state.remember_output(path, digest=new_digest, source=source, at=now.isoformat(timespec="seconds"))
    return Action(path, did, backup=backup)


def remove_if_present(folder: Folder, name: str) -> Action | None:
    try:
        folder.remove(name)
    except FileNotFoundError:
        return None
    except OSError as error:
        return Action(folder.at(name), Did.SKIPPED, f"kon het oude bestand niet verwijderen ({error.strerror})")
    return Action(folder.at(name), Did.REMOVED)
