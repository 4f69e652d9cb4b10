"""Warnings tied to the complaints of the Nationale ombudsman (report 2009/180, domain.md §4).

Each warning has a stable code, the number(s) of the complaint it helps prevent, a Dutch message and
the intake field that fixes it. Dates come from the intake only; no clock is read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from toolbox_docs.advice.catalogue import Method, Role
from toolbox_docs.advice.fields import STAKEHOLDER_FIELD, label_of
from toolbox_docs.advice.model import AdviceWarning, BudgetComparison, Route, StakeholderAnalysis
from toolbox_docs.advice.phrases import Phrase
from toolbox_docs.advice.programme import Need, NeedKind
from toolbox_docs.advice.rules import Rules
from toolbox_docs.advice.stakeholders import OPPONENT, UNREACHED
from toolbox_docs.forms.records import Intake
from toolbox_docs.vocab import TARGET_GROUP_KEYS, InfluenceRoom, InitiativeAsk, Level, Magnitude, RobRung

# code -> complaint numbers (1-8 of domain.md §4)
COMPLAINTS: dict[str, tuple[int, ...]] = {
    "invloed-boven-ruimte": (1, 5),
    "meebeslissen-niet-overgedragen": (1, 5),
    "geen-participatie-grote-impact": (1, 7),
    "te-laat-in-beleid": (2,),
    "te-weinig-weken-voor-besluit": (2,),
    "planning-te-krap": (2, 6),
    "te-weinig-tijd-verwerking": (3,),
    "geen-terugkoppeling": (3,),
    "inbreng-onduidelijk": (3, 5),
    "ruimte-onduidelijk": (5, 8),
    "geen-uitleg-alleen-informeren": (4, 8),
    "budget-tekort-euro": (6,),
    "budget-tekort-uren": (6,),
    "tegenstander-met-invloed": (7,),
    "belanghebbenden-ontbreken": (7,),
    "categorie-niet-bereikt": (7,),
    "doelgroep-niet-bereikt": (7, 8),
    "geen-werkvorm-voor-niveau": (5,),
    "besluit-voor-einde": (1, 3),
    "uitdaagrecht-datum": (6,),
    "uitdaagrecht-termijn": (5, 6),
    "initiatief-bedrag": (5, 8),
}


@dataclass(frozen=True)
class WarningInput:
    intake: Intake
    rules: Rules
    route: Route
    level: Level | None
    rung: RobRung | None
    needed: Level | None
    cap: Level | None
    methods: tuple[Method, ...]
    uncovered: tuple[Need, ...]
    stakeholders: tuple[StakeholderAnalysis, ...]
    budget: BudgetComparison


def _warning(code: str, phrase: Phrase, field: str) -> AdviceWarning:
    return AdviceWarning(code=code, complaints=COMPLAINTS[code], phrase=phrase, field=field,
                         field_label=label_of(field))


def _empty(text: str | None) -> bool:
    return text is None or not text.strip()


def _expectations(w: WarningInput) -> list[AdviceWarning]:
    intake, found = w.intake, []
    if w.needed is None or w.cap is None or intake.influence_room is None:
        return []
    if intake.influence_room is InfluenceRoom.NONE:
        # Nothing is open (a tax the law fixes): how much influence would be wanted is not the question; what
        # matters is that the decision is explained, above all when it weighs heavily on people.
        if intake.impact is Magnitude.LARGE:
            found.append(_warning("geen-participatie-grote-impact", Phrase.of("let_op.geen_participatie_grote_impact"),
                                  "no_participation_reason"))
        return found
    no_handover = (w.needed is Level.CODECIDE and intake.influence_room is InfluenceRoom.LARGE
                   and not intake.handover_willing)
    if no_handover:
        found.append(_warning("meebeslissen-niet-overgedragen", Phrase.of("let_op.meebeslissen_niet_overgedragen"),
                              "handover_willing"))
    elif w.needed.rank - w.cap.rank >= w.rules.expectation_margin:
        found.append(_warning("invloed-boven-ruimte", Phrase.of(
            "let_op.invloed_boven_ruimte", nodig=w.needed.value, hoogste=w.cap.value,
            impact=intake.impact.value if intake.impact else "", ruimte=intake.influence_room.value,
            gevoeligheid=intake.sensitivity.value if intake.sensitivity else ""), "influence_room"))
    return found


def _timing(w: WarningInput) -> list[AdviceWarning]:
    intake, planning, found = w.intake, w.rules.planning, []
    level = w.level
    too_high = level is not None and level.rank > planning.late_max_level.rank
    if level is not None and too_high and intake.policy_phase in planning.late_phases:
        found.append(_warning("te-laat-in-beleid", Phrase.of(
            "let_op.te_laat_in_beleid", fase=intake.policy_phase.value, niveau=level.value), "policy_phase"))
    decision = intake.decision_date
    if level is not None and level is not Level.INFORM and decision is not None:
        minimum = planning.min_weeks_to_decision[level]
        if (decision - intake.participation_start).days < minimum * 7:
            found.append(_warning("te-weinig-weken-voor-besluit", Phrase.of(
                "let_op.te_weinig_weken_voor_besluit", start=intake.participation_start, besluit=decision,
                niveau=level.value, weken=minimum, uitnodigen=planning.invitation_weeks), "participation_start"))
    if decision is not None and decision < intake.participation_end:
        found.append(_warning("besluit-voor-einde", Phrase.of(
            "let_op.besluit_voor_einde", besluit=decision, einde=intake.participation_end), "decision_date"))
    else:
        processing_days = planning.processing_weeks * 7
        rushed = decision is not None and (decision - intake.participation_end).days < processing_days
        if rushed and w.route is Route.LADDER and level is not Level.INFORM:
            found.append(_warning("te-weinig-tijd-verwerking", Phrase.of(
                "let_op.te_weinig_tijd_verwerking", weken=planning.processing_weeks), "decision_date"))
    slowest = max(w.methods, key=lambda m: _weeks_needed(m, planning.invitation_weeks), default=None)
    longest = _weeks_needed(slowest, planning.invitation_weeks) if slowest is not None else 0
    if (intake.participation_end - intake.participation_start).days < longest * 7:
        found.append(_warning("planning-te-krap", Phrase.of(
            "let_op.planning_te_krap", weken=longest, werkvorm=slowest.name if slowest else "",
            uitnodigen=planning.invitation_weeks), "participation_end"))
    return found


def _weeks_needed(method: Method, invitation_weeks: int) -> int:
    """Weeks from the start until a method is done: its lead time (at least the invitation term where people
    take part), a week between the meetings of a series, the weeks a period runs, and a week to write it up."""
    lead = method.lead_time_weeks
    if Role.PARTICIPATE in method.roles and method.activity.value != "doorlopend":
        lead = max(lead, invitation_weeks)
    if method.activity.value == "reeks":
        lead += method.sessions - 1
    elif method.activity.value == "periode":
        lead += method.duration_weeks
    return lead + (1 if Role.PARTICIPATE in method.roles else 0)


def _texts(w: WarningInput) -> list[AdviceWarning]:
    intake, found = w.intake, []
    participates = (w.rung is not RobRung.LET_GO if w.route is not Route.LADDER
                    else w.level is not None and w.level is not Level.INFORM)
    if participates and _empty(intake.feedback_plan):
        found.append(_warning("geen-terugkoppeling", Phrase.of("let_op.geen_terugkoppeling"), "feedback_plan"))
    if w.route is Route.LADDER and w.level is not None and w.level is not Level.INFORM:
        if _empty(intake.input_use):
            found.append(_warning("inbreng-onduidelijk", Phrase.of("let_op.inbreng_onduidelijk"), "input_use"))
        if _empty(intake.open_to_influence):
            found.append(_warning("ruimte-onduidelijk", Phrase.of("let_op.ruimte_onduidelijk"), "open_to_influence"))
    if w.route is Route.LADDER and w.level is Level.INFORM and _empty(intake.no_participation_reason):
        found.append(_warning("geen-uitleg-alleen-informeren", Phrase.of("let_op.geen_uitleg_alleen_informeren"),
                              "no_participation_reason"))
    if w.route is Route.CHALLENGE and intake.challenge_received is None:
        found.append(_warning("uitdaagrecht-datum", Phrase.of("let_op.uitdaagrecht_datum"), "challenge_received"))
    if w.route is Route.CHALLENGE and intake.challenge_received is not None and intake.decision_date is not None:
        weeks = w.rules.challenge.decide_weeks
        latest = intake.challenge_received + dt.timedelta(weeks=weeks)
        if intake.decision_date > latest:
            found.append(_warning("uitdaagrecht-termijn", Phrase.of(
                "let_op.uitdaagrecht_termijn", besluit=intake.decision_date, weken=weeks, uiterlijk=latest),
                "decision_date"))
    if InitiativeAsk.MONEY in intake.initiative_asks and intake.initiative_amount is None:
        found.append(_warning("initiatief-bedrag", Phrase.of("let_op.initiatief_bedrag"), "initiative_amount"))
    return found


def _budget(w: WarningInput) -> list[AdviceWarning]:
    found, budget = [], w.budget
    if budget.short_euros > 0:
        found.append(_warning("budget-tekort-euro", Phrase.of(
            "let_op.budget_tekort_euro", tekort=budget.short_euros, extern=budget.external_euros), "budget_euros"))
    if budget.short_hours > 0:
        found.append(_warning("budget-tekort-uren", Phrase.of(
            "let_op.budget_tekort_uren", tekort=budget.short_hours, uren=budget.hours), "budget_hours"))
    return found


def _reach(w: WarningInput) -> list[AdviceWarning]:
    found = []
    opponents = tuple(s.name for s in w.stakeholders if any(f.code == OPPONENT for f in s.flags))
    if opponents:
        found.append(_warning("tegenstander-met-invloed", Phrase.of("let_op.tegenstander_met_invloed",
                                                                    partijen=opponents), STAKEHOLDER_FIELD))
    if not w.intake.stakeholders and w.level is not None and w.level is not Level.INFORM:
        found.append(_warning("belanghebbenden-ontbreken", Phrase.of("let_op.belanghebbenden_ontbreken"),
                              STAKEHOLDER_FIELD))
    unreached = tuple(sorted({s.category for s in w.stakeholders if any(f.code == UNREACHED for f in s.flags)}))
    if unreached:
        found.append(_warning("categorie-niet-bereikt", Phrase.of("let_op.categorie_niet_bereikt",
                                                                  categorieen=unreached), STAKEHOLDER_FIELD))
    for need in w.uncovered:
        if need.kind is NeedKind.TARGET_GROUP and need.group is not None:
            found.append(_warning("doelgroep-niet-bereikt", Phrase.of("let_op.doelgroep_niet_bereikt",
                                                                      groep=need.group.value),
                                  f"target_{TARGET_GROUP_KEYS[need.group]}"))
        elif need.kind in (NeedKind.LEVEL, NeedKind.RUNG, NeedKind.CHALLENGE, NeedKind.PREPARE):
            found.append(_warning("geen-werkvorm-voor-niveau", Phrase.of(
                "let_op.geen_werkvorm_voor_niveau", behoefte=need.label, schaal=w.intake.scale.value), "scale"))
    return found


def warnings_for(w: WarningInput) -> tuple[AdviceWarning, ...]:
    return tuple([*_expectations(w), *_timing(w), *_texts(w), *_budget(w), *_reach(w)])
