"""The Dutch text of the 'Uitleg' sheet in the generated workbooks (plain data, no I/O)."""

from __future__ import annotations

from toolbox_docs.forms.schema import INTAKE, FormSchema

_INTAKE = [
    ("Zo werkt de participatietoolbox", "title"),
    ("Met dit werkboek kies je vroeg en bewust hoe je inwoners, ondernemers en organisaties bij je project of "
     "beleid betrekt. Je vult het in, slaat het op in de projectmap op de gedeelde schijf, en binnen enkele "
     "seconden staan ernaast:", "text"),
    ("• het advies: het niveau van participatie, de aanpak per belanghebbende, passende werkvormen met uren "
     "en kosten;", "text"),
    ("• het voorstel (college- of raadsvoorstel) met de participatieparagraaf al ingevuld;", "text"),
    ("• een concept-participatieplan (het '70%-plan') met de stakeholderkaart;", "text"),
    ("• een evaluatiewerkboek dat je na afloop invult.", "text"),
    ("Staat er iets niet goed in het werkboek, dan komt er een bestand 'feedback' naast met per cel wat je "
     "moet aanpassen. Verbeter het en sla opnieuw op; het feedbackbestand verdwijnt dan vanzelf.", "text"),
    ("Invullen", "heading"),
    ("Vul op het blad 'Intake' de gele cellen in. Velden met een * zijn verplicht. Bij veel cellen kies je uit "
     "een lijst. Als je een cel selecteert, zie je een korte uitleg.", "text"),
    ("Op het blad 'Belanghebbenden' zet je iedere partij op een eigen regel: naam, soort partij, invloed (1-5), "
     "belang (1-5) en standpunt. De tabel groeit mee als je verder typt.", "text"),
    ("Bedragen mag je typen als 2500, 2.500 of € 2.500,00. Datums als 01-03-2026 of 1 maart 2026.", "text"),
    ("De participatieladder", "heading"),
    ("Informeren: de gemeente vertelt wat er gebeurt; er is niets te beïnvloeden.", "text"),
    ("Raadplegen: de gemeente vraagt om meningen; die zijn niet bindend.", "text"),
    ("Adviseren: deelnemers dragen problemen en oplossingen aan; de gemeente volgt het advies in principe.",
     "text"),
    ("Coproduceren: gemeente en deelnemers werken samen een oplossing uit; het resultaat is bindend binnen de "
     "kaders.", "text"),
    ("Meebeslissen: de gemeente laat het besluit (binnen kaders) aan de deelnemers over.", "text"),
    ("Bij overheidsparticipatie kiest de gemeente een rol: loslaten, faciliteren, stimuleren, regisseren of "
     "reguleren (zo weinig sturen als kan).", "text"),
    ("Let op", "heading"),
    ("Wijzig de opbouw van het werkboek niet (geen bladen hernoemen of verwijderen). Regels invoegen mag.",
     "text"),
    ("Zet alleen zakelijke contactgegevens in het werkboek: het projectenregister is zichtbaar voor collega's.",
     "text"),
]

_EVALUATION = [
    ("Evaluatie van de participatie", "title"),
    ("De toolbox heeft dit werkboek voor je project klaargezet met wat er gepland was (grijze cellen). Vul na "
     "afloop in wat er echt gebeurd is, samen met je team en de externe partijen.", "text"),
    ("Sla het op in de projectmap. Er verschijnt een evaluatieverslag naast, en je project komt in het "
     "projectenregister bij de afgeronde projecten, zodat collega's van je ervaring leren.", "text"),
    ("Invullen", "heading"),
    ("Op het blad 'Evaluatie': het bereikte niveau (bij burgerparticipatie) of de rol die de gemeente had (bij "
     "overheidsparticipatie), de uitkomst, het draagvlak en de tien criteria (goed, voldoende of onvoldoende; "
     "bij onvoldoende een toelichting).", "text"),
    ("Op het blad 'Werkvormen': per werkvorm het aantal deelnemers, de uren en de kosten.", "text"),
    ("Het oordeel", "heading"),
    ("De participatie is voldoende als hooguit één criterium onvoldoende is en daar minstens één 'goed' "
     "tegenover staat.", "text"),
    ("Let op", "heading"),
    ("Wijzig de grijze cellen en de opbouw van het werkboek niet; het projectnummer koppelt de evaluatie aan "
     "je project.", "text"),
]


def explanation_lines(schema: FormSchema) -> list[tuple[str, str]]:
    lines = _INTAKE if schema.kind == INTAKE else _EVALUATION
    return [*lines, (f"Sjabloon: {schema.kind}, versie {schema.version}.", "text")]
