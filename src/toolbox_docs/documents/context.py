"""What the wording templates get to see. Pure: builds plain mappings from records."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from toolbox_docs.advice.model import Advice, Quadrant, StakeholderAnalysis
from toolbox_docs.documents.planning import planning
from toolbox_docs.evaluation import Comparison, verdict
from toolbox_docs.forms.records import Evaluation, Intake
from toolbox_docs.forms.validate import Problem
from toolbox_docs.forms.vocab import InfluenceRoom, Level

_QUADRANT_ORDER = (Quadrant.MANAGE_CLOSELY, Quadrant.KEEP_SATISFIED, Quadrant.KEEP_INFORMED, Quadrant.MONITOR)


def purpose(covers: Sequence[str]) -> str:
    """What a method is for, short: "informeren; adviseren; jongeren en ouderen bereiken; terugkoppelen"."""
    parts: list[str] = []
    groups = [c.removeprefix("doelgroep ") for c in covers if c.startswith("doelgroep ")]
    for need in covers:
        if need == "informeren" or need == "terugkoppelen":
            continue
        if need.startswith(("niveau ", "rol ")):
            parts.append(need.split(" ", 1)[1])
        elif need.startswith("uitdaagrecht"):
            parts.append(need)
    if "informeren" in covers:
        parts.insert(0, "informeren")
    if groups:
        parts.append(_and(groups) + " bereiken")
    if "terugkoppelen" in covers:
        parts.append("terugkoppelen")
    return "; ".join(parts) or ", ".join(covers)


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1]


def purposes(advice: Advice) -> dict[str, str]:
    return {m.id: purpose(m.covers) for m in advice.methods}


def no_participation(intake: Intake, advice: Advice) -> bool:
    """Only informing, because nothing is open to influence: the paragraph then says why."""
    return advice.level is Level.INFORM and intake.influence_room is InfluenceRoom.NONE


def by_importance(stakeholders: Sequence[StakeholderAnalysis]) -> list[StakeholderAnalysis]:
    return sorted(stakeholders, key=lambda s: (_QUADRANT_ORDER.index(s.quadrant), -s.influence, -s.interest))


def paragraph_context(intake: Intake, advice: Advice, *, organisation: str,
                      outcome: Mapping[str, str] | None = None) -> dict[str, Any]:
    """``outcome`` (after the evaluation, before the decision): outcome, achieved_level, support, verdict."""
    return {
        "intake": intake,
        "advice": advice,
        "organisation": organisation,
        "no_participation": no_participation(intake, advice),
        "stakeholders": by_importance(advice.stakeholders),
        "purposes": purposes(advice),
        "outcome": outcome,
    }


def plan_context(intake: Intake, advice: Advice, *, organisation: str, form_warnings: Sequence[Problem]
                 ) -> dict[str, Any]:
    return {
        "intake": intake,
        "advice": advice,
        "organisation": organisation,
        "no_participation": no_participation(intake, advice),
        "stakeholders": list(advice.stakeholders),
        "purposes": purposes(advice),
        "planning": planning(intake, advice),
        "form_warnings": list(form_warnings),
    }


def report_context(evaluation: Evaluation, *, organisation: str, comparison: Comparison) -> dict[str, Any]:
    """``comparison``: planned against actual on one basis (``evaluation.compare``)."""
    judged = verdict(evaluation)
    return {
        "evaluation": evaluation,
        "organisation": organisation,
        "verdict": judged.value,
        "verdict_reason": judged.reason,
        "planned": comparison.planned,
        "actual": comparison.actual,
        "hourly_rate": comparison.hourly_rate,
        "planned_methods": comparison.planned_methods,
        "used_methods": comparison.used_methods,
    }
