"""Checking one workbook's bytes: read, recognise, validate. Pure apart from the reader's parsing.

The one entry point for the CLI's ``validate``, the pipeline and the batch validator, so that all three
give exactly the same verdict for the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from toolbox_docs.errors import WorkbookError
from toolbox_docs.forms.markers import NOT_OURS
from toolbox_docs.forms.raw import RawForm
from toolbox_docs.forms.schema import Severity
from toolbox_docs.forms.validate import Problem, validate_form
from toolbox_docs.limits import Limits


class WorkbookStatus(StrEnum):
    """The verdict on one workbook; the value is what the JSON and CSV reports carry."""

    VALID = "valid"
    INVALID = "invalid"
    NOT_OURS = "not-ours"
    UNREADABLE = "unreadable"


# Refusals of a file that is ours but cannot be used as it is: counted as "with problems".
_OURS_BUT_WRONG = {"old-template", "newer-template", "structure-broken", "table-missing"}


@dataclass(frozen=True)
class Check:
    """The verdict on one workbook: status, kind and version when recognised, problems, the record."""

    status: WorkbookStatus
    kind: str | None
    version: int | None
    problems: tuple[Problem, ...]
    record: Any | None = None
    filled: int = 0

    @property
    def ok(self) -> bool:
        return self.status == WorkbookStatus.VALID


def read_raw(data: bytes, *, limits: Limits, reader: str = "direct") -> RawForm:
    if reader == "openpyxl":
        from toolbox_docs.forms.xlsx_reference import read_form as read_reference

        return read_reference(data, limits=limits)
    from toolbox_docs.forms.xlsx_read import read_form

    return read_form(data, limits=limits)


def refusal(error: WorkbookError) -> Check:
    status = WorkbookStatus.NOT_OURS if error.code == NOT_OURS \
        else WorkbookStatus.INVALID if error.code in _OURS_BUT_WRONG else WorkbookStatus.UNREADABLE
    return Check(status, None, None, (Problem(error.code, Severity.ERROR, error.message),))


def check_workbook(data: bytes, *, lists: Mapping[str, tuple[str, ...]], limits: Limits,
                   reader: str = "direct") -> Check:
    try:
        raw = read_raw(data, limits=limits, reader=reader)
    except WorkbookError as error:
        return refusal(error)
    result = validate_form(raw, lists=lists)
    status = WorkbookStatus.VALID if result.ok else WorkbookStatus.INVALID
    return Check(status, result.kind, result.version, result.problems, result.record, result.filled)


class CheckSettings(Protocol):
    """What checking needs of the settings (``settings.Settings`` has it; the forms do not import it)."""

    @property
    def lists(self) -> Mapping[str, tuple[str, ...]]: ...

    @property
    def limits(self) -> Limits: ...

    @property
    def reader(self) -> str: ...


def check_with_settings(data: bytes, settings: CheckSettings) -> Check:
    return check_workbook(data, lists=settings.lists, limits=settings.limits, reader=settings.reader)
