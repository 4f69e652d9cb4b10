"""(a) ``process`` of one intake end to end, in-process and warm, versus the I/O floor.

End to end: ``pipeline.process_file`` on the worked example, each round in a new project folder (so every
round does all the work: validation, advice, proposal from the template, participatieplan with the chart,
evaluation workbook, register).

The I/O floor is the input and output the pipeline cannot do without, done the way the pipeline does it,
with nothing computed in between: the intake read through the project folder (``fsio.Folder``, a private
copy) and parsed by the pipeline's own reader (``forms.xlsx_read.read_form``: the few XML parts a form
needs, not a full openpyxl load, which the pipeline never does); the three documents it wrote opened and
saved again (proposal and plan with python-docx, the evaluation workbook with openpyxl), each written the
way the pipeline writes (``Folder.write``: a temp file, fsync, read back, rename, fsync of the folder); and
the same six SQLite write transactions as a run (three outputs remembered, two register rows, one ledger
entry; counted with sqlite3's trace of a ``process_file`` run). The steps of the pipeline are timed one by
one as well, to show where the time goes (not a comparison; no target).
"""

from __future__ import annotations

import datetime as dt
import shutil
import warnings
from pathlib import Path
from typing import Any

from common import Samples, interleaved, ms, verdict

from toolbox_docs.settings import Settings

NOW = dt.datetime(2027, 1, 11, 9, 30)
TARGET_RATIO = 2.0
TARGET_MS = 250.0


def run(work: Path, intake: bytes, *, rounds: int, log: Any) -> dict[str, Any]:
    import dataclasses
    import io

    import docx
    import openpyxl

    from toolbox_docs.forms.xlsx_read import read_form
    from toolbox_docs.pipeline.process import Outcome, Runtime, process_file
    from toolbox_docs.register.projects import Register
    from toolbox_docs.share.fsio import Folder, sha256
    from toolbox_docs.state import path_key

    settings = Settings().replace(state_db=work / "state" / "state.sqlite")
    runtime = Runtime.open(settings)
    counter = iter(range(1_000_000))
    written: dict[str, Path] = {}

    def process() -> None:
        folder = work / "Projecten" / f"Project {next(counter):04d}"
        folder.mkdir(parents=True)
        source = folder / "intake.xlsx"
        source.write_bytes(intake)
        result = process_file(source, runtime, now=NOW)
        if result.outcome is not Outcome.DONE:
            raise RuntimeError(f"process_file: {result.outcome.value} — {result.message}")
        if not written:
            written["intake"] = source
            for path in result.written:
                kind = "proposal" if path.name.endswith("voorstel.docx") else "plan" \
                    if path.name.endswith(" - participatieplan.docx") else "evaluation"
                written[kind] = path

    process()  # the first run also gives the floor its files
    register = Register(runtime.state)
    project = register.by_intake(written["intake"])
    assert project is not None
    limits = settings.limits
    floors = iter(range(1_000_000))

    def floor() -> None:
        number = next(floors)
        target = work / "floor" / f"Project {number:04d}"
        target.mkdir(parents=True)
        source = Folder.open(written["intake"].parent, base=work)
        out = Folder.open(target, base=work)
        try:
            data = source.read(written["intake"].name, max_bytes=limits.max_file_bytes)
            read_form(data, limits=limits)
            stamp = NOW.isoformat(timespec="seconds")
            intake_path = target / "intake.xlsx"
            saved = []
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                for kind in ("proposal", "plan", "evaluation"):
                    buffer = io.BytesIO()
                    if kind == "evaluation":
                        openpyxl.load_workbook(written[kind]).save(buffer)
                    else:
                        docx.Document(str(written[kind])).save(buffer)
                    out.write(written[kind].name, buffer.getvalue())
                    saved.append(out.at(written[kind].name))
                    if kind == "proposal":  # the register row is written between the outputs, as in a run
                        moved = dataclasses.replace(project, project_id=f"F-{number:06d}",
                                                    intake_path=path_key(intake_path))
                        register._save(moved)
                        register._save(dataclasses.replace(moved, updated_at=stamp))
                    runtime.state.remember_output(saved[-1], digest=sha256(buffer.getvalue()), source=intake_path,
                                                  at=stamp)
            runtime.state.record(intake_path, sha256=sha256(data), outcome=Outcome.DONE.value, kind="intake",
                                 at=stamp, outputs=saved)
        finally:
            source.close()
            out.close()

    log(f"(a) process_file vs I/O floor: {rounds} rounds after 2 warm-up rounds ...")
    end_to_end, io_floor = interleaved([("process_file", process), ("I/O floor", floor)], rounds=rounds, warm_up=2)
    steps = _steps(runtime, intake, rounds=max(3, rounds // 2))
    runtime.close()
    shutil.rmtree(work / "Projecten", ignore_errors=True)
    shutil.rmtree(work / "floor", ignore_errors=True)
    ratio = end_to_end.median / io_floor.median
    return {
        "what": "process_file of the worked example, in-process and warm, each round in a new project folder, "
                "versus the I/O floor: the intake read as the pipeline reads it (Folder.read + read_form), "
                "python-docx opening and saving the proposal and the plan, openpyxl opening and saving the "
                "evaluation workbook, each written as the pipeline writes (Folder.write: temp file, fsync, "
                "read back, rename, fsync of the folder), and the run's six SQLite write transactions",
        "end_to_end": end_to_end.as_dict(),
        "io_floor": io_floor.as_dict(),
        "ratio": round(ratio, 2),
        "targets": {
            "ratio_at_most": TARGET_RATIO, "ratio_met": ratio <= TARGET_RATIO,
            "median_ms_below": TARGET_MS, "median_met": end_to_end.median * 1000 < TARGET_MS,
        },
        "steps": {s.name: s.as_dict() for s in steps},
    }


def _steps(runtime: Any, intake: bytes, *, rounds: int) -> list[Samples]:
    """The expensive steps of an intake's processing, each on its own."""
    from toolbox_docs.documents.chart import Party, stakeholder_chart
    from toolbox_docs.documents.context import paragraph_context, plan_context
    from toolbox_docs.documents.docx_writer import build_document, write_section
    from toolbox_docs.forms.check import check_with_settings
    from toolbox_docs.forms.schema import EVALUATION_SCHEMA
    from toolbox_docs.forms.xlsx_template import build_workbook

    settings = runtime.settings
    check = check_with_settings(intake, settings)
    record = check.record
    advice = runtime.advise(record)
    organisation = settings.organisation
    parties = [Party(s.name, s.influence, s.interest, s.position.value) for s in record.stakeholders]
    chart = stakeholder_chart(parties, threshold=runtime.rules.high_from - 0.5)
    rules = runtime.rules
    paragraph = runtime.wording.render("participatieparagraaf.html.j2",
                                       paragraph_context(record, advice, organisation=organisation, rules=rules))
    plan_blocks = runtime.wording.render("participatieplan.html.j2", plan_context(
        record, advice, organisation=organisation, rules=rules, form_warnings=()))
    template = settings.college_template.read_bytes()
    lists = {**settings.lists, "methods": tuple(m.name for m in runtime.catalogue.methods)}
    actions = [
        ("check (read + validate)", lambda: check_with_settings(intake, settings)),
        ("advice", lambda: runtime.advise(record)),
        ("wording: paragraph + plan", lambda: (
            runtime.wording.render("participatieparagraaf.html.j2",
                                   paragraph_context(record, advice, organisation=organisation, rules=rules)),
            runtime.wording.render("participatieplan.html.j2",
                                   plan_context(record, advice, organisation=organisation, rules=rules,
                                                form_warnings=())))),
        ("stakeholder chart", lambda: stakeholder_chart(parties, threshold=runtime.rules.high_from - 0.5)),
        ("proposal: write_section", lambda: write_section(template, paragraph, limits=settings.limits)),
        ("plan: build_document", lambda: build_document(plan_blocks, limits=settings.limits,
                                                        images={"stakeholderkaart": chart}, title="Plan")),
        ("evaluation workbook: build_workbook", lambda: build_workbook(
            EVALUATION_SCHEMA, lists, rows=[{"method": m.name} for m in advice.methods[:5]], title="Evaluatie")),
    ]
    return interleaved(actions, rounds=rounds, warm_up=1)


def lines(result: dict[str, Any]) -> list[str]:
    e2e, floor, targets = result["end_to_end"], result["io_floor"], result["targets"]
    out = [
        "(a) process one intake end to end (process_file, in-process, warm) vs the I/O floor",
        f"    process_file            median {ms(e2e['median_ms'] / 1000):>10}  ({e2e['rounds']} rounds, "
        f"{ms(e2e['min_ms'] / 1000)} – {ms(e2e['max_ms'] / 1000)})",
        f"    I/O floor               median {ms(floor['median_ms'] / 1000):>10}  (intake via read_form; python-docx "
        "open+save proposal, plan; openpyxl open+save evaluation; atomic writes with fsync; 6 SQLite writes)",
        f"    ratio {result['ratio']:.2f}×   target ≤ {targets['ratio_at_most']:.0f}×: {verdict(targets['ratio_met'])}"
        f";   median < {targets['median_ms_below']:.0f} ms: {verdict(targets['median_met'])}",
        "    where the time goes (each step alone, medians):",
    ]
    for name, step in result["steps"].items():
        out.append(f"      {name:38s} {ms(step['median_ms'] / 1000):>10}")
    return out
