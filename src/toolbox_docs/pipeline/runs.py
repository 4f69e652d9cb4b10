"""The two runs of the pipeline for a valid workbook, and the project they belong to.

- an intake: the advice, the paragraph into the proposal(s) that are this intake's, the participatieplan and
  (once) the pre-filled evaluation workbook, all carrying the project's identity (``identity``); the project
  is found in the register by the intake's path, else placed by the identity on the share and by content
  (``Register.place``: moved, copied, or found again after a lost state); outputs are named after the
  project (``outputs.output_stem``), and a plan under an old name goes to ``Vorige versies/``;
- an evaluation: only for the project whose folder it is in (``belongs_here``; the folder's intakes are
  placed first, so a renamed folder or a lost state still counts); otherwise a Dutch feedback says which
  project it names. Then the report, the project to 'afgerond', and, while the decision is still to be
  taken, what came out into the paragraph of the project's own proposals.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any, cast

from toolbox_docs.advice.evaluation import Recorded, compare, verdict
from toolbox_docs.advice.model import Advice
from toolbox_docs.documents.chart import Party, stakeholder_chart
from toolbox_docs.documents.context import paragraph_context, plan_context, report_context
from toolbox_docs.documents.docx_writer import build_document
from toolbox_docs.errors import DocumentError, WorkbookError
from toolbox_docs.formatting import date_long
from toolbox_docs.forms.check import Check, WorkbookStatus, check_with_settings
from toolbox_docs.forms.records import Evaluation, Intake
from toolbox_docs.forms.schema import EVALUATION_SCHEMA, INTAKE, Severity
from toolbox_docs.forms.validate import Problem
from toolbox_docs.forms.xlsx_template import build_workbook
from toolbox_docs.names import printable
from toolbox_docs.pipeline.identity import EVALUATION as EVALUATION_DOCUMENT
from toolbox_docs.pipeline.identity import PLAN as PLAN_DOCUMENT
from toolbox_docs.pipeline.identity import REPORT as REPORT_DOCUMENT
from toolbox_docs.pipeline.identity import Beside, intake_present, look, stamp
from toolbox_docs.pipeline.proposals import Owner, write_paragraph
from toolbox_docs.pipeline.rejection import names_for, rejected
from toolbox_docs.pipeline.runtime import Outcome, ProcessResult, Runtime
from toolbox_docs.register.projects import FINISHED, Placement, Project
from toolbox_docs.settings import Settings
from toolbox_docs.share.fsio import Folder, names_fit, sha256
from toolbox_docs.share.outputs import (
    evaluation_workbook_name,
    feedback_path,
    is_plan,
    output_stem,
    plan_name,
    report_name,
)
from toolbox_docs.share.publish import Action, Did, open_elsewhere, publish, remove_if_present
from toolbox_docs.state import path_key


def _outcome(actions: list[Action]) -> Outcome:
    return Outcome.DEFERRED if any(a.did is Did.DEFERRED for a in actions) else Outcome.DONE


def _evaluation_summary(project: Project | None) -> dict[str, Any] | None:
    """What the paragraph says about the outcome, while the decision is still to be taken."""
    if project is None or project.status != FINISHED or not project.outcome or project.decision_taken:
        return None
    return {"outcome": project.outcome, "achieved_level": project.actual_level,
            "step_name": project.step_name, "support": project.support, "verdict": project.verdict}


def run_intake(path: Path, check: Check, runtime: Runtime, *, now: dt.datetime, source: Folder, out: Folder,
            digest: str, proposal_template: Path | None) -> ProcessResult:
    intake = cast(Intake, check.record)  # a valid check of an intake carries its record
    settings = runtime.settings
    advice = runtime.advise(intake)
    beside = _look(source, out, settings)
    project, placement = _register_intake(path, intake, advice, digest, runtime, beside=beside, now=now,
                                          moved_outputs=out is source)
    note = placement.note()
    notes = [Problem("project-identity", Severity.WARNING, note[0].upper() + note[1:] + ".")] if note else []
    stem = _stem(path, intake.project_name, "intake", beside, out)
    actions: list[Action] = []
    paragraph = runtime.wording.render("participatieparagraaf.html.j2", paragraph_context(
        intake, advice, organisation=settings.organisation, rules=runtime.rules,
        outcome=_evaluation_summary(project)))
    template_problem: Problem | None = None
    owner = Owner(project.project_id, path, beside.intakes)
    try:
        run = write_paragraph(out, paragraph, owner=owner, proposal_kind=intake.proposal_kind, stem=stem,
                              settings=settings, state=runtime.state, now=now, template=proposal_template,
                              fields=header_fields(intake))
        actions += run.actions
        proposal_errors = run.errors
    except DocumentError as error:
        # The template is unusable: everything else is still written; the proposal waits for a fix.
        template_problem = Problem(f"template-{error.code}", Severity.ERROR, f"Het voorstel is niet gemaakt: {error}")
        proposal_errors = ()
    warnings = tuple(p for p in check.problems if not p.is_error)
    chart = stakeholder_chart([Party(s.name, s.influence, s.interest, s.position.value)
                               for s in intake.stakeholders], threshold=runtime.rules.high_from - 0.5)
    plan_blocks = runtime.wording.render("participatieplan.html.j2", plan_context(
        intake, advice, organisation=settings.organisation, rules=runtime.rules, form_warnings=warnings))
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
    problems = (*warnings, *notes, *(Problem("proposal", Severity.ERROR, text) for text in proposal_errors))
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
    if stem != path.stem and not names_fit(names_for(out.path, stem)):
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


def header_fields(intake: Intake) -> dict[str, str]:
    """What the intake knows of the proposal's header: the subject, the planned decision date, the
    portfolio holder and the author with their team. The rest keeps its placeholder."""
    return {
        "onderwerp": intake.project_name,
        "datum": date_long(intake.decision_date) if intake.decision_date else "",
        "portefeuillehouder": intake.portfolio_holder or "",
        "steller": f"{intake.trekker_name}, {intake.team}",
    }


def _evaluation_prefill(project_id: str, intake: Intake, advice: Advice) -> dict[str, Any]:
    values = {
        "project_id": project_id,
        "project_name": intake.project_name,
        "participation_kind": intake.participation_kind,
        "trekker_name": intake.trekker_name,
        "trekker_email": intake.trekker_email,
        "planned_level": advice.level,  # burgerparticipatie: a level of the participatieladder
        "planned_role": advice.rung,  # overheidsparticipatie: the municipality's role (ROB trap)
        "planned_methods": "; ".join(m.name for m in advice.methods),
        "planned_hours": advice.totals.hours,
        "planned_euros": advice.totals.euros,
        "participation_start": intake.participation_start,
        "participation_end": intake.participation_end,
    }
    return {key: value for key, value in values.items() if value is not None}


def belongs_here(project: Project, folder: Folder) -> bool:
    """The authority of an evaluation: whether ``project`` is the project whose intake is in ``folder``."""
    return os.path.dirname(project.intake_path) == path_key(folder.path)


def run_evaluation(path: Path, check: Check, runtime: Runtime, *, now: dt.datetime, source: Folder, out: Folder,
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
    registered = project if project is not None and project.project_id == evaluation.project_id else None
    comparison = compare(evaluation, recorded=registered.recorded() if registered else Recorded(),
                         hourly_rate=settings.hourly_rate)
    blocks = runtime.wording.render("evaluatieverslag.html.j2", report_context(
        evaluation, organisation=settings.organisation, comparison=comparison))
    report = build_document(blocks, limits=settings.limits, title=f"Evaluatie participatie {evaluation.project_name}")
    report = stamp(report, project_id=evaluation.project_id,
                   intake=Path(project.intake_path) if project is not None else path, document=REPORT_DOCUMENT)
    actions = [publish(out, report_name(stem), report, state=runtime.state, source=path, now=now)]
    problems = list(p for p in check.problems if not p.is_error)
    done = runtime.register.complete(evaluation, judged, now=now, hourly_rate=settings.hourly_rate) \
        if project is not None else None
    if done is None:
        problems.append(Problem("unknown-project", Severity.WARNING,
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
    problem = Problem("other-project", Severity.ERROR, (
        f"Dit evaluatiewerkboek hoort bij project {project.project_id} ({project.name}). Dat project staat in een "
        f"andere map: {folder}. Een evaluatie telt alleen in de map van het eigen project. Daarom is er geen "
        "evaluatieverslag gemaakt en is het projectenregister niet bijgewerkt. Wil je het project van deze map "
        "evalueren? Gebruik dan het evaluatiewerkboek dat de toolbox in deze map heeft gezet. Is dit de evaluatie "
        "van vorig jaar of van een ander project? Dan kun je dit bestand weggooien."))
    refused = Check(WorkbookStatus.INVALID, check.kind, check.version, (problem,))
    return rejected(path, refused, runtime, now, out, digest, source=source)


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
        intake, advice, organisation=runtime.settings.organisation, rules=runtime.rules,
        outcome=_evaluation_summary(project)))
    stem = _stem(intake_path, intake.project_name, "intake", beside, out)
    run = write_paragraph(out, blocks, owner=Owner(project.project_id, intake_path, beside.intakes),
                          proposal_kind=intake.proposal_kind, stem=stem, settings=runtime.settings,
                          state=runtime.state, now=now, create=False, fields=header_fields(intake))
    return list(run.actions)
