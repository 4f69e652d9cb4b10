"""Setting up a root as a functional admin would, with the real command line in subprocesses: `init`
never destroys (kept, or backed up with --vernieuw), reads ROOT's toolbox.toml, and the proposal
templates in Sjablonen/ are the ones the service uses; `--root` names the root for every command that
reads the state; `doctor` says what is set up and what is missing."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook

from cli_support import run_cli
from toolbox_docs.forms.schema import INTAKE_SCHEMA
from toolbox_docs.resources import templates_dir
from toolbox_docs.settings import Settings, load_settings
from watcher_support import INTAKE, PROPOSAL, Watcher, docx_text, make_intake

MARKER = "Gemeente Voorbeeldstad — eigen huisstijl van het collegevoorstel"


@pytest.fixture
def home(tmp_path: Path) -> dict[str, str]:
    """An environment whose default state folder is a temporary one, never the developer's own."""
    return {"XDG_STATE_HOME": str(tmp_path / "xdg-state"), "HOME": str(tmp_path / "home")}


def init(root: Path, *args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = run_cli("init", *args, root, cwd=cwd, env=env)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result


def edit_proposal_template(path: Path) -> bytes:
    """What an admin does: open Sjablonen/collegevoorstel.docx, add the house style's line, save."""
    document = docx.Document(str(path))
    document.paragraphs[0].insert_paragraph_before(MARKER)
    document.save(str(path))
    return path.read_bytes()


def all_cells(path: Path) -> set[str]:
    workbook = load_workbook(io.BytesIO(path.read_bytes()))
    return {str(cell.value) for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row
            if cell.value is not None}


# --- init never destroys ----------------------------------------------------------------------------


@pytest.mark.slow
def test_init_twice_keeps_what_the_admin_edited(tmp_path: Path, home: dict[str, str]) -> None:
    root = tmp_path / "Participatie"
    first = init(root, cwd=tmp_path, env=home)
    assert "Voorbeeldinstellingen geschreven" in first.stdout
    template = root / "Sjablonen" / "collegevoorstel.docx"
    edited = edit_proposal_template(template)
    settings_text = (root / "toolbox.toml").read_text(encoding="utf-8") + '\n# eigen aantekening\n'
    (root / "toolbox.toml").write_text(settings_text, encoding="utf-8")
    intake_before = (root / "Sjablonen" / "intake.xlsx").read_bytes()

    again = init(root, cwd=tmp_path, env=home)
    assert f"Bestaat al, niet aangeraakt: {template}" in again.stdout
    assert "init --vernieuw" in again.stdout, "it says how to renew"
    assert template.read_bytes() == edited
    assert (root / "toolbox.toml").read_text(encoding="utf-8") == settings_text
    assert (root / "Sjablonen" / "intake.xlsx").read_bytes() == intake_before
    assert not (root / "Sjablonen" / "Vorige versies").exists()


@pytest.mark.slow
def test_init_vernieuw_backs_up_before_it_replaces(tmp_path: Path, home: dict[str, str]) -> None:
    root = tmp_path / "Participatie"
    init(root, cwd=tmp_path, env=home)
    template = root / "Sjablonen" / "collegevoorstel.docx"
    edited = edit_proposal_template(template)
    settings_before = (root / "toolbox.toml").read_bytes()

    renewed = init(root, "--vernieuw", cwd=tmp_path, env=home)
    backups = sorted((root / "Sjablonen" / "Vorige versies").glob("collegevoorstel (*).docx"))
    assert len(backups) == 1, renewed.stdout
    assert backups[0].read_bytes() == edited, "the admin's version is kept, byte for byte"
    assert f"Vernieuwd: {template} (de vorige versie staat in {backups[0]})" in renewed.stdout
    assert template.read_bytes() == (templates_dir() / "collegevoorstel.docx").read_bytes()
    assert f"Ongewijzigd: {root / 'Sjablonen' / 'raadsvoorstel.docx'}" in renewed.stdout
    assert (root / "toolbox.toml").read_bytes() == settings_before, "settings are never replaced"


def test_init_uses_the_roots_own_settings_whatever_the_current_folder(tmp_path: Path, home: dict[str, str]) -> None:
    root = tmp_path / "Participatie"
    root.mkdir()
    (root / "toolbox.toml").write_text('[lijsten]\ngebieden = ["Noorderkwartier", "Zuiderpark"]\n', encoding="utf-8")
    elsewhere = tmp_path / "elders"
    elsewhere.mkdir()
    (elsewhere / "toolbox.toml").write_text('[lijsten]\ngebieden = ["Verkeerde Wijk"]\n', encoding="utf-8")
    init(root, cwd=elsewhere, env=home)
    cells = all_cells(root / "Sjablonen" / "intake.xlsx")
    assert {"Noorderkwartier", "Zuiderpark"} <= cells
    assert "Verkeerde Wijk" not in cells and "Hoensbroek" not in cells


@pytest.mark.slow
def test_templates_build_backs_up_what_it_replaces(tmp_path: Path, home: dict[str, str]) -> None:
    out = tmp_path / "Sjablonen"
    assert run_cli("templates", "build", "--out", out, cwd=tmp_path, env=home).returncode == 0
    # an admin's own edit of the blank intake (a build in the same second would be byte-identical and kept)
    edited = io.BytesIO()
    book = load_workbook(out / "intake.xlsx")
    book.active["A1"] = "Eigen aanpassing"
    book.save(edited)
    (out / "intake.xlsx").write_bytes(edited.getvalue())
    result = run_cli("templates", "build", "--out", out, cwd=tmp_path, env=home)
    assert result.returncode == 0, result.stderr
    backups = list((out / "Vorige versies").glob("intake (*).xlsx"))
    assert [b.read_bytes() for b in backups] == [edited.getvalue()]
    assert (out / "intake.xlsx").read_bytes() != edited.getvalue()
    again = run_cli("templates", "build", "--out", out, cwd=tmp_path, env=home)
    assert again.returncode == 0 and len(list((out / "Vorige versies").glob("intake (*).xlsx"))) <= 2


# --- the templates in Sjablonen/ are the ones used ----------------------------------------------------


def test_proposal_templates_in_sjablonen_are_used_by_default(tmp_path: Path) -> None:
    root = tmp_path / "Participatie"
    (root / "Sjablonen").mkdir(parents=True)
    shutil.copy(templates_dir() / "collegevoorstel.docx", root / "Sjablonen" / "collegevoorstel.docx")
    settings = load_settings(root=root, environ={})
    assert settings.college_template == root / "Sjablonen" / "collegevoorstel.docx"
    assert settings.council_template == Settings().council_template, "absent in Sjablonen/: the built-in one"
    (root / "toolbox.toml").write_text('[voorstellen]\ncollegevoorstel = "elders/cv.docx"\n', encoding="utf-8")
    assert load_settings(root=root, environ={}).college_template == root / "elders" / "cv.docx", \
        "a template named in the settings wins"


@pytest.mark.slow
def test_the_admins_edit_of_the_template_reaches_the_proposal(tmp_path: Path, home: dict[str, str]) -> None:
    root = tmp_path / "Participatie"
    init(root, cwd=tmp_path, env=home)
    edit_proposal_template(root / "Sjablonen" / "collegevoorstel.docx")
    intake = root / "Projecten" / "Groenplan" / INTAKE
    intake.parent.mkdir()
    intake.write_bytes(make_intake())
    result = run_cli("watch", root, "--once", cwd=tmp_path, env={**home, "TOOLBOX_STATE_DB": str(tmp_path / "db")})
    assert result.returncode == 0, result.stderr
    assert MARKER in docx_text(intake.parent / PROPOSAL)


# --- one root everywhere --------------------------------------------------------------------------------


def _processed_root(tmp_path: Path, home: dict[str, str]) -> Path:
    root = tmp_path / "Participatie"
    intake = root / "Projecten" / "Plein" / INTAKE
    intake.parent.mkdir(parents=True)
    (root / "toolbox.toml").write_text('[dienst]\nstatusbestand = ".toolbox/state.sqlite"\nstabiliteit_seconden = 0\n',
                                       encoding="utf-8")
    intake.write_bytes(make_intake(project_name="Pleinplan Kastanjelaan"))
    result = run_cli("watch", root, "--once", cwd=tmp_path, env=home)
    assert result.returncode == 0, result.stderr
    return root


@pytest.mark.slow
def test_register_and_reminders_take_the_root_from_anywhere(tmp_path: Path, home: dict[str, str]) -> None:
    root = _processed_root(tmp_path, home)
    elsewhere = tmp_path / "elders"
    elsewhere.mkdir()

    lost = run_cli("register", "search", "kastanjelaan", cwd=elsewhere, env=home)
    assert lost.returncode == 1
    assert "Let op: geen toolbox.toml gevonden" in lost.stderr and "--root MAP" in lost.stderr, lost.stderr

    found = run_cli("register", "search", "kastanjelaan", "--root", root, "-v", cwd=elsewhere, env=home)
    assert found.returncode == 0, found.stderr
    assert "Pleinplan Kastanjelaan" in found.stdout and "1 project gevonden." in found.stdout
    assert f"Instellingen: {root / 'toolbox.toml'}" in found.stderr
    assert f"Database: {root / '.toolbox' / 'state.sqlite'}" in found.stderr

    inside = run_cli("register", "search", "kastanjelaan", cwd=root / "Projecten", env=home)
    assert inside.returncode == 0 and "Let op" not in inside.stderr, "from inside the root it is found"

    exported = run_cli("register", "export", "--root", root, "--out", tmp_path / "register.xlsx", cwd=elsewhere,
                       env=home)
    assert exported.returncode == 0 and "(1 lopend, 0 afgerond)" in exported.stdout, exported

    dutch = run_cli("reminders", "--root", root, "--today", "05-03-2027", cwd=elsewhere, env=home)
    iso = run_cli("reminders", "--root", root, "--today", "2027-03-05", cwd=elsewhere, env=home)
    assert dutch.returncode == iso.returncode == 0, dutch.stderr
    assert dutch.stdout == iso.stdout and "5 maart 2027" in dutch.stdout

    status = run_cli("status", "--root", root, "-v", cwd=elsewhere, env=home)
    assert status.returncode == 1 and "Dienst: draait niet" in status.stdout, status
    assert f"Database: {root / '.toolbox' / 'state.sqlite'}" in status.stderr


def test_root_that_does_not_exist_is_refused(tmp_path: Path, home: dict[str, str]) -> None:
    result = run_cli("register", "search", "x", "--root", tmp_path / "Partcipatie", env=home)
    assert result.returncode == 2
    assert "Partcipatie: de map bestaat niet of is niet bereikbaar." in result.stderr


# --- doctor -------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_doctor_on_a_fresh_root(tmp_path: Path, home: dict[str, str]) -> None:
    root = tmp_path / "Participatie"
    init(root, cwd=tmp_path, env=home)
    result = run_cli("doctor", root, cwd=tmp_path, env=home)
    assert result.returncode == 0, result.stdout
    out = result.stdout
    assert f"in orde   Instellingen: {root / 'toolbox.toml'}" in out
    assert f"in orde   Sjablonen/intake.xlsx: leeg intake-werkboek, sjabloonversie {INTAKE_SCHEMA.version}." in out
    assert "in orde   Collegevoorstel: de dienst gebruikt Sjablonen/collegevoorstel.docx." in out
    assert f"Database: {tmp_path / 'xdg-state' / 'toolbox-docs' / 'state.sqlite'} bestaat nog niet" in out
    assert "De dienst heeft (met deze database) nog nooit gedraaid" in out
    assert "Bestandssysteem: een lokale schijf" in out and "--polling is niet nodig" in out
    assert out.rstrip().endswith("2 punten om op te letten."), "no database and no service yet"


@pytest.mark.slow
def test_doctor_names_what_is_missing_or_broken(tmp_path: Path, home: dict[str, str]) -> None:
    root = tmp_path / "Participatie"
    init(root, cwd=tmp_path, env=home)
    (root / "Sjablonen" / "intake.xlsx").unlink()
    shutil.rmtree(root / "Projecten")
    docx.Document().save(str(root / "Sjablonen" / "raadsvoorstel.docx"))  # no anchor for the paragraph
    result = run_cli("doctor", root, cwd=tmp_path, env=home)
    assert result.returncode == 1, result.stdout
    out = result.stdout
    assert "oplossen  Map Projecten/ ontbreekt." in out
    assert "oplossen  Sjablonen/intake.xlsx ontbreekt" in out
    assert "oplossen  De dienst zou zo niet starten:" in out and "raadsvoorstel.docx" in out
    assert "3 punten om op te lossen" in out

    (root / "toolbox.toml").write_text("[dienst]\nstabiliteit = 2\n", encoding="utf-8")
    broken = run_cli("doctor", root, cwd=tmp_path, env=home)
    assert broken.returncode == 1
    assert "Instellingen niet te gebruiken:" in broken.stdout and "onbekende instelling [dienst] stabiliteit" \
        in broken.stdout


@pytest.fixture
def watched_root(tmp_path: Path, home: dict[str, str]) -> Iterator[tuple[Path, list[Watcher]]]:
    root = tmp_path / "Participatie"
    init(root, cwd=tmp_path, env=home)
    text = (root / "toolbox.toml").read_text(encoding="utf-8")
    text = text.replace('# statusbestand = "C:/ProgramData/toolbox-docs/state.sqlite"',
                        'statusbestand = ".toolbox/state.sqlite"')
    assert 'statusbestand = ".toolbox/state.sqlite"' in text
    (root / "toolbox.toml").write_text(text, encoding="utf-8")
    made: list[Watcher] = []
    yield root, made
    for watcher in made:
        watcher.close()


@pytest.mark.slow
@pytest.mark.parametrize("polling", [False, True])
def test_doctor_sees_the_running_service(watched_root: tuple[Path, list[Watcher]], tmp_path: Path,
                                         home: dict[str, str], polling: bool) -> None:
    root, made = watched_root
    watcher = Watcher(root, tmp_path / "logs", args=("--polling",) if polling else ())
    made.append(watcher)
    watcher.start()
    result = run_cli("doctor", root, cwd=tmp_path, env=home)
    assert result.returncode == 0, result.stdout
    assert f"in orde   De dienst draait (pid {watcher.pid} " in result.stdout
    assert ("met polling" if polling else "zonder polling") in result.stdout
    assert f"Database: {root / '.toolbox' / 'state.sqlite'}" in result.stdout
    assert watcher.terminate() == 0
    stopped = run_cli("doctor", root, cwd=tmp_path, env=home)
    assert "let op    De dienst draait niet; laatste teken van leven" in stopped.stdout
