"""Names on the share: showing any name safely, storing it, and making file names from a project's name.

A file name on the share is whatever bytes the file system allows. On Linux a name that is not valid
UTF-8 (a Latin-1 "ë" left by unzip or an NFS client) arrives in Python as text with lone surrogates
(``surrogateescape``); such text cannot be encoded as UTF-8, so it can be neither logged to a UTF-8 file,
written into JSON or XML, nor bound as an SQLite parameter. Names may also hold line breaks and other
control characters, which would forge lines in a log.

- ``printable``: one line of text for people and logs: a byte that is not UTF-8 shows as ``\\xeb``, a
  control character as ``\\n``, ``\\x1b`` or ``\\u202e``; everything else as it is;
- ``storable``: text that SQLite and JSON accept, changing only what they cannot hold (lone surrogates,
  shown as ``\\xeb``); used for the state's keys and messages;
- ``output_stem``: the cleaned project name that output files are named after, valid on every file
  system the share may live on (Windows, SMB, macOS, Linux). Pure.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import PurePath

# Characters Windows (and so SMB shares) forbid in a name, and what each becomes.
_FORBIDDEN = {"/": "-", "\\": "-", "|": "-", ":": " -", "*": "", "?": "", '"': "'", "<": "", ">": ""}
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{n}" for n in "123456789¹²³"),
             *(f"lpt{n}" for n in "123456789¹²³")}
_SPACES = re.compile(r"\s+")
# A project name becomes at most this many characters of a file name: the outputs add " - participatieplan.docx"
# and a backup a time stamp, and Windows paths are short (MAX_PATH 260).
NAME_CHARS = 80


def _escape(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x100:
        return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char, f"\\x{code:02x}")
    return f"\\u{code:04x}"


def _unprintable(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp") or char in "\u202a\u202b\u202c\u202d\u202e" \
        "\u2066\u2067\u2068\u2069"


def printable(value: str | PurePath) -> str:
    """``value`` as one safe line: non-UTF-8 bytes, control characters, line and direction marks escaped."""
    text = os.fspath(value)
    if text.isprintable() and _encodable(text):
        return text
    return "".join(_escape(c) if _unprintable(c) else c for c in text)


def storable(text: str) -> str:
    """``text`` unchanged when it is valid Unicode, else with each lone surrogate escaped (``\\xeb``)."""
    if _encodable(text):
        return text
    return "".join(_escape(c) if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def output_stem(project_name: str, *, limit: int = NAME_CHARS) -> str:
    """A project's name as the first part of a file name, valid on Windows, SMB, macOS and Linux; "" when
    nothing usable is left. Forbidden characters are replaced, control and format characters dropped,
    spaces collapsed, leading dots and tildes (hidden files, Office owner files) and trailing dots and spaces
    (which Windows drops) removed, a reserved device name (CON, NUL, COM1, …) gets a "_", and a long name
    is cut at a word, to ``limit`` characters."""
    text = unicodedata.normalize("NFC", project_name)
    text = "".join(" " if c.isspace() else _FORBIDDEN.get(c, c) for c in text
                   if c.isspace() or unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co", "Cn"))
    text = _SPACES.sub(" ", text).strip()
    text = text.lstrip(".~$ ").rstrip(". ")
    if len(text) > limit:
        cut = text[:limit]
        space = cut.rfind(" ")
        text = (cut[:space] if space > limit // 2 else cut).rstrip(". -")
    if text.split(".")[0].strip().casefold() in _RESERVED:
        text += "_"
    return text
