"""Realistic intakes with what an experienced participation advisor would expect of the advice.

Each scenario is an invented Heerlen project (invented people, example.org addresses), filled as a civil
servant would, with expectations reasoned from ``../shared/domain.md``: the level or role, methods that must
and must not appear, how full the programme is, what the budget sentence says, and what the paragraph must tell
the council. ``why`` says the reasoning in a line, so a failing expectation can be judged, not just updated.

The scenarios spread over every level and every role, small and large budgets, short and year-long windows,
opposed and unknown parties, and each target group.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from intake_factory import _overheid, make_intake, party
from toolbox_docs.advice.model import Tier
from toolbox_docs.forms.records import Intake
from toolbox_docs.vocab import (
    DecisionMaker,
    InfluenceRoom,
    Intensity,
    Level,
    Magnitude,
    PolicyPhase,
    ProposalKind,
    RobRung,
    Scale,
)

D = dt.date


@dataclass(frozen=True)
class Expect:
    why: str
    outcome: Level | RobRung
    must: tuple[str, ...] = ()
    one_of: tuple[tuple[str, ...], ...] = ()
    must_not: tuple[str, ...] = ()
    tier: Tier | None = None
    min_budget_use: float | None = None
    budget_key: str | None = None
    warnings: tuple[str, ...] = ()
    no_warnings: tuple[str, ...] = ()
    paragraph: tuple[str, ...] = ()
    not_in_paragraph: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    checklist: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Scenario:
    name: str
    intake: Callable[[], Intake]
    expect: Expect


def _b(**values: object) -> Intake:
    return make_intake(**values)


# --- informeren --------------------------------------------------------------------------------------------

def tax_fixed_by_law() -> Intake:
    return _b(
        project_name="Tarieven afvalstoffenheffing 2028",
        project_description="De raad stelt de tarieven voor het ophalen van afval vast.",
        area="Hele gemeente", policy_field="Openbare ruimte", location=None, keywords="afval, heffing",
        policy_phase=PolicyPhase.DECISION, decision_maker=DecisionMaker.COUNCIL, proposal_kind=ProposalKind.COUNCIL,
        scale=Scale.CITY, influence_room=InfluenceRoom.NONE, impact=Magnitude.LARGE, sensitivity=Intensity.HIGH,
        participation_start=D(2027, 10, 4), participation_end=D(2027, 11, 26), decision_date=D(2027, 12, 16),
        budget_euros=Decimal("2000"), budget_hours=Decimal("40"),
        reason_goal="De kosten van het ophalen van afval stijgen. De heffing moet die kosten dekken.",
        fixed_frameworks="De wet schrijft voor dat de heffing de kosten dekt, en niet meer.\n"
                         "- De kosten zijn berekend op basis van het contract met de afvalinzamelaar.\n"
                         "- Het tarief voor een gezin stijgt met 24 euro per jaar.",
        open_to_influence=None, input_use=None, feedback_plan=None,
        no_participation_reason="De hoogte van de heffing volgt uit de kosten en de wet. Er valt voor inwoners "
                                "niets te kiezen.",
        stakeholders=(party("Alle huishoudens", "inwoners", 1, 5, "onbekend"),
                      party("Ondernemersvereniging Heerlen", "ondernemers", 2, 3, "tegen")),
    )


def street_lights() -> Intake:
    return _b(
        project_name="Nieuwe lantaarnpalen Akerstraat",
        project_description="De oude lantaarnpalen in de Akerstraat worden vervangen door zuinige ledlampen.",
        area="Schandelen", policy_field="Openbare ruimte", location="Akerstraat", keywords="verlichting, led",
        policy_phase=PolicyPhase.EXECUTION, decision_maker=DecisionMaker.COLLEGE, proposal_kind=ProposalKind.NONE,
        scale=Scale.STREET, influence_room=InfluenceRoom.LIMITED, impact=Magnitude.SMALL, sensitivity=Intensity.LOW,
        target_digital_low=True,
        participation_start=D(2027, 3, 1), participation_end=D(2027, 3, 29), decision_date=None,
        budget_euros=Decimal("300"), budget_hours=Decimal("16"),
        reason_goal="Bewoners moeten weten wanneer er wordt gewerkt en wat er verandert.",
        fixed_frameworks="Het soort lamp en de plek van de palen liggen vast.",
        open_to_influence="Op welke dagen er wordt gewerkt.", input_use="We houden rekening met de wensen over de "
                                                                        "werkdagen.",
        feedback_plan="Een week voor de start krijgen bewoners een brief met de planning.",
        no_participation_reason="Het gaat om vervanging van wat er al staat. Alleen de werkdagen zijn nog te kiezen.",
        stakeholders=(party("Bewoners Akerstraat", "inwoners", 1, 2, "neutraal"),),
    )


# --- raadplegen --------------------------------------------------------------------------------------------

def playground_youth() -> Intake:
    return _b(
        project_name="Speelplek Vrieheide",
        project_description="Op het grasveld aan de Vrieheidestraat komt een nieuwe speelplek.",
        area="Heerlerheide", policy_field="Jeugd en onderwijs", location="Vrieheidestraat", keywords="spelen, jeugd",
        scale=Scale.NEIGHBOURHOOD, influence_room=InfluenceRoom.LIMITED, impact=Magnitude.MODERATE,
        sensitivity=Intensity.LOW, target_youth=True,
        participation_start=D(2027, 4, 5), participation_end=D(2027, 6, 11), decision_date=D(2027, 7, 6),
        budget_euros=Decimal("2000"), budget_hours=Decimal("60"),
        reason_goal="We willen weten welke speeltoestellen kinderen en jongeren graag willen.",
        fixed_frameworks="De plek van de speelplek en het budget van 80.000 euro liggen vast.",
        open_to_influence="Welke toestellen er komen en hoe de speelplek eruitziet.",
        input_use="De toestellen die het vaakst worden gekozen, komen in het ontwerp.",
        feedback_plan="Na het besluit hangen we het ontwerp op bij de school en in het buurthuis.",
        stakeholders=(party("Kinderen en ouders Vrieheide", "inwoners", 2, 5, "voor"),
                      party("Basisschool De Kameleon", "maatschappelijke organisaties", 2, 4, "voor"),
                      party("Omwonenden grasveld", "inwoners", 2, 4, "neutraal")),
    )


def parking_shops() -> Intake:
    return _b(
        project_name="Parkeren rond het Corisbergplein",
        project_description="Rond het Corisbergplein komt betaald parkeren met een vergunning voor bewoners.",
        area="Hoensbroek", policy_field="Verkeer en mobiliteit", location="Corisbergplein", keywords="parkeren",
        scale=Scale.DISTRICT, influence_room=InfluenceRoom.LIMITED, impact=Magnitude.MODERATE,
        sensitivity=Intensity.MODERATE, target_entrepreneurs=True,
        participation_start=D(2027, 2, 1), participation_end=D(2027, 4, 16), decision_date=D(2027, 6, 1),
        budget_euros=Decimal("4000"), budget_hours=Decimal("80"),
        reason_goal="Bewoners en winkeliers klagen over parkeerdruk. We willen weten hoe de regeling het beste "
                    "werkt voor hen.",
        fixed_frameworks="Er komt betaald parkeren. Dat heeft de raad al besloten.",
        open_to_influence="De tijden waarop je moet betalen, en hoeveel vergunningen een huishouden krijgt.",
        input_use="We nemen de meest genoemde wensen mee in de regeling. Als we iets niet doen, leggen we uit "
                  "waarom.",
        feedback_plan="Na het besluit krijgt iedereen die meedeed een brief met de gekozen tijden en regels.",
        stakeholders=(party("Bewoners rond het plein", "inwoners", 2, 5, "neutraal"),
                      party("Winkeliers Hoensbroek", "ondernemers", 3, 5, "tegen"),
                      party("Team Parkeren", "interne afdelingen", 3, 3, "voor")),
    )


def youth_work_languages() -> Intake:
    return _b(
        project_name="Jongerenwerk in Heerlen-Noord",
        project_description="We kijken opnieuw naar wat het jongerenwerk in Heerlen-Noord aanbiedt.",
        area="Heerlerheide", policy_field="Jeugd en onderwijs", location=None, keywords="jongeren, welzijn",
        scale=Scale.DISTRICT, influence_room=InfluenceRoom.LIMITED, impact=Magnitude.MODERATE,
        sensitivity=Intensity.LOW, target_non_native=True, target_low_literacy=True,
        participation_start=D(2027, 9, 6), participation_end=D(2027, 11, 12), decision_date=D(2027, 12, 14),
        budget_euros=Decimal("3000"), budget_hours=Decimal("70"),
        reason_goal="We willen weten wat jongeren en hun ouders nodig hebben, ook als zij weinig Nederlands "
                    "spreken of lezen.",
        fixed_frameworks="Het budget voor het jongerenwerk blijft gelijk.",
        open_to_influence="Welke activiteiten er komen, en op welke plekken en tijden.",
        input_use="We kiezen de activiteiten die het meest gevraagd worden.",
        feedback_plan="We vertellen de uitkomst in het jongerencentrum en via de sleutelpersonen in de wijk.",
        stakeholders=(party("Jongeren Heerlen-Noord", "inwoners", 2, 5, "onbekend"),
                      party("Ouders", "inwoners", 2, 4, "onbekend"),
                      party("Stichting Jongerenwerk Parkstad", "maatschappelijke organisaties", 4, 5, "voor")),
    )


# --- adviseren --------------------------------------------------------------------------------------------

def school_routes() -> Intake:
    return _b(
        project_name="Veilige schoolroutes Molenberg",
        project_description="We maken de routes naar de twee basisscholen in Molenberg veiliger.",
        area="Molenberg", policy_field="Verkeer en mobiliteit", location=None, keywords="verkeer, scholen",
        scale=Scale.NEIGHBOURHOOD, influence_room=InfluenceRoom.MODERATE, impact=Magnitude.MODERATE,
        sensitivity=Intensity.MODERATE, target_elderly=True, target_youth=True,
        participation_start=D(2027, 1, 11), participation_end=D(2027, 4, 2), decision_date=D(2027, 5, 18),
        budget_euros=Decimal("6000"), budget_hours=Decimal("120"),
        reason_goal="Ouders vinden de oversteekplekken gevaarlijk. Samen met ouders, kinderen en buren zoeken we "
                    "naar betere routes.",
        fixed_frameworks="De doorgaande weg blijft open voor bussen. Het budget is 150.000 euro.",
        open_to_influence="Waar oversteekplekken komen, welke straten rustiger worden en hoe.",
        input_use="Het advies van de werkgroep weegt zwaar. Als het college afwijkt, legt het uit waarom.",
        feedback_plan="Na het besluit krijgen alle ouders via de scholen een brief met de keuzes.",
        stakeholders=(party("Ouders basisscholen", "inwoners", 3, 5, "voor"),
                      party("Basisschool De Meridiaan", "maatschappelijke organisaties", 3, 5, "voor"),
                      party("Bewoners van de doorgaande weg", "inwoners", 2, 4, "onbekend"),
                      party("Seniorenraad Heerlen", "maatschappelijke organisaties", 2, 4, "neutraal")),
    )


def accessible_centre() -> Intake:
    return _b(
        project_name="Toegankelijk stadscentrum",
        project_description="Het centrum wordt beter toegankelijk voor mensen met een beperking.",
        area="Heerlen-Centrum", policy_field="Zorg en welzijn", location=None, keywords="toegankelijkheid",
        scale=Scale.DISTRICT, influence_room=InfluenceRoom.MODERATE, impact=Magnitude.MODERATE,
        sensitivity=Intensity.LOW, target_disability=True,
        participation_start=D(2027, 3, 1), participation_end=D(2027, 6, 25), decision_date=D(2027, 9, 7),
        budget_euros=Decimal("5000"), budget_hours=Decimal("100"),
        reason_goal="Mensen met een beperking weten het beste waar ze in het centrum tegenaan lopen.",
        fixed_frameworks="De bestrating van de Promenade is net vernieuwd en blijft liggen.",
        open_to_influence="Welke knelpunten als eerste worden aangepakt, en hoe.",
        input_use="De lijst met knelpunten van de deelnemers wordt de basis van het plan.",
        feedback_plan="We sturen de deelnemers het plan, ook in een versie die je kunt laten voorlezen.",
        stakeholders=(party("Cliëntenraad Sociaal Domein", "maatschappelijke organisaties", 3, 5, "voor"),
                      party("Ondernemers Promenade", "ondernemers", 3, 3, "neutraal")),
    )


def vision_city_year() -> Intake:
    return _b(
        project_name="Omgevingsvisie Heerlen 2040",
        project_description="De gemeente maakt een omgevingsvisie: hoe willen we wonen, werken en leven in 2040?",
        area="Hele gemeente", policy_field="Ruimtelijke ontwikkeling", location=None, keywords="omgevingsvisie",
        policy_phase=PolicyPhase.AGENDA, decision_maker=DecisionMaker.COUNCIL, proposal_kind=ProposalKind.COUNCIL,
        scale=Scale.CITY, influence_room=InfluenceRoom.MODERATE, impact=Magnitude.LARGE, sensitivity=Intensity.HIGH,
        participation_start=D(2027, 1, 18), participation_end=D(2027, 12, 17), decision_date=D(2028, 3, 2),
        budget_euros=Decimal("150000"), budget_hours=Decimal("900"),
        reason_goal="De visie bepaalt voor jaren waar woningen, groen en bedrijven komen. Iedereen in Heerlen moet "
                    "kunnen meedenken.",
        fixed_frameworks="De regels van de provincie en het Rijk liggen vast. De visie past binnen de begroting.",
        open_to_influence="De keuzes voor wonen, groen, werken en verkeer in de wijken.",
        input_use="De raad krijgt bij het voorstel een verslag van alle inbreng, met wat er wel en niet in de visie "
                  "is gekomen en waarom.",
        feedback_plan="Na het besluit krijgt iedereen die meedeed bericht. Op de website staat wat er met elke "
                      "inbreng is gebeurd.",
        stakeholders=(party("Inwoners Heerlen", "inwoners", 2, 5, "onbekend"),
                      party("Woningcorporaties", "maatschappelijke organisaties", 4, 5, "voor"),
                      party("Ondernemersvereniging Heerlen", "ondernemers", 4, 4, "onbekend"),
                      party("Provincie Limburg", "andere overheden", 5, 3, "neutraal"),
                      party("Gemeenteraad", "politiek", 5, 5, "neutraal")),
    )


def citizens_assembly_named() -> Intake:
    return _b(
        project_name="Klimaatplan Heerlen",
        project_description="Heerlen maakt een plan om de stad voor te bereiden op hitte en hevige regen.",
        area="Hele gemeente", policy_field="Groen en klimaat", location=None, keywords="klimaat",
        policy_phase=PolicyPhase.PREPARATION, decision_maker=DecisionMaker.COUNCIL, proposal_kind=ProposalKind.COUNCIL,
        scale=Scale.CITY, influence_room=InfluenceRoom.MODERATE, impact=Magnitude.LARGE, sensitivity=Intensity.MODERATE,
        participation_start=D(2027, 2, 1), participation_end=D(2027, 9, 24), decision_date=D(2027, 11, 11),
        budget_euros=Decimal("200000"), budget_hours=Decimal("1200"),
        reason_goal="We willen dat een gelote burgerraad advies geeft over de keuzes in het klimaatplan.",
        fixed_frameworks="De doelen van het Rijk voor klimaatadaptatie liggen vast.",
        open_to_influence="Welke maatregelen het eerst komen, en wie wat betaalt.",
        input_use="De raad neemt het advies van de burgerraad over, tenzij er zwaarwegende redenen zijn om af te "
                  "wijken. Die legt de raad dan uit.",
        feedback_plan="De burgerraad presenteert het advies zelf. Na het besluit krijgen alle deelnemers bericht.",
        stakeholders=(party("Inwoners Heerlen", "inwoners", 2, 5, "onbekend"),
                      party("Waterschap Limburg", "andere overheden", 4, 4, "voor")),
    )


def citizens_assembly_wrong_scale() -> Intake:
    return _b(
        project_name="Bankjes in het Aambos",
        project_description="In het Aambos komen nieuwe bankjes en een paar prullenbakken.",
        area="Heerlerbaan", policy_field="Groen en klimaat", location="Aambos", keywords="park, bankjes",
        scale=Scale.NEIGHBOURHOOD, influence_room=InfluenceRoom.LIMITED, impact=Magnitude.SMALL,
        sensitivity=Intensity.LOW,
        participation_start=D(2027, 5, 3), participation_end=D(2027, 6, 25), decision_date=D(2027, 7, 13),
        budget_euros=Decimal("1500"), budget_hours=Decimal("40"),
        reason_goal="Een bewoner stelde een burgerberaad voor. We willen vooral weten waar mensen graag zitten.",
        fixed_frameworks="Het aantal bankjes en het budget liggen vast.",
        open_to_influence="Waar de bankjes komen.",
        input_use="De plekken die het vaakst worden genoemd, krijgen een bankje.",
        feedback_plan="Op de projectpagina staat waar de bankjes komen.",
        stakeholders=(party("Wandelaars Aambos", "inwoners", 1, 4, "voor"),
                      party("Buurtvereniging Heerlerbaan", "maatschappelijke organisaties", 2, 4, "voor"),
                      party("Hondenbezitters", "inwoners", 1, 3, "neutraal")),
    )


def windmills_small_budget() -> Intake:
    return _b(
        project_name="Windmolens bij de Brunssummerheide",
        project_description="Aan de rand van de Brunssummerheide kunnen drie windmolens komen.",
        area="Regio Parkstad", policy_field="Duurzaamheid en energie", location=None, keywords="wind, energie",
        scale=Scale.REGION, influence_room=InfluenceRoom.MODERATE, impact=Magnitude.LARGE, sensitivity=Intensity.HIGH,
        participation_start=D(2027, 3, 1), participation_end=D(2027, 7, 2), decision_date=D(2027, 9, 28),
        budget_euros=Decimal("3000"), budget_hours=Decimal("80"),
        reason_goal="We willen weten onder welke voorwaarden omwonenden windmolens aanvaardbaar vinden.",
        fixed_frameworks="De regionale energiestrategie wijst dit gebied aan. De afstand tot huizen is minstens "
                         "500 meter.",
        open_to_influence="Hoeveel molens er komen, hoe hoog, en hoe omwonenden meeprofiteren.",
        input_use="De voorwaarden van omwonenden wegen mee in het besluit. Afwijken leggen we uit.",
        feedback_plan="Na het besluit krijgen alle omwonenden een brief.",
        stakeholders=(party("Omwonenden Brunssum-Noord", "inwoners", 3, 5, "tegen"),
                      party("Natuurorganisatie Heidevrienden", "maatschappelijke organisaties", 4, 5, "tegen"),
                      party("Energiecoöperatie Parkstad", "maatschappelijke organisaties", 3, 5, "voor"),
                      party("Gemeente Brunssum", "andere overheden", 5, 4, "onbekend")),
    )


# --- coproduceren ------------------------------------------------------------------------------------------

def promenade_opposed() -> Intake:
    return _b(
        project_name="Herinrichting Promenade",
        project_description="De Promenade krijgt meer groen en plekken om te zitten.",
        area="Heerlen-Centrum", policy_field="Openbare ruimte", location="Promenade", keywords="winkelstraat, groen",
        scale=Scale.DISTRICT, influence_room=InfluenceRoom.LARGE, impact=Magnitude.LARGE, sensitivity=Intensity.HIGH,
        participation_start=D(2027, 2, 15), participation_end=D(2027, 8, 27), decision_date=D(2027, 10, 26),
        budget_euros=Decimal("30000"), budget_hours=Decimal("300"),
        reason_goal="De Promenade moet aantrekkelijker worden voor bezoekers en bewoners. Ondernemers, bewoners "
                    "en gemeente werken het ontwerp samen uit.",
        fixed_frameworks="Het budget is 1,2 miljoen euro. Brandweer en bevoorrading moeten erdoor kunnen.",
        open_to_influence="De indeling, het groen, de bankjes en de verlichting.",
        input_use="Het ontwerp dat we samen maken, gaat naar het college. Het college wijkt alleen af als het "
                  "ontwerp niet binnen de kaders past.",
        feedback_plan="We laten het ontwerp zien op een avond in de Promenade en sturen een brief aan alle "
                      "deelnemers.",
        stakeholders=(party("Winkeliersvereniging Promenade", "ondernemers", 5, 5, "tegen"),
                      party("Bewoners binnenstad", "inwoners", 3, 5, "voor"),
                      party("Vastgoedeigenaren", "ondernemers", 4, 3, "onbekend"),
                      party("Gemeenteraad", "politiek", 5, 3, "neutraal")),
    )


def housing_coop_unknown() -> Intake:
    return _b(
        project_name="Vernieuwing Grasbroek-Oost",
        project_description="Oude huurwoningen in Grasbroek-Oost worden gesloopt en vervangen door nieuwbouw.",
        area="Grasbroek", policy_field="Wonen", location=None, keywords="wonen, nieuwbouw",
        scale=Scale.NEIGHBOURHOOD, influence_room=InfluenceRoom.LARGE, impact=Magnitude.LARGE,
        sensitivity=Intensity.MODERATE, target_elderly=True, target_non_native=True,
        participation_start=D(2027, 4, 5), participation_end=D(2027, 10, 29), decision_date=D(2027, 12, 14),
        budget_euros=Decimal("18000"), budget_hours=Decimal("220"),
        reason_goal="De nieuwe buurt moet passen bij wie er nu woont. We werken het plan samen met de bewoners uit.",
        fixed_frameworks="Het aantal woningen en de verdeling tussen huur en koop liggen vast.",
        open_to_influence="De indeling van de buurt, het groen en de voorzieningen.",
        input_use="Het plan dat bewoners en gemeente samen maken, is de basis voor het besluit.",
        feedback_plan="Elke bewoner krijgt een brief, en we houden een avond om het plan te laten zien.",
        stakeholders=(party("Bewoners Grasbroek-Oost", "inwoners", 3, 5, "onbekend"),
                      party("Woningcorporatie Heemwonen (voorbeeld)", "maatschappelijke organisaties", 5, 5,
                            "onbekend"),
                      party("Huurdersvereniging", "maatschappelijke organisaties", 3, 5, "neutraal")),
    )


# --- meebeslissen ------------------------------------------------------------------------------------------

def neighbourhood_budget_vote() -> Intake:
    return _b(
        project_name="Buurtbudget Zeswegen",
        project_description="Bewoners van Zeswegen beslissen zelf waar 50.000 euro aan wordt besteed.",
        area="Zeswegen", policy_field="Burgerbetrokkenheid", location=None, keywords="buurtbudget",
        scale=Scale.NEIGHBOURHOOD, influence_room=InfluenceRoom.LARGE, impact=Magnitude.MODERATE,
        sensitivity=Intensity.LOW, handover_willing=True,
        participation_start=D(2027, 3, 1), participation_end=D(2027, 6, 25), decision_date=D(2027, 7, 13),
        budget_euros=Decimal("6000"), budget_hours=Decimal("140"),
        reason_goal="Bewoners weten zelf het beste wat hun buurt nodig heeft.",
        fixed_frameworks="Het bedrag is 50.000 euro. Plannen moeten in de openbare ruimte van Zeswegen zijn.",
        open_to_influence="Waar het geld aan wordt besteed.",
        input_use="Het college neemt de uitslag van de stemming over.",
        feedback_plan="We maken de uitslag bekend op een buurtfeest en in de wijkkrant.",
        stakeholders=(party("Bewoners Zeswegen", "inwoners", 3, 5, "voor"),
                      party("Wijkraad Zeswegen", "maatschappelijke organisaties", 3, 5, "voor"),
                      party("Ondernemers Zeswegen", "ondernemers", 2, 3, "neutraal")),
    )


# --- planning problems --------------------------------------------------------------------------------------

def three_week_window() -> Intake:
    return _b(
        project_name="Inrichting hondenlosloopgebied",
        project_description="In het Schelsbeekpark komt een gebied waar honden los mogen lopen.",
        area="Molenberg", policy_field="Openbare ruimte", location="Schelsbeekpark", keywords="honden, park",
        scale=Scale.NEIGHBOURHOOD, influence_room=InfluenceRoom.MODERATE, impact=Magnitude.MODERATE,
        sensitivity=Intensity.MODERATE,
        participation_start=D(2027, 5, 3), participation_end=D(2027, 5, 24), decision_date=D(2027, 6, 29),
        budget_euros=Decimal("2500"), budget_hours=Decimal("60"),
        reason_goal="We zoeken een plek waar honden los kunnen lopen zonder dat anderen er last van hebben.",
        fixed_frameworks="Het gebied ligt in het Schelsbeekpark.",
        open_to_influence="Waar precies, en met welke hekken en regels.",
        input_use="Het advies van de deelnemers bepaalt de plek, tenzij die niet veilig is.",
        feedback_plan="Na het besluit staat de gekozen plek op de projectpagina.",
        stakeholders=(party("Hondenbezitters", "inwoners", 2, 5, "voor"),
                      party("Omwonenden park", "inwoners", 2, 5, "tegen")),
    )


def decision_before_end() -> Intake:
    return _b(
        project_name="Onderhoud sportpark Welten",
        project_description="De velden en het clubhuis van sportpark Welten krijgen groot onderhoud.",
        area="Welten-Benzenrade", policy_field="Sport en recreatie", location="Sportpark Welten", keywords="sport",
        policy_phase=PolicyPhase.EXECUTION, scale=Scale.NEIGHBOURHOOD, influence_room=InfluenceRoom.LIMITED,
        impact=Magnitude.MODERATE, sensitivity=Intensity.LOW,
        participation_start=D(2027, 3, 1), participation_end=D(2027, 5, 28), decision_date=D(2027, 5, 4),
        budget_euros=Decimal("1500"), budget_hours=Decimal("50"),
        reason_goal="De clubs willen meedenken over de volgorde van het werk.",
        fixed_frameworks="Het budget en de lijst met werk liggen vast.",
        open_to_influence="De volgorde en de periodes van het werk.",
        input_use="We passen de planning aan op de wensen van de clubs waar dat kan.",
        feedback_plan="De clubs krijgen de definitieve planning per e-mail.",
        stakeholders=(party("Voetbalclub Welten", "maatschappelijke organisaties", 3, 5, "voor"),
                      party("Tennisclub Benzenrade", "maatschappelijke organisaties", 2, 4, "neutraal")),
    )


def small_street_big_budget() -> Intake:
    return _b(
        project_name="Geveltuinen Tempsplein",
        project_description="Bewoners van het Tempsplein kunnen een geveltuin laten aanleggen.",
        area="Passart", policy_field="Groen en klimaat", location="Tempsplein", keywords="groen, geveltuin",
        scale=Scale.STREET, influence_room=InfluenceRoom.LIMITED, impact=Magnitude.MODERATE, sensitivity=Intensity.LOW,
        participation_start=D(2027, 4, 5), participation_end=D(2027, 5, 28), decision_date=None,
        proposal_kind=ProposalKind.NONE, budget_euros=Decimal("20000"), budget_hours=Decimal("60"),
        reason_goal="We willen weten welke bewoners een geveltuin willen, en welke planten zij mooi vinden.",
        fixed_frameworks="De breedte van de stoep blijft minstens 1,5 meter.",
        open_to_influence="Wie een geveltuin krijgt en welke planten erin komen.",
        input_use="Iedereen die een geveltuin wil en daarvoor ruimte heeft, krijgt er een.",
        feedback_plan="Bewoners krijgen een brief met de datum waarop hun tuin wordt aangelegd.",
        stakeholders=(party("Bewoners Tempsplein", "inwoners", 1, 4, "voor"),),
    )


def moderate_room_to_spare() -> Intake:
    return _b(
        project_name="Nieuw beleid voor sportverenigingen",
        project_description="De gemeente maakt nieuwe regels voor de steun aan sportverenigingen.",
        area="Hele gemeente", policy_field="Sport en recreatie", location=None, keywords="sport, subsidie",
        scale=Scale.CITY, influence_room=InfluenceRoom.MODERATE, impact=Magnitude.MODERATE,
        sensitivity=Intensity.MODERATE,
        participation_start=D(2027, 9, 6), participation_end=D(2027, 12, 17), decision_date=D(2028, 2, 15),
        decision_maker=DecisionMaker.COUNCIL, proposal_kind=ProposalKind.COUNCIL,
        budget_euros=Decimal("20000"), budget_hours=Decimal("300"),
        reason_goal="Verenigingen moeten kunnen zeggen wat zij nodig hebben om te blijven bestaan.",
        fixed_frameworks="Het totale bedrag voor sport blijft gelijk.",
        open_to_influence="Hoe het geld wordt verdeeld, en welke eisen we stellen.",
        input_use="Het advies van de verenigingen weegt zwaar. Afwijken legt het college uit aan de raad.",
        feedback_plan="Alle verenigingen krijgen een brief met het besluit en met wat er met hun advies is gedaan.",
        stakeholders=(party("Sportverenigingen", "maatschappelijke organisaties", 3, 5, "neutraal"),
                      party("Sportraad Heerlen", "maatschappelijke organisaties", 4, 5, "voor"),
                      party("Gemeenteraad", "politiek", 5, 3, "neutraal")),
    )


# --- overheidsparticipatie ------------------------------------------------------------------------------------

def garden_asks_money() -> Intake:
    return _overheid(
        project_name="Moestuin De Pit",
        project_description="Bewoners willen op een braakliggend stuk grond een moestuin voor de buurt beginnen.",
        area="Meezenbroek", policy_field="Groen en klimaat", location="Pitstraat", keywords="moestuin",
        initiator="Bewonersgroep De Pit", asks_money=True, asks_space=True,
        initiative_request="Een bijdrage voor gereedschap, hekwerk en zaad, en het gebruik van de grond.",
        initiative_amount=Decimal("2500"), public_interest=Magnitude.MODERATE, initiative_risk=Intensity.LOW,
        scale=Scale.NEIGHBOURHOOD, impact=Magnitude.SMALL, sensitivity=Intensity.LOW,
        participation_start=D(2027, 3, 1), participation_end=D(2027, 5, 28),
        proposal_kind=ProposalKind.COLLEGE, decision_date=D(2027, 6, 22),
        budget_euros=Decimal("500"), budget_hours=Decimal("40"),
        reason_goal="Een moestuin brengt buren samen en maakt de buurt groener.",
        fixed_frameworks="De grond blijft van de gemeente. De tuin moet na vijf jaar opnieuw worden bekeken.",
        open_to_influence=None, input_use=None, feedback_plan="We bevestigen de afspraken in een brief.",
        stakeholders=(party("Bewonersgroep De Pit", "inwoners", 2, 5, "voor"),
                      party("Omwonenden Pitstraat", "inwoners", 2, 4, "neutraal")),
    )


def initiative_names_budget() -> Intake:
    return _overheid(
        project_name="Buurtbudget voor initiatieven Passart",
        project_description="De wijkraad wil dat bewoners zelf kiezen welke buurtinitiatieven geld krijgen.",
        area="Passart", policy_field="Burgerbetrokkenheid", location=None, keywords="buurtbudget, initiatief",
        initiator="Wijkraad Passart", asks_money=True, initiative_amount=Decimal("20000"),
        initiative_request="Een buurtbudget van 20.000 euro, waarover bewoners zelf stemmen.",
        public_interest=Magnitude.MODERATE, initiative_risk=Intensity.MODERATE, scale=Scale.NEIGHBOURHOOD,
        impact=Magnitude.MODERATE, sensitivity=Intensity.LOW,
        participation_start=D(2027, 5, 3), participation_end=D(2027, 9, 24),
        proposal_kind=ProposalKind.COLLEGE, decision_date=D(2027, 10, 19),
        budget_euros=Decimal("3000"), budget_hours=Decimal("80"),
        reason_goal="Via een buurtbudget krijgen meer bewoners zeggenschap over hun buurt.",
        fixed_frameworks="Het geld gaat alleen naar plannen in Passart die voor iedereen open zijn.",
        open_to_influence=None, input_use=None, feedback_plan="De uitslag staat in de wijkkrant.",
        stakeholders=(party("Wijkraad Passart", "maatschappelijke organisaties", 3, 5, "voor"),
                      party("Bewoners Passart", "inwoners", 2, 5, "onbekend")),
    )


def care_network_direct() -> Intake:
    return _overheid(
        project_name="Netwerk mantelzorg Hoensbroek",
        project_description="Zorgorganisaties en vrijwilligers willen samen een netwerk voor mantelzorgers opzetten.",
        area="Hoensbroek", policy_field="Zorg en welzijn", location=None, keywords="mantelzorg, netwerk",
        initiator="Stichting Samen Zorgen", asks_network=True, asks_knowledge=True,
        initiative_request="Hulp bij het vinden van partners, en advies over subsidies.",
        public_interest=Magnitude.LARGE, initiative_risk=Intensity.LOW, scale=Scale.DISTRICT,
        impact=Magnitude.MODERATE, sensitivity=Intensity.LOW,
        participation_start=D(2027, 1, 11), participation_end=D(2027, 12, 17),
        budget_euros=Decimal("8000"), budget_hours=Decimal("200"),
        reason_goal="Mantelzorgers raken overbelast. Een netwerk kan hen ontlasten.",
        fixed_frameworks="De gemeente neemt de zorg niet over. De organisaties blijven verantwoordelijk.",
        open_to_influence=None, input_use=None, feedback_plan="We leggen de afspraken vast in een brief.",
        stakeholders=(party("Stichting Samen Zorgen", "maatschappelijke organisaties", 3, 5, "voor"),
                      party("Zorgorganisatie Parkstad", "maatschappelijke organisaties", 4, 4, "voor"),
                      party("Huisartsen Hoensbroek", "maatschappelijke organisaties", 4, 3, "onbekend")),
    )


def solar_roofs_stimulate() -> Intake:
    return _overheid(
        project_name="Zonnedaken Heerlerbaan",
        project_description="Een energiecoöperatie wil zonnepanelen leggen op de daken van scholen en sporthallen.",
        area="Heerlerbaan", policy_field="Duurzaamheid en energie", location=None, keywords="zon, energie",
        initiator="Energiecoöperatie Heerlerbaan", asks_network=True, asks_knowledge=True,
        initiative_request="Hulp bij het vinden van eigenaren van grote daken, en advies over de regels.",
        public_interest=Magnitude.MODERATE, initiative_risk=Intensity.LOW, scale=Scale.DISTRICT,
        impact=Magnitude.SMALL, sensitivity=Intensity.LOW,
        participation_start=D(2027, 4, 5), participation_end=D(2027, 10, 29),
        budget_euros=Decimal("4000"), budget_hours=Decimal("120"),
        reason_goal="Meer zonne-energie in de wijk helpt de stad haar klimaatdoelen te halen.",
        fixed_frameworks="De coöperatie betaalt de panelen zelf. De gemeente geeft geen garantie.",
        open_to_influence=None, input_use=None, feedback_plan="We leggen de afspraken vast in een brief.",
        stakeholders=(party("Energiecoöperatie Heerlerbaan", "maatschappelijke organisaties", 3, 5, "voor"),
                      party("Schoolbesturen", "maatschappelijke organisaties", 4, 3, "onbekend")),
    )


def event_needs_permit() -> Intake:
    return _overheid(
        project_name="Buurtfestival Heksenberg",
        project_description="Een groep bewoners wil een festival van twee dagen houden op het grasveld.",
        area="Heerlerheide", policy_field="Cultuur en erfgoed", location="Heksenberg", keywords="festival",
        initiator="Festivalgroep Heksenberg", asks_rules=True, asks_space=True,
        initiative_request="Een vergunning voor het festival en het gebruik van het grasveld.",
        public_interest=Magnitude.MODERATE, initiative_risk=Intensity.MODERATE, scale=Scale.NEIGHBOURHOOD,
        impact=Magnitude.MODERATE, sensitivity=Intensity.MODERATE,
        participation_start=D(2027, 3, 1), participation_end=D(2027, 5, 28),
        budget_euros=Decimal("500"), budget_hours=Decimal("40"),
        reason_goal="Het festival brengt de buurt samen.",
        fixed_frameworks="De regels voor geluid en veiligheid gelden ook hier.",
        open_to_influence=None, input_use=None, feedback_plan="De vergunning en de afspraken staan in een brief.",
        stakeholders=(party("Festivalgroep Heksenberg", "inwoners", 2, 5, "voor"),
                      party("Omwonenden grasveld", "inwoners", 2, 5, "tegen")),
    )


def challenge_right_centre() -> Intake:
    return _overheid(
        project_name="Beheer buurthuis De Kring",
        project_description="Een stichting van bewoners wil het beheer van buurthuis De Kring overnemen.",
        area="Heerlerbaan", policy_field="Burgerbetrokkenheid", location="De Kring", keywords="buurthuis, beheer",
        initiator="Stichting Buurthuis De Kring", asks_space=True, asks_money=True, challenge_right=True,
        initiative_amount=Decimal("40000"),
        initiative_request="Het beheer van het buurthuis, met het budget dat de gemeente er nu aan uitgeeft.",
        challenge_received=D(2027, 2, 15), public_interest=Magnitude.LARGE, initiative_risk=Intensity.MODERATE,
        scale=Scale.NEIGHBOURHOOD, impact=Magnitude.MODERATE, sensitivity=Intensity.MODERATE,
        participation_start=D(2027, 2, 15), participation_end=D(2027, 4, 30),
        proposal_kind=ProposalKind.COLLEGE, decision_date=D(2027, 5, 18),
        budget_euros=Decimal("3000"), budget_hours=Decimal("140"),
        reason_goal="Bewoners denken dat zij het buurthuis beter en goedkoper kunnen beheren.",
        fixed_frameworks="Het gebouw blijft van de gemeente. Het buurthuis blijft open voor iedereen.",
        open_to_influence=None, input_use=None, feedback_plan="De afspraken komen in een overeenkomst.",
        stakeholders=(party("Stichting Buurthuis De Kring", "maatschappelijke organisaties", 3, 5, "voor"),
                      party("Huidige gebruikers buurthuis", "inwoners", 2, 5, "neutraal"),
                      party("Team Vastgoed", "interne afdelingen", 4, 3, "neutraal")),
    )


def street_party_let_go() -> Intake:
    return _overheid(
        project_name="Burendag Kapelweg",
        project_description="Bewoners organiseren een burendag met een barbecue op straat.",
        area="Schandelen", policy_field="Burgerbetrokkenheid", location="Kapelweg", keywords="burendag",
        initiator="Bewoners Kapelweg", public_interest=Magnitude.SMALL, initiative_risk=Intensity.LOW,
        scale=Scale.STREET, impact=Magnitude.SMALL, sensitivity=Intensity.LOW,
        participation_start=D(2027, 8, 2), participation_end=D(2027, 9, 24),
        budget_euros=Decimal("0"), budget_hours=Decimal("8"),
        reason_goal="Buren leren elkaar kennen.",
        fixed_frameworks="Een burendag op straat kan zonder vergunning, als de straat vrij blijft voor hulpdiensten.",
        open_to_influence=None, input_use=None, feedback_plan=None,
        stakeholders=(party("Bewoners Kapelweg", "inwoners", 1, 4, "voor"),),
    )


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("belasting-vast", tax_fixed_by_law, Expect(
        why="The law fixes the tax: only informing, explained; no 'needed' influence held against it.",
        outcome=Level.INFORM, must_not=("terugkoppelingsbrief", "enquete-online", "klankbordgroep"),
        no_warnings=("invloed-boven-ruimte",), warnings=("geen-participatie-grote-impact",),
        paragraph=("Geen inspraak, wel informatie", "Waarom is er niets te kiezen?"),
        checklist={"geen-schijninspraak": "ja", "terugkoppeling": "n.v.t.", "inbreng-meegewogen": "n.v.t."})),
    Scenario("lantaarnpalen", street_lights, Expect(
        why="Small, one street, little impact: informing the street by letter is enough; a light programme.",
        outcome=Level.INFORM, must=("huis-aan-huisbrief",), tier=Tier.LIGHT,
        must_not=("klankbordgroep", "enquete-online"))),
    Scenario("speelplek-jongeren", playground_youth, Expect(
        why="Limited room: raadplegen; the young are named, so a method made for them (a youth panel or their "
            "own channels), not a general survey.",
        outcome=Level.CONSULT, one_of=(("jongerenpanel", "sociale-media"), ("terugkoppelingsbrief",)),
        must_not=("enquete-online",))),
    Scenario("parkeren-ondernemers", parking_shops, Expect(
        why="Shopkeepers are named and against: a meeting made for them, not only a survey; the council hears the "
            "opposition only when it is influential (here influence 3: not).",
        outcome=Level.CONSULT, must=("ondernemersbijeenkomst",))),
    Scenario("jongerenwerk-talen", youth_work_languages, Expect(
        why="Non-native speakers and low literacy: face-to-face methods made for them (koffiekar, keukentafel).",
        outcome=Level.CONSULT, one_of=(("koffiekar", "keukentafelgesprekken"),), must_not=("enquete-online",))),
    Scenario("schoolroutes", school_routes, Expect(
        why="Adviseren needs a real conversation: at least one dialogue method, not an ideas market alone.",
        outcome=Level.ADVISE, one_of=(("klankbordgroep", "meedenkgroep", "focusgroep", "workshop", "buurtschouw"),),
        must_not=("ideeenmarkt",))),
    Scenario("toegankelijk-centrum", accessible_centre, Expect(
        why="People with a disability are named: a method that reaches them, at the advised level.",
        outcome=Level.ADVISE,
        one_of=(("meedenkgroep", "keukentafelgesprekken", "buurtschouw", "informatieavond", "inloopavond"),))),
    Scenario("omgevingsvisie-jaar", vision_city_year, Expect(
        why="City-wide, a year, large budget and ambition: an intensive programme that uses a real share of the "
            "budget, with activities spread over the year.",
        outcome=Level.ADVISE, tier=Tier.INTENSIVE, min_budget_use=0.3,
        one_of=(("klankbordgroep", "focusgroep"), ("workshop", "burgerberaad", "online-participatieplatform")),
        must=("persoonlijk-gesprek",))),
    Scenario("burgerraad-genoemd", citizens_assembly_named, Expect(
        why="The person's own text asks for a gelote burgerraad, at city scale and adviseren: it must be in.",
        outcome=Level.ADVISE, must=("burgerberaad",))),
    Scenario("burgerberaad-past-niet", citizens_assembly_wrong_scale, Expect(
        why="A burgerberaad is named, but for benches in one park at raadplegen it does not fit: say why.",
        outcome=Level.CONSULT, must_not=("burgerberaad",), notes=("genoemd.past_niet",))),
    Scenario("windmolens-krap", windmills_small_budget, Expect(
        why="Regional, sensitive, opposed parties, a small budget: required methods stay, optional ones go with a "
            "sentence, and the council is told who is against.",
        outcome=Level.ADVISE, must=("persoonlijk-gesprek",),
        paragraph=("Natuurorganisatie Heidevrienden", "tegen"))),
    Scenario("promenade-tegen", promenade_opposed, Expect(
        why="Coproduceren with an influential shopkeepers' association against: work it out together, talk to "
            "them personally, and tell the council.",
        outcome=Level.COPRODUCE, must=("persoonlijk-gesprek",),
        one_of=(("ontwerpatelier", "workshop", "werkgroep-bewoners"),),
        paragraph=("Winkeliersvereniging Promenade is tegen",))),
    Scenario("grasbroek-onbekend", housing_coop_unknown, Expect(
        why="The housing corporation has much influence and an unknown position: a personal conversation early; "
            "elderly and non-native residents need methods made for them.",
        outcome=Level.COPRODUCE, must=("persoonlijk-gesprek",),
        one_of=(("keukentafelgesprekken", "koffiekar"),))),
    Scenario("buurtbudget-stemming", neighbourhood_budget_vote, Expect(
        why="Meebeslissen: a method where residents decide, and one to work out the options first.",
        outcome=Level.CODECIDE, one_of=(("buurtbudget", "bewonersstemming"),
                                        ("werkgroep-bewoners", "workshop", "ontwerpatelier")))),
    Scenario("drie-weken", three_week_window, Expect(
        why="Three weeks is too short for adviseren with invitations: say so; reminders after the start.",
        outcome=Level.ADVISE, warnings=("planning-te-krap",))),
    Scenario("besluit-voor-einde", decision_before_end, Expect(
        why="The decision falls before the participation ends: the input cannot count; warn.",
        outcome=Level.CONSULT, warnings=("besluit-voor-einde",),
        paragraph=("Het college besluit op 4 mei 2027, nog voordat de participatie is afgelopen",),
        not_in_paragraph=("Daarna besluit",))),
    Scenario("geveltuinen-ruim", small_street_big_budget, Expect(
        why="A light programme with a large budget: no padding, and the advice says plainly why less is enough.",
        outcome=Level.CONSULT, tier=Tier.LIGHT, budget_key="budget.ruim")),
    Scenario("sportbeleid-ruimte", moderate_room_to_spare, Expect(
        why="A moderate programme that used little of its budget gets more methods, or says why not.",
        outcome=Level.ADVISE, min_budget_use=0.25)),
    Scenario("moestuin-geld", garden_asks_money, Expect(
        why="An initiative asking money and a place: the municipality facilitates; a contribution and an "
            "agreement on the ground; the initiator is a partner, not a party to inform.",
        outcome=RobRung.FACILITATE, one_of=(("bijdrage-aanvraag", "buurtbudget"), ("ruimte-afspraken",)),
        paragraph=("Rol van de gemeente: faciliteren", "€ 2.500,00"),
        not_in_paragraph=("Niveau van participatie",),
        checklist={"op-tijd": "n.v.t.", "inbreng-meegewogen": "n.v.t."})),
    Scenario("buurtbudget-initiatief", initiative_names_budget, Expect(
        why="The initiative itself asks for a buurtbudget: a method catalogued for initiatives too must serve it.",
        outcome=RobRung.FACILITATE, must=("buurtbudget",))),
    Scenario("mantelzorg-regie", care_network_direct, Expect(
        why="Network asked and a large public interest: the municipality directs; partners at one table.",
        outcome=RobRung.DIRECT, one_of=(("regietafel", "netwerkbijeenkomst"),))),
    Scenario("zonnedaken-stimuleren", solar_roofs_stimulate, Expect(
        why="An initiative asking for a network: the municipality stimulates, bringing partners together.",
        outcome=RobRung.STIMULATE, one_of=(("netwerkbijeenkomst", "procesbegeleiding"),),
        must=("persoonlijk-gesprek",))),
    Scenario("festival-vergunning", event_needs_permit, Expect(
        why="A permit: the municipality regulates the permit, the rest stays with the initiators; neighbours are "
            "against, so the initiators talk with them.",
        outcome=RobRung.REGULATE, must=("omgevingstafel", "omgevingsgesprek-initiatiefnemer"))),
    Scenario("uitdaagrecht-buurthuis", challenge_right_centre, Expect(
        why="The uitdaagrecht has its own procedure with terms; the paragraph lists its steps with dates.",
        outcome=RobRung.DIRECT, must=("uitdaagrecht-procedure",), warnings=("uitdaagrecht-termijn",),
        paragraph=("De stappen van het uitdaagrecht", "18 mei 2027: Besluit over het verzoek"))),
    Scenario("burendag-loslaten", street_party_let_go, Expect(
        why="Asks nothing, small risk: let go; a light touch.",
        outcome=RobRung.LET_GO, tier=Tier.LIGHT, must_not=("regietafel", "procesbegeleiding"))),
)

BY_NAME = {s.name: s for s in SCENARIOS}
