"""The filled workbooks of every released template version, kept in ``tests/data/``, and their answers.

``ANSWERS[name]`` is what was typed into the blank template of that version when its fixture was made
(by ``tests/data/make_form_fixtures.py``), cell by cell as a civil servant would type it. Once a fixture
is committed, its answers are history: never edit them, and never regenerate the workbook (its SHA-256
is checked). Invented project and people; example.org addresses only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
MANIFEST = DATA / "form-fixtures.json"


@dataclass(frozen=True)
class Answers:
    """Field id -> value as typed, and the table's rows (column id -> value)."""

    values: dict[str, Any]
    rows: list[dict[str, Any]]


def fixture_name(kind: str, version: int) -> str:
    return f"{kind}-v{version}"


def fixture_path(kind: str, version: int) -> Path:
    return DATA / f"{fixture_name(kind, version)}.xlsx"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def manifest() -> dict[str, str]:
    """Fixture file name -> the SHA-256 it had when it was committed."""
    return dict(json.loads(MANIFEST.read_text(encoding="utf-8"))) if MANIFEST.is_file() else {}


_INTAKE_V1 = Answers(
    values={
        "project_name": "Herinrichting Pancratiusplein",
        "project_description": "Het plein krijgt meer groen, betere verlichting en nieuwe zitplekken. "
                               "Parkeren op het plein verdwijnt.",
        "trekker_name": "Fenna Jacobs",
        "trekker_email": "f.jacobs@example.org",
        "trekker_phone": "045 555 0199",
        "team": "Team Openbare Ruimte",
        "area": "Heerlen-Centrum",
        "policy_field": "Openbare ruimte",
        "location": "Pancratiusplein",
        "keywords": "plein, groen, verlichting, parkeren",
        "participation_kind": "burgerparticipatie",
        "policy_phase": "beleidsvoorbereiding",
        "decision_maker": "raad",
        "proposal_kind": "raadsvoorstel",
        "scale": "buurt",
        "influence_room": "gemiddeld",
        "impact": "groot",
        "sensitivity": "gemiddeld",
        "handover_willing": "nee",
        "target_elderly": "ja",
        "target_entrepreneurs": "ja",
        "target_disability": "ja",
        "participation_start": dt.date(2027, 3, 1),
        "participation_end": dt.date(2027, 6, 15),
        "decision_date": dt.date(2027, 9, 30),
        "budget_euros": 8500,
        "budget_hours": 120,
        "reason_goal": "Het plein is nu vooral een parkeerplaats. We willen een plek waar mensen graag "
                       "verblijven, en weten wat bewoners en ondernemers daarvoor nodig hebben.",
        "fixed_frameworks": "Het budget is € 600.000. De markt op donderdag blijft. De kerk en de "
                            "monumentale bomen blijven staan.",
        "open_to_influence": "De indeling van het plein, de soort zitplekken, het groen en de verlichting.",
        "input_use": "We maken met de inbreng twee schetsen. De raad krijgt het advies van de "
                     "klankbordgroep bij het voorstel; als we afwijken, leggen we uit waarom.",
        "feedback_plan": "Na elke bijeenkomst een verslag op de projectwebsite; in september een brief aan "
                         "alle adressen rond het plein.",
    },
    rows=[
        {"name": "Bewoners rond het plein", "category": "inwoners", "influence": 3, "interest": 5,
         "position": "voor"},
        {"name": "Ondernemersvereniging Centrum", "category": "ondernemers", "influence": 4, "interest": 4,
         "position": "tegen", "contact": "secretariaat@example.org"},
        {"name": "Parochie Sint-Pancratius", "category": "maatschappelijke organisaties", "influence": 3,
         "interest": 3, "position": "neutraal"},
        {"name": "Seniorenraad Heerlen", "category": "maatschappelijke organisaties", "influence": 2,
         "interest": 4},
        {"name": "Team Verkeer", "category": "interne afdelingen", "influence": 3, "interest": 2,
         "position": "onbekend"},
    ],
)

_EVALUATION_V1 = Answers(
    values={
        "project_id": "P-2026-0a1b2c",
        "project_name": "Buurttuin De Hopel",
        "participation_kind": "overheidsparticipatie",
        "trekker_name": "Ruben Smeets",
        "trekker_email": "r.smeets@example.org",
        "planned_level": "faciliteren",
        "planned_methods": "Initiatievenloket; Procesbegeleiding; Terugkoppelingsbrief",
        "planned_hours": 64,
        "planned_euros": 7440,
        "participation_start": dt.date(2026, 4, 1),
        "participation_end": dt.date(2026, 10, 31),
        "achieved_level": "faciliteren",
        "decision_taken": "ja",
        "outcome": "De bewonersgroep heeft de tuin aangelegd op grond van de gemeente. De gemeente gaf een "
                   "bijdrage en hielp met de vergunning.",
        "unexpected": "De waterschapsvergunning kostte twee maanden extra.",
        "support": "groot",
        "participant_rating": 8.1,
        "crit_plan_score": "voldoende",
        "crit_owner_score": "goed",
        "crit_inclusion_score": "onvoldoende",
        "crit_inclusion_note": "Vooral oudere bewoners deden mee; jongeren hebben we niet bereikt.",
        "crit_goal_score": "goed",
        "crit_influence_score": "goed",
        "crit_frameworks_score": "voldoende",
        "crit_transparency_score": "voldoende",
        "crit_timing_score": "goed",
        "crit_information_score": "voldoende",
        "crit_feedback_score": "goed",
        "went_well": "Eén vast aanspreekpunt bij de gemeente; de groep wist steeds bij wie ze moest zijn.",
        "could_be_better": "Eerder met het waterschap praten; jongeren via school benaderen.",
        "lessons": "Regel de vergunningen vóór de eerste schop in de grond.",
        "keywords": "buurttuin, groen, initiatief",
    },
    rows=[
        {"method": "Initiatievenloket", "participants": 6, "hours": 12, "euros": 0},
        {"method": "Procesbegeleiding", "participants": 14, "hours": 40, "euros": 2500},
        {"method": "Terugkoppelingsbrief", "participants": 180, "hours": 6, "euros": 350},
    ],
)

# Evaluation version 2 split level and role: the same evaluation, as typed into the version 2 template.
_EVALUATION_V2 = Answers(
    values={key: value for key, value in _EVALUATION_V1.values.items()
            if key not in ("planned_level", "achieved_level")}
    | {"planned_role": "faciliteren", "achieved_role": "faciliteren"},
    rows=_EVALUATION_V1.rows,
)

# Intake version 2: the impact scan is for burgerparticipatie, and an initiative says what it asks. An
# initiative (a neighbourhood garden asking money and a place), with the fields that version added.
_INTAKE_V2 = Answers(
    values={
        "project_name": "Moestuin De Pit",
        "project_description": "Bewoners willen op een braakliggend stuk grond een moestuin voor de buurt "
                               "beginnen.",
        "trekker_name": "Noor Vermeulen",
        "trekker_email": "n.vermeulen@example.org",
        "team": "Team Wijkzaken",
        "area": "Meezenbroek",
        "policy_field": "Groen en klimaat",
        "location": "Pitstraat",
        "keywords": "moestuin, groen, initiatief",
        "participation_kind": "overheidsparticipatie",
        "initiator": "Bewonersgroep De Pit",
        "asks_money": "ja",
        "asks_space": "ja",
        "asks_knowledge": "nee",
        "asks_rules": "nee",
        "asks_network": "nee",
        "initiative_request": "Een bijdrage voor gereedschap, hekwerk en zaad, en het gebruik van de grond.",
        "initiative_amount": 2500,
        "public_interest": "gemiddeld",
        "initiative_risk": "laag",
        "challenge_right": "nee",
        "policy_phase": "uitvoering",
        "decision_maker": "college",
        "portfolio_holder": "Wethouder A. Voorbeeld",
        "proposal_kind": "collegevoorstel",
        "scale": "buurt",
        "impact": "klein",
        "participation_start": dt.date(2027, 3, 1),
        "participation_end": dt.date(2027, 5, 28),
        "decision_date": dt.date(2027, 6, 22),
        "budget_euros": 500,
        "budget_hours": 40,
        "reason_goal": "Een moestuin brengt buren samen en maakt de buurt groener.",
        "fixed_frameworks": "De grond blijft van de gemeente. Na vijf jaar kijken we opnieuw.",
        "feedback_plan": "We bevestigen de afspraken in een brief.",
    },
    rows=[
        {"name": "Bewonersgroep De Pit", "category": "inwoners", "influence": 2, "interest": 5,
         "position": "voor"},
        {"name": "Omwonenden Pitstraat", "category": "inwoners", "influence": 2, "interest": 4,
         "position": "neutraal"},
    ],
)

# What was typed into each released template version. Add one entry per new version; never change one.
ANSWERS: dict[str, Answers] = {
    fixture_name("intake", 1): _INTAKE_V1,
    fixture_name("intake", 2): _INTAKE_V2,
    fixture_name("evaluatie", 1): _EVALUATION_V1,
    fixture_name("evaluatie", 2): _EVALUATION_V2,
}
