"""Warnings tied to the ombudsman's complaints, the checklist, stakeholders, and the points model."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest

from intake_factory import SCENARIOS, make_intake, party, shipped_data, shipped_wording
from toolbox_docs.advice import Advice, Quadrant, advise
from toolbox_docs.advice.catalogue import Catalogue, Method
from toolbox_docs.advice.ombudsman import COMPLAINTS
from toolbox_docs.forms.records import Intake
from toolbox_docs.forms.schema import INTAKE_SCHEMA
from toolbox_docs.settings import Settings
from toolbox_docs.vocab import (
    InfluenceRoom,
    Intensity,
    Level,
    Magnitude,
    PolicyPhase,
    RobRung,
    Scale,
    TargetGroup,
)

CATALOGUE, RULES, CHECKLIST = shipped_data()
WORDING = shipped_wording()
say = WORDING.plain


def run(intake: Intake, catalogue: Catalogue = CATALOGUE) -> Advice:
    return advise(intake, settings=Settings(), catalogue=catalogue, rules=RULES, checklist=CHECKLIST)


def without(predicate: Callable[[Method], bool]) -> Catalogue:
    """The shipped catalogue less the methods for which ``predicate`` holds."""
    return dataclasses.replace(CATALOGUE, methods=tuple(m for m in CATALOGUE.methods if not predicate(m)))


def only_informing(**changes: object) -> Intake:
    """Little impact, low interest: informing suffices although there is some room."""
    base: dict[str, object] = dict(
        influence_room=InfluenceRoom.LIMITED,
        impact=Magnitude.SMALL,
        sensitivity=Intensity.LOW,
        scale=Scale.STREET,
        stakeholders=(party("Bewoners", "inwoners", 1, 2, "neutraal"),),
        no_participation_reason="Het gaat om klein onderhoud; we informeren de straat.",
    )
    return make_intake(**{**base, **changes})


CASES: dict[str, Intake] = {
    "invloed-boven-ruimte": SCENARIOS["huisvestingsverordening-stad"](),
    "meebeslissen-niet-overgedragen": make_intake(
        influence_room=InfluenceRoom.LARGE,
        impact=Magnitude.LARGE,
        sensitivity=Intensity.HIGH,
        scale=Scale.CITY,
    ),
    "geen-participatie-grote-impact": make_intake(
        influence_room=InfluenceRoom.NONE,
        impact=Magnitude.LARGE,
        no_participation_reason="Wettelijke plicht.",
    ),
    "te-laat-in-beleid": make_intake(policy_phase=PolicyPhase.DECISION),
    "te-weinig-weken-voor-besluit": make_intake(
        participation_end=dt.date(2026, 4, 3), decision_date=dt.date(2026, 4, 20)
    ),
    "te-weinig-tijd-verwerking": make_intake(decision_date=dt.date(2026, 6, 5)),
    "planning-te-krap": make_intake(participation_end=dt.date(2026, 3, 9)),
    "geen-terugkoppeling": make_intake(feedback_plan=None),
    "inbreng-onduidelijk": make_intake(input_use=" "),
    "ruimte-onduidelijk": make_intake(open_to_influence=None),
    "geen-uitleg-alleen-informeren": only_informing(no_participation_reason=None),
    "budget-tekort-euro": make_intake(budget_euros=Decimal("0")),
    "budget-tekort-uren": make_intake(budget_hours=Decimal("1")),
    "tegenstander-met-invloed": make_intake(stakeholders=(party("Wethouder", "politiek", 5, 5, "tegen"),)),
    "belanghebbenden-ontbreken": make_intake(stakeholders=()),
    "categorie-niet-bereikt": dataclasses.replace(
        SCENARIOS["besluit-al-genomen"](), stakeholders=(party("Stichting Straatfeest", "overig", 1, 1),)
    ),
    "doelgroep-niet-bereikt": make_intake(target_low_literacy=True),
    "geen-werkvorm-voor-niveau": SCENARIOS["buurtbudget-meebeslissen"](),
    "besluit-voor-einde": make_intake(policy_phase=PolicyPhase.EXECUTION, decision_date=dt.date(2026, 5, 1)),
    "uitdaagrecht-datum": dataclasses.replace(SCENARIOS["uitdaagrecht-buurthuis"](), challenge_received=None),
    "uitdaagrecht-termijn": dataclasses.replace(  # decided 20 weeks after the request, the term is 12
        SCENARIOS["uitdaagrecht-buurthuis"](), challenge_received=dt.date(2027, 1, 4),
        participation_start=dt.date(2027, 1, 4), decision_date=dt.date(2027, 5, 24)),
    "initiatief-bedrag": dataclasses.replace(SCENARIOS["bewonersinitiatief-geld"](), initiative_amount=None),
}
TRIMMED = {
    "doelgroep-niet-bereikt": without(lambda m: TargetGroup.LOW_LITERACY in m.target_groups),
    "geen-werkvorm-voor-niveau": without(lambda m: Level.CODECIDE in m.levels),
}


def test_every_warning_code_has_a_case() -> None:
    assert set(CASES) == set(COMPLAINTS)


@pytest.mark.parametrize("code", sorted(CASES))
def test_warning_is_raised_with_complaints_and_the_field_that_fixes_it(code: str) -> None:
    advice = run(CASES[code], TRIMMED.get(code, CATALOGUE))
    found = [w for w in advice.warnings if w.code == code]
    assert len(found) == 1, advice.warning_codes
    warning = found[0]
    assert warning.complaints == COMPLAINTS[code]
    assert all(1 <= c <= 8 for c in warning.complaints)
    text = say(warning.phrase)
    assert text.endswith(".") and text[0].isupper() and "{" not in text
    assert warning.field_label == (
        INTAKE_SCHEMA.table.title
        if warning.field == "stakeholders"
        else INTAKE_SCHEMA.label_of(warning.field)
    )
    assert warning.field_label != warning.field


def test_the_default_intake_has_no_warnings_and_meets_the_checklist() -> None:
    advice = run(make_intake())
    assert advice.level is Level.ADVISE
    assert advice.warning_codes == ()
    assert all(p.met for p in advice.checklist)


@pytest.mark.parametrize(
    ("code", "point"),
    [
        ("te-laat-in-beleid", "op-tijd"),
        ("te-weinig-tijd-verwerking", "inbreng-meegewogen"),
        ("geen-terugkoppeling", "terugkoppeling"),
        ("geen-uitleg-alleen-informeren", "informatie-voor-iedereen"),
        ("ruimte-onduidelijk", "kaders-helder"),
        ("planning-te-krap", "planning-zorgvuldig"),
        ("budget-tekort-euro", "genoeg-geld"),
        ("budget-tekort-uren", "genoeg-uren"),
        ("categorie-niet-bereikt", "belanghebbenden-bereikt"),
    ],
)
def test_checklist_point_is_missing_and_names_its_field(code: str, point: str) -> None:
    results = {p.id: p for p in run(CASES[code], TRIMMED.get(code, CATALOGUE)).checklist}
    assert not results[point].met
    assert results[point].field_label == (
        INTAKE_SCHEMA.table.title
        if results[point].field == "stakeholders"
        else INTAKE_SCHEMA.label_of(results[point].field)
    )
    assert {p.id: p for p in run(make_intake()).checklist}[point].met


def test_a_gap_between_need_and_room_fails_only_when_it_is_not_explained() -> None:
    explained = run(CASES["invloed-boven-ruimte"])
    assert "invloed-boven-ruimte" in explained.warning_codes
    assert {p.id: p for p in explained.checklist}["geen-schijninspraak"].met
    unexplained = run(dataclasses.replace(CASES["invloed-boven-ruimte"], open_to_influence=None))
    assert not {p.id: p for p in unexplained.checklist}["geen-schijninspraak"].met


def test_a_fixed_decision_promises_nothing_and_passes_when_it_is_explained() -> None:
    """A tax the law fixes: the 'needed' influence is not held against a project that offers none."""
    intake = make_intake(influence_room=InfluenceRoom.NONE, impact=Magnitude.LARGE, sensitivity=Intensity.HIGH,
                         scale=Scale.CITY, no_participation_reason="De hoogte van de belasting staat in de wet.")
    advice = run(intake)
    assert advice.level is Level.INFORM
    assert "invloed-boven-ruimte" not in advice.warning_codes
    checklist = {p.id: p for p in advice.checklist}
    assert checklist["geen-schijninspraak"].met
    assert checklist["inbreng-meegewogen"].status.value == "n.v.t."
    assert checklist["terugkoppeling"].status.value == "n.v.t."
    assert say(checklist["terugkoppeling"].reason)


def test_opponents_left_out_fail_the_open_attitude_point() -> None:
    intake = only_informing(stakeholders=(party("Buurtcomité", "inwoners", 2, 5, "tegen"),))
    advice = run(intake)
    assert advice.level is Level.INFORM
    assert not {p.id: p for p in advice.checklist}["tegenstanders-gehoord"].met


def test_unanswered_asks_fail_the_initiative_point() -> None:
    intake = SCENARIOS["bewonersinitiatief-geld"]()
    assert {p.id: p for p in run(intake).checklist}["initiatief-helder"].met
    vague = dataclasses.replace(intake, asks_network=None)
    assert not {p.id: p for p in run(vague).checklist}["initiatief-helder"].met
    no_amount = dataclasses.replace(intake, initiative_amount=None)
    assert not {p.id: p for p in run(no_amount).checklist}["initiatief-helder"].met


@pytest.mark.parametrize(
    ("influence", "interest", "quadrant"),
    [
        (4, 4, Quadrant.MANAGE_CLOSELY),
        (5, 3, Quadrant.KEEP_SATISFIED),
        (3, 5, Quadrant.KEEP_INFORMED),
        (3, 3, Quadrant.MONITOR),
        (1, 1, Quadrant.MONITOR),
    ],
)
def test_stakeholder_quadrant(influence: int, interest: int, quadrant: Quadrant) -> None:
    advice = run(make_intake(stakeholders=(party("Partij", "inwoners", influence, interest, "tegen"),)))
    analysis = advice.stakeholders[0]
    assert analysis.quadrant is quadrant
    approach = say(analysis.approach)
    opening = {Quadrant.MANAGE_CLOSELY: "Betrek deze partij nauw", Quadrant.KEEP_SATISFIED: "Houd deze partij tevreden",
               Quadrant.KEEP_INFORMED: "Informeer en betrek", Quadrant.MONITOR: "Houd deze partij in de gaten"}
    assert approach.startswith(opening[quadrant])
    assert "tegen" in approach
    flags = {f.code for f in analysis.flags}
    assert ("tegen-met-invloed" in flags) == (influence >= 4)


def test_points_model_uses_the_rules_file() -> None:
    advice = run(SCENARIOS["speeltuin-een-straat"]())
    assert [(p.factor, p.value, p.points) for p in advice.points] == [
        ("impact op inwoners", "gemiddeld", 2),
        ("gevoeligheid", "laag", 0),
        ("geografische schaal", "straat", 0),
        ("belanghebbenden met groot belang", "3 van 4", 2),
    ]
    assert advice.total_points == 4
    assert advice.needed is Level.ADVISE and advice.cap is Level.ADVISE


def test_handover_points_count_only_with_large_room() -> None:
    large = run(make_intake(influence_room=InfluenceRoom.LARGE, handover_willing=True))
    moderate = run(make_intake(influence_room=InfluenceRoom.MODERATE, handover_willing=True))
    assert large.total_points == moderate.total_points + RULES.level.handover
    assert large.cap is Level.CODECIDE and moderate.cap is Level.ADVISE
    assert "overlaten" in say(large.reasons[1]) and "meedenken" in say(moderate.reasons[1])


@pytest.mark.parametrize(
    ("changes", "rung"),
    [
        ({}, RobRung.LET_GO),
        ({"asks_knowledge": True}, RobRung.FACILITATE),
        ({"asks_network": True}, RobRung.STIMULATE),
        ({"asks_network": True, "public_interest": Magnitude.LARGE}, RobRung.DIRECT),
        ({"asks_rules": True}, RobRung.REGULATE),
        ({"initiative_risk": Intensity.HIGH}, RobRung.REGULATE),
    ],
)
def test_rob_rung_is_the_lowest_that_meets_every_minimum(changes: dict[str, object], rung: RobRung) -> None:
    intake = dataclasses.replace(SCENARIOS["burendag-loslaten"](), **changes)  # type: ignore[arg-type]
    advice = run(intake)
    assert advice.rung is rung
    assert rung.value in say(advice.reasons[-1])
