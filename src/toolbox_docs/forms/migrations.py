"""Upgrading the values of an older template version to the current record, one declared step at a time.

Pure. The validator reads a workbook with the fields of its own template version and validates it
against that version's rules; only a valid form is upgraded. ``upgrade`` then walks the versions one
step at a time: for each step N (from version N-1 to N) it runs the declared ``Migration`` of that step,
if there is one, and then keeps exactly the fields and columns that version N declares. So:

- a field added in N (``since=N``) that the step does not set is empty (``None``): an optional field
  needs no migration;
- a field that version N no longer has (``until=N``: removed, renamed or retyped) is dropped after the
  step, so the step must move its value to wherever it lives now. ``tests/test_schema.py`` refuses a
  version step that removes or redeclares a field without a migration here.

A migration is a small function of the step's values (field id -> typed value, as the form had them
at version N-1) and rows (column id -> typed value, plus ``row``: the sheet row), returning those of
version N. Declare it in ``MIGRATIONS`` with the kind, the version it produces and a one-line summary.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from toolbox_docs.forms.schema import EVALUATION, INTAKE, TEMPLATE_VERSIONS, schema_for
from toolbox_docs.vocab import Level, ParticipationKind, RobRung

Values = dict[str, Any]
Rows = tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class Migration:
    """The step of form ``kind`` from template version ``to_version - 1`` to ``to_version``."""

    kind: str
    to_version: int
    summary: str
    apply: Callable[[Values, Rows], tuple[Values, Rows]]


def _split_level_and_role(values: Values, rows: Rows) -> tuple[Values, Rows]:
    """Evaluation 1 → 2: one list held both ladders; now a level (burgerparticipatie) and a role of the
    municipality (overheidsparticipatie) are separate fields. Each word goes to the field of its ladder
    ("faciliteren" becomes a role), whatever the kind, so nothing typed is lost or changed."""
    for level_id, role_id in (("planned_level", "planned_role"), ("achieved_level", "achieved_role")):
        word = values.pop(level_id, None)
        values[level_id] = Level(word) if word in Level.values() else None
        values[role_id] = RobRung(word) if word in RobRung.values() else None
    return values, rows


def _scan_for_burgerparticipatie(values: Values, rows: Rows) -> tuple[Values, Rows]:
    """Intake 1 → 2: the impact scan became the scan of burgerparticipatie. For an initiative
    (overheidsparticipatie) the room for influence and the will to hand over no longer apply: they are
    dropped (the role comes from what the initiative asks, its public interest and risk); impact and
    sensitivity stay, now optional. For burgerparticipatie nothing changes."""
    if values.get("participation_kind") is ParticipationKind.OVERHEID:
        values["influence_room"] = None
        values["handover_willing"] = None
    return values, rows


MIGRATIONS: tuple[Migration, ...] = (
    Migration(INTAKE, 2, "the impact scan applies to burgerparticipatie: for an initiative 'influence_room' and "
              "'handover_willing' no longer apply; new optional fields (portfolio_holder, initiative_request, "
              "initiative_amount, challenge_received) are empty", _scan_for_burgerparticipatie),
    Migration(EVALUATION, 2, "level and role apart: 'planned_level'/'achieved_level' of one list become "
              "'planned_level'/'achieved_level' (participatieladder) and 'planned_role'/'achieved_role' (ROB trap)",
              _split_level_and_role),
)


def migration_for(kind: str, to_version: int) -> Migration | None:
    found = [m for m in MIGRATIONS if (m.kind, m.to_version) == (kind, to_version)]
    if len(found) > 1:
        raise ValueError(f"two migrations for {kind} version {to_version}")
    return found[0] if found else None


def upgrade(kind: str, version: int, values: Mapping[str, Any],
            rows: tuple[Mapping[str, Any], ...]) -> tuple[Values, Rows]:
    """The values and rows of a valid form of template ``version``, as the current version has them."""
    current_values: Values = dict(values)
    current_rows: Rows = tuple(dict(r) for r in rows)
    for step in range(version + 1, TEMPLATE_VERSIONS[kind] + 1):
        migration = migration_for(kind, step)
        if migration is not None:
            current_values, current_rows = migration.apply(current_values, current_rows)
        schema = schema_for(kind, step)
        current_values = {f.id: current_values.get(f.id) for f in schema.fields}
        columns = (*(c.id for c in schema.table.columns), "row")
        current_rows = tuple({c: r.get(c) for c in columns} for r in current_rows)
    return current_values, current_rows
