"""Table-driven: realistic intakes, each with its expected level or rung, methods and totals.

Expected totals are computed here from the catalogue's own figures (hours, fixed costs, costs per
participant, participants per scale) and the tariff, independently of the advice's budget code; three
scenarios also carry totals worked out by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pytest

from intake_factory import SCENARIOS, shipped_data, shipped_wording
from toolbox_docs.advice import Advice, Route, advise
from toolbox_docs.forms.records import Intake
from toolbox_docs.settings import Settings
from toolbox_docs.vocab import Level, RobRung

SETTINGS = Settings()
CATALOGUE, RULES, CHECKLIST = shipped_data()
SAY = shipped_wording().plain


def run(intake: Intake) -> Advice:
    return advise(intake, settings=SETTINGS, catalogue=CATALOGUE, rules=RULES, checklist=CHECKLIST)


@dataclass(frozen=True)
class Case:
    scenario: str
    outcome: Level | RobRung
    methods: tuple[str, ...]
    absent: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    route: Route = Route.LADDER


CASES = [
    Case("speeltuin-een-straat", Level.ADVISE, ("huis-aan-huisbrief", "meedenkgroep", "terugkoppelingsbrief"),
         absent=("burgerberaad", "enquete-online", "projectwebsite")),
    Case("huisvestingsverordening-stad", Level.CONSULT, ("projectwebsite", "terugkoppelingsbrief"),
         absent=("huis-aan-huisbrief", "burgerberaad", "klankbordgroep"), warnings=("invloed-boven-ruimte",)),
    Case("groenplan-tegengestelde-partijen", Level.COPRODUCE, ("ontwerpatelier", "persoonlijk-gesprek",
                                                               "terugkoppelingsbrief"),
         absent=("enquete-online",), warnings=("tegenstander-met-invloed",)),
    Case("besluit-al-genomen", Level.INFORM, ("huis-aan-huisbrief",),
         absent=("terugkoppelingsbrief", "inloopavond", "enquete-papier")),
    Case("jongerencentrum", Level.ADVISE, ("jongerenpanel", "terugkoppelingsbrief"), absent=("enquete-papier",)),
    Case("parkeerbeleid-binnenstad", Level.CONSULT, ("ondernemersbijeenkomst", "persoonlijk-gesprek",
                                                     "terugkoppelingsbrief"),
         absent=("ontwerpatelier", "klankbordgroep"), warnings=("invloed-boven-ruimte", "tegenstander-met-invloed")),
    Case("regionale-energiestrategie", Level.ADVISE, ("klankbordgroep", "terugkoppelingsbrief"),
         absent=("huis-aan-huisbrief", "burgerberaad"), warnings=("invloed-boven-ruimte",)),
    Case("buurtbudget-meebeslissen", Level.CODECIDE, ("buurtbudget", "terugkoppelingsbrief"),
         absent=("keuzehulp",)),
    Case("wijkvernieuwing-anderstaligen", Level.ADVISE, ("koffiekar", "terugkoppelingsbrief"),
         absent=("online-participatieplatform", "enquete-online"), warnings=("invloed-boven-ruimte",)),
    Case("bewonersinitiatief-geld", RobRung.FACILITATE, ("bijdrage-aanvraag", "afsprakenbrief"),
         absent=("omgevingstafel", "uitdaagrecht-procedure", "terugkoppelingsbrief"), route=Route.ROB),
    Case("uitdaagrecht-buurthuis", RobRung.DIRECT, ("uitdaagrecht-procedure", "afsprakenbrief"),
         absent=("netwerkbijeenkomst",), route=Route.CHALLENGE),
    Case("initiatief-met-vergunning", RobRung.REGULATE, ("omgevingstafel", "afsprakenbrief"),
         absent=("initiatievenloket", "uitdaagrecht-procedure"), route=Route.ROB),
    Case("burendag-loslaten", RobRung.LET_GO, ("initiatievenloket",),
         absent=("procesbegeleiding", "omgevingstafel", "afsprakenbrief"), route=Route.ROB),
    Case("energiecooperatie-stimuleren", RobRung.STIMULATE, ("procesbegeleiding", "afsprakenbrief"),
         absent=("omgevingstafel", "initiatievenloket"), route=Route.ROB),
    Case("zorgnetwerk-regisseren", RobRung.DIRECT, ("netwerkbijeenkomst", "afsprakenbrief"),
         absent=("omgevingstafel", "uitdaagrecht-procedure"), route=Route.ROB),
]


def cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def expected_totals(advice: Advice, intake: Intake, rate: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    """(hours, external euros, euros) straight from the catalogue's figures for the methods chosen."""
    hours = external = euros = Decimal(0)
    parties = sum(1 for s in intake.stakeholders if s.influence >= RULES.high_from
                  and s.position.value in ("tegen", "onbekend"))
    for method_id in advice.method_ids:
        m = CATALOGUE.get(method_id)
        people = max(parties, 1) if m.per_party else dict(m.participants_by_scale)[intake.scale]
        h = m.preparation_hours + m.execution_hours + m.hours_per_participant * people
        ext = cents(m.fixed_costs + m.cost_per_participant * people)
        hours += h
        external += ext
        euros += cents(h * rate) + ext
    return hours, external, euros


@pytest.mark.parametrize("case", CASES, ids=[c.scenario for c in CASES])
def test_scenario(case: Case) -> None:
    intake = SCENARIOS[case.scenario]()
    advice = run(intake)
    assert advice.route is case.route
    assert (advice.level if isinstance(case.outcome, Level) else advice.rung) is case.outcome
    assert set(case.methods) <= set(advice.method_ids), advice.method_ids
    assert not set(case.absent) & set(advice.method_ids)
    for code in case.warnings:
        assert code in advice.warning_codes
    hours, external, euros = expected_totals(advice, intake, SETTINGS.hourly_rate)
    assert (advice.totals.hours, advice.totals.external_euros, advice.totals.euros) == (
        hours,
        external,
        euros,
    )


def test_the_cases_cover_every_level_and_every_rung() -> None:
    outcomes = {c.outcome for c in CASES}
    assert set(Level) <= outcomes
    assert set(RobRung) <= outcomes
    assert {c.route for c in CASES} == set(Route)
    assert len(CASES) >= 12


def test_playground_totals_by_hand() -> None:
    # huis-aan-huisbrief 6+2 h, 150 + 0,90 × 60 = 204; meedenkgroep 10+16 h, 250 + 10 × 6 = 310;
    # terugkoppelingsbrief 6+2 h, 100 + 0,50 × 30 = 115. 42 h × € 85 = 3.570; extern 629.
    advice = run(SCENARIOS["speeltuin-een-straat"]())
    assert advice.totals.hours == Decimal("42")
    assert advice.totals.labour_euros == Decimal("3570.00")
    assert advice.totals.external_euros == Decimal("629.00")
    assert advice.totals.euros == Decimal("4199.00")
    assert advice.budget.fits


def test_only_informing_by_hand() -> None:
    advice = run(SCENARIOS["besluit-al-genomen"]())
    assert (advice.totals.hours, advice.totals.euros) == (Decimal("8"), Decimal("884.00"))
    assert "Daarom informeren we" in " ".join(SAY(r) for r in advice.reasons)
    assert advice.warning_codes == ()


def test_a_street_party_that_asks_nothing_is_let_go_by_hand() -> None:
    # Letting go: no feedback, no agreements; only the initiatievenloket (8 h, € 0) as a point of contact,
    # which fits the 10 hours; the municipality's informing letter (8 h, € 204) does not fit € 0 and goes.
    advice = run(SCENARIOS["burendag-loslaten"]())
    assert advice.method_ids == ("initiatievenloket",)
    assert (advice.totals.hours, advice.totals.external_euros) == (Decimal("8"), Decimal("0.00"))
    assert advice.budget.fits
    assert [n.key for n in advice.method_notes] == ["weggelaten.budget"]
    assert "Huis-aan-huisbrief" in SAY(advice.method_notes[0])


def test_a_tight_budget_swaps_to_a_cheaper_method_and_says_so() -> None:
    advice = run(SCENARIOS["groenplan-tegengestelde-partijen"]())
    assert advice.budget.fits
    said = [SAY(note) for note in advice.method_notes]
    assert any("Huis-aan-huisbrief" in note and "budget" in note for note in said), said


def test_uitdaagrecht_has_its_own_reasons_and_checklist_point() -> None:
    advice = run(SCENARIOS["uitdaagrecht-buurthuis"]())
    reasons = " ".join(SAY(r) for r in advice.reasons)
    assert "uitdaagrecht" in reasons and "beter of goedkoper" in reasons
    point = {p.id: p for p in advice.checklist}["uitdaagrecht-procedure"]
    assert point.met
    other = {p.id: p for p in run(SCENARIOS["zorgnetwerk-regisseren"]()).checklist}["uitdaagrecht-procedure"]
    assert other.status.value == "n.v.t." and other.reason is not None
