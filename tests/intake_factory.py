"""Realistic intakes for the advice tests, filled the way a civil servant in Heerlen would.

``make_intake(**overrides)`` gives a complete, valid burgerparticipatie intake (invented people,
example.org addresses); the scenario builders below change what their story needs. Field names equal
the schema's field ids, so every override is a field a person fills in the workbook.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from toolbox_docs.forms.records import Intake, Stakeholder
from toolbox_docs.vocab import (
    DecisionMaker,
    InfluenceRoom,
    Intensity,
    Magnitude,
    ParticipationKind,
    PolicyPhase,
    Position,
    ProposalKind,
    Scale,
)


def party(name: str, category: str, influence: int, interest: int, position: str = "onbekend") -> Stakeholder:
    return Stakeholder(name=name, category=category, influence=influence, interest=interest,
                       position=Position(position))


_DEFAULTS: dict[str, Any] = dict(
    project_name="Herinrichting Pancratiusplein",
    project_description="Het plein krijgt meer groen, betere verlichting en nieuwe zitplekken.",
    trekker_name="Sanne Voorbeeld",
    trekker_email="s.voorbeeld@example.org",
    trekker_phone="045 000 0000",
    team="Openbare Ruimte",
    area="Heerlen-Centrum",
    policy_field="Openbare ruimte",
    location="Pancratiusplein",
    keywords="plein, groen, verlichting",
    participation_kind=ParticipationKind.BURGER,
    initiator=None,
    asks_money=None,
    asks_space=None,
    asks_knowledge=None,
    asks_rules=None,
    asks_network=None,
    public_interest=None,
    initiative_risk=None,
    challenge_right=None,
    policy_phase=PolicyPhase.PREPARATION,
    decision_maker=DecisionMaker.COLLEGE,
    proposal_kind=ProposalKind.COLLEGE,
    scale=Scale.NEIGHBOURHOOD,
    influence_room=InfluenceRoom.MODERATE,
    impact=Magnitude.MODERATE,
    sensitivity=Intensity.LOW,
    handover_willing=False,
    target_youth=None,
    target_elderly=None,
    target_entrepreneurs=None,
    target_non_native=None,
    target_low_literacy=None,
    target_disability=None,
    target_digital_low=None,
    participation_start=dt.date(2026, 3, 2),
    participation_end=dt.date(2026, 5, 29),
    decision_date=dt.date(2026, 7, 7),
    budget_euros=Decimal("5000.00"),
    budget_hours=Decimal("120"),
    reason_goal="Het plein is versleten. We willen weten wat omwonenden en ondernemers belangrijk vinden.",
    fixed_frameworks="Het budget van 450.000 euro en de bomen aan de westkant liggen vast.",
    open_to_influence="De indeling van het plein, het soort groen en de plek van de bankjes.",
    input_use="De inbreng weegt mee in het ontwerp; afwijken leggen we uit in het raadsvoorstel.",
    feedback_plan="Binnen vier weken na de laatste bijeenkomst krijgt iedereen een brief met wat we ermee "
                  "doen.",
    no_participation_reason=None,
    stakeholders=(
        party("Omwonenden Pancratiusplein", "inwoners", 2, 5, "neutraal"),
        party("Horeca aan het plein", "ondernemers", 3, 4, "voor"),
        party("Wijkraad Centrum", "maatschappelijke organisaties", 3, 3, "voor"),
    ),
)


def make_intake(**overrides: Any) -> Intake:
    unknown = set(overrides) - {f.name for f in dataclasses.fields(Intake)}
    if unknown:
        raise TypeError(f"no such intake fields: {sorted(unknown)}")
    return Intake(**{**_DEFAULTS, **overrides})


def _overheid(**overrides: Any) -> Intake:
    base: dict[str, Any] = dict(
        participation_kind=ParticipationKind.OVERHEID,
        asks_money=False, asks_space=False, asks_knowledge=False, asks_rules=False, asks_network=False,
        public_interest=Magnitude.MODERATE, initiative_risk=Intensity.LOW, challenge_right=False,
        proposal_kind=ProposalKind.NONE, decision_date=None, policy_phase=PolicyPhase.EXECUTION,
    )
    return make_intake(**{**base, **overrides})


# --- burgerparticipatie ----------------------------------------------------------------------------


def playground_one_street() -> Intake:
    return make_intake(
        project_name="Speeltuin Kastanjelaan",
        project_description="De speeltuin in de Kastanjelaan wordt vernieuwd.",
        scale=Scale.STREET, influence_room=InfluenceRoom.MODERATE, impact=Magnitude.MODERATE,
        sensitivity=Intensity.LOW, budget_euros=Decimal("1500"), budget_hours=Decimal("80"),
        participation_start=dt.date(2026, 3, 2), participation_end=dt.date(2026, 4, 24),
        decision_date=dt.date(2026, 5, 26),
        stakeholders=(
            party("Bewoners Kastanjelaan", "inwoners", 2, 5, "voor"),
            party("Ouders van jonge kinderen", "inwoners", 2, 5, "voor"),
            party("Speeltuinvereniging De Eekhoorn", "maatschappelijke organisaties", 3, 4, "voor"),
            party("Team Beheer Openbare Ruimte", "interne afdelingen", 3, 2, "neutraal"),
        ),
    )


def housing_ordinance_citywide() -> Intake:
    return make_intake(
        project_name="Huisvestingsverordening 2027",
        project_description="Nieuwe regels voor woningtoewijzing, opkoopbescherming en kamerverhuur.",
        policy_field="Wonen", area="Hele gemeente", scale=Scale.CITY, influence_room=InfluenceRoom.LIMITED,
        impact=Magnitude.LARGE, sensitivity=Intensity.MODERATE, decision_maker=DecisionMaker.COUNCIL,
        proposal_kind=ProposalKind.COUNCIL, budget_euros=Decimal("2500"), budget_hours=Decimal("80"),
        participation_start=dt.date(2026, 2, 2), participation_end=dt.date(2026, 4, 3),
        decision_date=dt.date(2026, 6, 25),
        stakeholders=(
            party("Woningcorporatie Weller", "maatschappelijke organisaties", 4, 5, "neutraal"),
            party("Huurdersvereniging Heerlen", "maatschappelijke organisaties", 3, 5, "tegen"),
            party("Vastgoedeigenaren Parkstad", "ondernemers", 3, 5, "tegen"),
            party("Studentenhuisvesting Zuyd", "maatschappelijke organisaties", 2, 4, "neutraal"),
            party("Woningzoekenden", "inwoners", 1, 5, "onbekend"),
        ),
    )


def green_plan_opposed_parties() -> Intake:
    return make_intake(
        project_name="Groenplan Meezenbroek",
        project_description="Meer bomen en wadi's in Meezenbroek; een deel van de parkeerplekken verdwijnt.",
        area="Meezenbroek", policy_field="Groen en klimaat", scale=Scale.DISTRICT,
        influence_room=InfluenceRoom.LARGE, impact=Magnitude.MODERATE, sensitivity=Intensity.HIGH,
        budget_euros=Decimal("6000"), budget_hours=Decimal("150"),
        participation_start=dt.date(2026, 1, 12), participation_end=dt.date(2026, 4, 24),
        decision_date=dt.date(2026, 6, 30),
        stakeholders=(
            party("Bewonersplatform Meezenbroek", "inwoners", 3, 5, "voor"),
            party("Natuurvereniging Heerlen", "maatschappelijke organisaties", 2, 4, "voor"),
            party("Winkeliers Meezenbroek", "ondernemers", 4, 4, "tegen"),
            party("Autobezitters Schaesbergerweg", "inwoners", 2, 5, "tegen"),
            party("Waterschap Limburg", "andere overheden", 4, 3, "voor"),
        ),
    )


def decision_already_taken() -> Intake:
    return make_intake(
        project_name="Vervanging riolering Akerstraat",
        project_description="De riolering wordt vervangen; de straat is vier weken dicht.",
        scale=Scale.STREET, influence_room=InfluenceRoom.NONE, impact=Magnitude.SMALL,
        sensitivity=Intensity.LOW, policy_phase=PolicyPhase.EXECUTION, proposal_kind=ProposalKind.NONE,
        decision_date=None, budget_euros=Decimal("500"), budget_hours=Decimal("20"),
        participation_start=dt.date(2026, 3, 2), participation_end=dt.date(2026, 3, 27),
        open_to_influence=None, input_use=None, feedback_plan=None,
        no_participation_reason="Het werk is wettelijk verplicht en het ontwerp ligt vast; er is niets meer "
                                "te kiezen. We vertellen bewoners op tijd wat er gebeurt.",
        stakeholders=(party("Bewoners Akerstraat", "inwoners", 1, 3, "neutraal"),),
    )


def youth_centre() -> Intake:
    return make_intake(
        project_name="Jongerencentrum Heerlerheide",
        project_description="Een nieuw jongerencentrum in Heerlerheide: wat moet er te doen zijn?",
        area="Heerlerheide", policy_field="Jeugd en onderwijs", scale=Scale.NEIGHBOURHOOD,
        influence_room=InfluenceRoom.MODERATE, impact=Magnitude.MODERATE, sensitivity=Intensity.MODERATE,
        target_youth=True, budget_euros=Decimal("3000"), budget_hours=Decimal("120"),
        stakeholders=(
            party("Jongeren Heerlerheide", "inwoners", 2, 5, "voor"),
            party("Jongerenwerk Alcander", "maatschappelijke organisaties", 3, 5, "voor"),
            party("Omwonenden Corisbergweg", "inwoners", 2, 4, "tegen"),
        ),
    )


def parking_policy_city_centre() -> Intake:
    return make_intake(
        project_name="Parkeerbeleid binnenstad",
        project_description="Nieuwe parkeertarieven en vergunningzones in de binnenstad.",
        policy_field="Verkeer en mobiliteit", scale=Scale.CITY, influence_room=InfluenceRoom.LIMITED,
        impact=Magnitude.MODERATE, sensitivity=Intensity.HIGH, target_entrepreneurs=True,
        budget_euros=Decimal("2000"), budget_hours=Decimal("60"), decision_maker=DecisionMaker.COUNCIL,
        proposal_kind=ProposalKind.COUNCIL,
        participation_start=dt.date(2026, 2, 2), participation_end=dt.date(2026, 3, 27),
        decision_date=dt.date(2026, 5, 28),
        stakeholders=(
            party("Ondernemersvereniging Binnenstad", "ondernemers", 4, 5, "tegen"),
            party("Bewoners binnenstad", "inwoners", 2, 5, "neutraal"),
            party("Parkeerbedrijf", "interne afdelingen", 3, 2, "neutraal"),
        ),
    )


def regional_energy_strategy() -> Intake:
    return make_intake(
        project_name="Regionale Energiestrategie Parkstad 2.0",
        project_description="Waar komen zonnevelden en windmolens in Parkstad?",
        area="Regio Parkstad", policy_field="Duurzaamheid en energie", scale=Scale.REGION,
        influence_room=InfluenceRoom.MODERATE, impact=Magnitude.LARGE, sensitivity=Intensity.HIGH,
        decision_maker=DecisionMaker.COUNCIL, proposal_kind=ProposalKind.COUNCIL,
        budget_euros=Decimal("8000"), budget_hours=Decimal("200"),
        participation_start=dt.date(2026, 1, 5), participation_end=dt.date(2026, 4, 30),
        decision_date=dt.date(2026, 7, 2),
        stakeholders=(
            party("Energiecoöperatie Parkstad", "maatschappelijke organisaties", 3, 5, "voor"),
            party("LLTB boeren", "ondernemers", 3, 5, "tegen"),
            party("Dorpsraden", "inwoners", 2, 5, "onbekend"),
            party("Provincie Limburg", "andere overheden", 5, 4, "voor"),
        ),
    )


def neighbourhood_budget_codecision() -> Intake:
    return make_intake(
        project_name="Buurtbudget Zeswegen",
        project_description="Bewoners van Zeswegen beslissen zelf over 50.000 euro voor hun buurt.",
        area="Zeswegen", policy_field="Burgerbetrokkenheid", scale=Scale.NEIGHBOURHOOD,
        influence_room=InfluenceRoom.LARGE, handover_willing=True, impact=Magnitude.MODERATE,
        sensitivity=Intensity.MODERATE, budget_euros=Decimal("2500"), budget_hours=Decimal("120"),
        participation_start=dt.date(2026, 2, 2), participation_end=dt.date(2026, 5, 1),
        decision_date=dt.date(2026, 6, 2),
        stakeholders=(
            party("Bewoners Zeswegen", "inwoners", 3, 5, "voor"),
            party("Buurtvereniging Zeswegen-Nieuw", "maatschappelijke organisaties", 3, 5, "voor"),
            party("Basisschool De Kameleon", "maatschappelijke organisaties", 2, 4, "neutraal"),
        ),
    )


def renewal_district_non_native() -> Intake:
    return make_intake(
        project_name="Wijkvernieuwing MSP-gebied",
        project_description="Woningen worden gerenoveerd en de openbare ruimte opnieuw ingericht.",
        area="Hoensbroek", policy_field="Ruimtelijke ontwikkeling", scale=Scale.DISTRICT,
        influence_room=InfluenceRoom.MODERATE, impact=Magnitude.LARGE, sensitivity=Intensity.MODERATE,
        target_non_native=True, target_low_literacy=True, budget_euros=Decimal("4000"),
        budget_hours=Decimal("150"),
        stakeholders=(
            party("Huurders MSP-flats", "inwoners", 2, 5, "onbekend"),
            party("Woningcorporatie Weller", "maatschappelijke organisaties", 4, 5, "voor"),
            party("Moskee-vereniging", "maatschappelijke organisaties", 2, 4, "neutraal"),
        ),
    )


# --- overheidsparticipatie -----------------------------------------------------------------------


def residents_initiative_budget() -> Intake:
    return _overheid(
        project_name="Moestuin De Pit",
        project_description="Bewoners willen op een braakliggend stuk grond een buurtmoestuin beginnen.",
        initiator="Bewonersgroep De Pit", asks_money=True, public_interest=Magnitude.MODERATE,
        initiative_request="Een bijdrage voor gereedschap, hekwerk en zaad.", initiative_amount=Decimal("2500"),
        initiative_risk=Intensity.LOW, scale=Scale.NEIGHBOURHOOD, budget_euros=Decimal("500"),
        budget_hours=Decimal("40"),
        stakeholders=(party("Bewonersgroep De Pit", "inwoners", 2, 5, "voor"),),
    )


def uitdaagrecht_community_centre() -> Intake:
    return _overheid(
        project_name="Buurthuis 't Loon overnemen",
        project_description="Een stichting van bewoners wil het beheer van het buurthuis overnemen.",
        initiator="Stichting Buurthuis 't Loon", asks_space=True, asks_money=True, challenge_right=True,
        public_interest=Magnitude.LARGE, initiative_risk=Intensity.MODERATE, scale=Scale.NEIGHBOURHOOD,
        proposal_kind=ProposalKind.COLLEGE, decision_date=dt.date(2026, 9, 1),
        challenge_received=dt.date(2026, 2, 16),
        budget_euros=Decimal("3000"), budget_hours=Decimal("140"),
        stakeholders=(
            party("Stichting Buurthuis 't Loon", "maatschappelijke organisaties", 3, 5, "voor"),
            party("Huidige gebruikers buurthuis", "inwoners", 2, 5, "neutraal"),
            party("Team Vastgoed", "interne afdelingen", 4, 3, "neutraal"),
        ),
    )


def initiative_needs_permit() -> Intake:
    return _overheid(
        project_name="Zomerfestival Schinkelpark",
        project_description="Een ondernemer wil een driedaags festival in het park houden.",
        initiator="Stichting Schinkelpark Live", asks_rules=True, asks_space=True,
        public_interest=Magnitude.MODERATE, initiative_risk=Intensity.MODERATE, scale=Scale.DISTRICT,
        budget_euros=Decimal("500"), budget_hours=Decimal("40"),
        stakeholders=(
            party("Stichting Schinkelpark Live", "ondernemers", 3, 5, "voor"),
            party("Omwonenden Schinkelpark", "inwoners", 2, 4, "tegen"),
        ),
    )


def street_party_let_go() -> Intake:
    return _overheid(
        project_name="Burendag Grasbroek",
        project_description="Bewoners organiseren zelf een burendag en laten de gemeente weten dat het "
                            "doorgaat.",
        initiator="Buren van de Grasbroekerweg", public_interest=Magnitude.SMALL,
        initiative_risk=Intensity.LOW, scale=Scale.STREET, budget_euros=Decimal("0"),
        budget_hours=Decimal("10"),
        stakeholders=(party("Buren van de Grasbroekerweg", "inwoners", 1, 4, "voor"),),
    )


def energy_cooperative_stimulate() -> Intake:
    return _overheid(
        project_name="Zonnedaken Welten",
        project_description="Een energiecoöperatie wil zonnepanelen op daken van bewoners leggen.",
        initiator="Energiecoöperatie Welten", asks_money=True, asks_knowledge=True,
        public_interest=Magnitude.LARGE, initiative_risk=Intensity.LOW, scale=Scale.DISTRICT,
        budget_euros=Decimal("1500"), budget_hours=Decimal("60"),
        stakeholders=(party("Energiecoöperatie Welten", "maatschappelijke organisaties", 2, 5, "voor"),),
    )


def care_network_direct() -> Intake:
    return _overheid(
        project_name="Zorgcoöperatie Heerlerbaan",
        project_description="Bewoners willen een zorgcoöperatie opzetten en vragen de gemeente om partners "
                            "bij elkaar te brengen.",
        initiator="Vereniging Samen Heerlerbaan", asks_network=True, public_interest=Magnitude.LARGE,
        initiative_risk=Intensity.LOW, scale=Scale.DISTRICT, budget_euros=Decimal("2000"),
        budget_hours=Decimal("80"),
        stakeholders=(
            party("Vereniging Samen Heerlerbaan", "inwoners", 2, 5, "voor"),
            party("Zorgaanbieder Meander", "maatschappelijke organisaties", 4, 4, "neutraal"),
        ),
    )


SCENARIOS = {
    "speeltuin-een-straat": playground_one_street,
    "huisvestingsverordening-stad": housing_ordinance_citywide,
    "groenplan-tegengestelde-partijen": green_plan_opposed_parties,
    "besluit-al-genomen": decision_already_taken,
    "jongerencentrum": youth_centre,
    "parkeerbeleid-binnenstad": parking_policy_city_centre,
    "regionale-energiestrategie": regional_energy_strategy,
    "buurtbudget-meebeslissen": neighbourhood_budget_codecision,
    "wijkvernieuwing-anderstaligen": renewal_district_non_native,
    "bewonersinitiatief-geld": residents_initiative_budget,
    "uitdaagrecht-buurthuis": uitdaagrecht_community_centre,
    "initiatief-met-vergunning": initiative_needs_permit,
    "burendag-loslaten": street_party_let_go,
    "energiecooperatie-stimuleren": energy_cooperative_stimulate,
    "zorgnetwerk-regisseren": care_network_direct,
}


# --- running the advice on the shipped data ---------------------------------------------------------


def shipped_data() -> tuple[Any, Any, Any]:
    """The catalogue, rules and checklist shipped in ``templates/`` (read once per call)."""
    from toolbox_docs.advice import load_advice_data
    from toolbox_docs.settings import Settings

    return load_advice_data(Settings())


def shipped_wording() -> Any:
    """The wording (templates and sentences) shipped in ``templates/teksten``."""
    from toolbox_docs.documents.wording import Wording
    from toolbox_docs.resources import templates_dir

    return Wording(templates_dir() / "teksten")
