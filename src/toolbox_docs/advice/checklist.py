"""The compliance checklist (``templates/checklist.toml``): points, the registry of checks, evaluation.

Each point in the file names a built-in check (``controle``) and the intake field that fixes it
(``veld``); ``geldt_voor`` limits a point to some routes. The checks are pure functions of the intake
and the advice so far; an unknown check, field or route is a ``SettingsError`` naming file and entry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolbox_docs.advice.catalogue import Method, Role
from toolbox_docs.advice.datafile import DataError, Entry, quoted, read_toml
from toolbox_docs.advice.fields import is_intake_field, label_of
from toolbox_docs.advice.model import BudgetComparison, CheckResult, Quadrant, Route, StakeholderAnalysis
from toolbox_docs.advice.stakeholders import UNREACHED
from toolbox_docs.errors import SettingsError
from toolbox_docs.forms.records import Intake
from toolbox_docs.forms.vocab import Level, Position


@dataclass(frozen=True)
class CheckContext:
    intake: Intake
    route: Route
    level: Level | None
    methods: tuple[Method, ...]
    warning_codes: frozenset[str]
    stakeholders: tuple[StakeholderAnalysis, ...]
    budget: BudgetComparison
    high_from: int

    @property
    def participates(self) -> bool:
        return self.route is not Route.LADDER or (self.level is not None and self.level is not Level.INFORM)


def _filled(text: str | None) -> bool:
    return text is not None and bool(text.strip())


def _frameworks(c: CheckContext) -> bool:
    open_ok = c.route is not Route.LADDER or c.level is Level.INFORM or _filled(c.intake.open_to_influence)
    return _filled(c.intake.fixed_frameworks) and open_ok


def _expectations(c: CheckContext) -> bool:
    return not c.warning_codes & {"invloed-boven-ruimte", "meebeslissen-niet-overgedragen",
                                  "geen-werkvorm-voor-niveau"}


def _in_time(c: CheckContext) -> bool:
    return not c.warning_codes & {"te-laat-in-beleid", "te-weinig-weken-voor-besluit"}


def _input_use(c: CheckContext) -> bool:
    described = not c.participates or _filled(c.intake.input_use)
    return described and "te-weinig-tijd-verwerking" not in c.warning_codes


def _feedback(c: CheckContext) -> bool:
    if not c.participates:
        return True
    return _filled(c.intake.feedback_plan) and any(Role.FEEDBACK in m.roles for m in c.methods)


def _information(c: CheckContext) -> bool:
    informed = any(Role.INFORM in m.roles for m in c.methods)
    explained = c.participates or _filled(c.intake.no_participation_reason)
    return informed and explained


def _reached(c: CheckContext) -> bool:
    analysed = bool(c.stakeholders) or not c.participates
    flagged = any(f.code == UNREACHED for s in c.stakeholders for f in s.flags)
    return analysed and not flagged and "doelgroep-niet-bereikt" not in c.warning_codes


def _opponents_heard(c: CheckContext) -> bool:
    """Parties that are against and matter (high influence or interest) get to take part."""
    for s in c.stakeholders:
        matters = s.influence >= c.high_from or s.interest >= c.high_from
        left_out = not c.participates or s.quadrant is Quadrant.MONITOR
        if s.position is Position.AGAINST and matters and left_out:
            return False
    return True


def _asks_answered(c: CheckContext) -> bool:
    """Every 'initiatief vraagt' question is answered with ja or nee (an empty cell is not an answer)."""
    asks = (c.intake.asks_money, c.intake.asks_space, c.intake.asks_knowledge, c.intake.asks_rules,
            c.intake.asks_network)
    return bool(c.intake.challenge_right) or all(answer is not None for answer in asks)


CHECKS: dict[str, Callable[[CheckContext], bool]] = {
    "kaders_beschreven": _frameworks,
    "verwachtingen_kloppen": _expectations,
    "op_tijd": _in_time,
    "inbreng_beschreven": _input_use,
    "terugkoppeling_gepland": _feedback,
    "informatie_voor_iedereen": _information,
    "belanghebbenden_bereikt": _reached,
    "tegenstanders_gehoord": _opponents_heard,
    "planning_haalbaar": lambda c: "planning-te-krap" not in c.warning_codes,
    "budget_euro_toereikend": lambda c: c.budget.short_euros == 0,
    "uren_toereikend": lambda c: c.budget.short_hours == 0,
    "evaluatie_gepland": lambda c: _filled(c.intake.trekker_email),
    "uitdaagrecht_procedure": lambda c: any(m.challenge_right for m in c.methods),
    "initiatiefnemer_bekend": lambda c: _filled(c.intake.initiator),
    "vraag_initiatief_bekend": _asks_answered,
}


@dataclass(frozen=True)
class Point:
    id: str
    text: str
    source: str
    check: str
    field: str
    routes: tuple[Route, ...]


@dataclass(frozen=True)
class Checklist:
    version: str
    points: tuple[Point, ...]


def _point(entry: Entry) -> Point:
    check = entry.text("controle")
    if check not in CHECKS:
        raise entry.fail("controle", f"kent de controle '{check}' niet; kies uit {quoted(sorted(CHECKS))}")
    field = entry.text("veld")
    if not is_intake_field(field):
        raise entry.fail("veld", f"'{field}' is geen veld van de intake")
    routes = tuple(Route)
    if entry.has("geldt_voor"):
        routes = entry.choices("geldt_voor", Route, allow_empty=False)
    point = Point(id=entry.text("id"), text=entry.text("tekst"), source=entry.text("bron"), check=check,
                  field=field, routes=routes)
    entry.finish()
    return point


def parse_checklist(data: Mapping[str, Any]) -> Checklist:
    top = Entry(data, "")
    version = top.version()
    points: list[Point] = []
    for entry in top.tables("punt", name="punt"):
        point = _point(entry)
        if any(p.id == point.id for p in points):
            raise DataError(f"punt '{point.id}': dit id komt vaker voor; elk id moet uniek zijn")
        points.append(point)
    top.finish()
    return Checklist(version=version, points=tuple(points))


def load_checklist(path: Path) -> Checklist:
    try:
        return parse_checklist(read_toml(path))
    except DataError as error:
        raise SettingsError(f"{error}.", path=path) from None


def evaluate(checklist: Checklist, context: CheckContext) -> tuple[CheckResult, ...]:
    return tuple(
        CheckResult(id=p.id, text=p.text, source=p.source, met=CHECKS[p.check](context), field=p.field,
                    field_label=label_of(p.field))
        for p in checklist.points
        if context.route in p.routes
    )
