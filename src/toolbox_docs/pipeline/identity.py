"""Which project a document on the share belongs to: the identity the toolbox puts on what it writes.

Every document the toolbox writes beside an intake — the participatieplan, the proposal (a person's own
proposal too, once the toolbox has written its paragraph into it), the evaluation workbook and the
evaluation report — carries three custom document properties (in Word and Excel: File > Properties >
Advanced > Custom), which Word, Excel and LibreOffice keep when a person saves the file:

- ``ToolboxProject``: the project's id (``P-2027-1a2b3c``), the one in the register;
- ``ToolboxIntake``: the file name of the intake it was made for;
- ``ToolboxDocument``: what it is (participatieplan, voorstel, evaluatie, evaluatieverslag).

The intake itself is never written (a person's workbook is never re-saved), so a project's identity on
the share is in the documents beside its intake, and in the register by the intake's content (sha256).
``look`` reads a folder once per run: the intakes in it (by their marker sheet), the stems of its
workbooks (for the output names), and every stamp. Reading is bounded and never follows a link; a file
of any shape gives no stamp rather than an error.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from toolbox_docs.errors import FolderError, ToolboxError
from toolbox_docs.forms.xlsx_read import workbook_kind
from toolbox_docs.limits import Limits
from toolbox_docs.names import printable
from toolbox_docs.pipeline.batch import WORKBOOK_SUFFIXES
from toolbox_docs.share.fsio import Folder, is_temp_or_owner
from toolbox_docs.share.ooxml import custom_properties, with_custom_properties
from toolbox_docs.state import path_key

PROJECT = "ToolboxProject"
INTAKE = "ToolboxIntake"
DOCUMENT = "ToolboxDocument"
PLAN = "participatieplan"
PROPOSAL = "voorstel"
EVALUATION = "evaluatie"
REPORT = "evaluatieverslag"
# At most this many files of a folder are looked at per run: a project folder holds a handful.
MAX_FILES = 200


@dataclass(frozen=True)
class Stamp:
    project_id: str
    intake: str
    document: str


def stamp(data: bytes, *, project_id: str, intake: Path, document: str) -> bytes:
    """``data`` (a package the toolbox just wrote) carrying the identity of ``project_id``."""
    return with_custom_properties(data, {PROJECT: project_id, INTAKE: printable(intake.name), DOCUMENT: document})


def read_stamp(source: bytes | IO[bytes], *, limits: Limits) -> Stamp | None:
    values = custom_properties(source, limits=limits)
    project_id = values.get(PROJECT, "").strip()
    if not project_id:
        return None
    return Stamp(project_id, values.get(INTAKE, ""), values.get(DOCUMENT, ""))


@dataclass(frozen=True)
class Beside:
    """What a folder holds, seen once: its intakes, the stems of its workbooks, and the stamps."""

    intakes: tuple[str, ...] = ()
    workbook_stems: tuple[str, ...] = ()
    stamps: dict[str, Stamp] = field(default_factory=dict)

    def ids_for(self, intake: str) -> list[str]:
        """The project ids the documents here carry for the intake named ``intake``, the most common first;
        when it is the folder's only intake, the ids of every stamped document here."""
        mine = [s.project_id for s in self.stamps.values() if s.intake == printable(intake)]
        if not mine and list(self.intakes) == [intake]:
            mine = [s.project_id for s in self.stamps.values()]
        return [project_id for project_id, _ in Counter(mine).most_common()]

    def of(self, project_id: str, document: str) -> list[str]:
        """Names of the files here stamped as ``document`` of ``project_id``."""
        return sorted(n for n, s in self.stamps.items() if s.project_id == project_id and s.document == document)


def look(folder: Folder, *, limits: Limits, intakes: bool = True) -> Beside:
    """Read ``folder`` once: with ``intakes``, which spreadsheets are intakes (by their marker sheet);
    always, the stamps of the Word documents and spreadsheets in it."""
    found_intakes: list[str] = []
    stems: list[str] = []
    stamps: dict[str, Stamp] = {}
    for name in folder.names()[:MAX_FILES * 4]:
        suffix = Path(name).suffix.lower()
        if suffix not in (".docx", *WORKBOOK_SUFFIXES) or name.startswith(".") or is_temp_or_owner(Path(name)):
            continue
        info = folder.lstat(name)
        if info is None or not folder.regular(name) or info.st_size > limits.max_file_bytes:
            continue
        if suffix in WORKBOOK_SUFFIXES:
            stems.append(Path(name).stem)
        if len(stamps) + len(found_intakes) >= MAX_FILES:
            continue
        try:
            if suffix == ".docx":
                with folder.open_binary(name) as stream:
                    found = read_stamp(stream, limits=limits)
            else:
                data = folder.read(name, max_bytes=limits.max_file_bytes)
                found = read_stamp(data, limits=limits)
                if found is None and intakes and workbook_kind(data, limits=limits) == "intake":
                    found_intakes.append(name)
        except (ToolboxError, OSError):
            continue
        if found is not None:
            stamps[name] = found
    return Beside(tuple(found_intakes), tuple(stems), stamps)


def intake_present(intake_path: str, roots: tuple[Path, ...]) -> bool:
    """Whether a regular file stands at a registered intake's place, reached from its watched root without
    following a link (a path through a link does not count: the project is not there)."""
    path = Path(intake_path)
    root = next((r for r in roots if path_key(path).startswith(path_key(r) + os.sep)), None)
    try:
        with Folder.open(path.parent, base=root if root is not None else path.parent) as folder:
            return folder.regular(path.name)
    except FolderError:
        return False
