"""A mail may carry files (an event's calendar file): through SMTP and the local outbox alike."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from tests.smtp import SmtpServer
from valuma_space.mail.transports import (
    LocalOutboxTransport,
    MailAttachment,
    OutgoingMail,
    SmtpTransport,
)

CALENDAR = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


def _mail() -> OutgoingMail:
    return OutgoingMail(
        recipient="osallistuja@example.fi",
        subject="Tervetuloa",
        text="Teksti",
        html="<p>Teksti</p>",
        link="http://127.0.0.1:5000/tapahtumat/1",
        attachments=(MailAttachment("tapahtuma.ics", "text/calendar", CALENDAR),),
    )


def test_an_attachment_travels_through_smtp(app: Flask, smtp: SmtpServer) -> None:
    smtp.start()
    app.config.update(smtp.config())
    SmtpTransport().send(_mail())
    (message,) = smtp.messages
    files = list(message.iter_attachments())
    assert [part.get_filename() for part in files] == ["tapahtuma.ics"]
    assert files[0].get_content_type() == "text/calendar"
    assert files[0].get_payload(decode=True) == CALENDAR
    assert "Teksti" in message.get_body(("plain",)).get_content()


def test_the_local_outbox_keeps_attachments(tmp_path: Path) -> None:
    transport = LocalOutboxTransport(tmp_path)
    transport.send(_mail())
    (kept,) = transport.messages()
    assert kept.attachments == _mail().attachments
