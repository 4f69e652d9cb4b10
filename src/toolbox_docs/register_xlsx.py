"""``projectenregister.xlsx``: the register as a workbook on the share, rewritten after every change.

Two sheets, 'Lopend' and 'Afgerond', with filters on and the header frozen; the sheets are protected
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
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from toolbox_docs.errors import ToolboxError
from toolbox_docs.forms.xlsx_cells import put_text
from toolbox_docs.fsio import WriteError, atomic_write, read_private_copy
from toolbox_docs.outputs import REGISTER_NAME
from toolbox_docs.publish import COMPARE_BYTES, content_digest
from toolbox_docs.register import FINISHED, RUNNING, Project
from toolbox_docs.state import path_key

if TYPE_CHECKING:
    from toolbox_docs.pipeline import Runtime

log = logging.getLogger("toolbox_docs.register")

# (header, width, value of a project); the first seven are the seed's columns.
_COMMON: list[tuple[str, int, Callable[[Project], Any]]] = [
    ("Project", 34, lambda p: p.name),
    ("Contactpersoon", 22, lambda p: p.contact),
    ("E-mail", 28, lambda p: p.email),
    ("Telefoon", 16, lambda p: p.phone),
    ("Gebied", 18, lambda p: p.area),
    ("Beleidsveld", 22, lambda p: p.policy_field),
    ("Trefwoorden", 30, lambda p: ", ".join(x for x in (p.keywords, p.evaluation_keywords) if x)),
    ("Soort", 20, lambda p: p.kind),
    ("Niveau (advies)", 16, lambda p: p.level),
    ("Werkvormen", 40, lambda p: "; ".join(p.methods)),
    ("Budget gepland (€)", 16, lambda p: _money(p.planned_euros)),
    ("Start participatie", 14, lambda p: _date(p.start)),
    ("Einde participatie", 14, lambda p: _date(p.end)),
    ("Besluit", 14, lambda p: _date(p.decision)),
]
_FINISHED: list[tuple[str, int, Callable[[Project], Any]]] = [
    ("Bereikt niveau", 16, lambda p: p.actual_level),
    ("Kosten werkelijk (€)", 16, lambda p: _money(p.actual_euros)),
    ("Uren werkelijk", 12, lambda p: _money(p.actual_hours)),
    ("Deelnemers", 12, lambda p: p.participants or None),
    ("Oordeel", 14, lambda p: p.verdict),
    ("Draagvlak", 12, lambda p: p.support),
    ("Lessen", 60, lambda p: p.lessons),
    ("Geëvalueerd op", 14, lambda p: _date(p.evaluated_on)),
]
_TAIL: list[tuple[str, int, Callable[[Project], Any]]] = [("Projectnummer", 16, lambda p: p.project_id)]

def _money(text: str) -> Decimal | None:
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _sheet(wb: Workbook, title: str, projects: Sequence[Project],
           columns: list[tuple[str, int, Callable[[Project], Any]]]) -> None:
    ws = wb.create_sheet(title)
    for index, (header, width, _) in enumerate(columns, start=1):
        cell = ws.cell(1, index, header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E79")
        ws.column_dimensions[get_column_letter(index)].width = width
    for row, project in enumerate(projects, start=2):
        for index, (_, _, value_of) in enumerate(columns, start=1):
            value = value_of(project)
            if value is None or value == "":
                continue
            cell = ws.cell(row, index)
            if isinstance(value, str):
                value = put_text(cell, value)  # never a formula, whatever it starts with
                cell.alignment = Alignment(wrap_text=len(value) > 40, vertical="top")
            else:
                cell.value = value
                if isinstance(value, dt.date):
                    cell.number_format = "dd-mm-yyyy"
                elif isinstance(value, Decimal):
                    cell.number_format = "#,##0.00"
    last = get_column_letter(len(columns))
    ws.auto_filter.ref = f"A1:{last}{max(1, len(projects) + 1)}"
    ws.freeze_panes = "A2"
    ws.protection.sheet = True
    ws.protection.autoFilter = False
    ws.protection.sort = False


def register_workbook(projects: Sequence[Project]) -> bytes:
    wb = Workbook()
    default = wb.active
    if default is not None:
        wb.remove(default)
    running = sorted((p for p in projects if p.status == RUNNING),
                     key=lambda p: (p.name.casefold(), p.project_id))
    finished = sorted((p for p in projects if p.status == FINISHED),
                      key=lambda p: (p.evaluated_on, p.name.casefold()), reverse=True)
    _sheet(wb, "Lopend", running, _COMMON + _TAIL)
    _sheet(wb, "Afgerond", finished, _COMMON + _FINISHED + _TAIL)
    wb.properties.title = "Projectenregister participatie"
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


def exporter_for(runtime: Runtime) -> Callable[[], None] | None:
    """A callback that rewrites the register in each watched root (with that root's projects)."""
    if not runtime.roots:
        return None

    def export() -> None:
        projects = runtime.register.all()
        for root in runtime.roots:
            mine = [p for p in projects if belongs_to(p, root)]
            try:
                write_register(root / REGISTER_NAME, mine)
            except WriteError as error:
                log.warning("Projectenregister niet geschreven: %s", error)

    return export
