"""Writing the blank intake and evaluation workbooks to a folder (atomically)."""

from __future__ import annotations

from pathlib import Path

from toolbox_docs.advice.catalogue import load_catalogue
from toolbox_docs.errors import ToolboxError
from toolbox_docs.forms.schema import EVALUATION_SCHEMA, INTAKE_SCHEMA
from toolbox_docs.forms.xlsx_template import build_workbook
from toolbox_docs.fsio import atomic_write
from toolbox_docs.settings import Settings

BLANK_NAMES = {INTAKE_SCHEMA.kind: "intake.xlsx", EVALUATION_SCHEMA.kind: "evaluatie.xlsx"}


def write_blank_workbooks(out_dir: Path, settings: Settings) -> list[Path]:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ToolboxError(f"kan de map niet maken ({error.strerror}).", path=out_dir) from None
    catalogue = load_catalogue(settings.catalogue_path, categories=settings.categories)
    lists = {**settings.lists, "methods": tuple(m.name for m in catalogue.methods)}
    written = []
    for schema in (INTAKE_SCHEMA, EVALUATION_SCHEMA):
        target = out_dir / BLANK_NAMES[schema.kind]
        atomic_write(target, build_workbook(schema, lists))
        written.append(target)
    return written
