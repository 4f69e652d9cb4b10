"""The advice of every advisor scenario (``advisor_scenarios.py``) against what an advisor expects.

Per scenario: the level or role, methods that must and must not be there, how full the programme is, the
budget used or the sentence that says why less is enough, warnings, and what the paragraph tells the council.
For every scenario: the order of the process in the planning (activities spread over the window, the
decision after the participation, feedback after the decision, reminders after the start), and nothing of
the toolbox's scoring or instructions to the author in the paragraph.
"""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal

import pytest

from advisor_scenarios import SCENARIOS, Scenario
from intake_factory import shipped_data, shipped_wording
from toolbox_docs.advice import Advice, advise
from toolbox_docs.advice.catalogue import Depth, Role
from toolbox_docs.advice.model import Tier
from toolbox_docs.documents.blocks import Paragraph, Table, plain_text
from toolbox_docs.documents.context import paragraph_context, plan_context
from toolbox_docs.documents.planning import Phase, planning
from toolbox_docs.forms.records import Intake
from toolbox_docs.settings import Settings
from toolbox_docs.vocab import Level, RobRung, TargetGroup

CATALOGUE, RULES, CHECKLIST = shipped_data()
WORDING = shipped_wording()
IDS = [s.name for s in SCENARIOS]

# What must never reach the council: the scoring, and sentences that tell the author what to do.
SCORING = re.compile(r"\b\d+ punten?\b|geeft \d|Samen is dat|telt punten", re.IGNORECASE)
INSTRUCTIONS = re.compile(
    r"(?:^|[.!?]\s+)(?:Leg|Kijk|Vul|Zorg|Begin|Plan|Kies|Maak|Beschrijf|Ga|Klim|Benader|Houd|Vraag|Nodig|Luister)\b"
    r"|toolbox|intake|\bje\b|\bjij\b|\bjouw\b|Let op")


def run(intake: Intake) -> Advice:
    return advise(intake, settings=Settings(), catalogue=CATALOGUE, rules=RULES, checklist=CHECKLIST)


def paragraph_text(intake: Intake, advice: Advice) -> str:
    blocks = WORDING.render("participatieparagraaf.html.j2", paragraph_context(
        intake, advice, organisation="Gemeente Heerlen", rules=RULES))
    return plain_text(blocks).replace("\u00a0", " ")


# The person's own texts are theirs (they may say "je"); what the toolbox writes is checked on its own.
OWN_TEXTS = ("project_description", "reason_goal", "fixed_frameworks", "open_to_influence", "input_use",
             "feedback_plan", "no_participation_reason", "initiative_request")


def generated_text(intake: Intake, advice: Advice) -> str:
    """The paragraph's sentences with the person's texts replaced, and without its table."""
    neutral = dataclasses.replace(intake, **{f: "Tekst van de trekker." for f in OWN_TEXTS
                                             if getattr(intake, f) is not None})
    blocks = WORDING.render("participatieparagraaf.html.j2", paragraph_context(
        neutral, advice, organisation="Gemeente Heerlen", rules=RULES))
    return plain_text([b for b in blocks if not isinstance(b, Table)])


@pytest.mark.parametrize("scenario", SCENARIOS, ids=IDS)
def test_the_advice_is_what_an_advisor_expects(scenario: Scenario) -> None:
    intake, expect = scenario.intake(), scenario.expect
    advice = run(intake)
    chosen = set(advice.method_ids)
    outcome = advice.level if isinstance(expect.outcome, Level) else advice.rung
    assert outcome is expect.outcome, f"{scenario.name}: {expect.why}"
    assert set(expect.must) <= chosen, f"{scenario.name}: {expect.why} — chosen {sorted(chosen)}"
    assert not set(expect.must_not) & chosen, f"{scenario.name}: {expect.why} — chosen {sorted(chosen)}"
    for group in expect.one_of:
        assert set(group) & chosen, f"{scenario.name}: one of {group} — chosen {sorted(chosen)}"
    if expect.tier is not None:
        assert advice.tier is expect.tier, scenario.name
    if expect.min_budget_use is not None:
        used = advice.totals.external_euros / intake.budget_euros
        said = advice.budget.summary.key == "budget.ruim"
        assert used >= Decimal(str(expect.min_budget_use)) or said, (
            f"{scenario.name}: uses {used:.0%} of the budget and does not say why less is enough")
    if expect.budget_key is not None:
        assert advice.budget.summary.key == expect.budget_key, scenario.name
    assert set(expect.warnings) <= set(advice.warning_codes), (scenario.name, advice.warning_codes)
    assert not set(expect.no_warnings) & set(advice.warning_codes), (scenario.name, advice.warning_codes)
    notes = {n.key for n in advice.method_notes}
    assert set(expect.notes) <= notes, (scenario.name, notes)
    statuses = {p.id: p.status.value for p in advice.checklist}
    for point, status in expect.checklist.items():
        assert statuses[point] == status, (scenario.name, point, statuses[point])
    text = paragraph_text(intake, advice)
    for phrase in expect.paragraph:
        assert phrase in text, f"{scenario.name}: the paragraph should say {phrase!r}"
    for phrase in expect.not_in_paragraph:
        assert phrase not in text, f"{scenario.name}: the paragraph should not say {phrase!r}"


@pytest.mark.parametrize("scenario", SCENARIOS, ids=IDS)
def test_the_programme_has_the_depth_its_level_needs(scenario: Scenario) -> None:
    advice = run(scenario.intake())
    methods = [CATALOGUE.get(m.id) for m in advice.methods]
    assert any(Role.INFORM in m.roles and Role.PARTICIPATE not in m.roles for m in methods) or \
        advice.route.value != "participatieladder"
    if advice.level is not None and advice.level.rank >= Level.ADVISE.rank:
        deep = {Depth.DIALOGUE, Depth.COLLABORATE, Depth.DECIDE}
        assert any(m.depth in deep and not m.personal and advice.level in m.levels for m in methods), scenario.name
    if advice.level is Level.CODECIDE:
        assert any(m.depth is Depth.DECIDE for m in methods), scenario.name
    participates = advice.level not in (None, Level.INFORM) or advice.rung not in (None, RobRung.LET_GO)
    assert participates == any(Role.FEEDBACK in m.roles for m in methods), scenario.name
    # Every method is explained in a sentence, and every sentence can be said.
    for method in advice.methods:
        assert method.reasons and method.purposes, method.id
        for phrase in (*method.reasons, *method.purposes):
            assert WORDING.plain(phrase).strip()


@pytest.mark.parametrize("scenario", SCENARIOS, ids=IDS)
def test_the_planning_follows_the_process(scenario: Scenario) -> None:
    intake = scenario.intake()
    advice = run(intake)
    steps = planning(intake, advice, RULES)
    start, end, decision = intake.participation_start, intake.participation_end, intake.decision_date
    reminders = [s for s in steps if s.phase is Phase.REMINDER]
    assert reminders and all(start <= s.when <= end for s in reminders), scenario.name
    feedback = [s for s in steps if s.phase is Phase.FEEDBACK and s.what.key == "planning.terugkoppelen"]
    if decision is not None:
        assert all(s.when > decision for s in feedback), scenario.name
    weigh = [s for s in steps if s.phase is Phase.WEIGH]
    assert all(s.when >= end for s in weigh)
    activities = [s for s in steps if s.phase is Phase.ACTIVITIES and s.what.key in (
        "planning.activiteit", "planning.bijeenkomst", "planning.periode")]
    assert all(start <= s.when <= end for s in activities), scenario.name
    window = (end - start).days
    if window >= 16 * 7 and len(activities) >= 3:
        # Spread over the window: not everything in its first quarter, and something in its last half.
        first_quarter = [s for s in activities if (s.when - start).days <= window / 4]
        assert len(first_quarter) < len(activities), scenario.name
        assert any((s.when - start).days >= window / 2 for s in activities), scenario.name
    deciders = {m.name for m in advice.methods if m.depth == "beslissen"}
    deciding = [s for s in steps if s.phase is Phase.ACTIVITIES
                and any(isinstance(v, str) and v in deciders for _, v in s.what.values)]
    for step in deciding:
        end_of_step = step.until or step.when
        assert (end - end_of_step).days <= 14, f"{scenario.name}: the deciding activity closes the window"
    if deciding:
        # What prepares the decision (meetings, sessions) is done before the participants decide.
        begin = min(s.when for s in deciding)
        preparing = [s for s in activities if s.what.key in ("planning.activiteit", "planning.bijeenkomst")
                     and s not in deciding]
        assert all(s.when < begin for s in preparing), scenario.name
    # Every step can be said.
    for step in steps:
        assert WORDING.plain(step.what).strip()


@pytest.mark.parametrize("scenario", SCENARIOS, ids=IDS)
def test_the_paragraph_tells_the_council_reasons_not_scores_or_instructions(scenario: Scenario) -> None:
    intake = scenario.intake()
    advice = run(intake)
    text = paragraph_text(intake, advice)
    assert not SCORING.search(text), SCORING.search(text)
    running = generated_text(intake, advice)
    found = INSTRUCTIONS.search(running)
    context = running[max(0, found.start() - 80):found.end() + 80] if found else ""
    assert found is None, f"{scenario.name}: {context!r}"
    # The meaning of the level or role is said once.
    uitleg = WORDING.env.get_template("_niveaus.html.j2").module.niveau_uitleg[advice.outcome]  # type: ignore[attr-defined]
    assert text.count(uitleg) == 1
    heading = "Niveau van participatie" if advice.level is not None else "Rol van de gemeente"
    assert heading in text
    # Influential parties that are against are told to the council.
    for s in advice.stakeholders:
        if s.influence >= RULES.high_from and s.position.value == "tegen":
            assert s.name in text, f"{scenario.name}: the council is not told that {s.name} is against"


@pytest.mark.parametrize("scenario", SCENARIOS, ids=IDS)
def test_the_plan_holds_the_advice_for_the_trekker(scenario: Scenario) -> None:
    intake = scenario.intake()
    advice = run(intake)
    blocks = WORDING.render("participatieplan.html.j2", plan_context(
        intake, advice, organisation="Gemeente Heerlen", rules=RULES, form_warnings=()))
    text = plain_text(blocks)
    for warning in advice.warnings:
        assert WORDING.plain(warning.phrase) in text
    for note in advice.method_notes:
        assert WORDING.plain(note) in text
    assert WORDING.plain(advice.tier_reason) in text
    # The person's own lines and bullets are kept as they typed them.
    for line in intake.fixed_frameworks.splitlines():
        assert line.lstrip("- ").strip() in text
    assert not [b for b in blocks if isinstance(b, Paragraph) and "{" in b.text]


def test_bullets_and_line_breaks_of_the_person_are_kept_in_the_proposal() -> None:
    scenario = next(s for s in SCENARIOS if s.name == "belasting-vast")
    intake = scenario.intake()
    blocks = WORDING.render("participatieparagraaf.html.j2", paragraph_context(
        intake, run(intake), organisation="Gemeente Heerlen", rules=RULES))
    lists = [b for b in blocks if type(b).__name__ == "BulletList"]
    items = [t for b in lists for t in b.texts]  # type: ignore[attr-defined]
    assert "Het tarief voor een gezin stijgt met 24 euro per jaar." in items
    assert any(isinstance(b, Paragraph) and b.text.startswith("Wat ligt vast?") for b in blocks)


def test_the_scenarios_cover_every_level_every_role_and_every_target_group() -> None:
    advices = [(s.intake(), run(s.intake())) for s in SCENARIOS]
    assert {a.level for _, a in advices if a.level} == set(Level)
    assert {a.rung for _, a in advices if a.rung} == set(RobRung)
    assert {g for i, _ in advices for g in i.target_groups} == set(TargetGroup)
    assert {a.tier for _, a in advices} == set(Tier)
    assert any(a.warning_codes for _, a in advices)
    assert len(SCENARIOS) >= 20
