"""Evaluation reminders: the due window (pure), the Dutch mail, and sending exactly once to a REAL SMTP
server on loopback (aiosmtpd): right recipient, subject and body; nothing the second time; a refusing or
absent server gives a clear Dutch message and exit code 2, and the reminder goes out on the next run;
STARTTLS with login and implicit TLS against a self-signed certificate; and the service's daily run.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import email
import importlib.util
import ipaddress
import os
import signal
import socket
import ssl
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from click.testing import CliRunner, Result

from conftest import need
from intake_factory import make_intake
from test_register import make_evaluation
from toolbox_docs.advice.evaluation import verdict
from toolbox_docs.cli.main import main
from toolbox_docs.errors import MailError, SettingsError
from toolbox_docs.forms.records import Evaluation
from toolbox_docs.pipeline.process import Runtime
from toolbox_docs.register.mail import Mail, Mailer, build_message
from toolbox_docs.register.projects import FINISHED, RUNNING, Project
from toolbox_docs.register.reminders import (
    CLAIM_MINUTES,
    EVALUATE,
    EXTERNAL,
    Reminder,
    ReminderLog,
    ReminderText,
    due_reminders,
    evaluation_workbook_of,
)
from toolbox_docs.settings import Settings, Smtp
from toolbox_docs.state import State
from watcher_support import wait_for

END = dt.date(2027, 5, 31)           # reminders: extern 28-02-2027, evaluatie 19-04-2027
EXTERNAL_DAY = dt.date(2027, 2, 28)
EVALUATE_DAY = dt.date(2027, 4, 19)
TREKKER = "s.voorbeeld@example.org"
PASSWORD = "geheim-wachtwoord-123"


# --- pure: which reminders are due -----------------------------------------------------------------


def project(**changes: Any) -> Project:
    base = Project(project_id="P-2027-000001", intake_path="/share/Participatie/Projecten/Plein/intake.xlsx",
                   root="/share/Participatie", status=RUNNING, name="Herinrichting Pancratiusplein",
                   contact="Sanne Voorbeeld", email=TREKKER, phone="", area="Heerlen-Centrum",
                   policy_field="Openbare ruimte", keywords="", kind="burgerparticipatie", level="adviseren",
                   methods=("Wijkwandeling",), planned_euros=Decimal("1000"), planned_hours=Decimal("20"),
                   start=dt.date(2027, 1, 4), end=END, decision=None)
    return dataclasses.replace(base, **changes)


def kinds(today: dt.date, *, sent: frozenset[tuple[str, str]] = frozenset(), **changes: Any) -> list[str]:
    return [r.kind for r in due_reminders([project(**changes)], today=today, sent=sent)]


@pytest.mark.parametrize(("today", "expected"), [
    (EXTERNAL_DAY - dt.timedelta(days=1), []),
    (EXTERNAL_DAY, [EXTERNAL]),
    (EVALUATE_DAY - dt.timedelta(days=1), [EXTERNAL]),
    (EVALUATE_DAY, [EXTERNAL, EVALUATE]),
    (END, [EXTERNAL, EVALUATE]),
    (END + dt.timedelta(weeks=13), [EXTERNAL, EVALUATE]),   # the last day of the window
    (END + dt.timedelta(weeks=13, days=1), []),             # stale: three months after the end
])
def test_due_from_the_reminder_date_until_three_months_after_the_end(today: dt.date,
                                                                      expected: list[str]) -> None:
    assert kinds(today) == expected


def test_sent_finished_and_undated_projects_get_no_reminder() -> None:
    assert kinds(EVALUATE_DAY, sent=frozenset({("P-2027-000001", EXTERNAL)})) == [EVALUATE]
    both = frozenset({("P-2027-000001", EXTERNAL), ("P-2027-000001", EVALUATE)})
    assert kinds(EVALUATE_DAY, sent=both) == []
    assert kinds(EVALUATE_DAY, sent=frozenset({("P-2027-999999", EXTERNAL)})) == [EXTERNAL, EVALUATE]
    assert kinds(EVALUATE_DAY, status=FINISHED) == []
    assert kinds(EVALUATE_DAY, end=None) == []


def test_due_reminders_name_the_project_trekker_and_dates_in_a_stable_order() -> None:
    later = project(project_id="P-2027-000002", name="Aardgasvrije wijk", end=dt.date(2027, 6, 30))
    found = due_reminders([later, project()], today=dt.date(2027, 5, 20), sent=set())
    assert [(r.project_name, r.kind, r.due) for r in found] == [
        ("Herinrichting Pancratiusplein", EXTERNAL, EXTERNAL_DAY),
        ("Aardgasvrije wijk", EXTERNAL, dt.date(2027, 3, 30)),
        ("Herinrichting Pancratiusplein", EVALUATE, EVALUATE_DAY),
        ("Aardgasvrije wijk", EVALUATE, dt.date(2027, 5, 19)),
    ]
    assert found[2].line() == ("Herinrichting Pancratiusplein: vul de evaluatie in — trekker Sanne Voorbeeld "
                               f"<{TREKKER}> — sinds 19 april 2027 (einde participatie 31 mei 2027)")


def test_the_evaluation_workbook_is_where_the_pipeline_put_it(tmp_path: Path) -> None:
    root = tmp_path / "Participatie"
    intake = root / "Projecten" / "Plein" / "intake.xlsx"
    mine = project(intake_path=str(intake), root=str(root))
    named = "Herinrichting Pancratiusplein - evaluatie.xlsx"  # an intake.xlsx's outputs carry the project's name
    assert evaluation_workbook_of(mine, None) == intake.parent / named
    out = tmp_path / "Uitvoer"
    assert evaluation_workbook_of(mine, out) == out / "Projecten" / "Plein" / named
    assert evaluation_workbook_of(dataclasses.replace(mine, root=""), out) == out / named
    # Where the pipeline made (or found) it, the register remembers: that wins.
    kept = intake.parent / "Eigen naam - evaluatie.xlsx"
    assert evaluation_workbook_of(dataclasses.replace(mine, evaluation_workbook=str(kept)), out) == kept


# --- the mail text ------------------------------------------------------------------------------------


def reminder(kind: str, **changes: Any) -> Reminder:
    values: dict[str, Any] = dict(project_id="P-2027-000001", kind=kind,
                                  due=EXTERNAL_DAY if kind == EXTERNAL else EVALUATE_DAY,
                                  project_name="Herinrichting Pancratiusplein",
                                  trekker_name="Sanne Voorbeeld", email=TREKKER, participation_end=END,
                                  evaluation_workbook=Path("/share/Projecten/Plein/intake - evaluatie.xlsx"))
    values.update(changes)
    return Reminder(**values)


def test_mail_text_for_both_kinds(settings: Settings) -> None:
    text = ReminderText(settings.wording_dir)

    external = text.mail(reminder(EXTERNAL), organisation="Gemeente Heerlen")
    evaluate = text.mail(reminder(EVALUATE), organisation="Gemeente Heerlen")

    assert external.to == evaluate.to == TREKKER
    assert external.subject == ("Herinnering: evalueer de participatie voor Herinrichting Pancratiusplein "
                                "met de externe partijen")
    assert evaluate.subject == ("Herinnering: vul de evaluatie in van de participatie voor Herinrichting "
                                "Pancratiusplein")
    for mail in (external, evaluate):
        assert mail.body.startswith("Beste Sanne Voorbeeld,\n\nDe participatie voor het project "
                                    "Herinrichting Pancratiusplein stopt op 31 mei 2027.")
        assert "\n/share/Projecten/Plein/intake - evaluatie.xlsx\n" in mail.body
        assert "De participatietoolbox van Gemeente Heerlen" in mail.body
        assert "\n\n\n" not in mail.body and "{" not in mail.body
    assert "externe partijen" in external.body and "Vul nu het evaluatiewerkboek in" in evaluate.body
    unknown_place = text.mail(reminder(EVALUATE, evaluation_workbook=None), organisation="Gemeente Heerlen")
    assert "staat naast de intake van het project" in unknown_place.body


def test_own_wording_folder_without_the_reminder_uses_the_built_in_one(tmp_path: Path) -> None:
    own = tmp_path / "teksten"
    own.mkdir()
    assert ReminderText(own).mail(reminder(EXTERNAL), organisation="X").subject.startswith("Herinnering:")
    (own / "herinnering.txt.j2").write_text("Let op: {{ projectnaam }}\n\nTekst\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="onbekende gegevens: projectnaam"):
        ReminderText(own).mail(reminder(EXTERNAL), organisation="X")
    (own / "herinnering.txt.j2").write_text("Onderwerp {% if %}\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"herinnering.txt.j2: fout in de tekst \(regel 1\)"):
        ReminderText(own).mail(reminder(EXTERNAL), organisation="X")
    (own / "herinnering.txt.j2").write_text("Alleen een onderwerp\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="moet beginnen met de onderwerpregel"):
        ReminderText(own).mail(reminder(EXTERNAL), organisation="X")


def test_a_name_from_a_workbook_cannot_add_headers_or_recipients() -> None:
    message = build_message(Mail(TREKKER, "Plein\nBcc: iedereen@example.org", "Tekst"),
                            sender="Participatietoolbox <participatie@example.org>")
    assert message["Subject"] == "Plein Bcc: iedereen@example.org" and message["Bcc"] is None
    assert message["From"] == "Participatietoolbox <participatie@example.org>"
    for bad in ("a@example.org\nBcc: b@example.org", "a@example.org, b@example.org", "geen-adres", ""):
        with pytest.raises(MailError, match="geen bruikbaar e-mailadres"):
            build_message(Mail(bad, "Onderwerp", "Tekst"), sender="participatie@example.org")


# --- a real SMTP server on loopback ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


def subject(received: Received) -> str:
    """The subject as a mail client shows it. (The standard library folds a long subject onto its own
    line, "Subject:\r\n Herinnering…", which is valid; its own parser then keeps the leading space.)"""
    return str(received.message["Subject"]).strip()


@dataclass
class Handler:
    """Accepts everything unless told to refuse a recipient or the message; keeps what it received."""

    received: list[Received] = field(default_factory=list)
    refuse_rcpt: str | None = None
    refuse_data: str | None = None

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        if self.refuse_rcpt:
            return self.refuse_rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse_data:
            return self.refuse_data
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        assert isinstance(message, EmailMessage)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


@dataclass
class MailServer:
    handler: Handler
    port: int
    controller: Controller | None = None

    def start(self, **server_options: Any) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **server_options)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def mail_server() -> Iterator[MailServer]:
    server = MailServer(Handler(), free_port())
    server.start()
    yield server
    server.stop()


@dataclass
class World:
    """A state with three projects ending 31-05-2027 (one finished), and settings that name a mail server."""

    tmp_path: Path
    settings: Settings
    runtime: Runtime
    ids: dict[str, str]

    def config(self, smtp: str = "", extra: str = "") -> Path:
        path = self.tmp_path / "toolbox.toml"
        path.write_text(f'[dienst]\nstatusbestand = "{self.settings.state_db.as_posix()}"\n{extra}'
                        + (f"[smtp]\n{smtp}" if smtp else ""), encoding="utf-8")
        return path

    def run(self, *args: str, smtp: str = "", env: dict[str, str] | None = None) -> Result:
        return CliRunner().invoke(main, ["--config", str(self.config(smtp)), "reminders", *args], env=env)

    def log(self) -> ReminderLog:
        return ReminderLog(self.runtime.state)


def smtp_plain(port: int) -> str:
    return (f'host = "127.0.0.1"\npoort = {port}\nbeveiliging = "geen"\n'
            'afzender = "participatie@example.org"\n')


def add_project(runtime: Runtime, root: Path, name: str, *, email: str = TREKKER,
                end: dt.date = END) -> Project:
    intake = make_intake(project_name=name, trekker_email=email,
                         participation_start=end - dt.timedelta(days=120), participation_end=end,
                         decision_date=end + dt.timedelta(days=40))
    return runtime.register.upsert_intake(root / "Projecten" / name / "intake.xlsx", intake,
                                          runtime.advise(intake), root=root, now=dt.datetime(2027, 1, 4, 9))


def finish(runtime: Runtime, found: Project, evaluation: Evaluation) -> None:
    runtime.register.complete(dataclasses.replace(evaluation, project_id=found.project_id),
                              verdict(evaluation), now=dt.datetime(2027, 4, 1, 9))


@pytest.fixture
def world(tmp_path: Path, settings: Settings) -> Iterator[World]:
    runtime = Runtime.open(settings)
    root = tmp_path / "Participatie"
    plein = add_project(runtime, root, "Herinrichting Pancratiusplein")
    park = add_project(runtime, root, "Park Zeswegen", email="p.jansen@example.org")
    done = add_project(runtime, root, "Speeltuin Kastanjelaan", email="k.klaar@example.org")
    finish(runtime, done, make_evaluation(done.project_id))
    yield World(tmp_path, settings, runtime, {"plein": plein.project_id, "park": park.project_id})
    runtime.close()


def test_listing_without_mail_settings(world: World) -> None:
    listed = world.run("--today", "2027-03-01")
    assert listed.exit_code == 0, listed.output
    assert listed.output.splitlines() == [
        "Aan de beurt op 1 maart 2027: 2 herinneringen.",
        "- Herinrichting Pancratiusplein: evalueer met externe partijen — trekker Sanne Voorbeeld "
        f"<{TREKKER}> — sinds 28 februari 2027 (einde participatie 31 mei 2027)",
        "- Park Zeswegen: evalueer met externe partijen — trekker Sanne Voorbeeld <p.jansen@example.org> — "
        "sinds 28 februari 2027 (einde participatie 31 mei 2027)",
        "E-mail is niet ingesteld ([smtp] host in toolbox.toml); de herinneringen zijn alleen getoond, er is "
        "niets verstuurd.",
    ]
    send = world.run("--send", "--today", "2027-03-01")
    assert send.exit_code == 0 and "er is niets verstuurd" in send.output
    assert world.log().entries() == []
    nothing = world.run("--today", "2027-02-27")
    assert nothing.exit_code == 0
    assert nothing.output == "Geen herinneringen aan de beurt op 27 februari 2027.\n"


def test_listing_with_mail_settings_sends_nothing_without_send(world: World, mail_server: MailServer) -> None:
    listed = world.run("--today", "2027-03-01", smtp=smtp_plain(mail_server.port))
    assert listed.exit_code == 0 and listed.output.endswith("Versturen: toolbox-docs reminders --send\n")
    assert mail_server.handler.received == [] and world.log().entries() == []


def test_each_reminder_is_mailed_once_to_the_trekker(world: World, mail_server: MailServer) -> None:
    smtp = smtp_plain(mail_server.port)

    first = world.run("--send", "--today", "2027-03-01", smtp=smtp)

    assert first.exit_code == 0, first.output
    assert (f"- verstuurd aan {TREKKER}: Herinrichting Pancratiusplein: evalueer met externe partijen"
            in first.output)
    received = mail_server.handler.received
    assert sorted(r.rcpt_tos[0] for r in received) == ["p.jansen@example.org", TREKKER]
    mail = next(r for r in received if r.rcpt_tos == [TREKKER])
    assert mail.mail_from == "participatie@example.org"
    assert mail.message["To"] == TREKKER
    assert subject(mail) == ("Herinnering: evalueer de participatie voor Herinrichting Pancratiusplein "
                                       "met de externe partijen")
    assert mail.message["Auto-Submitted"] == "auto-generated" and mail.message["Content-Language"] == "nl"
    body = mail.message.get_content()
    assert body.startswith("Beste Sanne Voorbeeld,")
    assert "stopt op 31 mei 2027" in body and "externe partijen" in body
    workbook = world.tmp_path / "Participatie" / "Projecten" / "Herinrichting Pancratiusplein"
    assert str(workbook / "Herinrichting Pancratiusplein - evaluatie.xlsx") in body
    entries = {(e.project_id, e.kind): e for e in world.log().entries()}
    sent = entries[(world.ids["plein"], EXTERNAL)]
    assert (sent.due, sent.recipient, sent.attempts, sent.last_error) == ("2027-02-28", TREKKER, 1, "")
    assert sent.sent_at is not None

    again = world.run("--send", "--today", "2027-03-01", smtp=smtp)
    assert (again.exit_code, again.output) == (0, "Geen herinneringen aan de beurt op 1 maart 2027.\n")
    assert len(received) == 2

    later = world.run("--send", "--today", "2027-04-20", smtp=smtp)  # only the second kind is new
    assert later.exit_code == 0, later.output
    assert len(received) == 4
    assert all(subject(r).startswith("Herinnering: vul de evaluatie in") for r in received[2:])
    assert "Vul nu het evaluatiewerkboek in" in received[2].message.get_content()
    assert world.run("--send", "--today", "2027-05-01", smtp=smtp).output.startswith("Geen herinneringen")
    assert len(received) == 4


@pytest.mark.parametrize(("refusal", "expected"), [
    ("refuse_rcpt", f"weigerde het adres {TREKKER} (550 5.1.1 Mailbox onbekend)"),
    ("refuse_data", f"weigerde het bericht aan {TREKKER} (554 5.6.0 Bericht geweigerd)"),
])
def test_a_refusing_server_gives_a_clear_message_and_the_next_run_sends(
        world: World, mail_server: MailServer, refusal: str, expected: str) -> None:
    smtp = smtp_plain(mail_server.port)
    setattr(mail_server.handler, refusal, "550 5.1.1 Mailbox onbekend" if refusal == "refuse_rcpt"
            else "554 5.6.0 Bericht geweigerd")

    refused = world.run("--send", "--today", "2027-03-01", smtp=smtp)

    assert refused.exit_code == 2
    assert expected in refused.output
    assert "- niet verstuurd: Herinrichting Pancratiusplein: evalueer met externe partijen" in refused.output
    assert ("Fout: 2 van de 2 herinneringen zijn niet verstuurd. Ze gaan mee bij de volgende keer"
            in refused.output)
    assert "Traceback" not in refused.output
    assert mail_server.handler.received == []
    entry = next(e for e in world.log().entries() if e.project_id == world.ids["plein"])
    assert entry.sent_at is None and entry.attempts == 1 and expected in entry.last_error

    setattr(mail_server.handler, refusal, None)
    accepted = world.run("--send", "--today", "2027-03-01", smtp=smtp)

    assert accepted.exit_code == 0, accepted.output
    assert sorted(r.rcpt_tos[0] for r in mail_server.handler.received) == ["p.jansen@example.org", TREKKER]
    entry = next(e for e in world.log().entries() if e.project_id == world.ids["plein"])
    assert entry.sent_at is not None and entry.attempts == 2 and entry.last_error == ""
    assert world.run("--send", "--today", "2027-03-01", smtp=smtp).output.startswith("Geen herinneringen")


def test_a_server_that_is_down_gives_a_clear_message_and_the_next_run_sends(world: World) -> None:
    server = MailServer(Handler(), free_port())
    smtp = smtp_plain(server.port)

    down = world.run("--send", "--today", "2027-03-01", smtp=smtp)

    assert down.exit_code == 2
    assert (f"de mailserver 127.0.0.1:{server.port} weigert de verbinding: hij draait niet of de poort klopt "
            "niet") in down.output
    assert all(e.sent_at is None and e.attempts == 1 for e in world.log().entries())

    server.start()
    try:
        up = world.run("--send", "--today", "2027-03-01", smtp=smtp)
    finally:
        server.stop()
    assert up.exit_code == 0, up.output
    assert len(server.handler.received) == 2
    assert all(e.sent_at is not None for e in world.log().entries())


def test_an_unknown_host_and_a_silent_server_give_clear_messages(world: World) -> None:
    unknown = world.run("--send", "--today", "2027-03-01",
                        smtp='host = "mailserver.invalid"\npoort = 25\nbeveiliging = "geen"\n')
    assert unknown.exit_code == 2 and "de mailserver 'mailserver.invalid' is niet te vinden" in unknown.output
    with socket.socket() as silent:  # accepts the connection but never greets
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        timeout = world.run("--send", "--today", "2027-03-01",
                            smtp=f'host = "127.0.0.1"\npoort = {port}\nbeveiliging = "geen"\n'
                                 "time_out_seconden = 0.5\n")
    assert timeout.exit_code == 2
    assert f"de mailserver 127.0.0.1:{port} reageerde niet binnen 0.5 seconden" in timeout.output


@pytest.mark.parametrize("smtputf8", [False, True], ids=["server-without-smtputf8", "server-with-smtputf8"])
def test_one_address_outside_ascii_fails_alone_and_the_rest_are_sent(world: World, smtputf8: bool) -> None:
    """Issue 13 item 8: a trekker's address with letters outside ASCII (accepted by validation, RFC 6531)
    used to break the connection ("mailserver niet bereikbaar") and block every later reminder. Now it goes
    out where the server offers SMTPUTF8, and otherwise only that reminder fails, with a clear reason."""
    international = add_project(world.runtime, world.tmp_path / "Participatie", "Aanleg fietspad",
                                email="josé@example.org")  # sorts first: the others come after it
    apostrophe = add_project(world.runtime, world.tmp_path / "Participatie", "Buurttuin",
                             email="o'brien@example.org")
    domain = add_project(world.runtime, world.tmp_path / "Participatie", "Dorpsplein",
                         email="info@gemeente-süd.example")
    server = MailServer(Handler(), free_port())
    server.start(enable_SMTPUTF8=smtputf8)
    try:
        run = world.run("--send", "--today", "2027-03-01", smtp=smtp_plain(server.port))
    finally:
        server.stop()
    recipients = sorted(r.rcpt_tos[0] for r in server.handler.received)
    expected = ["info@xn--gemeente-sd-2hb.example", "o'brien@example.org", "p.jansen@example.org", TREKKER]
    entries = {e.project_id: e for e in world.log().entries()}
    assert entries[apostrophe.project_id].sent_at is not None
    assert entries[domain.project_id].sent_at is not None
    assert "Traceback" not in run.output and "niet bereikbaar" not in run.output
    if smtputf8:
        assert run.exit_code == 0, run.output
        assert recipients == sorted([*expected, "josé@example.org"])
        assert entries[international.project_id].sent_at is not None
    else:
        assert run.exit_code == 2, run.output
        assert recipients == sorted(expected)
        failed = entries[international.project_id]
        assert failed.sent_at is None and "SMTPUTF8" in failed.last_error
        assert "ondersteunt geen e-mailadressen met letters buiten ASCII" in run.output
        assert "Fout: 1 van de 5 herinneringen zijn niet verstuurd" in run.output


def test_a_claim_keeps_a_second_run_from_sending_the_same_reminder(settings: Settings) -> None:
    state = State(settings.state_db)
    try:
        log, item = ReminderLog(state), reminder(EXTERNAL)
        now = dt.datetime(2027, 3, 1, 8, 0)
        assert log.claim(item, now=now)
        assert not log.claim(item, now=now + dt.timedelta(minutes=1))          # another run is sending it
        assert log.claim(item, now=now + dt.timedelta(minutes=CLAIM_MINUTES + 1))  # that run died: take over
        log.mark_sent(item, recipient=TREKKER, now=now)
        assert not log.claim(item, now=now + dt.timedelta(days=1))
        moved = dataclasses.replace(item, due=item.due + dt.timedelta(days=7))  # the end date moved
        assert not log.claim(moved, now=now + dt.timedelta(days=8))
        assert log.sent() == {(item.project_id, EXTERNAL)}
    finally:
        state.close()


# --- TLS: STARTTLS with login, and implicit TLS, with a self-signed certificate ---------------------------


@dataclass(frozen=True)
class Certificate:
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, self.key)
        return context


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    need(importlib.util.find_spec("cryptography") is not None, "cryptography is not installed")
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "toolbox-docs test mail server")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    folder = tmp_path_factory.mktemp("tls")
    paths = Certificate(folder / "cert.pem", folder / "key.pem")
    paths.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths.key.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                            serialization.NoEncryption()))
    return paths


def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"toolbox", PASSWORD.encode())
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def starttls_server(certificate: Certificate) -> Iterator[MailServer]:
    server = MailServer(Handler(), free_port())
    server.start(tls_context=certificate.server_context(), require_starttls=True, auth_required=True,
                 authenticator=authenticator)
    yield server
    server.stop()


def smtp_starttls(port: int) -> str:
    return (f'host = "127.0.0.1"\npoort = {port}\nbeveiliging = "starttls"\ngebruiker = "toolbox"\n'
            'afzender = "Participatietoolbox <participatie@example.org>"\n')


def test_starttls_with_login_from_the_environment(world: World, starttls_server: MailServer,
                                                  certificate: Certificate) -> None:
    trusted = {"SSL_CERT_FILE": str(certificate.cert)}
    smtp = smtp_starttls(starttls_server.port)

    wrong = world.run("--send", "--today", "2027-03-01", smtp=smtp,
                      env={**trusted, "TOOLBOX_SMTP_PASSWORD": "fout"})
    assert wrong.exit_code == 2
    assert f"de mailserver 127.0.0.1:{starttls_server.port} weigerde de aanmelding van gebruiker 'toolbox'" \
        in wrong.output and "TOOLBOX_SMTP_PASSWORD" in wrong.output
    assert "fout" not in wrong.output.replace("Fout:", "")  # the password never shows

    right = world.run("--send", "--today", "2027-03-01", smtp=smtp,
                      env={**trusted, "TOOLBOX_SMTP_PASSWORD": PASSWORD})
    assert right.exit_code == 0, right.output
    assert len(starttls_server.handler.received) == 2
    sender = starttls_server.handler.received[0].message["From"]
    assert sender == "Participatietoolbox <participatie@example.org>"

    untrusted = world.run("--send", "--today", "2027-04-20", smtp=smtp,
                          env={"TOOLBOX_SMTP_PASSWORD": PASSWORD})
    assert untrusted.exit_code == 2
    assert f"het certificaat van de mailserver 127.0.0.1:{starttls_server.port} is niet te vertrouwen" \
        in untrusted.output
    assert len(starttls_server.handler.received) == 2


def test_starttls_or_login_asked_of_a_server_without_it(mail_server: MailServer, starttls_server: MailServer,
                                                        certificate: Certificate,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(MailError, match="biedt geen STARTTLS aan"):
        Mailer(Smtp(host="127.0.0.1", port=mail_server.port, security="starttls", timeout=5)).open()
    with pytest.raises(MailError, match="biedt geen aanmelding aan op deze verbinding"):
        Mailer(Smtp(host="127.0.0.1", port=mail_server.port, security="geen", username="toolbox",
                    timeout=5)).open()
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate.cert))
    smtp = Smtp(host="127.0.0.1", port=starttls_server.port, security="starttls", sender="p@example.org",
                timeout=5)
    with Mailer(smtp) as mailer:  # STARTTLS but no login, where the server wants one
        with pytest.raises(MailError, match=r"wil eerst een aanmelding \(530 .*\)\. Vul \[smtp\] gebruiker"):
            mailer.send(Mail(TREKKER, "Proef", "Tekst\n"))
        assert mailer.connected
    assert starttls_server.handler.received == []


def test_implicit_tls_and_a_mismatched_security_setting(certificate: Certificate, mail_server: MailServer,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    server = MailServer(Handler(), free_port())
    server.start(ssl_context=certificate.server_context())
    try:
        monkeypatch.setenv("SSL_CERT_FILE", str(certificate.cert))
        smtp = Smtp(host="127.0.0.1", port=server.port, security="tls", sender="participatie@example.org",
                    timeout=5)
        with Mailer(smtp) as mailer:
            mailer.send(Mail(TREKKER, "Proef", "Een bericht over een versleutelde verbinding.\n"))
        assert [r.rcpt_tos for r in server.handler.received] == [[TREKKER]]
        # plain SMTP to a TLS port: both sides wait for the other
        with pytest.raises(MailError, match=f"127.0.0.1:{server.port} reageerde niet binnen 0.5 seconden"):
            Mailer(dataclasses.replace(smtp, security="geen", timeout=0.5)).open()
        # TLS to a plain SMTP port
        mismatch = (r"de beveiligde verbinding \(TLS\) met de mailserver .* mislukte bij het verbinden .*"
                    r'Klopt \[smtp\] beveiliging \("tls"\)')
        with pytest.raises(MailError, match=mismatch):
            Mailer(dataclasses.replace(smtp, port=mail_server.port)).open()
    finally:
        server.stop()


# --- the service runs the reminders daily ---------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("send", [True, False])
def test_the_service_sends_or_lists_the_due_reminders(tmp_path: Path, settings: Settings,
                                                      mail_server: MailServer, send: bool) -> None:
    root = tmp_path / "Participatie"
    root.mkdir()
    runtime = Runtime.open(settings)
    try:
        add_project(runtime, root, "Herinrichting Pancratiusplein",
                    end=dt.date.today() + dt.timedelta(days=20))
    finally:
        runtime.close()
    config = tmp_path / "toolbox.toml"
    config.write_text(f'[dienst]\nstatusbestand = "{settings.state_db.as_posix()}"\n'
                      f"[herinneringen]\nverzenden = {'true' if send else 'false'}\n"
                      f"[smtp]\n{smtp_plain(mail_server.port)}", encoding="utf-8")
    log = tmp_path / "dienst.log"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("TOOLBOX_") or k == "TOOLBOX_CACHE_DIR"}  # conftest.py
    with log.open("wb") as output:
        service = subprocess.Popen([sys.executable, "-m", "toolbox_docs", "--config", str(config), "watch",
                                    str(root), "--polling", "--interval", "0.5"],
                                   stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT, env=env,
                                   start_new_session=True)
    try:
        if send:
            wait_for(lambda: len(mail_server.handler.received) == 2, deadline=60, what="two reminder mails",
                     context=log.read_text)
            wait_for(lambda: log.read_text().count("Herinnering verstuurd aan") == 2, deadline=30,
                     what="the log lines", context=log.read_text)
        else:
            wait_for(lambda: log.read_text().count("niet gemaild: verzenden staat uit") == 2, deadline=60,
                     what="the reminders listed in the log", context=log.read_text)
        service.send_signal(signal.SIGTERM)
        assert service.wait(timeout=60) == 0, log.read_text()
    finally:
        if service.poll() is None:
            os.killpg(service.pid, signal.SIGKILL)
            service.wait(timeout=30)
    state = State(settings.state_db)
    try:
        entries = ReminderLog(state).entries()
    finally:
        state.close()
    if send:
        assert sorted(e.kind for e in entries if e.sent_at) == [EVALUATE, EXTERNAL]
        assert {r.rcpt_tos[0] for r in mail_server.handler.received} == {TREKKER}
    else:
        assert entries == [] and mail_server.handler.received == []
