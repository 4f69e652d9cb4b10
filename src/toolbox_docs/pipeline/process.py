"""The one pipeline: a workbook in, its outputs beside it. Used by ``process``, the watcher and the demo.

``process_file`` reads a private copy, recognises and validates the workbook, and then:
- an intake: computes the advice, writes the paragraph into the proposal(s), the participatieplan
  and (once) the pre-filled evaluation workbook, registers the project, and removes an old feedback file;
- an evaluation: writes the evaluation report, moves the project to 'afgerond' in the register and,
  while the decision is still to be taken, adds what came out of participation to the paragraph;
- a workbook with problems: writes the Dutch feedback file and nothing else; so does one of ours that
  cannot be used as it is (an older or newer template version, sheets or the table removed or renamed),
  and one whose outputs would get names too long for the file system (the feedback then has a shortened
  name, so that it fits where the workbook itself does);
- a workbook that is not ours, a blank template, or our own untouched output: nothing.

The input's folder is opened from its watched root without following a link (``fsio.Folder``), the input
read once into memory through it; everything works on that private copy, and every output is written
through that folder (or the output folder's). A write that fails because the input or its folder went away
or was replaced while it was processed ends as ``genegeerd``.

The runs for a valid intake and evaluation, and the project they belong to, are in ``pipeline.runs``; the
feedback of a workbook that cannot be used in ``rejection``; the records in ``runtime``. Outcomes are
values (``Outcome``), recorded in the ledger; only the unexpected raises.
"""

from __future__ import annotations

import datetime as dt
import os
from contextlib import ExitStack
from pathlib import Path

from toolbox_docs.errors import DocumentError, FolderError, SettingsError, WorkbookError, WriteError
from toolbox_docs.forms.check import WorkbookStatus, check_with_settings, refusal
from toolbox_docs.forms.schema import EVALUATION
from toolbox_docs.pipeline.rejection import names_for, names_too_long, rejected, write_failed
from toolbox_docs.pipeline.runs import run_evaluation, run_intake
from toolbox_docs.pipeline.runtime import NOTE_CODES, Outcome, ProcessResult, Runtime
from toolbox_docs.settings import Settings
from toolbox_docs.share.fsio import Folder, names_fit, sha256
from toolbox_docs.share.publish import content_digest

__all__ = ["NOTE_CODES", "Outcome", "ProcessResult", "Runtime", "process_file"]


def _stamp(now: dt.datetime) -> str:
    return now.isoformat(timespec="seconds")


def _finish(runtime: Runtime, result: ProcessResult, now: dt.datetime) -> ProcessResult:
    if result.sha256 is not None:
        runtime.state.record(result.path, sha256=result.sha256, outcome=result.outcome, kind=result.kind,
                             at=_stamp(now), outputs=result.outputs, message=result.message)
    return result

def process_file(path: Path, runtime: Runtime, *, now: dt.datetime, out_dir: Path | None = None,
                 proposal_template: Path | None = None) -> ProcessResult:
    """One workbook through validation, advice and documents. Never raises for a bad input file.

    Outputs go beside the workbook, or into ``out_dir``; without it, a configured ``[dienst] uitvoermap``
    receives them in the same sub-folders as the workbook has under its watched root. The workbook's
    folder is opened from its watched root, and the output folder from the output folder the admin chose,
    without following a link on the way (``fsio.Folder``); every read and write goes through those.
    """
    with ExitStack() as stack:
        try:
            source, out = open_folders(path, runtime.settings, root=runtime.root_of(path), out_dir=out_dir)
        except FolderError as error:
            if error.code in ("link", "gone", "outside"):
                return ProcessResult(path, Outcome.IGNORED, message=f"{error.message} Het bestand is niet verwerkt.")
            return ProcessResult(path, Outcome.FAILED, message=str(error))
        stack.callback(source.close)
        if out is not source:
            stack.callback(out.close)
        return _process(path, source, out, runtime, now=now, proposal_template=proposal_template)


def open_folders(path: Path, settings: Settings, *, root: Path | None,
                 out_dir: Path | None = None) -> tuple[Folder, Folder]:
    """The input's folder (from its watched ``root``) and the output folder (itself, or the admin's, or
    ``out_dir``). The service opens them the same way for the feedback of a run that crashed."""
    source = Folder.open(path.parent, base=root if root is not None else path.parent)
    if out_dir is None and settings.output_dir is None:
        return source, source
    try:
        if out_dir is None:
            assert settings.output_dir is not None
            relative = Path(os.path.abspath(path.parent)).relative_to(os.path.abspath(root)) if root else Path()
            out_dir = settings.output_dir / relative
            base = settings.output_dir
        else:
            base = out_dir
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise FolderError("unwritable", f"de uitvoermap {out_dir} kan niet gemaakt worden ({error.strerror}).",
                              path=out_dir) from None
        return source, Folder.open(out_dir, base=base)
    except BaseException:
        source.close()
        raise


def _process(path: Path, source: Folder, out: Folder, runtime: Runtime, *, now: dt.datetime,
             proposal_template: Path | None) -> ProcessResult:
    settings = runtime.settings
    try:
        data = source.read(path.name, max_bytes=settings.limits.max_file_bytes)
    except WorkbookError as error:
        if error.code == "gone":
            return ProcessResult(path, Outcome.IGNORED, message="het bestand bestaat niet meer")
        if error.code in ("no-access", "read-failed", "not-a-file"):
            return ProcessResult(path, Outcome.FAILED, message=error.message)
        data = b""
        return _finish(runtime, rejected(path, refusal(error), runtime, now, out, sha256(data), source=source), now)
    digest = sha256(data)
    if runtime.state.written_digest(path) == content_digest(data):
        return _finish(runtime, ProcessResult(path, Outcome.IGNORED, sha256=digest,
                                              message="eigen uitvoer van de toolbox, nog niet ingevuld"), now)
    check = check_with_settings(data, settings)
    if check.status == WorkbookStatus.NOT_OURS:
        return _finish(runtime, ProcessResult(path, Outcome.IGNORED, sha256=digest,
                                              message="geen werkboek van de toolbox"), now)
    if check.filled == 0 and check.kind is not None and check.status != WorkbookStatus.UNREADABLE:
        # A blank template, or a prepared evaluation workbook nobody has filled in yet: nothing to say. (A
        # refusal of one of ours, such as an old template version, has no kind: it gets its feedback below.)
        return _finish(runtime, ProcessResult(path, Outcome.IGNORED, check.kind, digest,
                                              message="nog niet ingevuld"), now)
    if not names_fit(names_for(out.path, path.stem)):
        return _finish(runtime, names_too_long(path, runtime, now, out, digest, source=source), now)
    if check.status in (WorkbookStatus.INVALID, WorkbookStatus.UNREADABLE):
        return _finish(runtime, rejected(path, check, runtime, now, out, digest, source=source), now)
    try:
        if check.kind == EVALUATION:
            result = run_evaluation(path, check, runtime, now=now, source=source, out=out, digest=digest)
        else:
            result = run_intake(path, check, runtime, now=now, source=source, out=out, digest=digest,
                             proposal_template=proposal_template)
    except WriteError as error:
        result = write_failed(path, source, check, digest, error)
    except (DocumentError, SettingsError) as error:
        result = ProcessResult(path, Outcome.FAILED, check.kind, digest, message=str(error))
    return _finish(runtime, result, now)
