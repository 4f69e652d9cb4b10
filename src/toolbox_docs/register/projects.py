"""The projectenregister: every project, running (lopend) or finished (afgerond), in the state database.

A project is created when its intake is first processed. Its id goes into the pre-filled evaluation
workbook, which links the evaluation back, and (``identity``) into the custom document properties of
every document the toolbox writes beside the intake. The register finds a project by the intake's path;
an intake at a path it does not know is *placed* (``Register.place``) by that identity on the share and by
the intake's content: the project of a renamed or moved folder keeps its id, a copy becomes a new project
that names its original, and after the state is lost a project gets its old id back. The columns follow
the seed (project, contactpersoon, e-mail, telefoon, gebied, beleidsveld, trefwoorden) plus kind, level,
methods, the intake's budget, planned and actual figures, status, dates, verdict and lessons.

Planned and actual costs are on one basis: ``planned_euros`` and ``actual_euros`` are internal hours ×
the plan's hourly rate plus external costs; ``planned_external_euros`` and ``actual_external_euros`` are
the external costs alone. (Projects finished before the actual total was recorded keep their external
amount as ``actual_external_euros`` and an empty ``actual_euros``.)
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Any

from toolbox_docs.advice.evaluation import Recorded, Verdict, compare
from toolbox_docs.advice.model import Advice
from toolbox_docs.errors import StateError
from toolbox_docs.forms.records import Evaluation, Intake
from toolbox_docs.names import printable
from toolbox_docs.state import ProjectRow, State, path_key
from toolbox_docs.vocab import ProposalKind, step_name


class ProjectStatus(StrEnum):
    """Where a project is; the value is the word the register stores and people read."""

    RUNNING = "lopend"
    FINISHED = "afgerond"


RUNNING = ProjectStatus.RUNNING
FINISHED = ProjectStatus.FINISHED


@dataclass(frozen=True)
class Project:
    """A project in the register, typed: dates are ``date``, amounts and hours ``Decimal`` (None where
    unknown). The stored form (text in a JSON document, as it always was) is made and read only by
    ``_data`` and ``_project``."""

    project_id: str
    intake_path: str
    root: str
    status: ProjectStatus
    name: str
    contact: str
    email: str
    phone: str
    area: str
    policy_field: str
    keywords: str
    kind: str
    level: str
    methods: tuple[str, ...]
    planned_euros: Decimal | None
    planned_hours: Decimal | None
    start: dt.date | None
    end: dt.date | None
    decision: dt.date | None
    proposal_kind: ProposalKind | None = None
    budget_euros: Decimal | None = None
    budget_hours: Decimal | None = None
    planned_external_euros: Decimal | None = None
    planned_participants: int | None = None
    hourly_rate: Decimal | None = None
    actual_level: str = ""
    actual_euros: Decimal | None = None
    actual_external_euros: Decimal | None = None
    actual_hours: Decimal | None = None
    participants: int = 0
    verdict: str = ""
    support: str = ""
    lessons: str = ""
    went_well: str = ""
    could_be_better: str = ""
    evaluation_keywords: str = ""
    evaluated_on: dt.date | None = None
    updated_at: str = ""
    outcome: str | None = None  # what came out of participation, from the evaluation (None before it)
    decision_taken: bool | None = None  # whether the decision was taken when the evaluation was filled in
    intake_sha256: str = ""  # the content of the intake last processed
    copy_of: str = ""  # the id of the project this one's intake was copied from
    evaluation_workbook: str = ""  # where the toolbox put (or found) the project's evaluation workbook

    def recorded(self) -> Recorded:
        """What the register kept of the plan, for comparing it with the evaluation."""
        return Recorded(participants=self.planned_participants, external_euros=self.planned_external_euros,
                        hourly_rate=self.hourly_rate)

    @property
    def step_name(self) -> str:
        """What ``level`` and ``actual_level`` hold: "niveau" (participatieladder, burgerparticipatie) or
        "rol van de gemeente" (overheidsparticipatietrap, overheidsparticipatie)."""
        return step_name(self.kind)

    def search_text(self) -> str:
        parts = (self.name, self.keywords, self.area, self.policy_field, " ".join(self.methods), self.lessons,
                 self.evaluation_keywords, self.went_well, self.could_be_better, self.contact)
        return fold(" ".join(parts))


def fold(text: str) -> str:
    """Text for matching: case and accents do not count ('Ideeënmarkt' matches 'ideeenmarkt')."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def excerpt(text: str, words: list[str], *, width: int = 160) -> str:
    """A piece of ``text`` of about ``width`` characters around the first of ``words`` found in it."""
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    folded = fold(flat)
    hits = [i for i in (folded.find(fold(w)) for w in words) if i >= 0]
    # fold() keeps the length of ordinary Dutch text (accents are removed, not letters), so positions match.
    start = max(0, min(hits) - width // 3) if hits and len(folded) == len(flat) else 0
    piece = flat[start:start + width]
    return ("…" if start else "") + piece.strip() + ("…" if start + width < len(flat) else "")


_COLUMNS = ("project_id", "intake_path", "root", "status", "updated_at", "intake_sha256")


# The stored form: dates as ISO text, amounts and hours as the Decimal's text, "" for none; what came out of
# the evaluation under "extra" (a finished project's {"outcome": ..., "decision_taken": ...}).
_DATES = ("start", "end", "decision", "evaluated_on")
_DECIMALS = ("planned_euros", "planned_hours", "budget_euros", "budget_hours", "planned_external_euros",
             "hourly_rate", "actual_euros", "actual_external_euros", "actual_hours")
_EXTRA = ("outcome", "decision_taken")


def _data(project: Project) -> str:
    payload: dict[str, Any] = {f.name: getattr(project, f.name) for f in fields(Project)
                               if f.name not in _COLUMNS and f.name not in _EXTRA}
    payload["methods"] = list(project.methods)
    for key in _DATES:
        payload[key] = _date_text(payload[key])
    for key in _DECIMALS:
        payload[key] = _decimal_text(payload[key])
    payload["proposal_kind"] = project.proposal_kind.value if project.proposal_kind is not None else ""
    payload["extra"] = {key: getattr(project, key) for key in _EXTRA if getattr(project, key) is not None}
    return json.dumps(payload, ensure_ascii=True, sort_keys=True)


def _row(project: Project) -> ProjectRow:
    return ProjectRow(project.project_id, project.intake_path, project.root, project.status, _data(project),
                      project.updated_at, project.intake_sha256)


def _project(row: ProjectRow) -> Project:
    payload = json.loads(row.data)
    payload["methods"] = tuple(payload.get("methods", ()))
    known = {f.name for f in fields(Project)} - set(_COLUMNS) - set(_EXTRA)
    if "actual_external_euros" not in payload and payload.get("actual_euros"):
        # Recorded before planned and actual were put on one basis: the amount was the external costs.
        payload["actual_external_euros"], payload["actual_euros"] = payload["actual_euros"], ""
    values = {k: v for k, v in payload.items() if k in known}
    for key in _DATES:
        values[key] = _date(values.get(key, ""))
    for key in _DECIMALS:
        values[key] = _decimal(values.get(key, ""))
    values["proposal_kind"] = _proposal_kind(values.get("proposal_kind", ""))
    extra = payload.get("extra") or {}
    return Project(project_id=row.project_id, intake_path=row.intake_path, root=row.root,
                   status=ProjectStatus(row.status), updated_at=row.updated_at, intake_sha256=row.intake_sha256,
                   outcome=extra.get("outcome"), decision_taken=extra.get("decision_taken"), **values)


@dataclass(frozen=True)
class Placement:
    """Which project an intake at a path the register does not know belongs to (``Register.place``):
    ``moved`` (a renamed or moved folder: the project keeps its id), ``adopted`` (the id found on the share
    beside it, unknown to the register: the state was lost), ``copy_of`` (a new project, copied from this
    one), or none of these: a new project."""

    moved: Project | None = None
    adopted: str = ""
    copy_of: Project | None = None

    def note(self) -> str:
        """A Dutch line for the log and the result, or ''."""
        if self.moved is not None:
            return (f"project {self.moved.project_id} ({self.moved.name}) is verplaatst of hernoemd; het houdt "
                    f"zijn nummer (was: {printable(self.moved.intake_path)})")
        if self.copy_of is not None:
            return (f"dit is een kopie van project {self.copy_of.project_id} ({self.copy_of.name}, "
                    f"{printable(self.copy_of.intake_path)}); het is als nieuw project geregistreerd")
        if self.adopted:
            return f"projectnummer {self.adopted} is teruggevonden in de documenten naast de intake"
        return ""


def _decimal_text(value: Decimal | None) -> str:
    return "" if value is None else str(value)


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


def _proposal_kind(text: str) -> ProposalKind | None:
    return ProposalKind(text) if text in ProposalKind.values() else None


def _date_text(value: dt.date | None) -> str:
    return "" if value is None else value.isoformat()


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


class Register:
    def __init__(self, state: State) -> None:
        self.state = state

    def all(self) -> list[Project]:
        return [_project(row) for row in self.state.projects()]

    def get(self, project_id: str) -> Project | None:
        row = self.state.project(project_id)
        return _project(row) if row is not None else None

    def by_intake(self, intake_path: Path) -> Project | None:
        row = self.state.project_of_intake(intake_path)
        return _project(row) if row is not None else None

    def originals(self, sha: str) -> list[Project]:
        """The first few projects whose intake has this content and that are no copy themselves (a share
        with a thousand copies of one intake costs a handful of rows here, not a thousand)."""
        if not sha:
            return []
        rows = self.state.projects_with_intake(sha, limit=_ORIGINALS, originals=True) \
            or self.state.projects_with_intake(sha, limit=_ORIGINALS, originals=False)
        return [_project(row) for row in rows]

    def _save(self, project: Project) -> None:
        self.state.save_project(_row(project))

    def _insert(self, project: Project) -> bool:
        return self.state.insert_project(_row(project))

    def _create(self, project: Project, now: dt.datetime, *, wanted: str = "") -> Project:
        """Insert a new project under ``wanted`` (an id found on the share) if that is free, else a fresh
        id. Ids are short (people see them in the evaluation workbook), so two projects can draw the same
        one: an id already taken is never overwritten, a new one is drawn instead."""
        if wanted and _ID.fullmatch(wanted) and self._insert(replace(project, project_id=wanted)):
            return replace(project, project_id=wanted)
        for _ in range(_ID_ATTEMPTS):
            candidate = replace(project, project_id=f"P-{now:%Y}-{secrets.token_hex(3)}")
            if self._insert(candidate):
                return candidate
        raise StateError("er is geen vrij projectnummer gevonden; neem contact op met de beheerder.",
                         path=self.state.location)

    def place(self, intake_path: Path, *, stamped: Sequence[str], sha: str,
              present: Callable[[Project], bool]) -> Placement:
        """Which project an intake at a path the register does not know belongs to.

        ``stamped``: the project ids the documents beside it carry (most telling first); ``sha``: the
        intake's content; ``present(project)``: whether that project's intake is still where the register
        has it. A project whose intake is gone from its place has moved here; one whose intake is still
        there was copied (a new project); an id the register does not know was lost with the state."""
        for project_id in stamped:
            known = self.get(project_id)
            if known is None:
                return Placement(adopted=project_id)
            if known.intake_path == path_key(intake_path):
                return Placement()
            return Placement(copy_of=known) if present(known) else Placement(moved=known)
        originals = [p for p in self.originals(sha) if p.intake_path != path_key(intake_path)]
        for original in originals:
            if not present(original):
                return Placement(moved=original)
        return Placement(copy_of=originals[0]) if originals else Placement()

    def upsert_intake(self, intake_path: Path, intake: Intake, advice: Advice, *, root: Path | None,
                      now: dt.datetime, placement: Placement | None = None, sha: str = "") -> Project:
        """Create or update the project of an intake; a finished project keeps its evaluation. An intake at
        a new path is ``placed`` first (by the caller, who can look at the share)."""
        existing = self.by_intake(intake_path)
        if existing is None and placement is not None and placement.moved is not None:
            existing = placement.moved
        base = Project(
            project_id=existing.project_id if existing else "",
            intake_path=path_key(intake_path),
            root=str(root) if root else "",
            status=existing.status if existing else RUNNING,
            name=intake.project_name,
            contact=intake.trekker_name,
            email=intake.trekker_email,
            phone=intake.trekker_phone or "",
            area=intake.area,
            policy_field=intake.policy_field,
            keywords=intake.keywords or "",
            kind=intake.participation_kind.value,
            level=advice.outcome,
            methods=tuple(m.name for m in advice.methods),
            planned_euros=advice.totals.euros,
            planned_hours=advice.totals.hours,
            start=intake.participation_start,
            end=intake.participation_end,
            decision=intake.decision_date,
            proposal_kind=intake.proposal_kind,
            budget_euros=intake.budget_euros,
            budget_hours=intake.budget_hours,
            planned_external_euros=advice.totals.external_euros,
            planned_participants=sum(m.participants for m in advice.methods),
            hourly_rate=advice.hourly_rate,
            updated_at=now.isoformat(timespec="seconds"),
            intake_sha256=sha or (existing.intake_sha256 if existing else ""),
            copy_of=existing.copy_of if existing else "",
            evaluation_workbook=existing.evaluation_workbook if existing else "",
        )
        if existing is None:
            if placement is not None and placement.copy_of is not None:
                base = replace(base, copy_of=placement.copy_of.project_id)
            return self._create(base, now, wanted=placement.adopted if placement is not None else "")
        if existing.status == FINISHED:
            base = replace(base, **{k: getattr(existing, k) for k in _EVALUATION_FIELDS})
        self._save(base)
        return base

    def note_evaluation_workbook(self, project: Project, path: Path) -> Project:
        """Remember where the project's evaluation workbook is (for the reminders' mail)."""
        if project.evaluation_workbook == str(path):
            return project
        updated = replace(project, evaluation_workbook=str(path))
        self._save(updated)
        return updated

    def complete(self, evaluation: Evaluation, judged: Verdict, *, now: dt.datetime,
                 hourly_rate: Decimal | None = None) -> Project | None:
        """Move the evaluated project to 'afgerond' with its figures, verdict and lessons. The actual costs
        are costed at the plan's hourly rate, or ``hourly_rate`` (the settings') for a project recorded
        without one; with neither, only the external costs are known."""
        project = self.get(evaluation.project_id)
        if project is None:
            return None
        recorded = project.recorded()
        rate = recorded.hourly_rate if recorded.hourly_rate is not None else hourly_rate
        figures = compare(evaluation, recorded=recorded, hourly_rate=rate or Decimal(0)).actual
        done = replace(
            project,
            status=FINISHED,
            actual_level=evaluation.achieved_step,
            actual_euros=figures.euros if rate is not None else None,
            actual_external_euros=figures.external_euros,
            actual_hours=figures.hours,
            participants=figures.participants or 0,
            verdict=judged.value,
            support=evaluation.support.value,
            lessons=evaluation.lessons,
            went_well=evaluation.went_well,
            could_be_better=evaluation.could_be_better,
            evaluation_keywords=evaluation.keywords or "",
            evaluated_on=now.date(),
            outcome=evaluation.outcome,
            decision_taken=evaluation.decision_taken,
            methods=project.methods or tuple(m.method for m in evaluation.methods_used),
            updated_at=now.isoformat(timespec="seconds"),
        )
        self._save(done)
        return done

    def search(self, term: str) -> list[Project]:
        """Projects whose name, keywords, area, field, methods or lessons hold every word of ``term``."""
        words = fold(term).split()
        if not words:
            return []
        return [p for p in self.all() if all(word in p.search_text() for word in words)]


_ID_ATTEMPTS = 50  # a fresh id is taken after a few draws, even with millions of projects
_ORIGINALS = 5  # projects with the same intake content looked at when an intake turns up at a new path
_ID = re.compile(r"P-\d{4}-[0-9a-f]{6}")  # an id found on the share is taken only in this form
_EVALUATION_FIELDS = ("status", "actual_level", "actual_euros", "actual_external_euros", "actual_hours",
                      "participants", "verdict", "support", "lessons", "went_well", "could_be_better",
                      "evaluation_keywords", "evaluated_on", *_EXTRA)
