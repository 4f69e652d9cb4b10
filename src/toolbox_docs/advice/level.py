"""Burgerparticipatie: the level on the participatieladder, with its points model and reasons.

The room for influence caps the level (geen → informeren, beperkt → raadplegen, gemiddeld → adviseren, groot
→ coproduceren; meebeslissen only with room 'groot' and an administration willing to hand over the
decision). Points for impact, sensitivity, scale, stakeholders with a high interest and the willingness to
hand over (weights and thresholds in ``advies.toml``) give the level that is *needed*; the advice is the
lower of the needed level and the cap, except where the administration is willing to hand the decision over
(with room 'groot'): that political choice makes the level meebeslissen. The reasons are arguments in words
(what weighs), never the points themselves: the points stay in the record for the plan's account.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from toolbox_docs.advice.model import PointItem
from toolbox_docs.advice.phrases import Phrase
from toolbox_docs.advice.rules import LevelRules, Rules
from toolbox_docs.forms.records import Intake, Stakeholder
from toolbox_docs.vocab import InfluenceRoom, Intensity, Level, Magnitude

CAP_BY_ROOM: dict[InfluenceRoom, Level] = {
    InfluenceRoom.NONE: Level.INFORM,
    InfluenceRoom.LIMITED: Level.CONSULT,
    InfluenceRoom.MODERATE: Level.ADVISE,
    InfluenceRoom.LARGE: Level.COPRODUCE,
}

@dataclass(frozen=True)
class LevelOutcome:
    cap: Level
    needed: Level
    level: Level
    points: tuple[PointItem, ...]
    total: int
    reasons: tuple[Phrase, ...]


@dataclass(frozen=True)
class Scan:
    """The impact scan of a burgerparticipatie intake (the validator requires every answer for it)."""

    room: InfluenceRoom
    impact: Magnitude
    sensitivity: Intensity
    handover: bool


def scan_of(intake: Intake) -> Scan:
    if intake.influence_room is None or intake.impact is None or intake.sensitivity is None:
        raise ValueError("a burgerparticipatie intake without its impact scan reached the advice")
    return Scan(intake.influence_room, intake.impact, intake.sensitivity, bool(intake.handover_willing))


def cap_for(intake: Intake) -> Level:
    """The highest level that is honest given the room for influence and the will to hand over."""
    scan = scan_of(intake)
    if scan.room is InfluenceRoom.LARGE and scan.handover:
        return Level.CODECIDE
    return CAP_BY_ROOM[scan.room]


def high_interest_count(stakeholders: tuple[Stakeholder, ...], high_from: int) -> int:
    return sum(1 for s in stakeholders if s.interest >= high_from)


def _interest_points(rules: LevelRules, count: int, total: int) -> int:
    share = Decimal(count) / Decimal(total) if total else Decimal(0)
    earned = [s.points for s in rules.interest_steps if count >= s.min_count and share >= s.min_share]
    return max(earned, default=0)


def score(intake: Intake, rules: Rules) -> tuple[PointItem, ...]:
    level_rules = rules.level
    scan = scan_of(intake)
    count = high_interest_count(intake.stakeholders, rules.high_from)
    items = [
        PointItem("impact op inwoners", scan.impact.value, level_rules.impact[scan.impact]),
        PointItem("gevoeligheid", scan.sensitivity.value, level_rules.sensitivity[scan.sensitivity]),
        PointItem("geografische schaal", intake.scale.value, level_rules.scale[intake.scale]),
        PointItem("belanghebbenden met groot belang", f"{count} van {len(intake.stakeholders)}",
                  _interest_points(level_rules, count, len(intake.stakeholders))),
    ]
    # The will to hand over only counts where meebeslissen is possible at all: with room 'groot'.
    if scan.handover and scan.room is InfluenceRoom.LARGE:
        items.append(PointItem("bestuur wil besluit overdragen", "ja", level_rules.handover))
    return tuple(items)


def needed_level(total: int, rules: LevelRules) -> Level:
    reached = [level for level, threshold in rules.thresholds.items() if total >= threshold]
    return max(reached, key=lambda level: level.rank, default=Level.INFORM)





def _arguments(intake: Intake, items: tuple[PointItem, ...], needed: Level, rules: Rules) -> Phrase:
    """Why this much influence is needed, in words: what weighs, not how many points it gave."""
    parts: list[Phrase] = []
    for item in items:
        if item.points <= 0:
            continue
        if item.factor == "impact op inwoners":
            parts.append(Phrase.of("niveau.impact", impact=item.value))
        elif item.factor == "gevoeligheid":
            parts.append(Phrase.of("niveau.gevoeligheid", gevoeligheid=item.value))
        elif item.factor == "geografische schaal":
            parts.append(Phrase.of("niveau.schaal", schaal=intake.scale.value))
        elif item.factor == "belanghebbenden met groot belang":
            parts.append(Phrase.of("niveau.belang", aantal=high_interest_count(intake.stakeholders, rules.high_from),
                                   totaal=len(intake.stakeholders)))
    if not parts:
        return Phrase.of("niveau.geen_argumenten")
    return Phrase.of("niveau.argumenten", delen=tuple(parts), nodig=needed.value)


def advise_level(intake: Intake, rules: Rules) -> LevelOutcome:
    cap = cap_for(intake)
    items = score(intake, rules)
    total = sum(item.points for item in items)
    needed = needed_level(total, rules.level)
    level = needed if needed.rank <= cap.rank else cap
    if cap is Level.CODECIDE:
        # The administration has chosen to hand the decision over: that choice, not the score, sets the level.
        level = cap
    scan = scan_of(intake)
    room = Phrase.of("niveau.ruimte", ruimte=scan.room.value, hoogste=cap.value, overdragen=scan.handover)
    conclusion = Phrase.of("niveau.besluit", niveau=level.value, nodig=needed.value, hoogste=cap.value)
    reasons: tuple[Phrase, ...]
    if scan.room is InfluenceRoom.NONE:
        # Nothing is open: the level follows from what is fixed, not from how much influence would be wanted.
        reasons = (room, conclusion)
    else:
        reasons = (_arguments(intake, items, needed, rules), room, conclusion)
    return LevelOutcome(cap=cap, needed=needed, level=level, points=items, total=total, reasons=reasons)
