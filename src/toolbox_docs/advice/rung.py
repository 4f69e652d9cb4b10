"""Overheidsparticipatie: the municipality's role on the ROB trap, and the uitdaagrecht route.

Each input sets a *minimum* rung (what the initiative asks, the public interest, the risk, and
combinations of them, all in ``advies.toml``); the advice is the lowest rung that meets every minimum:
climb the trap as little as possible (ROB 2012). A request under the uitdaagrecht follows its own
route: the procedure of the participatieverordening, with its own reasons and a minimum rung.
"""

from __future__ import annotations

from dataclasses import dataclass

from toolbox_docs.advice.model import Route
from toolbox_docs.advice.rules import RoleCombination, Rules
from toolbox_docs.forms.records import Intake
from toolbox_docs.forms.vocab import InitiativeAsk, RobRung

RUNG_MEANING: dict[RobRung, str] = {
    RobRung.LET_GO: "de gemeente laat inhoud en proces over aan de initiatiefnemers",
    RobRung.FACILITATE: "de gemeente steunt met middelen zoals geld, ruimte of kennis, "
                        "zonder de inhoud te sturen",
    RobRung.STIMULATE: "de gemeente moedigt actief aan dat de samenleving de taak oppakt",
    RobRung.DIRECT: "de gemeente verbindt de partijen en houdt de regie",
    RobRung.REGULATE: "de gemeente stelt regels en kaders en toetst daaraan",
}


@dataclass(frozen=True)
class RungOutcome:
    route: Route
    rung: RobRung
    reasons: tuple[str, ...]


def _matches(combo: RoleCombination, intake: Intake) -> bool:
    return (
        (combo.ask is None or combo.ask in intake.initiative_asks)
        and (combo.interest is None or combo.interest is intake.public_interest)
        and (combo.risk is None or combo.risk is intake.initiative_risk)
    )


def _describe(combo: RoleCombination) -> str:
    parts = []
    if combo.ask is not None:
        parts.append(f"het initiatief vraagt {combo.ask.value}")
    if combo.interest is not None:
        parts.append(f"het maatschappelijk belang is '{combo.interest.value}'")
    if combo.risk is not None:
        parts.append(f"de risico's zijn '{combo.risk.value}'")
    text = " en ".join(parts)
    return text[0].upper() + text[1:]


def minimums(intake: Intake, rules: Rules) -> list[tuple[str, RobRung]]:
    """(Dutch reason, minimum rung) for every input that asks for more than loslaten."""
    roles = rules.roles
    found: list[tuple[str, RobRung]] = []
    for ask in intake.initiative_asks:
        found.append((f"Het initiatief vraagt {ask.value}", roles.by_ask[ask]))
    if intake.public_interest is not None:
        found.append((f"Het maatschappelijk belang is '{intake.public_interest.value}'",
                      roles.by_interest[intake.public_interest]))
    if intake.initiative_risk is not None:
        found.append((f"De risico's voor de gemeente zijn '{intake.initiative_risk.value}'",
                      roles.by_risk[intake.initiative_risk]))
    for combo in roles.combinations:
        if _matches(combo, intake):
            found.append((_describe(combo), combo.rung))
    if intake.challenge_right:
        found.append(("Het is een beroep op het uitdaagrecht", roles.challenge_min))
    return [(text, rung) for text, rung in found if rung is not RobRung.LET_GO]


def advise_rung(intake: Intake, rules: Rules) -> RungOutcome:
    found = minimums(intake, rules)
    rung = max((r for _, r in found), key=lambda r: r.rank, default=RobRung.LET_GO)
    reasons: list[str] = []
    route = Route.CHALLENGE if intake.challenge_right else Route.ROB
    if route is Route.CHALLENGE:
        reasons.append(
            "De initiatiefnemers doen een beroep op het uitdaagrecht: zij willen een taak van de gemeente "
            "overnemen, omdat zij die beter of goedkoper denken te doen. Dat verzoek volgt een eigen "
            "procedure "
            "uit de participatieverordening: het verzoek ontvangen, toetsen aan de criteria, besluiten en de "
            "afspraken over de overname vastleggen."
        )
    if not found:
        reasons.append("Het initiatief vraagt niets van de gemeente en de risico's zijn laag. "
                       "De gemeente kan daarom loslaten.")
    for text, minimum in found:
        reasons.append(f"{text}; daarvoor is minstens {minimum.value} nodig.")
    regulated = rules.roles.by_ask[InitiativeAsk.RULES] is RobRung.REGULATE
    if InitiativeAsk.RULES in intake.initiative_asks and regulated:
        reasons.append("Voor regels of een vergunning toetst de gemeente aan haar regels. Dat is reguleren; "
                       "de rest van het initiatief blijft bij de initiatiefnemers.")
    reasons.append(
        f"Klim zo weinig mogelijk op de overheidsparticipatietrap: het advies is {rung.value}, de laagste "
        f"trede die bij alles hierboven past. Bij {rung.value} geldt: {RUNG_MEANING[rung]}."
    )
    return RungOutcome(route=route, rung=rung, reasons=tuple(reasons))
