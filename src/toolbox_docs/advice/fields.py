"""Intake field ids that a warning or checklist point can name, and their Dutch labels."""

from __future__ import annotations

from toolbox_docs.forms.schema import INTAKE_SCHEMA

STAKEHOLDER_FIELD = INTAKE_SCHEMA.table.record_field


def is_intake_field(field_id: str) -> bool:
    return field_id == STAKEHOLDER_FIELD or any(f.id == field_id for f in INTAKE_SCHEMA.fields)


def label_of(field_id: str) -> str:
    if field_id == STAKEHOLDER_FIELD:
        return INTAKE_SCHEMA.table.title
    return INTAKE_SCHEMA.label_of(field_id)
