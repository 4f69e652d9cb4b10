"""Mail over SMTP: the one module that imports ``smtplib``, ``ssl`` and ``email``.

``Mailer`` opens one connection (STARTTLS, implicit TLS or plain, as ``[smtp] beveiliging`` says; a login
when ``[smtp] gebruiker`` is set, with the password from ``TOOLBOX_SMTP_PASSWORD``) and sends plain-text
Dutch messages over it. Every failure — refused, down, unknown host, login, time-out, TLS — becomes a
``MailError`` with a Dutch message for the admin; the password never appears in one. After a failure,
``Mailer.connected`` tells whether the connection can still carry the next message.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from types import TracebackType

from toolbox_docs.errors import MailError
from toolbox_docs.settings import Smtp

STARTTLS = "starttls"
TLS = "tls"
PLAIN = "geen"
AUTH_REQUIRED = 530  # RFC 4954


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


def _one_line(text: str) -> str:
    """A header value on one line: a name from a workbook can never add a header or a recipient."""
    return " ".join(text.split())


def check_address(address: str, *, what: str = "e-mailadres") -> tuple[str, str]:
    """(display name, address) of one e-mail address such as ``a@b.nl`` or ``Naam <a@b.nl>``.

    A domain with letters outside ASCII (``gemeente-süd.de``) is written in its ASCII form (IDNA,
    RFC 5890), which every mail server accepts; a local part outside ASCII (``josé@…``) is kept and needs a
    server that offers SMTPUTF8 (RFC 6531; see ``needs_smtputf8``). Anything else — several addresses,
    line breaks, no domain — is a ``MailError``."""
    name, parsed = parseaddr(address)
    local, _, domain = parsed.rpartition("@")
    if "\n" in address or "\r" in address or not local or "." not in domain \
            or any(c in parsed for c in ",;<> \"") or address.count("@") != 1:
        raise MailError(f"'{_one_line(address)}' is geen bruikbaar {what}.")
    if not domain.isascii():
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError:
            raise MailError(f"'{_one_line(address)}' is geen bruikbaar {what} (het domein na de @ "
                            "kan niet worden omgezet).") from None
    return name, f"{local}@{domain}"


def needs_smtputf8(address: str) -> bool:
    """Whether the address (after ``check_address``) can only be sent through a server offering SMTPUTF8."""
    return not address.isascii()


def build_message(mail: Mail, *, sender: str) -> EmailMessage:
    sender_name, sender_address = check_address(sender, what="afzenderadres ([smtp] afzender)")
    _, to = check_address(mail.to)
    message = EmailMessage()
    message["From"] = formataddr((sender_name, sender_address))
    message["To"] = to
    message["Subject"] = _one_line(mail.subject)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender_address.rpartition("@")[2])
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies to a robot
    # quoted-printable: 7-bit safe for any server, and still readable Dutch in the raw message
    message.set_content(mail.body, charset="utf-8", cte="quoted-printable")
    message["Content-Language"] = "nl"
    return message


def _reply(error: smtplib.SMTPResponseException) -> str:
    text = error.smtp_error.decode("utf-8", "replace") if isinstance(error.smtp_error, bytes) \
        else str(error.smtp_error)
    return f"{error.smtp_code} {_one_line(text)}".strip()


class Mailer:
    """One SMTP connection: ``with Mailer(settings.smtp) as mailer: mailer.send(mail)``."""

    def __init__(self, smtp: Smtp) -> None:
        self.smtp = smtp
        self._client: smtplib.SMTP | None = None
        self.connected = False

    @property
    def server(self) -> str:
        return f"{self.smtp.host}:{self.smtp.port}"

    def __enter__(self) -> Mailer:
        self.open()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def open(self) -> None:
        smtp = self.smtp
        if not smtp.configured:
            raise MailError("er is geen mailserver ingesteld ([smtp] host in toolbox.toml of "
                            "TOOLBOX_SMTP_HOST).")
        context = ssl.create_default_context()
        try:
            if smtp.security == TLS:
                client: smtplib.SMTP = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout,
                                                        context=context)
            else:
                client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
            self._client = client
            client.ehlo()
            if smtp.security == STARTTLS:
                client.starttls(context=context)
                client.ehlo()
            if smtp.username:
                client.login(smtp.username, smtp.password)
        except BaseException as error:
            mapped = self._connect_error(error)  # before closing: it asks the connection what it offers
            self.close()
            raise mapped from None
        self.connected = True

    def _connect_error(self, error: BaseException) -> BaseException:
        smtp, server = self.smtp, self.server
        if isinstance(error, smtplib.SMTPAuthenticationError):
            return MailError(f"de mailserver {server} weigerde de aanmelding van gebruiker '{smtp.username}' "
                             f"({_reply(error)}). Controleer [smtp] gebruiker en het wachtwoord in de "
                             "omgevingsvariabele TOOLBOX_SMTP_PASSWORD.")
        if isinstance(error, smtplib.SMTPNotSupportedError):
            if smtp.security == STARTTLS and (self._client is None or not self._client.has_extn("starttls")):
                return MailError(f"de mailserver {server} biedt geen STARTTLS aan. Kies [smtp] beveiliging = "
                                 "\"tls\" (meestal poort 465) of vraag de beheerder van de mailserver welke "
                                 "beveiliging hij gebruikt.")
            return MailError(f"de mailserver {server} biedt geen aanmelding aan op deze verbinding. Laat "
                             "[smtp] gebruiker leeg, of gebruik een beveiligde verbinding.")
        return self._transport_error(error, during="het verbinden")

    def _transport_error(self, error: BaseException, *, during: str) -> BaseException:
        """A ``MailError`` for a failure of the connection itself (not of one message)."""
        smtp, server = self.smtp, self.server
        if isinstance(error, MailError | KeyboardInterrupt | SystemExit):
            return error
        if isinstance(error, smtplib.SMTPServerDisconnected) and isinstance(error.__context__, OSError):
            error = error.__context__  # smtplib wraps a time-out or reset while reading a reply
        if isinstance(error, ssl.SSLCertVerificationError):
            return MailError(f"het certificaat van de mailserver {server} is niet te vertrouwen "
                             f"({error.verify_message}). Controleer [smtp] host: die moet overeenkomen met "
                             "het certificaat van de server.")
        if isinstance(error, ssl.SSLError):
            return MailError(f"de beveiligde verbinding (TLS) met de mailserver {server} mislukte bij "
                             f"{during} ({error.reason or error}). Klopt [smtp] beveiliging "
                             f"(\"{smtp.security}\") bij poort {smtp.port}? Meestal: starttls op 587, tls op "
                             "465.")
        if isinstance(error, smtplib.SMTPServerDisconnected):
            return MailError(f"de mailserver {server} verbrak de verbinding bij {during}. Klopt [smtp] "
                             f"beveiliging (\"{smtp.security}\") bij poort {smtp.port}?")
        if isinstance(error, smtplib.SMTPResponseException):
            return MailError(f"de mailserver {server} gaf een fout bij {during} ({_reply(error)}).")
        if isinstance(error, socket.gaierror):
            return MailError(f"de mailserver '{smtp.host}' is niet te vinden. Controleer [smtp] host.")
        if isinstance(error, ConnectionRefusedError):
            return MailError(f"de mailserver {server} weigert de verbinding: hij draait niet of de poort "
                             "klopt niet. Controleer [smtp] host en poort.")
        if isinstance(error, TimeoutError):
            return MailError(f"de mailserver {server} reageerde niet binnen {smtp.timeout:g} seconden bij "
                             f"{during}. Is hij bereikbaar vanaf deze computer (firewall)?")
        if isinstance(error, OSError | smtplib.SMTPException):
            reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
            return MailError(f"de mailserver {server} is niet bereikbaar bij {during} ({reason}).")
        return error

    def send(self, mail: Mail) -> None:
        """Hand one message to the server; ``MailError`` when it refuses it or the connection fails."""
        if self._client is None or not self.connected:
            raise MailError(f"er is geen verbinding met de mailserver {self.server}.")
        message = build_message(mail, sender=self.smtp.sender)
        international = [a for a in (check_address(mail.to)[1], check_address(self.smtp.sender)[1])
                         if needs_smtputf8(a)]
        if international and not self._client.has_extn("smtputf8"):
            # Only this message cannot go: the connection stays usable for the next reminder.
            raise MailError(f"de mailserver {self.server} ondersteunt geen e-mailadressen met letters buiten "
                            f"ASCII (SMTPUTF8); '{_one_line(mail.to)}' kan daarom niet worden gebruikt. Vraag de "
                            "trekker om een adres met alleen gewone letters, of de beheerder van de mailserver om "
                            "SMTPUTF8 aan te zetten.")
        try:
            refused = self._client.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            replies = "; ".join(f"{code} {_one_line(text.decode('utf-8', 'replace'))}"
                                for code, text in error.recipients.values())
            raise MailError(f"de mailserver {self.server} weigerde het adres {mail.to} ({replies}). "
                            "Controleer het e-mailadres van de trekker in de intake.") from None
        except smtplib.SMTPSenderRefused as error:
            if error.smtp_code == AUTH_REQUIRED:
                raise MailError(f"de mailserver {self.server} wil eerst een aanmelding ({_reply(error)}). "
                                "Vul [smtp] gebruiker in en zet het wachtwoord in de omgevingsvariabele "
                                "TOOLBOX_SMTP_PASSWORD.") from None
            raise MailError(f"de mailserver {self.server} weigerde de afzender {self.smtp.sender} "
                            f"({_reply(error)}). Controleer [smtp] afzender.") from None
        except smtplib.SMTPDataError as error:
            raise MailError(f"de mailserver {self.server} weigerde het bericht aan {mail.to} "
                            f"({_reply(error)}).") from None
        except smtplib.SMTPNotSupportedError as error:  # raised before anything is sent: still connected
            raise MailError(f"de mailserver {self.server} kan het bericht aan {mail.to} niet aannemen "
                            f"({error}).") from None
        except BaseException as error:
            self.connected = False
            raise self._transport_error(error, during="het versturen") from None
        if refused:
            raise MailError(f"de mailserver {self.server} weigerde het adres {mail.to}.")

    def close(self) -> None:
        client, self._client, self.connected = self._client, None, False
        if client is None:
            return
        try:
            client.quit()
        except (OSError, smtplib.SMTPException):
            client.close()
