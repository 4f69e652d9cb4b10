"""Settings: the Dutch ``toolbox.toml`` changes tariff, lists and paths; mistakes are refused with the file
and the entry named; the environment overrides the file (for secrets and deployment)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from toolbox_docs.errors import SettingsError
from toolbox_docs.settings import (
    DEFAULT_AREAS,
    SETTINGS_FILE,
    Settings,
    apply_env,
    load_settings,
    settings_reference,
)

GOOD = """\
[organisatie]
naam = "Gemeente Voorbeeld"

[advies]
uurtarief = 92.5
werkvormen = "eigen/werkvormen.toml"

[lijsten]
gebieden = ["Centrum", " Noord ", "Zuid"]
beleidsvelden = ["Wonen", "Zorg"]
categorieen = ["inwoners", "ondernemers"]

[voorstellen]
collegevoorstel = "sjablonen/college.docx"
raadsvoorstel = "/srv/sjablonen/raad.docx"

[dienst]
statusbestand = "status/state.sqlite"
lezer = "openpyxl"

[grenzen]
max_bestand_mb = 5
max_compressieverhouding = 100

[smtp]
host = "smtp.example.org"
poort = 465
beveiliging = "tls"
"""


def write(folder: Path, text: str, name: str = SETTINGS_FILE) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def load(path: Path, environ: dict[str, str] | None = None) -> Settings:
    return load_settings(config=path, environ=environ or {})


def refusal(path: Path) -> str:
    with pytest.raises(SettingsError) as caught:
        load(path)
    text = str(caught.value)
    assert str(path) in text, f"the message names the file: {text}"
    assert caught.value.path == path
    return text


def test_defaults_without_a_file() -> None:
    settings = load_settings(environ={})
    assert settings.hourly_rate == Decimal("85.00")
    assert settings.areas == DEFAULT_AREAS
    assert settings.source is None
    assert set(settings.lists) >= {"areas", "policy_fields", "categories", "levels"}


def test_dutch_keys_change_tariff_lists_and_paths(tmp_path: Path) -> None:
    path = write(tmp_path / "config", GOOD)
    settings = load(path)
    assert settings.organisation == "Gemeente Voorbeeld"
    assert settings.hourly_rate == Decimal("92.50")
    assert settings.areas == ("Centrum", "Noord", "Zuid")
    assert settings.lists["areas"] == ("Centrum", "Noord", "Zuid")
    assert settings.lists["policy_fields"] == ("Wonen", "Zorg")
    assert settings.lists["categories"] == ("inwoners", "ondernemers")
    assert settings.reader == "openpyxl"
    assert settings.limits.max_file_bytes == 5 * 1024 * 1024
    assert settings.limits.max_ratio == 100
    smtp = settings.smtp
    assert (smtp.host, smtp.port, smtp.security) == ("smtp.example.org", 465, "tls")
    assert settings.source == path


def test_relative_paths_are_relative_to_the_settings_file(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "config", GOOD)
    monkeypatch.chdir(tmp_path)  # not the file's folder: the working folder must not matter
    settings = load(path)
    assert settings.catalogue_path == tmp_path / "config" / "eigen" / "werkvormen.toml"
    assert settings.college_template == tmp_path / "config" / "sjablonen" / "college.docx"
    assert settings.state_db == tmp_path / "config" / "status" / "state.sqlite"
    assert settings.council_template == Path("/srv/sjablonen/raad.docx")


def test_changed_lists_reach_validation(tmp_path: Path) -> None:
    from toolbox_docs.forms.schema import INTAKE_SCHEMA
    from toolbox_docs.forms.values import Invalid, convert

    settings = load(write(tmp_path, GOOD))
    area = INTAKE_SCHEMA.field("area")
    assert convert(area, "noord", lists=settings.lists) == "Noord"
    with pytest.raises(Invalid) as caught:
        convert(area, "Meezenbroek", lists=settings.lists)
    assert caught.value.code == "not-in-list"


@pytest.mark.parametrize(("text", "entry"), [
    pytest.param("[advies]\nuurtariff = 90\n", "[advies] uurtariff", id="unknown-key"),
    pytest.param("[adviezen]\nuurtarief = 90\n", "[adviezen] uurtarief", id="unknown-section"),
    pytest.param("uurtarief = 90\n", "uurtarief", id="key-outside-a-section"),
    pytest.param("[advies]\nuurtarief = \"veel\"\n", "[advies] uurtarief", id="tariff-not-a-number"),
    pytest.param("[advies]\nuurtarief = -5\n", "[advies] uurtarief", id="tariff-negative"),
    pytest.param("[advies]\nuurtarief = true\n", "[advies] uurtarief", id="tariff-boolean"),
    pytest.param("[advies]\nuurtarief = nan\n", "[advies] uurtarief", id="tariff-nan"),
    pytest.param("[lijsten]\ngebieden = \"Centrum\"\n", "[lijsten] gebieden", id="list-not-a-list"),
    pytest.param("[lijsten]\ngebieden = []\n", "[lijsten] gebieden", id="list-empty"),
    pytest.param("[lijsten]\ngebieden = [\"Noord\", 3]\n", "[lijsten] gebieden", id="list-with-a-number"),
    pytest.param("[lijsten]\ngebieden = [\"Noord\", \"noord\"]\n", "[lijsten] gebieden", id="list-duplicate"),
    pytest.param("[dienst]\nlezer = \"pandas\"\n", "[dienst] lezer", id="reader-unknown"),
    pytest.param("[grenzen]\nmax_bestand_mb = 0\n", "[grenzen] max_bestand_mb", id="limit-zero"),
    pytest.param("[grenzen]\nmax_bestand_mb = 2.5\n", "[grenzen] max_bestand_mb", id="limit-not-integer"),
    pytest.param("[smtp]\npoort = \"587\"\n", "[smtp] poort", id="port-text"),
    pytest.param("[herinneringen]\naan = \"ja\"\n", "[herinneringen] aan", id="flag-text"),
    pytest.param("[organisatie]\nnaam = 12\n", "[organisatie] naam", id="name-number"),
    pytest.param("[dienst]\nstatusbestand = 5\n", "[dienst] statusbestand", id="path-number"),
])
def test_wrong_entries_are_refused_naming_file_and_entry(tmp_path: Path, text: str, entry: str) -> None:
    message = refusal(write(tmp_path, text))
    assert entry in message, message


def test_invalid_toml_is_refused_naming_the_file_and_the_line(tmp_path: Path) -> None:
    message = refusal(write(tmp_path, "[advies]\nuurtarief = 90\nregels = \"niet afgesloten\n"))
    assert "TOML" in message
    assert "line 3" in message or "regel 3" in message, message


def test_missing_settings_file_is_refused(tmp_path: Path) -> None:
    message = refusal(tmp_path / "bestaat-niet.toml")
    assert "bestaat niet" in message


def test_environment_overrides_state_db_and_smtp_password(tmp_path: Path) -> None:
    path = write(tmp_path / "config", GOOD)
    state = tmp_path / "elders" / "state.sqlite"
    settings = load(path, {"TOOLBOX_STATE_DB": str(state), "TOOLBOX_SMTP_PASSWORD": "g3h31m"})
    assert settings.state_db == state, "the environment wins over the file"
    assert settings.smtp.password == "g3h31m"
    assert "g3h31m" not in repr(settings), "the password never shows up in logs"
    assert settings.smtp.host == "smtp.example.org", "the rest of the file still applies"


def test_empty_environment_values_do_not_override(tmp_path: Path) -> None:
    path = write(tmp_path / "config", GOOD)
    settings = load(path, {"TOOLBOX_STATE_DB": "", "TOOLBOX_SMTP_PASSWORD": ""})
    assert settings.state_db == tmp_path / "config" / "status" / "state.sqlite"
    assert settings.smtp.password == ""


def test_wrong_environment_value_is_refused_naming_the_variable() -> None:
    with pytest.raises(SettingsError) as caught:
        apply_env(Settings(), {"TOOLBOX_SMTP_PORT": "-1"})
    assert "TOOLBOX_SMTP_PORT" in str(caught.value)


def test_load_settings_reads_the_os_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TOOLBOX_SMTP_PASSWORD", "uit-de-omgeving")
    monkeypatch.setenv("TOOLBOX_STATE_DB", str(tmp_path / "s.sqlite"))
    settings = load_settings()
    assert settings.smtp.password == "uit-de-omgeving"
    assert settings.state_db == tmp_path / "s.sqlite"


def test_root_folder_settings_file_is_used(tmp_path: Path) -> None:
    write(tmp_path, "[advies]\nuurtarief = 70\n")
    assert load_settings(root=tmp_path, environ={}).hourly_rate == Decimal("70.00")
    assert load_settings(root=tmp_path / "elders", environ={}).hourly_rate == Decimal("85.00")


def test_every_documented_key_is_accepted_with_a_sensible_value(tmp_path: Path) -> None:
    """The reference lists each key once; each can be set (guards against a key that can never be used)."""
    samples = {"organisatie": '"X"', "lijsten": '["A"]', "dienst.lezer": '"direct"',
               "smtp.beveiliging": '"geen"', "herinneringen": "true"}
    keys = settings_reference()
    assert len({(s, k) for s, k, _ in keys}) == len(keys)
    for section, key, attribute in keys:
        if f"{section}.{key}" in samples:
            value = samples[f"{section}.{key}"]
        elif section in samples:
            value = samples[section]
        elif attribute.endswith(("_path", "_template", "_dir", "state_db", "output_dir")):
            value = "\"map/bestand\""
        elif section == "smtp" and key in ("host", "gebruiker", "afzender"):
            value = "\"x@example.org\""
        else:
            value = "3"
        path = write(tmp_path / f"{section}-{key}", f"[{section}]\n{key} = {value}\n")
        load(path)
