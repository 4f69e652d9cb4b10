"""Burgerparticipatie: the level on the participatieladder, with its points model and reasons.

The room for influence caps the level (geen → informeren, beperkt → raadplegen, gemiddeld → adviseren,
groot → coproduceren; meebeslissen only with room 'groot' and an administration willing to hand over
the decision). Points for impact, sensitivity, scale, stakeholders with a high interest and the
willingness to hand over (weights and thresholds in ``advies.toml``) give the level that is *needed*;
the advice is the lower of the needed level and the cap.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from toolbox_docs.advice.model import PointItem
from toolbox_docs.advice.rules import LevelRules, Rules
from toolbox_docs.formatting import points as points_text
from toolbox_docs.forms.records import Intake, Stakeholder
from toolbox_docs.forms.vocab import InfluenceRoom, Level

CAP_BY_ROOM: dict[InfluenceRoom, Level] = {
    InfluenceRoom.NONE: Level.INFORM,
    InfluenceRoom.LIMITED: Level.CONSULT,
    InfluenceRoom.MODERATE: Level.ADVISE,
    InfluenceRoom.LARGE: Level.COPRODUCE,
}

LEVEL_MEANING: dict[Level, str] = {
    Level.INFORM: "de gemeente vertelt wat er gebeurt en waarom; er is niets meer te beïnvloeden",
    Level.CONSULT: "de gemeente vraagt naar meningen; de inbreng weegt mee, maar is niet bindend",
    Level.ADVISE: "inwoners brengen problemen en oplossingen in; de gemeente volgt het advies, "
                  "tenzij ze uitlegt waarom niet",
    Level.COPRODUCE: "de gemeente werkt probleem en oplossing samen met de deelnemers uit; "
                     "het resultaat is bindend binnen de kaders",
    Level.CODECIDE: "de deelnemers nemen het besluit binnen de kaders; de gemeente neemt het over",
}


@dataclass(frozen=True)
class LevelOutcome:
    cap: Level
    needed: Level
    level: Level
    points: tuple[PointItem, ...]
    total: int
    reasons: tuple[str, ...]


def cap_for(intake: Intake) -> Level:
    """The highest level that is honest given the room for influence and the will to hand over."""
    if intake.influence_room is InfluenceRoom.LARGE and intake.handover_willing:
        return Level.CODECIDE
    return CAP_BY_ROOM[intake.influence_room]


def high_interest_count(stakeholders: tuple[Stakeholder, ...], high_from: int) -> int:
    return sum(1 for s in stakeholders if s.interest >= high_from)


def _interest_points(rules: LevelRules, count: int, total: int) -> int:
    share = Decimal(count) / Decimal(total) if total else Decimal(0)
    earned = [s.points for s in rules.interest_steps if count >= s.min_count and share >= s.min_share]
    return max(earned, default=0)


def score(intake: Intake, rules: Rules) -> tuple[PointItem, ...]:
    level_rules = rules.level
    count = high_interest_count(intake.stakeholders, rules.high_from)
    items = [
        PointItem("impact op inwoners", intake.impact.value, level_rules.impact[intake.impact]),
        PointItem("gevoeligheid", intake.sensitivity.value, level_rules.sensitivity[intake.sensitivity]),
        PointItem("geografische schaal", intake.scale.value, level_rules.scale[intake.scale]),
        PointItem("belanghebbenden met groot belang", f"{count} van {len(intake.stakeholders)}",
                  _interest_points(level_rules, count, len(intake.stakeholders))),
    ]
    # The will to hand over only counts where meebeslissen is possible at all: with room 'groot'.
    if intake.handover_willing and intake.influence_room is InfluenceRoom.LARGE:
        items.append(PointItem("bestuur wil besluit overdragen", "ja", level_rules.handover))
    return tuple(items)


def needed_level(total: int, rules: LevelRules) -> Level:
    reached = [level for level, threshold in rules.thresholds.items() if total >= threshold]
    return max(reached, key=lambda level: level.rank, default=Level.INFORM)


def _points_reasons(items: tuple[PointItem, ...], total: int, needed: Level) -> list[str]:
    parts = [f"{item.factor} '{item.value}' geeft {points_text(item.points)}" for item in items]
    return [
        "Het advies telt punten: " + "; ".join(parts) + ".",
        f"Samen is dat {points_text(total)}. Daarbij past het niveau {needed.value}.",
    ]


def _cap_reason(intake: Intake, cap: Level) -> str:
    room = intake.influence_room
    if room is InfluenceRoom.NONE:
        return ("De ruimte voor invloed is 'geen': het besluit ligt al vast. Dan is alleen informeren "
                "eerlijk. Vraag inwoners niet om hun mening als die niets meer kan veranderen.")
    if cap is Level.CODECIDE:
        return ("De ruimte voor invloed is 'groot' en het bestuur wil het besluit overdragen; daarom is "
                "meebeslissen het hoogste niveau dat kan.")
    text = (f"De ruimte voor invloed is '{room.value}'; daarom is {cap.value} het hoogste niveau dat "
            "eerlijk is.")
    if room is InfluenceRoom.LARGE:
        text += " Meebeslissen kan niet, omdat het bestuur het besluit niet wil overdragen."
    elif intake.handover_willing:
        text += (" Het bestuur wil het besluit wel overdragen, maar meebeslissen kan alleen bij grote "
                 "ruimte voor invloed.")
    return text


def _conclusion(level: Level, needed: Level, cap: Level) -> str:
    meaning = f"Bij {level.value} geldt: {LEVEL_MEANING[level]}."
    if needed.rank > cap.rank:
        return (f"Er is meer invloed nodig ({needed.value}) dan de ruimte toelaat. Het advies blijft "
                f"daarom bij {level.value}. Leg duidelijk uit wat vastligt en waarom. {meaning}")
    if needed.rank < cap.rank:
        return f"Het advies is {level.value}. Meer invloed mag, maar is niet nodig. {meaning}"
    return f"Het advies is {level.value}. {meaning}"


def advise_level(intake: Intake, rules: Rules) -> LevelOutcome:
    cap = cap_for(intake)
    items = score(intake, rules)
    total = sum(item.points for item in items)
    needed = needed_level(total, rules.level)
    level = needed if needed.rank <= cap.rank else cap
    reasons = (*_points_reasons(items, total, needed), _cap_reason(intake, cap),
               _conclusion(level, needed, cap))
    return LevelOutcome(cap=cap, needed=needed, level=level, points=items, total=total, reasons=reasons)
