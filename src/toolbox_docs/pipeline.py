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

The input is read once, not through a symbolic link, into memory; everything works on that private copy.
A write that fails because the input's folder went away while it was processed ends as ``genegeerd``.

Outcomes are values (``Outcome``), recorded in the ledger; only the unexpected raises.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, cast

from toolbox_docs.advice.advise import advise, load_advice_data
from toolbox_docs.advice.catalogue import Catalogue
from toolbox_docs.advice.checklist import Checklist
from toolbox_docs.advice.model import Advice
from toolbox_docs.advice.rules import Rules
from toolbox_docs.documents.chart import Party, stakeholder_chart
from toolbox_docs.documents.context import paragraph_context, plan_context, report_context
from toolbox_docs.documents.docx_writer import build_document
from toolbox_docs.documents.wording import Wording
from toolbox_docs.errors import DocumentError, SettingsError, WorkbookError
from toolbox_docs.evaluation import verdict
from toolbox_docs.feedback import feedback_text
from toolbox_docs.forms.check import INVALID, NOT_OURS_STATUS, UNREADABLE, Check, check_with_settings, refusal
from toolbox_docs.forms.records import Evaluation, Intake
from toolbox_docs.forms.schema import ERROR, EVALUATION, EVALUATION_SCHEMA, INTAKE
from toolbox_docs.forms.validate import Problem
from toolbox_docs.forms.xlsx_template import build_workbook
from toolbox_docs.fsio import BACKUP_FOLDER, Folder, FolderError, WriteError, names_fit, sha256
from toolbox_docs.identity import EVALUATION as EVALUATION_DOCUMENT
from toolbox_docs.identity import PLAN as PLAN_DOCUMENT
from toolbox_docs.identity import REPORT as REPORT_DOCUMENT
from toolbox_docs.identity import Beside, intake_present, look, stamp
from toolbox_docs.names import printable
from toolbox_docs.outputs import (
    FEEDBACK,
    SEPARATOR,
    evaluation_workbook_name,
    feedback_path,
    is_plan,
    output_name,
    output_names,
    output_stem,
    plan_name,
    report_name,
)
from toolbox_docs.proposals import Owner, write_paragraph
from toolbox_docs.publish import Action, Did, content_digest, open_elsewhere, publish, remove_if_present
from toolbox_docs.register import FINISHED, Placement, Project, Register
from toolbox_docs.settings import Settings
from toolbox_docs.state import DEFAULT_BUSY_SECONDS, State, path_key

# Problems of a processed file that are about the project and its documents rather than the workbook's cells.
NOTE_CODES = frozenset({"project-identity", "proposal"})


class Outcome(StrEnum):
    DONE = "verwerkt"
    REJECTED = "afgekeurd"
    IGNORED = "genegeerd"
    DEFERRED = "uitgesteld"
    FAILED = "mislukt"

    @property
    def final(self) -> bool:
        """Whether the same content needs no further attempt (deferred and failed are retried)."""
        return self in (Outcome.DONE, Outcome.REJECTED, Outcome.IGNORED)


@dataclass(frozen=True)
class ProcessResult:
    path: Path
    outcome: Outcome
    kind: str | None = None
    sha256: str | None = None
    actions: tuple[Action, ...] = ()
    problems: tuple[Problem, ...] = ()
    message: str = ""
    advice: Advice | None = None
    project_id: str | None = None

    @property
    def written(self) -> tuple[Path, ...]:
        return tuple(a.path for a in self.actions if a.did in (Did.CREATED, Did.UPDATED))

    @property
    def outputs(self) -> tuple[Path, ...]:
        """What stands beside the input after the run (a deleted one is made again: the service checks)."""
        return tuple(a.path for a in self.actions if a.did not in (Did.REMOVED, Did.MOVED, Did.SKIPPED))

    def notes(self) -> tuple[str, ...]:
        """The lines the admin should read in the log at once, not only at debug level: what the run decided
        about the project's identity (a copy, a move) and proposals it could not write."""
        return tuple(f"  - {p.severity}: {printable(p.message)}" for p in self.problems if p.code in NOTE_CODES)

    def lines(self) -> list[str]:
        """A Dutch summary for people."""
        head = f"{printable(self.path)}: {self.outcome.value}"
        if self.message:
            head += f" — {printable(self.message)}"
        lines = [head]
        lines += [f"  {action.line()}" for action in self.actions]
        lines += [f"  - {p.severity} ({p.place()}): {printable(p.message)}" if p.place()
                  else f"  - {p.severity}: {printable(p.message)}" for p in self.problems]
        return lines


@dataclass
class Runtime:
    """What the pipeline needs, loaded once: settings, state, advice data and wording."""

    settings: Settings
    state: State
    catalogue: Catalogue
    rules: Rules
    checklist: Checklist
    wording: Wording
    register: Register
    on_register_change: Callable[[], None] | None = None
    roots: tuple[Path, ...] = field(default=())

    @classmethod
    def open(cls, settings: Settings, *, roots: tuple[Path, ...] = (),
             busy_seconds: float = DEFAULT_BUSY_SECONDS) -> Runtime:
        catalogue, rules, checklist = load_advice_data(settings)
        wording = Wording(settings.wording_dir)
        state = State(settings.state_db, busy_seconds=busy_seconds)
        return cls(settings, state, catalogue, rules, checklist, wording, Register(state), roots=roots)

    def close(self) -> None:
        self.state.close()

    def advise(self, intake: Intake) -> Advice:
        return advise(intake, settings=self.settings, catalogue=self.catalogue, rules=self.rules,
                      checklist=self.checklist)

    def root_of(self, path: Path) -> Path | None:
        """The watched root ``path`` lies in, by its name (a link on the way is not followed to find one)."""
        absolute = os.path.abspath(path)
        for root in self.roots:
            if Path(absolute).is_relative_to(os.path.abspath(root)):
                return root
        return None


def _stamp(now: dt.datetime) -> str:
    return now.isoformat(timespec="seconds")


def _finish(runtime: Runtime, result: ProcessResult, now: dt.datetime) -> ProcessResult:
    if result.sha256 is not None:
        runtime.state.record(result.path, sha256=result.sha256, outcome=result.outcome.value, kind=result.kind,
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
            source, out = _open_folders(path, runtime, out_dir)
        except FolderError as error:
            if error.code in ("link", "gone", "outside"):
                return ProcessResult(path, Outcome.IGNORED, message=f"{error.message} Het bestand is niet verwerkt.")
            return ProcessResult(path, Outcome.FAILED, message=str(error))
        stack.callback(source.close)
        if out is not source:
            stack.callback(out.close)
        return _process(path, source, out, runtime, now=now, proposal_template=proposal_template)


def _open_folders(path: Path, runtime: Runtime, out_dir: Path | None) -> tuple[Folder, Folder]:
    """The input's folder (from its root) and the output folder (itself, or the admin's, or beside)."""
    settings = runtime.settings
    root = runtime.root_of(path)
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
        return _finish(runtime, _rejected(path, refusal(error), runtime, now, out, sha256(data), source=source), now)
    digest = sha256(data)
    if runtime.state.written_digest(path) == content_digest(data):
        return _finish(runtime, ProcessResult(path, Outcome.IGNORED, sha256=digest,
                                              message="eigen uitvoer van de toolbox, nog niet ingevuld"), now)
    check = check_with_settings(data, settings)
    if check.status == NOT_OURS_STATUS:
        return _finish(runtime, ProcessResult(path, Outcome.IGNORED, sha256=digest,
                                              message="geen werkboek van de toolbox"), now)
    if check.filled == 0 and check.kind is not None and check.status != UNREADABLE:
        # A blank template, or a prepared evaluation workbook nobody has filled in yet: nothing to say. (A
        # refusal of one of ours, such as an old template version, has no kind: it gets its feedback below.)
        return _finish(runtime, ProcessResult(path, Outcome.IGNORED, check.kind, digest,
                                              message="nog niet ingevuld"), now)
    if not names_fit(_names_for(out.path, path.stem)):
        return _finish(runtime, _names_too_long(path, runtime, now, out, digest, source=source), now)
    if check.status in (INVALID, UNREADABLE):
        return _finish(runtime, _rejected(path, check, runtime, now, out, digest, source=source), now)
    try:
        if check.kind == EVALUATION:
            result = _evaluation(path, check, runtime, now=now, source=source, out=out, digest=digest)
        else:
            result = _intake(path, check, runtime, now=now, source=source, out=out, digest=digest,
                             proposal_template=proposal_template)
    except WriteError as error:
        result = _write_failed(path, source, check, digest, error)
    except (DocumentError, SettingsError) as error:
        result = ProcessResult(path, Outcome.FAILED, check.kind, digest, message=str(error))
    return _finish(runtime, result, now)


def _write_failed(path: Path, source: Folder, check: Check, digest: str, error: WriteError,
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


def _names_for(folder: Path, stem: str) -> list[Path]:
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


def _names_too_long(path: Path, runtime: Runtime, now: dt.datetime, out: Folder, digest: str, *,
                    source: Folder) -> ProcessResult:
    problem = Problem("name-too-long", ERROR, "De naam van het werkboek (of het pad van de map) is te lang: de "
                      "bestanden die de toolbox ernaast maakt, zoals het participatieplan en een reservekopie in "
                      f"'{BACKUP_FOLDER}', krijgen een nog langere naam en passen niet. Geef het werkboek een kortere "
                      "naam, of zet het in een map met een korter pad, en sla het opnieuw op. Dit bestand kun je "
                      "daarna weggooien.")
    check = Check(INVALID, None, None, (problem,))
    target = _short_feedback_path(path, out.path)
    if target is None:
        return ProcessResult(path, Outcome.FAILED, None, digest, problems=(problem,),
                             message="de naam of het pad is te lang, ook voor een feedbackbestand")
    return _rejected(path, check, runtime, now, out, digest, target=target, source=source)


def _rejected(path: Path, check: Check, runtime: Runtime, now: dt.datetime, out: Folder,
              digest: str, *, source: Folder, target: Path | None = None) -> ProcessResult:
    target = target if target is not None else feedback_path(path, out.path)
    unusable = check.status == UNREADABLE or check.kind is None  # not a form with cells to correct
    text = feedback_text(printable(path.name), check.problems, now=now, unreadable=unusable)
    try:
        action = publish(out, target.name, ("\ufeff" + text).encode("utf-8"), state=runtime.state, source=path,
                         now=now)
    except WriteError as error:
        return _write_failed(path, source, check, digest, error, check.problems)
    errors = sum(1 for p in check.problems if p.is_error)
    return ProcessResult(path, Outcome.REJECTED, check.kind, digest, (action,), check.problems,
                         message=f"{errors} probleem/problemen; zie {target.name}")


def _outcome(actions: list[Action]) -> Outcome:
    return Outcome.DEFERRED if any(a.did is Did.DEFERRED for a in actions) else Outcome.DONE


def _evaluation_summary(project: Project | None) -> dict[str, Any] | None:
    """What the paragraph says about the outcome, while the decision is still to be taken."""
    if project is None or project.status != FINISHED or not project.extra.get("outcome") \
            or project.extra.get("decision_taken"):
        return None
    return {"outcome": project.extra["outcome"], "achieved_level": project.actual_level,
            "support": project.support, "verdict": project.verdict}


def _intake(path: Path, check: Check, runtime: Runtime, *, now: dt.datetime, source: Folder, out: Folder,
            digest: str, proposal_template: Path | None) -> ProcessResult:
    intake = cast(Intake, check.record)  # a valid check of an intake carries its record
    settings = runtime.settings
    advice = runtime.advise(intake)
    beside = _look(source, out, settings)
    project, placement = _register_intake(path, intake, advice, digest, runtime, beside=beside, now=now,
                                          moved_outputs=out is source)
    note = placement.note()
    notes = [Problem("project-identity", "waarschuwing", note[0].upper() + note[1:] + ".")] if note else []
    stem = _stem(path, intake.project_name, "intake", beside, out)
    actions: list[Action] = []
    paragraph = runtime.wording.render("participatieparagraaf.html.j2", paragraph_context(
        intake, advice, organisation=settings.organisation, outcome=_evaluation_summary(project)))
    template_problem: Problem | None = None
    owner = Owner(project.project_id, path, beside.intakes)
    try:
        run = write_paragraph(out, paragraph, owner=owner, proposal_kind=intake.proposal_kind.value, stem=stem,
                              settings=settings, state=runtime.state, now=now, template=proposal_template)
        actions += run.actions
        proposal_errors = run.errors
    except DocumentError as error:
        # The template is unusable: everything else is still written; the proposal waits for a fix.
        template_problem = Problem(f"template-{error.code}", "fout", f"Het voorstel is niet gemaakt: {error}")
        proposal_errors = ()
    warnings = tuple(p for p in check.problems if not p.is_error)
    chart = stakeholder_chart([Party(s.name, s.influence, s.interest, s.position.value)
                               for s in intake.stakeholders], threshold=runtime.rules.high_from - 0.5)
    plan_blocks = runtime.wording.render("participatieplan.html.j2", plan_context(
        intake, advice, organisation=settings.organisation, form_warnings=warnings))
    plan = build_document(plan_blocks, limits=settings.limits, images={"stakeholderkaart": chart},
                          title=f"Participatieplan {intake.project_name}")
    plan = stamp(plan, project_id=project.project_id, intake=path, document=PLAN_DOCUMENT)
    actions.append(publish(out, plan_name(stem), plan, state=runtime.state, source=path, now=now))
    actions += _retire_old_plans(out, path, project.project_id, keep=plan_name(stem), beside=beside,
                                 runtime=runtime, now=now)
    actions.append(_evaluation_workbook(out, path, project, intake, advice, stem=stem, beside=beside,
                                        runtime=runtime, now=now))
    removed = remove_if_present(out, feedback_path(path).name)
    if removed is not None:
        actions.append(removed)
    if runtime.on_register_change is not None:
        runtime.on_register_change()
    problems = (*warnings, *notes, *(Problem("proposal", "fout", text) for text in proposal_errors))
    if template_problem is not None:
        return ProcessResult(path, Outcome.FAILED, check.kind, digest, tuple(actions), (*problems, template_problem),
                             message="het voorstelsjabloon is niet bruikbaar", advice=advice,
                             project_id=project.project_id)
    return ProcessResult(path, _outcome(actions), check.kind, digest, tuple(actions), problems,
                         message=f"advies: {advice.outcome}", advice=advice, project_id=project.project_id)


def _look(source: Folder, out: Folder, settings: Settings) -> Beside:
    """The intakes and workbooks in the input's folder, and the identities on the documents where the
    outputs go (the same folder unless an output folder is set)."""
    here = look(source, limits=settings.limits)
    if out is source:
        return here
    there = look(out, limits=settings.limits, intakes=False)
    return Beside(here.intakes, here.workbook_stems, there.stamps)


def _stem(path: Path, project_name: str, kind: str, beside: Beside, out: Folder) -> str:
    """The outputs' stem (``outputs.output_stem``); the workbook's own name when the project's would not fit."""
    stem = output_stem(path, project_name, kind=kind, taken=[s for s in beside.workbook_stems if s != path.stem])
    if stem != path.stem and not names_fit(_names_for(out.path, stem)):
        return path.stem
    return stem


def _register_intake(path: Path, intake: Intake, advice: Advice, digest: str, runtime: Runtime, *, beside: Beside,
                     now: dt.datetime, moved_outputs: bool) -> tuple[Project, Placement]:
    """The intake's project: the one registered at its path, else the one its identity on the share (or its
    content) points to (``Register.place``), else a new one."""
    register = runtime.register
    placement = Placement()
    if register.by_intake(path) is None:
        placement = register.place(path, stamped=beside.ids_for(path.name), sha=digest,
                                   present=lambda p: intake_present(p.intake_path, runtime.roots))
    project = register.upsert_intake(path, intake, advice, root=runtime.root_of(path), now=now,
                                     placement=placement, sha=digest)
    if placement.moved is not None and moved_outputs:
        runtime.state.move_outputs(Path(placement.moved.intake_path).parent, path.parent)
    return project, placement


def register_beside(source: Folder, beside: Beside, runtime: Runtime, *, now: dt.datetime) -> None:
    """Register the valid intakes in ``source`` that the register does not know at their path (after the state
    was lost, or a folder was renamed), without writing anything on the share."""
    for name in beside.intakes:
        path = source.at(name)
        if runtime.register.by_intake(path) is not None:
            continue
        try:
            data = source.read(name, max_bytes=runtime.settings.limits.max_file_bytes)
        except WorkbookError:
            continue
        check = check_with_settings(data, runtime.settings)
        if check.ok and check.kind == INTAKE:
            intake = cast(Intake, check.record)
            _register_intake(path, intake, runtime.advise(intake), sha256(data), runtime, beside=beside, now=now,
                             moved_outputs=True)


def _retire_old_plans(out: Folder, path: Path, project_id: str, *, keep: str, beside: Beside, runtime: Runtime,
                      now: dt.datetime) -> list[Action]:
    """Plans of this project under another name (the project was renamed; or named the old way) go to
    'Vorige versies/', so no orphan is left beside the new one without a word."""
    ours = set(beside.of(project_id, PLAN_DOCUMENT))
    for key in runtime.state.outputs_of(path):
        written = Path(key)
        if path_key(written.parent) == path_key(out.path) and is_plan(written.name):
            ours.add(written.name)
    actions = []
    for name in sorted(ours - {keep}):
        if not out.regular(name):
            continue
        if open_elsewhere(out, name) is not None:
            continue  # open in Word: it stays until the next run
        backup = out.backup(name, now=now)
        try:
            out.remove(name)
        except OSError:
            continue
        actions.append(Action(out.at(name), Did.MOVED, f"de projectnaam is gewijzigd; het plan heet nu {keep}",
                              backup=backup))
    return actions


def _evaluation_workbook(out: Folder, path: Path, project: Project, intake: Intake, advice: Advice, *, stem: str,
                         beside: Beside, runtime: Runtime, now: dt.datetime) -> Action:
    """The pre-filled evaluation workbook, created once: one the project already has (under any name) is
    kept; one at its place that belongs to another project (copied with the folder) is backed up and
    replaced by this project's."""
    settings = runtime.settings
    existing = [n for n in beside.of(project.project_id, EVALUATION_DOCUMENT) if out.regular(n)]
    existing += [Path(k).name for k in runtime.state.outputs_of(path)
                 if Path(k).name.endswith(evaluation_workbook_name("")) and path_key(Path(k).parent)
                 == path_key(out.path) and out.regular(Path(k).name)]
    if existing:
        runtime.register.note_evaluation_workbook(project, out.at(existing[0]))
        return Action(out.at(existing[0]), Did.KEPT, "bestaat al en wordt nooit overschreven")
    target = evaluation_workbook_name(stem)
    other = beside.stamps.get(target)
    workbook = build_workbook(
        EVALUATION_SCHEMA, {**settings.lists, "methods": tuple(m.name for m in runtime.catalogue.methods)},
        values=_evaluation_prefill(project.project_id, intake, advice),
        rows=[{"method": m.name} for m in advice.methods[:EVALUATION_SCHEMA.table.rows]],
        title=f"Evaluatie participatie {intake.project_name}")
    workbook = stamp(workbook, project_id=project.project_id, intake=path, document=EVALUATION_DOCUMENT)
    runtime.register.note_evaluation_workbook(project, out.at(target))
    if other is not None and other.project_id != project.project_id:
        action = publish(out, target, workbook, state=runtime.state, source=path, now=now, always_backup=True)
        return Action(action.path, action.did, f"het werkboek dat hier stond hoorde bij project {other.project_id}",
                      action.backup)
    return publish(out, target, workbook, state=runtime.state, source=path, now=now, once=True)


def _evaluation_prefill(project_id: str, intake: Intake, advice: Advice) -> dict[str, Any]:
    return {
        "project_id": project_id,
        "project_name": intake.project_name,
        "participation_kind": intake.participation_kind,
        "trekker_name": intake.trekker_name,
        "trekker_email": intake.trekker_email,
        "planned_level": advice.outcome,
        "planned_methods": "; ".join(m.name for m in advice.methods),
        "planned_hours": advice.totals.hours,
        "planned_euros": advice.totals.euros,
        "participation_start": intake.participation_start,
        "participation_end": intake.participation_end,
    }


def belongs_here(project: Project, folder: Folder) -> bool:
    """The authority of an evaluation: whether ``project`` is the project whose intake is in ``folder``."""
    return os.path.dirname(project.intake_path) == path_key(folder.path)


def _evaluation(path: Path, check: Check, runtime: Runtime, *, now: dt.datetime, source: Folder, out: Folder,
                digest: str) -> ProcessResult:
    """The evaluation report, the project to 'afgerond', the outcome into the paragraph. Only for the project
    whose folder the workbook is in: an evaluation that names another project's number (typed over, or last
    year's copied) is refused with a Dutch feedback, and changes nothing."""
    evaluation = cast(Evaluation, check.record)
    settings = runtime.settings
    beside = _look(source, out, settings)
    project = runtime.register.get(evaluation.project_id)
    if project is None or not belongs_here(project, source):
        register_beside(source, beside, runtime, now=now)  # a renamed folder, or a lost state, first
        project = runtime.register.get(evaluation.project_id)
    if project is not None and not belongs_here(project, source):
        return _other_project(path, check, project, runtime, now=now, out=out, source=source, digest=digest)
    judged = verdict(evaluation)
    stem = _stem(path, evaluation.project_name, "evaluatie", beside, out)
    blocks = runtime.wording.render("evaluatieverslag.html.j2",
                                    report_context(evaluation, organisation=settings.organisation))
    report = build_document(blocks, limits=settings.limits, title=f"Evaluatie participatie {evaluation.project_name}")
    report = stamp(report, project_id=evaluation.project_id,
                   intake=Path(project.intake_path) if project is not None else path, document=REPORT_DOCUMENT)
    actions = [publish(out, report_name(stem), report, state=runtime.state, source=path, now=now)]
    problems = list(p for p in check.problems if not p.is_error)
    done = runtime.register.complete(evaluation, judged, now=now) if project is not None else None
    if done is None:
        problems.append(Problem("unknown-project", "waarschuwing",
                                f"Projectnummer '{evaluation.project_id}' staat niet in het projectenregister; het "
                                "verslag is gemaakt, maar het register is niet bijgewerkt."))
    elif not evaluation.decision_taken:
        actions += _update_paragraph_after_evaluation(done, runtime, source=source, out=out, beside=beside, now=now)
    removed = remove_if_present(out, feedback_path(path).name)
    if removed is not None:
        actions.append(removed)
    if runtime.on_register_change is not None:
        runtime.on_register_change()
    return ProcessResult(path, _outcome(actions), check.kind, digest, tuple(actions), tuple(problems),
                         message=f"oordeel: {judged.value}", project_id=evaluation.project_id)


def _other_project(path: Path, check: Check, project: Project, runtime: Runtime, *, now: dt.datetime, out: Folder,
                   source: Folder, digest: str) -> ProcessResult:
    folder = printable(os.path.dirname(project.intake_path))
    problem = Problem("other-project", ERROR, (
        f"Dit evaluatiewerkboek hoort bij project {project.project_id} ({project.name}). Dat project staat in een "
        f"andere map: {folder}. Een evaluatie telt alleen in de map van het eigen project. Daarom is er geen "
        "evaluatieverslag gemaakt en is het projectenregister niet bijgewerkt. Wil je het project van deze map "
        "evalueren? Gebruik dan het evaluatiewerkboek dat de toolbox in deze map heeft gezet. Is dit de evaluatie "
        "van vorig jaar of van een ander project? Dan kun je dit bestand weggooien."))
    refused = Check(INVALID, check.kind, check.version, (problem,))
    return _rejected(path, refused, runtime, now, out, digest, source=source)


def _update_paragraph_after_evaluation(project: Project, runtime: Runtime, *, source: Folder, out: Folder,
                                       beside: Beside, now: dt.datetime) -> list[Action]:
    """Re-render the paragraph with what came out, into the project's proposals. The intake is the one in
    the evaluation's own folder (checked by the caller), read through that folder like any other."""
    name = Path(project.intake_path).name
    intake_path = source.at(name)
    try:
        data = source.read(name, max_bytes=runtime.settings.limits.max_file_bytes)
    except WorkbookError:
        return [Action(intake_path, Did.SKIPPED, "de intake is niet meer te lezen; de paragraaf is niet bijgewerkt")]
    check = check_with_settings(data, runtime.settings)
    if not check.ok or check.kind != INTAKE:
        return [Action(intake_path, Did.SKIPPED, "de intake is niet meer geldig; de paragraaf is niet bijgewerkt")]
    intake = cast(Intake, check.record)  # a valid check of an intake carries its record
    advice = runtime.advise(intake)
    blocks = runtime.wording.render("participatieparagraaf.html.j2", paragraph_context(
        intake, advice, organisation=runtime.settings.organisation, outcome=_evaluation_summary(project)))
    stem = _stem(intake_path, intake.project_name, "intake", beside, out)
    run = write_paragraph(out, blocks, owner=Owner(project.project_id, intake_path, beside.intakes),
                          proposal_kind=intake.proposal_kind.value, stem=stem, settings=runtime.settings,
                          state=runtime.state, now=now, create=False)
    return list(run.actions)
