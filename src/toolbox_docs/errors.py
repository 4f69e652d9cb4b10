"""One error family. Each error carries its exit code as class data and a Dutch message for people.

Library code raises these; the CLI translates them into a message and an exit status in one place.
Outcomes that are expected for a file (an invalid intake, a file that is not ours, a proposal open in
Word) are values, not exceptions: see ``runtime.Outcome`` and ``runtime.ProcessResult``.

A few modules keep a private signal of their own that never leaves them (``forms.values.Invalid`` becomes
a validation problem, ``advice.datafile.DataError`` a ``SettingsError``, ``ooxml._Refusal`` a
``WorkbookError``): those are not errors of the toolbox, only the way a parser says "this value is wrong".
"""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    """Exit statuses of the command line, documented in the README."""

    OK = 0
    PROBLEMS = 1
    USAGE_OR_SYSTEM = 2


class ToolboxError(Exception):
    """Base of every error the toolbox raises on purpose. ``str(error)`` is Dutch and meant for people."""

    exit_code: ExitCode = ExitCode.USAGE_OR_SYSTEM

    def __init__(self, message: str, *, path: Path | str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None

    def __str__(self) -> str:
        if self.path is not None:
            return f"{self.path}: {self.message}"
        return self.message


class SettingsError(ToolboxError):
    """A settings file, catalogue or wording template is missing or wrong; names the file and the entry."""


class WorkbookError(ToolboxError):
    """A workbook cannot be read as one of ours (damaged, hostile, encrypted, legacy, not ours, ...).

    ``code`` is stable and machine-readable; ``message`` tells the person what to do.
    """

    exit_code = ExitCode.PROBLEMS

    def __init__(self, code: str, message: str, *, path: Path | str | None = None) -> None:
        super().__init__(message, path=path)
        self.code = code


class DocumentError(ToolboxError):
    """A Word document cannot receive the paragraph (no anchor, several, unsupported kind, damaged)."""

    exit_code = ExitCode.PROBLEMS

    def __init__(self, code: str, message: str, *, path: Path | str | None = None) -> None:
        super().__init__(message, path=path)
        self.code = code


class StateError(ToolboxError):
    """The embedded state database (ledger, register) cannot be opened or migrated."""


class StateUnavailable(StateError):
    """The state database is there but cannot be used for now: another process holds a write lock on it
    (busy), or its disk is full. Infrastructure, never a person's fault: the work waits and is retried."""


class MailError(ToolboxError):
    """Sending mail failed (server down, refused, login wrong). The reminder stays pending."""


class ProblemsFound(ToolboxError):
    """A command found problems in the files it was given (an advice asked for an invalid intake)."""

    exit_code = ExitCode.PROBLEMS


class WriteError(ToolboxError):
    """An output could not be written (folder read-only, disk full, file locked)."""

    def __init__(self, message: str, *, path: Path, reason: str) -> None:
        super().__init__(message, path=path)
        self.reason = reason


class FolderError(ToolboxError):
    """A folder on the share cannot be opened for the service: a link on its path (``link``), gone,
    not a folder, outside its base, or no access. ``code`` is stable; the message is Dutch."""

    def __init__(self, code: str, message: str, *, path: Path) -> None:
        super().__init__(message, path=path)
        self.code = code


class LeaseRefused(ToolboxError):
    """Another service holds the root or the state database."""
