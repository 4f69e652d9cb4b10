"""The compliance checklist (``templates/checklist.toml``): points, the registry of checks, evaluation.

Each point in the file names a built-in check (``controle``) and the intake field that fixes it (``veld``);
``geldt_voor`` limits a point to some routes, and ``nvt_voor`` shows it on other routes as "n.v.t." with a
reason (``nvt_reden``). A check says met, missing, or not applicable with the reason. The checks are pure
functions of the intake and the advice so far; an unknown check, field or route is a ``SettingsError``
naming file and entry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolbox_docs.advice.catalogue import Method, Role
from toolbox_docs.advice.datafile import DataError, Entry, quoted
from toolbox_docs.advice.fields import is_intake_field, label_of
from toolbox_docs.advice.model import (
    BudgetComparison,
    CheckResult,
    CheckStatus,
    Quadrant,
    Route,
    StakeholderAnalysis,
)
from toolbox_docs.advice.phrases import Phrase
from toolbox_docs.advice.stakeholders import UNREACHED
from toolbox_docs.errors import SettingsError
from toolbox_docs.forms.records import Intake
from toolbox_docs.settings import read_toml
from toolbox_docs.vocab import InfluenceRoom, Level, Position, RobRung


@dataclass(frozen=True)
class CheckContext:
    intake: Intake
    route: Route
    level: Level | None
    rung: RobRung | None
    methods: tuple[Method, ...]
    warning_codes: frozenset[str]
    stakeholders: tuple[StakeholderAnalysis, ...]
    budget: BudgetComparison
    high_from: int
    talked_to: frozenset[str] = frozenset()
    uncovered_groups: bool = False

    @property
    def participates(self) -> bool:
        if self.route is not Route.LADDER:
            return self.rung is not RobRung.LET_GO
        return self.level is not None and self.level is not Level.INFORM


Outcome = tuple[CheckStatus, Phrase | None]
MET: Outcome = (CheckStatus.MET, None)
MISSING: Outcome = (CheckStatus.MISSING, None)


def _yes(condition: bool) -> Outcome:
    return MET if condition else MISSING


def _not_applicable(key: str) -> Outcome:
    return CheckStatus.NOT_APPLICABLE, Phrase.of(key)


def _filled(text: str | None) -> bool:
    return text is not None and bool(text.strip())


def _frameworks(c: CheckContext) -> Outcome:
    open_ok = c.route is not Route.LADDER or c.level is Level.INFORM or _filled(c.intake.open_to_influence)
    return _yes(_filled(c.intake.fixed_frameworks) and open_ok)


def _expectations(c: CheckContext) -> Outcome:
    """No method promises more influence than the level, and a gap between what is wanted and what may be
    offered is explained (what is fixed, what is open, or why nothing is)."""
    if c.level is None:
        return MET
    promises_more = any(Role.PARTICIPATE in m.roles and m.levels and not m.personal
                        and min(lv.rank for lv in m.levels) > c.level.rank for m in c.methods)
    if promises_more or "geen-werkvorm-voor-niveau" in c.warning_codes:
        return MISSING
    if c.intake.influence_room is InfluenceRoom.NONE:
        return _yes(_filled(c.intake.no_participation_reason))
    if c.warning_codes & {"invloed-boven-ruimte", "meebeslissen-niet-overgedragen"}:
        return _yes(_filled(c.intake.fixed_frameworks) and _filled(c.intake.open_to_influence))
    return MET


def _in_time(c: CheckContext) -> Outcome:
    if not c.participates:
        return _not_applicable("nvt.geen_inbreng")
    return _yes(not c.warning_codes & {"te-laat-in-beleid", "te-weinig-weken-voor-besluit", "besluit-voor-einde"})


def _input_use(c: CheckContext) -> Outcome:
    if not c.participates:
        return _not_applicable("nvt.geen_inbreng")
    return _yes(_filled(c.intake.input_use) and not c.warning_codes & {"te-weinig-tijd-verwerking",
                                                                        "besluit-voor-einde"})


def _feedback(c: CheckContext) -> Outcome:
    if not c.participates:
        return _not_applicable("nvt.geen_inbreng")
    return _yes(_filled(c.intake.feedback_plan) and any(Role.FEEDBACK in m.roles for m in c.methods))


def _information(c: CheckContext) -> Outcome:
    informed = any(Role.INFORM in m.roles for m in c.methods)
    explained = c.participates or _filled(c.intake.no_participation_reason)
    return _yes(informed and explained)


def _reached(c: CheckContext) -> Outcome:
    analysed = bool(c.stakeholders) or not c.participates
    flagged = any(f.code == UNREACHED for s in c.stakeholders for f in s.flags)
    return _yes(analysed and not flagged and not c.uncovered_groups)


def _opponents_heard(c: CheckContext) -> Outcome:
    """Parties that are against and matter get to take part: those with influence in a personal talk."""
    against = [s for s in c.stakeholders if s.position is Position.AGAINST
               and (s.influence >= c.high_from or s.interest >= c.high_from)]
    if not against:
        return _not_applicable("nvt.geen_tegenstanders")
    for s in against:
        if s.influence >= c.high_from and s.name not in c.talked_to:
            return MISSING
        if not c.participates or s.quadrant is Quadrant.MONITOR:
            return MISSING
    return MET


def _asks_answered(c: CheckContext) -> Outcome:
    """Every 'initiatief vraagt' question is answered with ja or nee (an empty cell is not an answer), and an
    initiative that asks for money says how much."""
    asks = (c.intake.asks_money, c.intake.asks_space, c.intake.asks_knowledge, c.intake.asks_rules,
            c.intake.asks_network)
    answered = bool(c.intake.challenge_right) or all(answer is not None for answer in asks)
    amount = not c.intake.asks_money or c.intake.initiative_amount is not None
    return _yes(answered and amount)


CHECKS: dict[str, Callable[[CheckContext], Outcome]] = {
    "kaders_beschreven": _frameworks,
    "verwachtingen_kloppen": _expectations,
    "op_tijd": _in_time,
    "inbreng_beschreven": _input_use,
    "terugkoppeling_gepland": _feedback,
    "informatie_voor_iedereen": _information,
    "belanghebbenden_bereikt": _reached,
    "tegenstanders_gehoord": _opponents_heard,
    "planning_haalbaar": lambda c: _yes("planning-te-krap" not in c.warning_codes),
    "budget_euro_toereikend": lambda c: _yes(c.budget.short_euros == 0),
    "uren_toereikend": lambda c: _yes(c.budget.short_hours == 0),
    "evaluatie_gepland": lambda c: _yes(_filled(c.intake.trekker_email)),
    "uitdaagrecht_procedure": lambda c: _yes(any(m.challenge_right for m in c.methods)
                                             and c.intake.challenge_received is not None),
    "initiatiefnemer_bekend": lambda c: _yes(_filled(c.intake.initiator)),
    "vraag_initiatief_bekend": _asks_answered,
}

NOT_APPLICABLE_REASONS = ("niet_voor_initiatief", "alleen_uitdaagrecht", "geen_inbreng")


@dataclass(frozen=True)
class Point:
    id: str
    text: str
    source: str
    check: str
    field: str
    routes: tuple[Route, ...]
    not_applicable: tuple[Route, ...] = ()
    not_applicable_reason: str = ""


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
    not_applicable: tuple[Route, ...] = ()
    reason = ""
    if entry.has("nvt_voor"):
        not_applicable = entry.choices("nvt_voor", Route, allow_empty=False)
        if set(not_applicable) & set(routes):
            raise entry.fail("nvt_voor", "noemt een route die ook in 'geldt_voor' staat")
        reason = entry.text("nvt_reden")
        if reason not in NOT_APPLICABLE_REASONS:
            raise entry.fail("nvt_reden", f"kent de reden '{reason}' niet; kies uit {quoted(NOT_APPLICABLE_REASONS)}")
    point = Point(id=entry.text("id"), text=entry.text("tekst"), source=entry.text("bron"), check=check,
                  field=field, routes=routes, not_applicable=not_applicable, not_applicable_reason=reason)
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
    results: list[CheckResult] = []
    for p in checklist.points:
        if context.route in p.routes:
            status, reason = CHECKS[p.check](context)
        elif context.route in p.not_applicable:
            status, reason = CheckStatus.NOT_APPLICABLE, Phrase.of(f"nvt.{p.not_applicable_reason}")
        else:
            continue
        results.append(CheckResult(id=p.id, text=p.text, source=p.source, status=status, field=p.field,
                                   field_label=label_of(p.field), reason=reason))
    return tuple(results)
