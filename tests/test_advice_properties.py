"""Invariants of the advice over generated intakes (hypothesis)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake_factory import make_intake, party, shipped_data, shipped_wording
from toolbox_docs.advice import Advice, Route, advice_to_json, advise
from toolbox_docs.advice.catalogue import Depth, Role
from toolbox_docs.advice.stakeholders import is_initiator
from toolbox_docs.documents.planning import Phase, planning
from toolbox_docs.forms.records import Intake
from toolbox_docs.settings import DEFAULT_CATEGORIES, Settings
from toolbox_docs.vocab import (
    InfluenceRoom,
    Intensity,
    Level,
    Magnitude,
    ParticipationKind,
    PolicyPhase,
    RobRung,
    Scale,
)

SETTINGS = Settings()
CATALOGUE, RULES, CHECKLIST = shipped_data()
SAY = shipped_wording().plain
CAP = {
    InfluenceRoom.NONE: Level.INFORM,
    InfluenceRoom.LIMITED: Level.CONSULT,
    InfluenceRoom.MODERATE: Level.ADVISE,
    InfluenceRoom.LARGE: Level.COPRODUCE,
}
CENT = Decimal("0.01")

flags = st.one_of(st.none(), st.booleans())
texts = st.one_of(st.none(), st.just("Een korte uitleg in gewone taal."))
stakeholders = st.lists(
    st.builds(
        party,
        st.sampled_from(["Bewoners", "Vereniging", "Ondernemer", "Provincie", "Team"]),
        st.sampled_from(DEFAULT_CATEGORIES),
        st.integers(1, 5),
        st.integers(1, 5),
        st.sampled_from(["voor", "neutraal", "tegen", "onbekend"]),
    ),
    max_size=8,
).map(tuple)


@st.composite
def intakes(draw: Any) -> Intake:
    kind = draw(st.sampled_from(list(ParticipationKind)))
    overheid = kind is ParticipationKind.OVERHEID
    start = dt.date(2026, 1, 1) + dt.timedelta(days=draw(st.integers(0, 400)))
    end = start + dt.timedelta(days=draw(st.integers(0, 200)))
    decision = draw(st.one_of(st.none(), st.integers(1, 200).map(lambda d: end + dt.timedelta(days=d))))
    return make_intake(
        participation_kind=kind,
        asks_money=draw(flags) if overheid else None,
        asks_space=draw(flags) if overheid else None,
        asks_knowledge=draw(flags) if overheid else None,
        asks_rules=draw(flags) if overheid else None,
        asks_network=draw(flags) if overheid else None,
        public_interest=draw(st.sampled_from(list(Magnitude))) if overheid else None,
        initiative_risk=draw(st.sampled_from(list(Intensity))) if overheid else None,
        challenge_right=draw(st.booleans()) if overheid else None,
        initiator="Bewonersgroep" if overheid else None,
        policy_phase=draw(st.sampled_from(list(PolicyPhase))),
        scale=draw(st.sampled_from(list(Scale))),
        influence_room=draw(st.sampled_from(list(InfluenceRoom))),
        impact=draw(st.sampled_from(list(Magnitude))),
        sensitivity=draw(st.sampled_from(list(Intensity))),
        handover_willing=draw(st.booleans()),
        target_youth=draw(flags),
        target_elderly=draw(flags),
        target_entrepreneurs=draw(flags),
        target_non_native=draw(flags),
        target_low_literacy=draw(flags),
        target_disability=draw(flags),
        target_digital_low=draw(flags),
        participation_start=start,
        participation_end=end,
        decision_date=decision,
        budget_euros=draw(st.decimals(0, 20000, places=2)),
        budget_hours=draw(st.decimals(0, 400, places=1)),
        open_to_influence=draw(texts),
        input_use=draw(texts),
        feedback_plan=draw(texts),
        no_participation_reason=draw(texts),
        stakeholders=draw(stakeholders),
    )


def run(intake: Intake, rate: Decimal = SETTINGS.hourly_rate) -> Advice:
    return advise(
        intake,
        settings=SETTINGS.replace(hourly_rate=rate),
        catalogue=CATALOGUE,
        rules=RULES,
        checklist=CHECKLIST,
    )


common = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.slow
@common
@given(intakes())
def test_level_never_exceeds_the_cap_and_meebeslissen_needs_handover(intake: Intake) -> None:
    advice = run(intake)
    if intake.participation_kind is ParticipationKind.OVERHEID:
        assert advice.level is None and advice.rung is not None
        assert advice.route is (Route.CHALLENGE if intake.challenge_right else Route.ROB)
        return
    assert advice.level is not None
    cap = CAP[intake.influence_room]
    if intake.influence_room is InfluenceRoom.LARGE and intake.handover_willing:
        cap = Level.CODECIDE
    assert advice.level.rank <= cap.rank
    if advice.level is Level.CODECIDE:
        assert intake.handover_willing and intake.influence_room is InfluenceRoom.LARGE


@pytest.mark.slow
@common
@given(intakes(), st.decimals(0, 250, places=2))
def test_euros_are_hours_times_tariff_plus_costs_and_totals_add_up(intake: Intake, rate: Decimal) -> None:
    advice = run(intake, rate)
    for chosen in advice.methods:
        method = CATALOGUE.get(chosen.id)
        people = chosen.participants
        if not method.per_party:
            assert people == (dict(method.participants_by_scale).get(intake.scale) or method.group_min)
        hours = method.preparation_hours + method.execution_hours + method.hours_per_participant * people
        costs = method.fixed_costs + method.cost_per_participant * people
        assert chosen.hours == hours
        assert chosen.labour_euros == (hours * rate).quantize(CENT, ROUND_HALF_UP)
        assert chosen.external_euros == costs.quantize(CENT, ROUND_HALF_UP)
        assert chosen.euros == chosen.labour_euros + chosen.external_euros
        assert abs(chosen.euros - (hours * rate + costs)) <= CENT
    totals = advice.totals
    assert totals.hours == sum((m.hours for m in advice.methods), Decimal(0))
    assert totals.labour_euros == sum((m.labour_euros for m in advice.methods), Decimal(0))
    assert totals.external_euros == sum((m.external_euros for m in advice.methods), Decimal(0))
    assert totals.euros == totals.labour_euros + totals.external_euros
    budget = advice.budget
    assert budget.short_euros == max(totals.external_euros - intake.budget_euros, Decimal(0))
    assert budget.short_hours == max(totals.hours - intake.budget_hours, Decimal(0))
    assert ("budget-tekort-euro" in advice.warning_codes) == (budget.short_euros > 0)


@pytest.mark.slow
@common
@given(intakes())
def test_informing_and_feedback_are_present_above_informeren(intake: Intake) -> None:
    advice = run(intake)
    roles = [CATALOGUE.get(m.id).roles for m in advice.methods]
    if advice.route is Route.LADDER:
        assert any(Role.INFORM in r for r in roles)
    participates = (advice.rung is not RobRung.LET_GO if advice.route is not Route.LADDER
                    else advice.level is not Level.INFORM)
    if participates:
        assert any(Role.FEEDBACK in r for r in roles)
    else:
        # Only informing: nothing is chosen to ask for input, and nothing needs feedback.
        assert all(Role.FEEDBACK not in r for r in roles)
        assert not any(
            label.startswith(("niveau", "terugkoppelen")) for m in advice.methods for label in m.covers
        )


@pytest.mark.slow
@common
@given(intakes())
def test_advice_never_raises_and_is_deterministic(intake: Intake) -> None:
    first = advice_to_json(run(intake))
    assert first == advice_to_json(run(intake))
    advice = run(intake)
    assert advice.checklist and all(p.field_label for p in advice.checklist)
    assert all(w.complaints and w.field_label for w in advice.warnings)
    assert len(advice.stakeholders) == len(intake.stakeholders)


@pytest.mark.slow
@common
@given(intakes())
def test_every_sentence_of_the_advice_can_be_said(intake: Intake) -> None:
    """Each phrase the advice holds renders to Dutch with the shipped sentences: no missing key or value."""
    advice = run(intake)
    phrases = [*advice.reasons, advice.tier_reason, advice.budget.summary, *advice.method_notes,
               *(w.phrase for w in advice.warnings), *(s.approach for s in advice.stakeholders),
               *(f.phrase for s in advice.stakeholders for f in s.flags),
               *(p.reason for p in advice.checklist if p.reason is not None),
               *(r for m in advice.methods for r in (*m.reasons, *m.purposes))]
    for phrase in phrases:
        text = SAY(phrase)
        assert text.strip() and "{" not in text and "  " not in text, (phrase, text)


@pytest.mark.slow
@common
@given(intakes())
def test_the_level_gets_the_depth_it_needs_and_opposed_parties_a_personal_talk(intake: Intake) -> None:
    advice = run(intake)
    methods = [CATALOGUE.get(m.id) for m in advice.methods]
    level = advice.level
    if level is not None and level.rank >= Level.ADVISE.rank and not advice.uncovered:
        deep = {Depth.DIALOGUE, Depth.COLLABORATE, Depth.DECIDE}
        assert any(m.depth in deep and level in m.levels and not m.personal for m in methods)
    key = [s for s in intake.stakeholders if s.influence >= RULES.high_from
           and s.position.value in ("tegen", "onbekend") and not is_initiator(s, intake)]
    participates = (level is not None and level is not Level.INFORM) or (
        advice.rung is not None and advice.rung is not RobRung.LET_GO)
    if key and participates and "partijen" not in " ".join(advice.uncovered):
        assert any(m.personal for m in methods)


@pytest.mark.slow
@common
@given(intakes())
def test_the_planning_keeps_the_order_of_the_process(intake: Intake) -> None:
    advice = run(intake)
    steps = planning(intake, advice, RULES)
    start, end, decision = intake.participation_start, intake.participation_end, intake.decision_date
    for step in steps:
        if step.phase is Phase.REMINDER:
            assert start <= step.when <= end
        if step.phase is Phase.FEEDBACK and decision is not None and step.what.key == "planning.terugkoppelen":
            assert step.when > decision
        if step.phase is Phase.ACTIVITIES and step.what.key in ("planning.activiteit", "planning.bijeenkomst"):
            assert start <= step.when <= end
        if step.until is not None:
            assert step.until >= step.when
    assert [s.when for s in steps] == sorted(s.when for s in steps)
