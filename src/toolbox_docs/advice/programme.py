"""The programme of methods: what the plan needs, which method serves each need, how full it is, and the
budget. Pure.

An advisor composes a small programme, not one method per box. The needs, in the order of the process:

- **informeren**, always; in a fuller programme a **second channel** of the other form (online beside offline);
- the **interaction at the level**, with enough depth: raadplegen any participating method; adviseren at
  least a real conversation (depth 'dialoog' or deeper); coproduceren working it out together
  ('samenwerken'); meebeslissen a method where participants decide, plus one to prepare the options;
  a fuller programme adds a **broad** method (a survey, a walk-in) beside the conversation, and an intensive
  one a **second, deeper** method;
- for overheidsparticipatie: a method for the municipality's **role**, one for each thing the initiative
  **asks** (money, a place, knowledge, rules, a network), the initiators' talk with the **surroundings**
  where others have a stake, or the **uitdaagrecht** procedure;
- each **target group** named in the intake, by a method that reaches it (one made for it first);
- each influential party that is **against or unknown**: a personal conversation;
- each stakeholder **category** that matters: a method that reaches it (the council, other governments);
- a method the person's own text **names** ("een burgerberaad"), when it fits; otherwise a note says why not;
- **terugkoppelen**, and in a fuller programme also a meeting to do it.

How full the programme is (licht, gemiddeld, intensief) follows from impact, sensitivity, scale, duration
and budget (``[programma]`` in advies.toml). Over budget, optional methods go first, then a required need
gets a cheaper method that still serves it, the swap that saves most first; a required need is never
dropped: what is then short is reported. With a fuller programme that uses little of its budget, methods are
added while they fit, or the advice says plainly why less is enough. Every choice and every method left out
is a sentence (``Phrase``) in the advice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from decimal import Decimal
from enum import StrEnum

from toolbox_docs.advice.budget import Why, external_euros, labour_euros, method_hours
from toolbox_docs.advice.catalogue import Activity, Catalogue, Depth, Method, Mode, Role
from toolbox_docs.advice.model import Tier
from toolbox_docs.advice.phrases import Phrase
from toolbox_docs.advice.rules import ProgrammeRules, Step
from toolbox_docs.formatting import round_half_up
from toolbox_docs.forms.records import Intake
from toolbox_docs.vocab import InitiativeAsk, Level, ParticipationKind, RobRung, Scale, TargetGroup


class NeedKind(StrEnum):
    INFORM = "informeren"
    SECOND_CHANNEL = "tweede kanaal"
    LEVEL = "niveau"
    PREPARE = "voorbereiden besluit"
    BROAD = "breed"
    DEEPEN = "verdieping"
    RUNG = "rol"
    ASK = "vraag"
    SURROUNDINGS = "omgeving"
    CHALLENGE = "uitdaagrecht"
    TARGET_GROUP = "doelgroep"
    CATEGORY = "categorie"
    PARTIES = "partijen"
    MENTIONED = "genoemd"
    FEEDBACK = "terugkoppelen"
    FEEDBACK_MEETING = "terugkoppelbijeenkomst"
    OUTREACH = "naar mensen toe"


# Needs that only a method of their own satisfies: a method chosen for another need does not count.
DISTINCT = {NeedKind.SECOND_CHANNEL, NeedKind.BROAD, NeedKind.DEEPEN, NeedKind.FEEDBACK_MEETING, NeedKind.OUTREACH}
# The depth a level needs from its main method.
LEVEL_DEPTHS: dict[Level, frozenset[Depth]] = {
    Level.CONSULT: frozenset({Depth.SOUND, Depth.DIALOGUE, Depth.COLLABORATE}),
    Level.ADVISE: frozenset({Depth.DIALOGUE, Depth.COLLABORATE}),
    Level.COPRODUCE: frozenset({Depth.COLLABORATE}),
    Level.CODECIDE: frozenset({Depth.DECIDE}),
}
DEEP = frozenset({Depth.DIALOGUE, Depth.COLLABORATE, Depth.DECIDE})
BROAD_FROM = 200  # a method that can take this many people is "broad"


@dataclass(frozen=True)
class Need:
    kind: NeedKind
    required: bool
    level: Level | None = None
    rung: RobRung | None = None
    group: TargetGroup | None = None
    category: str | None = None
    ask: InitiativeAsk | None = None
    parties: tuple[str, ...] = ()
    party_categories: tuple[str, ...] = ()
    method_id: str | None = None
    word: str = ""
    # A need is a key of several tables the programme is composed with, looked up thousands of times per
    # advice: its hash (of the fields it is compared by, as the generated one) is worked out once.
    _hash: int = field(init=False, repr=False, compare=False, default=0)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash(tuple(getattr(self, f.name) for f in fields(self) if f.compare)))

    def __hash__(self) -> int:
        return self._hash

    @property
    def label(self) -> str:
        """A short, stable label ("niveau adviseren", "doelgroep jongeren") for the record and the JSON."""
        detail = {
            NeedKind.LEVEL: self.level.value if self.level else "",
            NeedKind.RUNG: self.rung.value if self.rung else "",
            NeedKind.TARGET_GROUP: self.group.value if self.group else "",
            NeedKind.CATEGORY: self.category or "",
            NeedKind.ASK: self.ask.value if self.ask else "",
            NeedKind.PARTIES: ", ".join(self.parties),
            NeedKind.MENTIONED: self.word,
        }.get(self.kind, "")
        return f"{self.kind.value} {detail}".strip()


@dataclass(frozen=True)
class Frame:
    """What every choice looks at."""

    kind: ParticipationKind
    level: Level | None
    rung: RobRung | None
    scale: Scale
    reach: int
    tier: Tier

    @property
    def participates(self) -> bool:
        """Whether people take part (and so hear back): above informeren, or an initiative the municipality
        does not simply let go."""
        if self.kind is ParticipationKind.OVERHEID:
            return self.rung is not RobRung.LET_GO
        return self.level is not None and self.level is not Level.INFORM


@dataclass(frozen=True)
class Programme:
    methods: tuple[tuple[Method, int, Why], ...]  # method, participants, why
    tier: Tier
    tier_reason: Phrase
    notes: tuple[Phrase, ...]
    uncovered: tuple[Need, ...]
    ample: Phrase | None


# --- how full ------------------------------------------------------------------------------------------


def _step(steps: tuple[Step, ...], value: Decimal) -> int:
    return max((s.points for s in steps if value >= s.start), default=0)


def weeks_between(intake: Intake) -> int:
    return max((intake.participation_end - intake.participation_start).days // 7, 0)


def tier_for(intake: Intake, rules: ProgrammeRules) -> tuple[Tier, Phrase]:
    """The programme's tier and the sentence that says why, naming the features that made it fuller."""
    parts: list[tuple[int, Phrase]] = []
    if intake.impact is not None:
        parts.append((rules.impact[intake.impact], Phrase.of("programma.reden.impact", impact=intake.impact.value)))
    if intake.sensitivity is not None:
        parts.append((rules.sensitivity[intake.sensitivity],
                      Phrase.of("programma.reden.gevoeligheid", gevoeligheid=intake.sensitivity.value)))
    parts.append((rules.scale[intake.scale], Phrase.of("programma.reden.schaal", schaal=intake.scale.value)))
    weeks = weeks_between(intake)
    parts.append((_step(rules.duration, Decimal(weeks)), Phrase.of("programma.reden.duur", weken=weeks)))
    parts.append((_step(rules.budget, intake.budget_euros),
                  Phrase.of("programma.reden.budget", budget=round_half_up(intake.budget_euros))))
    if intake.participation_kind is ParticipationKind.OVERHEID and intake.public_interest is not None:
        parts.append((rules.public_interest[intake.public_interest],
                      Phrase.of("programma.reden.publiek_belang", belang=intake.public_interest.value)))
    total = sum(points for points, _ in parts)
    tier = (Tier.INTENSIVE if total >= rules.intensive_from
            else Tier.MODERATE if total >= rules.moderate_from else Tier.LIGHT)
    # A light programme is explained by what is small; a fuller one by what made it fuller, the three that
    # weigh most (a list of five reasons is not read).
    if tier is Tier.LIGHT:
        said = tuple(p for points, p in parts if points == 0 and p.key != "programma.reden.budget")[:3]
    else:
        order = sorted(range(len(parts)), key=lambda i: -parts[i][0])
        said = tuple(parts[i][1] for i in sorted(order[:3]) if parts[i][0] > 0)
    return tier, Phrase.of(f"programma.{tier.value}", redenen=said)


# --- what the plan needs ---------------------------------------------------------------------------------


_WORD = re.compile(r"\w+", re.UNICODE)


def _texts(intake: Intake) -> str:
    parts = (intake.project_description, intake.reason_goal, intake.open_to_influence, intake.input_use,
             intake.feedback_plan, intake.initiative_request)
    return " ".join(p for p in parts if p).casefold()


def _mentions(text: str, keyword: str) -> bool:
    """Whether ``keyword`` (one or more words) stands in ``text`` as whole words, in any form that starts so
    ("enquête" also finds "enquêtes"; "gelote" does not find "afgeloten")."""
    pattern = r"(?<!\w)" + r"\s+".join(re.escape(word) for word in keyword.split()) + r"\w{0,3}(?!\w)"
    return re.search(pattern, text) is not None


def mentioned(catalogue: Catalogue, intake: Intake) -> tuple[tuple[Method, str], ...]:
    """The methods the person's own texts name, with the word found, in catalogue order."""
    text = _texts(intake)
    found: list[tuple[Method, str]] = []
    for method in catalogue.methods:
        word = next((k for k in method.keywords if _mentions(text, k)), None)
        if word is not None:
            found.append((method, word))
    # "een papieren enquête" names the paper survey, not also the online one.
    longer = [w for _, w in found]
    return tuple((m, w) for m, w in found if not any(w != other and w in other for other in longer))


def _fits_level(method: Method, frame: Frame) -> bool:
    if frame.kind is ParticipationKind.OVERHEID:
        # Any role up to the advised one: the municipality may do less than its role, not more.
        return frame.rung is not None and any(r.rank <= frame.rung.rank for r in method.rungs)
    return frame.level is not None and frame.level in method.levels


def _why_not(method: Method, frame: Frame) -> Phrase | None:
    """Why a named method cannot be in this programme, or None when it can."""
    if not method.serves_kind(frame.kind):
        return Phrase.of("genoemd.waarom.soort", soort=frame.kind.value)
    if Role.PARTICIPATE in method.roles and not _fits_level(method, frame) and not method.personal:
        if frame.kind is ParticipationKind.OVERHEID:
            return Phrase.of("genoemd.waarom.rol", rol=frame.rung.value if frame.rung else "")
        return Phrase.of("genoemd.waarom.niveau", niveaus=tuple(lv.value for lv in method.levels),
                         niveau=frame.level.value if frame.level else "")
    if frame.scale not in method.scales:
        return Phrase.of("genoemd.waarom.schaal", schalen=tuple(s.value for s in method.scales),
                         schaal=frame.scale.value)
    return None


def plan_needs(intake: Intake, *, frame: Frame, challenge: bool, categories: tuple[str, ...],
               parties: tuple[str, ...], named: tuple[tuple[Method, str], ...]) -> tuple[Need, ...]:
    party_categories = tuple(dict.fromkeys(s.category for s in intake.stakeholders if s.name in parties))
    """Everything the programme should cover, required and optional, in the order of the process."""
    fuller = frame.tier is not Tier.LIGHT
    level = frame.level
    # For an initiative the initiators tell their surroundings; the municipality informs where the budget allows.
    needs = [Need(NeedKind.INFORM, frame.kind is ParticipationKind.BURGER)]
    if fuller and frame.kind is ParticipationKind.BURGER:
        needs.append(Need(NeedKind.SECOND_CHANNEL, False))
    if frame.kind is ParticipationKind.BURGER and level is not None and level is not Level.INFORM:
        needs.append(Need(NeedKind.LEVEL, True, level=level))
        if level is Level.CODECIDE:
            needs.append(Need(NeedKind.PREPARE, True, level=level))
        if fuller:
            needs.append(Need(NeedKind.BROAD, False, level=level))
        if frame.tier is Tier.INTENSIVE and level.rank >= Level.ADVISE.rank:
            needs.append(Need(NeedKind.DEEPEN, False, level=level))
    if frame.kind is ParticipationKind.OVERHEID:
        if challenge:
            needs.append(Need(NeedKind.CHALLENGE, True))
        elif frame.rung is not None:
            # Letting go: one point of contact is welcome, not required.
            needs.append(Need(NeedKind.RUNG, frame.rung is not RobRung.LET_GO, rung=frame.rung))
        needs += [Need(NeedKind.ASK, True, ask=ask) for ask in intake.initiative_asks]
        if _surroundings(intake, categories):
            needs.append(Need(NeedKind.SURROUNDINGS, True))
    needs += [Need(NeedKind.TARGET_GROUP, True, group=g) for g in intake.target_groups]
    if parties:
        needs.append(Need(NeedKind.PARTIES, True, parties=parties, party_categories=party_categories))
    needs += [Need(NeedKind.MENTIONED, True, method_id=m.id, word=w) for m, w in named
              if _why_not(m, frame) is None]
    needs += [Need(NeedKind.CATEGORY, True, category=c) for c in categories]
    if frame.participates:
        needs.append(Need(NeedKind.FEEDBACK, True))
        if fuller and level is not None and level.rank >= Level.ADVISE.rank:
            needs.append(Need(NeedKind.FEEDBACK_MEETING, False))
    return tuple(needs)


def _surroundings(intake: Intake, categories: tuple[str, ...]) -> bool:
    """Whether others than the initiators have a stake: then the initiators talk with their surroundings."""
    sensitive = intake.sensitivity is not None and intake.sensitivity.rank > 0
    return sensitive or any(c.casefold() in ("inwoners", "ondernemers") for c in categories)


# --- which methods serve a need ------------------------------------------------------------------------


def fits(method: Method, *, scale: Scale, reach: int) -> bool:
    return scale in method.scales and method.group_min <= reach


def _takes_part(method: Method, frame: Frame) -> bool:
    """A method where people take part at (or below) the advised level or role."""
    if Role.PARTICIPATE not in method.roles:
        return False
    if frame.kind is ParticipationKind.OVERHEID:
        return frame.rung is not None and any(r.rank <= frame.rung.rank for r in method.rungs)
    return frame.level is not None and any(Level.INFORM.rank < lv.rank <= frame.level.rank for lv in method.levels)


def serves(method: Method, need: Need, frame: Frame) -> bool:
    if need.kind is NeedKind.MENTIONED:
        return method.id == need.method_id
    if not method.serves_kind(frame.kind) or method.min_intensity.rank > frame.tier.rank:
        return False
    kind = need.kind
    if kind is NeedKind.INFORM or kind is NeedKind.SECOND_CHANNEL:
        # Informing is its own job: a survey that also "informs" does not tell everyone what happens.
        return Role.INFORM in method.roles and Role.PARTICIPATE not in method.roles
    if kind is NeedKind.FEEDBACK:
        return Role.FEEDBACK in method.roles
    if kind is NeedKind.FEEDBACK_MEETING:
        return Role.FEEDBACK in method.roles and method.mode is not Mode.ONLINE and method.group_max > 1
    if kind is NeedKind.LEVEL:
        # Personal forms reach particular people; the level is carried by a method open to all who care.
        return (Role.PARTICIPATE in method.roles and need.level in method.levels and not method.personal
                and method.depth in LEVEL_DEPTHS[need.level] if need.level else False)
    if kind is NeedKind.PREPARE:
        return (Role.PARTICIPATE in method.roles and method.depth in (Depth.DIALOGUE, Depth.COLLABORATE)
                and any(lv in method.levels for lv in (Level.COPRODUCE, Level.CODECIDE)) and not method.personal)
    if kind is NeedKind.BROAD:
        return (_takes_part(method, frame) and method.depth is Depth.SOUND and method.group_max >= BROAD_FROM)
    if kind is NeedKind.DEEPEN:
        return _takes_part(method, frame) and method.depth in DEEP and not method.personal
    if kind is NeedKind.OUTREACH:
        return (_takes_part(method, frame) and method.mode is Mode.OFFLINE and bool(method.made_for)
                and not method.personal and method.activity in (Activity.ONCE, Activity.SERIES))
    if kind is NeedKind.RUNG:
        # What the municipality itself does in its role: support, and from stimuleren up also bring parties
        # together; not what the initiators do themselves.
        talks = need.rung is not None and need.rung.rank >= RobRung.STIMULATE.rank and method.depth is Depth.DIALOGUE
        return (Role.PARTICIPATE in method.roles and need.rung in method.rungs and not method.challenge_right
                and (method.depth is Depth.SUPPORT or talks) and not method.personal and not method.by_initiators)
    if kind is NeedKind.ASK:
        return need.ask in method.asks
    if kind is NeedKind.SURROUNDINGS:
        return _takes_part(method, frame) and method.by_initiators
    if kind is NeedKind.CHALLENGE:
        return method.challenge_right
    if kind is NeedKind.PARTIES:
        return (method.personal and all(method.reaches_category(c) for c in need.party_categories)
                and (_takes_part(method, frame) or not frame.participates))
    if kind is NeedKind.TARGET_GROUP:
        if need.group not in method.target_groups:
            return False
        return _takes_part(method, frame) if frame.participates else Role.INFORM in method.roles
    if kind is NeedKind.CATEGORY:
        if not method.reaches_category(need.category or ""):
            return False
        return (Role.INFORM in method.roles or Role.COORDINATE in method.roles
                or (_takes_part(method, frame) and frame.participates))
    return False


def candidates(catalogue: Catalogue, need: Need, *, frame: Frame, wanted: tuple[TargetGroup, ...],
               named: frozenset[str] = frozenset()) -> tuple[Method, ...]:
    """Every method that serves ``need`` and fits the scale and the group, best first; a method the person
    named comes first wherever it serves."""
    serving = [m for m in catalogue.methods if serves(m, need, frame)]
    fitting = [m for m in serving if fits(m, scale=frame.scale, reach=frame.reach)]
    if not fitting and need.kind in (NeedKind.INFORM, NeedKind.FEEDBACK, NeedKind.MENTIONED):
        fitting = [m for m in serving if frame.scale in m.scales]
    groups = set(wanted)

    def rank(method: Method) -> tuple[int, ...]:
        made_for = int(need.group is not None and need.group not in method.made_for)
        served = len(groups & set(method.target_groups))
        # For an initiative, methods made for overheidsparticipatie before general ones (an afsprakenbrief
        # before a letter to everyone); feedback to residents first by the method that reaches everyone.
        general = len(method.kinds) if frame.kind is ParticipationKind.OVERHEID else 0
        broad = -method.group_max if need.kind is NeedKind.FEEDBACK and not general else 0
        pure = int(need.kind in (NeedKind.INFORM, NeedKind.SECOND_CHANNEL) and method.roles != (Role.INFORM,))
        # A category is reached by telling or consulting it (a letter, official talks), not by a heavy session.
        if need.kind is NeedKind.CATEGORY:
            pure = int(Role.PARTICIPATE in method.roles)
        stretch = 0
        if need.level is not None and method.levels:
            stretch = abs(need.level.rank - min(lv.rank for lv in method.levels))
        elif need.rung is not None and method.rungs:
            # The lightest support first: a method whose heaviest role is the advised one.
            stretch = max(r.rank for r in method.rungs) - need.rung.rank
        cheap = 0
        if need.kind is NeedKind.SURROUNDINGS:
            cheap = int(method_hours(method, 0))
        # A second, deeper method: working it out together before another conversation.
        deeper = -method.depth.rank if need.kind is NeedKind.DEEPEN and method.depth is not None else 0
        # Directing means bringing the partners together: a table before individual support.
        if need.kind is NeedKind.RUNG and need.rung is not None and need.rung.rank >= RobRung.DIRECT.rank:
            deeper = int(method.depth is not Depth.DIALOGUE)
        return (int(method.id not in named), made_for, pure, general, broad, deeper, -served, stretch, cheap,
                catalogue.position(method))

    return tuple(sorted(fitting, key=rank))


# --- composing and fitting the budget --------------------------------------------------------------------


@dataclass
class _Pick:
    """A method in the programme and the needs it was picked for."""

    method: Method
    needs: list[Need] = field(default_factory=list)


class _Composer:
    def __init__(self, catalogue: Catalogue, intake: Intake, frame: Frame, needs: tuple[Need, ...], *,
                 rate: Decimal, parties: tuple[str, ...], named: frozenset[str] = frozenset()) -> None:
        self.intake, self.frame, self.rate, self.parties, self.named = intake, frame, rate, parties, named
        self.needs = needs
        self.options = {n: candidates(catalogue, n, frame=frame, wanted=intake.target_groups, named=named)
                        for n in needs}
        # The methods serving each need, by id: a method's place among them is what "serves" means here.
        self.option_ids = {n: frozenset(m.id for m in options) for n, options in self.options.items()}
        self.choice = {n: 0 for n in needs}
        self.dropped: set[Need] = set()
        self._costs: dict[str, tuple[Decimal, Decimal, Decimal]] = {}

    def participants(self, method: Method) -> int:
        if method.per_party:
            return max(len(self.parties), 1)
        return method.participants(self.frame.scale) or method.group_min

    def build(self) -> list[_Pick]:
        """The methods for the current choices; a need already met by a chosen method adds none."""
        picks: list[_Pick] = []
        for need in self.needs:
            options = self.options[need]
            if need in self.dropped or not options:
                continue
            if need.kind not in DISTINCT:
                # A named group is "covered" by a method made for it, when the catalogue has one.
                made = need.kind is NeedKind.TARGET_GROUP and any(need.group in m.made_for for m in options)
                # (Every option serves the need: ``candidates`` keeps only methods that do.)
                meeting = next((p for p in picks if p.method.id in self.option_ids[need]
                                and (not made or need.group in p.method.made_for)), None)
                if meeting is not None:
                    meeting.needs.append(need)
                    continue
            taken = {p.method.id for p in picks}
            method = self._choose(need, taken, picks)
            if method is None:
                continue
            existing = next((p for p in picks if p.method.id == method.id), None)
            if existing is not None:
                existing.needs.append(need)
            else:
                picks.append(_Pick(method, [need]))
        return picks

    def _choose(self, need: Need, taken: set[str], picks: list[_Pick]) -> Method | None:
        options = list(self.options[need])
        if need.kind in DISTINCT:
            options = [m for m in options if m.id not in taken]
            if need.kind is NeedKind.SECOND_CHANNEL:
                first = next((p.method.mode for p in picks if any(n.kind is NeedKind.INFORM for n in p.needs)), None)
                options = [m for m in options if m.mode is not first and m.mode is not Mode.BOTH] or []
            if need.kind is NeedKind.BROAD and (self.frame.level is Level.CONSULT or need.word):
                # Broad listening of the other form than what is there already (online beside offline).
                kinds = (NeedKind.LEVEL, NeedKind.BROAD) if need.word else (NeedKind.LEVEL,)
                main = {p.method.mode for p in picks if any(n.kind in kinds and n is not need for n in p.needs)}
                options = [m for m in options if m.mode not in main]
        index = min(self.choice[need], len(options) - 1) if options else 0
        return options[index] if options else None

    def cost(self, picks: list[_Pick]) -> tuple[Decimal, Decimal, Decimal]:
        """(external euros, hours, labour euros)."""
        external = hours = labour = Decimal(0)
        for pick in picks:
            method_external, method_hours_, method_labour = self.method_cost(pick.method)
            external += method_external
            hours += method_hours_
            labour += method_labour
        return external, hours, labour

    def method_cost(self, method: Method) -> tuple[Decimal, Decimal, Decimal]:
        """(external euros, hours, labour euros) of one method here; the same for every programme tried."""
        known = self._costs.get(method.id)
        if known is None:
            n = self.participants(method)
            known = self._costs[method.id] = (external_euros(method, participants=n), method_hours(method, n),
                                              labour_euros(method, rate=self.rate, participants=n))
        return known

    def shortfall(self, picks: list[_Pick]) -> Decimal:
        external, hours, _ = self.cost(picks)
        return (max(external - self.intake.budget_euros, Decimal(0))
                + max(hours - self.intake.budget_hours, Decimal(0)) * self.rate)

    def total(self, picks: list[_Pick]) -> Decimal:
        external, _, labour = self.cost(picks)
        return external + labour


def _euros(composer: _Composer, method: Method) -> Decimal:
    external, _, labour = composer.method_cost(method)
    return external + labour


def _swap(composer: _Composer, picks: list[_Pick], *, required: bool) -> list[_Pick] | None:
    """The swap to a cheaper candidate (for an optional or a required need) that saves most while it still
    serves the need and lowers the shortfall; None when no swap helps."""
    short, total = composer.shortfall(picks), composer.total(picks)
    best: tuple[Decimal, Need, int] | None = None
    for need in composer.needs:
        if need.required is not required or need in composer.dropped or not composer.options[need]:
            continue
        before = composer.choice[need]
        old = _method_for(picks, need)
        for index in range(before + 1, len(composer.options[need])):
            composer.choice[need] = index
            trial = composer.build()
            new = _method_for(trial, need)
            if old is None or new is None or new.id == old.id or _euros(composer, new) >= _euros(composer, old):
                continue
            saving = total - composer.total(trial)
            if composer.shortfall(trial) < short and saving > 0 and (best is None or saving > best[0]):
                best = (saving, need, index)
        composer.choice[need] = before
    if best is None:
        return None
    composer.choice[best[1]] = best[2]
    return composer.build()


def _covered(picks: list[_Pick]) -> set[Need]:
    return {n for p in picks for n in p.needs if n.required}


def _drop(composer: _Composer, picks: list[_Pick]) -> list[_Pick] | None:
    """Leave out an optional method: the cheapest whose absence closes the gap, else the one that helps most.
    A method that also serves a required need may go only when another method then serves that need."""
    short, covered = composer.shortfall(picks), _covered(picks)
    trials: list[tuple[Decimal, Decimal, set[Need], list[_Pick]]] = []
    for pick in picks:
        optional = {n for n in pick.needs if not n.required}
        if not optional:
            continue
        composer.dropped |= optional
        trial = composer.build()
        composer.dropped -= optional
        if _covered(trial) >= covered and composer.shortfall(trial) < short:
            trials.append((composer.shortfall(trial), _euros(composer, pick.method), optional, trial))
    if not trials:
        return None
    closing = [t for t in trials if t[0] == 0]
    chosen = min(closing, key=lambda t: t[1]) if closing else min(trials, key=lambda t: (t[0], -t[1]))
    composer.dropped |= chosen[2]
    return chosen[3]


def _fit_budget(composer: _Composer) -> None:
    """Over budget: first cheaper methods for optional needs, then optional methods left out, then cheaper
    methods for required needs, the largest saving first. A required need always stays: what is then short is
    reported by the budget comparison."""
    picks = composer.build()
    for step in ("optional swaps", "optional drops", "required swaps"):
        while composer.shortfall(picks) > 0:
            if step == "optional drops":
                changed = _drop(composer, picks)
            else:
                changed = _swap(composer, picks, required=step == "required swaps")
            if changed is None:
                break
            picks = changed


def _changes(composer: _Composer, before: dict[Need, Method], after: list[_Pick]) -> list[Phrase]:
    """What the budget changed, as the trekker should read it: methods left out, methods replaced."""
    notes: list[Phrase] = []
    kept = {p.method.id for p in after}
    said: set[str] = set()
    # A method's own need first (its level, its group), a category it reached on the side last.
    for need, old in sorted(before.items(), key=lambda item: item[0].kind is NeedKind.CATEGORY):
        if old.id in kept or old.id in said:
            continue
        said.add(old.id)
        new = _method_for(after, need)
        if need in composer.dropped or new is None:
            notes.append(Phrase.of("weggelaten.budget", werkvorm=old.name,
                                   bespaart=round_half_up(_euros(composer, old))))
        elif _euros(composer, new) < _euros(composer, old):
            notes.append(Phrase.of("gewisseld.budget", oud=old.name, nieuw=new.name,
                                   bespaart=round_half_up(_euros(composer, old) - _euros(composer, new))))
    return notes


def _method_for(picks: list[_Pick], need: Need) -> Method | None:
    return next((p.method for p in picks if need in p.needs), None)


def _extras(composer: _Composer) -> list[Need]:
    """Needs a fuller programme may add when it uses little of its budget, in the order they are tried: a
    second informing channel, broad listening, going out to people where they are, a second broad method of
    the other form, a deeper method, a feedback meeting. Each kind once."""
    frame = composer.frame
    present = {n.kind for n in composer.needs}
    extra: list[Need] = []
    if frame.kind is not ParticipationKind.BURGER or not frame.participates or frame.level is None:
        return extra
    if NeedKind.SECOND_CHANNEL not in present:
        extra.append(Need(NeedKind.SECOND_CHANNEL, False))
    if NeedKind.BROAD not in present:
        extra.append(Need(NeedKind.BROAD, False, level=frame.level))
    extra.append(Need(NeedKind.OUTREACH, False, level=frame.level))
    extra.append(Need(NeedKind.BROAD, False, level=frame.level, word="tweede"))
    if frame.level.rank >= Level.ADVISE.rank and NeedKind.DEEPEN not in present:
        extra.append(Need(NeedKind.DEEPEN, False, level=frame.level))
    if frame.level.rank >= Level.ADVISE.rank and NeedKind.FEEDBACK_MEETING not in present:
        extra.append(Need(NeedKind.FEEDBACK_MEETING, False))
    return extra


def _fill(composer: _Composer, catalogue: Catalogue, rules: ProgrammeRules) -> None:
    """Add optional needs while the programme uses less than the minimum share of the budget, each with the
    first candidate that fits. A method that alone would take more than half of the budget is not added
    unasked (a burgerberaad is chosen when the person names it)."""
    budget = composer.intake.budget_euros
    for need in _extras(composer):
        external, _, _ = composer.cost(composer.build())
        if budget <= 0 or external >= budget * rules.min_budget_use:
            break
        found = candidates(catalogue, need, frame=composer.frame, wanted=composer.intake.target_groups,
                           named=composer.named)
        options = tuple(m for m in found if external_euros(m, participants=composer.participants(m)) <= budget / 2)
        composer.needs = (*composer.needs, need)
        composer.options[need] = options
        composer.choice[need] = 0
        for index in range(len(options)):
            composer.choice[need] = index
            picks = composer.build()
            if composer.shortfall(picks) == 0 and _method_for(picks, need) is not None:
                break
        else:
            composer.dropped.add(need)


def _possible(composer: _Composer, catalogue: Catalogue, picks: list[_Pick]) -> list[Phrase]:
    """With an intensive programme and budget to spare: a heavy method that fits the frame and the budget but
    is not added unasked (a burgerberaad), named as a possibility with what it would cost."""
    frame, budget = composer.frame, composer.intake.budget_euros
    external, hours, _ = composer.cost(picks)
    chosen = {p.method.id for p in picks}
    need = Need(NeedKind.DEEPEN, False, level=frame.level)
    for method in candidates(catalogue, need, frame=frame, wanted=composer.intake.target_groups):
        n = composer.participants(method)
        if method.id in chosen or external_euros(method, participants=n) <= budget / 2:
            continue
        fits_euros = external + external_euros(method, participants=n) <= budget
        fits_hours = hours + method_hours(method, n) <= composer.intake.budget_hours
        if fits_euros and fits_hours:
            return [Phrase.of("programma.mogelijk", werkvorm=method.name,
                              kosten=round_half_up(_euros(composer, method)))]
    return []


def _ample(composer: _Composer, rules: ProgrammeRules, tier: Tier) -> Phrase | None:
    """The sentence for a budget that is much larger than the programme needs, or None."""
    budget = composer.intake.budget_euros
    external, _, _ = composer.cost(composer.build())
    if budget <= 0 or external >= budget * rules.min_budget_use or not composer.frame.participates:
        return None
    share = round_half_up(external / budget * 100, 0)
    why = Phrase.of("budget.ruim_licht") if tier is Tier.LIGHT else Phrase.of("budget.ruim_vol")
    return Phrase.of("budget.ruim", extern=round_half_up(external), budget=round_half_up(budget),
                     aandeel=int(share), waarom=why)


# --- the sentences of each choice ---------------------------------------------------------------------------


def _reason(need: Need, method: Method) -> Phrase:
    name = method.name
    kind = need.kind
    if kind is NeedKind.INFORM:
        return Phrase.of("werkvorm.informeren", werkvorm=name)
    if kind is NeedKind.SECOND_CHANNEL:
        return Phrase.of("werkvorm.tweede_kanaal", werkvorm=name, vorm=method.mode.value)
    if kind is NeedKind.LEVEL:
        return Phrase.of("werkvorm.niveau", werkvorm=name, niveau=need.level.value if need.level else "",
                         diepte=method.depth.value if method.depth else "")
    if kind is NeedKind.PREPARE:
        return Phrase.of("werkvorm.voorbereiden_besluit", werkvorm=name)
    if kind is NeedKind.BROAD and need.word:
        return Phrase.of("werkvorm.breed_andere_vorm", werkvorm=name, vorm=method.mode.value)
    if kind is NeedKind.BROAD:
        return Phrase.of("werkvorm.breed", werkvorm=name)
    if kind is NeedKind.DEEPEN:
        return Phrase.of("werkvorm.verdieping", werkvorm=name)
    if kind is NeedKind.RUNG:
        return Phrase.of("werkvorm.rol", werkvorm=name, rol=need.rung.value if need.rung else "")
    if kind is NeedKind.ASK:
        return Phrase.of("werkvorm.vraag", werkvorm=name, vraag=need.ask.value if need.ask else "")
    if kind is NeedKind.SURROUNDINGS:
        return Phrase.of("werkvorm.omgeving", werkvorm=name)
    if kind is NeedKind.CHALLENGE:
        return Phrase.of("werkvorm.uitdaagrecht", werkvorm=name)
    if kind is NeedKind.TARGET_GROUP:
        return Phrase.of("werkvorm.doelgroep", werkvorm=name, groep=need.group.value if need.group else "",
                         gemaakt_voor=need.group in method.made_for)
    if kind is NeedKind.CATEGORY:
        return Phrase.of("werkvorm.categorie", werkvorm=name, categorie=need.category or "")
    if kind is NeedKind.PARTIES:
        return Phrase.of("werkvorm.partijen", werkvorm=name, partijen=need.parties)
    if kind is NeedKind.MENTIONED:
        return Phrase.of("werkvorm.genoemd", werkvorm=name, woord=need.word)
    if kind is NeedKind.FEEDBACK_MEETING:
        return Phrase.of("werkvorm.terugkoppelen_bijeenkomst", werkvorm=name)
    if kind is NeedKind.OUTREACH:
        return Phrase.of("werkvorm.naar_mensen_toe", werkvorm=name)
    return Phrase.of("werkvorm.terugkoppelen", werkvorm=name)


def _purposes(needs: Iterable[Need], method: Method) -> tuple[Phrase, ...]:
    """What a method is for, short, one phrase per kind of need (target groups, categories and asks merged)."""
    found: list[Phrase] = []
    needs = list(needs)
    groups = tuple(n.group.value for n in needs if n.kind is NeedKind.TARGET_GROUP and n.group)
    categories = tuple(n.category for n in needs if n.kind is NeedKind.CATEGORY and n.category)
    asks = tuple(n.ask.value for n in needs if n.kind is NeedKind.ASK and n.ask)
    depth = method.depth.value if method.depth is not None else ""
    simple = {NeedKind.INFORM: "doel.informeren", NeedKind.SECOND_CHANNEL: "doel.informeren",
              NeedKind.PREPARE: "doel.voorbereiden_besluit", NeedKind.BROAD: "doel.breed",
              NeedKind.DEEPEN: "doel.verdieping", NeedKind.SURROUNDINGS: "doel.omgeving",
              NeedKind.CHALLENGE: "doel.uitdaagrecht", NeedKind.FEEDBACK: "doel.terugkoppelen",
              NeedKind.FEEDBACK_MEETING: "doel.terugkoppelen"}
    said: set[str] = set()

    def add(phrase: Phrase) -> None:
        if phrase.key not in said:
            said.add(phrase.key)
            found.append(phrase)

    for need in needs:
        kind = need.kind
        if kind is NeedKind.TARGET_GROUP:
            add(Phrase.of("doel.doelgroep", groepen=groups))
        elif kind is NeedKind.CATEGORY:
            if all(n.kind is NeedKind.CATEGORY for n in needs):
                add(Phrase.of("doel.categorie", categorieen=categories))
        elif kind is NeedKind.LEVEL or (kind is NeedKind.MENTIONED and Role.PARTICIPATE in method.roles
                                        and len(needs) == 1):
            add(Phrase.of("doel.niveau", diepte=depth))
        elif kind is NeedKind.MENTIONED:
            if len(needs) == 1:
                add(Phrase.of("doel.terugkoppelen" if Role.FEEDBACK in method.roles else "doel.informeren"))
        elif kind is NeedKind.OUTREACH:
            add(Phrase.of("doel.naar_mensen_toe"))
        elif kind is NeedKind.RUNG:
            add(Phrase.of("doel.rol", rol=need.rung.value if need.rung else ""))
        elif kind is NeedKind.ASK:
            add(Phrase.of("doel.vraag", vragen=asks))
        elif kind is NeedKind.PARTIES:
            add(Phrase.of("doel.partijen", partijen=need.parties))
        else:
            add(Phrase.of(simple[kind]))
    return tuple(found)


# --- the entry point ------------------------------------------------------------------------------------


def compose(catalogue: Catalogue, intake: Intake, *, level: Level | None, rung: RobRung | None, challenge: bool,
            reach: int, rate: Decimal, rules: ProgrammeRules, categories: tuple[str, ...] = (),
            parties: tuple[str, ...] = ()) -> Programme:
    tier, tier_reason = tier_for(intake, rules)
    frame = Frame(kind=intake.participation_kind, level=level, rung=rung, scale=intake.scale, reach=reach, tier=tier)
    named = mentioned(catalogue, intake)
    needs = plan_needs(intake, frame=frame, challenge=challenge, categories=categories, parties=parties, named=named)
    composer = _Composer(catalogue, intake, frame, needs, rate=rate, parties=parties,
                         named=frozenset(m.id for m, _ in named))
    before = {n: p.method for p in composer.build() for n in p.needs}
    _fit_budget(composer)
    notes = _changes(composer, before, composer.build())
    if tier is not Tier.LIGHT:
        _fill(composer, catalogue, rules)
    ample = _ample(composer, rules, tier)
    picks = composer.build()
    if ample is not None and tier is Tier.INTENSIVE:
        notes += _possible(composer, catalogue, picks)
    order = {need: index for index, need in enumerate(composer.needs)}
    picks.sort(key=lambda p: min(order[n] for n in p.needs))
    methods = []
    for pick in picks:
        needs_here = sorted(pick.needs, key=lambda n: order[n])
        # A category reached "on the side" is no reason of its own; it is when the method is there only for it.
        said = [n for n in needs_here if n.kind is not NeedKind.CATEGORY] or needs_here
        why = Why(covers=tuple(n.label for n in needs_here),
                  needs=tuple(dict.fromkeys(n.kind.value for n in needs_here)),
                  reasons=tuple(_reason(n, pick.method) for n in said),
                  purposes=_purposes(needs_here, pick.method))
        methods.append((pick.method, composer.participants(pick.method), why))
    for method, word in named:
        problem = _why_not(method, frame)
        # A named way of taking part that does not fit is explained; a channel or a method of the other kind
        # of participation that a word happens to match is not worth a sentence.
        if problem is not None and Role.PARTICIPATE in method.roles and method.serves_kind(frame.kind):
            notes.append(Phrase.of("genoemd.past_niet", werkvorm=method.name, woord=word, waarom=problem))
    uncovered = tuple(n for n in composer.needs if n.required and not composer.options[n])
    for need in uncovered:
        notes.append(Phrase.of("programma.geen.werkvorm", behoefte=need.label, schaal=intake.scale.value))
    return Programme(methods=tuple(methods), tier=tier, tier_reason=tier_reason, notes=tuple(notes),
                     uncovered=uncovered, ample=ample)
