"""Setting up a watched root (``toolbox-docs init ROOT``) and its templates, without destroying anything.

``init`` creates what is missing: the folders, ``toolbox.toml`` (from the example that documents every
key), and in ``Sjablonen/`` the blank workbooks (made with ROOT's own settings: its lists, its catalogue)
and the proposal templates. A file that exists is an admin's work and is kept; with ``--vernieuw`` it is
replaced by a fresh one, after a copy went to ``Sjablonen/Vorige versies/``. ``toolbox.toml`` is never
replaced. ``templates build`` writes blank workbooks the same way (always fresh, with the backup).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from toolbox_docs.documents.blank_workbooks import blank_workbooks
from toolbox_docs.errors import ToolboxError
from toolbox_docs.resources import templates_dir
from toolbox_docs.settings import PROPOSAL_TEMPLATES, SETTINGS_FILE, TEMPLATES_FOLDER, Settings, load_settings
from toolbox_docs.share.fsio import BACKUP_FOLDER, Folder, atomic_write
from toolbox_docs.share.publish import content_digest

EXAMPLE_SETTINGS = "toolbox.voorbeeld.toml"
FOLDERS = (TEMPLATES_FOLDER, "Projecten")
_COMPARE_BYTES = 64 * 1024 * 1024


def place(target: Path, data: bytes, *, renew: bool, now: dt.datetime) -> str:
    """Put ``data`` at ``target``: written when absent; when present, kept (``renew`` false) or replaced
    after a backup to ``Vorige versies/`` (unless it is the same). A Dutch line saying which."""
    if not target.exists():
        atomic_write(target, data)
        return f"Geschreven: {target}"
    if not renew:
        return f"Bestaat al, niet aangeraakt: {target}"
    with Folder.open(target.parent) as folder:
        if content_digest(folder.read_existing(target.name, max_bytes=_COMPARE_BYTES)) == content_digest(data):
            return f"Ongewijzigd: {target}"
        backup = folder.backup(target.name, now=now)
        folder.write(target.name, data)
    return f"Vernieuwd: {target} (de vorige versie staat in {backup})"


def write_blank_workbooks(folder: Path, settings: Settings, *, now: dt.datetime) -> list[str]:
    """``templates build``: fresh blank workbooks in ``folder``; what was there is backed up first."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ToolboxError(f"kan de map niet maken ({error.strerror}).", path=folder) from None
    return [place(folder / name, data, renew=True, now=now) for name, data in blank_workbooks(settings).items()]


def init_root(root: Path, *, config: Path | None, renew: bool, now: dt.datetime) -> list[str]:
    lines: list[str] = []
    settings_file = root / SETTINGS_FILE
    try:
        for folder in (root, *(root / name for name in FOLDERS)):
            if not folder.exists():
                folder.mkdir(parents=True)
                lines.append(f"Map gemaakt: {folder}")
        if settings_file.exists():
            lines.append(f"Bestaat al, niet aangeraakt: {settings_file}"
                         + (" (init vervangt de instellingen nooit)" if renew else ""))
        else:
            shutil.copyfile(templates_dir() / EXAMPLE_SETTINGS, settings_file)
            lines.append(f"Voorbeeldinstellingen geschreven: {settings_file}")
    except OSError as error:
        raise ToolboxError(f"kan de map niet inrichten ({error.strerror}).", path=root) from None
    # ROOT's own settings (or --config): its lists and catalogue go into the blank workbooks.
    settings = load_settings(config=config, root=root)
    templates = root / TEMPLATES_FOLDER
    for name, data in blank_workbooks(settings).items():
        lines.append(place(templates / name, data, renew=renew, now=now))
    built_in = Settings()
    for attribute, name in PROPOSAL_TEMPLATES.items():
        target = templates / name
        lines.append(place(target, getattr(built_in, attribute).read_bytes(), renew=renew, now=now))
        used = getattr(load_settings(config=config, root=root), attribute)
        if used != target:
            lines.append(f"Let op: de dienst maakt voorstellen met {used} (instelling [voorstellen] in "
                         f"{settings.source}), niet met {target}.")
    if not renew and any(line.startswith("Bestaat al") for line in lines):
        lines.append(f"Bestaande bestanden zijn bewaard. Nieuwe versies maken (de oude gaan naar "
                     f"{TEMPLATES_FOLDER}/{BACKUP_FOLDER}/): toolbox-docs init --vernieuw \"{root}\"")
    lines.append(f"Klaar. Controleer de inrichting met: toolbox-docs doctor \"{root}\"")
    lines.append(f"Start de dienst met: toolbox-docs watch \"{root}\"")
    return lines
