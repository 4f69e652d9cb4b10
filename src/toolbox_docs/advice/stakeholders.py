"""Per stakeholder: the quadrant of influence × interest (Mendelow), an approach, and flags.

A score at or above ``hoog_vanaf`` (``advies.toml``) counts as high. The approach is a sentence of the
wording (``teksten/zinnen.toml``, key ``partij.aanpak``) chosen by quadrant, position and the party's role:
for overheidsparticipatie the initiators themselves and partners are not "informed and involved" like
residents, they make agreements with the municipality. Flags: a party with high influence that is against,
and a party that none of the chosen methods reaches.
"""

from __future__ import annotations

from toolbox_docs.advice.catalogue import Method
from toolbox_docs.advice.model import Quadrant, StakeholderAnalysis, StakeholderFlag
from toolbox_docs.advice.phrases import Phrase
from toolbox_docs.advice.rules import Rules
from toolbox_docs.forms.records import Intake, Stakeholder
from toolbox_docs.vocab import ParticipationKind, Position

OPPONENT = "tegen-met-invloed"
UNREACHED = "categorie-niet-bereikt"

# The party's role in the process (overheidsparticipatie); empty for burgerparticipatie.
INITIATOR = "initiatiefnemer"
PARTNER = "partner"
CONCERNED = "betrokkene"


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


def needs_personal_talk(stakeholder: Stakeholder, *, high_from: int) -> bool:
    """An influential party that is against, or whose position nobody knows yet: talk with it in person."""
    return stakeholder.influence >= high_from and stakeholder.position in (Position.AGAINST, Position.UNKNOWN)


def is_initiator(stakeholder: Stakeholder, intake: Intake) -> bool:
    """Whether the party is the initiative's own initiator (named in 'Initiatiefnemer')."""
    initiator = " ".join((intake.initiator or "").casefold().split())
    name = " ".join(stakeholder.name.casefold().split())
    # The same name, or the party's name holding the initiator's whole ("Bewonersgroep De Pit" for "De Pit");
    # not a party whose name is only a part of it ("Bewoners" is not "Bewonersgroep").
    return bool(initiator) and (name == initiator or f" {initiator} " in f" {name} ")


def role_of(stakeholder: Stakeholder, intake: Intake, *, high_from: int) -> str:
    if intake.participation_kind is not ParticipationKind.OVERHEID:
        return ""
    if is_initiator(stakeholder, intake):
        return INITIATOR
    if stakeholder.influence >= high_from and stakeholder.position is Position.FOR:
        return PARTNER
    return CONCERNED


def analyse(stakeholder: Stakeholder, *, intake: Intake, rules: Rules, methods: tuple[Method, ...],
            talked_to: frozenset[str] = frozenset()) -> StakeholderAnalysis:
    square = quadrant(stakeholder, high_from=rules.high_from)
    role = role_of(stakeholder, intake, high_from=rules.high_from)
    flags: list[StakeholderFlag] = []
    if is_opponent(stakeholder, high_from=rules.high_from):
        flags.append(StakeholderFlag(OPPONENT, Phrase.of("partij.tegen_met_invloed", naam=stakeholder.name)))
    reached = stakeholder.name in talked_to or role == INITIATOR or any(
        m.reaches_category(stakeholder.category) and not m.per_party for m in methods)
    if not reached:
        flags.append(StakeholderFlag(UNREACHED, Phrase.of("partij.niet_bereikt", naam=stakeholder.name,
                                                          categorie=stakeholder.category)))
    return StakeholderAnalysis(
        name=stakeholder.name,
        category=stakeholder.category,
        influence=stakeholder.influence,
        interest=stakeholder.interest,
        position=stakeholder.position,
        quadrant=square,
        role=role,
        approach=Phrase.of("partij.aanpak", kwadrant=square.value, standpunt=stakeholder.position.value, rol=role),
        flags=tuple(flags),
    )


def analyse_all(intake: Intake, *, rules: Rules, methods: tuple[Method, ...],
                talked_to: frozenset[str] = frozenset()) -> tuple[StakeholderAnalysis, ...]:
    return tuple(analyse(s, intake=intake, rules=rules, methods=methods, talked_to=talked_to)
                 for s in intake.stakeholders)


def key_categories(intake: Intake, rules: Rules) -> tuple[str, ...]:
    """Categories of the stakeholders that matter (not in 'monitoren'), once each, in table order; for an
    initiative, not the initiators' own."""
    found: dict[str, None] = {}
    for s in intake.stakeholders:
        if quadrant(s, high_from=rules.high_from) is Quadrant.MONITOR or role_of(s, intake, high_from=rules.high_from) \
                == INITIATOR:
            continue
        found.setdefault(s.category, None)
    return tuple(found)


def key_parties(intake: Intake, rules: Rules) -> tuple[str, ...]:
    """The names of the influential parties that are against or unknown (not the initiators), in table order."""
    return tuple(s.name for s in intake.stakeholders
                 if needs_personal_talk(s, high_from=rules.high_from)
                 and role_of(s, intake, high_from=rules.high_from) != INITIATOR)
