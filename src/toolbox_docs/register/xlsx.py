"""``projectenregister.xlsx``: the register as a workbook on the share, rewritten after every change.

Two sheets, 'Lopend' and 'Afgerond', with filters on and the header frozen, printing in landscape one
page wide with the header row on every page; the sheets are protected
(without password) because the file is regenerated: edits would be lost. Every text is written as a
string cell, never a formula, and one that starts with = + - @ (or a tab or carriage return) also gets
Excel's quote prefix, so that even retyping or copying it in Excel or LibreOffice keeps it text.
Characters a workbook cannot hold are removed, and a text longer than a cell holds is cut off.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import logging
import os
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from toolbox_docs.errors import ToolboxError, WriteError
from toolbox_docs.forms.xlsx_cells import put_text
from toolbox_docs.forms.xlsx_print import print_setup, wrapped_height
from toolbox_docs.register.projects import FINISHED, RUNNING, Project, Register
from toolbox_docs.share.fsio import atomic_write, read_private_copy
from toolbox_docs.share.outputs import REGISTER_NAME
from toolbox_docs.share.publish import COMPARE_BYTES, content_digest
from toolbox_docs.state import path_key
from toolbox_docs.vocab import LEVEL_NAME, ROLE_NAME

log = logging.getLogger("toolbox_docs.register")

MONEY_FORMAT = '"€" #,##0.00'
# Hours: whole hours without a decimal separator ("160", not "160,"), others with one or two decimals.
WHOLE_FORMAT = "#,##0"
FRACTION_FORMAT = "#,##0.0#"
DATE_FORMAT = "dd-mm-yyyy"


class Money(Decimal):
    """An amount in euros (formatted as money); a plain ``Decimal`` is hours or a count."""


# (header, width, value of a project); the first seven are the seed's columns. Widths are in characters
# and kept small (headers wrap between words) so a sheet prints one page wide in landscape.
Column = tuple[str, int, Callable[[Project], Any]]
_SEED: list[Column] = [
    ("Project", 24, lambda p: p.name),
    ("Contactpersoon", 16, lambda p: p.contact),
    ("E-mail", 24, lambda p: p.email),
    ("Telefoon", 13, lambda p: p.phone),
    ("Gebied", 13, lambda p: p.area),
    ("Beleidsveld", 14, lambda p: p.policy_field),
    ("Trefwoorden", 18, lambda p: ", ".join(x for x in (p.keywords, p.evaluation_keywords) if x)),
]
# A project's level and actual level are a level of the participatieladder or a role of the municipality (ROB
# trap), by its kind: each has its own column, so that the two ladders are never mixed in one filter.
_KIND: list[Column] = [
    ("Soort", 20, lambda p: p.kind),
    ("Niveau (advies)", 13, lambda p: p.level if p.step_name == LEVEL_NAME else None),
    ("Rol van de gemeente (advies)", 13, lambda p: p.level if p.step_name == ROLE_NAME else None),
]
_RUNNING: list[Column] = [
    ("Werkvormen", 28, lambda p: "; ".join(p.methods)),
    ("Budget intake (€)", 12, lambda p: _money(p.budget_euros)),
    ("Extern gepland (€)", 12, lambda p: _money(p.planned_external_euros)),
    ("Uren beschikbaar", 11, lambda p: p.budget_hours),
    ("Uren gepland", 9, lambda p: p.planned_hours),
    ("Kosten gepland (€)", 12, lambda p: _money(p.planned_euros)),
    ("Start participatie", 11, lambda p: p.start),
    ("Einde participatie", 11, lambda p: p.end),
    ("Besluit", 11, lambda p: p.decision),
]
# A finished project: planned next to actual on the same basis (hours × the plan's rate + external),
# external next to external; the lessons are what colleagues come for.
_FINISHED: list[Column] = [
    ("Niveau (bereikt)", 13, lambda p: p.actual_level if p.step_name == LEVEL_NAME else None),
    ("Rol van de gemeente (bereikt)", 13, lambda p: p.actual_level if p.step_name == ROLE_NAME else None),
    ("Werkvormen", 28, lambda p: "; ".join(p.methods)),
    ("Deelnemers", 11, lambda p: p.participants or None),
    ("Uren gepland", 9, lambda p: p.planned_hours),
    ("Uren werkelijk", 9, lambda p: p.actual_hours),
    ("Extern gepland (€)", 12, lambda p: _money(p.planned_external_euros)),
    ("Extern werkelijk (€)", 12, lambda p: _money(p.actual_external_euros)),
    ("Kosten gepland (€)", 12, lambda p: _money(p.planned_euros)),
    ("Kosten werkelijk (€)", 12, lambda p: _money(p.actual_euros)),
    ("Oordeel", 12, lambda p: p.verdict),
    ("Draagvlak", 10, lambda p: p.support),
    ("Lessen", 40, lambda p: p.lessons),
    ("Einde participatie", 11, lambda p: p.end),
    ("Geëvalueerd op", 11, lambda p: p.evaluated_on),
]
_TAIL: list[Column] = [("Projectnummer", 15, lambda p: p.project_id)]
RUNNING_COLUMNS = _SEED + _KIND + _RUNNING + _TAIL
FINISHED_COLUMNS = _SEED + _KIND + _FINISHED + _TAIL
TITLE = "Projectenregister participatie"


def _money(amount: Decimal | None) -> Money | None:
    return None if amount is None else Money(amount)


def _number_format(value: Any) -> str | None:
    if isinstance(value, Money):
        return MONEY_FORMAT
    if isinstance(value, Decimal):
        return WHOLE_FORMAT if value == value.to_integral_value() else FRACTION_FORMAT
    if isinstance(value, dt.date):
        return DATE_FORMAT
    return None


# Arial (Liberation Sans in LibreOffice, with the same widths) at 10 pt: a digit as wide as Calibri 11's,
# which column widths are counted in, and the same line breaks in Excel and LibreOffice.
HEADER_FONT = Font(name="Arial", size=10, bold=True, color="FFFFFF")
BODY_FONT = Font(name="Arial", size=10)
BOLD = 0.9  # bold headers take a little more room: count their columns narrower
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")
TEXT_ALIGNMENT = Alignment(wrap_text=True, vertical="top")
VALUE_ALIGNMENT = Alignment(vertical="top")


def _sheet(wb: Workbook, title: str, projects: Sequence[Project], columns: list[Column]) -> None:
    ws = wb.create_sheet(title)
    for index, (header, width, _) in enumerate(columns, start=1):
        cell = ws.cell(1, index, header)
        cell.font = HEADER_FONT
        cell.fill = PatternFill("solid", fgColor="1F4E79")
        cell.alignment = HEADER_ALIGNMENT
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.row_dimensions[1].height = wrapped_height((header, width * BOLD) for header, width, _ in columns)
    for row, project in enumerate(projects, start=2):
        texts: list[tuple[str, float]] = []
        for index, (_, width, value_of) in enumerate(columns, start=1):
            value = value_of(project)
            if value is None or value == "":
                continue
            cell = ws.cell(row, index)
            cell.font = BODY_FONT
            if isinstance(value, str):
                texts.append((put_text(cell, value), width))  # never a formula, whatever it starts with
                cell.alignment = TEXT_ALIGNMENT
            else:
                cell.value = Decimal(value) if isinstance(value, Money) else value
                cell.alignment = VALUE_ALIGNMENT
                number_format = _number_format(value)
                if number_format:
                    cell.number_format = number_format
        ws.row_dimensions[row].height = wrapped_height(texts)
    last = get_column_letter(len(columns))
    ws.auto_filter.ref = f"A1:{last}{max(1, len(projects) + 1)}"
    ws.freeze_panes = "A2"
    ws.protection.sheet = True
    ws.protection.autoFilter = False
    ws.protection.sort = False
    print_setup(ws, landscape=True, title_rows="1:1", header=TITLE)


def register_workbook(projects: Sequence[Project]) -> bytes:
    wb = Workbook()
    default = wb.active
    if default is not None:
        wb.remove(default)
    running = sorted((p for p in projects if p.status == RUNNING),
                     key=lambda p: (p.name.casefold(), p.project_id))
    finished = sorted((p for p in projects if p.status == FINISHED),
                      key=lambda p: (p.evaluated_on or dt.date.min, p.name.casefold()), reverse=True)
    _sheet(wb, "Lopend", running, RUNNING_COLUMNS)
    _sheet(wb, "Afgerond", finished, FINISHED_COLUMNS)
    wb.properties.title = TITLE
    wb.properties.language = "nl-NL"
    wb.properties.creator = "toolbox-docs"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def write_register(path: Path, projects: Sequence[Project]) -> bool:
    """Write the register unless the file there already says exactly this (openpyxl's time stamp in
    docProps/core.xml aside): an unchanged register is not rewritten, at a start or ever."""
    data = register_workbook(projects)
    with contextlib.suppress(ToolboxError):
        current = read_private_copy(path, max_bytes=COMPARE_BYTES, follow_symlinks=False)
        if content_digest(current, ignore=_STAMPED) == content_digest(data, ignore=_STAMPED):
            return False
    atomic_write(path, data)
    return True


_STAMPED = ("docProps/core.xml",)


def belongs_to(project: Project, root: Path) -> bool:
    """Whether the project is the root's: registered under it, or its intake lies in it (a project first
    processed by ``toolbox-docs process``, or under the same root spelled differently)."""
    key = path_key(root)
    if project.root and path_key(Path(project.root)) == key:
        return True
    return Path(project.intake_path).is_relative_to(key)


class Registered(Protocol):
    """What the exporter needs: the watched roots and the register (``runtime.Runtime`` has both)."""

    @property
    def roots(self) -> tuple[Path, ...]: ...

    @property
    def register(self) -> Register: ...


def exporter_for(runtime: Registered) -> Callable[[], bool] | None:
    """A callback that rewrites the register in each watched root (with that root's projects); False when
    a root could not have it now and it should be tried again later.

    A root that is a mount point (a share mounted on it) gets its register only while the share is
    mounted: otherwise the workbook would land in the empty folder under the mount point, hidden once
    the share is back (``service/mounts.py``)."""
    if not runtime.roots:
        return None
    mounted = {root for root in runtime.roots if os.path.ismount(root)}
    waiting: set[Path] = set()

    def export() -> bool:
        absent = {root for root in mounted if not os.path.ismount(root)}
        for root in sorted(absent - waiting):
            log.warning("Projectenregister niet geschreven: de netwerkschijf op %s is niet gekoppeld; dat "
                        "gebeurt zodra hij terug is.", root)
        waiting.clear()
        waiting.update(absent)
        if absent == set(runtime.roots):
            return False
        projects = runtime.register.all()
        for root in runtime.roots:
            if root in absent:
                continue
            mine = [p for p in projects if belongs_to(p, root)]
            try:
                write_register(root / REGISTER_NAME, mine)
            except WriteError as error:
                log.warning("Projectenregister niet geschreven: %s", error)
        return not absent

    return export
