"""Workbooks of every released template version stay valid and mean what they meant.

``tests/data/`` keeps one filled workbook per released version of each form (made once by
``tests/data/make_form_fixtures.py``; their SHA-256 is checked, so they are never silently remade).
Each is read with both readers, validated against its own version's rules, upgraded to the current
record, and compared with ``TODAY``: the same answers as a person would type them into today's
template, declared by hand below. Same record means same advice (or, for an evaluation, same verdict);
the advice is compared as well, as the JSON that ``advise --json`` prints.

Why not a frozen advice JSON per version: the advice also depends on the methods catalogue and rules
that advisors edit (``templates/*.toml``); a frozen JSON would fail on every such edit and invite
regenerating it, which proves nothing about template versions. Comparing with today's template, under
whatever data is current, isolates exactly the claim: an old workbook gives the same result as the same
answers in the newest template.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from form_fixtures import ANSWERS, Answers, digest, fixture_name, fixture_path, manifest
from toolbox_docs.advice import advice_to_json, advise, load_advice_data
from toolbox_docs.advice.evaluation import verdict
from toolbox_docs.errors import WorkbookError
from toolbox_docs.forms.check import WorkbookStatus, check_workbook
from toolbox_docs.forms.markers import check_marker
from toolbox_docs.forms.migrations import MIGRATIONS
from toolbox_docs.forms.records import Evaluation, Intake
from toolbox_docs.forms.schema import (
    FIRST_VERSIONS,
    KINDS,
    MARKER_PRODUCT,
    MARKER_SHEET,
    TEMPLATE_VERSIONS,
    schema_for,
    versions,
)
from toolbox_docs.forms.xlsx_fill import fill_workbook
from toolbox_docs.forms.xlsx_template import build_workbook
from toolbox_docs.pipeline.process import Outcome, Runtime, process_file
from toolbox_docs.settings import Settings
from toolbox_docs.vocab import Level, RobRung

# The answers of each released fixture as a person would type them into TODAY's template. Rewrite an
# entry by hand when a breaking change renames or retypes one of its fields; an optional field added
# later needs nothing (it is empty in both).
TODAY: dict[str, Answers] = {
    fixture_name("intake", 1): ANSWERS[fixture_name("intake", 1)],
    fixture_name("intake", 2): ANSWERS[fixture_name("intake", 2)],
    # Evaluation 2 split level and role: "faciliteren" in version 1's one list is the municipality's role.
    fixture_name("evaluatie", 1): Answers(
        values={key: value for key, value in ANSWERS[fixture_name("evaluatie", 1)].values.items()
                if key not in ("planned_level", "achieved_level")}
        | {"planned_role": "faciliteren", "achieved_role": "faciliteren"},
        rows=ANSWERS[fixture_name("evaluatie", 1)].rows),
    fixture_name("evaluatie", 2): ANSWERS[fixture_name("evaluatie", 2)],
}

RELEASED = [pytest.param(kind, version, id=fixture_name(kind, version))
            for kind in KINDS for version in versions(kind)]
READERS = ("direct", "openpyxl")


def _lists() -> dict[str, tuple[str, ...]]:
    settings = Settings()
    catalogue = load_advice_data(settings)[0]
    return {**settings.lists, "methods": tuple(m.name for m in catalogue.methods)}


def _check(data: bytes, reader: str = "direct") -> Any:
    settings = Settings()
    return check_workbook(data, lists=settings.lists, limits=settings.limits, reader=reader)


def _today(kind: str, version: int) -> Any:
    """The record of the same answers typed into today's blank template."""
    answers = TODAY[fixture_name(kind, version)]
    blank = build_workbook(schema_for(kind), _lists())
    check = _check(fill_workbook(blank, answers.values, answers.rows))
    assert check.status == WorkbookStatus.VALID, check.problems
    assert check.version == TEMPLATE_VERSIONS[kind]
    return check.record


def _without_row_numbers(record: Any) -> Any:
    """The table rows' sheet numbers say where a row sits, not what it means."""
    field = "stakeholders" if isinstance(record, Intake) else "methods_used"
    rows = tuple(dataclasses.replace(r, row=0) for r in getattr(record, field))
    return dataclasses.replace(record, **{field: rows})


def test_every_released_version_has_a_fixture_with_answers_and_a_meaning_today() -> None:
    for kind in KINDS:
        for version in versions(kind):
            name = fixture_name(kind, version)
            assert fixture_path(kind, version).is_file(), f"run tests/data/make_form_fixtures.py for {name}"
            assert name in ANSWERS and name in TODAY, name


def test_fixtures_are_the_committed_bytes() -> None:
    recorded = manifest()
    files = sorted(p.name for p in fixture_path("intake", 1).parent.glob("*.xlsx"))
    assert files == sorted(recorded), "every fixture is in tests/data/form-fixtures.json, and only those"
    for name, expected in recorded.items():
        assert digest(fixture_path("intake", 1).parent / name) == expected, f"{name} was regenerated or edited"


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize(("kind", "version"), RELEASED)
def test_a_released_workbook_is_valid_and_upgrades_to_todays_record(kind: str, version: int, reader: str) -> None:
    check = _check(fixture_path(kind, version).read_bytes(), reader)
    assert check.status == WorkbookStatus.VALID, check.problems
    assert (check.kind, check.version) == (kind, version)
    assert not check.problems, "a filled workbook of an older version gets no feedback at all"
    assert type(check.record) is (Intake if kind == "intake" else Evaluation)
    assert _without_row_numbers(check.record) == _without_row_numbers(_today(kind, version))


@pytest.mark.parametrize(("kind", "version"), RELEASED)
def test_a_released_workbook_gives_the_same_advice_or_verdict_as_today(kind: str, version: int) -> None:
    old = _check(fixture_path(kind, version).read_bytes()).record
    new = _today(kind, version)
    if kind == "intake":
        settings = Settings()
        catalogue, rules, checklist = load_advice_data(settings)

        def advice_of(intake: Intake) -> str:
            return advice_to_json(advise(intake, settings=settings, catalogue=catalogue, rules=rules,
                                         checklist=checklist))

        assert advice_of(_without_row_numbers(old)) == advice_of(_without_row_numbers(new))
    else:
        assert verdict(old) == verdict(new)


def test_released_intake_goes_through_the_pipeline_without_feedback(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "Projecten" / "Plein" / "intake.xlsx"
    path.parent.mkdir(parents=True)
    path.write_bytes(fixture_path("intake", FIRST_VERSIONS["intake"]).read_bytes())
    runtime = Runtime.open(settings)
    try:
        result = process_file(path, runtime, now=dt.datetime(2027, 1, 10, 9, 0))
    finally:
        runtime.close()
    assert result.outcome is Outcome.DONE, result.lines()
    assert not list(path.parent.glob("* - feedback.txt"))
    assert len(list(path.parent.glob("* - participatieplan.docx"))) == 1


def _marker(version: str, kind: str = "intake") -> dict[str, str]:
    return {"product": MARKER_PRODUCT, "soort": kind, "sjabloonversie": version}


@pytest.mark.parametrize("kind", KINDS)
def test_a_newer_template_than_the_software_gets_a_dutch_message(kind: str) -> None:
    newer = TEMPLATE_VERSIONS[kind] + 1
    with pytest.raises(WorkbookError) as raised:
        check_marker(_marker(str(newer), kind))
    assert raised.value.code == "newer-template"
    assert f"sjabloonversie {newer}" in raised.value.message
    assert "beheerder" in raised.value.message and "bij te werken" in raised.value.message


def test_a_newer_workbook_on_the_share_gets_feedback_not_a_crash(tmp_path: Path, settings: Settings) -> None:
    newer = str(TEMPLATE_VERSIONS["intake"] + 1)
    book = openpyxl.load_workbook(fixture_path("intake", 1))
    marker = book[MARKER_SHEET]
    assert marker["A3"].value == "sjabloonversie"
    marker["B3"] = newer
    buffer = io.BytesIO()
    book.save(buffer)
    check = _check(buffer.getvalue())
    assert [p.code for p in check.problems] == ["newer-template"]
    path = tmp_path / "intake.xlsx"
    path.write_bytes(buffer.getvalue())
    runtime = Runtime.open(settings)
    try:
        result = process_file(path, runtime, now=dt.datetime(2027, 1, 10, 9, 0))
    finally:
        runtime.close()
    assert result.outcome is Outcome.REJECTED
    feedback = (tmp_path / "intake - feedback.txt").read_text(encoding="utf-8-sig")
    assert f"sjabloonversie {newer}" in feedback and "Traceback" not in feedback


@pytest.mark.parametrize("kind", KINDS)
def test_versions_below_the_oldest_read_and_odd_numbers_are_refused(kind: str) -> None:
    with pytest.raises(WorkbookError) as raised:
        check_marker(_marker(str(FIRST_VERSIONS[kind] - 1), kind))
    assert raised.value.code == "old-template"
    for odd in ("1.5", "abc", "1e400", ""):
        with pytest.raises(WorkbookError) as raised:
            check_marker(_marker(odd, kind))
        assert raised.value.code == "damaged", odd


def test_every_version_step_that_drops_or_redeclares_a_field_has_a_migration() -> None:
    declared = {(m.kind, m.to_version) for m in MIGRATIONS}
    assert len(declared) == len(MIGRATIONS), "one migration per step"
    for kind in KINDS:
        for step in range(FIRST_VERSIONS[kind] + 1, TEMPLATE_VERSIONS[kind] + 1):
            before, after = schema_for(kind, step - 1), schema_for(kind, step)
            old = {f.id: f for f in before.fields} | {f"column {c.id}": c for c in before.table.columns}
            new = {f.id: f for f in after.fields} | {f"column {c.id}": c for c in after.table.columns}
            broken = sorted(i for i in old if i not in new or (new[i] != old[i] and new[i].since == step))
            if broken:
                assert (kind, step) in declared, f"{kind} {step - 1}→{step} drops or redeclares {broken}"
    for migration in MIGRATIONS:
        assert migration.to_version in versions(migration.kind)[1:], migration
        assert migration.summary.strip()


# --- evaluation 1 → 2: level and role apart --------------------------------------------------------


def _evaluation_v1(**changes: Any) -> bytes:
    """A filled evaluation on the version 1 template (built from its declarations), with ``changes``."""
    answers = ANSWERS[fixture_name("evaluatie", 1)]
    blank = build_workbook(schema_for("evaluatie", 1), _lists())
    values = {**answers.values, **changes}
    return fill_workbook(blank, {k: v for k, v in values.items() if v is not None}, answers.rows)


def test_a_version_1_burger_evaluation_keeps_its_levels_as_levels() -> None:
    check = _check(_evaluation_v1(participation_kind="burgerparticipatie", planned_level="adviseren",
                                  achieved_level="raadplegen"))
    assert check.status == WorkbookStatus.VALID and check.version == 1, check.problems
    record = check.record
    assert (record.planned_level, record.achieved_level) == (Level.ADVISE, Level.CONSULT)
    assert (record.planned_role, record.achieved_role) == (None, None)
    assert (record.step_name, record.planned_step, record.achieved_step) == ("niveau", "adviseren", "raadplegen")


def test_a_version_1_overheid_evaluation_has_its_role_as_a_role() -> None:
    record = _check(fixture_path("evaluatie", 1).read_bytes()).record
    assert (record.planned_role, record.achieved_role) == (RobRung.FACILITATE, RobRung.FACILITATE)
    assert (record.planned_level, record.achieved_level) == (None, None)
    assert (record.step_name, record.achieved_step) == ("rol van de gemeente", "faciliteren")


def test_a_version_1_evaluation_is_judged_by_version_1_rules_at_its_own_cells() -> None:
    """A ladder level for overheidsparticipatie broke version 1's rule; the message points at version 1's
    cell, not at a field of today's template that the person's workbook does not have."""
    data = _evaluation_v1(achieved_level="adviseren")
    for reader in READERS:
        check = _check(data, reader)
        assert [(p.code, p.field) for p in check.problems] == [("level-not-for-kind", "achieved_level")]
        old_cell = openpyxl.load_workbook(io.BytesIO(data)).defined_names["achieved_level"].attr_text
        assert old_cell.endswith(f"${check.problems[0].cell[0]}${check.problems[0].cell[1:]}")
