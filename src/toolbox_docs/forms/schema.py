"""The one schema of the intake and evaluation forms.

Every field is declared here once, with its id, Dutch label and help text, type, whether it is
required, its allowed values (an enum or a settings list) and the conditions under which it applies.
The workbook writer, the readers, the validator, the records and the field reference are all driven
by these declarations; nothing about a field is written anywhere else.

Field ids are English lowercase snake_case words that are valid Excel defined names and can never be
mistaken for a cell reference (no letters-then-digits like ``ab12``, no R1C1 forms);
``tests/test_schema.py`` checks this. The records in ``records.py`` use the same ids as attribute names.

Template versions
-----------------
Every change to a form's fields (or table columns, or rules) makes a new *template version* of that form:
``TEMPLATE_VERSIONS`` gives the current one, and the marker sheet of every workbook carries the version
it was made with. Nothing written here is ever deleted: each field, column and rule says in which
version it appeared (``since``) and, once it is gone or redeclared, the first version without it
(``until``). ``schema_for(kind, version)`` is the form as it was at that version, so a workbook of any
released version is read with exactly the fields it has and validated against its own version's rules;
``migrations.py`` then upgrades its values, one declared step per version, to the current record.
``tests/data/`` keeps one filled workbook of every released version and proves each still gives the
same record and advice as the same answers typed into today's template.

What a developer does (and never more):

- **Add an optional field** (or table column): declare it with ``since=N`` where N is the current version
  plus one; set ``TEMPLATE_VERSIONS[kind] = N``; add the attribute to the record in ``records.py`` as
  ``... | None``. No migration: in older workbooks the field is absent and reads as empty. Run
  ``python tests/data/make_form_fixtures.py`` to add the version-N fixture, and write its answers
  (see ``tests/data/README.md``).
- **Add a required field**: as above, and add a ``Migration`` for step N in ``migrations.py`` that gives
  older workbooks a value (derived from other fields, or a declared default). If no honest value exists,
  make the field required only from N on and its record attribute ``... | None``, and let the consumers
  handle "unknown".
- **Rename, retype or remove a field** (a breaking change): keep the old declaration and give it
  ``until=N``; declare the new one with ``since=N``; bump the version; write the ``Migration`` for step N
  that moves the old value to the new field (``tests/test_schema.py`` fails while a removed or redeclared
  field has no migration step). A table column whose header text changes is a rename: the readers find
  columns by their header.
- **Change a rule**: give the old rule ``until=N`` and the new one ``since=N`` (and bump), so older workbooks
  keep the rules they were filled in under.
- Help texts, and labels of named fields, may change without a version: the readers find fields by their
  defined names, never by label.
"""

from __future__ import annotations

import builtins
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import KW_ONLY, dataclass, replace
from enum import Enum, StrEnum
from typing import Any

from toolbox_docs import vocab
from toolbox_docs.formatting import dutch_list
from toolbox_docs.vocab import (
    CRITERION_KEYS,
    CRITERION_QUESTIONS,
    INITIATIVE_ASK_KEYS,
    TARGET_GROUP_KEYS,
    Choice,
    ParticipationKind,
    PolicyPhase,
    Score,
)

INTAKE = "intake"
EVALUATION = "evaluatie"
KINDS = (INTAKE, EVALUATION)

# The current template version of each form: bump it for every change to its fields, columns or rules (see
# the module docstring); older versions stay readable through their declarations and ``migrations.py``.
TEMPLATE_VERSIONS: dict[str, int] = {INTAKE: 2, EVALUATION: 2}
# The oldest version still read; a workbook older than this is refused with a Dutch message.
FIRST_VERSIONS: dict[str, int] = {INTAKE: 1, EVALUATION: 1}

MARKER_SHEET = "_toolbox"
MARKER_PRODUCT = "toolbox-docs"
LISTS_SHEET = "Lijsten"
EXPLANATION_SHEET = "Uitleg"


class FieldType(StrEnum):
    TEXT = "tekst"
    LONGTEXT = "lange tekst"
    CHOICE = "keuze"
    FLAG = "ja/nee"
    DATE = "datum"
    INTEGER = "geheel getal"
    DECIMAL = "getal"
    AMOUNT = "bedrag"
    EMAIL = "e-mailadres"
    PHONE = "telefoonnummer"


TEXT_MAX = 200
LONGTEXT_MAX = 4000


@dataclass(frozen=True)
class When:
    """A condition on another field: ``field`` holds one of ``values`` (compared by enum value)."""

    field: str
    values: tuple[str, ...]
    negate: bool = False
    also: When | None = None  # and this condition too

    def holds(self, values: Mapping[str, Any]) -> bool:
        """Whether the condition holds; never when the other field is empty or invalid (unknown). A yes/no
        field is compared as "ja" or "nee"."""
        value = values.get(self.field)
        if value is None:
            return False
        text = ("ja" if value else "nee") if isinstance(value, bool) else (
            value.value if isinstance(value, Enum) else value)
        inside = text in self.values
        return (not inside if self.negate else inside) and (self.also is None or self.also.holds(values))

    def describe(self, label_of: Callable[[str], str]) -> str:
        options = dutch_list([f"'{v}'" for v in self.values], "of")
        verb = "niet" if self.negate else ""
        own = f"als '{label_of(self.field)}' {verb} {options} is".replace("  ", " ")
        return own if self.also is None else f"{own} en {self.also.describe(label_of).removeprefix('als ')}"


@dataclass(frozen=True)
class Input:
    """What a field and a table column share: an id, a Dutch label and help, a type and its limits."""

    id: str
    label: str
    help: str
    type: FieldType
    _: KW_ONLY
    required: bool = False
    choices: builtins.type[Choice] | None = None  # "builtins.": the field "type" above shadows it here
    list_name: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    suggest_list: str | None = None
    prefilled: bool = False
    since: int = 1  # the template version that introduced this declaration
    until: int | None = None  # the first template version without it (removed or redeclared); None: current

    def in_version(self, version: int) -> bool:
        return self.since <= version and (self.until is None or version < self.until)

    @property
    def list_key(self) -> str | None:
        """The name of the dropdown list this input offers (enforced or only suggested), if any."""
        if self.choices is not None:
            return re.sub(r"(?<!^)(?=[A-Z])", "_", self.choices.__name__).lower()
        if self.list_name is not None:
            return self.list_name
        if self.type is FieldType.FLAG:
            return "yes_no"
        return self.suggest_list

    def allowed(self, lists: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
        """The values a dropdown offers; empty where any value of the type is fine."""
        if self.choices is not None:
            return self.choices.values()
        if self.list_name is not None:
            return tuple(lists.get(self.list_name, ()))
        if self.type is FieldType.FLAG:
            return ("ja", "nee")
        return ()

    @property
    def max_length(self) -> int | None:
        if self.type is FieldType.LONGTEXT:
            return LONGTEXT_MAX
        if self.type in (FieldType.TEXT, FieldType.CHOICE, FieldType.EMAIL, FieldType.PHONE):
            return TEXT_MAX
        return None


@dataclass(frozen=True)
class Field(Input):
    """A single input cell on the form's main sheet, reachable by a defined name equal to its id."""

    section: str
    _: KW_ONLY
    required_when: When | None = None
    applies_when: When | None = None


@dataclass(frozen=True)
class Column(Input):
    """A column of a form's table; ``required`` means required in every row that is used."""

    _: KW_ONLY
    default: str | None = None


@dataclass(frozen=True)
class Table:
    name: str
    sheet: str
    title: str
    columns: tuple[Column, ...]
    rows: int
    max_rows: int
    record_field: str
    instruction: str = ""


class Severity(StrEnum):
    """How bad a problem is; the value is the Dutch word people read in feedback and reports. A ``fout``
    blocks the record, a ``waarschuwing`` does not."""

    ERROR = "fout"
    WARNING = "waarschuwing"


@dataclass(frozen=True)
class Rule:
    """A rule between fields. ``violated`` sees typed values (None where empty or invalid) and the used rows
    of the table (column id -> typed value), both as the rule's own template version has them."""

    code: str
    severity: Severity
    field: str
    message: str
    violated: Callable[[Mapping[str, Any], tuple[Mapping[str, Any], ...]], bool]
    _: KW_ONLY
    since: int = 1
    until: int | None = None

    def in_version(self, version: int) -> bool:
        return self.since <= version and (self.until is None or version < self.until)


@dataclass(frozen=True)
class FormSchema:
    kind: str
    version: int
    sheet: str
    title: str
    fields: tuple[Field, ...]
    table: Table
    rules: tuple[Rule, ...]

    def field(self, field_id: str) -> Field:
        return self._by_id[field_id]

    @property
    def _by_id(self) -> dict[str, Field]:
        return {f.id: f for f in self.fields}

    def label_of(self, field_id: str) -> str:
        found = {f.id: f.label for f in self.fields}.get(field_id)
        if found is not None:
            return found
        for column in self.table.columns:
            if column.id == field_id:
                return column.label
        return field_id


@dataclass(frozen=True)
class FormHistory:
    """Every declaration a form ever had (each with its ``since``/``until``); ``at`` gives one version."""

    kind: str
    sheet: str
    title: str
    fields: tuple[Field, ...]
    table: Table
    rules: tuple[Rule, ...]

    def at(self, version: int) -> FormSchema:
        return FormSchema(
            kind=self.kind,
            version=version,
            sheet=self.sheet,
            title=self.title,
            fields=tuple(f for f in self.fields if f.in_version(version)),
            table=replace(self.table, columns=tuple(c for c in self.table.columns if c.in_version(version))),
            rules=tuple(r for r in self.rules if r.in_version(version)),
        )


# --- intake -------------------------------------------------------------------------------------

_OVERHEID = When("participation_kind", (ParticipationKind.OVERHEID.value,))
_BURGER = When("participation_kind", (ParticipationKind.BURGER.value,))
_NO_INFLUENCE = When("influence_room", ("geen",))
_SOME_INFLUENCE = When("influence_room", ("geen",), negate=True)
_HAS_PROPOSAL = When("proposal_kind", ("collegevoorstel", "raadsvoorstel"))
_ASKS_MONEY = When("asks_money", ("ja",))
_CHALLENGE = When("challenge_right", ("ja",))


def _intake_fields() -> tuple[Field, ...]:
    project = "Project"
    kind = "Soort participatie"
    policy = "Beleid en besluit"
    scan = "Impactscan"
    plan = "Planning en budget"
    texts = "Toelichting"
    fields = [
        Field("project_name", "Naam project", "De naam waaronder collega's het project kennen.",
              FieldType.TEXT, project, required=True),
        Field("project_description", "Korte omschrijving",
              "Twee of drie zinnen: wat gaat er gebeuren en waar?", FieldType.LONGTEXT, project,
              required=True),
        Field("trekker_name", "Trekker (naam)", "Wie is verantwoordelijk voor de participatie?",
              FieldType.TEXT, project, required=True),
        Field("trekker_email", "E-mail trekker", "Naar dit adres gaan de herinneringen voor de evaluatie.",
              FieldType.EMAIL, project, required=True),
        Field("trekker_phone", "Telefoon trekker", "Zodat collega's je kunnen bellen (niet verplicht).",
              FieldType.PHONE, project),
        Field("team", "Team / afdeling", "Het team of de afdeling van de trekker.", FieldType.TEXT,
              project, required=True),
        Field("area", "Gebied", "Kies het gebied waar het project over gaat.", FieldType.CHOICE, project,
              required=True, list_name="areas"),
        Field("policy_field", "Beleidsveld", "Kies het beleidsveld.", FieldType.CHOICE, project,
              required=True, list_name="policy_fields"),
        Field("location", "Locatie", "Straat, plein of plek (niet verplicht).", FieldType.TEXT, project),
        Field("keywords", "Trefwoorden", "Woorden waarop collega's dit project kunnen vinden, "
              "gescheiden door komma's.", FieldType.TEXT, project),
        Field("participation_kind", "Soort participatie",
              "Burgerparticipatie: de gemeente neemt het initiatief. Overheidsparticipatie: het "
              "initiatief komt uit de samenleving.", FieldType.CHOICE, kind, required=True,
              choices=vocab.ParticipationKind),
        Field("initiator", "Initiatiefnemer", "Alleen bij overheidsparticipatie: wie heeft het "
              "initiatief genomen?", FieldType.TEXT, kind, required_when=_OVERHEID, applies_when=_OVERHEID),
    ]
    for ask, key in INITIATIVE_ASK_KEYS.items():
        fields.append(Field(f"asks_{key}", f"Initiatief vraagt: {ask.value}",
                            f"Alleen bij overheidsparticipatie: vraagt het initiatief {ask.value} van de "
                            "gemeente? Kies ja of nee.", FieldType.FLAG, kind, applies_when=_OVERHEID))
    fields += [
        Field("public_interest", "Maatschappelijk belang", "Alleen bij overheidsparticipatie: hoe groot "
              "is het belang van het initiatief voor de stad?", FieldType.CHOICE, kind,
              required_when=_OVERHEID, applies_when=_OVERHEID, choices=vocab.Magnitude),
        Field("initiative_risk", "Risico's voor de gemeente", "Alleen bij overheidsparticipatie: "
              "risico's voor veiligheid, geld of aansprakelijkheid.", FieldType.CHOICE, kind,
              required_when=_OVERHEID, applies_when=_OVERHEID, choices=vocab.Intensity),
        Field("challenge_right", "Beroep op uitdaagrecht", "Alleen bij overheidsparticipatie: willen "
              "inwoners een taak van de gemeente overnemen (uitdaagrecht)?", FieldType.FLAG, kind,
              required_when=_OVERHEID, applies_when=_OVERHEID),
        Field("initiative_request", "Wat vraagt het initiatief precies", "Alleen bij overheidsparticipatie: "
              "wat vraagt het initiatief van de gemeente? Bij het uitdaagrecht: welke taak willen zij overnemen?",
              FieldType.LONGTEXT, kind, applies_when=_OVERHEID, since=2),
        Field("initiative_amount", "Gevraagd bedrag (€)", "Alleen als het initiatief geld vraagt: om welk "
              "bedrag gaat het? Bijvoorbeeld 2.500.", FieldType.AMOUNT, kind, applies_when=_ASKS_MONEY,
              minimum=0, maximum=100_000_000, since=2),
        Field("challenge_received", "Verzoek uitdaagrecht ontvangen op", "Alleen bij een beroep op het "
              "uitdaagrecht: op welke datum kwam het verzoek binnen (dd-mm-jjjj)? Daarvanaf lopen de termijnen.",
              FieldType.DATE, kind, applies_when=_CHALLENGE, since=2),
        Field("policy_phase", "Beleidsfase", "In welke fase zit het beleid of project nu?",
              FieldType.CHOICE, policy, required=True, choices=vocab.PolicyPhase),
        Field("decision_maker", "Wie besluit", "Neemt het college of de raad het besluit?",
              FieldType.CHOICE, policy, required=True, choices=vocab.DecisionMaker),
        Field("portfolio_holder", "Portefeuillehouder", "De wethouder of burgemeester die het voorstel "
              "verdedigt (niet verplicht). Komt in de kop van het voorstel.", FieldType.TEXT, policy, since=2),
        Field("proposal_kind", "Soort voorstel", "In welk voorstel komt de participatieparagraaf?",
              FieldType.CHOICE, policy, required=True, choices=vocab.ProposalKind),
        Field("scale", "Geografische schaal", "Hoe groot is het gebied waar het over gaat?",
              FieldType.CHOICE, scan, required=True, choices=vocab.Scale),
        # Version 1 asked the impact scan of every intake; from version 2 it is the scan of burgerparticipatie:
        # an initiative gets its role from what it asks, its public interest and its risk.
        Field("influence_room", "Ruimte voor invloed", "Hoeveel kunnen inwoners nog veranderen? "
              "'geen' als het besluit al vastligt.", FieldType.CHOICE, scan, required=True,
              choices=vocab.InfluenceRoom, until=2),
        Field("impact", "Impact op inwoners en leefomgeving", "Hoeveel merken inwoners van het "
              "besluit in hun dagelijks leven?", FieldType.CHOICE, scan, required=True,
              choices=vocab.Magnitude, until=2),
        Field("sensitivity", "Tegenstrijdige belangen / gevoeligheid", "Zijn er partijen met "
              "tegengestelde belangen, of ligt het onderwerp gevoelig?", FieldType.CHOICE, scan,
              required=True, choices=vocab.Intensity, until=2),
        Field("handover_willing", "Bestuur wil besluit overdragen", "Is het bestuur bereid het besluit "
              "(binnen kaders) aan de deelnemers over te laten? Alleen dan is meebeslissen mogelijk.",
              FieldType.FLAG, scan, required=True, until=2),
        Field("influence_room", "Ruimte voor invloed", "Alleen bij burgerparticipatie: hoeveel kunnen inwoners "
              "nog veranderen? 'geen' als het besluit al vastligt.", FieldType.CHOICE, scan,
              required_when=_BURGER, applies_when=_BURGER, choices=vocab.InfluenceRoom, since=2),
        Field("impact", "Impact op inwoners en leefomgeving", "Hoeveel merken inwoners van het "
              "besluit of het initiatief in hun dagelijks leven? Verplicht bij burgerparticipatie.",
              FieldType.CHOICE, scan, required_when=_BURGER, choices=vocab.Magnitude, since=2),
        Field("sensitivity", "Tegenstrijdige belangen / gevoeligheid", "Zijn er partijen met "
              "tegengestelde belangen, of ligt het onderwerp gevoelig? Verplicht bij burgerparticipatie.",
              FieldType.CHOICE, scan, required_when=_BURGER, choices=vocab.Intensity, since=2),
        Field("handover_willing", "Bestuur wil besluit overdragen", "Alleen bij burgerparticipatie: is het "
              "bestuur bereid het besluit (binnen kaders) aan de deelnemers over te laten? Alleen dan is "
              "meebeslissen mogelijk.", FieldType.FLAG, scan, required_when=_BURGER, applies_when=_BURGER,
              since=2),
    ]
    for group, key in TARGET_GROUP_KEYS.items():
        fields.append(Field(f"target_{key}", f"Extra aandacht: {group.value}",
                            f"Vraagt de groep '{group.value}' extra aandacht om mee te kunnen doen? "
                            "Kies ja of laat leeg.", FieldType.FLAG, scan))
    fields += [
        Field("participation_start", "Start participatie", "Datum waarop de participatie begint "
              "(dd-mm-jjjj).", FieldType.DATE, plan, required=True),
        Field("participation_end", "Einde participatie", "Datum waarop de participatie eindigt "
              "(dd-mm-jjjj). Hierop zijn de herinneringen voor de evaluatie gebaseerd.", FieldType.DATE,
              plan, required=True),
        Field("decision_date", "Geplande besluitdatum", "Wanneer neemt het college of de raad het "
              "besluit (dd-mm-jjjj)?", FieldType.DATE, plan, required_when=_HAS_PROPOSAL),
        Field("budget_euros", "Budget participatie (€)", "Extern budget voor participatie in euro's, "
              "bijvoorbeeld 2.500 of 2.500,00.", FieldType.AMOUNT, plan, required=True, minimum=0,
              maximum=100_000_000),
        Field("budget_hours", "Beschikbare uren", "Interne uren die voor participatie beschikbaar zijn.",
              FieldType.DECIMAL, plan, required=True, minimum=0, maximum=100_000),
        Field("reason_goal", "Aanleiding en doel", "Waarom dit project, en wat wil je met participatie "
              "bereiken?", FieldType.LONGTEXT, texts, required=True),
        Field("fixed_frameworks", "Wat ligt vast (kaders)", "Wat staat niet meer ter discussie: wet, "
              "budget, eerdere besluiten, randvoorwaarden.", FieldType.LONGTEXT, texts, required=True),
        Field("open_to_influence", "Wat is open voor invloed", "Waarover kunnen inwoners echt "
              "meepraten of meebeslissen?", FieldType.LONGTEXT, texts, required_when=_SOME_INFLUENCE),
        Field("input_use", "Wat gebeurt er met de inbreng", "Hoe weegt de inbreng mee in het besluit?",
              FieldType.LONGTEXT, texts, required_when=_SOME_INFLUENCE),
        Field("feedback_plan", "Terugkoppeling", "Hoe en wanneer hoort iedereen wat er met de inbreng "
              "is gedaan?", FieldType.LONGTEXT, texts),
        Field("no_participation_reason", "Waarom geen participatie", "Alleen als er geen ruimte voor "
              "invloed is: leg uit waarom niet.", FieldType.LONGTEXT, texts, required_when=_NO_INFLUENCE),
    ]
    return tuple(fields)


STAKEHOLDER_TABLE = Table(
    name="Belanghebbenden",
    sheet="Belanghebbenden",
    title="Belanghebbenden (stakeholderanalyse)",
    columns=(
        Column("name", "Naam", "Naam van de partij, groep of organisatie.", FieldType.TEXT, required=True),
        Column("category", "Categorie", "Soort partij.", FieldType.CHOICE, required=True,
               list_name="categories"),
        Column("influence", "Invloed (1-5)", "Hoeveel invloed heeft deze partij op het besluit? "
               "1 = weinig, 5 = veel.", FieldType.INTEGER, required=True, minimum=1, maximum=5),
        Column("interest", "Belang (1-5)", "Hoe groot is het belang van deze partij? 1 = klein, 5 = groot.",
               FieldType.INTEGER, required=True, minimum=1, maximum=5),
        Column("position", "Standpunt", "Voor, neutraal, tegen of onbekend. Leeg telt als onbekend.",
               FieldType.CHOICE, choices=vocab.Position, default="onbekend"),
        Column("contact", "Contact", "Contactpersoon of e-mailadres (niet verplicht).", FieldType.TEXT),
    ),
    rows=50,
    max_rows=500,
    record_field="stakeholders",
    instruction="Eén regel per partij.",
)


def _early_phase(values: Mapping[str, Any]) -> bool:
    phase = values.get("policy_phase")
    return phase in (PolicyPhase.AGENDA, PolicyPhase.PREPARATION, PolicyPhase.DECISION)


def _both(values: Mapping[str, Any], a: str, b: str) -> bool:
    return values.get(a) is not None and values.get(b) is not None


INTAKE_RULES: tuple[Rule, ...] = (
    Rule("end-before-start", Severity.ERROR, "participation_end",
         "Het einde van de participatie ligt vóór de start. Controleer beide datums.",
         lambda v, _: _both(v, "participation_start", "participation_end")
         and v["participation_end"] < v["participation_start"]),
    Rule("decision-before-participation-end", Severity.ERROR, "decision_date",
         "De besluitdatum ligt niet ná het einde van de participatie. Dan kan de inbreng het besluit niet "
         "meer beïnvloeden: plan het besluit later of laat de participatie eerder eindigen.",
         lambda v, _: _both(v, "decision_date", "participation_end") and _early_phase(v)
         and v["decision_date"] <= v["participation_end"]),
    Rule("no-stakeholders", Severity.ERROR, "stakeholders",
         "Er is ruimte voor invloed, maar er staan geen belanghebbenden in de tabel. Vul op het blad "
         "'Belanghebbenden' minstens één partij in.",
         lambda v, rows: v.get("influence_room") is not None
         and v["influence_room"].value != "geen" and not rows),
    Rule("proposal-decider-mismatch", Severity.WARNING, "proposal_kind",
         "De raad besluit, maar het voorstel is een collegevoorstel (of andersom). Controleer 'Wie besluit' "
         "en 'Soort voorstel'.",
         lambda v, _: _both(v, "decision_maker", "proposal_kind")
         and (v["decision_maker"].value, v["proposal_kind"].value)
         in (("raad", "collegevoorstel"), ("college", "raadsvoorstel"))),
    Rule("duplicate-stakeholder", Severity.WARNING, "stakeholders",
         "Dezelfde belanghebbende staat meer dan eens in de tabel. Voeg de rijen samen.",
         lambda _, rows: len({r["name"].casefold() for r in rows}) < len(rows)),
)

INTAKE_HISTORY = FormHistory(
    kind=INTAKE,
    sheet="Intake",
    title="Intake participatie",
    fields=_intake_fields(),
    table=STAKEHOLDER_TABLE,
    rules=INTAKE_RULES,
)

# --- evaluation ---------------------------------------------------------------------------------


def _evaluation_fields() -> tuple[Field, ...]:
    planned = "Gepland (ingevuld door de toolbox)"
    result = "Resultaat"
    criteria = "Tien criteria"
    learn = "Leren"
    fields = [
        Field("project_id", "Projectnummer", "Ingevuld door de toolbox; niet wijzigen.", FieldType.TEXT,
              planned, required=True, prefilled=True),
        Field("project_name", "Naam project", "Ingevuld door de toolbox.", FieldType.TEXT, planned,
              required=True, prefilled=True),
        Field("participation_kind", "Soort participatie", "Ingevuld door de toolbox.", FieldType.CHOICE,
              planned, required=True, choices=vocab.ParticipationKind, prefilled=True),
        Field("trekker_name", "Trekker (naam)", "Ingevuld door de toolbox.", FieldType.TEXT, planned,
              required=True, prefilled=True),
        Field("trekker_email", "E-mail trekker", "Ingevuld door de toolbox.", FieldType.EMAIL, planned,
              required=True, prefilled=True),
        # Version 1 had one list for both ladders ("levels"); version 2 splits level and role by kind.
        Field("planned_level", "Gepland niveau", "Het niveau uit het advies.", FieldType.CHOICE, planned,
              required=True, list_name="levels", prefilled=True, until=2),
        Field("planned_level", "Gepland niveau", "Burgerparticipatie: het niveau op de participatieladder uit "
              "het advies.", FieldType.CHOICE, planned, required_when=_BURGER, applies_when=_BURGER,
              choices=vocab.Level, prefilled=True, since=2),
        Field("planned_role", "Geplande rol van de gemeente", "Overheidsparticipatie: de rol van de gemeente "
              "(overheidsparticipatietrap) uit het advies.", FieldType.CHOICE, planned,
              required_when=_OVERHEID, applies_when=_OVERHEID, choices=vocab.RobRung, prefilled=True, since=2),
        Field("planned_methods", "Geplande werkvormen", "De werkvormen uit het advies.",
              FieldType.LONGTEXT, planned, prefilled=True),
        Field("planned_hours", "Geplande uren", "Uren uit het advies.", FieldType.DECIMAL, planned,
              minimum=0, maximum=1_000_000, prefilled=True),
        Field("planned_euros", "Geplande kosten (€)", "Kosten uit het advies (uren × tarief + externe "
              "kosten).", FieldType.AMOUNT, planned, minimum=0, maximum=100_000_000, prefilled=True),
        Field("participation_start", "Start participatie", "Uit de intake.", FieldType.DATE, planned,
              prefilled=True),
        Field("participation_end", "Einde participatie", "Uit de intake.", FieldType.DATE, planned,
              prefilled=True),
        Field("achieved_level", "Bereikt niveau", "Welk niveau van participatie is in de praktijk "
              "bereikt?", FieldType.CHOICE, result, required=True, list_name="levels", until=2),
        Field("achieved_level", "Bereikt niveau", "Alleen bij burgerparticipatie: welke trede van de "
              "participatieladder is in de praktijk bereikt (informeren … meebeslissen)?", FieldType.CHOICE,
              result, required_when=_BURGER, applies_when=_BURGER, choices=vocab.Level, since=2),
        Field("achieved_role", "Rol van de gemeente", "Alleen bij overheidsparticipatie: welke rol had de "
              "gemeente in de praktijk (loslaten … reguleren)?", FieldType.CHOICE, result,
              required_when=_OVERHEID, applies_when=_OVERHEID, choices=vocab.RobRung, since=2),
        Field("decision_taken", "Besluit al genomen", "Heeft het college of de raad al besloten? Zo nee, "
              "dan voegt de toolbox de uitkomst toe aan de participatieparagraaf.", FieldType.FLAG, result,
              required=True),
        Field("outcome", "Wat kwam eruit en wat is ermee gedaan", "De belangrijkste opbrengst van de "
              "participatie en wat daarmee in het plan of besluit is gebeurd.", FieldType.LONGTEXT, result,
              required=True),
        Field("unexpected", "Wat veranderde onverwacht", "Wat liep anders dan gepland?", FieldType.LONGTEXT,
              result),
        Field("support", "Draagvlak", "Hoe groot is het draagvlak voor het resultaat?", FieldType.CHOICE,
              result, required=True, choices=vocab.Support),
        Field("participant_rating", "Rapportcijfer deelnemers", "Gemiddeld cijfer van deelnemers (1-10), "
              "als je het gevraagd hebt.", FieldType.DECIMAL, result, minimum=1, maximum=10),
    ]
    for criterion, key in CRITERION_KEYS.items():
        score_id = f"crit_{key}_score"
        fields.append(Field(score_id, f"{criterion.value.capitalize()}",
                            f"{CRITERION_QUESTIONS[criterion]} Kies goed, voldoende of onvoldoende.",
                            FieldType.CHOICE, criteria, required=True, choices=Score))
        fields.append(Field(f"crit_{key}_note", f"Toelichting: {criterion.value}",
                            "Licht de score toe. Verplicht bij 'onvoldoende'.", FieldType.LONGTEXT, criteria,
                            required_when=When(score_id, (Score.INSUFFICIENT.value,))))
    fields += [
        Field("went_well", "Wat ging goed", "Wat zou je een collega aanraden?", FieldType.LONGTEXT, learn,
              required=True),
        Field("could_be_better", "Wat kan beter", "Wat zou je de volgende keer anders doen?",
              FieldType.LONGTEXT, learn, required=True),
        Field("lessons", "Lessen", "De belangrijkste lessen voor collega's; ze komen in het "
              "projectenregister.", FieldType.LONGTEXT, learn, required=True),
        Field("keywords", "Trefwoorden", "Woorden waarop collega's dit project kunnen vinden, gescheiden "
              "door komma's.", FieldType.TEXT, learn),
    ]
    return tuple(fields)


METHODS_USED_TABLE = Table(
    name="Werkvormen",
    sheet="Werkvormen",
    title="Gebruikte werkvormen",
    columns=(
        Column("method", "Werkvorm", "Welke werkvorm is gebruikt? Kies uit de lijst of typ een eigen naam.",
               FieldType.TEXT, required=True, suggest_list="methods", prefilled=True),
        Column("participants", "Deelnemers", "Aantal deelnemers.", FieldType.INTEGER, minimum=0,
               maximum=1_000_000),
        Column("hours", "Uren", "Interne uren die de werkvorm kostte.", FieldType.DECIMAL, minimum=0,
               maximum=100_000),
        Column("euros", "Kosten (€)", "Externe kosten in euro's.", FieldType.AMOUNT, minimum=0,
               maximum=100_000_000),
    ),
    rows=30,
    max_rows=300,
    record_field="methods_used",
    instruction="Eén regel per gebruikte werkvorm; de geplande werkvormen staan er al. Vul aantallen, uren en "
                "kosten in; een regel zonder aantallen telt als niet gebruikt.",
)


def _level_matches_kind(values: Mapping[str, Any]) -> bool:
    kind, level = values.get("participation_kind"), values.get("achieved_level")
    if kind is None or level is None:
        return True
    ladder = vocab.Level.values() if kind is ParticipationKind.BURGER else vocab.RobRung.values()
    return str(level) in ladder


EVALUATION_RULES: tuple[Rule, ...] = (
    Rule("level-not-for-kind", Severity.ERROR, "achieved_level",
         "Dit niveau hoort niet bij deze soort participatie. Kies bij burgerparticipatie een trede van de "
         "participatieladder (informeren … meebeslissen), bij overheidsparticipatie een rol (loslaten … "
         "reguleren).",
         lambda v, _: not _level_matches_kind(v), until=2),  # version 2: separate fields, applies_when
    Rule("no-methods-used", Severity.ERROR, "methods_used",
         "Er staat geen enkele werkvorm in de tabel 'Werkvormen'. Vul in wat er is gedaan, ook als dat "
         "alleen informeren was.",
         lambda _, rows: not rows),
    Rule("end-before-start", Severity.ERROR, "participation_end",
         "Het einde van de participatie ligt vóór de start. Controleer beide datums.",
         lambda v, _: _both(v, "participation_start", "participation_end")
         and v["participation_end"] < v["participation_start"]),
)

EVALUATION_HISTORY = FormHistory(
    kind=EVALUATION,
    sheet="Evaluatie",
    title="Evaluatie participatie",
    fields=_evaluation_fields(),
    table=METHODS_USED_TABLE,
    rules=EVALUATION_RULES,
)

HISTORIES: dict[str, FormHistory] = {INTAKE: INTAKE_HISTORY, EVALUATION: EVALUATION_HISTORY}


def versions(kind: str) -> range:
    """The template versions of ``kind`` that are read: the oldest supported up to the current one."""
    return range(FIRST_VERSIONS[kind], TEMPLATE_VERSIONS[kind] + 1)


def schema_for(kind: str, version: int | None = None) -> FormSchema:
    """The form ``kind`` as it is at template ``version`` (the current version when None)."""
    return _schema_at(kind, TEMPLATE_VERSIONS[kind] if version is None else version)


@functools.cache
def _schema_at(kind: str, version: int) -> FormSchema:
    if version not in versions(kind):
        raise ValueError(f"{kind} template version {version} is not read by this software")
    return HISTORIES[kind].at(version)


INTAKE_SCHEMA = schema_for(INTAKE)
EVALUATION_SCHEMA = schema_for(EVALUATION)
SCHEMAS: dict[str, FormSchema] = {INTAKE: INTAKE_SCHEMA, EVALUATION: EVALUATION_SCHEMA}
