"""Warnings tied to the complaints of the Nationale ombudsman (report 2009/180, domain.md §4).

Each warning has a stable code, the number(s) of the complaint it helps prevent, a Dutch message and
the intake field that fixes it. Dates come from the intake only; no clock is read.
"""

from __future__ import annotations

from dataclasses import dataclass

from toolbox_docs.advice.catalogue import Method, Role
from toolbox_docs.advice.fields import STAKEHOLDER_FIELD, label_of
from toolbox_docs.advice.methods import Need, NeedKind
from toolbox_docs.advice.model import AdviceWarning, BudgetComparison, Route, StakeholderAnalysis
from toolbox_docs.advice.rules import Rules
from toolbox_docs.advice.stakeholders import OPPONENT, UNREACHED
from toolbox_docs.formatting import date_long, euro, hours, weeks
from toolbox_docs.forms.records import Intake
from toolbox_docs.forms.vocab import TARGET_GROUP_KEYS, InfluenceRoom, Level, Magnitude

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
}


@dataclass(frozen=True)
class WarningInput:
    intake: Intake
    rules: Rules
    route: Route
    level: Level | None
    needed: Level | None
    cap: Level | None
    methods: tuple[Method, ...]
    uncovered: tuple[Need, ...]
    stakeholders: tuple[StakeholderAnalysis, ...]
    budget: BudgetComparison


def _warning(code: str, message: str, field: str) -> AdviceWarning:
    return AdviceWarning(code=code, complaints=COMPLAINTS[code], message=message, field=field,
                         field_label=label_of(field))


def _empty(text: str | None) -> bool:
    return text is None or not text.strip()


def _expectations(w: WarningInput) -> list[AdviceWarning]:
    intake, found = w.intake, []
    if w.needed is None or w.cap is None:
        return []
    no_handover = (w.needed is Level.CODECIDE and intake.influence_room is InfluenceRoom.LARGE
                   and not intake.handover_willing)
    if no_handover:
        found.append(_warning(
            "meebeslissen-niet-overgedragen",
            "De punten wijzen op meebeslissen, maar het bestuur wil het besluit niet overdragen. "
            "Het advies is daarom coproduceren. Zeg vooraf duidelijk dat het bestuur het laatste woord "
            "houdt.",
            "handover_willing"))
    elif w.needed.rank - w.cap.rank >= w.rules.expectation_margin:
        found.append(_warning(
            "invloed-boven-ruimte",
            f"Er is meer invloed nodig ({w.needed.value}) dan er geboden kan worden ({w.cap.value}): "
            f"de impact is '{intake.impact.value}' en de gevoeligheid '{intake.sensitivity.value}', "
            f"maar de ruimte voor invloed is '{intake.influence_room.value}'. Zo ontstaan verwachtingen "
            "die de gemeente niet waarmaakt. Kijk of er meer ruimte kan komen, of leg vooraf duidelijk "
            "uit wat vastligt.",
            "influence_room"))
    if intake.influence_room is InfluenceRoom.NONE and intake.impact is Magnitude.LARGE:
        found.append(_warning(
            "geen-participatie-grote-impact",
            "De impact op inwoners is groot, maar er is geen ruimte voor invloed. Leg goed uit waarom "
            "niet, en kijk of er bij de uitvoering nog iets te kiezen valt.",
            "influence_room"))
    return found


def _timing(w: WarningInput) -> list[AdviceWarning]:
    intake, planning, found = w.intake, w.rules.planning, []
    level = w.level
    too_high = level is not None and level.rank > planning.late_max_level.rank
    if level is not None and too_high and intake.policy_phase in planning.late_phases:
        found.append(_warning(
            "te-laat-in-beleid",
            f"Het beleid is al in de fase '{intake.policy_phase.value}'. Voor {level.value} is dat te laat: "
            "inwoners moeten invloed hebben voordat de keuzes gemaakt zijn. Begin eerder, of kies "
            "een lager niveau.",
            "policy_phase"))
    decision = intake.decision_date
    if level is not None and level is not Level.INFORM and decision is not None:
        minimum = planning.min_weeks_to_decision[level]
        if (decision - intake.participation_start).days < minimum * 7:
            found.append(_warning(
                "te-weinig-weken-voor-besluit",
                f"Tussen de start van de participatie ({date_long(intake.participation_start)}) en "
                f"het besluit ({date_long(decision)}) zit te weinig tijd voor {level.value}: minstens "
                f"{weeks(minimum)}. Alleen het uitnodigen kost al {weeks(planning.invitation_weeks)}. "
                "Begin eerder.",
                "participation_start"))
    processing_days = planning.processing_weeks * 7
    rushed = decision is not None and (decision - intake.participation_end).days < processing_days
    if rushed and w.route is Route.LADDER and level is not Level.INFORM:
        found.append(_warning(
            "te-weinig-tijd-verwerking",
            f"Tussen het einde van de participatie en het besluit zit minder dan "
            f"{weeks(planning.processing_weeks)}. Dan is er geen tijd om de inbreng te verwerken en terug te "
            "koppelen. Plan het besluit later.",
            "decision_date"))
    longest = max((m.lead_time_weeks for m in w.methods), default=0)
    if any(Role.PARTICIPATE in m.roles for m in w.methods):
        longest = max(longest, planning.invitation_weeks)
    if (intake.participation_end - intake.participation_start).days < longest * 7:
        found.append(_warning(
            "planning-te-krap",
            f"De gekozen werkvormen hebben samen minstens {weeks(longest)} nodig (uitnodigen kost minstens "
            f"{weeks(planning.invitation_weeks)}), maar de participatie duurt korter. Laat de participatie "
            "later eindigen.",
            "participation_end"))
    return found


def _texts(w: WarningInput) -> list[AdviceWarning]:
    intake, found = w.intake, []
    participates = w.route is not Route.LADDER or (w.level is not None and w.level is not Level.INFORM)
    if participates and _empty(intake.feedback_plan):
        found.append(_warning(
            "geen-terugkoppeling",
            "Er staat niet hoe deelnemers horen wat er met hun inbreng is gedaan. Zonder "
            "terugkoppeling voelen mensen zich niet gehoord. Beschrijf hoe en wanneer je terugkoppelt.",
            "feedback_plan"))
    if w.route is Route.LADDER and w.level is not None and w.level is not Level.INFORM:
        if _empty(intake.input_use):
            found.append(_warning(
                "inbreng-onduidelijk",
                "Er staat niet wat er met de inbreng gebeurt. "
                "Beschrijf hoe de inbreng meeweegt in het besluit.",
                "input_use"))
        if _empty(intake.open_to_influence):
            found.append(_warning(
                "ruimte-onduidelijk",
                "Er staat niet waarover inwoners mogen meepraten. Beschrijf wat open is voor invloed.",
                "open_to_influence"))
    if w.route is Route.LADDER and w.level is Level.INFORM and _empty(intake.no_participation_reason):
        found.append(_warning(
            "geen-uitleg-alleen-informeren",
            "Het advies is alleen informeren, maar er staat niet waarom er geen inspraak is. Wie alleen "
            "geïnformeerd wordt, moet dat kunnen lezen. Leg het uit.",
            "no_participation_reason"))
    return found


def _budget(w: WarningInput) -> list[AdviceWarning]:
    found, budget = [], w.budget
    if budget.short_euros > 0:
        found.append(_warning(
            "budget-tekort-euro",
            f"Het budget is {euro(budget.short_euros)} te laag voor de externe kosten van de werkvormen "
            f"({euro(budget.external_euros)}). Verhoog het budget of kies minder werkvormen.",
            "budget_euros"))
    if budget.short_hours > 0:
        found.append(_warning(
            "budget-tekort-uren",
            f"Er zijn {hours(budget.short_hours)} uur te weinig: de werkvormen kosten "
            f"{hours(budget.hours)} uur. Maak meer uren vrij.",
            "budget_hours"))
    return found


def _reach(w: WarningInput) -> list[AdviceWarning]:
    found = []
    opponents = [s.name for s in w.stakeholders if any(f.code == OPPONENT for f in s.flags)]
    if opponents:
        found.append(_warning(
            "tegenstander-met-invloed",
            f"Partijen met veel invloed zijn tegen: {', '.join(opponents)}. Ga vroeg met hen in gesprek, "
            "persoonlijk en niet alleen in een grote bijeenkomst.",
            STAKEHOLDER_FIELD))
    if not w.intake.stakeholders and w.level is not None and w.level is not Level.INFORM:
        found.append(_warning(
            "belanghebbenden-ontbreken",
            "Er staan geen belanghebbenden in de tabel. "
            "Zonder stakeholderanalyse weet je niet wie je moet betrekken.",
            STAKEHOLDER_FIELD))
    unreached = sorted({s.category for s in w.stakeholders if any(f.code == UNREACHED for f in s.flags)})
    if unreached:
        found.append(_warning(
            "categorie-niet-bereikt",
            f"Geen van de gekozen werkvormen bereikt: {', '.join(unreached)}. Benader die partijen apart.",
            STAKEHOLDER_FIELD))
    for need in w.uncovered:
        if need.kind is NeedKind.TARGET_GROUP and need.group is not None:
            found.append(_warning(
                "doelgroep-niet-bereikt",
                f"Geen werkvorm in de catalogus bereikt de {need.group.value} op deze schaal. Zoek een eigen "
                "manier om deze groep te bereiken.",
                f"target_{TARGET_GROUP_KEYS[need.group]}"))
        elif need.kind in (NeedKind.LEVEL, NeedKind.RUNG, NeedKind.CHALLENGE):
            found.append(_warning(
                "geen-werkvorm-voor-niveau",
                f"Geen werkvorm in de catalogus past bij {need.label} op schaal '{w.intake.scale.value}'. "
                "Zonder passende werkvorm maakt de gemeente het niveau niet waar.",
                "scale"))
    return found


def warnings_for(w: WarningInput) -> tuple[AdviceWarning, ...]:
    return tuple([*_expectations(w), *_timing(w), *_texts(w), *_budget(w), *_reach(w)])
