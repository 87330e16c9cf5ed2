"""Notification and digest mails: gathering notifications into bundles, and composing both
kinds of mail when the sender sends them.

Notifications wait NOTIFY_BUNDLE_MINUTES from the first one of a kind, so that several replies
arrive in one mail. The sender gathers them into an outbox row with one conditional UPDATE, so
that two senders at once can never put one notification into two mails. Everything is looked
at again when the mail leaves: a comment hidden meanwhile, or a setting switched off, is left
out, and a mail left with nothing to say is not sent at all.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from valuma_space.auth.models import User
from valuma_space.comments.models import Comment
from valuma_space.extensions import db
from valuma_space.mail.context import writing_mail
from valuma_space.mail.models import MailKind, OutboxMessage
from valuma_space.mail.outbox import before_each_round, enqueue, register_composer
from valuma_space.mail.transports import OutgoingMail
from valuma_space.materials.models import Section
from valuma_space.notifications.digests import digest_contents
from valuma_space.notifications.models import (
    SUBSCRIPTION_LABELS,
    SUBSCRIPTION_OF,
    Digest,
    Notification,
    Subscription,
)
from valuma_space.notifications.services import (
    is_subscribed,
    shown_to_recipient,
    unsubscribe_token,
    wants_mail,
)
from valuma_space.workspaces.services import site_title

KINDS_OF = {
    subscription: [kind for kind, sub in SUBSCRIPTION_OF.items() if sub == subscription]
    for subscription in set(SUBSCRIPTION_OF.values())
}


def gather_bundles(now: datetime) -> int:
    """Put each person's waiting notifications of one kind into a mail, once the first of them
    has waited its bundling time. Returns the number of mails added to the outbox."""
    cutoff = now - timedelta(minutes=current_app.config["NOTIFY_BUNDLE_MINUTES"])
    due = db.session.execute(
        select(Notification.user_id, Notification.kind)
        .where(Notification.waiting_for_mail.is_(True))
        .group_by(Notification.user_id, Notification.kind)
        .having(func.min(Notification.created_at) <= cutoff)
    ).all()
    # Once one kind is due, the person's other kinds under the same setting go along with it.
    bundles = sorted({(user_id, SUBSCRIPTION_OF[kind]) for user_id, kind in due})
    queued = 0
    for user_id, subscription in bundles:
        user = db.session.get(User, user_id)
        if user is None:
            continue
        kinds = KINDS_OF[subscription]
        message = enqueue(MailKind.NOTIFICATION, user.email, user.locale, user_id=user.id)
        taken = db.session.execute(
            update(Notification)
            .where(
                Notification.user_id == user_id,
                Notification.kind.in_(kinds),
                Notification.waiting_for_mail.is_(True),
            )
            .values(waiting_for_mail=False, outbox_id=message.id)
            .execution_options(synchronize_session=False)
        ).rowcount  # type: ignore[attr-defined]
        if taken:
            queued += 1
        else:  # another sender gathered them first
            db.session.delete(message)
    db.session.flush()
    return queued


def _unsubscribe_headers(link: str) -> dict[str, str]:
    # RFC 8058: mail clients POST to the link to unsubscribe with one click.
    return {
        "List-Unsubscribe": f"<{link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def _compose(
    user: User, subscription: Subscription, subject: str, template: str, **context: object
) -> OutgoingMail:
    unsubscribe = url_for(
        "notifications.unsubscribe", token=unsubscribe_token(user, subscription), _external=True
    )
    context |= {
        "user": user,
        "subscription": subscription,
        "subscription_labels": SUBSCRIPTION_LABELS,
        "unsubscribe_link": unsubscribe,
        "settings_link": url_for("notifications.settings", _external=True),
        "list_link": url_for("notifications.index", _external=True),
    }
    return OutgoingMail(
        recipient=user.email,
        subject=subject,
        text=render_template(f"email/{template}.txt", **context),
        html=render_template(f"email/{template}.html", **context),
        link=context["list_link"],  # type: ignore[arg-type]
        headers=_unsubscribe_headers(unsubscribe),
    )


SUBJECTS = {
    Subscription.REPLIES: lambda n: ngettext(
        "Uusi vastaus keskustelussa", "%(num)d uutta vastausta keskustelussa", n
    ),
    Subscription.MENTIONS: lambda n: ngettext(
        "Sinut mainittiin keskustelussa", "Sinut mainittiin keskustelussa %(num)d kertaa", n
    ),
    Subscription.MODERATION: lambda n: ngettext(
        "Moderaattori käsitteli kommenttisi", "Moderaattori käsitteli %(num)d kommenttiasi", n
    ),
    Subscription.INPUT_USED: lambda n: ngettext(
        "Näin palautettasi käytettiin", "Näin palautettasi käytettiin (%(num)d)", n
    ),
}


def compose_notifications(message: OutboxMessage, now: datetime) -> OutgoingMail | None:
    user = db.session.get(User, message.user_id) if message.user_id else None
    if user is None:
        return None
    items = [
        item
        for item in db.session.scalars(
            shown_to_recipient(select(Notification).where(Notification.outbox_id == message.id))
            .options(
                joinedload(Notification.comment)
                .joinedload(Comment.section)
                .joinedload(Section.page),
                joinedload(Notification.actor),
            )
            .order_by(Notification.created_at, Notification.id)
        )
        if wants_mail(user, item.kind)
    ]
    if not items:
        return None
    subscription = SUBSCRIPTION_OF[items[0].kind]
    with writing_mail(message.locale):
        return _compose(
            user,
            subscription,
            SUBJECTS[subscription](len(items)),
            "notifications",
            items=items,
            links={item.id: _permalink(item.comment) for item in items},
        )


def compose_digest(message: OutboxMessage, now: datetime) -> OutgoingMail | None:
    user = db.session.get(User, message.user_id) if message.user_id else None
    digest = db.session.scalars(select(Digest).where(Digest.outbox_id == message.id)).first()
    if user is None or digest is None or not is_subscribed(user, Subscription.DIGEST):
        return None
    contents = digest_contents(user, digest.since, digest.until)
    if contents.is_empty():
        return None
    with writing_mail(message.locale):
        title = site_title()
        comments = contents.most_agreed + contents.moderator_replies
        return _compose(
            user,
            Subscription.DIGEST,
            _("Mitä uutta: %(title)s", title=title),
            "digest",
            contents=contents,
            digest=digest,
            links={comment.id: _permalink(comment) for comment in comments},
            section_links={
                section.id: url_for("materials.section", slug=section.slug, _external=True)
                for section, _ in contents.sections + contents.comment_counts
            },
            workspace_title=title,
        )


def _permalink(comment: Comment) -> str:
    # Readers who are signed out land on the sign-in page, which brings them back here.
    return url_for("comments.permalink", comment_id=comment.id, _external=True)


register_composer(MailKind.NOTIFICATION, compose_notifications)
register_composer(MailKind.DIGEST, compose_digest)
before_each_round(gather_bundles)
