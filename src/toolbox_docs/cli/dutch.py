"""click's own messages in Dutch: "Gebruik:", "Opties", "Toon deze hulptekst en stop.", "bestaat niet".

click looks every message up with ``gettext`` (each of its modules does ``from gettext import gettext as
_``), so a catalogue in the form gettext uses is enough: ``MESSAGES`` maps click's English message ids to
Dutch, ``PLURALS`` the ids that have a plural form. ``install()`` points click's lookups at this catalogue;
the command line calls it before it defines its options (click translates some texts, such as the name
of a path type, when an option is made). Environment variables such as ``LANG`` play no part: the
toolbox is Dutch on every server.

The translations leave out Python's quoting (``{value!r}`` becomes ``'{value}'``), so a Windows path
shows its single backslashes. ``tests/test_cli_help.py`` extracts every message id from the installed
click (with Babel's extractor) and fails when one has no Dutch text here: a click upgrade that adds a
message is noticed there.
"""

from __future__ import annotations

import gettext
import importlib
import sys

MESSAGES: dict[str, str] = {
    # help
    "Usage:": "Gebruik:",
    "Options": "Opties",
    "Commands": "Opdrachten",
    "Positional arguments": "Argumenten",
    "Show this message and exit.": "Toon deze hulptekst en stop.",
    "Show the version and exit.": "Toon het versienummer en stop.",
    "%(prog)s, version %(version)s": "%(prog)s, versie %(version)s",
    "default: {default}": "standaard: {default}",
    "required": "verplicht",
    "env var: {var}": "omgevingsvariabele: {var}",
    "(dynamic)": "(wisselend)",
    "deprecated": "verouderd",
    "Choose from:\n\t{choices}": "Kies uit:\n\t{choices}",
    "Choice({choices})": "Keuze({choices})",
    # the names of path types, used in metavars and in messages ("Bestand 'x' bestaat niet.")
    "file": "bestand",
    "directory": "map",
    "path": "pad",
    # errors
    "Error: {message}": "Fout: {message}",
    "Try '{command} {option}' for help.": "Uitleg: {command} {option}",
    "Aborted!": "Afgebroken.",
    "Missing command.": "Geef een opdracht op.",
    "Missing argument": "Ontbreekt: het argument",
    "Missing option": "Ontbreekt: de optie",
    "Missing parameter": "Ontbreekt: de waarde",
    "Missing {param_type}": "Ontbreekt: {param_type}",
    "Missing parameter: {param_name}": "Ontbreekt: {param_name}",
    "No such option {name!r}.": "Onbekende optie '{name}'.",
    "No such option: {name}": "Onbekende optie: {name}",
    "No such command {name!r}.": "Onbekende opdracht '{name}'.",
    "No such command '{name}'.": "Onbekende opdracht '{name}'.",
    "Invalid value: {message}": "Ongeldige waarde: {message}",
    "Invalid value for {param_hint}: {message}": "Ongeldige waarde voor {param_hint}: {message}",
    "unknown error": "onbekende fout",
    "Could not open file {filename!r}: {message}": "Kan het bestand '{filename}' niet openen: {message}",
    "Invalid start character for option ({option})": "Een optie kan niet zo beginnen ({option})",
    "Argument {name!r} takes {nargs} values.": "Het argument '{name}' vraagt {nargs} waarden.",
    "Option {name!r} does not take a value.": "De optie '{name}' neemt geen waarde.",
    "Value must be an iterable.": "De waarde moet een lijst zijn.",
    "{value!r} is not a valid {number_type}.": "'{value}' is geen geldig getal.",
    "{value} is not in the range {range}.": "{value} kan niet; toegestaan is {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}":
        "'{value}' is geen ja of nee. Mogelijk: {states}",
    "{value!r} is not a valid UUID.": "'{value}' is geen geldige UUID.",
    "{name} {filename!r} does not exist.": "{name} '{filename}' bestaat niet.",
    "{name} {filename!r} is a file.": "{name} '{filename}' is een bestand, geen map.",
    "{name} {filename!r} is a directory.": "{name} '{filename}' is een map, geen bestand.",
    "{name} {filename!r} is not readable.": "{name} '{filename}' is niet te lezen (geen leesrechten?).",
    "{name} {filename!r} is not writable.": "{name} '{filename}' is niet te schrijven (geen schrijfrechten?).",
    "{name} {filename!r} is not executable.": "{name} '{filename}' is niet uit te voeren.",
    "Unknown standard stream '{name}'": "Onbekende standaardstroom '{name}'",
    "Windows error: {error}": "Windows-fout: {error}",
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}":
        "Let op: de opdracht '{name}' verdwijnt in een volgende versie.{extra_message}",
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}":
        "Let op: {param_type} '{name}' verdwijnt in een volgende versie.{extra_message}",
    # prompts (the toolbox asks nothing, but click's texts are all here)
    "Do you want to continue?": "Wilt u doorgaan?",
    "Confirm the action without prompting.": "Bevestig zonder het te vragen.",
    "Repeat for confirmation": "Herhaal ter bevestiging",
    "Error: The two entered values do not match.": "Fout: de twee ingevoerde waarden zijn niet gelijk.",
    "Error: invalid input": "Fout: ongeldige invoer",
    "Press any key to continue...": "Druk op een toets om door te gaan...",
    "Unknown color {colour!r}": "Onbekende kleur '{colour}'",
    "{editor}: Editing failed": "{editor}: bewerken mislukt",
    "{editor}: Editing failed: {e}": "{editor}: bewerken mislukt: {e}",
    "d": "d",
    "Shell completion is not supported for Bash versions older than 4.4.":
        "Aanvullen met Tab werkt niet in Bash-versies ouder dan 4.4.",
    "Couldn't detect Bash version, shell completion is not supported.":
        "De Bash-versie is niet te bepalen; aanvullen met Tab werkt niet.",
    # mistakes in a program's own definition of its options (for developers, Dutch all the same)
    "Name '{name}' defined twice": "De naam '{name}' is twee keer gedefinieerd",
    "Boolean option {decl!r} cannot use the same flag for true/false.":
        "De aan/uit-optie '{decl}' kan niet dezelfde vlag gebruiken voor aan en uit.",
    "Could not determine name for option with declarations {decls!r}":
        "Geen naam te bepalen voor de optie met {decls}",
    "No options defined but a name was passed ({name}). Did you mean to declare an argument instead? Did you "
    "mean to pass '--{name}'?":
        "Geen opties gedefinieerd, wel een naam ({name}). Bedoelt u een argument, of '--{name}'?",
    "Arguments take exactly one parameter declaration, got {length}: {decls}.":
        "Een argument heeft precies één naam, niet {length}: {decls}.",
}

# msgid (singular) -> (msgid_plural, Dutch singular, Dutch plural)
PLURALS: dict[str, tuple[str, str, str]] = {
    "Got unexpected extra argument ({args})": (
        "Got unexpected extra arguments ({args})",
        "Onverwacht extra argument ({args})", "Onverwachte extra argumenten ({args})"),
    "Takes {nargs} values but 1 was given.": (
        "Takes {nargs} values but {len} were given.",
        "Vraagt {nargs} waarden, maar er is er 1 gegeven.", "Vraagt {nargs} waarden, maar er zijn er {len} gegeven."),
    "Did you mean {possibility}?": (
        "(Did you mean one of: {possibilities}?)",
        "Bedoelt u {possibility}?", "(Bedoelt u een van deze: {possibilities}?)"),
    "Option {name!r} requires an argument.": (
        "Option {name!r} requires {nargs} arguments.",
        "De optie '{name}' vraagt een waarde.", "De optie '{name}' vraagt {nargs} waarden."),
    "{value!r} is not {choice}.": (
        "{value!r} is not one of {choices}.",
        "'{value}' kan niet; kies {choice}.", "'{value}' kan niet; kies uit {choices}."),
    "{value!r} does not match the format {format}.": (
        "{value!r} does not match the formats {formats}.",
        "'{value}' past niet bij de vorm {format}.", "'{value}' past bij geen van de vormen {formats}."),
    "{len_type} values are required, but {len_value} was given.": (
        "{len_type} values are required, but {len_value} were given.",
        "Er zijn {len_type} waarden nodig, maar er is er {len_value} gegeven.",
        "Er zijn {len_type} waarden nodig, maar er zijn er {len_value} gegeven."),
}


class DutchCatalogue(gettext.NullTranslations):
    """The catalogue as a gettext translation; a message it does not know stays as click wrote it."""

    def gettext(self, message: str) -> str:
        return MESSAGES.get(message, message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        entry = PLURALS.get(msgid1)
        if entry is None or entry[0] != msgid2:
            return msgid1 if n == 1 else msgid2
        return entry[1] if n == 1 else entry[2]


CATALOGUE = DutchCatalogue()
# click's modules that look messages up; each bound gettext's functions to ``_`` and ``ngettext``.
CLICK_MODULES = ("click.core", "click.decorators", "click.exceptions", "click.formatting", "click.parser",
                 "click.termui", "click.types", "click.utils", "click.shell_completion", "click._termui_impl")


def install() -> None:
    """Let click look its messages up in the Dutch catalogue (idempotent)."""
    for name in CLICK_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:  # pragma: no cover - a module a future click may drop
            continue
        if hasattr(module, "_"):
            module._ = CATALOGUE.gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = CATALOGUE.ngettext  # type: ignore[attr-defined]
    windows = sys.modules.get("click._winconsole")
    if windows is not None and hasattr(windows, "_"):  # pragma: no cover - Windows only
        windows._ = CATALOGUE.gettext  # type: ignore[attr-defined]
