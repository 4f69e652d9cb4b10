"""The records of an advice: what ``advise`` returns and what the documents and the CLI show.

Everything is frozen and made of enums, texts, ``Decimal`` and tuples, so an advice can be compared,
hashed and serialised byte for byte. Texts meant for people are Dutch (B1); names in code are English.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from toolbox_docs.advice.phrases import Phrase
from toolbox_docs.vocab import Level, ParticipationKind, Position, RobRung, position

# Bump when a change in the advice logic can change an outcome for the same intake and data files.
CODE_VERSION = "advies-2"


class Route(StrEnum):
    """Which frame the advice uses: the participatieladder, the ROB trap, or the uitdaagrecht."""

    LADDER = "participatieladder"
    ROB = "overheidsparticipatietrap"
    CHALLENGE = "uitdaagrecht"


class Quadrant(StrEnum):
    """Mendelow's grid of influence × interest (domain.md §6), by its Dutch name."""

    MANAGE_CLOSELY = "nauw betrekken"
    KEEP_SATISFIED = "tevreden houden"
    KEEP_INFORMED = "informeren en betrekken"
    MONITOR = "monitoren"


@dataclass(frozen=True)
class PointItem:
    """One line of the level's points model: which input, its value, and the points it gave."""

    factor: str
    value: str
    points: int


class Tier(StrEnum):
    """How full the programme of methods is (``[programma]`` in advies.toml)."""

    LIGHT = "licht"
    MODERATE = "gemiddeld"
    INTENSIVE = "intensief"

    @property
    def rank(self) -> int:
        return position(self)


class CheckStatus(StrEnum):
    """A point of the checklist: met, not met, or not applicable (with the reason)."""

    MET = "ja"
    MISSING = "nee"
    NOT_APPLICABLE = "n.v.t."


@dataclass(frozen=True)
class AdviceWarning:
    """A point of attention for the trekker; ``complaints`` are the ombudsman's complaints it helps
    prevent, ``field`` the intake field that fixes it. Never printed in the proposal."""

    code: str
    complaints: tuple[int, ...]
    phrase: Phrase
    field: str
    field_label: str


@dataclass(frozen=True)
class StakeholderFlag:
    code: str
    phrase: Phrase


@dataclass(frozen=True)
class StakeholderAnalysis:
    name: str
    category: str
    influence: int
    interest: int
    position: Position
    quadrant: Quadrant
    role: str
    approach: Phrase
    flags: tuple[StakeholderFlag, ...]


@dataclass(frozen=True)
class ChosenMethod:
    """A method in the advice with what it costs. ``euros = labour_euros + external_euros``, where
    ``labour_euros`` is hours × tariff and ``external_euros`` fixed costs plus costs per participant."""

    id: str
    name: str
    description: str
    covers: tuple[str, ...]
    needs: tuple[str, ...]
    reasons: tuple[Phrase, ...]
    purposes: tuple[Phrase, ...]
    mode: str
    depth: str
    activity: str
    sessions: int
    duration_weeks: int
    lead_time_weeks: int
    participants: int
    preparation_hours: Decimal
    execution_hours: Decimal
    hours: Decimal
    labour_euros: Decimal
    fixed_costs: Decimal
    participant_costs: Decimal
    external_euros: Decimal
    euros: Decimal


@dataclass(frozen=True)
class Totals:
    hours: Decimal
    labour_euros: Decimal
    external_euros: Decimal
    euros: Decimal


@dataclass(frozen=True)
class BudgetComparison:
    """The plan against the intake's budget: external costs against ``budget_euros`` (the intake asks
    for the external budget) and internal hours against ``budget_hours``."""

    budget_euros: Decimal
    budget_hours: Decimal
    external_euros: Decimal
    hours: Decimal
    short_euros: Decimal
    short_hours: Decimal
    summary: Phrase

    @property
    def fits(self) -> bool:
        return self.short_euros == 0 and self.short_hours == 0


@dataclass(frozen=True)
class CheckResult:
    """One point of the compliance checklist: met, missing (with the field that would fix it) or not
    applicable (with the reason)."""

    id: str
    text: str
    source: str
    status: CheckStatus
    field: str
    field_label: str
    reason: Phrase | None = None

    @property
    def met(self) -> bool:
        """Met or not applicable: nothing to do."""
        return self.status is not CheckStatus.MISSING


@dataclass(frozen=True)
class Versions:
    catalogue: str
    rules: str
    checklist: str
    code: str = CODE_VERSION


@dataclass(frozen=True)
class Advice:
    project_name: str
    kind: ParticipationKind
    route: Route
    level: Level | None
    rung: RobRung | None
    cap: Level | None
    needed: Level | None
    points: tuple[PointItem, ...]
    total_points: int
    reasons: tuple[Phrase, ...]
    warnings: tuple[AdviceWarning, ...]
    stakeholders: tuple[StakeholderAnalysis, ...]
    tier: Tier
    tier_reason: Phrase
    methods: tuple[ChosenMethod, ...]
    method_notes: tuple[Phrase, ...]
    uncovered: tuple[str, ...]
    totals: Totals
    budget: BudgetComparison
    checklist: tuple[CheckResult, ...]
    hourly_rate: Decimal
    versions: Versions

    @property
    def outcome(self) -> str:
        """The advised level or rung as the Dutch word (the evaluation form's 'planned level')."""
        if self.level is not None:
            return self.level.value
        return self.rung.value if self.rung is not None else ""

    @property
    def warning_codes(self) -> tuple[str, ...]:
        return tuple(w.code for w in self.warnings)

    @property
    def method_ids(self) -> tuple[str, ...]:
        return tuple(m.id for m in self.methods)
