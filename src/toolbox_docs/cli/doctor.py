"""``toolbox-docs doctor ROOT``: how a watched root is set up, in Dutch, for the functional admin.

What is there and what is missing (folders, blank workbooks, proposal templates), which settings file and
which database are used, whether the service runs (from its heartbeat) and with polling or not, and the
file system the root is on, with the advice to poll on a network share. Each finding is ``in orde``,
``let op`` (worth knowing, nothing breaks) or ``oplossen`` (the service cannot work well until it is
fixed). Reads only: it opens no database and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
from dataclasses import dataclass
from pathlib import Path

from toolbox_docs.documents.blank_workbooks import BLANK_NAMES
from toolbox_docs.errors import SettingsError, ToolboxError
from toolbox_docs.formatting import dutch_list
from toolbox_docs.forms.schema import TEMPLATE_VERSIONS
from toolbox_docs.service.mounts import Mount, is_unc, mount_of, read_mounts
from toolbox_docs.service.status import is_alive, read_status, status_path
from toolbox_docs.settings import (
    PROPOSAL_TEMPLATES,
    SETTINGS_FILE,
    TEMPLATES_FOLDER,
    Settings,
    apply_root_templates,
    load_settings,
)

OK = "in orde"
NOTE = "let op"
FIX = "oplossen"
_PROPOSAL_LABELS = {"college_template": "Collegevoorstel", "council_template": "Raadsvoorstel"}


@dataclass(frozen=True)
class Finding:
    level: str
    text: str


def diagnose(root: Path, *, config: Path | None) -> list[Finding]:
    findings: list[Finding] = []
    if not root.is_dir():
        return [Finding(FIX, f"De map {root} bestaat niet of is niet bereikbaar (netwerkschijf niet gekoppeld? "
                             "Tikfout in de naam?).")]
    findings.append(_rights(root))
    settings = _settings(root, config, findings)
    findings += _folders(root)
    findings += _blank_workbooks(root, settings)
    findings += _proposal_templates(root, settings)
    findings += _setup(root, settings)
    findings += _database(settings)
    findings += _service(root, settings)
    return findings


def summary(findings: list[Finding]) -> str:
    counts = {level: sum(1 for f in findings if f.level == level) for level in (FIX, NOTE)}
    if not any(counts.values()):
        return "Alles in orde."
    parts = [f"{n} {'punt' if n == 1 else 'punten'} om op te {'lossen' if level == FIX else 'letten'}"
             for level, n in counts.items() if n]
    return dutch_list(parts).capitalize() + "."


def _rights(root: Path) -> Finding:
    user = _user()
    if os.access(root, os.R_OK | os.W_OK | os.X_OK):
        return Finding(OK, f"De map {root} bestaat; {user} kan er lezen en schrijven (de dienst moet dat ook "
                           "kunnen, met zijn eigen account).")
    if os.access(root, os.R_OK | os.X_OK):
        return Finding(NOTE, f"De map {root} bestaat, maar {user} kan er niet schrijven. De dienst moet er wel "
                             "kunnen schrijven (met zijn eigen account).")
    return Finding(FIX, f"{user} kan de map {root} niet lezen.")


def _user() -> str:
    try:
        return f"gebruiker {getpass.getuser()}"
    except (OSError, KeyError):
        return "deze gebruiker"


def _settings(root: Path, config: Path | None, findings: list[Finding]) -> Settings:
    try:
        settings = load_settings(config=config, root=root)
    except SettingsError as error:
        findings.append(Finding(FIX, f"Instellingen niet te gebruiken: {error} De dienst start zo niet; hieronder "
                                     "staat wat met de ingebouwde instellingen zou gelden."))
        return apply_root_templates(Settings(), root)
    if settings.source is None:
        findings.append(Finding(NOTE, f"Geen {SETTINGS_FILE} in {root}: de ingebouwde instellingen gelden. "
                                      f"Een voorbeeld maken: toolbox-docs init \"{root}\"."))
    else:
        findings.append(Finding(OK, f"Instellingen: {settings.source}"))
    return settings


def _folders(root: Path) -> list[Finding]:
    findings = []
    for name in (TEMPLATES_FOLDER, "Projecten"):
        folder = root / name
        if folder.is_dir():
            findings.append(Finding(OK, f"Map {name}/ is er."))
        else:
            findings.append(Finding(FIX, f"Map {name}/ ontbreekt. Maken: toolbox-docs init \"{root}\"."))
    return findings


def _blank_workbooks(root: Path, settings: Settings) -> list[Finding]:
    from toolbox_docs.forms.check import check_with_settings
    from toolbox_docs.share.fsio import read_private_copy

    findings = []
    for kind, name in BLANK_NAMES.items():
        path = root / TEMPLATES_FOLDER / name
        where = f"{TEMPLATES_FOLDER}/{name}"
        if not path.is_file():
            findings.append(Finding(FIX, f"{where} ontbreekt: collega's hebben geen leeg werkboek om te kopiëren. "
                                         f"Maken: toolbox-docs init \"{root}\"."))
            continue
        try:
            check = check_with_settings(read_private_copy(path, max_bytes=settings.limits.max_file_bytes),
                                        settings)
        except ToolboxError as error:
            findings.append(Finding(FIX, f"{where} is niet te lezen: {error.message}"))
            continue
        current = TEMPLATE_VERSIONS[kind]
        if check.kind != kind:
            findings.append(Finding(FIX, f"{where} is geen leeg {kind}-werkboek van de toolbox. Een nieuw maken "
                                         f"(het oude gaat naar Vorige versies/): toolbox-docs init --vernieuw "
                                         f"\"{root}\"."))
        elif check.version != current:
            findings.append(Finding(FIX, f"{where} is van sjabloonversie {check.version}; de toolbox maakt nu "
                                         f"versie {current}. Vernieuwen: toolbox-docs init --vernieuw \"{root}\"."))
        else:
            findings.append(Finding(OK, f"{where}: leeg {kind}-werkboek, sjabloonversie {current}."))
    return findings


def _proposal_templates(root: Path, settings: Settings) -> list[Finding]:
    findings = []
    for attribute, name in PROPOSAL_TEMPLATES.items():
        used: Path = getattr(settings, attribute)
        label = _PROPOSAL_LABELS[attribute]
        in_root = root / TEMPLATES_FOLDER / name
        if used == in_root:
            findings.append(Finding(OK, f"{label}: de dienst gebruikt {TEMPLATES_FOLDER}/{name}."))
        elif used == getattr(Settings(), attribute):
            findings.append(Finding(NOTE, f"{label}: het ingebouwde sjabloon, want {TEMPLATES_FOLDER}/{name} "
                                          f"ontbreekt. Neerzetten om aan te passen: toolbox-docs init \"{root}\"."))
        elif used.is_file():
            findings.append(Finding(OK, f"{label}: de dienst gebruikt {used} (instelling [voorstellen])."))
        else:
            findings.append(Finding(FIX, f"{label}: {used} (instelling [voorstellen]) bestaat niet."))
    return findings


def _setup(root: Path, settings: Settings) -> list[Finding]:
    """What the service checks at its start (the root, the proposal templates' anchors, the output folder)."""
    from toolbox_docs.service.service import check_setup

    try:
        check_setup((root.resolve(),), settings)
    except ToolboxError as error:
        return [Finding(FIX, f"De dienst zou zo niet starten: {error}")]
    return [Finding(OK, "De voorstelsjablonen hebben elk één anker voor de participatieparagraaf.")]


def _database(settings: Settings) -> list[Finding]:
    db = settings.state_db
    findings = []
    if db.is_file():
        findings.append(Finding(OK, f"Database: {db} ({_size(db.stat().st_size)})."))
    elif db.parent.is_dir():
        findings.append(Finding(NOTE, f"Database: {db} bestaat nog niet; de dienst maakt hem bij zijn eerste "
                                      "start."))
    else:
        findings.append(Finding(NOTE, f"Database: {db} bestaat nog niet (de map ook niet); de dienst maakt "
                                      "hem bij zijn eerste start, als hij daar mag schrijven."))
    place = _existing(db)
    mount = mount_of(place) if place is not None else None
    if (mount is not None and mount.network) or is_unc(db):
        kind = mount.fstype if mount is not None else "netwerkpad"
        findings.append(Finding(FIX, f"De database staat op een netwerkschijf ({kind}); SQLite werkt daar niet "
                                     "betrouwbaar. Zet [dienst] statusbestand (of TOOLBOX_STATE_DB) op een lokale "
                                     "schijf van de server."))
    return findings


def _existing(path: Path) -> Path | None:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return None


def _size(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",") if size >= 1024 * 1024 else \
        f"{max(1, size // 1024)} kB"


def _service(root: Path, settings: Settings) -> list[Finding]:
    findings: list[Finding] = []
    path = status_path(settings)
    data = read_status(path)
    network = _network(root)
    if data is None:
        findings.append(Finding(NOTE, f"De dienst heeft (met deze database) nog nooit gedraaid: geen {path}. "
                                      f"Starten: toolbox-docs watch \"{root}\""
                                      + (" --polling" if network else "") + "."))
        polling = None
    else:
        beat = dt.datetime.fromtimestamp(float(data.get("beat", 0))).strftime("%d-%m-%Y %H:%M:%S")
        roots = [str(r) for r in data.get("roots", [])]
        polling = bool(data.get("polling"))
        if is_alive(data):
            how = "met polling" if polling else "met meldingen van het systeem (zonder polling)"
            findings.append(Finding(OK, f"De dienst draait (pid {data.get('pid')} op {data.get('host')}), {how}; "
                                        f"laatste teken van leven {beat}."))
        else:
            findings.append(Finding(NOTE, f"De dienst draait niet; laatste teken van leven {beat}."))
        if str(root.resolve()) not in roots:
            findings.append(Finding(NOTE, f"De dienst met deze database bewaakt {', '.join(roots) or 'geen map'}, "
                                          f"niet {root}."))
        for missing in data.get("missing_roots", []):
            findings.append(Finding(NOTE, f"De dienst kon {missing} niet bereiken (bij het laatste teken van "
                                          "leven)."))
    findings.append(_mount_advice(root, network, polling))
    return findings


def _network(root: Path) -> list[Mount]:
    """The network mounts the root lies on or holds."""
    mounts = read_mounts()
    found = [m for m in mounts if m.network and m.point.is_relative_to(root.resolve())]
    own = mount_of(root, mounts)
    if own is not None and own.network:
        found.insert(0, own)
    return found


def _mount_advice(root: Path, network: list[Mount], polling: bool | None) -> Finding:
    if is_unc(root):
        where = "een netwerkpad (SMB)"
    elif network:
        where = "; ".join(f"{m.fstype} ({m.source} op {m.point})" for m in network)
        where = f"een netwerkschijf: {where}"
    else:
        own = mount_of(root)
        kind = f" ({own.fstype})" if own is not None else ""
        return Finding(OK, f"Bestandssysteem: een lokale schijf{kind}; --polling is niet nodig.")
    if polling is False:
        return Finding(FIX, f"Bestandssysteem: {where}. De dienst draait zonder --polling: wijzigingen die "
                            "collega's via de netwerkschijf opslaan worden dan niet gemeld. Start hem met --polling.")
    return Finding(OK if polling else NOTE, f"Bestandssysteem: {where}. Gebruik --polling (meldingen van "
                                            "wijzigingen komen over het netwerk niet betrouwbaar door).")
