"""Which files the service looks at, and which it ignores. Pure path rules (plus one stat on Windows).

Taken: spreadsheets (by extension) inside a watched root. Ignored: Office owner files (``~$…``), temp
files (``*.tmp``, extension-less temp names Excel writes before it renames), hidden and system files,
anything in a hidden folder or in ``Vorige versies/``, and the generated register. The first rules are
``validate``'s (``batch.is_workbook_name``, ``batch.is_hidden_folder``); the service adds its backups, the
register, ``~`` names, Windows' hidden and system attributes and the rule on links below, because it writes
beside what it finds (``validate`` checks a workbook among the backups when asked to).

Symbolic links are never followed: a file that is a link, or that is reached through a linked folder,
is not a candidate (its real place may lie outside the root, where the person who made the link may not
read; outputs written beside it would land there too). The roots themselves are resolved once at start.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from toolbox_docs.pipeline.batch import is_hidden_folder, is_workbook_name
from toolbox_docs.share.fsio import BACKUP_FOLDER, TEMP_PREFIX, TEMP_SUFFIX
from toolbox_docs.share.outputs import is_register

_HIDDEN_OR_SYSTEM = getattr(stat, "FILE_ATTRIBUTE_HIDDEN", 2) | getattr(stat, "FILE_ATTRIBUTE_SYSTEM", 4)


def is_candidate(path: Path, root: Path) -> bool:
    """A workbook to look at (``batch.is_workbook_name``, as ``validate`` finds them) that is the service's to
    process: inside ``root``, not in a hidden folder or among the backups, not a ``~`` name nor the register,
    reached without a link and not hidden by Windows."""
    if not is_workbook_name(path) or path.name.startswith("~") or is_register(path):
        return False
    try:
        relative = path.relative_to(root)
    except ValueError:
        return False
    if any(_skipped(part) for part in relative.parts[:-1]):
        return False
    return not _hidden_on_windows(path) and _reached_without_links(path, root)


def _skipped(folder: str) -> bool:
    """A folder the service does not look into: a hidden one, or its own backups (``Vorige versies``)."""
    return is_hidden_folder(folder) or folder == BACKUP_FOLDER


def _reached_without_links(path: Path, root: Path) -> bool:
    """Whether ``path`` is where its name says: no symbolic link in it below ``root`` (itself included)."""
    try:
        real = os.path.realpath(path)
    except (OSError, ValueError):
        return False
    return os.path.normcase(real) == os.path.normcase(os.path.join(os.path.realpath(root), path.relative_to(root)))


def _hidden_on_windows(path: Path) -> bool:
    if os.name != "nt":
        return False
    try:
        attributes = getattr(os.stat(path), "st_file_attributes", 0)
    except OSError:
        return False
    return bool(attributes & _HIDDEN_OR_SYSTEM)


def scan(root: Path, temps: list[Path] | None = None) -> list[Path]:
    """All candidate files under ``root`` (sorted; unreadable folders are skipped). When ``temps`` is
    given, our own temp files (``.~toolbox-….tmp``) found on the way are added to it."""
    found: list[Path] = []
    if root.is_symlink():
        return found  # a folder hint for a link to a folder: not followed
    for folder, subfolders, files in os.walk(root, onerror=lambda error: None):
        subfolders[:] = sorted(d for d in subfolders if not _skipped(d))
        for name in sorted(files):
            path = Path(folder) / name
            if temps is not None and name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX):
                temps.append(path)
            elif is_candidate(path, root):
                found.append(path)
    return found
