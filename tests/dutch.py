"""Is a message Dutch? The one check the tests use for what a civil servant or admin reads.

A message counts as Dutch when it has at least two distinct words that are Dutch and not English (function
words such as "het", "een", "niet", "wordt" and words of the product such as "werkboek" and "bestand"), and
none that is English and not Dutch ("the", "and", "not", "please", ...) nor a Python error ("Traceback",
"ValueError"). Words both languages share ("in", "of", "is", "we", "over", "door", "map", "open") count for
neither: "Please fill in the form" is English. Quoted names (a file or sheet name between quotes) are left
out first, so a Dutch message about an English-named file still counts as Dutch.
"""

from __future__ import annotations

import re

# Dutch words that English does not have (the shared ones are in ``SHARED`` and count for neither).
DUTCH_WORDS = frozenset({
    "de", "het", "een", "niet", "en", "van", "voor", "met", "wordt", "worden", "zijn", "geen", "ook", "naar",
    "bij", "dit", "deze", "dat", "er", "kan", "kunnen", "moet", "moeten", "heeft", "hebben", "staat", "staan", "nog",
    "maar", "te", "om", "als", "uit", "op", "aan", "wel", "zo", "wat", "waar", "hier", "daar", "nu", "al",
    "u", "je", "uw", "jouw", "graag", "alleen", "omdat", "welke", "tussen", "onder", "boven", "sla",
    "vul", "kies", "bestand", "werkboek", "cel", "blad", "tabel", "regel", "rij", "kolom", "waarde", "datum",
    "tekst", "leeg", "verplicht", "geldig", "ongeldig", "ontbreekt", "lijst", "naam", "getal", "minstens",
    "hoogstens", "bevat", "verwerkt", "verwerken", "onderdeel", "opnieuw", "versie", "sjabloon", "opgeslagen",
    "gevonden", "geopend", "gelezen", "beveiligd", "wachtwoord", "beschadigd", "groot", "klein",
})
# Both languages use these: they say nothing about which one a message is in.
SHARED = frozenset({"is", "of", "in", "we", "over", "door", "die", "dan", "hand", "map", "open", "want", "as"})
# English words that are not Dutch.
ENGLISH_WORDS = frozenset({
    "the", "and", "not", "with", "for", "this", "that", "these", "those", "are", "were", "be", "been",
    "please", "file", "cannot", "can't", "could", "should", "must", "missing", "from", "your", "you", "which",
    "has", "have", "will", "would", "error", "exception", "invalid", "valid", "found", "no", "there", "it",
    "its", "at", "by", "on", "or", "if", "then", "than", "when", "into", "unknown", "expected", "got",
    "failed", "empty", "required", "too", "large", "read", "write", "to",
})
_DUTCH = DUTCH_WORDS - SHARED
_PYTHON = re.compile(r"Traceback|\w+(Error|Exception)\b|File \"|line \d+, in ")
_QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"|‘[^’\n]*’|“[^”\n]*”")
_WORD = re.compile(r"\b[a-zà-ÿ]+(?:'[a-z]+)?\b")  # not a cell reference such as A1 or AT12


def words(message: str) -> set[str]:
    """The distinct lower-case words of ``message`` outside quotes."""
    return set(_WORD.findall(_QUOTED.sub(" ", message).lower()))


def is_dutch(message: str) -> bool:
    """``message`` is Dutch: two distinct Dutch words, no English word and no Python error in it."""
    if _PYTHON.search(message):
        return False
    found = words(message)
    return len(found & _DUTCH) >= 2 and not found & ENGLISH_WORDS
