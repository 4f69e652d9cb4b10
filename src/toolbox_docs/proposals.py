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
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from toolbox_docs.documents.blocks import Block
from toolbox_docs.documents.docx_writer import write_section
from toolbox_docs.errors import DocumentError, WorkbookError
from toolbox_docs.fsio import Folder, is_temp_or_owner, read_private_copy
from toolbox_docs.names import printable
from toolbox_docs.outputs import is_generated_document, proposal_path
from toolbox_docs.publish import Action, Did, open_elsewhere, publish
from toolbox_docs.settings import Settings
from toolbox_docs.state import State

NO_ANCHOR = "no-anchor"


@dataclass(frozen=True)
class ProposalRun:
    actions: tuple[Action, ...]
    problems: tuple[str, ...]


def candidates(folder: Folder) -> list[str]:
    """Names of the Word documents in ``folder`` that may be proposals (regular files, not links)."""
    found = []
    for name in folder.names():
        path = Path(name)
        if path.suffix.lower() not in (".docx", ".dotx") or name.startswith(".") or not folder.regular(name):
            continue
        if is_temp_or_owner(path) or is_generated_document(path):
            continue
        found.append(name)
    return found


def _template_for(kind: str, settings: Settings, override: Path | None) -> Path:
    if override is not None:
        return override
    return settings.council_template if kind == "raadsvoorstel" else settings.college_template


def write_paragraph(folder: Folder, blocks: Sequence[Block], *, source: Path, proposal_kind: str,
                    settings: Settings, state: State, now: dt.datetime, template: Path | None = None,
                    create: bool = True) -> ProposalRun:
    """Write ``blocks`` into every proposal in ``folder``; make one from the template if there is none."""
    actions: list[Action] = []
    problems: list[str] = []
    seen_proposal = False
    for name in candidates(folder):
        if name.lower().endswith(".dotx"):
            continue  # a Word template in the project folder is a template, not a proposal
        deferred = open_elsewhere(folder, name)
        try:
            current = folder.read(name, max_bytes=settings.limits.max_file_bytes)
            updated = write_section(current, blocks, limits=settings.limits)
        except DocumentError as error:
            if error.code == NO_ANCHOR:
                continue
            if error.code in ("anchor-ambiguous", "anchor-unsupported"):
                seen_proposal = True
                problems.append(f"{printable(name)}: {error.message}")
            continue
        except WorkbookError as error:  # read: gone, no access, too large, a link
            problems.append(f"{printable(name)}: kon niet gelezen worden. {error.message}")
            continue
        except Exception as error:  # a person's unreadable file must not stop the others
            problems.append(f"{printable(name)}: kon niet gelezen worden ({type(error).__name__}).")
            continue
        seen_proposal = True
        if deferred is not None:
            actions.append(deferred)
            continue
        actions.append(publish(folder, name, updated, state=state, source=source, now=now, always_backup=True))
    if not seen_proposal and create and proposal_kind != "geen":
        target = proposal_path(source, proposal_kind, folder.path)
        template = _template_for(proposal_kind, settings, template)
        try:
            base = read_private_copy(template, max_bytes=settings.limits.max_file_bytes)
        except Exception as error:
            raise DocumentError("template-unreadable", f"het voorstelsjabloon kan niet gelezen worden ({error}).",
                                path=template) from None
        try:
            filled = write_section(base, blocks, limits=settings.limits)
        except DocumentError as error:
            raise DocumentError(error.code, f"het voorstelsjabloon is niet bruikbaar: {error.message}",
                                path=template) from None
        actions.append(publish(folder, target.name, filled, state=state, source=source, now=now))
    return ProposalRun(tuple(actions), tuple(problems))


def deferred(run: ProposalRun) -> bool:
    return any(a.did is Did.DEFERRED for a in run.actions)
