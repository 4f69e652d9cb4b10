"""The planning of a participatieplan: phases spread over the participation window. Pure.

The phases, in order: **voorbereiding** (before the start: prepare, invite); **informeren** at the start
(a standing service, such as the project page, runs as a period); the **activities** where people take part,
spread over the window: personal talks and broad listening first, conversations through the middle (a series
gets its meetings spread out), working it out together later, and a deciding activity at the end; each no
sooner than its lead time and the invitation term allow; **afwegen** (weighing the input) between the end and
the decision; the **besluit**; **terugkoppelen** after the decision, so the letter can say what was decided;
and the **evaluatie**. An uitdaagrecht request follows its own steps with the terms of ``advies.toml``.

Reminders to evaluate come from the end of the participation (three months and six weeks before it) and never
fall before its start: a short process gets one reminder, at its end.

Each step says what happens as a phrase of the advice's wording (``planning.*`` in ``zinnen.toml``).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from toolbox_docs.advice.model import Advice, ChosenMethod
from toolbox_docs.advice.phrases import Phrase
from toolbox_docs.advice.programme import NeedKind
from toolbox_docs.advice.rules import Rules
from toolbox_docs.forms.records import Intake

WEEK = dt.timedelta(weeks=1)


class Phase(StrEnum):
    PREPARE = "voorbereiding"
    INFORM = "informeren"
    ACTIVITIES = "activiteiten"
    WEIGH = "afwegen"
    DECIDE = "besluit"
    FEEDBACK = "terugkoppelen"
    EVALUATE = "evaluatie"
    REMINDER = "herinnering"


@dataclass(frozen=True)
class Step:
    when: dt.date
    what: Phrase
    phase: Phase
    until: dt.date | None = None


# --- reminders ---------------------------------------------------------------------------------------------


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` months earlier (or the month's last day when it has fewer days)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def reminder_dates(start: dt.date | None, end: dt.date) -> tuple[tuple[str, dt.date], ...]:
    """(kind, date) of the evaluation reminders for a participation from ``start`` to ``end``: three months
    before the end ("extern": evaluate with the outside parties) and six weeks before it ("evaluatie": fill
    in the workbook), leaving out any that would fall before the start; when both would, one "evaluatie"
    reminder on the last day."""
    candidates = (("extern", months_before(end, 3)), ("evaluatie", end - dt.timedelta(weeks=6)))
    kept = tuple((kind, day) for kind, day in candidates if start is None or day >= start)
    return kept or (("evaluatie", end),)


# --- placing the methods ------------------------------------------------------------------------------------


def _kinds(method: ChosenMethod) -> set[NeedKind]:
    return {NeedKind(n) for n in method.needs}


def _stage(method: ChosenMethod) -> int:
    """Early (0: personal talks, broad listening) to late (3: deciding): the order of the activities."""
    kinds = _kinds(method)
    if NeedKind.PARTIES in kinds:
        return 0
    if method.depth == "beslissen":
        return 3
    if method.depth == "samenwerken" or NeedKind.DEEPEN in kinds or NeedKind.PREPARE in kinds:
        return 2
    if method.depth == "peilen":
        return 0
    return 1


def _role(method: ChosenMethod) -> str:
    kinds = _kinds(method)
    if kinds & {NeedKind.FEEDBACK, NeedKind.FEEDBACK_MEETING}:
        return "feedback"
    if method.depth == "":
        return "inform"
    if NeedKind.CHALLENGE in kinds:
        return "procedure"
    return "activity"


def _spread(first: dt.date, last: dt.date, count: int) -> list[dt.date]:
    if count <= 1 or last <= first:
        return [first] * count
    span = (last - first).days
    return [first + dt.timedelta(days=round(span * i / (count - 1))) for i in range(count)]


@dataclass(frozen=True)
class _Window:
    start: dt.date
    end: dt.date
    invite: dt.timedelta

    def earliest(self, method: ChosenMethod) -> dt.date:
        """No sooner than the method's lead time after the start, nor than an invitation allows."""
        lead = max(dt.timedelta(weeks=method.lead_time_weeks), self.invite if method.activity != "doorlopend"
                   else dt.timedelta(0))
        return min(self.start + lead, self.end)

    @property
    def last(self) -> dt.date:
        """The last day for an activity: a week before the end, to leave room to write it up."""
        return max(self.end - WEEK, self.start)


def _deciding_begin(method: ChosenMethod, window: _Window) -> dt.date:
    """A vote or a budget round closes the window: it begins its run before the end (a one-off: on the
    last day)."""
    if method.activity == "periode":
        return max(window.end - dt.timedelta(weeks=method.duration_weeks), window.earliest(method))
    return window.last


def _activities(methods: list[ChosenMethod], window: _Window) -> list[Step]:
    steps: list[Step] = []
    ordered = sorted(methods, key=_stage)
    # Everything that prepares a decision by the participants ends before the deciding activity begins.
    deciding = [_deciding_begin(m, window) for m in ordered if _stage(m) == 3]
    before_deciding = min(deciding) - WEEK if deciding else window.last
    last = max(min(window.last, before_deciding), window.start)
    one_offs = [m for m in ordered if m.activity == "eenmalig"]
    # Early one-offs (personal talks, broad listening) as soon as they can be; the rest spread evenly over
    # the window in the order of the process, a deciding one on the last day.
    later = [m for m in one_offs if 0 < _stage(m) < 3]
    first = min((window.earliest(m) for m in later), default=window.start)
    span = max((last - first).days, 0)
    previous = window.start
    for method in one_offs:
        if _stage(method) == 0:
            when = window.earliest(method)
        elif _stage(method) == 3:
            when = window.last
        else:
            index = later.index(method)
            when = first + dt.timedelta(days=round(span * (index + 1) / (len(later) + 1)))
            when = max(when, window.earliest(method), previous)
            previous = when
        steps += _invitation(method, when, window)
        steps.append(Step(when, Phrase.of("planning.activiteit", werkvorm=method.name), Phase.ACTIVITIES))
    for method in ordered:
        if method.activity == "reeks":
            end_of_series = window.last if _stage(method) == 3 else last
            dates = _spread(window.earliest(method), max(end_of_series, window.earliest(method)), method.sessions)
            steps += _invitation(method, dates[0], window)
            for number, day in enumerate(dates, start=1):
                steps.append(Step(day, Phrase.of("planning.bijeenkomst", werkvorm=method.name, nummer=number,
                                                 aantal=method.sessions), Phase.ACTIVITIES))
        elif method.activity == "periode":
            length = dt.timedelta(weeks=method.duration_weeks)
            begin = _deciding_begin(method, window) if _stage(method) == 3 else window.earliest(method)
            steps.append(Step(begin, Phrase.of("planning.periode", werkvorm=method.name), Phase.ACTIVITIES,
                              until=min(begin + length, window.end)))
        elif method.activity == "doorlopend":
            steps.append(Step(window.start, Phrase.of("planning.doorlopend", werkvorm=method.name),
                              Phase.ACTIVITIES, until=window.end))
    return steps


def _invitation(method: ChosenMethod, when: dt.date, window: _Window) -> list[Step]:
    if NeedKind.PARTIES in _kinds(method) or method.activity not in ("eenmalig", "reeks"):
        return []
    day = max(when - window.invite, window.start - window.invite)
    return [Step(day, Phrase.of("planning.uitnodigen", werkvorm=method.name), Phase.PREPARE)]


def _challenge(intake: Intake, rules: Rules) -> list[Step]:
    received = intake.challenge_received or intake.participation_start
    terms = rules.challenge
    # The decision on the request is the proposal's own decision date when the intake gives one (a date past
    # the term is a point of attention); the agreement follows it by the same weeks as in the terms.
    decided = intake.decision_date or received + dt.timedelta(weeks=terms.decide_weeks)
    agreed = decided + dt.timedelta(weeks=terms.agreement_weeks - terms.decide_weeks)
    return [
        Step(received, Phrase.of("planning.uitdaagrecht.ontvangst"), Phase.ACTIVITIES),
        Step(received + dt.timedelta(weeks=terms.confirm_weeks), Phrase.of("planning.uitdaagrecht.bevestigen"),
             Phase.ACTIVITIES),
        Step(received + dt.timedelta(weeks=terms.assess_weeks), Phrase.of("planning.uitdaagrecht.toets"),
             Phase.ACTIVITIES),
        Step(decided, Phrase.of("planning.uitdaagrecht.besluit"), Phase.DECIDE),
        Step(agreed, Phrase.of("planning.uitdaagrecht.afspraken"), Phase.FEEDBACK),
    ]


def planning(intake: Intake, advice: Advice, rules: Rules) -> tuple[Step, ...]:
    start, end, decision = intake.participation_start, intake.participation_end, intake.decision_date
    window = _Window(start, end, dt.timedelta(weeks=rules.planning.invitation_weeks))
    body = "de raad" if intake.decision_maker.value == "raad" else "het college"
    steps: list[Step] = []
    inform = [m for m in advice.methods if _role(m) == "inform"]
    activities = [m for m in advice.methods if _role(m) == "activity"]
    feedback = [m for m in advice.methods if _role(m) == "feedback"]
    lead = max([m.lead_time_weeks for m in inform + activities] + [rules.planning.invitation_weeks])
    steps.append(Step(start - dt.timedelta(weeks=lead), Phrase.of("planning.voorbereiding"), Phase.PREPARE,
                      until=start))
    steps.append(Step(start, Phrase.of("planning.start"), Phase.INFORM))
    for method in inform:
        if method.activity == "doorlopend":
            until = decision + dt.timedelta(weeks=rules.planning.feedback_after_decision_weeks) if decision else end
            steps.append(Step(start, Phrase.of("planning.doorlopend", werkvorm=method.name), Phase.INFORM,
                              until=max(until, end)))
        else:
            steps.append(Step(start, Phrase.of("planning.informeren", werkvorm=method.name), Phase.INFORM))
    steps += _activities(activities, window)
    if any(_role(m) == "procedure" for m in advice.methods):
        steps += _challenge(intake, rules)
    steps.append(Step(end, Phrase.of("planning.einde"), Phase.ACTIVITIES))
    weigh_until = decision if decision is not None and decision > end else end + dt.timedelta(
        weeks=rules.planning.processing_weeks)
    if advice.methods and (advice.level is None or advice.level.rank > 0):
        steps.append(Step(end, Phrase.of("planning.afwegen", orgaan=body), Phase.WEIGH, until=weigh_until))
    if decision is not None:
        steps.append(Step(decision, Phrase.of("planning.besluit", orgaan=body), Phase.DECIDE))
    after = max(decision or weigh_until, weigh_until) + dt.timedelta(weeks=rules.planning.feedback_after_decision_weeks)
    for method in feedback:
        steps.append(Step(after, Phrase.of("planning.terugkoppelen", werkvorm=method.name), Phase.FEEDBACK))
    steps.append(Step(after + dt.timedelta(weeks=2), Phrase.of("planning.evaluatie"), Phase.EVALUATE))
    for kind, day in reminder_dates(start, end):
        steps.append(Step(day, Phrase.of("planning.herinnering", soort=kind), Phase.REMINDER))
    order = {id(step): index for index, step in enumerate(steps)}
    return tuple(sorted(steps, key=lambda s: (s.when, order[id(s)])))
