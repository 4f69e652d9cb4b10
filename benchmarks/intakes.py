"""Realistic filled intakes for the benchmark and the batch-scale test, generated fast.

A few dozen workbooks are filled with openpyxl, as a script or a person would: the worked example and the
fifteen advice scenarios of ``tests/intake_factory.py``, each also with another project name and team, plus
workbooks broken on purpose (invalid fields, a blank form, a spreadsheet that is not ours, a damaged zip,
an encrypted file and a legacy .xls). Every other file is a byte copy of one of these in its own project
folder, as on a share full of projects. Each kind carries the status ``validate`` must give it, by
construction (``tests/test_batch_scale.py`` checks those against the openpyxl reference reader).
"""

from __future__ import annotations

import dataclasses
import io
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from toolbox_docs.cli.examples import EXAMPLE_STAKEHOLDERS, EXAMPLE_VALUES
from toolbox_docs.forms.check import WorkbookStatus
from toolbox_docs.forms.schema import EVALUATION_SCHEMA, INTAKE_SCHEMA
from toolbox_docs.forms.xlsx_fill import fill_workbook, record_values
from toolbox_docs.forms.xlsx_template import build_workbook
from toolbox_docs.settings import Settings
from toolbox_docs.share.ooxml import OLE2_MAGIC

TESTS = Path(__file__).resolve().parent.parent / "tests"

# Every BROKEN_EVERY-th file is broken on purpose; the kinds of breakage take turns.
BROKEN_EVERY = 10
INTAKE_NAME = "intake.xlsx"


@dataclass(frozen=True)
class Kind:
    """One distinct workbook: its bytes, the status ``validate`` gives it, and what it is."""

    name: str
    data: bytes
    status: WorkbookStatus


def _scenarios() -> dict[str, object]:
    if str(TESTS) not in sys.path:
        sys.path.insert(0, str(TESTS))
    from intake_factory import SCENARIOS  # the realistic scenario intakes the advice tests use

    return {name: build() for name, build in SCENARIOS.items()}


def _renamed(record: object, number: int) -> object:
    """The same intake for another project: another name, team and goal (so the bytes differ)."""
    return dataclasses.replace(
        record,  # type: ignore[type-var]
        project_name=f"{record.project_name} (fase {number})",  # type: ignore[attr-defined]
        team="Team Wijkzaken",
        reason_goal=f"{record.reason_goal} Dit is fase {number} van het project.",  # type: ignore[attr-defined]
    )


def _foreign_workbook() -> bytes:
    """A spreadsheet that is not one of ours (a budget, no marker sheet)."""
    from openpyxl import Workbook

    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.title = "Begroting"
    sheet.append(["Post", "Bedrag"])
    sheet.append(["Zaalhuur", 450])
    sheet.append(["Koffie en thee", 120])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _ole2(stream_names: Sequence[str]) -> bytes:
    """A compound-file header and directory with these stream names: what Office writes for an encrypted
    workbook ("EncryptionInfo", "EncryptedPackage") or a legacy .xls ("Workbook")."""
    header = OLE2_MAGIC + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff\x09\x00" + b"\x00" * (512 - 32)
    directory = b"".join(name.encode("utf-16-le").ljust(64, b"\x00") + b"\x00" * 64 for name in stream_names)
    return header + directory.ljust(4096, b"\x00")


def valid_kinds() -> list[Kind]:
    """The worked example and every scenario, each as it is and for another project: 32 valid intakes."""
    settings = Settings()
    blank = build_workbook(INTAKE_SCHEMA, settings.lists)
    kinds = [Kind("voorbeeld", fill_workbook(blank, EXAMPLE_VALUES, EXAMPLE_STAKEHOLDERS), WorkbookStatus.VALID)]
    example_changed = {**EXAMPLE_VALUES, "project_name": "Groenplan Meezenbroek-Zuid", "team": "Team Wijkzaken"}
    kinds.append(Kind("voorbeeld-zuid", fill_workbook(blank, example_changed, EXAMPLE_STAKEHOLDERS[:6]),
                      WorkbookStatus.VALID))
    for name, record in _scenarios().items():
        for number, variant in ((1, record), (2, _renamed(record, 2))):
            values, rows = record_values(variant, INTAKE_SCHEMA)
            kinds.append(Kind(f"{name}-{number}", fill_workbook(blank, values, rows), WorkbookStatus.VALID))
    return kinds


def broken_kinds() -> list[Kind]:
    """Workbooks broken on purpose, each as a civil servant's share would have them."""
    settings = Settings()
    blank = build_workbook(INTAKE_SCHEMA, settings.lists)
    example = fill_workbook(blank, EXAMPLE_VALUES, EXAMPLE_STAKEHOLDERS)
    return [
        Kind("ongeldige-velden", fill_workbook(blank, {**EXAMPLE_VALUES, "project_name": None, "scale": "dorp",
                                                      "budget_euros": "veel"}, EXAMPLE_STAKEHOLDERS),
             WorkbookStatus.INVALID),
        Kind("ongeldige-datum-en-adres", fill_workbook(blank, {**EXAMPLE_VALUES, "participation_end": "31-02-2027",
                                                              "trekker_email": "sanne.devries"},
                                                       EXAMPLE_STAKEHOLDERS), WorkbookStatus.INVALID),
        Kind("ongeldige-partij", fill_workbook(blank, EXAMPLE_VALUES, [
            *EXAMPLE_STAKEHOLDERS[:3], {"name": "Ondernemers", "category": "ondernemers", "influence": 9,
                                        "interest": 3, "position": "misschien"}]), WorkbookStatus.INVALID),
        Kind("leeg-sjabloon", blank, WorkbookStatus.INVALID),
        Kind("leeg-evaluatie", build_workbook(EVALUATION_SCHEMA, settings.lists), WorkbookStatus.INVALID),
        Kind("niet-van-de-toolbox", _foreign_workbook(), WorkbookStatus.NOT_OURS),
        Kind("beschadigde-zip", example[: len(example) * 2 // 3], WorkbookStatus.UNREADABLE),
        Kind("versleuteld", _ole2(["Root Entry", "EncryptionInfo", "EncryptedPackage"]), WorkbookStatus.UNREADABLE),
        Kind("oud-xls", _ole2(["Root Entry", "Workbook", "\x05SummaryInformation"]), WorkbookStatus.UNREADABLE),
    ]


def layout(count: int, valid: Sequence[Kind], broken: Sequence[Kind]) -> Iterator[tuple[int, Kind]]:
    """(number, kind) of each of ``count`` files: every BROKEN_EVERY-th broken (kinds taking turns)."""
    for number in range(count):
        if broken and number % BROKEN_EVERY == BROKEN_EVERY - 1:
            yield number, broken[(number // BROKEN_EVERY) % len(broken)]
        else:
            yield number, valid[number % len(valid)]


def write_share(root: Path, count: int, *, valid: Sequence[Kind] | None = None,
                broken: Sequence[Kind] | None = None) -> Counter[str]:
    """``count`` intakes in ``root/Projecten/Project NNNNN/intake.xlsx``; returns the expected statuses."""
    valid = valid_kinds() if valid is None else valid
    broken = broken_kinds() if broken is None else broken
    expected: Counter[str] = Counter()
    projects = root / "Projecten"
    for number, kind in layout(count, valid, broken):
        folder = projects / f"Project {number:05d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / INTAKE_NAME).write_bytes(kind.data)
        expected[kind.status] += 1
    return expected


def intake_paths(root: Path, count: int) -> list[Path]:
    return [root / "Projecten" / f"Project {number:05d}" / INTAKE_NAME for number in range(count)]
