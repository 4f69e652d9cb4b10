"""The rules (advies.toml) and checklist (checklist.toml): shipped files load, broken entries are named."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolbox_docs.advice import load_advice_data
from toolbox_docs.advice.checklist import CHECKS, load_checklist
from toolbox_docs.advice.fields import is_intake_field
from toolbox_docs.advice.model import Route
from toolbox_docs.advice.rules import load_rules
from toolbox_docs.errors import SettingsError
from toolbox_docs.resources import templates_dir
from toolbox_docs.settings import Settings
from toolbox_docs.vocab import Level, RobRung

RULES = (templates_dir() / "advies.toml").read_text(encoding="utf-8")
CHECKLIST = (templates_dir() / "checklist.toml").read_text(encoding="utf-8")


def test_shipped_data_loads_through_the_settings() -> None:
    catalogue, rules, checklist = load_advice_data(Settings())
    assert (catalogue.version, rules.version, checklist.version) == ("2026.1", "2026.1", "2026.1")
    assert list(rules.level.thresholds) == [Level.CONSULT, Level.ADVISE, Level.COPRODUCE, Level.CODECIDE]
    assert rules.roles.by_ask  # every ask has a minimum rung
    assert rules.roles.challenge_min is RobRung.FACILITATE


def test_shipped_checklist_covers_the_eight_complaints_and_four_conditions() -> None:
    checklist = load_checklist(templates_dir() / "checklist.toml")
    sources = " ".join(p.source for p in checklist.points)
    for complaint in range(1, 9):
        assert f"klacht {complaint}" in sources or f"en {complaint}" in sources, complaint
    for condition in range(1, 5):
        assert f"voorwaarde {condition}" in sources, condition
    assert all(p.check in CHECKS and is_intake_field(p.field) for p in checklist.points)
    assert {p.id for p in checklist.points if p.routes == (Route.CHALLENGE,)} == {"uitdaagrecht-procedure"}


def rules_error(tmp_path: Path, text: str) -> str:
    path = tmp_path / "advies.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        load_advice_data(Settings(rules_path=path))
    message = str(caught.value)
    assert message.startswith(str(path))
    return message


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('versie = "2026.1"\n', "", "'versie' ontbreekt"),
        ("coproduceren = 6\n", "coproduceren = 3\n", "[niveau] › [drempels]: 'coproduceren' moet hoger zijn"),
        ('netwerk = "stimuleren"', 'netwerk = "helpen"', "[rol] › [vraag]: 'netwerk' kent de waarde "
                                                         "'helpen'"),
        ("hoog_vanaf = 4", "hoog_vanaf = 7", "[belanghebbenden]: 'hoog_vanaf' moet tussen 1 en 5 liggen"),
        ("minimaal_aandeel = 0.25", "minimaal_aandeel = 1.5",
         "[[niveau.belang]] nr. 1: 'minimaal_aandeel' moet tussen 0 en 1 liggen"),
        ("[niveau.impact]\nklein = 0\n", "[niveau.impact]\n", "[niveau] › [impact]: 'klein' ontbreekt"),
        ("marge = 2", "marge = 2\nstreng = true", "[verwachting]: onbekende sleutel 'streng'"),
        ('hoogste_niveau_late_fase = "raadplegen"', 'hoogste_niveau_late_fase = "inspraak"',
         "[planning]: 'hoogste_niveau_late_fase' kent de waarde 'inspraak'"),
        ("regio = 250000", "", "[bereik]: 'regio' ontbreekt"),
    ],
)
def test_a_broken_rule_names_file_and_entry(tmp_path: Path, old: str, new: str, expected: str) -> None:
    assert old in RULES
    message = rules_error(tmp_path, RULES.replace(old, new, 1))
    assert "advies.toml" in message
    assert expected in message


def checklist_error(tmp_path: Path, text: str) -> str:
    path = tmp_path / "checklist.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        load_advice_data(Settings(checklist_path=path))
    return str(caught.value)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('controle = "op_tijd"', 'controle = "optijd"', "punt 'op-tijd': 'controle' kent de controle "
                                                        "'optijd' niet"),
        ('veld = "input_use"', 'veld = "inbreng"', "punt 'inbreng-meegewogen': 'veld' 'inbreng' is geen "
                                                   "veld"),
        ('geldt_voor = ["uitdaagrecht"]', 'geldt_voor = ["burgerinitiatief"]',
         "punt 'uitdaagrecht-procedure': 'geldt_voor' kent de waarde 'burgerinitiatief'"),
        ('id = "genoeg-uren"', 'id = "genoeg-geld"', "punt 'genoeg-geld': dit id komt vaker voor"),
        ('versie = "2026.1"\n', "", "'versie' ontbreekt"),
        ('tekst = "Er is genoeg geld voor de gekozen werkvormen."', 'tekst = ""', "punt 'genoeg-geld': "
                                                                                  "'tekst'"),
    ],
)
def test_a_broken_checklist_point_names_file_and_entry(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    assert old in CHECKLIST
    message = checklist_error(tmp_path, CHECKLIST.replace(old, new, 1))
    assert message.startswith(str(tmp_path / "checklist.toml"))
    assert expected in message


def test_load_rules_reports_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="bestaat niet"):
        load_rules(tmp_path / "advies.toml")
