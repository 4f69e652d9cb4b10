"""A workbook the pipeline cannot use gets a Dutch feedback file beside it, and nothing else; a write that
failed is retried, unless the input or its folder went away meanwhile. Also: the names a run may write,
checked before anything is written, and a shortened feedback name where even those do not fit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from toolbox_docs.errors import WriteError
from toolbox_docs.forms.check import Check, WorkbookStatus
from toolbox_docs.forms.schema import Severity
from toolbox_docs.forms.validate import Problem
from toolbox_docs.names import printable
from toolbox_docs.pipeline.feedback import feedback_text
from toolbox_docs.pipeline.runtime import Outcome, ProcessResult, Runtime
from toolbox_docs.share.fsio import BACKUP_FOLDER, Folder, names_fit
from toolbox_docs.share.outputs import (
    FEEDBACK,
    SEPARATOR,
    feedback_path,
    output_name,
    output_names,
)
from toolbox_docs.share.publish import Action, publish
from toolbox_docs.state import State


def write_failed(path: Path, source: Folder, check: Check, digest: str, error: WriteError,
                  problems: tuple[Problem, ...] = ()) -> ProcessResult:
    """A write failed: retried later (``mislukt``), unless the input itself went away meanwhile, or its
    folder was moved or replaced (by a link, say): then nothing was written there and the run is over."""
    if error.reason == "moved" or not source.still_in_place() or not source.regular(path.name):
        return ProcessResult(path, Outcome.IGNORED, check.kind, digest, problems=problems,
                             message=f"het bestand of zijn map is tijdens de verwerking verwijderd, verplaatst of "
                                     f"vervangen ({error})")
    return ProcessResult(path, Outcome.FAILED, check.kind, digest, problems=problems, message=str(error))


# The longest name a backup in 'Vorige versies' gets: the output's name plus a time stamp and a counter.
_BACKUP_STAMP = " (2000-01-01 000000-999)"


def names_for(folder: Path, stem: str) -> list[Path]:
    """Every name the pipeline may write in ``folder`` for outputs named after ``stem``, with the feedback
    file and their backups."""
    outputs = [folder / n for n in (*output_names(stem), output_name(stem, FEEDBACK, ".txt"))]
    backups = [o.parent / BACKUP_FOLDER / f"{o.stem}{_BACKUP_STAMP}{o.suffix}" for o in outputs]
    return outputs + backups


def _short_feedback_path(path: Path, folder: Path) -> Path | None:
    """A feedback name that fits in ``folder`` (the name shortened, marked with '…'); None if none fits."""
    suffix = f"{SEPARATOR}{FEEDBACK}.txt"
    stem = path.stem
    while stem:
        candidate = folder / f"{stem}…{suffix}"
        if names_fit([candidate]):
            return candidate
        stem = stem[:-max(1, len(stem) // 8)]
    return None


def names_too_long(path: Path, runtime: Runtime, now: dt.datetime, out: Folder, digest: str, *,
                    source: Folder) -> ProcessResult:
    problem = Problem("name-too-long", Severity.ERROR, "De naam van het werkboek (of het pad van de map) is te lang: "
                      "de bestanden die de toolbox ernaast maakt, zoals het participatieplan en een reservekopie in "
                      f"'{BACKUP_FOLDER}', krijgen een nog langere naam en passen niet. Geef het werkboek een kortere "
                      "naam, of zet het in een map met een korter pad, en sla het opnieuw op. Dit bestand kun je "
                      "daarna weggooien.")
    check = Check(WorkbookStatus.INVALID, None, None, (problem,))
    target = _short_feedback_path(path, out.path)
    if target is None:
        return ProcessResult(path, Outcome.FAILED, None, digest, problems=(problem,),
                             message="de naam of het pad is te lang, ook voor een feedbackbestand")
    return rejected(path, check, runtime, now, out, digest, target=target, source=source)


def publish_feedback(out: Folder, name: str, problems: Sequence[Problem], *, source: Path, unreadable: bool,
                     state: State, now: dt.datetime) -> Action:
    """The one writer of a feedback file (the pipeline's, and the service's for a run that crashed): the
    Dutch text of ``feedback.py``, UTF-8 with a byte-order mark (so Notepad shows the accents), published as
    ``name`` in ``out``. Raises ``WriteError``."""
    text = feedback_text(printable(source.name), problems, now=now, unreadable=unreadable)
    return publish(out, name, ("\ufeff" + text).encode("utf-8"), state=state, source=source, now=now)


def rejected(path: Path, check: Check, runtime: Runtime, now: dt.datetime, out: Folder,
              digest: str, *, source: Folder, target: Path | None = None) -> ProcessResult:
    target = target if target is not None else feedback_path(path, out.path)
    unusable = check.status == WorkbookStatus.UNREADABLE or check.kind is None  # not a form with cells to correct
    try:
        action = publish_feedback(out, target.name, check.problems, source=path, unreadable=unusable,
                                  state=runtime.state, now=now)
    except WriteError as error:
        return write_failed(path, source, check, digest, error, check.problems)
    errors = sum(1 for p in check.problems if p.is_error)
    return ProcessResult(path, Outcome.REJECTED, check.kind, digest, (action,), check.problems,
                         message=f"{errors} {'punt' if errors == 1 else 'punten'} om te verbeteren; zie {target.name}")
