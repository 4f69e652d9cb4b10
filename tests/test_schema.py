"""The one schema of both forms is internally consistent, and the records agree with it.

Everything the workbook writer, the readers and the validator do is driven by ``schema.py``; a field id
that is not a valid Excel name, a condition on a field that does not exist, or a record attribute that
drifts from the schema would break them far from the cause. These checks catch that at the source.
"""

from __future__ import annotations

import re

import pytest

from toolbox_docs.forms.layout import list_name
from toolbox_docs.forms.records import RECORDS, ROW_RECORDS, record_field_names
from toolbox_docs.forms.schema import (
    HISTORIES,
    KINDS,
    SCHEMAS,
    TEMPLATE_VERSIONS,
    FieldType,
    FormSchema,
    Input,
    When,
    schema_for,
    versions,
)
from toolbox_docs.settings import Settings

FIELD_ID = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")  # lowercase snake_case words
# A1 references (up to XFD1048576) and R1C1 references are what a defined name must never look like.
A1_REF = re.compile(r"^[A-Za-z]{1,3}[0-9]+$")
R1C1_REF = re.compile(r"^[Rr][0-9]*[Cc][0-9]*$")
EXCEL_NAME_MAX = 255
EXCEL_PROMPT_MAX = 255

# The checks below hold for the form at every template version still read, not only the current one.
FORMS = [pytest.param(schema_for(kind, version), id=f"{kind}-v{version}")
         for kind in KINDS for version in versions(kind)]
CURRENT = [pytest.param(SCHEMAS[kind], id=kind) for kind in KINDS]


def _inputs(schema: FormSchema) -> list[Input]:
    return [*schema.fields, *schema.table.columns]


def _conditions(schema: FormSchema) -> list[tuple[str, str, When]]:
    found = []
    for field in schema.fields:
        for what, when in (("required_when", field.required_when), ("applies_when", field.applies_when)):
            if when is not None:
                found.append((field.id, what, when))
    return found


def test_both_forms_are_declared() -> None:
    assert set(SCHEMAS) == set(KINDS) == {"intake", "evaluatie"}
    for kind, schema in SCHEMAS.items():
        assert schema.kind == kind


@pytest.mark.parametrize("schema", FORMS)
def test_field_ids_are_excel_names_that_cannot_be_cell_references(schema: FormSchema) -> None:
    bad = [f.id for f in schema.fields if not FIELD_ID.match(f.id)]
    assert not bad, f"field ids that are not lowercase snake_case: {bad}"
    for field in schema.fields:
        assert len(field.id) <= EXCEL_NAME_MAX
        assert not A1_REF.match(field.id), field.id
        assert not R1C1_REF.match(field.id), field.id


@pytest.mark.parametrize("schema", FORMS)
def test_field_ids_are_unique_per_form(schema: FormSchema) -> None:
    ids = [f.id for f in schema.fields]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates
    columns = [c.id for c in schema.table.columns]
    assert len(set(columns)) == len(columns)
    assert schema.table.record_field not in ids


@pytest.mark.parametrize("schema", FORMS)
def test_field_ids_do_not_clash_with_the_names_of_dropdown_lists(schema: FormSchema) -> None:
    list_names = {list_name(spec) for spec in _inputs(schema)} - {None}
    assert list_names, "every form has dropdown lists"
    assert not list_names & {f.id for f in schema.fields}


@pytest.mark.parametrize("schema", CURRENT)
def test_record_attributes_equal_the_schema_field_ids(schema: FormSchema) -> None:
    record = RECORDS[schema.kind]
    expected = {f.id for f in schema.fields} | {schema.table.record_field}
    attributes = set(record_field_names(record))
    assert attributes - expected == set(), "record attributes without a schema field"
    assert expected - attributes == set(), "schema fields without a record attribute"


@pytest.mark.parametrize("schema", CURRENT)
def test_row_record_attributes_equal_the_table_columns(schema: FormSchema) -> None:
    row_record = ROW_RECORDS[schema.kind]
    assert set(record_field_names(row_record)) == {c.id for c in schema.table.columns} | {"row"}


@pytest.mark.parametrize("schema", FORMS)
def test_labels_are_unique(schema: FormSchema) -> None:
    labels = [f.label.casefold() for f in schema.fields]
    assert sorted({x for x in labels if labels.count(x) > 1}) == []
    headers = [c.label.casefold() for c in schema.table.columns]
    assert len(set(headers)) == len(headers), "table headers must be unique: the readers find columns by them"
    assert all(label.strip() for label in labels + headers)


@pytest.mark.parametrize("schema", FORMS)
def test_every_help_text_fits_an_excel_input_message(schema: FormSchema) -> None:
    too_long = {spec.id: len(spec.help) for spec in _inputs(schema) if len(spec.help) > EXCEL_PROMPT_MAX}
    assert not too_long
    assert all(spec.help.strip() for spec in _inputs(schema))


@pytest.mark.parametrize("schema", FORMS)
def test_every_choice_has_allowed_values_with_the_default_lists(schema: FormSchema) -> None:
    lists = Settings().lists
    for spec in _inputs(schema):
        if spec.type is FieldType.CHOICE:
            allowed = spec.allowed(lists)
            assert allowed, f"{spec.id}: a choice without values"
            assert len({a.casefold() for a in allowed}) == len(allowed), f"{spec.id}: duplicate values"
            assert spec.list_key is not None
        if spec.type is FieldType.FLAG:
            assert spec.allowed(lists) == ("ja", "nee")
        if spec.list_name is not None:
            assert spec.list_name in lists, f"{spec.id}: unknown settings list {spec.list_name!r}"


@pytest.mark.parametrize("schema", FORMS)
def test_every_condition_names_an_existing_field_and_values_it_can_take(schema: FormSchema) -> None:
    lists = Settings().lists
    conditions = _conditions(schema)
    assert conditions, "both forms have conditional fields"
    ids = {f.id: f for f in schema.fields}
    for field_id, what, when in conditions:
        assert when.field in ids, f"{field_id}.{what} names unknown field {when.field!r}"
        assert when.field != field_id, f"{field_id}.{what} depends on itself"
        target = ids[when.field]
        # Conditions compare the text of an enum value or 'ja'/'nee', so only a CHOICE or FLAG field can satisfy them.
        assert target.type in (FieldType.CHOICE, FieldType.FLAG), \
            f"{field_id}.{what} depends on a {target.type.value} field"
        assert when.values, f"{field_id}.{what} has no values"
        possible = set(target.allowed(lists))
        assert set(when.values) <= possible, f"{field_id}.{what}: {set(when.values) - possible} cannot occur"


@pytest.mark.parametrize("schema", FORMS)
def test_every_rule_names_an_existing_field(schema: FormSchema) -> None:
    known = {f.id for f in schema.fields} | {schema.table.record_field}
    codes = [r.code for r in schema.rules]
    assert len(set(codes)) == len(codes)
    for rule in schema.rules:
        assert rule.field in known, f"rule {rule.code} names unknown field {rule.field!r}"
        assert rule.severity in ("fout", "waarschuwing")
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.code), rule.code
        assert rule.message.strip()


@pytest.mark.parametrize("schema", FORMS)
def test_ranges_and_limits_are_sane(schema: FormSchema) -> None:
    for spec in _inputs(schema):
        if spec.minimum is not None and spec.maximum is not None:
            assert spec.minimum <= spec.maximum, spec.id
        if spec.type in (FieldType.INTEGER, FieldType.DECIMAL, FieldType.AMOUNT):
            assert spec.max_length is None
        if spec.type in (FieldType.TEXT, FieldType.LONGTEXT, FieldType.EMAIL, FieldType.PHONE):
            assert spec.max_length is not None and spec.max_length > 0


@pytest.mark.parametrize("schema", FORMS)
def test_table_declaration(schema: FormSchema) -> None:
    table = schema.table
    assert table.rows >= 1 and table.max_rows >= table.rows
    assert table.name and table.sheet and table.sheet != schema.sheet
    assert any(c.required for c in table.columns)
    for column in table.columns:
        if column.default is not None:
            assert column.default in column.allowed(Settings().lists), column.id


def test_stakeholder_table_has_room_for_fifty_parties() -> None:
    assert SCHEMAS["intake"].table.rows >= 50


def test_template_versions_are_positive_ints() -> None:
    assert set(TEMPLATE_VERSIONS) == set(KINDS)
    for kind, version in TEMPLATE_VERSIONS.items():
        assert type(version) is int and version >= 1, kind
        assert SCHEMAS[kind].version == version


@pytest.mark.parametrize("kind", KINDS)
def test_declarations_are_dated_within_the_versions_read(kind: str) -> None:
    history = HISTORIES[kind]
    for spec in (*history.fields, *history.table.columns, *history.rules):
        assert 1 <= spec.since <= TEMPLATE_VERSIONS[kind], spec
        assert spec.until is None or spec.since < spec.until <= TEMPLATE_VERSIONS[kind], spec
    assert SCHEMAS[kind] is schema_for(kind, TEMPLATE_VERSIONS[kind])
    with pytest.raises(ValueError):
        schema_for(kind, TEMPLATE_VERSIONS[kind] + 1)
