"""Hours and euros per method and in total, and the comparison with the intake's budget.

Per method: hours = preparation + execution (+ hours per participant × participants, for a method such as
personal conversations); labour = hours × the hourly rate from settings; external = fixed costs + costs per
participant × participants (the typical number at the intake's scale, or the number of parties a per-party
method is chosen for); euros = labour + external. Labour and external are each rounded to cents with
ROUND_HALF_UP; totals are exact sums of the rounded parts, so every number in the output adds up. The
intake's budget in euros is the *external* budget (its label says so) and is compared with the external
costs; the available hours are compared with the hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from toolbox_docs.advice.catalogue import Method
from toolbox_docs.advice.model import BudgetComparison, ChosenMethod, Totals
from toolbox_docs.advice.phrases import Phrase
from toolbox_docs.formatting import round_half_up

ZERO = Decimal("0.00")


def method_hours(method: Method, participants: int) -> Decimal:
    return method.preparation_hours + method.execution_hours + method.hours_per_participant * participants


def labour_euros(method: Method, *, rate: Decimal, participants: int) -> Decimal:
    return round_half_up(method_hours(method, participants) * rate)


def external_euros(method: Method, *, participants: int) -> Decimal:
    return round_half_up(method.fixed_costs + method.cost_per_participant * participants)


@dataclass(frozen=True)
class Why:
    """Why a method is in the programme: the needs it covers (labels and kinds) and the sentences."""

    covers: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    reasons: tuple[Phrase, ...] = ()
    purposes: tuple[Phrase, ...] = ()


def cost_method(method: Method, *, rate: Decimal, participants: int, why: Why = Why()) -> ChosenMethod:
    labour = labour_euros(method, rate=rate, participants=participants)
    external = external_euros(method, participants=participants)
    return ChosenMethod(
        id=method.id,
        name=method.name,
        description=method.description,
        covers=why.covers,
        needs=why.needs,
        reasons=why.reasons,
        purposes=why.purposes,
        mode=method.mode.value,
        depth=method.depth.value if method.depth is not None else "",
        activity=method.activity.value,
        sessions=method.sessions,
        duration_weeks=method.duration_weeks,
        lead_time_weeks=method.lead_time_weeks,
        participants=participants,
        preparation_hours=method.preparation_hours,
        execution_hours=method.execution_hours + method.hours_per_participant * participants,
        hours=method_hours(method, participants),
        labour_euros=labour,
        fixed_costs=round_half_up(method.fixed_costs),
        participant_costs=round_half_up(method.cost_per_participant * participants),
        external_euros=external,
        euros=labour + external,
    )


def totals(methods: tuple[ChosenMethod, ...]) -> Totals:
    return Totals(
        hours=sum((m.hours for m in methods), Decimal(0)),
        labour_euros=sum((m.labour_euros for m in methods), ZERO),
        external_euros=sum((m.external_euros for m in methods), ZERO),
        euros=sum((m.euros for m in methods), ZERO),
    )


def compare(total: Totals, *, budget_euros: Decimal, budget_hours: Decimal,
            ample: Phrase | None = None) -> BudgetComparison:
    """The plan against the budget; ``ample`` is the programme's sentence when much of the budget is left."""
    short_euros = max(total.external_euros - round_half_up(budget_euros), ZERO)
    short_hours = max(total.hours - budget_hours, Decimal(0))
    summary: Phrase
    if short_euros > 0 or short_hours > 0:
        summary = Phrase.of("budget.tekort", tekort_euro=short_euros, extern=total.external_euros,
                            budget=round_half_up(budget_euros), tekort_uren=short_hours, uren=total.hours,
                            beschikbaar=budget_hours)
    elif ample is not None:
        summary = ample
    else:
        summary = Phrase.of("budget.past", extern=total.external_euros, budget=round_half_up(budget_euros),
                            uren=total.hours, beschikbaar=budget_hours)
    return BudgetComparison(
        budget_euros=round_half_up(budget_euros),
        budget_hours=budget_hours,
        external_euros=total.external_euros,
        hours=total.hours,
        short_euros=short_euros,
        short_hours=short_hours,
        summary=summary,
    )
