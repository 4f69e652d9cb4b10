"""The wording templates on their own: an advisor's folder, the sandbox, the checks on what a template
uses, and a template edited while the service runs (the same ``Wording`` object must see the change)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from toolbox_docs.documents.blocks import BulletList, Heading, Paragraph, Table, plain_text
from toolbox_docs.documents.compiled import CodeCache
from toolbox_docs.documents.wording import Wording
from toolbox_docs.errors import SettingsError


def write(folder: Path, name: str, text: str, *, stamp: int) -> None:
    """Write a template with a given mtime, so that Jinja's reload check sees every edit."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    os.utime(path, (stamp, stamp))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    own = tmp_path / "teksten"
    own.mkdir()
    return own


def test_the_subset_becomes_blocks_and_values_stay_text(folder: Path) -> None:
    write(folder, "t.html.j2", "<h1>Kop</h1><p>Hallo <b>{{ naam }}</b></p><ul><li>{{ bedrag | euro }}</li></ul>"
          "<table><tr><th>A</th><th>Uren</th></tr><tr><td>x</td><td class=\"num\">{{ 3 | uren }}</td></tr></table>",
          stamp=1_000_000)

    blocks = Wording(folder).render("t.html.j2", {"naam": "<script>&\"'", "bedrag": "1250.5"})

    assert [type(b) for b in blocks] == [Heading, Paragraph, BulletList, Table]
    text = plain_text(blocks)
    assert "Hallo <script>&\"'" in text, "a value is escaped into text, never markup"
    assert "€\xa01.250,50" in text, "amounts the Dutch way, the sign held to the number"


def test_a_template_edited_while_running_is_used_and_checked_again(folder: Path) -> None:
    wording = Wording(folder)
    write(folder, "t.html.j2", "<p>Eerste {{ a }}</p>", stamp=1_000_000)
    assert "Eerste 1" in plain_text(wording.render("t.html.j2", {"a": 1}))

    write(folder, "t.html.j2", "<p>Tweede {{ a }} {{ onbekend }}</p>", stamp=1_000_100)
    with pytest.raises(SettingsError, match="onbekende gegevens: onbekend"):
        wording.render("t.html.j2", {"a": 1})

    write(folder, "t.html.j2", "<p>Derde {{ a }}</p>", stamp=1_000_200)
    assert "Derde 1" in plain_text(wording.render("t.html.j2", {"a": 1}))


def test_the_sandbox_refuses_internals_and_errors_name_file_and_line(folder: Path) -> None:
    write(folder, "kwaad.html.j2", "<p>{{ a.__class__.__mro__ }}</p>", stamp=1_000_000)
    write(folder, "kapot.html.j2", "<p>goed</p>\n{% if %}\n", stamp=1_000_000)
    wording = Wording(folder)

    with pytest.raises(SettingsError, match=r"kwaad\.html\.j2"):
        wording.render("kwaad.html.j2", {"a": 1})
    with pytest.raises(SettingsError, match=r"kapot\.html\.j2.*regel 2"):
        wording.render("kapot.html.j2", {})
    with pytest.raises(SettingsError, match="ontbreekt"):
        wording.render("weg.html.j2", {})


def test_markup_outside_the_subset_is_refused(folder: Path) -> None:
    write(folder, "t.html.j2", "<p>open", stamp=1_000_000)
    with pytest.raises(SettingsError, match="geen geldige opmaak"):
        Wording(folder).render("t.html.j2", {})


# --- the sentences of the advice (zinnen.toml): checked when loaded, not when first said -----------------

def _sentences_with(tmp_path: Path, old: str, new: str) -> Wording:
    from toolbox_docs.resources import templates_dir

    folder = tmp_path / "teksten"
    folder.mkdir()
    source = (templates_dir() / "teksten" / "zinnen.toml").read_text(encoding="utf-8")
    assert old in source
    (folder / "zinnen.toml").write_text(source.replace(old, new, 1), encoding="utf-8")
    return Wording(folder, fallback=templates_dir() / "teksten")


@pytest.mark.parametrize(("new", "message"), [
    ('schaal = "het gaat om {{ woorden.schaal[schaal] "', "fout in de zin 'niveau.schaal'"),
    ('schaal = "het gaat om {{ gemeente }}"', "de zin 'niveau.schaal' gebruikt 'gemeente'"),
    ('schaal = "het gaat om {{ schaal | vet }}"', "fout in de zin 'niveau.schaal': onbekende filter 'vet'"),
    ('schaal = "{% if schaal is rond %}rond{% endif %}"', "fout in de zin 'niveau.schaal': onbekende test 'rond'"),
])
def test_a_broken_sentence_is_refused_when_the_sentences_are_loaded(tmp_path: Path, new: str, message: str) -> None:
    wording = _sentences_with(tmp_path, 'schaal = "het gaat om {{ woorden.schaal[schaal] }}"', new)
    with pytest.raises(SettingsError) as refused:
        wording.phrases  # noqa: B018 - loading is what is tested
    assert message in str(refused.value)


def test_a_sentence_is_compiled_when_first_said_and_says_the_same(tmp_path: Path) -> None:
    from toolbox_docs.advice.phrases import Phrase
    from toolbox_docs.resources import templates_dir

    wording = Wording(templates_dir() / "teksten", cache=CodeCache(None))  # no cache: see test_compiled.py
    phrases = wording.phrases
    assert phrases.templates == {} and phrases.codes == {}, "nothing compiled at load"
    said = wording.plain(Phrase.of("niveau.geen_argumenten"))
    assert said == "Het besluit heeft weinig gevolgen voor inwoners en het onderwerp ligt niet gevoelig."
    assert set(phrases.templates) == {"niveau.geen_argumenten"}
    assert wording.plain(Phrase.of("niveau.geen_argumenten")) == said
