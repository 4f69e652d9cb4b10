"""Evaluation reminders (domain.md §1, item 6): which are due, their mail, and sending each exactly once.

Two reminders per running project, counted back from the end of its participation
(``documents.planning.reminder_dates``): three months before, "evalueer met externe partijen"; six weeks
before, "vul de evaluatie in"; none before the participation starts (a short process gets one, at its end).
A reminder is *due* from its date until ``GRACE`` (thirteen weeks, about three months) after the end of the
participation, as long as the project is running (not evaluated) and that reminder was not sent before.
After that window a reminder is stale: a project registered long after its end (or a service switched on for
the first time) does not send mail about old news.

Each (project, kind) is mailed once. When the end date moves, the reminder already sent stays sent.
Before sending, a process claims the reminder in the state (``claim``), so the daily run of the service
and a person's ``toolbox-docs reminders --send`` never both send it; a claim older than
``CLAIM_MINUTES`` (a crashed run) is taken over. ``sent_at`` is written right after the mail server has
accepted the message. A failure is recorded (attempts, last error) and the reminder stays due.

``due_reminders`` is pure; ``ReminderLog`` is the record in the state; ``ReminderText`` renders the mail
from ``teksten/herinnering.txt.j2`` with the wording (sandboxed, plain text: the first line is the subject).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from toolbox_docs import formatting
from toolbox_docs.documents.planning import reminder_dates
from toolbox_docs.documents.wording import Wording
from toolbox_docs.errors import MailError, SettingsError
from toolbox_docs.register.mail import Mail, Mailer
from toolbox_docs.register.projects import RUNNING, Project, Register
from toolbox_docs.resources import templates_dir
from toolbox_docs.settings import Settings
from toolbox_docs.share.outputs import evaluation_workbook_name, output_stem
from toolbox_docs.state import ReminderRow, State, path_key

EXTERNAL = "extern"
EVALUATE = "evaluatie"
WHAT = {EXTERNAL: "evalueer met externe partijen", EVALUATE: "vul de evaluatie in"}
GRACE = dt.timedelta(weeks=13)
CLAIM_MINUTES = 15
RETRY = dt.timedelta(hours=1)
TEMPLATE = "herinnering.txt.j2"


@dataclass(frozen=True)
class Reminder:
    project_id: str
    kind: str
    due: dt.date
    project_name: str
    trekker_name: str
    email: str
    participation_end: dt.date
    evaluation_workbook: Path | None = None

    @property
    def what(self) -> str:
        return WHAT[self.kind]

    def line(self) -> str:
        """One Dutch line: project, what to do, trekker, since when."""
        return (f"{self.project_name}: {self.what} — trekker {self.trekker_name} "
                f"<{self.email or 'geen e-mail'}> — sinds {formatting.date_long(self.due)} "
                f"(einde participatie {formatting.date_long(self.participation_end)})")


def is_due(due: dt.date, *, end: dt.date, today: dt.date) -> bool:
    return due <= today <= end + GRACE


def evaluation_workbook_of(project: Project, output_dir: Path | None) -> Path | None:
    """Where the pipeline put the project's pre-filled evaluation workbook: as the register remembers it,
    else where ``process_file`` would put it now."""
    if project.evaluation_workbook:
        return Path(project.evaluation_workbook)
    if not project.intake_path:
        return None
    intake = Path(project.intake_path)
    folder = intake.parent
    if output_dir is not None:
        folder = output_dir
        if project.root:
            try:
                folder = output_dir / Path(path_key(intake.parent)).relative_to(path_key(Path(project.root)))
            except ValueError:
                folder = output_dir
    return folder / evaluation_workbook_name(output_stem(intake, project.name, kind="intake"))


def _unchanged_copy(project: Project, by_id: Mapping[str, Project]) -> bool:
    """A copy of a running project's intake that nobody changed (the same content): its reminders would
    be the original's again, so only the original's are sent."""
    original = by_id.get(project.copy_of) if project.copy_of else None
    return original is not None and original.status == RUNNING and bool(project.intake_sha256) \
        and project.intake_sha256 == original.intake_sha256


def due_reminders(projects: Iterable[Project], *, today: dt.date, sent: Collection[tuple[str, str]],
                  output_dir: Path | None = None) -> list[Reminder]:
    """The reminders due on ``today`` that are not in ``sent`` ((project id, kind) pairs). Pure. An unchanged
    copy of a running project's intake (50 copies of one intake in 50 folders) gets none of its own."""
    found: list[Reminder] = []
    projects = list(projects)
    by_id = {p.project_id: p for p in projects}
    for project in projects:
        end = project.end
        if project.status != RUNNING or end is None or _unchanged_copy(project, by_id):
            continue
        start = project.start
        for kind, day in reminder_dates(start, end):
            if (project.project_id, kind) in sent or not is_due(day, end=end, today=today):
                continue
            found.append(Reminder(project.project_id, kind, day, project.name, project.contact, project.email,
                                  end, evaluation_workbook_of(project, output_dir)))
    return sorted(found, key=lambda r: (r.due, r.project_name.casefold(), r.project_id, r.kind))


# --- the record in the state ----------------------------------------------------------------------


def _stamp(now: dt.datetime) -> str:
    return now.isoformat(timespec="seconds")


class ReminderLog:
    """The ``reminders`` table: which reminder was sent when and to whom, and failed attempts."""

    def __init__(self, state: State) -> None:
        self.state = state

    def sent(self) -> set[tuple[str, str]]:
        return self.state.reminders_sent()

    def entries(self) -> list[ReminderRow]:
        return self.state.reminders()

    def claim(self, reminder: Reminder, *, now: dt.datetime) -> bool:
        """Take the reminder for sending; False when it was sent, or another run is sending it now."""
        return self.state.claim_reminder(reminder.project_id, reminder.kind, reminder.due.isoformat(),
                                         token=f"{_stamp(now)} {secrets.token_hex(4)}",
                                         stale=_stamp(now - dt.timedelta(minutes=CLAIM_MINUTES)))

    def mark_sent(self, reminder: Reminder, *, recipient: str, now: dt.datetime) -> None:
        self.state.reminder_sent(reminder.project_id, reminder.kind, reminder.due.isoformat(), recipient=recipient,
                                 at=_stamp(now))

    def mark_failed(self, reminder: Reminder, *, error: str, now: dt.datetime) -> None:
        self.state.reminder_failed(reminder.project_id, reminder.kind, reminder.due.isoformat(),
                                   error=f"{_stamp(now)} {error}")


# --- the mail -------------------------------------------------------------------------------------


class ReminderText:
    """The reminder mail from ``herinnering.txt.j2`` (the wording folder's, else the built-in one), rendered
    by the wording (``documents.wording``); a broken template is a ``SettingsError``."""

    def __init__(self, wording_dir: Path) -> None:
        self.folder = wording_dir
        self.wording = Wording(wording_dir, fallback=templates_dir() / "teksten")

    def mail(self, reminder: Reminder, *, organisation: str) -> Mail:
        workbook = reminder.evaluation_workbook
        text = self.wording.text(TEMPLATE, {
            "kind": reminder.kind,
            "project_name": reminder.project_name,
            "trekker_name": reminder.trekker_name,
            "participation_end": reminder.participation_end,
            "evaluation_workbook": str(workbook) if workbook is not None else None,
            "organisation": organisation,
        })
        lines = text.strip("\n").split("\n")
        subject = lines[0].strip()
        body = re.sub(r"\n{3,}", "\n\n", "\n".join(lines[1:]).strip("\n")) + "\n"
        if not subject or not body.strip():
            raise SettingsError(f"de tekst {TEMPLATE} moet beginnen met de onderwerpregel, dan een lege "
                                "regel en dan de tekst van de e-mail.", path=self.folder / TEMPLATE)
        return Mail(to=reminder.email, subject=subject, body=body)


# --- listing and sending --------------------------------------------------------------------------


def find_due(state: State, settings: Settings, *, today: dt.date) -> list[Reminder]:
    return due_reminders(Register(state).all(), today=today, sent=ReminderLog(state).sent(),
                         output_dir=settings.output_dir)


@dataclass
class SendReport:
    sent: list[Reminder] = field(default_factory=list)
    failed: list[tuple[Reminder, str]] = field(default_factory=list)
    skipped: list[Reminder] = field(default_factory=list)


def send_reminders(reminders: Sequence[Reminder], *, state: State, settings: Settings,
                   now: dt.datetime) -> SendReport:
    """Mail each reminder to its trekker over one SMTP connection; record what went out and what failed.

    Raises only for a broken mail text (``SettingsError``) or state; mail problems are in the report.
    """
    report = SendReport()
    if not reminders:
        return report
    text = ReminderText(settings.wording_dir)
    mails = [(reminder, text.mail(reminder, organisation=settings.organisation)) for reminder in reminders]
    log = ReminderLog(state)
    mailer = Mailer(settings.smtp)
    try:
        mailer.open()
    except MailError as error:
        for reminder in reminders:
            log.mark_failed(reminder, error=error.message, now=now)
            report.failed.append((reminder, error.message))
        return report
    lost = ""
    try:
        for reminder, mail in mails:
            if not mailer.connected:
                log.mark_failed(reminder, error=lost, now=now)
                report.failed.append((reminder, f"niet geprobeerd: {lost}"))
                continue
            if not log.claim(reminder, now=now):
                report.skipped.append(reminder)
                continue
            try:
                mailer.send(mail)
            except MailError as error:
                lost = error.message
                log.mark_failed(reminder, error=error.message, now=now)
                report.failed.append((reminder, error.message))
                continue
            log.mark_sent(reminder, recipient=mail.to, now=now)
            report.sent.append(reminder)
    finally:
        mailer.close()
    return report


def run_daily(state: State, settings: Settings, *, now: dt.datetime, log: logging.Logger) -> dt.datetime:
    """The service's daily run: send the due reminders (or list them in the log); returns the next run."""
    due = find_due(state, settings, today=now.date())
    tomorrow = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time())
    if not due:
        log.info("Herinneringen: vandaag geen.")
        return tomorrow
    if not (settings.reminders_send and settings.smtp.configured):
        why = ("verzenden staat uit, [herinneringen] verzenden" if not settings.reminders_send
               else "er is geen mailserver ingesteld, [smtp] host")
        for reminder in due:
            log.info("Herinnering aan de beurt (niet gemaild: %s): %s", why, reminder.line())
        return tomorrow
    report = send_reminders(due, state=state, settings=settings, now=now)
    for reminder in report.sent:
        log.info("Herinnering verstuurd aan %s: %s", reminder.email, reminder.line())
    for reminder, error in report.failed:
        log.warning("Herinnering niet verstuurd (volgt opnieuw): %s — %s", reminder.line(), error)
    return now + RETRY if report.failed else tomorrow
