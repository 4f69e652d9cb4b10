"""Where the built-in data lives: ``templates/`` and ``watch_folders/`` of the repository.

In a wheel they are packed under ``toolbox_docs/_data/``; in a source checkout or an editable install
they are the repository's own top-level folders.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"De ingebouwde map '{name}' ontbreekt; installeer toolbox-docs opnieuw.")


def templates_dir() -> Path:
    return _find("templates")


def example_root() -> Path:
    return _find("watch_folders")
