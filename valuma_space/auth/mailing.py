"""The mails that carry a sign-in link: sign-in, invitation (a sign-in link with the
workspace's invitation) and the confirmation of a new address. Registered with the outbox,
which composes them when they are due: the link's token is created then, so that a delayed mail
still gives its full lifetime."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from valuma_space.auth.models import User
from valuma_space.auth.tokens import TokenPurpose, discard_token_of, issue_token
from valuma_space.extensions import db
from valuma_space.mail.context import writing_mail
from valuma_space.mail.models import MailKind, OutboxMessage
from valuma_space.mail.outbox import register_composer
from valuma_space.mail.transports import OutgoingMail
from valuma_space.workspaces.services import current_workspace, may_sign_up, site_title


def compose_link_mail(message: OutboxMessage, now: datetime) -> OutgoingMail:
    config = current_app.config
    if message.kind in {MailKind.SIGN_IN, MailKind.INVITATION} and not _may_enter(
        message.recipient
    ):
        return _compose_refusal(message)
    purpose = (
        TokenPurpose.CHANGE_EMAIL if message.kind == MailKind.CHANGE_EMAIL else TokenPurpose.SIGN_IN
    )
    invitation = message.kind == MailKind.INVITATION
    max_age = config["INVITATION_LINK_DAYS"] * 86400 if invitation else config["LOGIN_LINK_MAX_AGE"]
    token = issue_token(
        purpose,
        message.recipient,
        max_age,
        next_url=message.next_url,
        user_id=message.user_id,
        now=now,
        from_invitation=invitation,
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
            "days": config["INVITATION_LINK_DAYS"],
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


def _discard(outgoing: OutgoingMail) -> None:
    if outgoing.link:
        discard_token_of(outgoing.link)


for _kind in (MailKind.SIGN_IN, MailKind.INVITATION, MailKind.CHANGE_EMAIL):
    register_composer(_kind, compose_link_mail, _discard)
