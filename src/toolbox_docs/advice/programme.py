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
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from toolbox_docs.advice.budget import Why, external_euros, labour_euros, method_hours
from toolbox_docs.advice.catalogue import Catalogue, Depth, Method, Mode, Role
from toolbox_docs.advice.model import Tier
from toolbox_docs.advice.phrases import Phrase
from toolbox_docs.advice.rules import ProgrammeRules, Step
from toolbox_docs.formatting import round_half_up
from toolbox_docs.forms.records import Intake
from toolbox_docs.forms.vocab import InitiativeAsk, Level, ParticipationKind, RobRung, Scale, TargetGroup


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


# Needs that only a method of their own satisfies: a method chosen for another need does not count.
DISTINCT = {NeedKind.SECOND_CHANNEL, NeedKind.BROAD, NeedKind.DEEPEN, NeedKind.FEEDBACK_MEETING}
# Where the people take part: the planning spreads these over the participation period.
TAKING_PART = {NeedKind.LEVEL, NeedKind.PREPARE, NeedKind.BROAD, NeedKind.DEEPEN, NeedKind.RUNG, NeedKind.ASK,
               NeedKind.SURROUNDINGS, NeedKind.CHALLENGE, NeedKind.TARGET_GROUP, NeedKind.PARTIES,
               NeedKind.MENTIONED}
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
        return self.kind is ParticipationKind.OVERHEID or (self.level is not None and self.level is not Level.INFORM)


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
    # A light programme is explained by what is small; a fuller one by what made it fuller.
    if tier is Tier.LIGHT:
        said = tuple(p for points, p in parts if points == 0 and p.key != "programma.reden.budget")
    else:
        said = tuple(p for points, p in parts if points > 0)
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
        return frame.rung is not None and frame.rung in method.rungs
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
    needs = [Need(NeedKind.INFORM, True)]
    if fuller and frame.participates and frame.kind is ParticipationKind.BURGER:
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
            needs.append(Need(NeedKind.RUNG, True, rung=frame.rung))
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
        return Role.INFORM in method.roles
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
                and any(lv in method.levels for lv in (Level.COPRODUCE, Level.CODECIDE)))
    if kind is NeedKind.BROAD:
        return (_takes_part(method, frame) and method.depth is Depth.SOUND and method.group_max >= BROAD_FROM)
    if kind is NeedKind.DEEPEN:
        return _takes_part(method, frame) and method.depth in DEEP and not method.personal
    if kind is NeedKind.RUNG:
        return (Role.PARTICIPATE in method.roles and need.rung in method.rungs and not method.challenge_right
                and method.depth in (Depth.SUPPORT, Depth.DIALOGUE))
    if kind is NeedKind.ASK:
        return need.ask in method.asks
    if kind is NeedKind.SURROUNDINGS:
        return (_takes_part(method, frame) and method.depth is Depth.DIALOGUE and not method.personal
                and method.reaches_category("inwoners"))
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


def candidates(catalogue: Catalogue, need: Need, *, frame: Frame, wanted: tuple[TargetGroup, ...]
               ) -> tuple[Method, ...]:
    """Every method that serves ``need`` and fits the scale and the group, best first."""
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
        stretch = 0
        if need.level is not None and method.levels:
            stretch = abs(need.level.rank - min(lv.rank for lv in method.levels))
        elif need.rung is not None and method.rungs:
            stretch = need.rung.rank - min(r.rank for r in method.rungs)
        cheap = 0
        if need.kind is NeedKind.SURROUNDINGS:
            cheap = int(method_hours(method, 0))
        # A second, deeper method: working it out together before another conversation.
        deeper = -method.depth.rank if need.kind is NeedKind.DEEPEN and method.depth is not None else 0
        return made_for, pure, general, broad, deeper, -served, stretch, cheap, catalogue.position(method)

    return tuple(sorted(fitting, key=rank))


# --- composing and fitting the budget --------------------------------------------------------------------


@dataclass
class _Pick:
    """A method in the programme and the needs it was picked for."""

    method: Method
    needs: list[Need] = field(default_factory=list)


class _Composer:
    def __init__(self, catalogue: Catalogue, intake: Intake, frame: Frame, needs: tuple[Need, ...], *,
                 rate: Decimal, parties: tuple[str, ...]) -> None:
        self.intake, self.frame, self.rate, self.parties = intake, frame, rate, parties
        self.needs = needs
        self.options = {n: candidates(catalogue, n, frame=frame, wanted=intake.target_groups) for n in needs}
        self.choice = {n: 0 for n in needs}
        self.dropped: set[Need] = set()

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
                meeting = next((p for p in picks if serves(p.method, need, self.frame)
                                and p.method in options), None)
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
            if need.kind is NeedKind.BROAD and self.frame.level is Level.CONSULT:
                main = {p.method.mode for p in picks if any(n.kind is NeedKind.LEVEL for n in p.needs)}
                options = [m for m in options if m.mode not in main]
        index = min(self.choice[need], len(options) - 1) if options else 0
        return options[index] if options else None

    def cost(self, picks: list[_Pick]) -> tuple[Decimal, Decimal, Decimal]:
        """(external euros, hours, labour euros)."""
        external = hours = labour = Decimal(0)
        for pick in picks:
            n = self.participants(pick.method)
            external += external_euros(pick.method, participants=n)
            hours += method_hours(pick.method, n)
            labour += labour_euros(pick.method, rate=self.rate, participants=n)
        return external, hours, labour

    def shortfall(self, picks: list[_Pick]) -> Decimal:
        external, hours, _ = self.cost(picks)
        return (max(external - self.intake.budget_euros, Decimal(0))
                + max(hours - self.intake.budget_hours, Decimal(0)) * self.rate)

    def total(self, picks: list[_Pick]) -> Decimal:
        external, _, labour = self.cost(picks)
        return external + labour


def _euros(composer: _Composer, method: Method) -> Decimal:
    n = composer.participants(method)
    return external_euros(method, participants=n) + labour_euros(method, rate=composer.rate, participants=n)


def _fit_budget(composer: _Composer) -> list[Phrase]:
    """Optional methods go first, then cheaper methods for required needs; a required need always stays."""
    notes: list[Phrase] = []
    picks = composer.build()
    # 1. Optional methods: drop the cheapest one that closes the gap on its own, else the dearest, and again.
    while composer.shortfall(picks) > 0:
        optional = [p for p in picks if all(not n.required for n in p.needs)]
        if not optional:
            break
        closing = [p for p in optional if composer.shortfall([q for q in picks if q is not p]) == 0]
        victim = (min(closing, key=lambda p: _euros(composer, p.method)) if closing
                  else max(optional, key=lambda p: _euros(composer, p.method)))
        composer.dropped.update(victim.needs)
        notes.append(Phrase.of("weggelaten.budget", werkvorm=victim.method.name,
                               bespaart=round_half_up(_euros(composer, victim.method))))
        picks = composer.build()
    # 2. Required needs: the swap to a cheaper method that saves most, while it still serves the need.
    while composer.shortfall(picks) > 0:
        short, total = composer.shortfall(picks), composer.total(picks)
        best: tuple[Decimal, Need, int, Method | None, Method | None] | None = None
        for need in composer.needs:
            if need in composer.dropped or not composer.options[need]:
                continue
            before = composer.choice[need]
            for index in range(before + 1, len(composer.options[need])):
                composer.choice[need] = index
                trial = composer.build()
                saving = total - composer.total(trial)
                if composer.shortfall(trial) < short and saving > 0 and (best is None or saving > best[0]):
                    best = (saving, need, index, _method_for(picks, need), _method_for(trial, need))
            composer.choice[need] = before
        if best is None:
            break
        saving, need, index, old, new = best
        composer.choice[need] = index
        picks = composer.build()
        if old is not None and new is not None and old.id != new.id:
            notes.append(Phrase.of("gewisseld.budget", oud=old.name, nieuw=new.name, bespaart=round_half_up(saving)))
    return notes


def _method_for(picks: list[_Pick], need: Need) -> Method | None:
    return next((p.method for p in picks if need in p.needs), None)


def _extras(composer: _Composer, catalogue: Catalogue) -> list[Need]:
    """Needs a fuller programme may add when it uses little of its budget, in the order they are tried."""
    frame = composer.frame
    present = {n.kind for n in composer.needs}
    extra: list[Need] = []
    if frame.kind is ParticipationKind.BURGER and frame.participates:
        if NeedKind.SECOND_CHANNEL not in present:
            extra.append(Need(NeedKind.SECOND_CHANNEL, False))
        if NeedKind.BROAD not in present and frame.level is not None:
            extra.append(Need(NeedKind.BROAD, False, level=frame.level))
        if frame.level is not None and frame.level.rank >= Level.ADVISE.rank:
            extra.append(Need(NeedKind.DEEPEN, False, level=frame.level))
            if NeedKind.FEEDBACK_MEETING not in present:
                extra.append(Need(NeedKind.FEEDBACK_MEETING, False))
    return extra


def _fill(composer: _Composer, catalogue: Catalogue, rules: ProgrammeRules) -> bool:
    """Add optional needs while the programme uses less than the minimum share and the method fits.
    Returns whether something was added."""
    added = False
    budget = composer.intake.budget_euros
    for need in _extras(composer, catalogue):
        picks = composer.build()
        external, _, _ = composer.cost(picks)
        if budget <= 0 or external >= budget * rules.min_budget_use:
            break
        composer.needs = (*composer.needs, need)
        composer.options[need] = candidates(catalogue, need, frame=composer.frame, wanted=composer.intake.target_groups)
        composer.choice[need] = 0
        # Try the candidates in order until one fits the budget; none: the need is left out.
        for index in range(len(composer.options[need])):
            composer.choice[need] = index
            if composer.shortfall(composer.build()) == 0:
                added = True
                break
        else:
            composer.dropped.add(need)
    return added


def _ample(composer: _Composer, rules: ProgrammeRules, tier: Tier) -> Phrase | None:
    """The sentence for a budget that is much larger than the programme needs, or None."""
    budget = composer.intake.budget_euros
    external, _, _ = composer.cost(composer.build())
    if budget <= 0 or external >= budget * rules.min_budget_use:
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
        elif kind is NeedKind.LEVEL or (kind is NeedKind.MENTIONED and Role.PARTICIPATE in method.roles):
            add(Phrase.of("doel.niveau", diepte=depth))
        elif kind is NeedKind.MENTIONED:
            add(Phrase.of("doel.terugkoppelen" if Role.FEEDBACK in method.roles else "doel.informeren"))
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
    composer = _Composer(catalogue, intake, frame, needs, rate=rate, parties=parties)
    notes = _fit_budget(composer)
    if tier is not Tier.LIGHT:
        _fill(composer, catalogue, rules)
    ample = _ample(composer, rules, tier)
    picks = composer.build()
    order = {need: index for index, need in enumerate(composer.needs)}
    picks.sort(key=lambda p: min(order[n] for n in p.needs))
    methods = []
    for pick in picks:
        needs_here = sorted(pick.needs, key=lambda n: order[n])
        # A category reached "on the side" is no reason of its own; it is when the method is there only for it.
        said = [n for n in needs_here if n.kind is not NeedKind.CATEGORY] or needs_here
        why = Why(covers=tuple(n.label for n in needs_here), needs=tuple(dict.fromkeys(n.kind.value for n in needs_here)),
                  reasons=tuple(_reason(n, pick.method) for n in said),
                  purposes=_purposes(needs_here, pick.method))
        methods.append((pick.method, composer.participants(pick.method), why))
    for method, word in named:
        problem = _why_not(method, frame)
        if problem is not None:
            notes.append(Phrase.of("genoemd.past_niet", werkvorm=method.name, woord=word, waarom=problem))
    uncovered = tuple(n for n in composer.needs if n.required and not composer.options[n])
    for need in uncovered:
        notes.append(Phrase.of("programma.geen.werkvorm", behoefte=need.label, schaal=intake.scale.value))
    return Programme(methods=tuple(methods), tier=tier, tier_reason=tier_reason, notes=tuple(notes),
                     uncovered=uncovered, ample=ample)
