"""Where composed mail goes: an SMTP server through Flask-Mail, or, with no server configured,
a local outbox folder with the link printed to the console."""

from __future__ import annotations

import base64
import json
import logging
import smtplib
import sys
from dataclasses import asdict, dataclass, field
from datetime import datetime
from email import policy
from email.mime.base import MIMEBase
from pathlib import Path
from typing import Protocol

from flask import Flask, current_app
from flask_mail import Message, sanitize_address

from valuma_space.db import utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MailAttachment:
    """A file that goes with a mail (a calendar file, say)."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class OutgoingMail:
    recipient: str
    subject: str
    text: str
    html: str
    link: str
    """The one link in the mail, for the console and the development outbox page."""
    created_at: datetime = field(default_factory=utcnow)
    headers: dict[str, str] = field(default_factory=dict)
    """Extra header fields, such as List-Unsubscribe."""
    attachments: tuple[MailAttachment, ...] = ()


class Transport(Protocol):
    def send(self, message: OutgoingMail) -> None: ...


class _Message(Message):
    def _message(self) -> MIMEBase:
        built = super()._message()
        # Folding at 78 columns would turn a long List-Unsubscribe URL into encoded words, which
        # mail clients do not read as a URL; RFC 5322 allows lines of up to 998 characters.
        built.policy = policy.SMTP.clone(max_line_length=998)
        return built


class PermanentFailure(Exception):
    """A mail that no later attempt could send (a header that would inject others, a recipient
    the server refuses for good): the outbox marks it failed instead of retrying."""


class SmtpTransport:
    """Delivers through the configured SMTP server. Every network step has a timeout
    (MAIL_TIMEOUT); a failure before the server accepted the mail raises and the outbox
    retries. Once the server has accepted it (250 after DATA), the mail is sent: a server that
    drops the line at QUIT changes nothing.

    Flask-Mail builds the message; the connection is ours, since Flask-Mail's has no timeout
    and treats a failing QUIT as a failed send."""

    def send(self, message: OutgoingMail) -> None:
        built = _Message(
            subject=message.subject,
            recipients=[message.recipient],
            body=message.text,
            html=message.html,
            extra_headers=message.headers or None,
        )
        for attachment in message.attachments:
            built.attach(attachment.filename, attachment.content_type, attachment.data)
        if built.has_bad_headers():
            raise PermanentFailure("a header field holds a line break")
        config = current_app.config
        timeout = config["MAIL_TIMEOUT"]
        server, port = config["MAIL_SERVER"], config["MAIL_PORT"]
        host = (
            smtplib.SMTP_SSL(server, port, timeout=timeout)
            if config["MAIL_USE_SSL"]
            else smtplib.SMTP(server, port, timeout=timeout)
        )
        try:
            if config["MAIL_USE_TLS"]:
                host.starttls()
            if config["MAIL_USERNAME"] and config["MAIL_PASSWORD"]:
                host.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            host.sendmail(
                sanitize_address(built.sender),
                [sanitize_address(address) for address in built.send_to],
                built.as_bytes(),
                built.mail_options,
                built.rcpt_options,
            )
        except smtplib.SMTPRecipientsRefused as refused:
            host.close()
            if all(code >= 500 for code, _text in refused.recipients.values()):
                raise PermanentFailure(f"recipient refused: {refused.recipients}") from refused
            raise
        except BaseException:
            host.close()
            raise
        try:
            host.quit()
        except (smtplib.SMTPException, OSError):
            host.close()  # accepted already: what the server does now changes nothing


class LocalOutboxTransport:
    """For development without a mail server: keeps each mail as JSON in a folder, and prints
    its link so that a newcomer can sign in straight from the console."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, message: OutgoingMail) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{message.created_at:%Y%m%dT%H%M%S%f}-{abs(hash(message.link)) % 10**8}.json"
        record = asdict(message) | {
            "created_at": message.created_at.isoformat(),
            "attachments": [
                {
                    "filename": attachment.filename,
                    "content_type": attachment.content_type,
                    "data": base64.b64encode(attachment.data).decode("ascii"),
                }
                for attachment in message.attachments
            ],
        }
        (self.folder / name).write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        print(
            f"\n=== Mail to {message.recipient}: {message.subject}\n    {message.link}\n",
            file=sys.stderr,
            flush=True,
        )

    def messages(self, limit: int = 50) -> list[OutgoingMail]:
        if not self.folder.is_dir():
            return []
        messages = []
        for path in sorted(self.folder.glob("*.json"), reverse=True)[:limit]:
            record = json.loads(path.read_text(encoding="utf-8"))
            record["created_at"] = datetime.fromisoformat(record["created_at"])
            record["attachments"] = tuple(
                MailAttachment(
                    filename=item["filename"],
                    content_type=item["content_type"],
                    data=base64.b64decode(item["data"]),
                )
                for item in record.get("attachments", ())
            )
            messages.append(OutgoingMail(**record))
        return messages


class MemoryTransport:
    """For tests: keeps what was sent in a list."""

    def __init__(self) -> None:
        self.sent: list[OutgoingMail] = []

    def send(self, message: OutgoingMail) -> None:
        self.sent.append(message)


def init_app(app: Flask) -> None:
    transport: Transport
    if app.config.get("MAIL_SERVER"):
        transport = SmtpTransport()
    elif app.testing:
        transport = MemoryTransport()
    else:
        transport = LocalOutboxTransport(Path(app.instance_path) / "outbox")
    app.extensions["valuma_mail_transport"] = transport


def transport_for(app: Flask) -> Transport:
    return app.extensions["valuma_mail_transport"]
