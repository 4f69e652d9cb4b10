"""Overheidsparticipatie: the municipality's role on the ROB trap, and the uitdaagrecht route.

Each input sets a *minimum* rung (what the initiative asks, the public interest, the risk, and
combinations of them, all in ``advies.toml``); the advice is the lowest rung that meets every minimum:
climb the trap as little as possible (ROB 2012). A request under the uitdaagrecht follows its own
route: the procedure of the participatieverordening, with its own reasons and a minimum rung.
"""

from __future__ import annotations

from dataclasses import dataclass

from toolbox_docs.advice.model import Route
from toolbox_docs.advice.phrases import Phrase
from toolbox_docs.advice.rules import RoleCombination, Rules
from toolbox_docs.forms.records import Intake
from toolbox_docs.vocab import InitiativeAsk, RobRung


@dataclass(frozen=True)
class RungOutcome:
    route: Route
    rung: RobRung
    reasons: tuple[Phrase, ...]


def _matches(combo: RoleCombination, intake: Intake) -> bool:
    return (
        (combo.ask is None or combo.ask in intake.initiative_asks)
        and (combo.interest is None or combo.interest is intake.public_interest)
        and (combo.risk is None or combo.risk is intake.initiative_risk)
    )


def _describe(combo: RoleCombination) -> Phrase:
    parts: list[Phrase] = []
    if combo.ask is not None:
        parts.append(Phrase.of("rol.vraagt", vragen=(combo.ask.value,)))
    if combo.interest is not None:
        parts.append(Phrase.of("rol.belang", belang=combo.interest.value))
    if combo.risk is not None:
        parts.append(Phrase.of("rol.risico", risico=combo.risk.value))
    return Phrase.of("rol.combinatie", delen=tuple(parts), rol=combo.rung.value)


def minimums(intake: Intake, rules: Rules) -> list[tuple[Phrase, RobRung]]:
    """(reason, minimum rung) for every input that asks for more than loslaten. A combination that sets a
    higher rung than its parts stands for them: its parts are not said again."""
    roles = rules.roles
    combos = [combo for combo in roles.combinations if _matches(combo, intake)]
    in_combo_interest = any(c.interest is not None for c in combos)
    in_combo_risk = any(c.risk is not None for c in combos)
    found: list[tuple[Phrase, RobRung]] = []
    by_rung: dict[RobRung, list[str]] = {}
    in_combo_asks = {c.ask for c in combos if c.ask is not None}
    for ask in intake.initiative_asks:
        if ask not in in_combo_asks:
            by_rung.setdefault(roles.by_ask[ask], []).append(ask.value)
    for rung, asks in by_rung.items():
        found.append((Phrase.of("rol.vraagt", vragen=tuple(asks)), rung))
    if intake.public_interest is not None and not in_combo_interest:
        found.append((Phrase.of("rol.belang", belang=intake.public_interest.value),
                      roles.by_interest[intake.public_interest]))
    if intake.initiative_risk is not None and not in_combo_risk:
        found.append((Phrase.of("rol.risico", risico=intake.initiative_risk.value),
                      roles.by_risk[intake.initiative_risk]))
    for combo in combos:
        found.append((_describe(combo), combo.rung))
    return [(reason, rung) for reason, rung in found if rung is not RobRung.LET_GO]


def advise_rung(intake: Intake, rules: Rules) -> RungOutcome:
    found = minimums(intake, rules)
    floor = [rules.roles.challenge_min] if intake.challenge_right else []
    rung = max([*(r for _, r in found), *floor], key=lambda r: r.rank, default=RobRung.LET_GO)
    route = Route.CHALLENGE if intake.challenge_right else Route.ROB
    reasons: list[Phrase] = []
    if intake.challenge_right:
        reasons.append(Phrase.of("rol.uitdaagrecht", taak=intake.initiative_request or ""))
    if not found and not intake.challenge_right:
        reasons.append(Phrase.of("rol.vraagt_niets"))
    # What sets the role, said with what the municipality then does; what asks for less, said once after.
    deciding = tuple(reason for reason, minimum in found if minimum is rung)
    lighter = tuple(reason for reason, minimum in found if minimum is not rung)
    if deciding:
        reasons.append(Phrase.of("rol.minimum", reden=Phrase.of("rol.combinatie", delen=deciding, rol=rung.value),
                                 rol=rung.value))
    if lighter:
        reasons.append(Phrase.of("rol.lichter", delen=lighter))
    regulated = rules.roles.by_ask[InitiativeAsk.RULES] is RobRung.REGULATE
    if InitiativeAsk.RULES in intake.initiative_asks and regulated:
        reasons.append(Phrase.of("rol.regels"))
    reasons.append(Phrase.of("rol.besluit", rol=rung.value))
    return RungOutcome(route=route, rung=rung, reasons=tuple(reasons))
