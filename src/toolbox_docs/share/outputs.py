"""The names of the outputs beside an input, and recognising them (so the watcher never feeds on them).

Outputs are named ``<stem> - participatieplan.docx``, ``<stem> - collegevoorstel.docx`` (or
``raadsvoorstel``), ``<stem> - evaluatie.xlsx``, and for an evaluation ``<stem> - evaluatieverslag.docx``.
The stem identifies the project (``output_stem``):

- the project's name, cleaned so that it is valid on every file system (``names.output_stem``), when the
  workbook still has the blank template's own name (``intake.xlsx``; for an evaluation ``evaluatie.xlsx`` or
  the name the toolbox gave it, ``… - evaluatie.xlsx``): "Groenplan Meezenbroek - participatieplan.docx";
- the workbook's own name when a person chose another one ("Groenplan fase 2.xlsx" gives
  "Groenplan fase 2 - participatieplan.docx"), when the project has no usable name, or when another
  workbook in the folder already has the project's name (two intakes never share outputs).

So the names are stable across runs while the project keeps its name. The feedback file is about the
file, not the project: it keeps the workbook's own name, ``<name> - feedback.txt``.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from toolbox_docs.names import output_stem as clean_stem
from toolbox_docs.vocab import ProposalKind

PLAN = "participatieplan"
EVALUATION_WORKBOOK = "evaluatie"
REPORT = "evaluatieverslag"
FEEDBACK = "feedback"
PROPOSALS = (ProposalKind.COLLEGE, ProposalKind.COUNCIL)
SEPARATOR = " - "
# The names of the blank workbooks (``documents.blank_workbooks.BLANK_NAMES``) without their extension, by kind.
TEMPLATE_STEMS = {"intake": "intake", "evaluatie": "evaluatie"}
_OUTPUT_SUFFIXES = {
    f"{SEPARATOR}{PLAN}.docx", f"{SEPARATOR}{REPORT}.docx", f"{SEPARATOR}{FEEDBACK}.txt",
    *(f"{SEPARATOR}{p}.docx" for p in PROPOSALS),
}
REGISTER_NAME = "projectenregister.xlsx"
LEASE_NAME = ".toolbox-dienst.json"


def has_template_name(source: Path, kind: str) -> bool:
    """Whether a workbook of ``kind`` still has the blank template's name (``intake.xlsx``,
    ``evaluatie.xlsx``), or (an evaluation) the name the toolbox gave it (``… - evaluatie.xlsx``)."""
    stem = source.stem.casefold()
    if stem == TEMPLATE_STEMS.get(kind):
        return True
    return kind == "evaluatie" and stem.endswith(f"{SEPARATOR}{EVALUATION_WORKBOOK}")


def output_stem(source: Path, project_name: str | None, *, kind: str, taken: Collection[str] = ()) -> str:
    """The first part of the outputs' names for ``source``, a workbook of ``kind`` (see the module's rule).
    ``taken``: the stems of the other workbooks in the folder (compared without case)."""
    if not has_template_name(source, kind) or not project_name:
        return source.stem
    stem = clean_stem(project_name)
    if not stem or stem.casefold() in {t.casefold() for t in taken}:
        return source.stem
    return stem


def output_name(stem: str, what: str, suffix: str) -> str:
    return f"{stem}{SEPARATOR}{what}{suffix}"


def plan_name(stem: str) -> str:
    return output_name(stem, PLAN, ".docx")


def report_name(stem: str) -> str:
    return output_name(stem, REPORT, ".docx")


def evaluation_workbook_name(stem: str) -> str:
    return output_name(stem, EVALUATION_WORKBOOK, ".xlsx")


def proposal_name(stem: str, kind: ProposalKind) -> str:
    return output_name(stem, kind.value, ".docx")


def feedback_path(source: Path, out_dir: Path | None = None) -> Path:
    """The feedback file of a workbook: always after the workbook's own name."""
    folder = out_dir if out_dir is not None else source.parent
    return folder / output_name(source.stem, FEEDBACK, ".txt")


def output_names(stem: str) -> list[str]:
    """Every output name a stem can give (for the length check)."""
    return [plan_name(stem), report_name(stem), evaluation_workbook_name(stem),
            *(proposal_name(stem, kind) for kind in PROPOSALS)]


def is_generated_document(path: Path) -> bool:
    """Our plan, report or feedback (never a proposal: a person may edit and keep those)."""
    file_name = path.name
    return any(file_name.endswith(s) for s in _OUTPUT_SUFFIXES if "voorstel" not in s)


def is_plan(file_name: str) -> bool:
    return file_name.endswith(f"{SEPARATOR}{PLAN}.docx")


def is_register(path: Path) -> bool:
    return path.name == REGISTER_NAME
