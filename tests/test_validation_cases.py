"""Each way a person can get a form wrong yields exactly the expected problem at the right cell.

Table-driven over the schema: the cases are generated from the field declarations (every required
field left empty, every closed list given a value outside it, every typed field given a value of the
wrong type), so a field added to the schema is covered without touching this file. Each case starts
from a valid workbook (the worked example, ``example_intake``, for the intake), changes a few cells
through openpyxl, and runs the real ``check_workbook`` on the bytes.

``tests/test_reader_agreement.py`` imports ``CASES`` and ``case_workbook`` to compare both readers on the
very same workbooks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest

from toolbox_docs.cli.examples import EXAMPLE_STAKEHOLDERS, EXAMPLE_VALUES
from toolbox_docs.forms.check import Check, WorkbookStatus, check_workbook
from toolbox_docs.forms.layout import column_letter, layout
from toolbox_docs.forms.schema import (
    EVALUATION_SCHEMA,
    INTAKE_SCHEMA,
    FieldType,
    FormSchema,
    Input,
    Severity,
)
from toolbox_docs.forms.xlsx_fill import fill_workbook
from toolbox_docs.settings import Settings
from toolbox_docs.vocab import CRITERION_KEYS

# A valid evaluation of a finished burgerparticipatie project (the worked example, a year on).
EVALUATION_VALUES: dict[str, Any] = {
    "project_id": "2027-003",
    "project_name": "Groenplan Meezenbroek",
    "participation_kind": "burgerparticipatie",
    "trekker_name": "Sanne de Vries",
    "trekker_email": "s.devries@example.org",
    "planned_level": "adviseren",
    "planned_methods": "Wijkwandeling, ontwerpavond, online enquête",
    "planned_hours": 160,
    "planned_euros": 26100,
    "participation_start": dt.date(2027, 2, 1),
    "participation_end": dt.date(2027, 5, 31),
    "achieved_level": "adviseren",
    "decision_taken": "nee",
    "outcome": "Twee ontwerpen; bewoners kozen het ontwerp met de speelplek aan de Schaesbergerweg.",
    "unexpected": "De winkeliers kwamen pas laat in beeld.",
    "support": "beperkt",
    "participant_rating": "7,2",
    **{f"crit_{key}_score": "goed" if index % 2 else "voldoende"
       for index, key in enumerate(CRITERION_KEYS.values())},
    "went_well": "De wijkwandeling bracht veel mensen op de been.",
    "could_be_better": "Ondernemers eerder betrekken.",
    "lessons": "Begin met een stakeholderanalyse samen met de wijkagent en het jongerenwerk.",
    "keywords": "groen, klimaatadaptatie",
}
EVALUATION_ROWS: list[dict[str, Any]] = [
    {"method": "Wijkwandeling", "participants": 42, "hours": 24, "euros": 600},
    {"method": "Ontwerpavond", "participants": 35, "hours": 40, "euros": "€ 2.500"},
    {"method": "Online enquête", "participants": 310, "hours": "16,5"},
]

SCHEMAS = {INTAKE_SCHEMA.kind: INTAKE_SCHEMA, EVALUATION_SCHEMA.kind: EVALUATION_SCHEMA}
BASE_VALUES = {INTAKE_SCHEMA.kind: EXAMPLE_VALUES, EVALUATION_SCHEMA.kind: EVALUATION_VALUES}
BASE_ROWS = {INTAKE_SCHEMA.kind: EXAMPLE_STAKEHOLDERS, EVALUATION_SCHEMA.kind: EVALUATION_ROWS}

OUTSIDE_LIST = "Zzz (staat niet in de lijst)"
# A value of the wrong kind for each typed field, and the code it must give.
WRONG_TYPE: dict[FieldType, tuple[Any, str]] = {
    FieldType.DATE: ("morgen", "not-a-date"),
    FieldType.INTEGER: ("een paar", "not-a-number"),
    FieldType.DECIMAL: ("veel", "not-a-number"),
    FieldType.AMOUNT: ("duizend euro", "not-a-number"),
    FieldType.EMAIL: ("sanne bij de gemeente", "not-an-email"),
    FieldType.PHONE: ("bel de receptie", "not-a-phone"),
    FieldType.FLAG: ("misschien", "not-yes-no"),
}


@dataclass(frozen=True)
class Expect:
    code: str
    field: str
    sheet: str
    cell: str | None
    severity: Severity = Severity.ERROR


@dataclass(frozen=True)
class Case:
    """Start from the valid base of ``kind``, set ``changes`` (None empties a cell), and replace the table
    rows by ``rows`` when given; ``expected`` are all problems, in order."""

    id: str
    kind: str
    changes: Mapping[str, Any] = field(default_factory=dict)
    rows: Sequence[Mapping[str, Any]] | None = None
    expected: tuple[Expect, ...] = ()

    @property
    def status(self) -> WorkbookStatus:
        errors = any(e.severity is Severity.ERROR for e in self.expected)
        return WorkbookStatus.INVALID if errors else WorkbookStatus.VALID


def at_field(schema: FormSchema, field_id: str, code: str, severity: Severity = Severity.ERROR) -> Expect:
    return Expect(code, field_id, schema.sheet, layout(schema).cell(field_id), severity)


def at_column(schema: FormSchema, column_id: str, row_index: int, code: str) -> Expect:
    table = schema.table
    letter = column_letter([c.id for c in table.columns].index(column_id) + 1)
    row = layout(schema).table_first_row + row_index
    return Expect(code, f"{table.record_field}.{column_id}", table.sheet, f"{letter}{row}")


def at_table(schema: FormSchema, code: str, severity: Severity = Severity.ERROR) -> Expect:
    places = layout(schema)
    return Expect(code, schema.table.record_field, schema.table.sheet, f"A{places.table_first_row}", severity)


def needed_in_base(schema: FormSchema, field_id: str) -> bool:
    spec = schema.field(field_id)
    base = BASE_VALUES[schema.kind]
    if spec.applies_when is not None and not spec.applies_when.holds(base):
        return False
    return spec.required or (spec.required_when is not None and spec.required_when.holds(base))


def with_row(kind: str, index: int, **changes: Any) -> list[dict[str, Any]]:
    rows = [dict(r) for r in BASE_ROWS[kind]]
    rows[index] = {**rows[index], **changes}
    return rows


def _generated(schema: FormSchema) -> list[Case]:
    kind = schema.kind
    cases: list[Case] = []
    for spec in schema.fields:
        if needed_in_base(schema, spec.id):
            cases.append(Case(f"{kind}-empty-{spec.id}", kind, {spec.id: None},
                              expected=(at_field(schema, spec.id, "required"),)))
        if spec.type is FieldType.CHOICE:
            cases.append(Case(f"{kind}-outside-list-{spec.id}", kind, {spec.id: OUTSIDE_LIST},
                              expected=(at_field(schema, spec.id, "not-in-list"),)))
        if spec.type in WRONG_TYPE:
            value, code = WRONG_TYPE[spec.type]
            cases.append(Case(f"{kind}-wrong-type-{spec.id}", kind, {spec.id: value},
                              expected=(at_field(schema, spec.id, code),)))
    for spec_type, limit in ((FieldType.TEXT, 200), (FieldType.LONGTEXT, 4000)):
        first = next(f for f in schema.fields if f.type is spec_type and needed_in_base(schema, f.id))
        cases.append(Case(f"{kind}-too-long-{first.id}", kind, {first.id: "x" * (limit + 1)},
                          expected=(at_field(schema, first.id, "too-long"),)))
    columns: Sequence[Input] = schema.table.columns
    for column in columns:
        if column.required:
            rows = with_row(kind, 0, **{column.id: None})
            cases.append(Case(f"{kind}-row-empty-{column.id}", kind, rows=rows,
                              expected=(at_column(schema, column.id, 0, "required"),)))
        if column.type is FieldType.CHOICE:
            cases.append(Case(f"{kind}-row-outside-list-{column.id}", kind,
                              rows=with_row(kind, 0, **{column.id: OUTSIDE_LIST}),
                              expected=(at_column(schema, column.id, 0, "not-in-list"),)))
        if column.type in WRONG_TYPE:
            value, code = WRONG_TYPE[column.type]
            cases.append(Case(f"{kind}-row-wrong-type-{column.id}", kind,
                              rows=with_row(kind, 0, **{column.id: value}),
                              expected=(at_column(schema, column.id, 0, code),)))
    return cases


I = INTAKE_SCHEMA  # noqa: E741  (short names keep the case table readable)
E = EVALUATION_SCHEMA
# From intake version 2 the room for influence and the will to hand over are asked of burgerparticipatie only.
OVERHEID = {
    "participation_kind": "overheidsparticipatie", "initiator": "Bewonerscollectief Meezenbroek Groen",
    "asks_money": "ja", "asks_space": "ja", "public_interest": "groot", "initiative_risk": "laag",
    "challenge_right": "nee", "influence_room": None, "handover_willing": None,
}
NO_ROWS: list[dict[str, Any]] = []
NEXT_ROW = len(EXAMPLE_STAKEHOLDERS)  # index of a row appended below the example's parties

INTAKE_CASES = [
    Case("intake-valid-example", "intake"),
    # Overheidsparticipatie: its own fields become required (and apply).
    Case("intake-overheid-complete", "intake", OVERHEID),
    *[Case(f"intake-overheid-without-{field_id}", "intake", {**OVERHEID, field_id: None},
           expected=(at_field(I, field_id, "required"),))
      for field_id in (f.id for f in I.fields if f.required_when and f.required_when.field == "participation_kind"
                       and f.required_when.values == ("overheidsparticipatie",))],
    # Burgerparticipatie: the impact scan is required (the example is burgerparticipatie).
    *[Case(f"intake-burger-without-{field_id}", "intake", {field_id: None},
           expected=(at_field(I, field_id, "required"),))
      for field_id in (f.id for f in I.fields if f.required_when and f.required_when.field == "participation_kind"
                       and f.required_when.values == ("burgerparticipatie",))],
    # An initiative need not fill in the impact scan, nor texts about influence on a municipal decision.
    Case("intake-overheid-without-impact-scan", "intake",
         {**OVERHEID, "impact": None, "sensitivity": None, "open_to_influence": None, "input_use": None}),
    Case("intake-overheid-with-room-for-influence", "intake", {**OVERHEID, "influence_room": "groot"},
         expected=(at_field(I, "influence_room", "not-applicable", Severity.WARNING),)),
    # No room for influence: a reason is needed, stakeholders are not.
    Case("intake-no-influence-without-reason", "intake", {"influence_room": "geen"},
         expected=(at_field(I, "no_participation_reason", "required"),)),
    Case("intake-no-influence-with-reason-and-no-parties", "intake",
         {"influence_room": "geen", "no_participation_reason": "Het besluit is wettelijk voorgeschreven.",
          "open_to_influence": None, "input_use": None}, rows=NO_ROWS),
    # A decision date is needed with a proposal, not without.
    Case("intake-no-proposal-no-decision-date", "intake", {"proposal_kind": "geen", "decision_date": None}),
    # Rules between fields.
    Case("intake-end-before-start", "intake", {"participation_end": dt.date(2027, 1, 15)},
         expected=(at_field(I, "participation_end", "end-before-start"),)),
    Case("intake-decision-before-participation-end", "intake", {"decision_date": dt.date(2027, 5, 1)},
         expected=(at_field(I, "decision_date", "decision-before-participation-end"),)),
    Case("intake-decision-on-participation-end", "intake", {"decision_date": "31-05-2027"},
         expected=(at_field(I, "decision_date", "decision-before-participation-end"),)),
    Case("intake-decision-before-end-in-execution-phase", "intake",
         {"decision_date": dt.date(2027, 5, 1), "policy_phase": "uitvoering"}),
    Case("intake-no-stakeholders", "intake", rows=NO_ROWS, expected=(at_table(I, "no-stakeholders"),)),
    Case("intake-proposal-decider-mismatch", "intake", {"decision_maker": "raad"},
         expected=(at_field(I, "proposal_kind", "proposal-decider-mismatch", Severity.WARNING),)),
    Case("intake-council-proposal-by-college", "intake", {"proposal_kind": "raadsvoorstel"},
         expected=(at_field(I, "proposal_kind", "proposal-decider-mismatch", Severity.WARNING),)),
    Case("intake-duplicate-stakeholder", "intake",
         rows=[*EXAMPLE_STAKEHOLDERS,
               {**EXAMPLE_STAKEHOLDERS[0], "name": EXAMPLE_STAKEHOLDERS[0]["name"].upper()}],
         expected=(at_table(I, "duplicate-stakeholder", Severity.WARNING),)),
    # Rows of the stakeholder table.
    Case("intake-row-name-without-category", "intake",
         rows=[*EXAMPLE_STAKEHOLDERS, {"name": "Buurtcomité Zuid", "influence": 3, "interest": 2}],
         expected=(at_column(I, "category", NEXT_ROW, "required"),)),
    Case("intake-row-influence-7", "intake",
         rows=[*EXAMPLE_STAKEHOLDERS, {"name": "Buurtcomité Zuid", "category": "inwoners", "influence": 7,
                                       "interest": 2}],
         expected=(at_column(I, "influence", NEXT_ROW, "out-of-range"),)),
    Case("intake-row-only-contact", "intake",
         rows=[*EXAMPLE_STAKEHOLDERS, {"contact": "buurtcomite@example.org"}],
         expected=tuple(at_column(I, c, NEXT_ROW, "required")
                        for c in ("name", "category", "influence", "interest"))),
    # A field that does not apply to burgerparticipatie: a warning, and the form still validates.
    Case("intake-not-applicable-asks-money", "intake", {"asks_money": "ja"},
         expected=(at_field(I, "asks_money", "not-applicable", Severity.WARNING),)),
    Case("intake-not-applicable-initiator", "intake", {"initiator": "Iemand"},
         expected=(at_field(I, "initiator", "not-applicable", Severity.WARNING),)),
    # Everything wrong at once: every problem is reported (their order is checked separately below).
    Case("intake-several-problems", "intake",
         {"project_name": None, "scale": "dorp", "participation_start": "31-02-2027",
          "decision_maker": "raad"},
         rows=[*EXAMPLE_STAKEHOLDERS, {"name": "Buurtcomité Zuid", "category": "inwoners", "influence": 7,
                                       "interest": 2}],
         expected=(at_field(I, "project_name", "required"), at_field(I, "scale", "not-in-list"),
                   at_field(I, "participation_start", "not-a-date"),
                   at_column(I, "influence", NEXT_ROW, "out-of-range"),
                   at_field(I, "proposal_kind", "proposal-decider-mismatch", Severity.WARNING))),
]

EVALUATION_CASES = [
    Case("evaluatie-valid", "evaluatie"),
    *[Case(f"evaluatie-insufficient-{key}-without-note", "evaluatie", {f"crit_{key}_score": "onvoldoende"},
           expected=(at_field(E, f"crit_{key}_note", "required"),)) for key in CRITERION_KEYS.values()],
    Case("evaluatie-insufficient-with-note", "evaluatie",
         {"crit_timing_score": "Onvoldoende", "crit_timing_note": "We begonnen pas na het ontwerp."}),
    # Level (participatieladder) and role (ROB trap) are separate fields, each with its own list.
    Case("evaluatie-role-in-the-level-field", "evaluatie", {"achieved_level": "faciliteren"},
         expected=(at_field(E, "achieved_level", "not-in-list"),)),
    Case("evaluatie-rob-rung-for-overheid", "evaluatie",
         {"participation_kind": "overheidsparticipatie", "planned_level": None, "planned_role": "faciliteren",
          "achieved_level": None, "achieved_role": "stimuleren"}),
    Case("evaluatie-ladder-level-for-overheid", "evaluatie", {"participation_kind": "overheidsparticipatie"},
         expected=(at_field(E, "planned_level", "not-applicable", Severity.WARNING),
                   at_field(E, "planned_role", "required"),
                   at_field(E, "achieved_level", "not-applicable", Severity.WARNING),
                   at_field(E, "achieved_role", "required"))),
    Case("evaluatie-role-filled-for-burger", "evaluatie", {"achieved_role": "faciliteren"},
         expected=(at_field(E, "achieved_role", "not-applicable", Severity.WARNING),)),
    Case("evaluatie-no-methods", "evaluatie", rows=NO_ROWS, expected=(at_table(E, "no-methods-used"),)),
    Case("evaluatie-end-before-start", "evaluatie", {"participation_end": dt.date(2027, 1, 1)},
         expected=(at_field(E, "participation_end", "end-before-start"),)),
    Case("evaluatie-rating-11", "evaluatie", {"participant_rating": 11},
         expected=(at_field(E, "participant_rating", "out-of-range"),)),
]

CASES: list[Case] = [*INTAKE_CASES, *_generated(INTAKE_SCHEMA),
                     *EVALUATION_CASES, *_generated(EVALUATION_SCHEMA)]
assert len({c.id for c in CASES}) == len(CASES), "case ids are unique"

_BUILT: dict[str, bytes] = {}


def _changed(base: bytes, kind: str, changes: Mapping[str, Any], rows: Sequence[Mapping[str, Any]] | None
             ) -> bytes:
    if rows is None:
        return fill_workbook(base, changes) if changes else base
    columns = [c.id for c in SCHEMAS[kind].table.columns]
    blank_row = dict.fromkeys(columns)
    # Overwrite every cell of the base's rows, so that shorter tables leave no stale values behind.
    full = [{**blank_row, **row} for row in rows]
    full += [blank_row] * (len(BASE_ROWS[kind]) - len(rows))
    return fill_workbook(base, changes, full)


def base_workbook(kind: str, templates: Mapping[str, bytes]) -> bytes:
    """The valid starting point: the worked example for the intake, EVALUATION_VALUES for the evaluation."""
    key = f"base-{kind}"
    if key not in _BUILT:
        if kind == INTAKE_SCHEMA.kind:
            _BUILT[key] = templates["example"]
        else:
            _BUILT[key] = fill_workbook(templates[kind], EVALUATION_VALUES, EVALUATION_ROWS)
    return _BUILT[key]


def case_workbook(case: Case, templates: Mapping[str, bytes]) -> bytes:
    """The bytes of the workbook of ``case``; built once per test session."""
    if case.id not in _BUILT:
        _BUILT[case.id] = _changed(base_workbook(case.kind, templates), case.kind, case.changes, case.rows)
    return _BUILT[case.id]


@pytest.fixture(scope="session")
def templates(blank_evaluation: bytes, example_intake: bytes) -> dict[str, bytes]:
    return {"evaluatie": blank_evaluation, "example": example_intake}


def check(data: bytes) -> Check:
    settings = Settings()
    return check_workbook(data, lists=settings.lists, limits=settings.limits)


def summary(result: Check) -> list[Expect]:
    return [Expect(p.code, p.field or "", p.sheet or "", p.cell, p.severity) for p in result.problems]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case: Case, templates: dict[str, bytes]) -> None:
    result = check(case_workbook(case, templates))
    assert sorted(summary(result), key=repr) == sorted(case.expected, key=repr)
    assert result.status == case.status
    assert (result.kind, result.version) == (case.kind, SCHEMAS[case.kind].version)
    assert all(p.message.strip() for p in result.problems)
    if case.status == WorkbookStatus.VALID:
        assert result.record is not None
    else:
        assert result.record is None


def test_the_generated_table_covers_every_field() -> None:
    """Guard against the generator silently skipping fields: every required, choice and typed field of both
    forms has a case."""
    ids = {c.id for c in CASES}
    for schema in SCHEMAS.values():
        for spec in schema.fields:
            if spec.required:
                assert f"{schema.kind}-empty-{spec.id}" in ids, spec.id
            if spec.type is FieldType.CHOICE:
                assert f"{schema.kind}-outside-list-{spec.id}" in ids, spec.id
            if spec.type in WRONG_TYPE:
                assert f"{schema.kind}-wrong-type-{spec.id}" in ids, spec.id


def test_problems_come_in_schema_order_then_rows_then_rules(templates: dict[str, bytes]) -> None:
    """validate.py promises a stable order: fields in schema order, then table rows, then rules."""
    case = next(c for c in CASES if c.id == "intake-several-problems")
    assert summary(check(case_workbook(case, templates))) == list(case.expected)


def test_required_messages_name_the_field_label(templates: dict[str, bytes]) -> None:
    case = next(c for c in CASES if c.id == "intake-empty-budget_euros")
    (problem,) = check(case_workbook(case, templates)).problems
    assert "Budget participatie (€)" in problem.message
    assert "verplicht" in problem.message


def test_conditional_requirement_says_when(templates: dict[str, bytes]) -> None:
    case = next(c for c in CASES if c.id == "intake-no-influence-without-reason")
    (problem,) = check(case_workbook(case, templates)).problems
    assert "geen" in problem.message and "Ruimte voor invloed" in problem.message


def test_not_applicable_value_is_not_used(templates: dict[str, bytes]) -> None:
    case = next(c for c in CASES if c.id == "intake-not-applicable-asks-money")
    result = check(case_workbook(case, templates))
    assert result.status == WorkbookStatus.VALID
    assert result.record.asks_money is None
    assert result.record.initiative_asks == ()


def test_overheid_record_keeps_its_fields(templates: dict[str, bytes]) -> None:
    case = next(c for c in CASES if c.id == "intake-overheid-complete")
    record = check(case_workbook(case, templates)).record
    assert record is not None
    assert record.initiator == OVERHEID["initiator"]
    assert [a.value for a in record.initiative_asks] == ["geld", "ruimte"]
    assert record.challenge_right is False


def test_example_is_the_valid_base(example_intake: bytes) -> None:
    result = check(example_intake)
    assert result.status == WorkbookStatus.VALID and result.problems == ()
    assert len(result.record.stakeholders) == len(EXAMPLE_STAKEHOLDERS)
