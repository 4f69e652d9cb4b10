"""The package layout as the README shows it: its map names every module, and no module that is gone."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "src" / "toolbox_docs"


def _map_in_readme() -> set[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## How it is built", 1)[1]
    block = section.split("```", 2)[1]
    paths: set[str] = set()
    folder = ""
    for line in block.splitlines()[1:]:
        match = re.match(r"^( +)([\w/]+(?:\.py)?)\s", line + " ")
        if not match:
            continue
        indent, name = len(match.group(1)), match.group(2)
        if name.endswith("/"):
            folder = name
        elif name.endswith(".py"):
            paths.add((folder if indent > 2 else "") + name)
    return paths


def _modules() -> set[str]:
    return {path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*.py")
            if path.name != "__init__.py"}


def test_the_readme_map_lists_every_module_and_no_other():
    listed, present = _map_in_readme(), _modules()
    assert present - listed == set(), "modules missing from the README's map"
    assert listed - present == set(), "the README's map names modules that do not exist"


def test_the_top_level_holds_only_the_foundation():
    top = {path.name for path in PACKAGE.glob("*.py")} - {"__init__.py", "__main__.py"}
    assert top == {"errors.py", "settings.py", "state.py", "formatting.py", "resources.py", "limits.py", "names.py",
                   "vocab.py"}
