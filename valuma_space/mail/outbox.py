"""Writing mail to the outbox, and delivering it with retries and back-off.

Requests only add rows (`enqueue`); `deliver_due` composes and sends them later, creating a
link's token at the moment its mail leaves, so that a mail delayed by a broken server still
gives its full lifetime. On PostgreSQL rows are claimed with FOR UPDATE SKIP LOCKED, so any
number of `flask valuma send-mail` processes can run at once without sending a mail twice.
"""

from __future__ import annotations

import logging
import smtplib
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, current_app, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from valuma_space.auth.models import User
from valuma_space.auth.tokens import TokenPurpose, discard_token_of, issue_token
from valuma_space.db import utcnow
from valuma_space.extensions import db
from valuma_space.mail.context import writing_mail
from valuma_space.mail.models import MailKind, OutboxMessage, OutboxStatus
from valuma_space.mail.transports import OutgoingMail, PermanentFailure, transport_for
from valuma_space.notifications.mail import COMPOSERS, gather_bundles
from valuma_space.validators import is_single_line
from valuma_space.workspaces.services import current_workspace, may_sign_up, site_title

log = logging.getLogger(__name__)

# Failures that mean "try again later": the server is down, slow, or refused for now.
TEMPORARY_FAILURES = (smtplib.SMTPException, OSError)


def enqueue(
    kind: MailKind, recipient: str, locale: str, next_url: str = "/", user: User | None = None
) -> OutboxMessage:
    """Add a mail to the outbox, in the caller's transaction."""
    message = OutboxMessage(
        kind=kind,
        recipient=recipient,
        locale=locale,
        next_url=next_url,
        user_id=user.id if user is not None else None,
    )
    db.session.add(message)
    db.session.flush()
    return message


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
    """The mail to send; None when there is nothing left to say (see notifications/mail.py)."""
    composer = COMPOSERS.get(message.kind)
    if composer is not None:
        return composer(message)
    config = current_app.config
    if message.kind in {MailKind.SIGN_IN, MailKind.INVITATION} and not _may_enter(
        message.recipient
    ):
        return _compose_refusal(message)
    purpose = (
        TokenPurpose.CHANGE_EMAIL if message.kind == MailKind.CHANGE_EMAIL else TokenPurpose.SIGN_IN
    )
    token = issue_token(
        purpose,
        message.recipient,
        config["LOGIN_LINK_MAX_AGE"],
        next_url=message.next_url,
        user_id=message.user_id,
        now=now,
    )
    with writing_mail(message.locale):
        title = site_title()
        if message.kind == MailKind.INVITATION:
            link = url_for("auth.confirm", token=token, _external=True)
            known = True
            subject = _("Kutsu kommentoimaan: %(title)s", title=title)
            template = "email/invitation"
        elif message.kind == MailKind.SIGN_IN:
            link = url_for("auth.confirm", token=token, _external=True)
            known = db.session.scalar(select(User.id).where(User.email == message.recipient))
            subject = _("Kirjautumislinkkisi VALUMA Spaceen")
            template = "email/sign_in"
        else:
            link = url_for("auth.confirm_email_change", token=token, _external=True)
            known = True
            subject = _("Vahvista uusi sähköpostiosoitteesi")
            template = "email/change_email"
        context = {
            "link": link,
            "known": known,
            "minutes": config["LOGIN_LINK_MAX_AGE"] // 60,
            "recipient": message.recipient,
            "workspace_title": title,
        }
        text = render_template(f"{template}.txt", **context)
        html = render_template(f"{template}.html", **context)
    return OutgoingMail(
        recipient=message.recipient, subject=subject, text=text, html=html, link=link
    )


def _may_enter(email: str) -> bool:
    """An existing account always may; a new one only as the workspace's sign-up rules allow.
    Decided here, at send time, so that the sign-in form answers every address alike."""
    if db.session.scalar(select(User.id).where(User.email == email)):
        return True
    return may_sign_up(current_workspace(), email)


def _compose_refusal(message: OutboxMessage) -> OutgoingMail:
    """A mail without a link, telling why there is none."""
    with writing_mail(message.locale):
        context = {"contact": current_app.config["CONTACT_EMAIL"]}
        subject = _("VALUMA Space: työtila on vain kutsutuille")
        text = render_template("email/not_invited.txt", **context)
        html = render_template("email/not_invited.html", **context)
    return OutgoingMail(recipient=message.recipient, subject=subject, text=text, html=html, link="")


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
    Returns the row's id and the mail, or instead of the mail what became of the row: "dropped"
    (nothing left to say) or "given_up" (it could not be written)."""
    message = _claim_next(moment)
    if message is None:
        db.session.rollback()
        return None
    message_id = message.id
    message.attempts += 1
    try:
        outgoing = _compose(message, moment)
    except Exception as error:  # a mail that cannot be written never will be: set it aside
        db.session.rollback()
        return message_id, _record_failure(message_id, None, error, moment, permanent=True)
    if outgoing is None:
        message.status = OutboxStatus.DROPPED
        db.session.commit()
        return message_id, "dropped"
    message.next_attempt_at = moment + _lease(current_app.config)
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
    if outgoing is not None and outgoing.link:
        discard_token_of(outgoing.link)  # nobody received this link; a retry makes a new one
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
    gather_bundles(now or utcnow())
    for _attempt in range(limit):
        moment = now or utcnow()
        prepared = _prepare_next(moment)
        if prepared is None:
            break
        message_id, outgoing = prepared
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


def run_sender(app: Flask, stop: threading.Event, poll_seconds: float = 1.0) -> None:
    """Deliver due mail until `stop` is set: the body of `flask valuma send-mail` and of the
    development server's in-process sender."""
    while not stop.is_set():
        try:
            with app.app_context():
                deliver_due()
        except Exception:  # the loop must outlive a bad moment of the database
            log.exception("mail sender: delivery round failed")
        stop.wait(poll_seconds)


def start_background_sender(app: Flask, poll_seconds: float = 1.0) -> threading.Event:
    stop = threading.Event()
    thread = threading.Thread(
        target=run_sender, args=(app, stop, poll_seconds), name="mail-sender", daemon=True
    )
    thread.start()
    return stop


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
