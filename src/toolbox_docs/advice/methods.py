"""Choosing methods from the catalogue: what the plan needs, which methods fit, and the budget.

The plan always needs informing; above informeren also a method for the advised level and a feedback
method; for overheidsparticipatie a method for the municipality's role (or the uitdaagrecht procedure)
and feedback to the initiators; and for each target group that needs attention a method suitable for
it. A method fits when the scale is one of its scales and the people a scale touches (``bereik`` in
``advies.toml``) are at least its minimum group. Candidates are ranked by how many of the intake's
target groups they also reach, then by their place in the catalogue, so the choice is deterministic.

When the preferred choice is over budget, the selection swaps, one step at a time, to the candidate
that reduces the shortfall most (shortfall = euros short + hours short × tariff; among equal shortfalls
the more preferred candidate), until it fits or no swap helps. A need is never dropped for money: what
is then short is reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from toolbox_docs.advice.budget import external_euros, labour_euros, method_hours
from toolbox_docs.advice.catalogue import Catalogue, Method, Role
from toolbox_docs.forms.records import Intake
from toolbox_docs.forms.vocab import Level, RobRung, Scale, TargetGroup

# How many ranked candidates per need the budget search considers; keeps the search small.
MAX_CANDIDATES = 8


class NeedKind(StrEnum):
    INFORM = "informeren"
    LEVEL = "niveau"
    RUNG = "rol"
    CHALLENGE = "uitdaagrecht"
    TARGET_GROUP = "doelgroep"
    CATEGORY = "categorie"
    FEEDBACK = "terugkoppelen"


@dataclass(frozen=True)
class Need:
    kind: NeedKind
    label: str
    level: Level | None = None
    rung: RobRung | None = None
    group: TargetGroup | None = None
    category: str | None = None


@dataclass(frozen=True)
class Selection:
    methods: tuple[tuple[Method, tuple[str, ...]], ...]
    uncovered: tuple[Need, ...]
    notes: tuple[str, ...]


def plan_needs(intake: Intake, *, level: Level | None, rung: RobRung | None, challenge: bool,
               categories: tuple[str, ...] = ()) -> tuple[Need, ...]:
    """What the plan needs, in a fixed order; ``categories`` are those of the stakeholders who matter."""
    needs = [Need(NeedKind.INFORM, "informeren")]
    if level is not None and level is not Level.INFORM:
        needs.append(Need(NeedKind.LEVEL, f"niveau {level.value}", level=level))
    if challenge:
        needs.append(Need(NeedKind.CHALLENGE, "uitdaagrecht-procedure"))
    elif rung is not None:
        needs.append(Need(NeedKind.RUNG, f"rol {rung.value}", rung=rung))
    needs += [Need(NeedKind.TARGET_GROUP, f"doelgroep {g.value}", group=g) for g in intake.target_groups]
    needs += [Need(NeedKind.CATEGORY, f"belanghebbenden: {c}", category=c) for c in categories]
    if rung is not None or (level is not None and level is not Level.INFORM):
        needs.append(Need(NeedKind.FEEDBACK, "terugkoppelen"))
    return tuple(needs)


def _serves(method: Method, need: Need, *, level: Level | None, rung: RobRung | None) -> bool:
    participates = Role.PARTICIPATE in method.roles
    if need.kind is NeedKind.INFORM:
        return Role.INFORM in method.roles
    if need.kind is NeedKind.FEEDBACK:
        return Role.FEEDBACK in method.roles
    if need.kind is NeedKind.LEVEL:
        return participates and need.level in method.levels
    if need.kind is NeedKind.RUNG:
        return participates and need.rung in method.rungs and not method.challenge_right
    if need.kind is NeedKind.CHALLENGE:
        return method.challenge_right
    # A target group must be able to take part where the plan asks for input; a category must be reached.
    if need.kind is NeedKind.TARGET_GROUP and need.group not in method.target_groups:
        return False
    if need.kind is NeedKind.CATEGORY and not method.reaches_category(need.category or ""):
        return False
    informs = Role.INFORM in method.roles
    if need.kind is NeedKind.CATEGORY and (informs or Role.COORDINATE in method.roles):
        return True
    if level is Level.INFORM:
        return informs
    if level is not None:
        return participates and any(Level.INFORM.rank < m.rank <= level.rank for m in method.levels)
    return informs or (participates and rung is not None and any(r.rank <= rung.rank for r in method.rungs))


def fits(method: Method, *, scale: Scale, reach: int) -> bool:
    return scale in method.scales and method.group_min <= reach


def candidates(
    catalogue: Catalogue, need: Need, *, intake: Intake, level: Level | None, rung: RobRung | None, reach: int
) -> tuple[Method, ...]:
    """Every method that serves ``need`` and fits, best first."""
    serving = [m for m in catalogue.methods if _serves(m, need, level=level, rung=rung)]
    fitting = [m for m in serving if fits(m, scale=intake.scale, reach=reach)]
    if not fitting and need.kind in (NeedKind.INFORM, NeedKind.FEEDBACK):
        # The catalogue guarantees one for every scale; the group size may still rule it out.
        fitting = [m for m in serving if intake.scale in m.scales]
    wanted = set(intake.target_groups)

    def rank(method: Method) -> tuple[int, int, int, int]:
        # 1. methods that also reach more of the intake's target groups; 2. among those, methods made
        # for those groups rather than for many others; 3. for a level or rung, methods made for it
        # (their lowest level or rung is the one needed) before those that stretch up to it; 4. order
        # in the catalogue.
        served = len(wanted & set(method.target_groups))
        others = len(method.target_groups) - served if served else 0
        stretch = 0
        if need.level is not None:
            stretch = need.level.rank - min(lv.rank for lv in method.levels)
        elif need.rung is not None:
            stretch = need.rung.rank - min(r.rank for r in method.rungs)
        return -served, others, stretch, catalogue.position(method)

    return tuple(sorted(fitting, key=rank))


def _build(needs: tuple[Need, ...], options: dict[Need, tuple[Method, ...]],
           able: dict[Need, frozenset[Method]], state: tuple[int, ...]) -> list[Method]:
    """The methods for a choice of candidate per need; a need already met by a chosen method adds none."""
    chosen: list[Method] = []
    for need, index in zip(needs, state, strict=True):
        if options[need] and not any(m in able[need] for m in chosen):
            chosen.append(options[need][index])
    return chosen


class _Budget:
    """Shortfall and cost of a set of methods, with each method's figures computed once."""

    def __init__(self, methods: set[Method], *, scale: Scale, rate: Decimal, euros: Decimal,
                 hours: Decimal) -> None:
        self._rate, self._euros, self._hours = rate, euros, hours
        self._figures = {
            m.id: (external_euros(m, scale=scale), method_hours(m), labour_euros(m, rate=rate))
            for m in methods
        }

    def measure(self, methods: list[Method]) -> tuple[Decimal, Decimal]:
        """(shortfall in euros, with hours short valued at the tariff; total cost) of ``methods``."""
        figures = [self._figures[m.id] for m in methods]
        external = sum((f[0] for f in figures), Decimal(0))
        hours = sum((f[1] for f in figures), Decimal(0))
        labour = sum((f[2] for f in figures), Decimal(0))
        short = max(external - self._euros, Decimal(0)) + max(hours - self._hours, Decimal(0)) * self._rate
        return short, external + labour


def select(
    catalogue: Catalogue, intake: Intake, *, level: Level | None, rung: RobRung | None, challenge: bool,
    reach: int, rate: Decimal, categories: tuple[str, ...] = (),
) -> Selection:
    needs = plan_needs(intake, level=level, rung=rung, challenge=challenge, categories=categories)
    ranked = {n: candidates(catalogue, n, intake=intake, level=level, rung=rung, reach=reach) for n in needs}
    able = {n: frozenset(found) for n, found in ranked.items()}
    options = {n: found[:MAX_CANDIDATES] for n, found in ranked.items()}
    budget = _Budget({m for ms in options.values() for m in ms}, scale=intake.scale, rate=rate,
                     euros=intake.budget_euros, hours=intake.budget_hours)
    state = tuple(0 for _ in needs)
    notes: list[str] = []

    def measure(candidate: tuple[int, ...]) -> tuple[Decimal, Decimal]:
        return budget.measure(_build(needs, options, able, candidate))

    current = measure(state)
    while current[0] > 0:
        moves = []
        for i, need in enumerate(needs):
            for j in range(state[i] + 1, len(options[need])):
                moved = (*state[:i], j, *state[i + 1:])
                moves.append((measure(moved), i, j, moved))
        better = [move for move in moves if move[0][0] < current[0]]
        if not better:
            break
        # The smallest shortfall; among equals the more preferred candidate, then the earlier need.
        best = min(better, key=lambda move: (move[0][0], move[2], move[1]))
        swapped_need = needs[best[1]]
        old, new = options[swapped_need][state[best[1]]], options[swapped_need][best[2]]
        notes.append(f"Voor {swapped_need.label} is {new.name} gekozen in plaats van {old.name}, "
                     "omdat die beter in het budget past.")
        state, current = best[3], best[0]
    chosen = _build(needs, options, able, state)
    uncovered = tuple(n for n in needs if not options[n])
    for need in uncovered:
        notes.append(f"Er staat geen passende werkvorm in de catalogus voor {need.label} op schaal "
                     f"'{intake.scale.value}'. Kies zelf een aanpak of vul de catalogus aan.")
    covers = tuple((m, tuple(n.label for n in needs if m in able[n])) for m in chosen)
    return Selection(methods=covers, uncovered=uncovered, notes=tuple(notes))
