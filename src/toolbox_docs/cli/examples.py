"""The worked example: a neighbourhood green plan in Meezenbroek, with opposed parties.

Invented project, people and organisations (example.org addresses only). ``scripts/make_example.py``
writes it as ``watch_folders/Projecten/Groenplan Meezenbroek/intake.xlsx``; ``toolbox-docs demo`` runs it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

EXAMPLE_PROJECT_FOLDER = "Projecten/Groenplan Meezenbroek"
EXAMPLE_INTAKE_NAME = "intake.xlsx"

EXAMPLE_VALUES: dict[str, Any] = {
    "project_name": "Groenplan Meezenbroek",
    "project_description": "De wijk Meezenbroek krijgt meer groen: minder stenen, meer bomen en een "
                           "speelplek. We zoeken samen met bewoners uit waar het groen komt.",
    "trekker_name": "Sanne de Vries",
    "trekker_email": "s.devries@example.org",
    "trekker_phone": "045 123 4567",
    "team": "Team Openbare Ruimte",
    "area": "Meezenbroek",
    "policy_field": "Groen en klimaat",
    "location": "Meezenbroek, rond de Schaesbergerweg",
    "keywords": "groen, klimaatadaptatie, speelplek, bomen",
    "participation_kind": "burgerparticipatie",
    "policy_phase": "beleidsvoorbereiding",
    "decision_maker": "college",
    "portfolio_holder": "Wethouder K. Voorbeeld",
    "proposal_kind": "collegevoorstel",
    "scale": "wijk",
    "influence_room": "gemiddeld",
    "impact": "groot",
    "sensitivity": "hoog",
    "handover_willing": "nee",
    "target_youth": "ja",
    "target_elderly": "ja",
    "target_non_native": "ja",
    "participation_start": dt.date(2027, 2, 1),
    "participation_end": dt.date(2027, 5, 31),
    "decision_date": dt.date(2027, 7, 6),
    "budget_euros": 12500,
    "budget_hours": 160,
    "reason_goal": "Meezenbroek heeft veel verharding en wordt bij hitte erg warm. We willen weten waar "
                   "bewoners groen willen en wat ze nodig hebben, zodat het plan past bij de wijk.",
    "fixed_frameworks": "Het budget is € 450.000. De hoofdwegen en de busroute blijven zoals ze zijn. "
                        "Bestaande bomen blijven staan.",
    "open_to_influence": "Waar nieuw groen komt, welke soort groen, en waar de speelplek komt.",
    "input_use": "We werken de ideeën uit in twee ontwerpen. Het college kiest op basis van het advies van "
                 "de bewoners; als we afwijken, leggen we uit waarom.",
    "feedback_plan": "Na elke bijeenkomst een verslag op de projectwebsite; in juni een brief aan alle "
                     "bewoners met wat we met hun inbreng hebben gedaan.",
}

EXAMPLE_STAKEHOLDERS: list[dict[str, Any]] = [
    {"name": "Bewoners Meezenbroek", "category": "inwoners", "influence": 3, "interest": 5, "position": "voor"},
    {"name": "Bewonersvereniging Meezenbroek-Noord", "category": "inwoners", "influence": 4, "interest": 5,
     "position": "neutraal", "contact": "secretaris@example.org"},
    {"name": "Autobezitters Schaesbergerweg", "category": "inwoners", "influence": 2, "interest": 4,
     "position": "tegen"},
    {"name": "Winkeliersvereniging Meezenbroek", "category": "ondernemers", "influence": 4, "interest": 3,
     "position": "tegen"},
    {"name": "Basisschool De Regenboog", "category": "maatschappelijke organisaties", "influence": 2,
     "interest": 4, "position": "voor"},
    {"name": "Woningcorporatie Zonnehof (voorbeeld)", "category": "maatschappelijke organisaties", "influence": 4,
     "interest": 4, "position": "voor"},
    {"name": "Jongerenwerk Heerlen", "category": "maatschappelijke organisaties", "influence": 2, "interest": 3,
     "position": "voor"},
    {"name": "Het waterschap", "category": "andere overheden", "influence": 3, "interest": 3,
     "position": "neutraal"},
    {"name": "Team Verkeer", "category": "interne afdelingen", "influence": 3, "interest": 2,
     "position": "onbekend"},
]
