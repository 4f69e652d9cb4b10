"""Names on the share are bytes the service must survive (issue 13, items 2 and 9).

- a file name that is not valid UTF-8 (a Latin-1 "é" as unzip or an NFS client leaves it) is processed,
  recorded in the ledger, logged escaped and shown by ``status``, and the service keeps serving (it used to
  stop at every start with ``UnicodeEncodeError`` from the ledger);
- a line break in a file name cannot forge a line in the service's log;
- ``names``: the pure rules for showing, storing and cleaning names.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import need
from toolbox_docs.names import output_stem, printable, storable
from toolbox_docs.state import State, path_key
from watcher_support import (
    INTAKE,
    Watcher,
    entry,
    make_intake,
    make_root,
    project,
    save_like_excel,
    sha256_bytes,
    status_command,
)

LATIN1 = os.fsdecode(b"caf\xe9.xlsx")  # 'caf\udce9.xlsx': not valid UTF-8


def _can_hold_bytes(folder: Path) -> bool:
    try:
        (folder / LATIN1).write_bytes(b"")
        (folder / LATIN1).unlink()
    except (OSError, UnicodeError):
        return False
    return True


# --- pure ---------------------------------------------------------------------------------------------


def test_printable_escapes_bytes_controls_and_direction_marks_only() -> None:
    assert printable("Groenplan Meezenbroek/intake.xlsx") == "Groenplan Meezenbroek/intake.xlsx"
    assert printable("Ideeënmarkt €") == "Ideeënmarkt €"
    assert printable(Path(LATIN1)) == "caf\\xe9.xlsx"
    assert printable("a\nb\rc\td\x1b") == "a\\nb\\rc\\td\\x1b"
    assert printable("x\u202eslx.exe") == "x\\u202eslx.exe"
    assert "\n" not in printable("regel\u2028regel")


def test_storable_changes_only_what_utf8_cannot_hold() -> None:
    assert storable("Ideeënmarkt\nregel") == "Ideeënmarkt\nregel"
    assert storable(LATIN1) == "caf\\xe9.xlsx"
    storable(LATIN1).encode("utf-8")


@pytest.mark.parametrize(("name", "stem"), [
    ("Groenplan Meezenbroek", "Groenplan Meezenbroek"),
    ("Plein 1/2: wat nu?", "Plein 1-2 - wat nu"),
    ('  "Nieuw"  <Park>*  ', "'Nieuw' Park"),
    ("Einde met punten...", "Einde met punten"),
    ("...verborgen", "verborgen"),
    ("~$eigenaar", "eigenaar"),
    ("CON", "CON_"),
    ("nul.txt", "nul.txt_"),
    ("com1", "com1_"),
    ("Tab\tregel\nnieuw", "Tab regel nieuw"),
    ("Rechts\u202enaar links", "Rechtsnaar links"),
    ("...", ""),
    ("Cafe\u0301", "Café"),
])
def test_output_stem_is_valid_on_every_file_system(name: str, stem: str) -> None:
    assert output_stem(name) == stem


def test_output_stem_is_cut_at_a_word() -> None:
    long = "Herinrichting " * 20
    cut = output_stem(long)
    assert len(cut) <= 80 and cut.endswith("Herinrichting") and not cut.endswith(" ")


def test_a_name_that_is_not_utf8_is_a_key_in_the_state(tmp_path: Path) -> None:
    state = State(tmp_path / "state.sqlite")
    try:
        path = tmp_path / LATIN1
        state.record(path, sha256="a" * 64, outcome="verwerkt", kind="intake", at="2027-01-01T09:00:00",
                     outputs=(tmp_path / os.fsdecode(b"caf\xe9 - participatieplan.docx"),),
                     message=f"{path}: iets")
        found = state.ledger_entry(path)
        assert found is not None and found.path == path_key(path) and found.outcome == "verwerkt"
        assert found.outputs == (str(tmp_path / os.fsdecode(b"caf\xe9 - participatieplan.docx")),)
    finally:
        state.close()


# --- the real service ---------------------------------------------------------------------------------


def test_a_name_that_is_not_utf8_is_processed_and_the_service_keeps_serving(
        watchers: Callable[..., Watcher], tmp_path: Path) -> None:
    root = make_root(tmp_path)
    folder = project(root, "Latin-1")
    need(_can_hold_bytes(folder), "this file system refuses names that are not UTF-8")
    odd = folder / LATIN1
    data = make_intake(project_name="Café aan het plein")
    odd.write_bytes(data)
    watcher = watchers(root)
    watcher.start()
    watcher.wait_outcome(odd, "verwerkt", sha256=sha256_bytes(data))
    assert any(p.name.endswith(" - participatieplan.docx") for p in folder.iterdir())
    watcher.settle()
    assert "caf\\xe9.xlsx: verwerkt" in watcher.log_text()
    assert "Logging error" not in watcher.log_text() and "UnicodeEncodeError" not in watcher.log_text()
    # Restarted (where it used to stop at every start), it still serves: a new intake beside it is processed.
    assert watcher.terminate() == 0
    watcher.start()
    other = project(root, "Daarna") / INTAKE
    later = make_intake(project_name="Daarna")
    save_like_excel(other, later)
    watcher.wait_outcome(other, "verwerkt", sha256=sha256_bytes(later))
    assert entry(root, odd) is not None
    shown = status_command(root)
    assert shown.returncode == 0, shown.stdout + shown.stderr


def test_a_line_break_in_a_file_name_cannot_forge_a_log_line(watchers: Callable[..., Watcher],
                                                            tmp_path: Path) -> None:
    root = make_root(tmp_path)
    folder = project(root, "Regels")
    forged = "x.xlsx: verwerkt\n2027-01-01 09:00:00,000 INFO    [deadbeef] nep"
    path = folder / f"{forged}.xlsx"
    data = make_intake(project_name="Regels")
    path.write_bytes(data)
    watcher = watchers(root)
    watcher.start()
    watcher.wait_outcome(path, "verwerkt", sha256=sha256_bytes(data))
    watcher.settle()
    text = watcher.log_text()
    assert not re.search(r"^2027-01-01 09:00:00,000 INFO {4}\[deadbeef\] nep", text, re.MULTILINE)
    assert "verwerkt\\n2027-01-01 09:00:00,000" in text
