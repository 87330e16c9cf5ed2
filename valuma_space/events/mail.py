"""The mails of registration: what a registration got, with the event's calendar file, and the
news that a seat from the waiting list is now the person's. Registered with the outbox and
written when they leave, from the registration as it then stands."""

from __future__ import annotations

from datetime import datetime

from flask import render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import or_, select

from valuma_space.events.calendar import calendar_file
from valuma_space.events.models import Registration, RegistrationMode, RegistrationState
from valuma_space.extensions import db
from valuma_space.mail.context import writing_mail
from valuma_space.mail.models import MailKind, OutboxMessage
from valuma_space.mail.outbox import register_composer
from valuma_space.mail.transports import MailAttachment, OutgoingMail


def compose_registration_mail(message: OutboxMessage, now: datetime) -> OutgoingMail | None:
    registration = db.session.scalar(
        select(Registration).where(
            or_(
                Registration.confirmation_mail_id == message.id,
                Registration.promotion_mail_id == message.id,
            )
        )
    )
    if registration is None or registration.state == RegistrationState.CANCELLED:
        return None  # cancelled (or registered anew) before the mail left: nothing to say
    event = registration.event
    promoted = message.kind == MailKind.EVENT_PROMOTION
    with writing_mail(message.locale):
        link = url_for("events.show", event_id=event.id, _external=True)
        confirmed = registration.state == RegistrationState.CONFIRMED
        context = {
            "event": event,
            "registration": registration,
            "promoted": promoted,
            "confirmed": confirmed,
            "remote": registration.mode == RegistrationMode.REMOTE,
            "link": link,
            "cancel_link": url_for(
                "events.cancel_link", token=registration.cancel_token, _external=True
            ),
            "calendar_link": url_for("events.calendar", event_id=event.id, _external=True),
        }
        if promoted:
            subject = _("Sait paikan: %(title)s", title=event.title)
        elif confirmed:
            subject = _("Ilmoittautuminen vahvistettu: %(title)s", title=event.title)
        else:
            subject = _("Olet jonossa: %(title)s", title=event.title)
        text = render_template("email/event_registration.txt", **context)
        html = render_template("email/event_registration.html", **context)
        calendar = calendar_file(event, remote_link=confirmed, now=now)
    return OutgoingMail(
        recipient=message.recipient,
        subject=subject,
        text=text,
        html=html,
        link=link,
        attachments=(MailAttachment("tapahtuma.ics", "text/calendar", calendar),),
    )


for _kind in (MailKind.EVENT_CONFIRMATION, MailKind.EVENT_PROMOTION):
    register_composer(_kind, compose_registration_mail)
