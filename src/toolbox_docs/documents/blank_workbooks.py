"""The blank intake and evaluation workbooks, made from the settings' lists and the methods catalogue."""

from __future__ import annotations

from toolbox_docs.advice.catalogue import load_catalogue
from toolbox_docs.forms.schema import EVALUATION_SCHEMA, INTAKE_SCHEMA
from toolbox_docs.forms.xlsx_template import build_workbook
from toolbox_docs.settings import Settings

BLANK_NAMES = {INTAKE_SCHEMA.kind: "intake.xlsx", EVALUATION_SCHEMA.kind: "evaluatie.xlsx"}


def blank_workbooks(settings: Settings) -> dict[str, bytes]:
    """File name -> content of each blank workbook."""
    catalogue = load_catalogue(settings.catalogue_path, categories=settings.categories)
    lists = {**settings.lists, "methods": tuple(m.name for m in catalogue.methods)}
    return {BLANK_NAMES[schema.kind]: build_workbook(schema, lists) for schema in (INTAKE_SCHEMA, EVALUATION_SCHEMA)}
