"""The proposals in a project folder: finding them, deciding whose they are, and writing the paragraph.

A proposal is any ``.docx`` in the folder with a ``participatie`` anchor (content control, bookmark or
heading) that is not one of our generated documents. It is updated in place: only the anchored section
changes, the previous version goes to ``Vorige versies/``, and while it is open in Word the update is
deferred. Each proposal written carries the project's identity (``identity.stamp``).

Whose proposal it is (the rule in the README), for an intake in a folder that may hold several:

1. a proposal carrying a project's identity belongs to that project; one carrying the name of an intake in
   this folder (say, copied with the folder from last year's project) belongs to that intake;
2. any other proposal — no identity, or one from a folder elsewhere — belongs to the folder's intake when
   there is only one intake in the folder;
3. otherwise it is nobody's: it is not written, and the result says why.

Without any proposal of its own (and none left unwritten because it was not clear whose it is, or could
not be opened), an intake gets one made from the template for its kind of proposal, unless it says there is
none. A ``.docx`` that cannot be opened at all (a password, Strict Open XML, damaged) may be the person's
proposal: it is reported as an error and no second proposal is made beside it.

Only regular files are candidates: a symbolic link in the folder is never read or written through (it
could point at a document outside the share that the person who made the link may not read).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from toolbox_docs.documents.blocks import Block
from toolbox_docs.documents.docx_writer import write_section
from toolbox_docs.errors import DocumentError, WorkbookError
from toolbox_docs.names import printable
from toolbox_docs.pipeline.identity import PROPOSAL, read_stamp, stamp
from toolbox_docs.settings import Settings
from toolbox_docs.share.fsio import Folder, is_temp_or_owner, read_private_copy
from toolbox_docs.share.outputs import is_generated_document, proposal_name
from toolbox_docs.share.publish import Action, Did, open_elsewhere, publish
from toolbox_docs.state import State
from toolbox_docs.vocab import ProposalKind

NO_ANCHOR = "no-anchor"


@dataclass(frozen=True)
class ProposalRun:
    actions: tuple[Action, ...]
    errors: tuple[str, ...]  # proposals that did not get the paragraph, and why


def candidates(folder: Folder) -> list[str]:
    """Names of the Word documents in ``folder`` that may be proposals (regular files, not links)."""
    found = []
    for name in folder.names():
        path = Path(name)
        if path.suffix.lower() != ".docx" or name.startswith(".") or not folder.regular(name):
            continue
        if is_temp_or_owner(path) or is_generated_document(path):
            continue
        found.append(name)
    return found


def _template_for(kind: ProposalKind, settings: Settings, override: Path | None) -> Path:
    if override is not None:
        return override
    return settings.council_template if kind is ProposalKind.COUNCIL else settings.college_template


@dataclass(frozen=True)
class Owner:
    """Who is writing: the project, its intake's name, and the intakes in the folder."""

    project_id: str
    intake: Path
    intakes: tuple[str, ...]

    def claims(self, stamped_project: str | None, stamped_intake: str) -> bool | None:
        """True: the proposal is this project's; False: another intake's here; None: nobody's for sure."""
        if stamped_project == self.project_id:
            return True
        if stamped_project and stamped_intake in {printable(i) for i in self.intakes}:
            return stamped_intake == printable(self.intake.name)
        if [printable(i) for i in self.intakes] in ([], [printable(self.intake.name)]):
            return True
        return None


def write_paragraph(folder: Folder, blocks: Sequence[Block], *, owner: Owner, proposal_kind: ProposalKind, stem: str,
                    settings: Settings, state: State, now: dt.datetime, template: Path | None = None,
                    create: bool = True, fields: Mapping[str, str] | None = None) -> ProposalRun:
    """Write ``blocks`` into the proposals in ``folder`` that are ``owner``'s; make one from the template
    (named after ``stem``) if there is none and ``create``. ``fields`` fill the header's content controls
    that still show their placeholder."""
    actions: list[Action] = []
    errors: list[str] = []
    seen_proposal = False
    for name in candidates(folder):
        deferred = open_elsewhere(folder, name)
        try:
            current = folder.read(name, max_bytes=settings.limits.max_file_bytes)
            updated = write_section(current, blocks, limits=settings.limits, fields=fields)
        except DocumentError as error:
            if error.code == NO_ANCHOR:
                continue
            seen_proposal = True  # a proposal (or maybe one) that cannot get the paragraph: never a second one
            errors.append(f"Het voorstel {printable(name)} is niet bijgewerkt: {error.message}"
                          + ("" if error.code.startswith("anchor") else " Is dit het voorstel, sla het dan op als "
                             "gewoon Word-document (.docx, zonder wachtwoord) en sla daarna de intake opnieuw op. "
                             "Is het geen voorstel, zet het dan in een andere map."))
            continue
        except WorkbookError as error:  # read: gone, no access, too large, a link
            errors.append(f"Het voorstel {printable(name)} kon niet gelezen worden. {error.message}")
            continue
        except Exception as error:  # a person's unreadable file must not stop the others
            seen_proposal = True
            errors.append(f"Het voorstel {printable(name)} kon niet gelezen worden ({type(error).__name__}).")
            continue
        found = read_stamp(current, limits=settings.limits)
        whose = owner.claims(found.project_id if found else None, found.intake if found else "")
        if whose is False:
            continue  # another intake's proposal in this folder
        seen_proposal = True
        if whose is None:
            errors.append(f"Het voorstel {printable(name)} is niet bijgewerkt: in deze map staan meerdere intakes "
                          f"({', '.join(printable(i) for i in owner.intakes)}) en het is niet duidelijk bij welke "
                          "het voorstel hoort. Zet elke intake met zijn voorstel in een eigen map.")
            continue
        if deferred is not None:
            actions.append(deferred)
            continue
        marked = stamp(updated, project_id=owner.project_id, intake=owner.intake, document=PROPOSAL)
        actions.append(publish(folder, name, marked, state=state, source=owner.intake, now=now, always_backup=True))
    if not seen_proposal and create and proposal_kind is not ProposalKind.NONE:
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
        marked = stamp(filled, project_id=owner.project_id, intake=owner.intake, document=PROPOSAL)
        actions.append(publish(folder, proposal_name(stem, proposal_kind), marked, state=state, source=owner.intake,
                               now=now))
    return ProposalRun(tuple(actions), tuple(errors))


def deferred(run: ProposalRun) -> bool:
    return any(a.did is Did.DEFERRED for a in run.actions)
