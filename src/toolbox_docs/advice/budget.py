"""Hours and euros per method and in total, and the comparison with the intake's budget.

Per method: hours = preparation + execution; labour = hours × the hourly rate from settings; external =
fixed costs + costs per participant × the typical participants at the intake's scale; euros = labour +
external. Labour and external are each rounded to cents with ROUND_HALF_UP; totals are exact sums of
the rounded parts, so every number in the output adds up. The intake's budget in euros is the
*external* budget (its label says so) and is compared with the external costs; the available hours
are compared with the hours.
"""

from __future__ import annotations

from decimal import Decimal

from toolbox_docs.advice.catalogue import Method
from toolbox_docs.advice.model import BudgetComparison, ChosenMethod, Totals
from toolbox_docs.formatting import euro, hours, round_half_up
from toolbox_docs.forms.vocab import Scale

ZERO = Decimal("0.00")


def method_hours(method: Method) -> Decimal:
    return method.preparation_hours + method.execution_hours


def labour_euros(method: Method, *, rate: Decimal) -> Decimal:
    return round_half_up(method_hours(method) * rate)


def external_euros(method: Method, *, scale: Scale) -> Decimal:
    return round_half_up(method.fixed_costs + method.cost_per_participant * method.participants(scale))


def cost_method(method: Method, *, scale: Scale, rate: Decimal, covers: tuple[str, ...]) -> ChosenMethod:
    labour = labour_euros(method, rate=rate)
    external = external_euros(method, scale=scale)
    participants = method.participants(scale)
    return ChosenMethod(
        id=method.id,
        name=method.name,
        description=method.description,
        covers=covers,
        mode=method.mode.value,
        lead_time_weeks=method.lead_time_weeks,
        participants=participants,
        preparation_hours=method.preparation_hours,
        execution_hours=method.execution_hours,
        hours=method_hours(method),
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


def compare(total: Totals, *, budget_euros: Decimal, budget_hours: Decimal) -> BudgetComparison:
    short_euros = max(total.external_euros - round_half_up(budget_euros), ZERO)
    short_hours = max(total.hours - budget_hours, Decimal(0))
    if short_euros == 0 and short_hours == 0:
        summary = (f"Het plan past binnen het budget: {euro(total.external_euros)} externe kosten van "
                   f"{euro(budget_euros)}, en {hours(total.hours)} uur van {hours(budget_hours)} uur.")
    else:
        parts = []
        if short_euros > 0:
            parts.append(f"{euro(short_euros)} aan externe kosten (nodig {euro(total.external_euros)}, "
                         f"budget {euro(budget_euros)})")
        if short_hours > 0:
            parts.append(f"{hours(short_hours)} uur (nodig {hours(total.hours)} uur, "
                         f"beschikbaar {hours(budget_hours)} uur)")
        summary = "Het budget is te krap. Er is tekort: " + " en ".join(parts) + "."
    return BudgetComparison(
        budget_euros=round_half_up(budget_euros),
        budget_hours=budget_hours,
        external_euros=total.external_euros,
        hours=total.hours,
        short_euros=short_euros,
        short_hours=short_hours,
        summary=summary,
    )
