"""The evaluation's verdict and the planned-versus-actual figures. Pure.

The verdict follows Gennep's rule (domain.md §5): the participation is *voldoende* when at most one
criterion is *onvoldoende* and that one is offset by at least one *goed*; otherwise *onvoldoende*.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from toolbox_docs.forms.records import Evaluation
from toolbox_docs.forms.vocab import Score

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
    method_names: tuple[str, ...]
    participants: int
    hours: Decimal
    euros: Decimal


def actual(evaluation: Evaluation) -> Actual:
    used = evaluation.methods_used
    return Actual(
        method_names=tuple(m.method for m in used),
        participants=sum(m.participants or 0 for m in used),
        hours=sum((m.hours or Decimal(0) for m in used), Decimal(0)),
        euros=sum((m.euros or Decimal(0) for m in used), Decimal(0)),
    )
