"""Where each field of a form sits in the generated workbook. Pure; shared by the writer and the reference.

Readers never rely on this layout: they find fields by their defined names and the table by its name,
so a person may insert rows. The layout only says where the generated template puts things.
"""

from __future__ import annotations

from dataclasses import dataclass

from toolbox_docs.forms.schema import FormSchema, Input

LABEL_COLUMN = "A"
INPUT_COLUMN = "B"
HELP_COLUMN = "C"
FIRST_FIELD_ROW = 4
TABLE_HEADER_ROW = 4


@dataclass(frozen=True)
class FormLayout:
    field_rows: dict[str, int]
    section_rows: dict[str, int]
    table_header_row: int
    table_first_row: int
    table_last_row: int

    def cell(self, field_id: str) -> str:
        return f"{INPUT_COLUMN}{self.field_rows[field_id]}"

    def table_ref(self, schema: FormSchema) -> str:
        last_column = column_letter(len(schema.table.columns))
        return f"A{self.table_header_row}:{last_column}{self.table_last_row}"


def column_letter(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def layout(schema: FormSchema) -> FormLayout:
    row = FIRST_FIELD_ROW
    field_rows: dict[str, int] = {}
    section_rows: dict[str, int] = {}
    for field in schema.fields:
        if field.section not in section_rows:
            if section_rows:
                row += 1
            section_rows[field.section] = row
            row += 1
        field_rows[field.id] = row
        row += 1
    first = TABLE_HEADER_ROW + 1
    return FormLayout(field_rows, section_rows, TABLE_HEADER_ROW, first, first + schema.table.rows - 1)


def list_name(spec: Input) -> str | None:
    """The workbook-level defined name of the dropdown list of ``spec`` on the hidden list sheet."""
    key = spec.list_key
    return f"lijst_{key}" if key else None
