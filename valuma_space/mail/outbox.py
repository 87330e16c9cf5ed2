"""The outbox: requests add rows (`enqueue`) in their own transaction, and each domain
registers how its kinds of mail are written. mail/sender.py delivers them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, select

from valuma_space.extensions import db
from valuma_space.mail.models import MailKind, OutboxMessage, OutboxStatus
from valuma_space.mail.transports import OutgoingMail
from valuma_space.tasks.queue import wake


def enqueue(
    kind: MailKind, recipient: str, locale: str, next_url: str = "/", user_id: int | None = None
) -> OutboxMessage:
    """Add a mail to the outbox, in the caller's transaction; a worker sends it once that
    commits."""
    message = OutboxMessage(
        kind=kind,
        recipient=recipient,
        locale=locale,
        next_url=next_url,
        user_id=user_id,
    )
    db.session.add(message)
    db.session.flush()
    wake("mail.deliver")
    return message


Composer = Callable[[OutboxMessage, datetime], "OutgoingMail | None"]
"""Writes the mail of an outbox row when it is due, or None when there is nothing left to say."""

COMPOSERS: dict[MailKind, Composer] = {}
DISCARDERS: dict[MailKind, Callable[[OutgoingMail], None]] = {}
ROUND_HOOKS: list[Callable[[datetime], object]] = []


def register_composer(
    kind: MailKind, compose: Composer, discard: Callable[[OutgoingMail], None] | None = None
) -> None:
    """Each domain writes its own kinds of mail (auth: sign-in links; notifications: bundles
    and digests); the outbox knows none of them. `discard` undoes what composing made (a link's
    token) when the mail could not be sent."""
    COMPOSERS[kind] = compose
    if discard is not None:
        DISCARDERS[kind] = discard


def before_each_round(hook: Callable[[datetime], object]) -> None:
    """Run `hook(now)` at the start of every delivery round (notifications gather bundles)."""
    ROUND_HOOKS.append(hook)


FAILED_PAGE_SIZE = 100


def failed_mails(limit: int = FAILED_PAGE_SIZE) -> tuple[list[OutboxMessage], int]:
    """The mails that were given up, newest first, with their reasons: for admins to act on
    (fix a setting, tell the person)."""
    failed = OutboxMessage.status == OutboxStatus.FAILED
    total = db.session.scalar(select(func.count(OutboxMessage.id)).where(failed)) or 0
    rows = db.session.scalars(
        select(OutboxMessage)
        .where(failed)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(limit)
    )
    return list(rows), total
