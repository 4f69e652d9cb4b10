"""The sentences of the advice, by key: the advice says *what* it means, the wording says it in Dutch.

The advice is a pure record and holds no Dutch prose of its own. Where it explains something (why this
level, why this method, what to watch out for) it holds a ``Phrase``: a key from ``KEYS`` and the values
that sentence needs. The sentences themselves live in ``templates/teksten/zinnen.toml``, one small
Jinja2 template per key, so a participation advisor can change any sentence without a programmer.
``documents/phrasebook.py`` loads that file and checks it against ``KEYS``: every key has a sentence,
and every sentence uses only the values its key gives.

A value is text, a number, an amount, a date, a yes/no, a list of texts, or another phrase (or a list of
phrases): the sentence of a nested phrase is made first, so a sentence can be built from parts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Union

Value = Union[str, int, bool, Decimal, dt.date, None, "Phrase", tuple[Union[str, "Phrase"], ...]]


@dataclass(frozen=True)
class Phrase:
    """One sentence (or part of one) of the advice: a key of ``KEYS`` and its values, sorted by name."""

    key: str
    values: tuple[tuple[str, Value], ...] = ()

    @classmethod
    def of(cls, key: str, **values: Value) -> Phrase:
        expected = KEYS.get(key)
        if expected is None:
            raise KeyError(f"unknown phrase key {key!r}")
        if set(values) != set(expected):
            raise TypeError(f"phrase {key!r} takes {sorted(expected)}, got {sorted(values)}")
        return cls(key, tuple(sorted(values.items())))

    def get(self, name: str) -> Value:
        for key, value in self.values:
            if key == name:
                return value
        raise KeyError(name)

    def as_dict(self) -> dict[str, Value]:
        return dict(self.values)


def _keys(*entries: tuple[str, tuple[str, ...]]) -> dict[str, frozenset[str]]:
    found: dict[str, frozenset[str]] = {}
    for key, names in entries:
        if key in found:
            raise ValueError(f"phrase key {key!r} declared twice")
        found[key] = frozenset(names)
    return found


# Every phrase the advice can say, with the names of its values. Group prefixes follow the sections of
# zinnen.toml: [niveau], [rol], [programma], [werkvorm], [budget], [planning], [partij], [let_op], [checklist].
KEYS: dict[str, frozenset[str]] = _keys(
    # --- the level on the participatieladder: arguments, not points ---------------------------------------
    ("niveau.impact", ("impact",)),
    ("niveau.gevoeligheid", ("gevoeligheid",)),
    ("niveau.schaal", ("schaal",)),
    ("niveau.belang", ("aantal", "totaal")),
    ("niveau.argumenten", ("delen", "nodig")),
    ("niveau.geen_argumenten", ()),
    ("niveau.ruimte", ("ruimte", "hoogste", "overdragen")),
    ("niveau.besluit", ("niveau", "nodig", "hoogste")),
    # --- the role of the municipality (ROB) and the uitdaagrecht ----------------------------------------
    ("rol.vraagt", ("vragen",)),
    ("rol.vraagt_niets", ()),
    ("rol.belang", ("belang",)),
    ("rol.risico", ("risico",)),
    ("rol.combinatie", ("delen", "rol")),
    ("rol.minimum", ("reden", "rol")),
    ("rol.lichter", ("delen",)),
    ("rol.regels", ()),
    ("rol.uitdaagrecht", ("taak",)),
    ("rol.besluit", ("rol",)),
    # --- the programme: its size and the choices in it -----------------------------------------------------
    ("programma.licht", ("redenen",)),
    ("programma.gemiddeld", ("redenen",)),
    ("programma.intensief", ("redenen",)),
    ("programma.reden.impact", ("impact",)),
    ("programma.reden.gevoeligheid", ("gevoeligheid",)),
    ("programma.reden.schaal", ("schaal",)),
    ("programma.reden.duur", ("weken",)),
    ("programma.reden.budget", ("budget",)),
    ("programma.reden.publiek_belang", ("belang",)),
    ("werkvorm.informeren", ("werkvorm",)),
    ("werkvorm.tweede_kanaal", ("werkvorm", "vorm")),
    ("werkvorm.niveau", ("werkvorm", "niveau", "diepte")),
    ("werkvorm.voorbereiden_besluit", ("werkvorm",)),
    ("werkvorm.breed", ("werkvorm",)),
    ("werkvorm.verdieping", ("werkvorm",)),
    ("werkvorm.naar_mensen_toe", ("werkvorm",)),
    ("werkvorm.breed_andere_vorm", ("werkvorm", "vorm")),
    ("werkvorm.rol", ("werkvorm", "rol")),
    ("werkvorm.vraag", ("werkvorm", "vraag")),
    ("werkvorm.omgeving", ("werkvorm",)),
    ("werkvorm.uitdaagrecht", ("werkvorm",)),
    ("werkvorm.doelgroep", ("werkvorm", "groep", "gemaakt_voor")),
    ("werkvorm.categorie", ("werkvorm", "categorie")),
    ("werkvorm.partijen", ("werkvorm", "partijen")),
    ("werkvorm.genoemd", ("werkvorm", "woord")),
    ("werkvorm.terugkoppelen", ("werkvorm",)),
    ("werkvorm.terugkoppelen_bijeenkomst", ("werkvorm",)),
    ("doel.informeren", ()),
    ("doel.niveau", ("diepte",)),
    ("doel.voorbereiden_besluit", ()),
    ("doel.breed", ()),
    ("doel.verdieping", ()),
    ("doel.naar_mensen_toe", ()),
    ("doel.rol", ("rol",)),
    ("doel.vraag", ("vragen",)),
    ("doel.omgeving", ()),
    ("doel.uitdaagrecht", ()),
    ("doel.doelgroep", ("groepen",)),
    ("doel.categorie", ("categorieen",)),
    ("doel.partijen", ("partijen",)),
    ("doel.terugkoppelen", ()),
    ("weggelaten.budget", ("werkvorm", "bespaart")),
    ("gewisseld.budget", ("oud", "nieuw", "bespaart")),
    ("genoemd.past_niet", ("werkvorm", "woord", "waarom")),
    ("genoemd.waarom.soort", ("soort",)),
    ("genoemd.waarom.niveau", ("niveaus", "niveau")),
    ("genoemd.waarom.schaal", ("schalen", "schaal")),
    ("genoemd.waarom.rol", ("rol",)),
    ("genoemd.waarom.intensiteit", ()),
    ("programma.geen.werkvorm", ("behoefte", "schaal")),
    ("programma.mogelijk", ("werkvorm", "kosten")),
    # --- the planning ------------------------------------------------------------------------------------
    ("planning.voorbereiding", ()),
    ("planning.start", ()),
    ("planning.informeren", ("werkvorm",)),
    ("planning.doorlopend", ("werkvorm",)),
    ("planning.periode", ("werkvorm",)),
    ("planning.bijeenkomst", ("werkvorm", "nummer", "aantal")),
    ("planning.activiteit", ("werkvorm",)),
    ("planning.uitnodigen", ("werkvorm",)),
    ("planning.einde", ()),
    ("planning.afwegen", ("orgaan",)),
    ("planning.besluit", ("orgaan",)),
    ("planning.terugkoppelen", ("werkvorm",)),
    ("planning.evaluatie", ()),
    ("planning.herinnering", ("soort",)),
    ("planning.uitdaagrecht.ontvangst", ()),
    ("planning.uitdaagrecht.bevestigen", ()),
    ("planning.uitdaagrecht.toets", ()),
    ("planning.uitdaagrecht.besluit", ()),
    ("planning.uitdaagrecht.afspraken", ()),
    # --- the budget --------------------------------------------------------------------------------------
    ("budget.past", ("extern", "budget", "uren", "beschikbaar")),
    ("budget.tekort", ("tekort_euro", "extern", "budget", "tekort_uren", "uren", "beschikbaar")),
    ("budget.ruim", ("extern", "budget", "aandeel", "waarom")),
    ("budget.ruim_licht", ()),
    ("budget.ruim_vol", ()),
    # --- stakeholders ------------------------------------------------------------------------------------
    ("partij.aanpak", ("kwadrant", "standpunt", "rol")),
    ("partij.tegen_met_invloed", ("naam",)),
    ("partij.niet_bereikt", ("naam", "categorie")),
    # --- points for the trekker (the plan's Aandachtspunten, never the proposal) ------------------------
    ("let_op.invloed_boven_ruimte", ("nodig", "hoogste", "impact", "gevoeligheid", "ruimte")),
    ("let_op.meebeslissen_niet_overgedragen", ()),
    ("let_op.geen_participatie_grote_impact", ()),
    ("let_op.te_laat_in_beleid", ("fase", "niveau")),
    ("let_op.te_weinig_weken_voor_besluit", ("start", "besluit", "niveau", "weken", "uitnodigen")),
    ("let_op.te_weinig_tijd_verwerking", ("weken",)),
    ("let_op.besluit_voor_einde", ("besluit", "einde")),
    ("let_op.planning_te_krap", ("weken", "werkvorm", "uitnodigen")),
    ("let_op.geen_terugkoppeling", ()),
    ("let_op.inbreng_onduidelijk", ()),
    ("let_op.ruimte_onduidelijk", ()),
    ("let_op.geen_uitleg_alleen_informeren", ()),
    ("let_op.budget_tekort_euro", ("tekort", "extern")),
    ("let_op.budget_tekort_uren", ("tekort", "uren")),
    ("let_op.tegenstander_met_invloed", ("partijen",)),
    ("let_op.belanghebbenden_ontbreken", ()),
    ("let_op.categorie_niet_bereikt", ("categorieen",)),
    ("let_op.doelgroep_niet_bereikt", ("groep",)),
    ("let_op.geen_werkvorm_voor_niveau", ("behoefte", "schaal")),
    ("let_op.uitdaagrecht_datum", ()),
    ("let_op.uitdaagrecht_termijn", ("besluit", "weken", "uiterlijk")),
    ("let_op.initiatief_bedrag", ()),
    # --- the checklist: why a point does not apply ------------------------------------------------------
    ("nvt.geen_inbreng", ()),
    ("nvt.geen_tegenstanders", ()),
    ("nvt.niet_voor_initiatief", ()),
    ("nvt.alleen_uitdaagrecht", ()),
)
