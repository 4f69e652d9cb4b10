"""Table-driven: realistic intakes, each with its expected level or rung, methods and totals.

Expected totals are computed here from the catalogue's own figures (hours, fixed costs, costs per
participant, participants per scale) and the tariff, independently of the advice's budget code; three
scenarios also carry totals worked out by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pytest

from intake_factory import SCENARIOS, shipped_data
from toolbox_docs.advice import Advice, Route, advise
from toolbox_docs.forms.records import Intake
from toolbox_docs.forms.vocab import Level, RobRung
from toolbox_docs.settings import Settings

SETTINGS = Settings()
CATALOGUE, RULES, CHECKLIST = shipped_data()


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
    Case(
        "speeltuin-een-straat",
        Level.ADVISE,
        ("huis-aan-huisbrief", "meedenkgroep", "terugkoppelingsbrief"),
        absent=("burgerberaad", "enquete-online", "projectwebsite"),
    ),
    Case(
        "huisvestingsverordening-stad",
        Level.CONSULT,
        ("projectwebsite", "enquete-online", "terugkoppelingsbrief"),
        absent=("huis-aan-huisbrief", "burgerberaad", "klankbordgroep"),
        warnings=("invloed-boven-ruimte",),
    ),
    Case(
        "groenplan-tegengestelde-partijen",
        Level.COPRODUCE,
        ("projectwebsite", "ontwerpatelier", "terugkoppelingsbrief"),
        absent=("huis-aan-huisbrief", "enquete-online"),
        warnings=("tegenstander-met-invloed",),
    ),
    Case(
        "besluit-al-genomen",
        Level.INFORM,
        ("huis-aan-huisbrief",),
        absent=("terugkoppelingsbrief", "inloopavond", "enquete-papier"),
    ),
    Case(
        "jongerencentrum",
        Level.ADVISE,
        ("sociale-media", "jongerenpanel", "terugkoppelingsbrief"),
        absent=("huis-aan-huisbrief", "enquete-papier"),
    ),
    Case(
        "parkeerbeleid-binnenstad",
        Level.CONSULT,
        ("ondernemersbijeenkomst", "projectwebsite", "terugkoppelingsbrief"),
        absent=("ontwerpatelier", "klankbordgroep"),
        warnings=("invloed-boven-ruimte", "tegenstander-met-invloed"),
    ),
    Case(
        "regionale-energiestrategie",
        Level.ADVISE,
        ("projectwebsite", "klankbordgroep", "terugkoppelingsbrief"),
        absent=("huis-aan-huisbrief", "burgerberaad", "meedenkgroep"),
        warnings=("invloed-boven-ruimte",),
    ),
    Case(
        "buurtbudget-meebeslissen",
        Level.CODECIDE,
        ("huis-aan-huisbrief", "buurtbudget", "terugkoppelingsbrief"),
        absent=("werkgroep-bewoners", "keuzehulp"),
    ),
    Case(
        "wijkvernieuwing-anderstaligen",
        Level.ADVISE,
        ("koffiekar", "keukentafelgesprekken", "ideeenmarkt", "terugkoppelingsbijeenkomst"),
        absent=("online-participatieplatform", "enquete-online", "huis-aan-huisbrief"),
        warnings=("invloed-boven-ruimte",),
    ),
    Case(
        "bewonersinitiatief-geld",
        RobRung.FACILITATE,
        ("projectwebsite", "initiatievenloket", "terugkoppelingsbrief"),
        absent=("omgevingstafel", "uitdaagrecht-procedure", "buurtbudget"),
        route=Route.ROB,
    ),
    Case(
        "uitdaagrecht-buurthuis",
        RobRung.DIRECT,
        ("huis-aan-huisbrief", "uitdaagrecht-procedure", "terugkoppelingsbrief"),
        absent=("procesbegeleiding", "netwerkbijeenkomst"),
        route=Route.CHALLENGE,
    ),
    Case(
        "initiatief-met-vergunning",
        RobRung.REGULATE,
        ("projectwebsite", "omgevingstafel", "terugkoppelingsbrief"),
        absent=("initiatievenloket", "uitdaagrecht-procedure"),
        route=Route.ROB,
    ),
    Case(
        "burendag-loslaten",
        RobRung.LET_GO,
        ("huis-aan-huisbrief", "initiatievenloket", "terugkoppelingsbrief"),
        absent=("procesbegeleiding", "omgevingstafel"),
        warnings=("budget-tekort-euro", "budget-tekort-uren"),
        route=Route.ROB,
    ),
    Case(
        "energiecooperatie-stimuleren",
        RobRung.STIMULATE,
        ("projectwebsite", "netwerkbijeenkomst", "terugkoppelingsbrief"),
        absent=("omgevingstafel", "initiatievenloket"),
        route=Route.ROB,
    ),
    Case(
        "zorgnetwerk-regisseren",
        RobRung.DIRECT,
        ("projectwebsite", "netwerkbijeenkomst", "terugkoppelingsbrief"),
        absent=("omgevingstafel", "uitdaagrecht-procedure"),
        route=Route.ROB,
    ),
]


def cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def expected_totals(
    method_ids: tuple[str, ...], intake: Intake, rate: Decimal
) -> tuple[Decimal, Decimal, Decimal]:
    """(hours, external euros, euros) straight from the catalogue's figures."""
    hours = external = euros = Decimal(0)
    for method_id in method_ids:
        m = CATALOGUE.get(method_id)
        people = dict(m.participants_by_scale)[intake.scale]
        h = m.preparation_hours + m.execution_hours
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
    assert advice.method_ids == case.methods
    assert not set(case.absent) & set(advice.method_ids)
    for code in case.warnings:
        assert code in advice.warning_codes
    hours, external, euros = expected_totals(case.methods, intake, SETTINGS.hourly_rate)
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
    assert any("alleen informeren eerlijk" in r for r in advice.reasons)
    assert advice.warning_codes == ()


def test_street_party_is_short_by_hand() -> None:
    # huis-aan-huisbrief 8 h / € 204, initiatievenloket 8 h / € 0, terugkoppelingsbrief 8 h / € 115
    # (straat: 30 × 0,50); budget € 0 and 10 hours.
    advice = run(SCENARIOS["burendag-loslaten"]())
    assert advice.budget.short_euros == Decimal("319.00")
    assert advice.budget.short_hours == Decimal("14")
    assert not advice.budget.fits
    assert "te krap" in advice.budget.summary


def test_a_tight_budget_swaps_to_a_cheaper_method_and_says_so() -> None:
    advice = run(SCENARIOS["groenplan-tegengestelde-partijen"]())
    assert advice.budget.fits
    assert any("Huis-aan-huisbrief" in note and "budget" in note for note in advice.method_notes)


def test_uitdaagrecht_has_its_own_reasons_and_checklist_point() -> None:
    advice = run(SCENARIOS["uitdaagrecht-buurthuis"]())
    assert "uitdaagrecht" in advice.reasons[0]
    assert "participatieverordening" in advice.reasons[0]
    point = {p.id: p for p in advice.checklist}["uitdaagrecht-procedure"]
    assert point.met
    assert "uitdaagrecht-procedure" not in {
        p.id for p in run(SCENARIOS["zorgnetwerk-regisseren"]()).checklist
    }
