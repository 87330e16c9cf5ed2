from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from valuma_space.db import UTCDateTime, str_enum, utcnow
from valuma_space.extensions import db


class MailKind(StrEnum):
    SIGN_IN = "sign_in"
    CHANGE_EMAIL = "change_email"
    INVITATION = "invitation"
    """A sign-in link with the workspace's invitation."""
    NOTIFICATION = "notification"
    """The notifications of one kind gathered for one person (notifications/mail.py)."""
    DIGEST = "digest"
    EVENT_CONFIRMATION = "event_confirmation"
    """What a registration to an event got (a seat, remote, a place on the waiting list), with
    the event's calendar file (events/mail.py)."""
    EVENT_PROMOTION = "event_promotion"
    """A seat freed from the waiting list went to this person."""


MAIL_KIND_LABELS = {
    MailKind.SIGN_IN: _l("Kirjautumislinkki"),
    MailKind.CHANGE_EMAIL: _l("Sähköpostiosoitteen vahvistus"),
    MailKind.INVITATION: _l("Kutsu"),
    MailKind.NOTIFICATION: _l("Ilmoitukset"),
    MailKind.DIGEST: _l("Kooste"),
    MailKind.EVENT_CONFIRMATION: _l("Ilmoittautumisen vahvistus"),
    MailKind.EVENT_PROMOTION: _l("Paikka vapautui"),
}


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    """Given up: after MAIL_GIVE_UP_AFTER seconds of failures, or at once when no attempt could
    ever send it (last_error says why; admins see it at /hallinta/posti)."""
    DROPPED = "dropped"
    """Nothing was left to say when it was due (its comments hidden, the person unsubscribed)."""


class OutboxMessage(db.Model):
    """A mail to send: what it is and to whom, never its body or a token.

    Written in the same transaction as the request that asks for it; the sender composes
    and delivers it later.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (Index(None, "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MailKind] = mapped_column(str_enum(MailKind))
    recipient: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(8), default="fi")
    """The language the mail is written in: the requester's interface language."""
    next_url: Mapped[str] = mapped_column(String(500), default="/")
    """Where the emailed link leads after it is used (a local path)."""
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    """For an email change: the account whose address changes; for notifications and digests:
    the person they are for."""
    status: Mapped[OutboxStatus] = mapped_column(
        str_enum(OutboxStatus), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    """Not before this moment: grows with each failure (exponential back-off)."""
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
