"""Validation: a ``RawForm`` becomes a typed record, or every problem at once, each with its place.

Pure. A workbook is validated against the form as it was at the workbook's own template version
(``schema_for(kind, version)``): its fields, its columns, its rules. Only then are its values upgraded,
step by declared step (``migrations.py``), to the current record; so a person only ever hears about cells
that exist in the workbook in front of them. The order of problems is stable: fields in schema order,
then table rows, then rules between fields. A problem of severity ``fout`` blocks the record; a
``waarschuwing`` does not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from toolbox_docs.forms.migrations import upgrade
from toolbox_docs.forms.raw import RawForm, RawRow
from toolbox_docs.forms.records import RECORDS, ROW_RECORDS
from toolbox_docs.forms.schema import Field, FormSchema, Severity, schema_for
from toolbox_docs.forms.values import Invalid, convert, is_empty


@dataclass(frozen=True)
class Problem:
    code: str
    severity: Severity
    message: str
    field: str | None = None
    sheet: str | None = None
    cell: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def place(self) -> str:
        """Where, in Dutch, for people: "blad 'Intake', cel B5". The field id is for machines (the JSON
        and CSV reports); the message names the field by its label."""
        parts = []
        if self.sheet:
            parts.append(f"blad '{self.sheet}'")
        if self.cell:
            parts.append(f"cel {self.cell}")
        return ", ".join(parts)


@dataclass(frozen=True)
class FormResult:
    kind: str
    version: int
    problems: tuple[Problem, ...]
    record: Any | None
    filled: int = 0

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)


def _condition_text(schema: FormSchema, field: Field) -> str:
    if field.required_when is None:
        return ""
    return " " + field.required_when.describe(schema.label_of)


def _convert_fields(raw: RawForm, schema: FormSchema, lists: Mapping[str, tuple[str, ...]],
                    problems: list[Problem]) -> dict[str, Any]:
    """Typed values of the fields; problems are added in schema order (one field's problems together)."""
    values: dict[str, Any] = {}
    found: dict[str, list[Problem]] = {field.id: [] for field in schema.fields}
    for field in schema.fields:
        cell = raw.cells.get(field.id)
        values[field.id] = None
        if cell is None:
            if field.id in raw.missing_names:
                found[field.id].append(Problem(
                    "missing-name", Severity.ERROR,
                    f"Het veld '{field.label}' is niet meer te vinden: de naam '{field.id}' verwijst nergens meer "
                    "naar (is er een blad of regel verwijderd?). Gebruik een nieuw sjabloon of herstel het veld.",
                    field.id, schema.sheet))
            continue
        try:
            values[field.id] = convert(field, cell.value, lists=lists, date1904=raw.date1904)
        except Invalid as invalid:
            found[field.id].append(Problem(invalid.code, Severity.ERROR, f"{field.label}: {invalid.message}", field.id,
                                           cell.sheet, cell.ref))
    for field in schema.fields:
        cell = raw.cells.get(field.id)
        sheet, ref = (cell.sheet, cell.ref) if cell else (schema.sheet, None)
        if field.applies_when is not None and not field.applies_when.holds(values):
            known = values.get(field.applies_when.field) is not None  # else that field has its own problem
            if known and values[field.id] is not None and values[field.id] is not False:
                found[field.id].append(Problem(
                    "not-applicable", Severity.WARNING,
                    f"{field.label}: dit veld geldt alleen {field.applies_when.describe(schema.label_of)}; de "
                    "waarde wordt niet gebruikt.", field.id, sheet, ref))
            values[field.id] = None
            continue
        needed = field.required or (field.required_when is not None and field.required_when.holds(values))
        if needed and values[field.id] is None and not found[field.id]:
            found[field.id].append(Problem("required", Severity.ERROR,
                                           f"'{field.label}' is verplicht{_condition_text(schema, field)}. "
                                           "Vul het in.", field.id, sheet, ref))
    for field in schema.fields:
        problems.extend(found[field.id])
    return values


def _convert_rows(raw: RawForm, schema: FormSchema, lists: Mapping[str, tuple[str, ...]],
                  problems: list[Problem]) -> tuple[dict[str, Any], ...]:
    """The typed values of each used row (column id -> value, and ``row``: the sheet row number)."""
    table = schema.table
    for column_id in raw.missing_columns:
        problems.append(Problem(
            "column-missing", Severity.ERROR,
            f"De kolom '{schema.label_of(column_id)}' ontbreekt in de tabel '{table.name}'. Zet de kolomkop terug "
            "of gebruik een nieuw sjabloon.", f"{table.record_field}.{column_id}", raw.table_location.sheet))
    first_row = int("".join(c for c in raw.table_location.ref if c.isdigit()) or "1")
    records = []
    own_columns = {c.id for c in table.columns if not c.prefilled}
    for row in raw.rows:
        if not own_columns & set(row.cells):
            continue  # only what the toolbox pre-filled (a planned method nobody reported on): not a used row
        if row.number >= first_row + table.max_rows:
            problems.append(Problem(
                "too-many-rows", Severity.ERROR,
                f"De tabel '{table.name}' heeft meer dan {table.max_rows} regels; regel {row.number} en verder "
                "worden niet gelezen. Voeg partijen samen of vraag de beheerder om hulp.",
                table.record_field, raw.table_location.sheet, f"A{row.number}"))
            break
        values = _convert_row(raw, schema, row, lists, problems)
        if values is not None:
            records.append({**values, "row": row.number})
    return tuple(records)


def _convert_row(raw: RawForm, schema: FormSchema, row: RawRow, lists: Mapping[str, tuple[str, ...]],
                 problems: list[Problem]) -> dict[str, Any] | None:
    table = schema.table
    values: dict[str, Any] = {}
    complete = True
    for column in table.columns:
        cell = row.cells.get(column.id)
        letter = raw.column_letters.get(column.id)
        ref = f"{letter}{row.number}" if letter else None
        field_ref = f"{table.record_field}.{column.id}"
        try:
            value = convert(column, cell.value, lists=lists, date1904=raw.date1904) if cell else None
        except Invalid as invalid:
            problems.append(Problem(invalid.code, Severity.ERROR,
                                    f"Regel {row.number}, {column.label}: {invalid.message}", field_ref,
                                    raw.table_location.sheet, ref))
            complete = False
            continue
        if value is None and column.default is not None:
            value = convert(column, column.default, lists=lists)
        if value is None and column.required:
            problems.append(Problem("required", Severity.ERROR,
                                    f"Regel {row.number}: '{column.label}' is verplicht in elke gebruikte regel. "
                                    "Vul het in of maak de hele regel leeg.", field_ref, raw.table_location.sheet,
                                    ref))
            complete = False
        values[column.id] = value
    return values if complete else None


def validate_form(raw: RawForm, *, lists: Mapping[str, tuple[str, ...]]) -> FormResult:
    """The typed, current record of ``raw`` (``None`` when there is any ``fout``) and all problems found."""
    schema = schema_for(raw.kind, raw.version)
    problems: list[Problem] = []
    values = _convert_fields(raw, schema, lists, problems)
    rows = _convert_rows(raw, schema, lists, problems)
    table_prefix = f"{schema.table.record_field}."
    table_broken = any(p.field and p.field.startswith(table_prefix) for p in problems)
    sheet: str | None
    ref: str | None
    for rule in schema.rules:
        if table_broken and rule.field == schema.table.record_field:
            continue  # the rows have problems of their own; a rule about "no rows" would mislead
        if rule.violated(values, rows):
            if rule.field == schema.table.record_field:
                sheet, ref = raw.table_location.sheet, raw.table_location.ref
            else:
                cell = raw.cells.get(rule.field)
                sheet, ref = (cell.sheet, cell.ref) if cell else (schema.sheet, None)
            problems.append(Problem(rule.code, rule.severity, rule.message, rule.field, sheet, ref))
    record = None
    if not any(p.is_error for p in problems):
        values, rows = upgrade(raw.kind, raw.version, values, rows)
        row_type = ROW_RECORDS[raw.kind]
        record = RECORDS[raw.kind](**values, **{schema.table.record_field: tuple(row_type(**r) for r in rows)})
    return FormResult(raw.kind, raw.version, tuple(problems), record, filled_inputs(raw, schema))


def filled_inputs(raw: RawForm, schema: FormSchema) -> int:
    """How many cells a person filled in (not counting what the toolbox pre-filled)."""
    own = {f.id for f in schema.fields if not f.prefilled}
    own_columns = {c.id for c in schema.table.columns if not c.prefilled}
    count = sum(1 for field_id, cell in raw.cells.items() if field_id in own and not is_empty(cell.value))
    return count + sum(1 for row in raw.rows for column_id, cell in row.cells.items()
                       if column_id in own_columns and not is_empty(cell.value))
