"""Per stakeholder: the quadrant of influence × interest (Mendelow), an approach, and flags.

A score at or above ``hoog_vanaf`` (``advies.toml``) counts as high. The approach sentence per quadrant
is editable wording in ``advies.toml``; the code adds a sentence for the party's position. Flags: a
party with high influence that is against, and a category that none of the chosen methods reaches.
"""

from __future__ import annotations

from toolbox_docs.advice.catalogue import Method
from toolbox_docs.advice.model import Quadrant, StakeholderAnalysis, StakeholderFlag
from toolbox_docs.advice.rules import Rules
from toolbox_docs.forms.records import Intake, Stakeholder
from toolbox_docs.forms.vocab import Position

OPPONENT = "tegen-met-invloed"
UNREACHED = "categorie-niet-bereikt"

_POSITION_SENTENCE: dict[Position, str] = {
    Position.FOR: "Deze partij is voor: vraag haar om mee te helpen, bijvoorbeeld om anderen te bereiken.",
    Position.NEUTRAL: "Deze partij is neutraal: houd haar op de hoogte en vraag wat zij belangrijk vindt.",
    Position.AGAINST: "Deze partij is tegen: luister naar de bezwaren en laat zien wat je ermee doet.",
    Position.UNKNOWN: "Het standpunt is nog onbekend: vraag het na voordat de participatie begint.",
}


def quadrant(stakeholder: Stakeholder, *, high_from: int) -> Quadrant:
    influential = stakeholder.influence >= high_from
    interested = stakeholder.interest >= high_from
    if influential and interested:
        return Quadrant.MANAGE_CLOSELY
    if influential:
        return Quadrant.KEEP_SATISFIED
    if interested:
        return Quadrant.KEEP_INFORMED
    return Quadrant.MONITOR


def is_opponent(stakeholder: Stakeholder, *, high_from: int) -> bool:
    return stakeholder.influence >= high_from and stakeholder.position is Position.AGAINST


def analyse(stakeholder: Stakeholder, *, rules: Rules, methods: tuple[Method, ...]) -> StakeholderAnalysis:
    square = quadrant(stakeholder, high_from=rules.high_from)
    flags: list[StakeholderFlag] = []
    if is_opponent(stakeholder, high_from=rules.high_from):
        flags.append(StakeholderFlag(
            OPPONENT,
            f"{stakeholder.name} heeft veel invloed en is tegen. Ga vroeg en persoonlijk in gesprek, "
            "en leg vast wat jullie afspreken.",
        ))
    if not any(m.reaches_category(stakeholder.category) for m in methods):
        flags.append(StakeholderFlag(
            UNREACHED,
            f"Geen van de gekozen werkvormen bereikt de categorie '{stakeholder.category}'. Benader "
            f"{stakeholder.name} persoonlijk of voeg een werkvorm toe.",
        ))
    return StakeholderAnalysis(
        name=stakeholder.name,
        category=stakeholder.category,
        influence=stakeholder.influence,
        interest=stakeholder.interest,
        position=stakeholder.position,
        quadrant=square,
        approach=f"{rules.approaches[square]} {_POSITION_SENTENCE[stakeholder.position]}",
        flags=tuple(flags),
    )


def analyse_all(stakeholders: tuple[Stakeholder, ...], *, rules: Rules, methods: tuple[Method, ...]
                ) -> tuple[StakeholderAnalysis, ...]:
    return tuple(analyse(s, rules=rules, methods=methods) for s in stakeholders)


def key_categories(intake: Intake, rules: Rules) -> tuple[str, ...]:
    """Categories of the stakeholders that matter (not in 'monitoren'), once each, in table order."""
    found: dict[str, None] = {}
    for s in intake.stakeholders:
        if quadrant(s, high_from=rules.high_from) is not Quadrant.MONITOR:
            found.setdefault(s.category, None)
    return tuple(found)
