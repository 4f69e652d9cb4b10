"""The proposals in a project folder: finding them, and writing the paragraph into each.

A proposal is any ``.docx`` in the folder with a ``participatie`` anchor (content control, bookmark or
heading) that is not one of our generated documents. Each is updated in place: only the anchored
section changes, the previous version goes to ``Vorige versies/``, and while it is open in Word the
update is deferred. Without any proposal in the folder, one is made from the template for the
intake's kind of proposal (unless the intake says there is none).

Only regular files are candidates: a symbolic link in the folder is never read or written through (it
could point at a document outside the share that the person who made the link may not read).
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from toolbox_docs.documents.blocks import Block
from toolbox_docs.documents.docx_writer import write_section
from toolbox_docs.errors import DocumentError, WorkbookError
from toolbox_docs.fsio import is_temp_or_owner, read_private_copy
from toolbox_docs.outputs import in_backup_folder, is_generated_document, proposal_path
from toolbox_docs.publish import Action, Did, open_elsewhere, publish
from toolbox_docs.settings import Settings
from toolbox_docs.state import State

NO_ANCHOR = "no-anchor"


@dataclass(frozen=True)
class ProposalRun:
    actions: tuple[Action, ...]
    problems: tuple[str, ...]


def candidates(folder: Path) -> list[Path]:
    try:
        entries = sorted(folder.iterdir()) if folder.is_dir() else []
    except OSError:  # a folder that cannot be listed has no proposals we could update
        return []
    found = []
    for path in entries:
        if path.suffix.lower() not in (".docx", ".dotx") or path.name.startswith(".") or not _regular(path):
            continue
        if is_temp_or_owner(path) or is_generated_document(path) or in_backup_folder(path):
            continue
        found.append(path)
    return found


def _regular(path: Path) -> bool:
    """A regular file, not a link to one (``lstat``: the link itself is looked at)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _template_for(kind: str, settings: Settings, override: Path | None) -> Path:
    if override is not None:
        return override
    return settings.council_template if kind == "raadsvoorstel" else settings.college_template


def write_paragraph(folder: Path, blocks: Sequence[Block], *, source: Path, proposal_kind: str, settings: Settings,
                    state: State, now: dt.datetime, template: Path | None = None,
                    create: bool = True, fields: Mapping[str, str] | None = None) -> ProposalRun:
    """Write ``blocks`` into every proposal in ``folder``; make one from the template if there is none.
    ``fields`` fill the header's content controls that still show their placeholder."""
    actions: list[Action] = []
    problems: list[str] = []
    seen_proposal = False
    for path in candidates(folder):
        if path.suffix.lower() == ".dotx":
            continue  # a Word template in the project folder is a template, not a proposal
        deferred = open_elsewhere(path)
        try:
            current = read_private_copy(path, max_bytes=settings.limits.max_file_bytes, follow_symlinks=False)
            updated = write_section(current, blocks, limits=settings.limits, fields=fields)
        except DocumentError as error:
            if error.code == NO_ANCHOR:
                continue
            if error.code in ("anchor-ambiguous", "anchor-unsupported"):
                seen_proposal = True
                problems.append(f"{path.name}: {error.message}")
            continue
        except WorkbookError as error:  # read_private_copy: gone, no access, too large, a link
            problems.append(f"{path.name}: kon niet gelezen worden. {error.message}")
            continue
        except Exception as error:  # a person's unreadable file must not stop the others
            problems.append(f"{path.name}: kon niet gelezen worden ({type(error).__name__}).")
            continue
        seen_proposal = True
        if deferred is not None:
            actions.append(deferred)
            continue
        actions.append(publish(path, updated, state=state, source=source, now=now, always_backup=True))
    if not seen_proposal and create and proposal_kind != "geen":
        target = proposal_path(source, proposal_kind, folder)
        template = _template_for(proposal_kind, settings, template)
        try:
            base = read_private_copy(template, max_bytes=settings.limits.max_file_bytes)
        except Exception as error:
            raise DocumentError("template-unreadable", f"het voorstelsjabloon kan niet gelezen worden ({error}).",
                                path=template) from None
        try:
            filled = write_section(base, blocks, limits=settings.limits, fields=fields)
        except DocumentError as error:
            raise DocumentError(error.code, f"het voorstelsjabloon is niet bruikbaar: {error.message}",
                                path=template) from None
        actions.append(publish(target, filled, state=state, source=source, now=now))
    return ProposalRun(tuple(actions), tuple(problems))


def deferred(run: ProposalRun) -> bool:
    return any(a.did is Did.DEFERRED for a in run.actions)
