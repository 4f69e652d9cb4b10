"""Closed lists of the participation domain, as enums whose values are the Dutch words people pick.

The order of members is meaningful where a list is a scale (the participatieladder, geographic scale,
impact): ``rank`` gives the position. Lists that differ per municipality (areas, policy fields,
stakeholder categories) are not here: they come from settings.
"""

from __future__ import annotations

import functools
from enum import Enum, StrEnum


@functools.cache
def _positions(kind: type[Enum]) -> dict[Enum, int]:
    return {member: number for number, member in enumerate(kind)}


def position(member: Enum) -> int:
    """Where a member stands in its list: its rank on a scale (asked thousands of times per advice)."""
    return _positions(type(member))[member]


class Choice(StrEnum):
    """A closed list whose value is the Dutch word shown in the workbook."""

    @property
    def rank(self) -> int:
        return position(self)

    @classmethod
    def values(cls) -> tuple[str, ...]:
        return tuple(member.value for member in cls)

    def __str__(self) -> str:
        return str(self.value)


class ParticipationKind(Choice):
    BURGER = "burgerparticipatie"
    OVERHEID = "overheidsparticipatie"


class PolicyPhase(Choice):
    AGENDA = "agendavorming"
    PREPARATION = "beleidsvoorbereiding"
    DECISION = "besluitvorming"
    EXECUTION = "uitvoering"
    EVALUATION = "evaluatie"


class DecisionMaker(Choice):
    COLLEGE = "college"
    COUNCIL = "raad"


class ProposalKind(Choice):
    COLLEGE = "collegevoorstel"
    COUNCIL = "raadsvoorstel"
    NONE = "geen"


class Scale(Choice):
    STREET = "straat"
    NEIGHBOURHOOD = "buurt"
    DISTRICT = "wijk"
    CITY = "stad"
    REGION = "regio"


class InfluenceRoom(Choice):
    NONE = "geen"
    LIMITED = "beperkt"
    MODERATE = "gemiddeld"
    LARGE = "groot"


class Magnitude(Choice):
    SMALL = "klein"
    MODERATE = "gemiddeld"
    LARGE = "groot"


class Intensity(Choice):
    LOW = "laag"
    MODERATE = "gemiddeld"
    HIGH = "hoog"


class TargetGroup(Choice):
    YOUTH = "jongeren"
    ELDERLY = "ouderen"
    ENTREPRENEURS = "ondernemers"
    NON_NATIVE = "anderstaligen"
    LOW_LITERACY = "laaggeletterden"
    DISABILITY = "mensen met een beperking"
    DIGITAL_LOW = "digitaal minder vaardigen"


class InitiativeAsk(Choice):
    MONEY = "geld"
    SPACE = "ruimte"
    KNOWLEDGE = "kennis"
    RULES = "regels/vergunning"
    NETWORK = "netwerk"


class Position(Choice):
    FOR = "voor"
    NEUTRAL = "neutraal"
    AGAINST = "tegen"
    UNKNOWN = "onbekend"


class Level(Choice):
    """The participatieladder (Edelenbos et al.), lowest to highest."""

    INFORM = "informeren"
    CONSULT = "raadplegen"
    ADVISE = "adviseren"
    COPRODUCE = "coproduceren"
    CODECIDE = "meebeslissen"


class RobRung(Choice):
    """The overheidsparticipatietrap (ROB 2012), from least to most government involvement."""

    LET_GO = "loslaten"
    FACILITATE = "faciliteren"
    STIMULATE = "stimuleren"
    DIRECT = "regisseren"
    REGULATE = "reguleren"


class Score(Choice):
    GOOD = "goed"
    SUFFICIENT = "voldoende"
    INSUFFICIENT = "onvoldoende"


class Support(Choice):
    LARGE = "groot"
    LIMITED = "beperkt"
    NONE = "geen"


class Criterion(Choice):
    """Gennep's ten evaluation criteria (domain.md §5); the value is the short Dutch name."""

    PLAN = "plan vooraf"
    OWNER = "trekker en organisatie"
    INCLUSION = "vertegenwoordiging en inclusie"
    GOAL = "doel helder en gehaald"
    INFLUENCE = "invloed op passend niveau"
    FRAMEWORKS = "kaders vooraf helder"
    TRANSPARENCY = "transparantie"
    TIMING = "timing"
    INFORMATION = "toegang tot informatie"
    FEEDBACK = "terugkoppeling"


CRITERION_QUESTIONS: dict[Criterion, str] = {
    Criterion.PLAN: "Was er vooraf een participatieplan?",
    Criterion.OWNER: "Was duidelijk wie de trekker was en hoe het proces georganiseerd was?",
    Criterion.INCLUSION: "Deden de juiste mensen mee, ook de groepen uit de stakeholderanalyse?",
    Criterion.GOAL: "Was het doel van de participatie duidelijk, en is het gehaald?",
    Criterion.INFLUENCE: "Kregen deelnemers invloed op het hoogst passende niveau?",
    Criterion.FRAMEWORKS: "Waren de kaders (wat vastligt en wat open is) vooraf duidelijk?",
    Criterion.TRANSPARENCY: "Was het proces open en navolgbaar voor deelnemers?",
    Criterion.TIMING: "Begon de participatie zo vroeg als mogelijk?",
    Criterion.INFORMATION: "Konden deelnemers gemakkelijk aan de informatie komen die ze nodig hadden?",
    Criterion.FEEDBACK: "Hebben deelnemers gehoord wat er met hun inbreng is gedaan?",
}

# Short field-id stems for the criteria, used to build the evaluation form's field ids.
CRITERION_KEYS: dict[Criterion, str] = {
    Criterion.PLAN: "plan",
    Criterion.OWNER: "owner",
    Criterion.INCLUSION: "inclusion",
    Criterion.GOAL: "goal",
    Criterion.INFLUENCE: "influence",
    Criterion.FRAMEWORKS: "frameworks",
    Criterion.TRANSPARENCY: "transparency",
    Criterion.TIMING: "timing",
    Criterion.INFORMATION: "information",
    Criterion.FEEDBACK: "feedback",
}

# Field-id stems for the target groups and the initiative's asks (one yes/no cell each).
TARGET_GROUP_KEYS: dict[TargetGroup, str] = {
    TargetGroup.YOUTH: "youth",
    TargetGroup.ELDERLY: "elderly",
    TargetGroup.ENTREPRENEURS: "entrepreneurs",
    TargetGroup.NON_NATIVE: "non_native",
    TargetGroup.LOW_LITERACY: "low_literacy",
    TargetGroup.DISABILITY: "disability",
    TargetGroup.DIGITAL_LOW: "digital_low",
}

INITIATIVE_ASK_KEYS: dict[InitiativeAsk, str] = {
    InitiativeAsk.MONEY: "money",
    InitiativeAsk.SPACE: "space",
    InitiativeAsk.KNOWLEDGE: "knowledge",
    InitiativeAsk.RULES: "rules",
    InitiativeAsk.NETWORK: "network",
}

# Both ladders in one list: the evaluation template of version 1 offered this for its level fields.
ALL_LEVELS: tuple[str, ...] = Level.values() + RobRung.values()

# What a step on the ladder is called, per kind: a level of the participatieladder (burgerparticipatie)
# or a role of the municipality on the overheidsparticipatietrap (overheidsparticipatie).
LEVEL_NAME = "niveau"
ROLE_NAME = "rol van de gemeente"


def step_name(kind: str) -> str:
    """"niveau" or "rol van de gemeente" for a participation kind (its Dutch value)."""
    return ROLE_NAME if kind == ParticipationKind.OVERHEID.value else LEVEL_NAME
