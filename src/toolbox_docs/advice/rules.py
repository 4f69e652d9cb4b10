"""The advice's rules as data (``templates/advies.toml``): level, role, programme, planning, uitdaagrecht.

An advisor changes weights and thresholds in the file, not in code; the advice records the file's
``versie``. ``parse_rules`` is pure and checks every entry; ``load_rules`` reads the file and reports a
broken entry as a ``SettingsError`` naming the file and the entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from toolbox_docs.advice.datafile import DataError, Entry
from toolbox_docs.errors import SettingsError
from toolbox_docs.settings import read_toml
from toolbox_docs.vocab import (
    InitiativeAsk,
    Intensity,
    Level,
    Magnitude,
    PolicyPhase,
    RobRung,
    Scale,
)

ABOVE_INFORM = tuple(level for level in Level if level is not Level.INFORM)


@dataclass(frozen=True)
class InterestStep:
    """Points for stakeholders with a high interest: given when both the count and the share are met."""

    min_count: int
    min_share: Decimal
    points: int


@dataclass(frozen=True)
class LevelRules:
    impact: Mapping[Magnitude, int]
    sensitivity: Mapping[Intensity, int]
    scale: Mapping[Scale, int]
    handover: int
    interest_steps: tuple[InterestStep, ...]
    thresholds: Mapping[Level, int]


@dataclass(frozen=True)
class RoleCombination:
    ask: InitiativeAsk | None
    interest: Magnitude | None
    risk: Intensity | None
    rung: RobRung


@dataclass(frozen=True)
class RoleRules:
    by_ask: Mapping[InitiativeAsk, RobRung]
    by_interest: Mapping[Magnitude, RobRung]
    by_risk: Mapping[Intensity, RobRung]
    combinations: tuple[RoleCombination, ...]
    challenge_min: RobRung


@dataclass(frozen=True)
class PlanningRules:
    late_phases: tuple[PolicyPhase, ...]
    late_max_level: Level
    min_weeks_to_decision: Mapping[Level, int]
    processing_weeks: int
    invitation_weeks: int
    feedback_after_decision_weeks: int


@dataclass(frozen=True)
class Step:
    """From ``start`` (weeks or euros) on, ``points`` points; the highest step reached counts."""

    start: Decimal
    points: int


@dataclass(frozen=True)
class ProgrammeRules:
    """How full the programme of methods is: points per feature, thresholds per tier, budget use."""

    impact: Mapping[Magnitude, int]
    sensitivity: Mapping[Intensity, int]
    scale: Mapping[Scale, int]
    duration: tuple[Step, ...]
    budget: tuple[Step, ...]
    public_interest: Mapping[Magnitude, int]
    moderate_from: int
    intensive_from: int
    min_budget_use: Decimal


@dataclass(frozen=True)
class ChallengeRules:
    """The terms of the uitdaagrecht procedure, in weeks after the request came in."""

    confirm_weeks: int
    assess_weeks: int
    decide_weeks: int
    agreement_weeks: int


@dataclass(frozen=True)
class Rules:
    version: str
    level: LevelRules
    high_from: int
    roles: RoleRules
    planning: PlanningRules
    expectation_margin: int
    reach: Mapping[Scale, int]
    programme: ProgrammeRules
    challenge: ChallengeRules


def _level_rules(entry: Entry) -> LevelRules:
    steps: list[InterestStep] = []
    for step in entry.tables("belang", name="[[niveau.belang]]"):
        share = step.decimal("minimaal_aandeel")
        if share > 1:
            raise step.fail("minimaal_aandeel", "moet tussen 0 en 1 liggen (0.5 is de helft)")
        steps.append(InterestStep(step.integer("minimaal_aantal"), share, step.integer("punten")))
        step.finish()
    thresholds_entry = entry.table("drempels")
    thresholds: dict[Level, int] = {}
    previous = 0
    for level in ABOVE_INFORM:
        if not thresholds_entry.has(level.value):
            raise thresholds_entry.fail(level.value, "ontbreekt")
        value = thresholds_entry.integer(level.value, minimum=1)
        if value <= previous:
            raise thresholds_entry.fail(level.value, "moet hoger zijn dan de drempel van het niveau eronder")
        thresholds[level] = previous = value
    thresholds_entry.finish()
    rules = LevelRules(
        impact=entry.enum_map("impact", Magnitude),
        sensitivity=entry.enum_map("gevoeligheid", Intensity),
        scale=entry.enum_map("schaal", Scale),
        handover=entry.integer("overdracht_punten"),
        interest_steps=tuple(steps),
        thresholds=thresholds,
    )
    entry.finish()
    return rules


def _rung_map(entry: Entry, key: str, enum: Any) -> dict[Any, RobRung]:
    inner = entry.table(key)
    result = {}
    for member in enum:
        if not inner.has(member.value):
            raise inner.fail(member.value, "ontbreekt")
        result[member] = inner.choice(member.value, RobRung)
    inner.finish()
    return result


def _role_rules(entry: Entry) -> RoleRules:
    combinations: list[RoleCombination] = []
    if entry.has("combinatie"):
        for combo in entry.tables("combinatie", name="[[rol.combinatie]]"):
            ask = combo.choice("vraag", InitiativeAsk) if combo.has("vraag") else None
            interest = combo.choice("belang", Magnitude) if combo.has("belang") else None
            risk = combo.choice("risico", Intensity) if combo.has("risico") else None
            if ask is None and interest is None and risk is None:
                raise combo.fail("vraag", "ontbreekt: een combinatie noemt minstens vraag, belang of risico")
            combinations.append(RoleCombination(ask, interest, risk, combo.choice("trede", RobRung)))
            combo.finish()
    rules = RoleRules(
        by_ask=_rung_map(entry, "vraag", InitiativeAsk),
        by_interest=_rung_map(entry, "belang", Magnitude),
        by_risk=_rung_map(entry, "risico", Intensity),
        combinations=tuple(combinations),
        challenge_min=entry.choice("uitdaagrecht_minimaal", RobRung),
    )
    entry.finish()
    return rules


def _planning_rules(entry: Entry) -> PlanningRules:
    weeks_entry = entry.table("min_weken_tot_besluit")
    weeks: dict[Level, int] = {}
    for level in ABOVE_INFORM:
        if not weeks_entry.has(level.value):
            raise weeks_entry.fail(level.value, "ontbreekt")
        weeks[level] = weeks_entry.integer(level.value)
    weeks_entry.finish()
    rules = PlanningRules(
        late_phases=entry.choices("late_fasen", PolicyPhase),
        late_max_level=entry.choice("hoogste_niveau_late_fase", Level),
        min_weeks_to_decision=weeks,
        processing_weeks=entry.integer("verwerking_weken"),
        invitation_weeks=entry.integer("uitnodiging_weken"),
        feedback_after_decision_weeks=entry.integer("terugkoppeling_na_besluit_weken"),
    )
    entry.finish()
    return rules


def _steps(entry: Entry, key: str, start_key: str) -> tuple[Step, ...]:
    steps: list[Step] = []
    for step in entry.tables(key, name=f"[[programma.{key}]]"):
        steps.append(Step(step.decimal(start_key), step.integer("punten")))
        step.finish()
    if not any(s.start == 0 for s in steps):
        raise entry.fail(key, f"heeft een stap met {start_key} = 0 nodig")
    return tuple(sorted(steps, key=lambda s: s.start))


def _programme_rules(entry: Entry) -> ProgrammeRules:
    thresholds = entry.table("drempels")
    moderate = thresholds.integer("gemiddeld", minimum=1)
    intensive = thresholds.integer("intensief", minimum=1)
    if intensive <= moderate:
        raise thresholds.fail("intensief", "moet hoger zijn dan de drempel voor gemiddeld")
    thresholds.finish()
    use = entry.decimal("benut_minimaal")
    if use > 1:
        raise entry.fail("benut_minimaal", "moet tussen 0 en 1 liggen (0.5 is de helft)")
    rules = ProgrammeRules(
        impact=entry.enum_map("impact", Magnitude),
        sensitivity=entry.enum_map("gevoeligheid", Intensity),
        scale=entry.enum_map("schaal", Scale),
        duration=_steps(entry, "duur", "vanaf_weken"),
        budget=_steps(entry, "budget", "vanaf_euro"),
        public_interest=entry.enum_map("maatschappelijk_belang", Magnitude),
        moderate_from=moderate,
        intensive_from=intensive,
        min_budget_use=use,
    )
    entry.finish()
    return rules


def _challenge_rules(entry: Entry) -> ChallengeRules:
    rules = ChallengeRules(
        confirm_weeks=entry.integer("ontvangst_bevestigen_weken", minimum=1),
        assess_weeks=entry.integer("toets_weken", minimum=1),
        decide_weeks=entry.integer("besluit_weken", minimum=1),
        agreement_weeks=entry.integer("afspraken_weken", minimum=1),
    )
    order = [rules.confirm_weeks, rules.assess_weeks, rules.decide_weeks, rules.agreement_weeks]
    if order != sorted(order) or len(set(order)) != len(order):
        raise entry.fail("afspraken_weken", "de termijnen moeten na elkaar komen: bevestigen, toetsen, besluiten, "
                         "afspraken")
    entry.finish()
    return rules


def parse_rules(data: Mapping[str, Any]) -> Rules:
    top = Entry(data, "")
    version = top.version()
    stakeholders = top.table("belanghebbenden")
    high_from = stakeholders.integer("hoog_vanaf", minimum=1)
    if high_from > 5:
        raise stakeholders.fail("hoog_vanaf", "moet tussen 1 en 5 liggen (invloed en belang zijn 1-5)")
    if stakeholders.has("aanpak"):
        raise stakeholders.fail("aanpak", "staat sinds versie 2026.1 in teksten/zinnen.toml (sectie [partij]); "
                                "verplaats de zinnen daarheen")
    stakeholders.finish()
    expectation = top.table("verwachting")
    margin = expectation.integer("marge", minimum=1)
    expectation.finish()
    reach = top.table("bereik")
    reach_map = {scale: reach.integer(scale.value, minimum=1)
                 for scale in Scale if _require(reach, scale.value)}
    reach.finish()
    rules = Rules(
        version=version,
        level=_level_rules(top.table("niveau")),
        high_from=high_from,
        roles=_role_rules(top.table("rol")),
        planning=_planning_rules(top.table("planning")),
        expectation_margin=margin,
        reach=reach_map,
        programme=_programme_rules(top.table("programma")),
        challenge=_challenge_rules(top.table("uitdaagrecht")),
    )
    top.finish()
    return rules


def _require(entry: Entry, key: str) -> bool:
    if not entry.has(key):
        raise entry.fail(key, "ontbreekt")
    return True


def load_rules(path: Path) -> Rules:
    try:
        return parse_rules(read_toml(path))
    except DataError as error:
        raise SettingsError(f"{error}.", path=path) from None
