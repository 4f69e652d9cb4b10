"""The planning of a participatieplan, counted back from the intake's dates and the methods' lead times.

Pure. Informing starts the participation (also informing aimed at a target group); the methods for the
level and the target groups are spread over the participation period (the first no sooner than two
weeks after the start, so invitations go out at least two weeks ahead); feedback follows the end and
comes before the decision. Each method's preparation starts its lead time before it happens. The two
evaluation reminders (three months and six weeks before the end) are milestones too.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from toolbox_docs.advice.model import Advice, ChosenMethod
from toolbox_docs.forms.records import Intake

INVITE_DAYS = 14
INFORM = "informeren"
FEEDBACK = "terugkoppelen"
PARTICIPATION_NEEDS = ("niveau ", "rol ", "uitdaagrecht")


@dataclass(frozen=True)
class Step:
    when: dt.date
    what: str


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` months earlier (or the month's last day when it has fewer days)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def reminder_dates(end: dt.date) -> tuple[tuple[str, dt.date], tuple[str, dt.date]]:
    """(kind, date) of the two evaluation reminders for a participation ending on ``end``."""
    return (("extern", months_before(end, 3)), ("evaluatie", end - dt.timedelta(weeks=6)))


def _participates(method: ChosenMethod) -> bool:
    """Whether the method is where people take part (the level, the role, the uitdaagrecht)."""
    return any(need.startswith(PARTICIPATION_NEEDS) for need in method.covers)


def _when(method: ChosenMethod, *, start: dt.date, end: dt.date, decision: dt.date | None,
          slot: int, slots: int) -> dt.date:
    if FEEDBACK in method.covers and not _participates(method):
        after = end + dt.timedelta(weeks=2)
        if decision is not None and after >= decision:
            after = max(end, decision - dt.timedelta(weeks=1))
        return after
    if not _participates(method):
        return start
    first = min(start + dt.timedelta(days=INVITE_DAYS), end)
    span = (end - first).days
    return first + dt.timedelta(days=span * slot // max(slots, 1))


def planning(intake: Intake, advice: Advice) -> tuple[Step, ...]:
    start, end, decision = intake.participation_start, intake.participation_end, intake.decision_date
    steps: list[Step] = []
    middle = [m for m in advice.methods if _participates(m)]
    for method in advice.methods:
        slot = middle.index(method) if method in middle else 0
        when = _when(method, start=start, end=end, decision=decision, slot=slot, slots=len(middle))
        prepare = when - dt.timedelta(weeks=method.lead_time_weeks)
        steps.append(Step(prepare, f"Voorbereiding {method.name} begint ({method.lead_time_weeks} weken vooraf)"))
        if method in middle:
            steps.append(Step(when - dt.timedelta(days=INVITE_DAYS), f"Uitnodiging {method.name} versturen"))
        steps.append(Step(when, method.name))
    steps.append(Step(start, "Start participatie"))
    steps.append(Step(end, "Einde participatie"))
    external, evaluation = reminder_dates(end)
    steps.append(Step(external[1], "Evalueer met de externe partijen (herinnering)"))
    steps.append(Step(evaluation[1], "Vul het evaluatiewerkboek in (herinnering)"))
    if decision is not None:
        body = "de raad" if intake.decision_maker.value == "raad" else "het college"
        steps.append(Step(decision, f"Besluit door {body}"))
    order = {id(step): index for index, step in enumerate(steps)}
    return tuple(sorted(steps, key=lambda s: (s.when, order[id(s)])))
