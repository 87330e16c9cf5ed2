from __future__ import annotations

import threading

from flask import Flask
from sqlalchemy import select

from tests.helpers import sent_mails
from valuma_space.extensions import db
from valuma_space.mail.models import MailKind, OutboxMessage, OutboxStatus
from valuma_space.mail.outbox import enqueue
from valuma_space.mail.sender import deliver_due


def test_sending_never_keeps_the_body(app: Flask) -> None:
    enqueue(MailKind.SIGN_IN, "body@kunta.fi", "fi", "/")
    db.session.commit()
    deliver_due()
    [mail] = sent_mails(app)
    row = db.session.scalars(select(OutboxMessage)).one()
    stored = " ".join(str(getattr(row, column.key)) for column in OutboxMessage.__table__.columns)
    assert mail.link not in stored and "Kirjaudu" not in stored


def test_mail_is_written_in_the_requesters_language(app: Flask) -> None:
    for locale in ("fi", "sv", "en"):
        enqueue(MailKind.SIGN_IN, f"{locale}@kunta.fi", locale, "/")
    db.session.commit()
    deliver_due()
    subjects = {mail.recipient.split("@")[0]: mail.subject for mail in sent_mails(app)}
    assert len(set(subjects.values())) == 3
    assert subjects["fi"] == "Kirjautumislinkkisi VALUMA Spaceen"


def test_several_senders_never_send_a_mail_twice(app: Flask) -> None:
    """On both engines: PostgreSQL skips rows another sender locked, and on SQLite, which cannot,
    the conditional UPDATE that takes the lease lets only one sender have each mail."""
    for number in range(60):
        enqueue(MailKind.SIGN_IN, f"parallel{number}@kunta.fi", "fi", "/")
    db.session.commit()
    barrier = threading.Barrier(4)

    def sender() -> None:
        barrier.wait()
        with app.app_context():
            deliver_due()

    threads = [threading.Thread(target=sender) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    recipients = [mail.recipient for mail in sent_mails(app)]
    assert len(recipients) == 60 == len(set(recipients))
    db.session.expire_all()
    assert {row.status for row in db.session.scalars(select(OutboxMessage))} == {OutboxStatus.SENT}
