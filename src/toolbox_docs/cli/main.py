"""The command line, ``toolbox-docs``. A thin shell: parse options, load settings, call the core, print.

Exit codes (also in the README): 0 all fine; 1 problems found in the files (invalid, not ours,
unreadable, refused); 2 usage or system error. Errors of the ``ToolboxError`` family are turned into
a Dutch message and their exit code here, and only here.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from toolbox_docs.cli import dutch as cli_dutch
from toolbox_docs.cli.entry import imports
from toolbox_docs.errors import ExitCode, ProblemsFound, ToolboxError
from toolbox_docs.settings import SETTINGS_FILE, Settings, load_settings

# Before any option is made: click translates some texts (a path type's name) when an option is defined.
cli_dutch.install()


class _Command(click.Command):
    """A command whose usage line is Dutch: ``Gebruik: toolbox-docs validate [OPTIES] PAD...``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[OPTIES]")
        super().__init__(*args, **kwargs)


class _Group(click.Group):
    """Translates our errors into a message and an exit status, in one place. Its commands and groups
    are of the Dutch kind too."""

    command_class = _Command
    group_class = type

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[OPTIES]")
        kwargs.setdefault("subcommand_metavar", "OPDRACHT [ARGUMENTEN]...")
        super().__init__(*args, **kwargs)

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
            # No text of the error here: it is Python's (reprs, English); --debug shows it all.
            click.echo(f"Onverwachte fout in de toolbox ({type(error).__name__}). Start opnieuw met --debug voor "
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
    """Settings from --config, else from the nearest toolbox.toml above ``near`` (whose folder is then the
    root: its Sjablonen/ count), else the built-in ones."""
    config: Path | None = ctx.obj.get("config")
    root: Path | None = None
    if config is None and near is not None:
        config = find_settings_file(near.resolve())
        root = config.parent if config is not None else None
    return load_settings(config=config, root=root)


class DutchDate(click.ParamType):
    """A date as people type it: dd-mm-jjjj (also d-m-jj, 1 maart 2027) or ISO jjjj-mm-dd."""

    name = "datum"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        from toolbox_docs.forms.values import Invalid, parse_dutch_date

        if isinstance(value, dt.date):
            return value
        try:
            return parse_dutch_date(str(value))
        except Invalid as error:
            self.fail(error.message, param, ctx)


def state_options(command: Any) -> Any:
    """``--root`` and ``-v`` for a command that reads the state (register, reminders, status, doctor).
    The command calls ``state_settings(ctx, root, verbose)``."""
    command = click.option("--verbose", "-v", is_flag=True,
                           help="Toon welk instellingenbestand en welke database gebruikt worden.")(command)
    return click.option("--root", type=click.Path(file_okay=False, path_type=Path), metavar="MAP",
                        help=f"De bewaakte map: zijn {SETTINGS_FILE} bepaalt de instellingen en de database. "
                             f"Standaard: het dichtstbijzijnde {SETTINGS_FILE} in of boven de huidige map.")(command)


def state_settings(ctx: click.Context, root: Path | None, verbose: bool) -> Settings:
    """The settings of ``--root`` (or found from the current folder), saying which are used: always when
    no settings file was found (then the database may not be the service's), else with ``-v``."""
    if root is not None:
        if not root.is_dir():
            raise ToolboxError("de map bestaat niet of is niet bereikbaar.", path=root)
        settings = load_settings(config=ctx.obj.get("config"), root=root)
    else:
        settings = settings_for(ctx, Path.cwd())
    if settings.source is None:
        click.echo(f"Let op: geen {SETTINGS_FILE} gevonden; de ingebouwde instellingen en de database "
                   f"{settings.state_db} worden gebruikt. Geef de bewaakte map op met --root MAP.", err=True)
    elif verbose:
        click.echo(f"Instellingen: {settings.source}", err=True)
        click.echo(f"Database: {settings.state_db}", err=True)
    return settings


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
              show_default=True, metavar="MAP", help="Map waarin intake.xlsx en evaluatie.xlsx komen.")
@click.pass_context
def templates_build(ctx: click.Context, out_dir: Path) -> None:
    """Schrijf de lege werkboeken intake.xlsx en evaluatie.xlsx.

    Staan ze er al, dan gaat eerst een kopie naar Vorige versies/ in die map.
    """
    from toolbox_docs.cli.setup_root import write_blank_workbooks

    settings = settings_for(ctx, out_dir if out_dir.exists() else None)
    for line in write_blank_workbooks(out_dir, settings, now=_now()):
        click.echo(line)


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


def _open_output(output: Path | None, *, machine: bool) -> Any:
    """The report's stream: the file named, else standard output (as UTF-8 for the machine formats,
    whatever the console's code page: the reports say they are UTF-8)."""
    if output is None:
        if machine and hasattr(sys.stdout, "buffer"):
            sys.stdout.flush()
            return io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="", write_through=True)
        return sys.stdout
    try:
        return output.open("w", encoding="utf-8", newline="")
    except OSError as error:
        raise ToolboxError(f"kan het uitvoerbestand niet schrijven ({error.strerror}).", path=output) from None


def _workbooks_to_check(paths: Sequence[Path]) -> tuple[list[Path], list[str]]:
    """The workbooks under ``paths``, and a Dutch line for each path that does not exist or holds none."""
    from toolbox_docs.pipeline.batch import find_workbooks

    files: list[Path] = []
    missing: list[str] = []
    for path in paths:
        try:
            exists = path.exists()
        except OSError as error:
            missing.append(f"Niet te bekijken: {path} ({error.strerror}).")
            continue
        if not exists:
            missing.append(f"Niet gevonden: {path}. Staat er een tikfout in de naam, of is de netwerkschijf niet "
                           "gekoppeld?")
            continue
        found = list(find_workbooks([path]))
        if not found:
            missing.append(f"Geen werkboeken (.xlsx) gevonden in {path}. Is dit de goede map?")
        files += found
    return files, missing


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="PAD...")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv", "junit"]), default="text",
              show_default=True, help="Uitvoer voor mensen (text) of machines (json, csv, junit).")
@click.option("--csv-dialect", type=click.Choice(["excel-nl", "plain"]), default="excel-nl", show_default=True,
              help="Bij --format csv: excel-nl (puntkomma's, UTF-8 met BOM, CRLF: opent goed in Nederlandse "
                   "Excel) of plain (komma's, UTF-8 zonder BOM: voor scripts).")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Schrijf het rapport naar dit bestand in plaats van naar het scherm.")
@click.option("--jobs", type=click.IntRange(min=1), default=None, metavar="N",
              help="Aantal processen tegelijk. Standaard: het aantal processorkernen.")
@click.option("--quiet", "-q", is_flag=True, help="Tekstuitvoer: toon alleen bestanden met problemen.")
@click.pass_context
def validate(ctx: click.Context, paths: Sequence[Path], fmt: str, csv_dialect: str, output: Path | None,
             jobs: int | None, quiet: bool) -> None:
    """Controleer werkboeken (bestanden of mappen, recursief).

    Afsluitcode 0 als alles geldig is; 1 als er problemen zijn, of als een map niet bestaat of geen
    werkboeken bevat; 2 bij verkeerd gebruik.
    """
    with imports():
        from toolbox_docs.cli.progress import progress_for
        from toolbox_docs.pipeline.batch import Checker
        from toolbox_docs.pipeline.reports import Summary, TextReporter, reporter_for

    started = time.perf_counter()
    files, missing = _workbooks_to_check(paths)
    for line in missing:
        click.echo(line, err=True)
    settings = settings_for(ctx, files[0] if files else None)
    # The cores this process may run on (a container or a service unit may allow fewer than the machine has).
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    workers = jobs or cores or 1
    stream = _open_output(output, machine=fmt != "text")
    reporter = TextReporter(stream, verbose_valid=not quiet) if fmt == "text" else \
        reporter_for(fmt, stream, csv_dialect=csv_dialect)
    summary = Summary()
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
        if output is not None:
            stream.close()
        elif stream is not sys.stdout:
            stream.detach()  # leave standard output open
    if output is not None or fmt != "text":
        click.echo(summary.text(), err=True)
    ctx.exit(ExitCode.OK if summary.all_valid and not missing else ExitCode.PROBLEMS)


# --- advise and process -------------------------------------------------------------------------


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def _valid_intake(path: Path, settings: Settings) -> Any:
    from toolbox_docs.forms.schema import INTAKE
    from toolbox_docs.pipeline.batch import check_file
    from toolbox_docs.pipeline.reports import TextReporter

    report = check_file(path, settings)
    if not report.check.ok:
        TextReporter(sys.stderr).add(report)
        raise ProblemsFound(f"{path.name} is geen geldige intake; het advies is niet gemaakt.")
    if report.check.kind != INTAKE:
        raise ProblemsFound(f"{path.name} is een {report.check.kind}-werkboek; een advies hoort bij een intake.")
    return report.check.record


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="BESTAND")
@click.option("--json", "as_json", is_flag=True, help="Als JSON: niveau, redenen, waarschuwingen, aanpak, werkvormen, "
              "uren en euro's, totalen, checklist en versies.")
@click.pass_context
def advise(ctx: click.Context, file: Path, as_json: bool) -> None:
    """Toon het advies voor een ingevulde intake (leest alleen, schrijft niets)."""
    with imports():
        from toolbox_docs.advice.advise import advise as make_advice
        from toolbox_docs.advice.advise import load_advice_data
        from toolbox_docs.advice.render_text import render_text
        from toolbox_docs.advice.serialize import advice_to_json
        from toolbox_docs.documents.wording import Wording

    settings = settings_for(ctx, file)
    intake = _valid_intake(file, settings)
    catalogue, rules, checklist = load_advice_data(settings)
    wording = Wording(settings.wording_dir)
    result = make_advice(intake, settings=settings, catalogue=catalogue, rules=rules, checklist=checklist)
    click.echo(advice_to_json(result, wording.plain) if as_json else render_text(result, wording.plain))


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="BESTAND")
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
    with imports():
        from toolbox_docs.pipeline.process import Outcome, Runtime, process_file
        from toolbox_docs.register.xlsx import exporter_for

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
    export = exporter_for(runtime)
    if export is not None:
        def on_register_change() -> None:
            export()  # a share that is not mounted gets the register at the service's next export

        runtime.on_register_change = on_register_change
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
    """The log on stderr (the journal, a wrapper's log) and, with --log-file, in a file. On Linux the file
    is reopened when logrotate has moved it away (``create`` mode, no copytruncate needed); on Windows
    the wrappers rotate their own logs (deploy/windows.md)."""
    import logging
    from logging.handlers import WatchedFileHandler

    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_file is not None:
        try:
            handlers.append(WatchedFileHandler(log_file, encoding="utf-8") if os.name != "nt"
                            else logging.FileHandler(log_file, encoding="utf-8"))
        except OSError as error:
            raise ToolboxError(f"kan het logbestand niet openen ({error.strerror}).", path=log_file) from None
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)-7s %(message)s", handlers=handlers,
                        force=True)


@main.command()
@click.argument("roots", nargs=-1, required=True, type=click.Path(file_okay=False, path_type=Path),
                metavar="MAP...")
@click.option("--once", is_flag=True, help="Verwerk wat klaarstaat en stop (voor cron en tests).")
@click.option("--polling", is_flag=True, help="Kijk periodiek in plaats van op meldingen te wachten "
              "(voor netwerkschijven).")
@click.option("--interval", type=click.FloatRange(min=0.1), metavar="SECONDEN",
              help="Seconden tussen twee keer kijken bij --polling (standaard [dienst] polling_seconden).")
@click.option("--log-file", type=click.Path(dir_okay=False, path_type=Path), help="Schrijf het logboek ook naar "
              "dit bestand.")
@click.option("--verbose", "-v", is_flag=True, help="Meer details in het logboek.")
@click.pass_context
def watch(ctx: click.Context, roots: Sequence[Path], once: bool, polling: bool, interval: float | None,
          log_file: Path | None, verbose: bool) -> None:
    """Bewaak mappen op de gedeelde schijf en verwerk elk opgeslagen werkboek (de dienst).

    Instellingen komen uit --config, anders uit MAP/toolbox.toml van de eerste map; de voorstelsjablonen
    uit MAP/Sjablonen/, tenzij [voorstellen] andere noemt.
    Stoppen met Ctrl-C of SIGTERM: het bestand in behandeling wordt eerst afgemaakt.
    """
    import logging

    with imports():
        from toolbox_docs.service.service import Service

    _setup_logging(logging.DEBUG if verbose else logging.INFO, log_file)
    settings = load_settings(config=ctx.obj.get("config"), root=roots[0])
    service = Service(tuple(roots), settings, polling=polling, interval=interval, once=once)
    code = service.run()
    if once:
        for result in service.results:
            for line in result.lines or (f"{result.path}: {result.outcome} — {result.message}",):
                click.echo(line)
    ctx.exit(code)


@main.command()
@state_options
@click.pass_context
def status(ctx: click.Context, root: Path | None, verbose: bool) -> None:
    """Laat zien of de dienst draait en wat hij het laatst deed. Afsluitcode 0 als hij draait, anders 1."""
    from toolbox_docs.service.status import counts_text, is_alive, read_status, status_path

    settings = state_settings(ctx, root, verbose)
    path = status_path(settings)
    data = read_status(path)
    if data is None:
        click.echo(f"De dienst heeft nog geen status geschreven ({path}).")
        ctx.exit(ExitCode.PROBLEMS)
    alive = is_alive(data)
    beat = _shown_stamp(data.get("beat"))
    click.echo(f"Dienst: {'draait' if alive else 'draait niet'} (pid {data.get('pid')}, {data.get('host')}); "
               f"laatste teken van leven {beat}.")
    click.echo(f"Mappen: {', '.join(data.get('roots', []))}")
    for missing in data.get("missing_roots", []):
        click.echo(f"Niet bereikbaar: {missing}")
    click.echo(f"Bestanden sinds de start: {counts_text(data.get('counts') or {})}; wachtend: "
               f"{data.get('pending', 0)}.")
    busy = data.get("busy") or {}
    if alive and busy:
        click.echo(f"Nu bezig met: {busy.get('path')} (sinds {_shown_stamp(busy.get('since'))})")
    last = data.get("last") or {}
    if last:
        click.echo(f"Laatste: {last.get('path')} — {last.get('outcome')} ({_shown_time(last.get('at'))}) "
                   f"{last.get('message', '')}".rstrip())
    ctx.exit(ExitCode.OK if alive else ExitCode.PROBLEMS)


def _shown_stamp(seconds: Any) -> str:
    """A moment from the heartbeat (seconds since 1970) as people read it: 28-11-2026 14:01:58."""
    return dt.datetime.fromtimestamp(float(seconds or 0)).strftime("%d-%m-%Y %H:%M:%S")


def _shown_time(value: Any) -> str:
    """An ISO time from the heartbeat as people read it: 28-11-2026 14:01:58."""
    try:
        return dt.datetime.fromisoformat(str(value)).strftime("%d-%m-%Y %H:%M:%S")
    except ValueError:
        return str(value)


@main.command()
@click.option("--keep", type=click.Path(file_okay=False, path_type=Path),
              help="Gebruik deze map in plaats van een tijdelijke (en laat hem staan).")
@click.pass_context
def demo(ctx: click.Context, keep: Path | None) -> None:
    """Draai het uitgewerkte voorbeeld: kopie naar een tijdelijke map, één keer verwerken, uitvoer tonen."""
    from toolbox_docs.cli.demo import run_demo

    code = run_demo(keep, echo=click.echo)
    ctx.exit(code)


@main.command()
@click.argument("root", type=click.Path(file_okay=False, path_type=Path), metavar="MAP")
@click.option("--vernieuw", "renew", is_flag=True,
              help="Vervang bestaande sjablonen door nieuwe; de oude gaan eerst naar Sjablonen/Vorige versies/. "
                   "toolbox.toml blijft altijd zoals hij is.")
@click.pass_context
def init(ctx: click.Context, root: Path, renew: bool) -> None:
    """Richt een bewaakte map in: Sjablonen/, Projecten/ en toolbox.toml.

    Wat er al staat, blijft staan (het kan aangepast zijn). De lege werkboeken krijgen de keuzelijsten
    uit MAP/toolbox.toml. De voorstelsjablonen in Sjablonen/ zijn de sjablonen die de dienst gebruikt.
    """
    from toolbox_docs.cli.setup_root import init_root

    for line in init_root(root, config=ctx.obj.get("config"), renew=renew, now=_now()):
        click.echo(line)


@main.command()
@click.argument("root", type=click.Path(file_okay=False, path_type=Path), metavar="MAP")
@click.pass_context
def doctor(ctx: click.Context, root: Path) -> None:
    """Controleer de inrichting van een bewaakte map: wat er is en wat ontbreekt.

    Noemt het instellingenbestand en de database die gebruikt worden, of de dienst draait (en met of
    zonder --polling), en op wat voor schijf de map staat. Leest alleen, verandert niets.

    \b
    Afsluitcode 0 als er niets op te lossen is (ook met punten om op te letten);
    1 als er iets op te lossen is; 2 bij verkeerd gebruik.
    """
    from toolbox_docs.cli.doctor import FIX, diagnose, summary

    findings = diagnose(root, config=ctx.obj.get("config"))
    click.echo(f"Inrichting van {root}:")
    for finding in findings:
        click.echo(f"  {finding.level:<9} {finding.text}")
    click.echo(summary(findings))
    ctx.exit(ExitCode.PROBLEMS if any(f.level == FIX for f in findings) else ExitCode.OK)


# --- the projectenregister and the evaluation reminders -------------------------------------------


@main.group("register")
def register_group() -> None:
    """Het projectenregister: zoeken en exporteren (lopende en afgeronde projecten)."""


@register_group.command("search")
@click.argument("terms", nargs=-1, required=True, metavar="WOORD...")
@state_options
@click.pass_context
def register_search(ctx: click.Context, terms: Sequence[str], root: Path | None, verbose: bool) -> None:
    """Zoek projecten op naam, trefwoorden, gebied, beleidsveld, werkvormen en lessen.

    Alle woorden moeten voorkomen; hoofdletters en accenten tellen niet mee.
    Afsluitcode 0 als er iets gevonden is, 1 als er niets gevonden is, 2 bij een systeemfout.
    """
    from toolbox_docs.register.projects import Register, excerpt, fold
    from toolbox_docs.state import State

    settings = state_settings(ctx, root, verbose)
    state = State(settings.state_db)
    try:
        found = Register(state).search(" ".join(terms))
    finally:
        state.close()
    words = fold(" ".join(terms)).split()
    for project in found:
        contact = ", ".join(x for x in (project.contact, project.email, project.phone) if x)
        level = f"{project.step_name} {project.level}"
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
@state_options
@click.pass_context
def register_export(ctx: click.Context, out_file: Path | None, root: Path | None, verbose: bool) -> None:
    """Schrijf het hele projectenregister als Excel-werkboek (tabbladen Lopend en Afgerond).

    Afsluitcode 0 als het bestand geschreven is, 2 als dat niet lukt.
    """
    from toolbox_docs.register.projects import FINISHED, Register
    from toolbox_docs.register.xlsx import write_register
    from toolbox_docs.share.outputs import REGISTER_NAME
    from toolbox_docs.state import State

    settings = state_settings(ctx, root, verbose)
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
@click.argument("roots", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
                metavar="MAP...")
@click.pass_context
def register_rebuild(ctx: click.Context, roots: Sequence[Path]) -> None:
    """Herstel het projectenregister uit de documenten op de gedeelde schijf.

    Voor als de statusdatabase verloren is: elk project krijgt zijn oude projectnummer terug (dat staat in
    de documenten naast de intake), ingevulde evaluaties ronden hun project weer af, en
    projectenregister.xlsx wordt opnieuw geschreven. Op de schijf verandert verder niets.
    Afsluitcode 0 als het register is hersteld, 2 bij een systeemfout.
    """
    from toolbox_docs.service.rebuild import rebuild_register

    config: Path | None = ctx.obj.get("config")
    settings = load_settings(config=config, root=None if config else roots[0])
    rebuild_register(tuple(roots), settings, now=_now(), echo=click.echo)


@main.command("reminders")
@click.option("--send", is_flag=True, help="Verstuur de herinneringen per e-mail aan de trekkers "
              "(instellingen [smtp]). Elke herinnering gaat één keer.")
@click.option("--today", type=DutchDate(), metavar="DD-MM-JJJJ",
              help="Reken met deze datum in plaats van vandaag, bijvoorbeeld om vooruit te kijken: "
                   "05-03-2027 (of 2027-03-05).")
@state_options
@click.pass_context
def reminders_command(ctx: click.Context, send: bool, today: dt.date | None, root: Path | None,
                      verbose: bool) -> None:
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
    from toolbox_docs.register.reminders import find_due, send_reminders
    from toolbox_docs.state import State

    settings = state_settings(ctx, root, verbose)
    day = today if today is not None else dt.date.today()
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
