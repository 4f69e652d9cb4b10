"""The command line, ``toolbox-docs``. A thin shell: parse options, load settings, call the core, print.

Exit codes (also in the README): 0 all fine; 1 problems found in the files (invalid, not ours,
unreadable, refused); 2 usage or system error. Errors of the ``ToolboxError`` family are turned into
a Dutch message and their exit code here, and only here.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from toolbox_docs.errors import ExitCode, ToolboxError
from toolbox_docs.settings import SETTINGS_FILE, Settings, load_settings


class _Group(click.Group):
    """Translates our errors into a message and an exit status, in one place."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ToolboxError as error:
            click.echo(f"Fout: {error}", err=True)
            ctx.exit(error.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            click.echo("Afgebroken.", err=True)
            ctx.exit(ExitCode.USAGE_OR_SYSTEM)
        except BrokenPipeError:
            # The reader of our output went away (e.g. `| head`): stop quietly, as Unix tools do.
            sys.stderr.close()
            os._exit(ExitCode.PROBLEMS)
        except Exception as error:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"Onverwachte fout ({type(error).__name__}: {error}). Start opnieuw met --debug voor "
                       "details, en meld het bij de beheerder.", err=True)
            ctx.exit(ExitCode.USAGE_OR_SYSTEM)


def find_settings_file(start: Path) -> Path | None:
    """The nearest ``toolbox.toml`` in ``start`` or a folder above it (as git finds .git)."""
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        settings_file = candidate / SETTINGS_FILE
        if settings_file.is_file():
            return settings_file
    return None


def settings_for(ctx: click.Context, near: Path | None = None) -> Settings:
    config: Path | None = ctx.obj.get("config")
    if config is None and near is not None:
        config = find_settings_file(near.resolve())
    return load_settings(config=config)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--config", type=click.Path(dir_okay=False, path_type=Path),
              help=f"Instellingenbestand ({SETTINGS_FILE}). Standaard: het dichtstbijzijnde {SETTINGS_FILE} "
                   "boven de bestanden, anders de ingebouwde instellingen.")
@click.option("--debug", is_flag=True, help="Toon technische details bij een onverwachte fout.")
@click.version_option(package_name="toolbox-docs")
@click.pass_context
def main(ctx: click.Context, config: Path | None, debug: bool) -> None:
    """Participatietoolbox: intake in Excel, participatieparagraaf en -plan in Word.

    \b
    Afsluitcodes: 0 alles in orde; 1 problemen gevonden in de bestanden;
    2 verkeerd gebruik of een systeemfout.
    """
    ctx.ensure_object(dict)
    ctx.obj["config"] = config
    ctx.obj["debug"] = debug


# --- templates ----------------------------------------------------------------------------------


@main.group()
def templates() -> None:
    """Lege werkboeken maken en de veldenlijst tonen."""


@templates.command("build")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Map waarin intake.xlsx en evaluatie.xlsx komen.")
@click.pass_context
def templates_build(ctx: click.Context, out_dir: Path) -> None:
    """Schrijf de lege werkboeken intake.xlsx en evaluatie.xlsx."""
    from toolbox_docs.blank_workbooks import write_blank_workbooks

    settings = settings_for(ctx, out_dir if out_dir.exists() else None)
    for path in write_blank_workbooks(out_dir, settings):
        click.echo(f"Geschreven: {path}")


@templates.command("fields")
@click.option("--kind", type=click.Choice(["intake", "evaluatie"]), default="intake", show_default=True,
              help="Welk formulier.")
@click.option("--json", "as_json", is_flag=True, help="Als JSON, voor scripts.")
@click.pass_context
def templates_fields(ctx: click.Context, kind: str, as_json: bool) -> None:
    """Toon alle velden: id, label, type, verplicht, keuzes, naam of tabelkolom."""
    from toolbox_docs.forms.reference import field_reference, reference_text
    from toolbox_docs.forms.schema import schema_for

    settings = settings_for(ctx)
    schema = schema_for(kind)
    if as_json:
        payload = {"kind": schema.kind, "template_version": schema.version, "sheet": schema.sheet,
                   "table": {"name": schema.table.name, "sheet": schema.table.sheet,
                             "rows": schema.table.rows, "max_rows": schema.table.max_rows},
                   "fields": field_reference(schema, settings.lists)}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        click.echo(reference_text(schema, settings.lists))


# --- validate -----------------------------------------------------------------------------------


def _open_output(output: Path | None) -> Any:
    if output is None:
        return sys.stdout
    try:
        return output.open("w", encoding="utf-8", newline="")
    except OSError as error:
        raise ToolboxError(f"kan het uitvoerbestand niet schrijven ({error.strerror}).", path=output) from None


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv", "junit"]), default="text",
              show_default=True, help="Uitvoer voor mensen (text) of machines (json, csv, junit).")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Schrijf het rapport naar dit bestand in plaats van naar het scherm.")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Aantal processen tegelijk. Standaard: het aantal processorkernen.")
@click.option("--quiet", "-q", is_flag=True, help="Tekstuitvoer: toon alleen bestanden met problemen.")
@click.pass_context
def validate(ctx: click.Context, paths: Sequence[Path], fmt: str, output: Path | None, jobs: int | None,
             quiet: bool) -> None:
    """Controleer werkboeken (bestanden of mappen, recursief).

    Afsluitcode 0 als alles geldig is, 1 als er problemen zijn, 2 bij verkeerd gebruik.
    """
    from toolbox_docs.batch import Checker, find_workbooks
    from toolbox_docs.progress import progress_for
    from toolbox_docs.reports import Summary, TextReporter, reporter_for

    settings = settings_for(ctx, paths[0])
    # The cores this process may run on (a container or a service unit may allow fewer than the machine has).
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    workers = jobs or cores or 1
    stream = _open_output(output)
    reporter = TextReporter(stream, verbose_valid=not quiet) if fmt == "text" else reporter_for(fmt, stream)
    summary = Summary()
    started = time.perf_counter()
    files = list(find_workbooks(paths))
    # Worker processes cost a start-up; for a handful of files one process is faster.
    workers = workers if len(files) >= 32 else 1
    try:
        reporter.start()
        # The workers start before the progress bar's thread does.
        with Checker(settings, jobs=workers) as checker, \
                progress_for(len(files), wanted=output is not None or fmt != "text") as advance:
            for report in checker.check(files):
                summary.add(report)
                reporter.add(report)
                advance()
        summary.seconds = time.perf_counter() - started
        reporter.finish(summary)
    finally:
        if stream is not sys.stdout:
            stream.close()
    if output is not None or fmt != "text":
        click.echo(summary.text(), err=True)
    ctx.exit(ExitCode.OK if summary.all_valid else ExitCode.PROBLEMS)


# --- advise and process -------------------------------------------------------------------------


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def _valid_intake(path: Path, settings: Settings) -> Any:
    from toolbox_docs.batch import check_file
    from toolbox_docs.reports import TextReporter

    report = check_file(path, settings)
    if not report.check.ok:
        TextReporter(sys.stderr).add(report)
        raise ProblemsFound(f"{path.name} is geen geldige intake; het advies is niet gemaakt.")
    if report.check.kind != "intake":
        raise ProblemsFound(f"{path.name} is een {report.check.kind}-werkboek; een advies hoort bij een intake.")
    return report.check.record


class ProblemsFound(ToolboxError):
    exit_code = ExitCode.PROBLEMS


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Als JSON: niveau, redenen, waarschuwingen, aanpak, werkvormen, "
              "uren en euro's, totalen, checklist en versies.")
@click.pass_context
def advise(ctx: click.Context, file: Path, as_json: bool) -> None:
    """Toon het advies voor een ingevulde intake (leest alleen, schrijft niets)."""
    from toolbox_docs.advice.advise import advise as make_advice
    from toolbox_docs.advice.advise import load_advice_data
    from toolbox_docs.advice.render_text import render_text
    from toolbox_docs.advice.serialize import advice_to_json

    settings = settings_for(ctx, file)
    intake = _valid_intake(file, settings)
    catalogue, rules, checklist = load_advice_data(settings)
    result = make_advice(intake, settings=settings, catalogue=catalogue, rules=rules, checklist=checklist)
    click.echo(advice_to_json(result) if as_json else render_text(result))


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Map voor de uitvoer. Standaard: naast het werkboek.")
@click.option("--proposal-template", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Eigen college- of raadsvoorstel (.docx) als sjabloon voor het voorstel.")
@click.pass_context
def process(ctx: click.Context, file: Path, out_dir: Path | None, proposal_template: Path | None) -> None:
    """Verwerk één werkboek zoals de dienst dat doet: controle, advies en documenten.

    Afsluitcode 0 als alles geschreven is, 1 als het werkboek problemen heeft of iets is uitgesteld,
    2 bij een systeemfout.
    """
    from toolbox_docs.pipeline import Outcome, Runtime, process_file
    from toolbox_docs.register_xlsx import exporter_for

    settings = settings_for(ctx, file)
    if out_dir is not None:
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ToolboxError(f"kan de uitvoermap niet maken ({error.strerror}).", path=out_dir) from None
    # With a toolbox.toml above the file, its folder is the root: the project gets that root in the
    # register, and the root's projectenregister.xlsx is rewritten, just as the service would.
    roots = (settings.source.parent,) if settings.source is not None else ()
    runtime = Runtime.open(settings, roots=roots)
    runtime.on_register_change = exporter_for(runtime)
    try:
        result = process_file(file, runtime, now=_now(), out_dir=out_dir, proposal_template=proposal_template)
    finally:
        runtime.close()
    for line in result.lines():
        click.echo(line)
    if result.outcome is Outcome.DONE and not any(p.is_error for p in result.problems):
        ctx.exit(ExitCode.OK)  # (done, but a proposal that could not be written: a problem in the files, 1)
    # A failure to write (disk full, no access) is a system error; anything about the files is a problem.
    system = result.outcome is Outcome.FAILED and not result.problems
    ctx.exit(ExitCode.USAGE_OR_SYSTEM if system else ExitCode.PROBLEMS)


# --- the service ----------------------------------------------------------------------------------


def _setup_logging(level: int, log_file: Path | None) -> None:
    import logging

    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_file is not None:
        try:
            handlers.append(logging.FileHandler(log_file, encoding="utf-8"))
        except OSError as error:
            raise ToolboxError(f"kan het logbestand niet openen ({error.strerror}).", path=log_file) from None
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)-7s %(message)s", handlers=handlers,
                        force=True)


@main.command()
@click.argument("roots", nargs=-1, required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--once", is_flag=True, help="Verwerk wat klaarstaat en stop (voor cron en tests).")
@click.option("--polling", is_flag=True, help="Kijk periodiek in plaats van op meldingen te wachten "
              "(voor netwerkschijven).")
@click.option("--interval", type=click.FloatRange(min=0.1), help="Seconden tussen twee keer kijken bij --polling "
              "(standaard [dienst] polling_seconden).")
@click.option("--log-file", type=click.Path(dir_okay=False, path_type=Path), help="Schrijf het logboek ook naar "
              "dit bestand.")
@click.option("--verbose", "-v", is_flag=True, help="Meer details in het logboek.")
@click.pass_context
def watch(ctx: click.Context, roots: Sequence[Path], once: bool, polling: bool, interval: float | None,
          log_file: Path | None, verbose: bool) -> None:
    """Bewaak mappen op de gedeelde schijf en verwerk elk opgeslagen werkboek (de dienst).

    Instellingen komen uit --config, anders uit ROOT/toolbox.toml van de eerste map.
    Stoppen met Ctrl-C of SIGTERM: het bestand in behandeling wordt eerst afgemaakt.
    """
    import logging

    from toolbox_docs.service.service import Service

    _setup_logging(logging.DEBUG if verbose else logging.INFO, log_file)
    config: Path | None = ctx.obj.get("config")
    settings = load_settings(config=config, root=None if config else roots[0])
    service = Service(tuple(roots), settings, polling=polling, interval=interval, once=once)
    code = service.run()
    if once:
        for result in service.results:
            for line in result.lines or (f"{result.path}: {result.outcome} — {result.message}",):
                click.echo(line)
    ctx.exit(code)


@main.command()
@click.option("--root", type=click.Path(file_okay=False, path_type=Path),
              help="Bewaakte map, om zijn toolbox.toml te gebruiken.")
@click.pass_context
def status(ctx: click.Context, root: Path | None) -> None:
    """Laat zien of de dienst draait en wat hij het laatst deed. Afsluitcode 0 als hij draait, anders 1."""
    from toolbox_docs.service.status import is_alive, read_status, status_path

    config: Path | None = ctx.obj.get("config")
    settings = load_settings(config=config, root=root)
    path = status_path(settings)
    data = read_status(path)
    if data is None:
        click.echo(f"De dienst heeft nog geen status geschreven ({path}).")
        ctx.exit(ExitCode.PROBLEMS)
    alive = is_alive(data)
    beat = dt.datetime.fromtimestamp(float(data.get("beat", 0))).strftime("%d-%m-%Y %H:%M:%S")
    click.echo(f"Dienst: {'draait' if alive else 'draait niet'} (pid {data.get('pid')}, {data.get('host')}); "
               f"laatste teken van leven {beat}.")
    click.echo(f"Mappen: {', '.join(data.get('roots', []))}")
    for missing in data.get("missing_roots", []):
        click.echo(f"Niet bereikbaar: {missing}")
    counts = data.get("counts") or {}
    click.echo("Verwerkt: " + (", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "nog niets")
               + f"; wachtend: {data.get('pending', 0)}.")
    last = data.get("last") or {}
    if last:
        click.echo(f"Laatste: {last.get('path')} — {last.get('outcome')} ({last.get('at')}) {last.get('message', '')}")
    ctx.exit(ExitCode.OK if alive else ExitCode.PROBLEMS)


@main.command()
@click.option("--keep", type=click.Path(file_okay=False, path_type=Path),
              help="Gebruik deze map in plaats van een tijdelijke (en laat hem staan).")
@click.pass_context
def demo(ctx: click.Context, keep: Path | None) -> None:
    """Draai het uitgewerkte voorbeeld: kopie naar een tijdelijke map, één keer verwerken, uitvoer tonen."""
    from toolbox_docs.demo import run_demo

    code = run_demo(keep, echo=click.echo)
    ctx.exit(code)


@main.command()
@click.argument("root", type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def init(ctx: click.Context, root: Path) -> None:
    """Richt een bewaakte map in: Sjablonen/, Projecten/ en een voorbeeld-toolbox.toml."""
    from toolbox_docs.setup_root import init_root

    settings = settings_for(ctx)
    for line in init_root(root, settings):
        click.echo(line)



# --- the projectenregister and the evaluation reminders -------------------------------------------


@main.group("register")
def register_group() -> None:
    """Het projectenregister: zoeken en exporteren (lopende en afgeronde projecten)."""


@register_group.command("search")
@click.argument("terms", nargs=-1, required=True)
@click.pass_context
def register_search(ctx: click.Context, terms: Sequence[str]) -> None:
    """Zoek projecten op naam, trefwoorden, gebied, beleidsveld, werkvormen en lessen.

    Alle woorden moeten voorkomen; hoofdletters en accenten tellen niet mee.
    Afsluitcode 0 als er iets gevonden is, 1 als er niets gevonden is, 2 bij een systeemfout.
    """
    from toolbox_docs.register import Register, excerpt, fold
    from toolbox_docs.state import State

    settings = settings_for(ctx, Path.cwd())
    state = State(settings.state_db)
    try:
        found = Register(state).search(" ".join(terms))
    finally:
        state.close()
    words = fold(" ".join(terms)).split()
    for project in found:
        contact = ", ".join(x for x in (project.contact, project.email, project.phone) if x)
        level = f"niveau {project.level}"
        if project.actual_level:
            level += f" (bereikt: {project.actual_level})"
        click.echo(f"{project.name} — {contact} — {project.status} — {level}"
                   + (f" — oordeel {project.verdict}" if project.verdict else ""))
        click.echo(f"  {project.area}; {project.policy_field}; projectnummer {project.project_id}")
        if project.lessons:
            click.echo(f"  Lessen: {excerpt(project.lessons, words)}")
    if not found:
        click.echo(f"Geen projecten gevonden met: {' '.join(terms)}.")
        ctx.exit(ExitCode.PROBLEMS)
    click.echo(f"{len(found)} project{'en' if len(found) != 1 else ''} gevonden.")


@register_group.command("export")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Bestand om te schrijven. Standaard: projectenregister.xlsx in de huidige map.")
@click.pass_context
def register_export(ctx: click.Context, out_file: Path | None) -> None:
    """Schrijf het hele projectenregister als Excel-werkboek (tabbladen Lopend en Afgerond).

    Afsluitcode 0 als het bestand geschreven is, 2 als dat niet lukt.
    """
    from toolbox_docs.outputs import REGISTER_NAME
    from toolbox_docs.register import FINISHED, Register
    from toolbox_docs.register_xlsx import write_register
    from toolbox_docs.state import State

    settings = settings_for(ctx, Path.cwd())
    target = out_file if out_file is not None else Path.cwd() / REGISTER_NAME
    state = State(settings.state_db)
    try:
        projects = Register(state).all()
    finally:
        state.close()
    write_register(target, projects)
    finished = sum(1 for p in projects if p.status == FINISHED)
    click.echo(f"Geschreven: {target} ({len(projects) - finished} lopend, {finished} afgerond).")


@register_group.command("rebuild")
@click.argument("roots", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.pass_context
def register_rebuild(ctx: click.Context, roots: Sequence[Path]) -> None:
    """Herstel het projectenregister uit de documenten op de gedeelde schijf.

    Voor als de statusdatabase verloren is: elk project krijgt zijn oude projectnummer terug (dat staat in
    de documenten naast de intake), ingevulde evaluaties ronden hun project weer af, en
    projectenregister.xlsx wordt opnieuw geschreven. Op de schijf verandert verder niets.
    Afsluitcode 0 als het register is hersteld, 2 bij een systeemfout.
    """
    from toolbox_docs.rebuild import rebuild_register

    config: Path | None = ctx.obj.get("config")
    settings = load_settings(config=config, root=None if config else roots[0])
    rebuild_register(tuple(roots), settings, now=_now(), echo=click.echo)


@main.command("reminders")
@click.option("--send", is_flag=True, help="Verstuur de herinneringen per e-mail aan de trekkers "
              "(instellingen [smtp]). Elke herinnering gaat één keer.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="JJJJ-MM-DD",
              help="Reken met deze datum (JJJJ-MM-DD) in plaats van vandaag, bijvoorbeeld om vooruit te "
                   "kijken.")
@click.pass_context
def reminders_command(ctx: click.Context, send: bool, today: dt.datetime | None) -> None:
    """Toon de herinneringen voor de evaluatie die aan de beurt zijn; verstuur ze met --send.

    Drie maanden voor het einde van de participatie: 'evalueer met externe partijen'. Zes weken voor
    het einde: 'vul de evaluatie in'. Een herinnering is aan de beurt vanaf die datum tot drie maanden
    na het einde, zolang het project niet geëvalueerd is en de herinnering nog niet verstuurd is.
    Zonder mailserver ([smtp] host) worden ze alleen getoond. De dienst (watch) doet dit zelf elke
    dag als [herinneringen] aan = true, en mailt dan alleen als [herinneringen] verzenden = true.

    \b
    Afsluitcodes: 0 alles getoond of verstuurd (ook als e-mail niet is ingesteld);
    2 een of meer herinneringen konden niet worden verstuurd (ze gaan mee bij de volgende
    keer), of een andere systeemfout.
    """
    from toolbox_docs.errors import MailError
    from toolbox_docs.formatting import date_long
    from toolbox_docs.reminders import find_due, send_reminders
    from toolbox_docs.state import State

    settings = settings_for(ctx, Path.cwd())
    day = today.date() if today is not None else dt.date.today()
    state = State(settings.state_db)
    try:
        due = find_due(state, settings, today=day)
        if not due:
            click.echo(f"Geen herinneringen aan de beurt op {date_long(day)}.")
            return
        plural = "en" if len(due) != 1 else ""
        click.echo(f"Aan de beurt op {date_long(day)}: {len(due)} herinnering{plural}.")
        if not send or not settings.smtp.configured:
            for reminder in due:
                click.echo(f"- {reminder.line()}")
            if not settings.smtp.configured:
                click.echo("E-mail is niet ingesteld ([smtp] host in toolbox.toml); de herinneringen zijn "
                           "alleen getoond, er is niets verstuurd.")
            else:
                click.echo("Versturen: toolbox-docs reminders --send")
            return
        report = send_reminders(due, state=state, settings=settings, now=_now())
    finally:
        state.close()
    for reminder in report.sent:
        click.echo(f"- verstuurd aan {reminder.email}: {reminder.line()}")
    for reminder in report.skipped:
        click.echo(f"- overgeslagen (al verstuurd of een andere run verstuurt hem nu): {reminder.line()}")
    for reminder, error in report.failed:
        click.echo(f"- niet verstuurd: {reminder.line()}\n  Reden: {error}")
    if report.failed:
        raise MailError(f"{len(report.failed)} van de {len(due)} herinneringen zijn niet verstuurd. Ze gaan "
                        "mee bij de volgende keer dat de herinneringen worden verstuurd.")
