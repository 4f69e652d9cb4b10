"""What the wording templates get to see. Pure: builds plain mappings from records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from babel.dates import format_date

from toolbox_docs.advice.evaluation import Comparison, verdict
from toolbox_docs.advice.model import Advice, Quadrant, StakeholderAnalysis
from toolbox_docs.advice.rules import Rules
from toolbox_docs.advice.stakeholders import OPPONENT
from toolbox_docs.documents.planning import Phase, Step, planning
from toolbox_docs.formatting import LOCALE
from toolbox_docs.forms.records import Evaluation, Intake
from toolbox_docs.forms.validate import Problem
from toolbox_docs.vocab import InfluenceRoom, Level

_QUADRANT_ORDER = (Quadrant.MANAGE_CLOSELY, Quadrant.KEEP_SATISFIED, Quadrant.KEEP_INFORMED, Quadrant.MONITOR)


def no_participation(intake: Intake, advice: Advice) -> bool:
    """Only informing, because nothing is open to influence: the paragraph then says why."""
    return advice.level is Level.INFORM and intake.influence_room is InfluenceRoom.NONE


def by_importance(stakeholders: Sequence[StakeholderAnalysis]) -> list[StakeholderAnalysis]:
    return sorted(stakeholders, key=lambda s: (_QUADRANT_ORDER.index(s.quadrant), -s.influence, -s.interest))


def opponents(advice: Advice) -> list[str]:
    """Influential parties that are against: the council is told, not only the plan."""
    return [s.name for s in advice.stakeholders if any(f.code == OPPONENT for f in s.flags)]


def _month(day: dt.date, *, year: bool) -> str:
    return format_date(day, format="MMMM y" if year else "MMMM", locale=LOCALE)


def _span(first: dt.date, last: dt.date) -> str:
    """"maart 2027", "maart tot juni 2027", "november 2026 tot februari 2027"."""
    if (first.year, first.month) == (last.year, last.month):
        return _month(first, year=True)
    return f"{_month(first, year=first.year != last.year)} tot {_month(last, year=True)}"


def method_when(steps: Sequence[Step], advice: Advice) -> dict[str, str]:
    """When each method takes place, short, for the paragraph's table: the month or months it runs."""
    found: dict[str, str] = {}
    for method in advice.methods:
        days: list[dt.date] = []
        if method.activity == "procedure":  # the uitdaagrecht: its steps
            days = [s.when for s in steps if s.what.key.startswith("planning.uitdaagrecht.")]
        for step in steps:
            if step.phase in (Phase.PREPARE, Phase.REMINDER):
                continue
            if any(isinstance(v, str) and v == method.name for _, v in step.what.values):
                days.append(step.when)
                if step.until is not None:
                    days.append(step.until)
        if days:
            found[method.id] = _span(min(days), max(days))
    return found


def paragraph_context(intake: Intake, advice: Advice, *, organisation: str, rules: Rules,
                      outcome: Mapping[str, str] | None = None) -> dict[str, Any]:
    """``outcome`` (after the evaluation, before the decision): outcome, achieved_level, support, verdict."""
    steps = planning(intake, advice, rules)
    return {
        "intake": intake,
        "advice": advice,
        "organisation": organisation,
        "no_participation": no_participation(intake, advice),
        "stakeholders": by_importance(advice.stakeholders),
        "opponents": opponents(advice),
        "when": method_when(steps, advice),
        "challenge_steps": [s for s in steps if s.what.key.startswith("planning.uitdaagrecht.")],
        "outcome": outcome,
    }


def plan_context(intake: Intake, advice: Advice, *, organisation: str, rules: Rules,
                 form_warnings: Sequence[Problem]) -> dict[str, Any]:
    return {
        "intake": intake,
        "advice": advice,
        "organisation": organisation,
        "no_participation": no_participation(intake, advice),
        "stakeholders": list(advice.stakeholders),
        "opponents": opponents(advice),
        "planning": planning(intake, advice, rules),
        "informing": [m.name for m in advice.methods if {"informeren", "tweede kanaal"} & set(m.needs)],
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
