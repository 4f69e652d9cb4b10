"""Settings, loaded once: built-in defaults ← ``toolbox.toml`` ← environment ← command-line options.

The TOML file is edited by advisors and admins, so its keys are Dutch; every key is documented in
``docs/settings.md`` and in the example ``toolbox.toml`` that ``toolbox-docs init`` writes. Unknown keys and
wrong types are refused with a message naming the file and the entry. Nothing else in the package reads
settings files or the environment: the loaded ``Settings`` is passed down explicitly.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from toolbox_docs.errors import SettingsError
from toolbox_docs.limits import Limits
from toolbox_docs.resources import templates_dir
from toolbox_docs.vocab import ALL_LEVELS

SETTINGS_FILE = "toolbox.toml"
ENV_PREFIX = "TOOLBOX_"
# The root's folder of templates (``toolbox-docs init`` fills it): its proposal templates are the ones
# used, unless ``[voorstellen]`` names others.
TEMPLATES_FOLDER = "Sjablonen"
PROPOSAL_TEMPLATES = {"college_template": "collegevoorstel.docx", "council_template": "raadsvoorstel.docx"}

DEFAULT_AREAS = (
    "Hele gemeente", "Heerlen-Centrum", "Heerlerbaan", "Heerlerheide", "Hoensbroek", "Meezenbroek",
    "Molenberg", "Zeswegen", "Welten-Benzenrade", "Grasbroek", "Schandelen", "Passart", "Regio Parkstad",
)
DEFAULT_POLICY_FIELDS = (
    "Burgerbetrokkenheid", "Cultuur en erfgoed", "Duurzaamheid en energie", "Economie en werk",
    "Groen en klimaat", "Jeugd en onderwijs", "Openbare ruimte", "Ouderenbeleid", "Ruimtelijke ontwikkeling",
    "Sport en recreatie", "Veiligheid", "Verkeer en mobiliteit", "Wonen", "Zorg en welzijn",
)
DEFAULT_CATEGORIES = (
    "inwoners", "ondernemers", "maatschappelijke organisaties", "andere overheden", "politiek",
    "interne afdelingen", "overig",
)


def default_state_db() -> Path:
    """A local (not network-share) place for the SQLite state: SQLite locking is unreliable over SMB."""
    if os.name == "nt":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    else:
        base = Path(os.environ.get("XDG_STATE_HOME", Path.home() / ".local" / "state"))
    return base / "toolbox-docs" / "state.sqlite"


@dataclass(frozen=True)
class Smtp:
    host: str = ""
    port: int = 587
    security: str = "starttls"
    username: str = ""
    password: str = field(default="", repr=False)
    sender: str = "participatie@example.org"
    timeout: float = 20.0

    @property
    def configured(self) -> bool:
        return bool(self.host)


@dataclass(frozen=True)
class Settings:
    organisation: str = "Gemeente Heerlen"
    hourly_rate: Decimal = Decimal("85.00")
    areas: tuple[str, ...] = DEFAULT_AREAS
    policy_fields: tuple[str, ...] = DEFAULT_POLICY_FIELDS
    categories: tuple[str, ...] = DEFAULT_CATEGORIES
    catalogue_path: Path = field(default_factory=lambda: templates_dir() / "werkvormen.toml")
    rules_path: Path = field(default_factory=lambda: templates_dir() / "advies.toml")
    checklist_path: Path = field(default_factory=lambda: templates_dir() / "checklist.toml")
    wording_dir: Path = field(default_factory=lambda: templates_dir() / "teksten")
    college_template: Path = field(default_factory=lambda: templates_dir() / "collegevoorstel.docx")
    council_template: Path = field(default_factory=lambda: templates_dir() / "raadsvoorstel.docx")
    state_db: Path = field(default_factory=default_state_db)
    output_dir: Path | None = None
    reader: str = "direct"
    stability_delay: float = 2.0
    rescan_interval: float = 60.0
    polling_interval: float = 5.0
    retry_interval: float = 30.0
    reminders_enabled: bool = True
    reminders_send: bool = False
    limits: Limits = field(default_factory=Limits)
    smtp: Smtp = field(default_factory=Smtp)
    source: Path | None = None

    @property
    def lists(self) -> dict[str, tuple[str, ...]]:
        """The lists that form fields draw their allowed values from (``Field.list_name``)."""
        return {
            "areas": self.areas,
            "policy_fields": self.policy_fields,
            "categories": self.categories,
            "levels": ALL_LEVELS,
        }

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


# --- the TOML file ------------------------------------------------------------------------------


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{where} moet tekst zijn")
    return value


def _texts(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value) or not value:
        raise ValueError(f"{where} moet een niet-lege lijst met teksten zijn")
    cleaned = tuple(v.strip() for v in value)
    if len({v.casefold() for v in cleaned}) != len(cleaned):
        raise ValueError(f"{where} bevat een waarde dubbel")
    return cleaned


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ValueError(f"{where} moet een getal van 0 of meer zijn")
    return float(value)


def _positive(value: Any, where: str) -> float:
    number = _number(value, where)
    if number <= 0:
        raise ValueError(f"{where} moet groter dan 0 zijn")
    return number


def _integer(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{where} moet een geheel getal groter dan 0 zijn")
    return value


def _money(value: Any, where: str) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(f"{where} moet een bedrag zijn")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{where} moet een bedrag zijn, bijvoorbeeld 85.00") from None
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"{where} moet een bedrag van 0 of meer zijn")
    return amount.quantize(Decimal("0.01"))


def _flag(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{where} moet true of false zijn")
    return value


def _choice(*options: str) -> Callable[[Any, str], str]:
    def check(value: Any, where: str) -> str:
        if value not in options:
            raise ValueError(f"{where} moet een van {', '.join(options)} zijn")
        return str(value)

    return check


_PATH = "path"  # marker: a path, relative to the settings file's folder

# (section, key) -> (attribute path, converter)
_KEYS: dict[tuple[str, str], tuple[str, Any]] = {
    ("organisatie", "naam"): ("organisation", _text),
    ("advies", "uurtarief"): ("hourly_rate", _money),
    ("advies", "werkvormen"): ("catalogue_path", _PATH),
    ("advies", "regels"): ("rules_path", _PATH),
    ("advies", "checklist"): ("checklist_path", _PATH),
    ("advies", "teksten"): ("wording_dir", _PATH),
    ("lijsten", "gebieden"): ("areas", _texts),
    ("lijsten", "beleidsvelden"): ("policy_fields", _texts),
    ("lijsten", "categorieen"): ("categories", _texts),
    ("voorstellen", "collegevoorstel"): ("college_template", _PATH),
    ("voorstellen", "raadsvoorstel"): ("council_template", _PATH),
    ("dienst", "statusbestand"): ("state_db", _PATH),
    ("dienst", "uitvoermap"): ("output_dir", _PATH),
    ("dienst", "lezer"): ("reader", _choice("direct", "openpyxl")),
    ("dienst", "stabiliteit_seconden"): ("stability_delay", _number),
    ("dienst", "herscan_seconden"): ("rescan_interval", _positive),
    ("dienst", "polling_seconden"): ("polling_interval", _positive),
    ("dienst", "opnieuw_proberen_seconden"): ("retry_interval", _positive),
    ("grenzen", "max_bestand_mb"): ("limits.max_file_bytes", lambda v, w: _integer(v, w) * 1024 * 1024),
    ("grenzen", "max_onderdelen"): ("limits.max_members", _integer),
    ("grenzen", "max_onderdeel_mb"): ("limits.max_member_bytes", lambda v, w: _integer(v, w) * 1024 * 1024),
    ("grenzen", "max_uitgepakt_mb"): ("limits.max_total_bytes", lambda v, w: _integer(v, w) * 1024 * 1024),
    ("grenzen", "max_compressieverhouding"): ("limits.max_ratio", _integer),
    ("grenzen", "max_seconden_per_bestand"): ("limits.seconds_per_file", _positive),
    ("grenzen", "max_geheugen_mb_per_bestand"): ("limits.memory_mb_per_file", _integer),
    ("herinneringen", "aan"): ("reminders_enabled", _flag),
    ("herinneringen", "verzenden"): ("reminders_send", _flag),
    ("smtp", "host"): ("smtp.host", _text),
    ("smtp", "poort"): ("smtp.port", _integer),
    ("smtp", "beveiliging"): ("smtp.security", _choice("starttls", "tls", "geen")),
    ("smtp", "gebruiker"): ("smtp.username", _text),
    ("smtp", "afzender"): ("smtp.sender", _text),
    ("smtp", "time_out_seconden"): ("smtp.timeout", _positive),
}

# Environment variables (for secrets and for the service's deployment) -> attribute path.
_ENV: dict[str, tuple[str, Any]] = {
    "TOOLBOX_STATE_DB": ("state_db", _PATH),
    "TOOLBOX_SMTP_HOST": ("smtp.host", _text),
    "TOOLBOX_SMTP_PORT": ("smtp.port", lambda v, w: _integer(int(v), w)),
    "TOOLBOX_SMTP_USER": ("smtp.username", _text),
    "TOOLBOX_SMTP_PASSWORD": ("smtp.password", _text),
}


def _set(settings: Settings, attribute: str, value: Any) -> Settings:
    if "." in attribute:
        group, name = attribute.split(".", 1)
        inner = dataclasses.replace(getattr(settings, group), **{name: value})
        return dataclasses.replace(settings, **{group: inner})
    return dataclasses.replace(settings, **{attribute: value})


def _convert(converter: Any, raw: Any, where: str, base: Path) -> Any:
    if converter is _PATH:
        text = _text(raw, where)
        if not text.strip():
            return None
        path = Path(os.path.expandvars(text)).expanduser()
        return path if path.is_absolute() else (base / path)
    return converter(raw, where)


def read_toml(path: Path, *, what: str = "het bestand", missing: str | None = None) -> dict[str, Any]:
    """The parsed TOML file, or a ``SettingsError`` naming the file: the one reader of every TOML file the
    toolbox reads (``toolbox.toml``, the advice's data files, the sentences). ``what`` names the file in the
    messages; ``missing`` replaces the message for a file that does not exist."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SettingsError(missing or f"{what} bestaat niet.", path=path) from None
    except (OSError, UnicodeDecodeError) as error:
        raise SettingsError(f"{what} is niet te lezen ({error}).", path=path) from None
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"dit is geen geldig TOML-bestand: {error}.", path=path) from None


def apply_toml(settings: Settings, path: Path) -> Settings:
    """Settings with the entries of one ``toolbox.toml`` applied; refuses unknown or wrong entries."""
    data = read_toml(path, what="het instellingenbestand")
    base = path.parent
    for section, entries in data.items():
        if not isinstance(entries, dict):
            raise SettingsError(f"'{section}' hoort een sectie [{section}] te zijn.", path=path)
        for key, raw in entries.items():
            spec = _KEYS.get((section, key))
            if spec is None:
                known = sorted(k for s, k in _KEYS if s == section)
                hint = f" Bekend in [{section}]: {', '.join(known)}." if known else " Onbekende sectie."
                raise SettingsError(f"onbekende instelling [{section}] {key}.{hint}", path=path)
            try:
                value = _convert(spec[1], raw, f"[{section}] {key}", base)
            except ValueError as error:
                raise SettingsError(f"{error}.", path=path) from None
            settings = _set(settings, spec[0], value)
    return dataclasses.replace(settings, source=path)


def apply_env(settings: Settings, environ: Mapping[str, str]) -> Settings:
    for name, (attribute, converter) in _ENV.items():
        if name in environ and environ[name] != "":
            try:
                settings = _set(settings, attribute, _convert(converter, environ[name], name, Path.cwd()))
            except ValueError as error:
                raise SettingsError(f"omgevingsvariabele {error}.") from None
    return settings


def apply_root_templates(settings: Settings, root: Path) -> Settings:
    """The proposal templates in ``ROOT/Sjablonen/`` where ``[voorstellen]`` names none: an admin's edit
    of ``Sjablonen/collegevoorstel.docx`` is what the proposals are made from."""
    defaults = Settings()
    for attribute, name in PROPOSAL_TEMPLATES.items():
        candidate = root / TEMPLATES_FOLDER / name
        if getattr(settings, attribute) == getattr(defaults, attribute) and candidate.is_file():
            settings = _set(settings, attribute, candidate)
    return settings


def load_settings(*, root: Path | None = None, config: Path | None = None,
                  environ: Mapping[str, str] | None = None) -> Settings:
    """Defaults, then ``config`` (or ``ROOT/toolbox.toml`` when present), then the environment; with a
    ``root``, its ``Sjablonen/`` proposal templates unless the settings name others."""
    settings = Settings()
    if config is not None:
        settings = apply_toml(settings, config)
    elif root is not None and (root / SETTINGS_FILE).is_file():
        settings = apply_toml(settings, root / SETTINGS_FILE)
    settings = apply_env(settings, os.environ if environ is None else environ)
    return apply_root_templates(settings, root) if root is not None else settings


def settings_reference() -> list[tuple[str, str, str]]:
    """(section, key, attribute) of every TOML entry, for the documentation and its test."""
    return [(section, key, spec[0]) for (section, key), spec in _KEYS.items()]
