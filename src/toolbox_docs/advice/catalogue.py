"""The methods catalogue (``templates/werkvormen.toml``): records, parsing and its consistency checks.

The figures in the catalogue (hours, euros, participants, lead times) are indicative defaults that the
municipality sets itself: no public Dutch source gives hours or euros per method (domain.md §7).
``parse_catalogue`` is pure; ``load_catalogue`` reads the file and turns every problem into a
``SettingsError`` that names the file and the entry.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from toolbox_docs.advice.datafile import DataError, Entry, quoted
from toolbox_docs.advice.model import Tier
from toolbox_docs.errors import SettingsError
from toolbox_docs.settings import read_toml
from toolbox_docs.vocab import InitiativeAsk, Level, ParticipationKind, RobRung, Scale, TargetGroup, position

ALL_CATEGORIES = "alle"
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class Mode(StrEnum):
    ONLINE = "online"
    OFFLINE = "offline"
    BOTH = "beide"


class Depth(StrEnum):
    """How deep the input of a participating method goes. A level of adviseren or higher needs at least
    one method of depth 'dialoog' or deeper: a survey or a market with stickers alone cannot carry it."""

    SOUND = "peilen"
    DIALOGUE = "dialoog"
    COLLABORATE = "samenwerken"
    DECIDE = "beslissen"
    SUPPORT = "ondersteunen"

    @property
    def rank(self) -> int:
        return position(self)


class Activity(StrEnum):
    """How a method sits in time: the planning places each kind differently."""

    ONCE = "eenmalig"
    SERIES = "reeks"
    PERIOD = "periode"
    STANDING = "doorlopend"
    PROCEDURE = "procedure"


class Role(StrEnum):
    """What a method does in a plan. 'afstemmen' is keeping politics, partners and colleagues on
    board (a council letter, official consultation); it reaches stakeholder categories but does not
    count as informing the public."""

    INFORM = "informeren"
    PARTICIPATE = "participeren"
    FEEDBACK = "terugkoppelen"
    COORDINATE = "afstemmen"


@dataclass(frozen=True)
class Method:
    id: str
    name: str
    description: str
    kinds: tuple[ParticipationKind, ...]
    roles: tuple[Role, ...]
    levels: tuple[Level, ...]
    rungs: tuple[RobRung, ...]
    challenge_right: bool
    asks: tuple[InitiativeAsk, ...]
    depth: Depth | None
    personal: bool
    by_initiators: bool
    activity: Activity
    sessions: int
    duration_weeks: int
    min_intensity: Tier
    scales: tuple[Scale, ...]
    group_min: int
    group_max: int
    target_groups: tuple[TargetGroup, ...]
    made_for: tuple[TargetGroup, ...]
    categories: tuple[str, ...]
    mode: Mode
    preparation_hours: Decimal
    execution_hours: Decimal
    hours_per_participant: Decimal
    per_party: bool
    fixed_costs: Decimal
    cost_per_participant: Decimal
    participants_by_scale: tuple[tuple[Scale, int], ...]
    lead_time_weeks: int
    keywords: tuple[str, ...]

    def participants(self, scale: Scale) -> int:
        """Typical participants at ``scale``; 0 where the method does not fit the scale."""
        return dict(self.participants_by_scale).get(scale, 0)

    def serves_kind(self, kind: ParticipationKind) -> bool:
        return kind in self.kinds

    def reaches_category(self, category: str) -> bool:
        return ALL_CATEGORIES in self.categories or category.casefold() in (
            c.casefold() for c in self.categories
        )


@dataclass(frozen=True)
class Catalogue:
    version: str
    figures_note: str
    methods: tuple[Method, ...]
    # Each method's place by id (ids are unique: the loader refuses a second one); a list scan compared
    # whole methods field by field, thousands of times per advice.
    _positions: dict[str, int] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        positions: dict[str, int] = {}
        for index, method in enumerate(self.methods):
            positions.setdefault(method.id, index)
        object.__setattr__(self, "_positions", positions)

    def get(self, method_id: str) -> Method:
        position = self._positions.get(method_id)
        if position is None:
            raise KeyError(method_id)
        return self.methods[position]

    def position(self, method: Method) -> int:
        return self._positions[method.id]


def _method(entry: Entry, categories: tuple[str, ...]) -> Method:
    method_id = entry.text("id")
    if not _ID.match(method_id):
        raise entry.fail("id", "mag alleen kleine letters, cijfers en streepjes bevatten")
    kinds = entry.choices("soorten", ParticipationKind, allow_empty=False)
    roles = entry.choices("rollen", Role, allow_empty=False)
    levels = entry.choices("niveaus", Level)
    rungs = entry.choices("overheidsrollen", RobRung)
    challenge = entry.flag("uitdaagrecht", default=False)
    if Role.PARTICIPATE in roles and not (levels or rungs or challenge):
        raise entry.fail("niveaus", "is leeg, maar een werkvorm om te participeren hoort bij een niveau, "
                         "een overheidsrol of het uitdaagrecht")
    depth = entry.choice("diepte", Depth) if entry.has("diepte") else None
    if Role.PARTICIPATE in roles and depth is None:
        raise entry.fail("diepte", "ontbreekt: zeg hoe diep de inbreng gaat (peilen, dialoog, samenwerken, "
                         "beslissen of ondersteunen)")
    activity = entry.choice("activiteit", Activity)
    sessions = entry.integer("bijeenkomsten", minimum=1) if entry.has("bijeenkomsten") else 1
    if activity is Activity.SERIES and not entry.has("bijeenkomsten"):
        raise entry.fail("bijeenkomsten", "ontbreekt: een reeks noemt het aantal bijeenkomsten")
    duration = entry.integer("duur_weken", minimum=1) if entry.has("duur_weken") else 0
    if activity is Activity.PERIOD and not duration:
        raise entry.fail("duur_weken", "ontbreekt: een werkvorm die een periode loopt, noemt hoeveel weken")
    made_for = entry.choices("gemaakt_voor", TargetGroup) if entry.has("gemaakt_voor") else ()
    scales = entry.choices("schalen", Scale, allow_empty=False)
    group_min = entry.integer("groep_min", minimum=1)
    group_max = entry.integer("groep_max", minimum=1)
    if group_max < group_min:
        raise entry.fail("groep_max", f"is kleiner dan 'groep_min' ({group_min})")
    reached = entry.texts("categorieen")
    known = {c.casefold() for c in categories}
    for category in reached:
        if category != ALL_CATEGORIES and category.casefold() not in known:
            raise entry.fail("categorieen", f"kent de categorie '{category}' niet; kies uit "
                             f"{quoted(list(categories))} of '{ALL_CATEGORIES}'")
    participants = entry.table("deelnemers", f"{entry.where} › deelnemers")
    by_scale: list[tuple[Scale, int]] = []
    for scale in scales:
        if not participants.has(scale.value):
            raise participants.fail(scale.value, "ontbreekt: geef het gebruikelijke aantal deelnemers "
                                    "voor elke schaal in 'schalen'")
        count = participants.integer(scale.value, minimum=1)
        if not group_min <= count <= group_max:
            raise participants.fail(scale.value, f"({count}) ligt niet tussen groep_min ({group_min}) en "
                                    f"groep_max ({group_max})")
        by_scale.append((scale, count))
    participants.finish()
    target_groups = entry.choices("doelgroepen", TargetGroup)
    if not set(made_for) <= set(target_groups):
        raise entry.fail("gemaakt_voor", "noemt een groep die niet ook in 'doelgroepen' staat")
    keywords = entry.texts("herkennen") if entry.has("herkennen") else ()
    method = Method(
        id=method_id,
        name=entry.text("naam"),
        description=entry.text("omschrijving"),
        kinds=kinds,
        roles=roles,
        levels=levels,
        rungs=rungs,
        challenge_right=challenge,
        asks=entry.choices("vragen", InitiativeAsk) if entry.has("vragen") else (),
        depth=depth,
        personal=entry.flag("persoonlijk", default=False),
        by_initiators=entry.flag("door_initiatiefnemers", default=False),
        activity=activity,
        sessions=sessions,
        duration_weeks=duration,
        min_intensity=entry.choice("min_intensiteit", Tier) if entry.has("min_intensiteit") else Tier.LIGHT,
        scales=scales,
        group_min=group_min,
        group_max=group_max,
        target_groups=target_groups,
        made_for=made_for,
        categories=reached,
        mode=entry.choice("vorm", Mode),
        preparation_hours=entry.decimal("voorbereiding_uren"),
        execution_hours=entry.decimal("uitvoering_uren"),
        hours_per_participant=entry.decimal("uren_per_deelnemer") if entry.has("uren_per_deelnemer") else Decimal(0),
        per_party=entry.flag("per_partij", default=False),
        fixed_costs=entry.decimal("vaste_kosten"),
        cost_per_participant=entry.decimal("kosten_per_deelnemer"),
        participants_by_scale=tuple(by_scale),
        lead_time_weeks=entry.integer("doorlooptijd_weken"),
        keywords=tuple(k.casefold() for k in keywords),
    )
    entry.finish()
    return method


def _check_coverage(methods: tuple[Method, ...]) -> None:
    """Every advice needs an informing method, a feedback method and the uitdaagrecht procedure."""
    for role in (Role.INFORM, Role.FEEDBACK):
        for kind in ParticipationKind:
            for scale in Scale:
                if not any(role in m.roles and scale in m.scales and kind in m.kinds for m in methods):
                    raise DataError(f"geen werkvorm met rol '{role.value}' voor {kind.value} op schaal "
                                    f"'{scale.value}'; het advies heeft er altijd een nodig")
    if not any(m.challenge_right for m in methods):
        raise DataError("geen werkvorm met 'uitdaagrecht = true'; een beroep op het "
                        "uitdaagrecht heeft een eigen procedure nodig")


def parse_catalogue(data: Mapping[str, Any], *, categories: tuple[str, ...]) -> Catalogue:
    """The catalogue from parsed TOML; ``categories`` are the stakeholder categories from settings."""
    top = Entry(data, "")
    version = top.version()
    note = top.text("toelichting_cijfers")
    methods: list[Method] = []
    seen: set[str] = set()
    for entry in top.tables("werkvorm", name="werkvorm"):
        method = _method(entry, categories)
        if method.id in seen:
            raise DataError(f"werkvorm '{method.id}': dit id komt vaker voor; elk id moet uniek zijn")
        seen.add(method.id)
        methods.append(method)
    top.finish()
    _check_coverage(tuple(methods))
    return Catalogue(version=version, figures_note=note, methods=tuple(methods))


def load_catalogue(path: Path, *, categories: tuple[str, ...]) -> Catalogue:
    try:
        return parse_catalogue(read_toml(path), categories=categories)
    except DataError as error:
        raise SettingsError(f"{error}.", path=path) from None
