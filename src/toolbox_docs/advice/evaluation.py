"""The evaluation's verdict and the planned-versus-actual figures. Pure.

Planned and actual are compared on one basis: internal hours × the plan's hourly rate plus external
costs on both sides, and external costs next to external costs (the evaluation workbook asks for the
internal hours and the external euros actually spent; the plan's total includes the hours).

The verdict follows Gennep's rule (domain.md §5): the participation is *voldoende* when at most one
criterion is *onvoldoende* and that one is offset by at least one *goed*; otherwise *onvoldoende*.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from toolbox_docs.formatting import round_half_up
from toolbox_docs.forms.records import Evaluation
from toolbox_docs.vocab import Score

SUFFICIENT = "voldoende"
INSUFFICIENT = "onvoldoende"


@dataclass(frozen=True)
class Verdict:
    value: str
    reason: str


def verdict(evaluation: Evaluation) -> Verdict:
    scores = [c.score for c in evaluation.criteria]
    bad = scores.count(Score.INSUFFICIENT)
    good = scores.count(Score.GOOD)
    if bad == 0:
        return Verdict(SUFFICIENT, "Geen van de tien criteria is onvoldoende.")
    if bad == 1 and good >= 1:
        return Verdict(SUFFICIENT, f"Eén criterium is onvoldoende, maar daar staat {good}× 'goed' tegenover.")
    if bad == 1:
        return Verdict(INSUFFICIENT, "Eén criterium is onvoldoende en geen enkel criterium is goed.")
    return Verdict(INSUFFICIENT, f"{bad} criteria zijn onvoldoende; bij meer dan één is het oordeel onvoldoende.")


@dataclass(frozen=True)
class Actual:
    """What the evaluation reports as used: internal ``hours`` and ``external_euros`` as typed."""

    method_names: tuple[str, ...]
    participants: int
    hours: Decimal
    external_euros: Decimal


def actual(evaluation: Evaluation) -> Actual:
    used = evaluation.methods_used
    return Actual(
        method_names=tuple(m.method for m in used),
        participants=sum(m.participants or 0 for m in used),
        hours=sum((m.hours or Decimal(0) for m in used), Decimal(0)),
        external_euros=sum((m.euros or Decimal(0) for m in used), Decimal(0)),
    )


@dataclass(frozen=True)
class Recorded:
    """What the register kept of the plan beyond the evaluation workbook: the participants the methods
    expect, the external costs and the hourly rate the plan was costed at (None: not recorded)."""

    participants: int | None = None
    external_euros: Decimal | None = None
    hourly_rate: Decimal | None = None


@dataclass(frozen=True)
class Figures:
    """One side of the comparison, on one basis: ``euros = labour_euros + external_euros`` with
    ``labour_euros = hours × the hourly rate``. None where it is not known."""

    participants: int | None
    hours: Decimal | None
    labour_euros: Decimal | None
    external_euros: Decimal | None
    euros: Decimal | None


@dataclass(frozen=True)
class Comparison:
    """Planned against actual, both costed at ``hourly_rate``."""

    planned: Figures
    actual: Figures
    hourly_rate: Decimal
    planned_methods: tuple[str, ...]
    used_methods: tuple[str, ...]


def _labour(hours: Decimal | None, rate: Decimal) -> Decimal | None:
    return None if hours is None else round_half_up(hours * rate)


def compare(evaluation: Evaluation, *, recorded: Recorded, hourly_rate: Decimal) -> Comparison:
    """Planned and actual on the same basis. The rate is the one the plan was costed at when the register
    recorded it, else ``hourly_rate`` (the settings'), so internal hours weigh the same on both sides.
    The planned external costs are the register's; without them they are what the planned total leaves
    after the hours (the evaluation workbook carries the planned hours and total)."""
    rate = recorded.hourly_rate if recorded.hourly_rate is not None else hourly_rate
    planned_labour = _labour(evaluation.planned_hours, rate)
    planned_external = recorded.external_euros
    planned_total = evaluation.planned_euros
    if planned_external is None and planned_total is not None and planned_labour is not None \
            and planned_total >= planned_labour:
        planned_external = planned_total - planned_labour
    if planned_total is None and planned_labour is not None and planned_external is not None:
        planned_total = planned_labour + planned_external
    used = actual(evaluation)
    actual_labour = round_half_up(used.hours * rate)
    return Comparison(
        planned=Figures(recorded.participants, evaluation.planned_hours, planned_labour, planned_external,
                        planned_total),
        actual=Figures(used.participants, used.hours, actual_labour, round_half_up(used.external_euros),
                       actual_labour + round_half_up(used.external_euros)),
        hourly_rate=rate,
        planned_methods=split_methods(evaluation.planned_methods),
        used_methods=used.method_names,
    )


def split_methods(text: str | None) -> tuple[str, ...]:
    """The planned methods as the evaluation workbook lists them ("a; b; c")."""
    return tuple(part.strip() for part in (text or "").replace("\n", ";").split(";") if part.strip())
