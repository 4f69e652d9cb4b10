"""The field reference: how to find and fill each field of a form, for people and for scripts.

Pure; generated from the schema and the template layout, so it can never disagree with them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from toolbox_docs.forms.layout import layout
from toolbox_docs.forms.schema import FormSchema


def field_reference(schema: FormSchema, lists: Mapping[str, tuple[str, ...]]) -> list[dict[str, Any]]:
    places = layout(schema)
    entries: list[dict[str, Any]] = []
    for field in schema.fields:
        entries.append({
            "id": field.id,
            "label": field.label,
            "help": field.help,
            "type": field.type.value,
            "required": field.required,
            "required_when": field.required_when.describe(schema.label_of) if field.required_when else None,
            "applies_when": field.applies_when.describe(schema.label_of) if field.applies_when else None,
            "allowed": list(field.allowed(lists)),
            "list": field.list_name,
            "minimum": field.minimum,
            "maximum": field.maximum,
            "max_length": field.max_length,
            "prefilled": field.prefilled,
            "since": field.since,
            "defined_name": field.id,
            "sheet": schema.sheet,
            "template_cell": places.cell(field.id),
            "table": None,
            "column": None,
        })
    table = schema.table
    for column in table.columns:
        entries.append({
            "id": f"{table.record_field}.{column.id}",
            "label": column.label,
            "help": column.help,
            "type": column.type.value,
            "required": column.required,
            "required_when": "in elke gebruikte regel" if column.required else None,
            "applies_when": None,
            "allowed": list(column.allowed(lists)),
            "list": column.list_name,
            "minimum": column.minimum,
            "maximum": column.maximum,
            "max_length": column.max_length,
            "prefilled": False,
            "since": column.since,
            "defined_name": None,
            "sheet": table.sheet,
            "template_cell": None,
            "table": table.name,
            "column": column.label,
        })
    return entries


def reference_text(schema: FormSchema, lists: Mapping[str, tuple[str, ...]]) -> str:
    lines = [f"{schema.title} (soort '{schema.kind}', sjabloonversie {schema.version})", ""]
    for entry in field_reference(schema, lists):
        where = f"naam {entry['defined_name']}" if entry["defined_name"] else \
            f"tabel {entry['table']}[{entry['column']}]"
        need = "verplicht" if entry["required"] else (
            f"verplicht {entry['required_when']}" if entry["required_when"] else "niet verplicht")
        lines.append(f"{entry['id']:<28} {entry['label']} — {entry['type']}, {need}; {where}")
        if entry["allowed"]:
            shown = ", ".join(entry["allowed"][:12]) + (" …" if len(entry["allowed"]) > 12 else "")
            lines.append(f"{'':<28}   keuzes: {shown}")
    return "\n".join(lines)
