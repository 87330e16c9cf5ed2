"""Delivering the outbox with retries and back-off, in the task queue's workers: a round owns
its transactions (with the task queue, the only code outside requests and commands that commits).

`deliver_due` composes and sends due mail, creating a link's token at the moment its mail
leaves, so that a mail delayed by a broken server still gives its full lifetime. Rows are claimed
with FOR UPDATE SKIP LOCKED on PostgreSQL and a conditional UPDATE on both engines, so any
number of workers can deliver at once without sending a mail twice. The commit that writes an
outbox row wakes a worker (mail/outbox.py); a sweep each minute catches what a wake-up missed.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, update

from valuma_space.db import utcnow
from valuma_space.extensions import db
from valuma_space.mail.models import OutboxMessage, OutboxStatus
from valuma_space.mail.outbox import COMPOSERS, DISCARDERS, ROUND_HOOKS
from valuma_space.mail.transports import OutgoingMail, PermanentFailure, transport_for
from valuma_space.tasks.queue import current_queue, every_minute, periodic, wake_task
from valuma_space.validators import is_single_line

log = logging.getLogger(__name__)

# Failures that mean "try again later": the server is down, slow, or refused for now.
TEMPORARY_FAILURES = (smtplib.SMTPException, OSError)


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    given_up: int = 0
    dropped: int = 0

    @property
    def attempted(self) -> int:
        return self.sent + self.retried + self.given_up


def _claim_next(now: datetime) -> OutboxMessage | None:
    return db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    ).first()


def _compose(message: OutboxMessage, now: datetime) -> OutgoingMail | None:
    composer = COMPOSERS.get(message.kind)
    if composer is None:
        raise PermanentFailure(f"no composer is registered for {message.kind}")
    return composer(message, now)


def _retry_delay(attempts: int) -> timedelta:
    config = current_app.config
    seconds = config["MAIL_RETRY_BASE_SECONDS"] * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, config["MAIL_RETRY_MAX_SECONDS"]))


def _lease(config: dict) -> timedelta:
    """How long a claimed mail stays out of other senders' reach while it is being sent: longer
    than the SMTP steps can take with their timeouts. A sender that dies meanwhile leaves the
    mail to be sent again once the lease is over."""
    return timedelta(seconds=max(60, 12 * config["MAIL_TIMEOUT"]))


def _prepare_next(moment: datetime) -> tuple[int, OutgoingMail | str] | None:
    """Step one, in a short transaction: claim the next due mail, compose it (creating its
    link's token) and lease it, then commit, so that the link works before the mail arrives.
    Returns the row's id and the mail, or instead of the mail what became of the row: "taken"
    (another sender claimed it first), "dropped" (nothing left to say) or "given_up" (it could
    not be written)."""
    message = _claim_next(moment)
    if message is None:
        db.session.rollback()
        return None
    message_id = message.id
    # The lease is taken with a conditional UPDATE: on SQLite, which has no SKIP LOCKED, two
    # senders may read the same row, and only the first one's update matches.
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at == message.next_attempt_at,
        )
        .values(
            attempts=OutboxMessage.attempts + 1,
            next_attempt_at=moment + _lease(current_app.config),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        db.session.rollback()
        return message_id, "taken"
    db.session.refresh(message)
    try:
        outgoing = _compose(message, moment)
    except Exception as error:  # a mail that cannot be written never will be: set it aside
        db.session.rollback()
        return message_id, _record_failure(message_id, None, error, moment, permanent=True)
    if outgoing is None:
        message.status = OutboxStatus.DROPPED
        db.session.commit()
        return message_id, "dropped"
    db.session.commit()
    return message_id, outgoing


def _mark_sent(message_id: int, moment: datetime) -> None:
    """Step three, in a transaction of its own."""
    message = db.session.get(OutboxMessage, message_id)
    if message is not None:
        message.status = OutboxStatus.SENT
        message.sent_at = moment
        message.last_error = ""
    db.session.commit()


def _record_failure(
    message_id: int,
    outgoing: OutgoingMail | None,
    error: BaseException,
    moment: datetime,
    permanent: bool,
) -> str:
    """After a failed send: retry with back-off, or give up (for good at once when no later
    attempt could succeed). Returns what became of the mail."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        db.session.commit()
        return "gone"
    discard = DISCARDERS.get(message.kind)
    if outgoing is not None and discard is not None:
        discard(outgoing)  # nobody received this link; a retry makes a new one
    message.last_error = f"{type(error).__name__}: {error}"[:500]
    give_up_after = timedelta(seconds=current_app.config["MAIL_GIVE_UP_AFTER"])
    if permanent or moment - message.created_at >= give_up_after:
        message.status = OutboxStatus.FAILED
        outcome = "given_up"
        log.error("mail %s to %s failed: %s", message_id, message.recipient, error)
    else:
        message.next_attempt_at = moment + _retry_delay(message.attempts)
        outcome = "retried"
        log.warning("mail %s not sent, retrying: %s", message_id, error)
    db.session.commit()
    return outcome


def _check_headers(outgoing: OutgoingMail) -> None:
    """Whatever the transport: a header field with a line break would start a header of its
    own (a Bcc, say), so such a mail is never sent, by any transport."""
    fields = [outgoing.subject, outgoing.recipient, *outgoing.headers.values()]
    if not all(is_single_line(value) for value in fields):
        raise PermanentFailure("a header field holds a line break")


def deliver_due(now: datetime | None = None, limit: int = 500) -> DeliveryReport:
    """Send every outbox mail that is due, each in three steps: prepare and commit, send with
    no database transaction open (a slow or silent mail server holds no lock that a web
    request waits for), and record the outcome in a short transaction."""
    report = DeliveryReport()
    transport = transport_for(current_app._get_current_object())  # type: ignore[attr-defined]
    for hook in ROUND_HOOKS:
        hook(now or utcnow())
    db.session.commit()
    for _attempt in range(limit):
        moment = now or utcnow()
        prepared = _prepare_next(moment)
        if prepared is None:
            break
        message_id, outgoing = prepared
        if outgoing == "taken":  # another sender has it
            continue
        if outgoing == "dropped":
            report.dropped += 1
            continue
        if isinstance(outgoing, str):
            report.given_up += 1
            continue
        try:
            _check_headers(outgoing)
            transport.send(outgoing)
        except TEMPORARY_FAILURES as error:
            outcome = _record_failure(message_id, outgoing, error, moment, permanent=False)
        except Exception as error:  # PermanentFailure, or a bug: retrying would fail alike
            outcome = _record_failure(message_id, outgoing, error, moment, permanent=True)
        else:
            _mark_sent(message_id, moment)
            report.sent += 1
            continue
        if outcome == "retried":
            report.retried += 1
        else:
            report.given_up += 1
    return report


@wake_task("mail.deliver")
def deliver_on_wake() -> DeliveryReport:
    """Run by a worker after a commit that wrote outbox rows. A mail that must be tried again
    soon gets a wake-up at its time; later ones wait for the minute's sweep."""
    report = deliver_due()
    if report.retried:
        due = db.session.scalar(
            select(func.min(OutboxMessage.next_attempt_at)).where(
                OutboxMessage.status == OutboxStatus.PENDING
            )
        )
        db.session.rollback()
        if due is not None:
            delay = (due - utcnow()).total_seconds()
            if delay < 60:
                current_queue().send_wake("mail.deliver", max(delay, 0.1))
    return report


@periodic("mail.sweep", every_minute)
def deliver_each_minute(now: datetime) -> DeliveryReport:
    """Catches what a wake-up missed (the queue was down, a worker died mid-round), retries that
    fell due, and notification bundles that became due (the round's hooks gather them)."""
    return deliver_due()
