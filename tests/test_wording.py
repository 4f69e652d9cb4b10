"""The wording templates on their own: an advisor's folder, the sandbox, the checks on what a template
uses, and a template edited while the service runs (the same ``Wording`` object must see the change)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from toolbox_docs.documents.blocks import BulletList, Heading, Paragraph, Table, plain_text
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
