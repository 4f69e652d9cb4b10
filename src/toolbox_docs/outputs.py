"""The names of the outputs beside an input, and recognising them (so the watcher never feeds on them).

For an input ``intake.xlsx`` the outputs are ``intake - participatieplan.docx``, ``intake -
collegevoorstel.docx`` (or ``raadsvoorstel``), ``intake - evaluatie.xlsx`` and, when there are problems,
``intake - feedback.txt``; for an evaluation ``… - evaluatieverslag.docx``.
"""

from __future__ import annotations

from pathlib import Path

from toolbox_docs.fsio import BACKUP_FOLDER

PLAN = "participatieplan"
EVALUATION_WORKBOOK = "evaluatie"
REPORT = "evaluatieverslag"
FEEDBACK = "feedback"
PROPOSALS = ("collegevoorstel", "raadsvoorstel")
SEPARATOR = " - "
_OUTPUT_SUFFIXES = {
    f"{SEPARATOR}{PLAN}.docx", f"{SEPARATOR}{REPORT}.docx", f"{SEPARATOR}{FEEDBACK}.txt",
    *(f"{SEPARATOR}{p}.docx" for p in PROPOSALS),
}
REGISTER_NAME = "projectenregister.xlsx"
HEARTBEAT_NAME = ".toolbox-status.json"


def output_path(source: Path, what: str, suffix: str, *, out_dir: Path | None = None) -> Path:
    folder = out_dir if out_dir is not None else source.parent
    return folder / f"{source.stem}{SEPARATOR}{what}{suffix}"


def plan_path(source: Path, out_dir: Path | None = None) -> Path:
    return output_path(source, PLAN, ".docx", out_dir=out_dir)


def report_path(source: Path, out_dir: Path | None = None) -> Path:
    return output_path(source, REPORT, ".docx", out_dir=out_dir)


def feedback_path(source: Path, out_dir: Path | None = None) -> Path:
    return output_path(source, FEEDBACK, ".txt", out_dir=out_dir)


def evaluation_workbook_path(source: Path, out_dir: Path | None = None) -> Path:
    return output_path(source, EVALUATION_WORKBOOK, ".xlsx", out_dir=out_dir)


def proposal_path(source: Path, kind: str, out_dir: Path | None = None) -> Path:
    return output_path(source, kind, ".docx", out_dir=out_dir)


def is_generated_document(path: Path) -> bool:
    """Our plan, report or feedback (never a proposal: a person may edit and keep those)."""
    name = path.name
    return any(name.endswith(s) for s in _OUTPUT_SUFFIXES if "voorstel" not in s)


def in_backup_folder(path: Path) -> bool:
    return BACKUP_FOLDER in path.parts


def is_register(path: Path) -> bool:
    return path.name == REGISTER_NAME
