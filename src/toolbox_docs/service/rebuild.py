"""``toolbox-docs register rebuild ROOT…``: the projectenregister made again from the share.

For when the state database is lost (a disk replaced, a backup not made): every project's identity is on
the share (``identity``), so the register can be reconstructed from it without writing anything there.
Each watched root is walked as the service walks it (no links, no hidden folders, no ``Vorige versies``):

1. every valid intake is registered, under the project id its documents beside it carry (a renamed folder,
   a copy and a lost state are told apart as the service does: ``Register.place``);
2. every filled evaluation workbook then finishes its project, under the same rule as in the service:
   only the project whose folder it is in;
3. reminders whose date has passed are marked as sent, so that the first day after the rebuild does not
   mail every trekker again (which reminders really went out was in the lost database);
4. ``projectenregister.xlsx`` is written in each root.

Running it on a register that is not lost changes nothing but what the share says now.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import cast

from toolbox_docs.advice.evaluation import verdict
from toolbox_docs.errors import FolderError, ToolboxError
from toolbox_docs.forms.check import check_with_settings
from toolbox_docs.forms.records import Evaluation
from toolbox_docs.forms.schema import EVALUATION
from toolbox_docs.names import printable
from toolbox_docs.pipeline.identity import look
from toolbox_docs.pipeline.runs import belongs_here, register_beside
from toolbox_docs.pipeline.runtime import Runtime
from toolbox_docs.register.projects import FINISHED
from toolbox_docs.register.reminders import ReminderLog, find_due
from toolbox_docs.register.xlsx import exporter_for
from toolbox_docs.service.candidates import scan
from toolbox_docs.settings import Settings
from toolbox_docs.share.fsio import Folder

RECOVERED = "(aangenomen verstuurd bij herstel van het register)"


def rebuild_register(roots: tuple[Path, ...], settings: Settings, *, now: dt.datetime,
                     echo: Callable[[str], None]) -> int:
    """Rebuild the register from ``roots``; says what it did through ``echo``; returns the number of
    projects found."""
    runtime = Runtime.open(settings, roots=tuple(r.resolve() for r in roots))
    try:
        for root in runtime.roots:
            folders: dict[Path, list[Path]] = defaultdict(list)
            for path in scan(root):
                folders[path.parent].append(path)
            for folder, paths in sorted(folders.items()):
                _folder(folder, paths, root, runtime, now=now, echo=echo)
        projects = runtime.register.all()
        finished = sum(1 for p in projects if p.status == FINISHED)
        log = ReminderLog(runtime.state)
        passed = 0
        for reminder in find_due(runtime.state, settings, today=now.date()):
            if log.claim(reminder, now=now):
                log.mark_sent(reminder, recipient=RECOVERED, now=now)
                passed += 1
        export = exporter_for(runtime)
        if export is not None:
            export()
    finally:
        runtime.close()
    echo(f"Register hersteld: {len(projects)} projecten ({len(projects) - finished} lopend, {finished} afgerond).")
    if passed:
        echo(f"{passed} herinnering(en) waarvan de datum al voorbij was, zijn als verstuurd aangemerkt; welke er "
             "echt zijn verstuurd, stond in de verloren statusdatabase.")
    return len(projects)


def _folder(folder: Path, paths: list[Path], root: Path, runtime: Runtime, *, now: dt.datetime,
            echo: Callable[[str], None]) -> None:
    try:
        opened = Folder.open(folder, base=root)
    except FolderError as error:
        echo(f"Overgeslagen: {printable(folder)} ({error.message})")
        return
    with opened:
        beside = look(opened, limits=runtime.settings.limits)
        register_beside(opened, beside, runtime, now=now)
        for path in paths:
            if path.name in beside.intakes:
                continue
            try:
                check = check_with_settings(opened.read(path.name, max_bytes=runtime.settings.limits.max_file_bytes),
                                            runtime.settings)
            except ToolboxError:
                continue
            if not (check.ok and check.kind == EVALUATION and check.filled):
                continue
            evaluation = cast(Evaluation, check.record)
            project = runtime.register.get(evaluation.project_id)
            if project is None or not belongs_here(project, opened):
                echo(f"Niet gebruikt: {printable(path)} noemt project {evaluation.project_id}, dat niet in deze map "
                     "staat.")
                continue
            runtime.register.complete(evaluation, verdict(evaluation), now=now)
