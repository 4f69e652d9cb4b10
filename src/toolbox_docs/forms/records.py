"""Typed, immutable records of a validated intake and evaluation.

Attribute names equal the field ids of ``schema.py``; the validator builds a record from the typed
values of the fields that apply (``Intake(**values)``), so a field is declared only in the schema and
here, and ``tests/test_schema.py`` checks that the two agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from decimal import Decimal

from toolbox_docs.vocab import (
    CRITERION_KEYS,
    INITIATIVE_ASK_KEYS,
    TARGET_GROUP_KEYS,
    Criterion,
    DecisionMaker,
    InfluenceRoom,
    InitiativeAsk,
    Intensity,
    Level,
    Magnitude,
    ParticipationKind,
    PolicyPhase,
    Position,
    ProposalKind,
    RobRung,
    Scale,
    Score,
    Support,
    TargetGroup,
    step_name,
)


@dataclass(frozen=True)
class Stakeholder:
    name: str
    category: str
    influence: int
    interest: int
    position: Position
    contact: str | None = None
    row: int = 0


@dataclass(frozen=True)
class Intake:
    project_name: str
    project_description: str
    trekker_name: str
    trekker_email: str
    trekker_phone: str | None
    team: str
    area: str
    policy_field: str
    location: str | None
    keywords: str | None
    participation_kind: ParticipationKind
    initiator: str | None
    asks_money: bool | None
    asks_space: bool | None
    asks_knowledge: bool | None
    asks_rules: bool | None
    asks_network: bool | None
    public_interest: Magnitude | None
    initiative_risk: Intensity | None
    challenge_right: bool | None
    policy_phase: PolicyPhase
    decision_maker: DecisionMaker
    proposal_kind: ProposalKind
    scale: Scale
    influence_room: InfluenceRoom | None
    impact: Magnitude | None
    sensitivity: Intensity | None
    handover_willing: bool | None
    target_youth: bool | None
    target_elderly: bool | None
    target_entrepreneurs: bool | None
    target_non_native: bool | None
    target_low_literacy: bool | None
    target_disability: bool | None
    target_digital_low: bool | None
    participation_start: dt.date
    participation_end: dt.date
    decision_date: dt.date | None
    budget_euros: Decimal
    budget_hours: Decimal
    reason_goal: str
    fixed_frameworks: str
    open_to_influence: str | None
    input_use: str | None
    feedback_plan: str | None
    no_participation_reason: str | None
    portfolio_holder: str | None = None
    initiative_request: str | None = None
    initiative_amount: Decimal | None = None
    challenge_received: dt.date | None = None
    stakeholders: tuple[Stakeholder, ...] = ()

    @property
    def target_groups(self) -> tuple[TargetGroup, ...]:
        """The target groups marked 'ja', in the order of the list."""
        return tuple(g for g, key in TARGET_GROUP_KEYS.items() if getattr(self, f"target_{key}"))

    @property
    def initiative_asks(self) -> tuple[InitiativeAsk, ...]:
        if self.participation_kind is not ParticipationKind.OVERHEID:
            return ()
        return tuple(a for a, key in INITIATIVE_ASK_KEYS.items() if getattr(self, f"asks_{key}"))

@dataclass(frozen=True)
class MethodUsed:
    method: str
    participants: int | None
    hours: Decimal | None
    euros: Decimal | None
    row: int = 0


@dataclass(frozen=True)
class CriterionScore:
    criterion: Criterion
    score: Score
    note: str | None


@dataclass(frozen=True)
class Evaluation:
    project_id: str
    project_name: str
    participation_kind: ParticipationKind
    trekker_name: str
    trekker_email: str
    planned_level: Level | None
    planned_role: RobRung | None
    planned_methods: str | None
    planned_hours: Decimal | None
    planned_euros: Decimal | None
    participation_start: dt.date | None
    participation_end: dt.date | None
    achieved_level: Level | None
    achieved_role: RobRung | None
    decision_taken: bool
    outcome: str
    unexpected: str | None
    support: Support
    participant_rating: Decimal | None
    crit_plan_score: Score
    crit_plan_note: str | None
    crit_owner_score: Score
    crit_owner_note: str | None
    crit_inclusion_score: Score
    crit_inclusion_note: str | None
    crit_goal_score: Score
    crit_goal_note: str | None
    crit_influence_score: Score
    crit_influence_note: str | None
    crit_frameworks_score: Score
    crit_frameworks_note: str | None
    crit_transparency_score: Score
    crit_transparency_note: str | None
    crit_timing_score: Score
    crit_timing_note: str | None
    crit_information_score: Score
    crit_information_note: str | None
    crit_feedback_score: Score
    crit_feedback_note: str | None
    went_well: str
    could_be_better: str
    lessons: str
    keywords: str | None
    methods_used: tuple[MethodUsed, ...] = ()

    @property
    def criteria(self) -> tuple[CriterionScore, ...]:
        return tuple(
            CriterionScore(c, getattr(self, f"crit_{key}_score"), getattr(self, f"crit_{key}_note"))
            for c, key in CRITERION_KEYS.items()
        )

    @property
    def step_name(self) -> str:
        """What was planned and reached: "niveau" (burgerparticipatie) or "rol van de gemeente"."""
        return step_name(self.participation_kind.value)

    @property
    def planned_step(self) -> str:
        """The planned level or role as its Dutch word ("" when none is known)."""
        return _word(self.planned_level or self.planned_role)

    @property
    def achieved_step(self) -> str:
        """The level reached or the role the municipality had, as its Dutch word ("" when none is known)."""
        return _word(self.achieved_level or self.achieved_role)


def _word(choice: Level | RobRung | None) -> str:
    return choice.value if choice is not None else ""


RECORDS: dict[str, type] = {"intake": Intake, "evaluatie": Evaluation}
ROW_RECORDS: dict[str, type] = {"intake": Stakeholder, "evaluatie": MethodUsed}


def record_field_names(record_type: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(record_type))
