"""Where composed mail goes: an SMTP server through Flask-Mail, or, with no server configured,
a local outbox folder with the link printed to the console."""

from __future__ import annotations

import json
import logging
import sys
from dataclasses import asdict, dataclass, field
from datetime import datetime
from email import policy
from email.mime.base import MIMEBase
from pathlib import Path
from typing import Protocol

from flask import Flask
from flask_mail import Message

from valuma_space.db import utcnow
from valuma_space.extensions import mail

log = logging.getLogger(__name__)


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


class Transport(Protocol):
    def send(self, message: OutgoingMail) -> None: ...


class _Message(Message):
    def _message(self) -> MIMEBase:
        built = super()._message()
        # Folding at 78 columns would turn a long List-Unsubscribe URL into encoded words, which
        # mail clients do not read as a URL; RFC 5322 allows lines of up to 998 characters.
        built.policy = policy.SMTP.clone(max_line_length=998)
        return built


class SmtpTransport:
    """Delivers through the configured SMTP server; any failure raises, and the outbox retries."""

    def send(self, message: OutgoingMail) -> None:
        mail.send(
            _Message(
                subject=message.subject,
                recipients=[message.recipient],
                body=message.text,
                html=message.html,
                extra_headers=message.headers or None,
            )
        )


class LocalOutboxTransport:
    """For development without a mail server: keeps each mail as JSON in a folder, and prints
    its link so that a newcomer can sign in straight from the console."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, message: OutgoingMail) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{message.created_at:%Y%m%dT%H%M%S%f}-{abs(hash(message.link)) % 10**8}.json"
        record = asdict(message) | {"created_at": message.created_at.isoformat()}
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
