"""The projectenregister: every project, running (lopend) or finished (afgerond), in the state database.

A project is created when its intake is first processed and keyed on the intake's path; its id goes
into the pre-filled evaluation workbook, which links the evaluation back. The columns follow the seed
(project, contactpersoon, e-mail, telefoon, gebied, beleidsveld, trefwoorden) plus kind, level, methods,
the intake's budget, planned and actual figures, status, dates, verdict and lessons.

Planned and actual costs are on one basis: ``planned_euros`` and ``actual_euros`` are internal hours ×
the plan's hourly rate plus external costs; ``planned_external_euros`` and ``actual_external_euros`` are
the external costs alone. (Projects finished before the actual total was recorded keep their external
amount as ``actual_external_euros`` and an empty ``actual_euros``.)
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import unicodedata
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from toolbox_docs.advice.model import Advice
from toolbox_docs.errors import StateError
from toolbox_docs.evaluation import Recorded, Verdict, compare
from toolbox_docs.forms.records import Evaluation, Intake
from toolbox_docs.forms.vocab import step_name
from toolbox_docs.state import State, path_key

RUNNING = "lopend"
FINISHED = "afgerond"


@dataclass(frozen=True)
class Project:
    project_id: str
    intake_path: str
    root: str
    status: str
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
    planned_euros: str
    planned_hours: str
    start: str
    end: str
    decision: str
    proposal_kind: str = ""
    budget_euros: str = ""
    budget_hours: str = ""
    planned_external_euros: str = ""
    planned_participants: int | None = None
    hourly_rate: str = ""
    actual_level: str = ""
    actual_euros: str = ""
    actual_external_euros: str = ""
    actual_hours: str = ""
    participants: int = 0
    verdict: str = ""
    support: str = ""
    lessons: str = ""
    went_well: str = ""
    could_be_better: str = ""
    evaluation_keywords: str = ""
    evaluated_on: str = ""
    updated_at: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def end_date(self) -> dt.date | None:
        return dt.date.fromisoformat(self.end) if self.end else None

    def recorded(self) -> Recorded:
        """What the register kept of the plan, for comparing it with the evaluation."""
        return Recorded(participants=self.planned_participants,
                        external_euros=_decimal(self.planned_external_euros), hourly_rate=_decimal(self.hourly_rate))

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


def _data(project: Project) -> str:
    payload = asdict(project)
    for key in ("project_id", "intake_path", "root", "status", "updated_at"):
        payload.pop(key)
    return json.dumps(payload, ensure_ascii=False, sort_keys=True)


def _project(row: tuple[Any, ...]) -> Project:
    project_id, intake_path, root, status, data, updated_at = row
    payload = json.loads(data)
    payload["methods"] = tuple(payload.get("methods", ()))
    known = {f for f in Project.__dataclass_fields__}
    if "actual_external_euros" not in payload and payload.get("actual_euros"):
        # Recorded before planned and actual were put on one basis: the amount was the external costs.
        payload["actual_external_euros"], payload["actual_euros"] = payload["actual_euros"], ""
    values = {k: v for k, v in payload.items() if k in known}
    return Project(project_id=project_id, intake_path=intake_path, root=root, status=status,
                   updated_at=updated_at, **values)


def _decimal_text(value: Decimal | None) -> str:
    return "" if value is None else str(value)


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


class Register:
    def __init__(self, state: State) -> None:
        self.state = state

    def _select(self, where: str = "", parameters: tuple[Any, ...] = ()) -> list[Project]:
        rows = self.state.query("SELECT project_id, intake_path, root, status, data, updated_at "
                                f"FROM projects {where} ORDER BY updated_at, project_id", parameters)
        return [_project(row) for row in rows]

    def all(self) -> list[Project]:
        return self._select()

    def get(self, project_id: str) -> Project | None:
        found = self._select("WHERE project_id = ?", (project_id,))
        return found[0] if found else None

    def by_intake(self, intake_path: Path) -> Project | None:
        found = self._select("WHERE intake_path = ?", (path_key(intake_path),))
        return found[0] if found else None

    def _save(self, project: Project) -> None:
        self.state.execute(
            "INSERT INTO projects(project_id, intake_path, root, status, data, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(project_id) DO UPDATE SET intake_path=excluded.intake_path, root=excluded.root, "
            "status=excluded.status, data=excluded.data, updated_at=excluded.updated_at",
            (project.project_id, project.intake_path, project.root, project.status, _data(project),
             project.updated_at))

    def _create(self, project: Project, now: dt.datetime) -> Project:
        """Insert a new project under a fresh id. Ids are short (people see them in the evaluation
        workbook), so two projects can draw the same one: an id already taken is never overwritten, a
        new one is drawn instead."""
        for _ in range(_ID_ATTEMPTS):
            candidate = replace(project, project_id=f"P-{now:%Y}-{secrets.token_hex(3)}")
            inserted = self.state.execute(
                "INSERT INTO projects(project_id, intake_path, root, status, data, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(project_id) DO NOTHING",
                (candidate.project_id, candidate.intake_path, candidate.root, candidate.status, _data(candidate),
                 candidate.updated_at))
            if inserted == 1:
                return candidate
        raise StateError("er is geen vrij projectnummer gevonden; neem contact op met de beheerder.",
                         path=self.state.location)

    def upsert_intake(self, intake_path: Path, intake: Intake, advice: Advice, *, root: Path | None,
                      now: dt.datetime) -> Project:
        """Create or update the project of an intake; a finished project keeps its evaluation."""
        existing = self.by_intake(intake_path)
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
            planned_euros=str(advice.totals.euros),
            planned_hours=str(advice.totals.hours),
            start=intake.participation_start.isoformat(),
            end=intake.participation_end.isoformat(),
            decision=intake.decision_date.isoformat() if intake.decision_date else "",
            proposal_kind=intake.proposal_kind.value,
            budget_euros=str(intake.budget_euros),
            budget_hours=str(intake.budget_hours),
            planned_external_euros=str(advice.totals.external_euros),
            planned_participants=sum(m.participants for m in advice.methods),
            hourly_rate=str(advice.hourly_rate),
            updated_at=now.isoformat(timespec="seconds"),
        )
        if existing is None:
            return self._create(base, now)
        if existing.status == FINISHED:
            base = replace(base, **{k: getattr(existing, k) for k in _EVALUATION_FIELDS})
        self._save(base)
        return base

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
            actual_euros=_decimal_text(figures.euros) if rate is not None else "",
            actual_external_euros=_decimal_text(figures.external_euros),
            actual_hours=_decimal_text(figures.hours),
            participants=figures.participants or 0,
            verdict=judged.value,
            support=evaluation.support.value,
            lessons=evaluation.lessons,
            went_well=evaluation.went_well,
            could_be_better=evaluation.could_be_better,
            evaluation_keywords=evaluation.keywords or "",
            evaluated_on=now.date().isoformat(),
            extra={**project.extra, "outcome": evaluation.outcome,
                   "decision_taken": evaluation.decision_taken},
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
_EVALUATION_FIELDS = ("status", "actual_level", "actual_euros", "actual_external_euros", "actual_hours",
                      "participants", "verdict", "support", "lessons", "went_well", "could_be_better",
                      "evaluation_keywords", "evaluated_on", "extra")
