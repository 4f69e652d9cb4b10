"""``toolbox-docs init ROOT``: a watched root with its folders, blank templates and example settings."""

from __future__ import annotations

import shutil
from pathlib import Path

from toolbox_docs.blank_workbooks import write_blank_workbooks
from toolbox_docs.errors import ToolboxError
from toolbox_docs.resources import templates_dir
from toolbox_docs.settings import SETTINGS_FILE, Settings

EXAMPLE_SETTINGS = "toolbox.voorbeeld.toml"


def init_root(root: Path, settings: Settings) -> list[str]:
    lines: list[str] = []
    try:
        for folder in (root, root / "Sjablonen", root / "Projecten"):
            if not folder.exists():
                folder.mkdir(parents=True)
                lines.append(f"Map gemaakt: {folder}")
        for path in write_blank_workbooks(root / "Sjablonen", settings):
            lines.append(f"Sjabloon geschreven: {path}")
        for template in (settings.college_template, settings.council_template):
            target = root / "Sjablonen" / template.name
            shutil.copyfile(template, target)
            lines.append(f"Sjabloon geschreven: {target}")
        settings_file = root / SETTINGS_FILE
        if settings_file.exists():
            lines.append(f"Bestaat al, niet aangeraakt: {settings_file}")
        else:
            shutil.copyfile(templates_dir() / EXAMPLE_SETTINGS, settings_file)
            lines.append(f"Voorbeeldinstellingen geschreven: {settings_file}")
    except OSError as error:
        raise ToolboxError(f"kan de map niet inrichten ({error.strerror}).", path=root) from None
    lines.append(f"Klaar. Start de dienst met: toolbox-docs watch \"{root}\"")
    return lines
