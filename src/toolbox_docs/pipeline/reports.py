"""Validation reports, written as results stream in: text for people, JSON, CSV and JUnit for machines.

The CSV is made for Dutch Excel by default (``excel-nl``: ``;`` between cells, UTF-8 with a byte-order
mark so that Excel reads € and ë right, CRLF line ends); ``plain`` is RFC 4180 (commas, CRLF) in UTF-8
without a mark, for scripts. Every CSV cell is neutralised against formula injection. File names come from a share
anyone can write to: a name with bytes that are not UTF-8, or with control characters, is shown with
U+FFFD in their place where the format cannot carry them (every format for undecodable bytes, JUnit's
XML for control characters), so a report is always well-formed.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from typing import TextIO
from xml.sax.saxutils import escape, quoteattr

from toolbox_docs.forms.check import WorkbookStatus
from toolbox_docs.forms.validate import Problem
from toolbox_docs.pipeline.batch import FileReport

FORMATS = ("text", "json", "csv", "junit")


@dataclass(frozen=True)
class CsvDialect:
    delimiter: str
    byte_order_mark: bool
    line_end: str


CSV_DIALECTS = {
    "excel-nl": CsvDialect(";", byte_order_mark=True, line_end="\r\n"),
    # RFC 4180. CRLF in both: the csv module quotes a cell holding CR or LF only when the line end has it.
    "plain": CsvDialect(",", byte_order_mark=False, line_end="\r\n"),
}
DEFAULT_CSV_DIALECT = "excel-nl"


def shown_path(path: str) -> str:
    """A path as text that any UTF-8 stream can take: bytes that are not UTF-8 (kept by Python as lone
    surrogates) become U+FFFD."""
    try:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a lone surrogate that is no escaped byte (a damaged Windows name)
        return path.encode("utf-8", "replace").decode("utf-8")


@dataclass
class Summary:
    files: int = 0
    valid: int = 0
    invalid: int = 0
    not_ours: int = 0
    unreadable: int = 0
    seconds: float = 0.0
    by_status: dict[str, int] = field(default_factory=dict)

    def add(self, report: FileReport) -> None:
        self.files += 1
        status = report.check.status
        if status == WorkbookStatus.VALID:
            self.valid += 1
        elif status == WorkbookStatus.INVALID:
            self.invalid += 1
        elif status == WorkbookStatus.NOT_OURS:
            self.not_ours += 1
        elif status == WorkbookStatus.UNREADABLE:
            self.unreadable += 1

    @property
    def all_valid(self) -> bool:
        return self.files == self.valid

    def as_dict(self) -> dict[str, float | int]:
        return {"files": self.files, "valid": self.valid, "with_problems": self.invalid,
                "not_ours": self.not_ours, "errors": self.unreadable, "seconds": round(self.seconds, 3)}

    def text(self) -> str:
        files = "1 bestand" if self.files == 1 else f"{self.files} bestanden"
        return (f"{files}: {self.valid} geldig, {self.invalid} met problemen, "
                f"{self.not_ours} niet van de toolbox, {self.unreadable} onleesbaar; "
                f"{_seconds(self.seconds)}.")


def _seconds(value: float) -> str:
    return f"{value:.1f} s".replace(".", ",")


def problem_dict(problem: Problem) -> dict[str, str | None]:
    return {"sheet": problem.sheet, "cell": problem.cell, "field": problem.field, "code": problem.code,
            "severity": problem.severity, "message": problem.message}


def report_dict(report: FileReport) -> dict[str, object]:
    check = report.check
    return {"path": shown_path(report.path), "kind": check.kind, "template_version": check.version,
            "valid": check.ok, "status": check.status,
            "problems": [problem_dict(p) for p in check.problems]}


_STATUS_TEXT = {WorkbookStatus.VALID: "geldig", WorkbookStatus.INVALID: "problemen",
                WorkbookStatus.NOT_OURS: "niet van de toolbox", WorkbookStatus.UNREADABLE: "onleesbaar"}


class Reporter:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def start(self) -> None:
        """Called once before the first report."""

    def add(self, report: FileReport) -> None:
        raise NotImplementedError

    def finish(self, summary: Summary) -> None:
        """Called once after the last report."""


class TextReporter(Reporter):
    def __init__(self, stream: TextIO, *, verbose_valid: bool = True) -> None:
        super().__init__(stream)
        self.verbose_valid = verbose_valid

    def add(self, report: FileReport) -> None:
        check = report.check
        if check.ok:
            if self.verbose_valid:
                warnings = len(check.problems)
                extra = f", {warnings} waarschuwing{'en' if warnings != 1 else ''}" if warnings else ""
                self.stream.write(f"OK    {shown_path(report.path)}: geldig ({check.kind}, versie {check.version}"
                                  f"{extra})\n")
                for problem in check.problems:
                    self._problem(problem)
            return
        label = _STATUS_TEXT.get(check.status, check.status)
        self.stream.write(f"FOUT  {shown_path(report.path)}: {label}\n")
        for problem in check.problems:
            self._problem(problem)

    def _problem(self, problem: Problem) -> None:
        place = problem.place()
        self.stream.write(f"      - {problem.severity}{f' ({place})' if place else ''}: {problem.message}\n")

    def finish(self, summary: Summary) -> None:
        self.stream.write(summary.text() + "\n")


class JsonReporter(Reporter):
    """One JSON document, streamed: ``{"files": [...], "summary": {...}}``."""

    def start(self) -> None:
        self.stream.write('{"files": [\n')
        self.first = True

    def add(self, report: FileReport) -> None:
        if not self.first:
            self.stream.write(",\n")
        self.first = False
        self.stream.write(json.dumps(report_dict(report), ensure_ascii=False))

    def finish(self, summary: Summary) -> None:
        self.stream.write('\n], "summary": ' + json.dumps(summary.as_dict()) + "}\n")


class CsvReporter(Reporter):
    """One row per problem (a valid file gets one row without a problem), for spreadsheets."""

    COLUMNS = ("path", "status", "kind", "template_version", "severity", "code", "sheet", "cell", "field",
               "message")

    def __init__(self, stream: TextIO, *, dialect: str = DEFAULT_CSV_DIALECT) -> None:
        super().__init__(stream)
        self.dialect = CSV_DIALECTS[dialect]

    def start(self) -> None:
        if self.dialect.byte_order_mark:
            self.stream.write("\ufeff")
        self.writer = csv.writer(self.stream, delimiter=self.dialect.delimiter,
                                 lineterminator=self.dialect.line_end)
        self.writer.writerow(self.COLUMNS)

    def add(self, report: FileReport) -> None:
        check = report.check
        base = [shown_path(report.path), check.status, check.kind or "", check.version or ""]
        if not check.problems:
            self._row([*base, "", "", "", "", "", ""])
        for problem in check.problems:
            self._row([*base, problem.severity, problem.code, problem.sheet or "", problem.cell or "",
                       problem.field or "", problem.message])

    def _row(self, cells: list[str | int]) -> None:
        self.writer.writerow([neutralise(str(cell)) for cell in cells])


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Keep a spreadsheet from reading a cell as a formula: a cell that starts with = + - @, a tab or a
    carriage return gets a leading apostrophe (OWASP's advice for CSV injection)."""
    return "'" + text if text.startswith(_FORMULA_START) else text


# Characters XML 1.0 cannot carry at all (not even as a character reference).
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """Text that XML 1.0 can carry: control characters and lone surrogates become U+FFFD."""
    return _NOT_XML.sub("\ufffd", shown_path(text))


class JunitReporter(Reporter):
    """JUnit XML: one test case per file, a failure per file with errors (for CI dashboards).

    The counts belong in the opening tag, so cases are spooled (in memory up to 1 MB, then on disk)
    and copied out at the end: memory stays flat for any number of files.
    """

    def start(self) -> None:
        # Closed in finish(); a context manager cannot span start() and finish().
        self.cases = tempfile.SpooledTemporaryFile(max_size=1024 * 1024, mode="w+", encoding="utf-8")  # noqa: SIM115

    def add(self, report: FileReport) -> None:
        check = report.check
        name = quoteattr(xml_text(report.path))
        errors = [p for p in check.problems if p.is_error]
        if check.ok:
            body = ""
        else:
            text = "\n".join(f"{p.severity} {p.place()}: {p.message}" for p in check.problems)
            first = errors[0].message if errors else check.status
            body = (f'<failure type={quoteattr(xml_text(check.status))} message={quoteattr(xml_text(first))}>'
                    f"{escape(xml_text(text))}</failure>")
        self.cases.write(f'  <testcase classname="toolbox-docs.validate" name={name}>{body}</testcase>\n')

    def finish(self, summary: Summary) -> None:
        failures = summary.files - summary.valid
        self.stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        self.stream.write(f'<testsuite name="toolbox-docs validate" tests="{summary.files}" '
                          f'failures="{failures}" errors="0" time="{summary.seconds:.3f}">\n')
        self.cases.seek(0)
        shutil.copyfileobj(self.cases, self.stream)
        self.cases.close()
        self.stream.write("</testsuite>\n")


def reporter_for(name: str, stream: TextIO, *, csv_dialect: str = DEFAULT_CSV_DIALECT) -> Reporter:
    if name == "csv":
        return CsvReporter(stream, dialect=csv_dialect)
    return {"text": TextReporter, "json": JsonReporter, "junit": JunitReporter}[name](stream)
