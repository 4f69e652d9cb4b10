"""The shipped methods catalogue covers what the advice needs, and a broken one is refused clearly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from toolbox_docs.advice.catalogue import Catalogue, Role, load_catalogue
from toolbox_docs.errors import SettingsError
from toolbox_docs.resources import templates_dir
from toolbox_docs.settings import DEFAULT_CATEGORIES
from toolbox_docs.vocab import Level, RobRung, Scale, TargetGroup

SHIPPED = templates_dir() / "werkvormen.toml"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(SHIPPED, categories=DEFAULT_CATEGORIES)


def test_at_least_25_methods_with_unique_ids(catalogue: Catalogue) -> None:
    ids = [m.id for m in catalogue.methods]
    assert len(ids) >= 25
    assert len(set(ids)) == len(ids)


def test_figures_are_marked_as_indicative_in_a_field_and_the_header(catalogue: Catalogue) -> None:
    assert "indicatief" in catalogue.figures_note.lower() or "indicatieve" in catalogue.figures_note.lower()
    header = SHIPPED.read_text(encoding="utf-8").split("versie =")[0]
    assert "INDICATIEVE STANDAARDWAARDEN" in header
    assert catalogue.version


@pytest.mark.parametrize("level", list(Level))
def test_every_ladder_level_has_a_method(catalogue: Catalogue, level: Level) -> None:
    if level is Level.INFORM:
        assert any(Role.INFORM in m.roles for m in catalogue.methods)
    else:
        assert any(level in m.levels and Role.PARTICIPATE in m.roles for m in catalogue.methods)


@pytest.mark.parametrize("rung", list(RobRung))
def test_every_rob_rung_has_a_method(catalogue: Catalogue, rung: RobRung) -> None:
    assert any(rung in m.rungs and Role.PARTICIPATE in m.roles for m in catalogue.methods)


@pytest.mark.parametrize("scale", list(Scale))
def test_every_scale_has_informing_feedback_and_each_level(catalogue: Catalogue, scale: Scale) -> None:
    here = [m for m in catalogue.methods if scale in m.scales]
    assert any(Role.INFORM in m.roles for m in here)
    assert any(Role.FEEDBACK in m.roles for m in here)
    for level in Level:
        if level is not Level.INFORM:
            assert any(level in m.levels for m in here), (scale, level)


@pytest.mark.parametrize("group", list(TargetGroup))
def test_every_target_group_is_served(catalogue: Catalogue, group: TargetGroup) -> None:
    assert any(group in m.target_groups for m in catalogue.methods)


def test_overheidsparticipatie_methods_named_in_the_domain_are_there(catalogue: Catalogue) -> None:
    ids = {m.id for m in catalogue.methods}
    for expected in ("initiatievenloket", "buurtbudget", "procesbegeleiding", "netwerkbijeenkomst",
                     "uitdaagrecht-procedure", "terugkoppelingsbrief", "burgerberaad", "keuzehulp"):
        assert expected in ids
    assert [m.id for m in catalogue.methods if m.challenge_right] == ["uitdaagrecht-procedure"]


def test_typical_participants_lie_within_the_group_size(catalogue: Catalogue) -> None:
    for method in catalogue.methods:
        assert {s for s, _ in method.participants_by_scale} == set(method.scales)
        for _, count in method.participants_by_scale:
            assert method.group_min <= count <= method.group_max, method.id


# --- broken catalogues ------------------------------------------------------------------------------


def edit_method(text: str, method_id: str, key: str, line: str | None) -> str:
    """``text`` with the line ``key = ...`` of one method replaced by ``line`` (None: removed)."""
    start = text.index(f'id = "{method_id}"')
    end = text.find("[[werkvorm]]", start)
    end = len(text) if end == -1 else end
    block = text[start:end]
    pattern = re.compile(rf"^{re.escape(key)} = .*$\n", re.MULTILINE)
    assert pattern.search(block), f"{key} not in {method_id}"
    new_block = pattern.sub("" if line is None else line + "\n", block, count=1)
    return text[:start] + new_block + text[end:]


def broken(tmp_path: Path, text: str) -> SettingsError:
    path = tmp_path / "werkvormen.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        load_catalogue(path, categories=DEFAULT_CATEGORIES)
    assert str(caught.value).startswith(str(path))
    return caught.value


ORIGINAL = SHIPPED.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("method_id", "key", "line", "expected"),
    [
        ("buurtschouw", "voorbereiding_uren", "voorbereiding_uren = -1",
         "werkvorm 'buurtschouw': 'voorbereiding_uren' moet een getal van 0 of meer zijn"),
        ("buurtschouw", "uitvoering_uren", 'uitvoering_uren = "veel"',
         "werkvorm 'buurtschouw': 'uitvoering_uren' moet een getal van 0 of meer zijn"),
        ("focusgroep", "niveaus", 'niveaus = ["meedenken"]', "werkvorm 'focusgroep': 'niveaus' kent de "
                                                             "waarde 'meedenken'"),
        ("focusgroep", "schalen", 'schalen = ["provincie"]', "werkvorm 'focusgroep': 'schalen' kent de "
                                                             "waarde 'provincie'"),
        ("koffiekar", "doelgroepen", 'doelgroepen = ["studenten"]',
         "werkvorm 'koffiekar': 'doelgroepen' kent de waarde 'studenten'"),
        ("koffiekar", "categorieen", 'categorieen = ["buren"]', "werkvorm 'koffiekar': 'categorieen' kent "
                                                                "de categorie 'buren'"),
        ("koffiekar", "vorm", 'vorm = "digitaal"', "werkvorm 'koffiekar': 'vorm' kent de waarde 'digitaal'"),
        ("workshop", "groep_max", "groep_max = 5", "werkvorm 'workshop': 'groep_max' is kleiner dan "
                                                   "'groep_min'"),
        ("workshop", "deelnemers", "deelnemers = { buurt = 20, wijk = 25, stad = 30 }",
         "werkvorm 'workshop' › deelnemers: 'regio' ontbreekt"),
        ("workshop", "deelnemers", "deelnemers = { buurt = 20, wijk = 25, stad = 30, regio = 500 }",
         "werkvorm 'workshop' › deelnemers: 'regio' (500) ligt niet tussen groep_min"),
        ("ontwerpatelier", "naam", None, "werkvorm 'ontwerpatelier': 'naam' ontbreekt"),
        ("ontwerpatelier", "vorm", 'vorm = "offline"\nkosten = 12', "werkvorm 'ontwerpatelier': onbekende "
                                                                    "sleutel 'kosten'"),
        ("burgerpanel", "id", 'id = "keuzehulp"', "werkvorm 'keuzehulp': dit id komt vaker voor"),
        ("burgerpanel", "doorlooptijd_weken", "doorlooptijd_weken = 2.5",
         "werkvorm 'burgerpanel': 'doorlooptijd_weken' moet een geheel getal"),
    ],
)
def test_a_broken_method_names_file_and_entry(
    tmp_path: Path, method_id: str, key: str, line: str | None, expected: str
) -> None:
    error = broken(tmp_path, edit_method(ORIGINAL, method_id, key, line))
    assert "werkvormen.toml" in str(error)
    assert expected in str(error)


def test_missing_version_is_refused(tmp_path: Path) -> None:
    error = broken(tmp_path, ORIGINAL.replace('versie = "2026.1"\n', ""))
    assert "'versie' ontbreekt" in str(error)


def test_unknown_top_level_key_is_refused(tmp_path: Path) -> None:
    error = broken(tmp_path, ORIGINAL.replace('versie = "2026.1"', 'versie = "2026.1"\nvaluta = "EUR"'))
    assert "onbekende sleutel 'valuta'" in str(error)


def test_a_catalogue_without_feedback_for_a_scale_is_refused(tmp_path: Path) -> None:
    four = 'schalen = ["straat", "buurt", "wijk", "stad"]'
    text = edit_method(ORIGINAL, "terugkoppelingsbrief", "schalen", four)
    text = edit_method(text, "terugkoppelingsbrief", "deelnemers",
                       "deelnemers = { straat = 30, buurt = 150, wijk = 400, stad = 1500 }")
    error = broken(tmp_path, text)
    assert "geen werkvorm met rol 'terugkoppelen' voor burgerparticipatie op schaal 'regio'" in str(error)


def test_invalid_toml_and_missing_file(tmp_path: Path) -> None:
    error = broken(tmp_path, ORIGINAL.replace('naam = "Focusgroep"', 'naam = "Focusgroep'))
    assert "geen geldig TOML-bestand" in str(error)
    with pytest.raises(SettingsError, match="bestaat niet"):
        load_catalogue(tmp_path / "weg.toml", categories=DEFAULT_CATEGORIES)


def test_categories_follow_the_settings(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="kent de categorie 'politiek' niet"):
        load_catalogue(SHIPPED, categories=tuple(c for c in DEFAULT_CATEGORIES if c != "politiek"))
