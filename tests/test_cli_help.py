"""The command line speaks Dutch, click's own words included: help of every command, and the errors of
wrong use. The real CLI in subprocesses; the catalogue checked against every message the installed
click can show."""

from __future__ import annotations

import os
import re
from pathlib import Path

import click
import pytest
from babel.messages.extract import extract_from_file

from cli_support import run_cli
from toolbox_docs.cli.dutch import MESSAGES, PLURALS
from toolbox_docs.cli.main import main

ENGLISH = re.compile(r"\b(Usage|Options|Commands|Show this|Show the|OPTIONS|COMMAND|ARGS|PATHS?|FILE|DIRECTORY|"
                     r"TEXT|INTEGER|FLOAT|RANGE|ROOTS?|TERMS|default:|required|Error|Invalid|does not exist|"
                     r"No such|Missing|Try|is not one of|is not a valid|Got unexpected|Aborted)\b")


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix]
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            found += _commands(command, (*prefix, name))
        else:
            found.append((*prefix, name))
    return found


COMMANDS = _commands(main)


def test_every_message_of_the_installed_click_has_a_dutch_text() -> None:
    folder = Path(click.__file__).parent
    missing = []
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".py"):
            continue
        for _, message, _, _ in extract_from_file("python", str(folder / name)):
            if isinstance(message, tuple):
                entry = PLURALS.get(message[0])
                if entry is None or entry[0] != message[1]:
                    missing.append(message)
            elif message not in MESSAGES:
                missing.append(message)
    assert not missing, f"click messages without Dutch text in cli/dutch.py: {missing}"


def test_translations_keep_the_placeholders_click_fills_in() -> None:
    """A placeholder the Dutch text names must be one click passes (else .format() fails at the worst moment)."""
    field = re.compile(r"\{(\w+)(?:![rsa])?\}")
    for english, dutch in MESSAGES.items():
        assert set(field.findall(dutch)) <= set(field.findall(english)), (english, dutch)
        assert "!r}" not in dutch, f"no Python quoting in Dutch text: {dutch}"
    for singular, (plural, dutch_one, dutch_many) in PLURALS.items():
        allowed = set(field.findall(singular)) | set(field.findall(plural))
        assert set(field.findall(dutch_one)) | set(field.findall(dutch_many)) <= allowed, singular


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "main")
def test_help_is_dutch(command: tuple[str, ...]) -> None:
    result = run_cli(*command, "-h")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Gebruik: toolbox-docs {' '.join(command)}".rstrip()), result.stdout
    assert "Toon deze hulptekst en stop." in result.stdout
    english = ENGLISH.findall(result.stdout)
    assert not english, f"English in the help of {' '.join(command)}: {english}\n{result.stdout}"


@pytest.mark.parametrize(("args", "dutch"), [
    (["frobniceer"], "Onbekende opdracht 'frobniceer'."),
    (["validate", "--bestaat-niet", "."], "Onbekende optie '--bestaat-niet'."),
    (["validate"], "Ontbreekt: het argument 'PAD...'."),
    (["validate", "--format", "yaml", "."], "'yaml' kan niet; kies uit 'text', 'json', 'csv', 'junit'."),
    (["validate", "--jobs", "nul", "."], "'nul' is geen geldig getal."),
    (["validate", "--jobs", "0", "."], "0 kan niet; toegestaan is x>=1."),
    (["validate", "--output"], "De optie '--output' vraagt een waarde."),
    (["process", "bestaat-niet.xlsx"], "Bestand 'bestaat-niet.xlsx' bestaat niet."),
    (["process", "."], "Bestand '.' is een map, geen bestand."),
    (["reminders", "--today", "31-02-2027"], "'31-02-2027' is geen bestaande datum."),
    (["reminders", "--today", "morgen"], "'morgen' is geen datum. Vul een datum in als dd-mm-jjjj"),
    (["status", "extra"], "Onverwacht extra argument (extra)"),
])
def test_errors_of_wrong_use_are_dutch(args: list[str], dutch: str, tmp_path: Path) -> None:
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode == 2, result
    assert dutch in result.stderr, result.stderr
    assert "Fout: " in result.stderr
    assert not ENGLISH.findall(result.stderr), result.stderr
    assert "Traceback" not in result.stderr


def test_version_is_dutch() -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    assert re.fullmatch(r"toolbox-docs, versie \S+\n", result.stdout), result.stdout
