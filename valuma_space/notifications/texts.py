"""What a notification says, as plain text for the list page and both kinds of mail.

Plain Python strings rather than template macros: an HTML template escapes them like any other
value, and a plain-text mail shows them as they are.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import gettext as _

from valuma_space.auth.models import User
from valuma_space.auth.names import public_name
from valuma_space.comments import policy
from valuma_space.comments.models import Comment
from valuma_space.moderation.models import ModerationOutcome
from valuma_space.notifications.models import Notification, NotificationKind

EXCERPT_LENGTH = 300


def headline(notification: Notification) -> str:
    name = public_name(notification.actor)
    kind = notification.kind
    if kind == NotificationKind.REPLY:
        return _("%(name)s vastasi kommenttiisi", name=name)
    if kind == NotificationKind.THREAD_REPLY:
        return _("%(name)s kirjoitti ketjuun, johon osallistuit", name=name)
    if kind == NotificationKind.MENTION:
        return _("%(name)s mainitsi sinut", name=name)
    if kind == NotificationKind.MODERATOR_REPLY:
        return _("Moderaattori %(name)s vastasi kommenttiisi", name=name)
    if kind == NotificationKind.INPUT_LINKED:
        return _(
            "Kommenttisi liitettiin vaihtoehtoon: %(alternative)s", alternative=notification.detail
        )
    return {
        ModerationOutcome.APPROVED: _("Kommenttisi hyväksyttiin, ja se näkyy nyt kaikille"),
        ModerationOutcome.REJECTED: _("Kommenttiasi ei hyväksytty"),
        ModerationOutcome.HIDDEN: _("Kommenttisi piilotettiin"),
        ModerationOutcome.RESTORED: _("Kommenttisi palautettiin näkyviin"),
    }[notification.outcome or ModerationOutcome.RESTORED]


def reason(notification: Notification) -> str:
    """The moderator's reason, for an outcome that has one."""
    if notification.kind == NotificationKind.MODERATION and notification.detail:
        return _("Perustelu: %(reason)s", reason=notification.detail)
    return ""


def where(notification: Notification) -> str:
    return _("Osio: %(section)s", section=notification.comment.section.heading)


def excerpt(comment: Comment, reader: User, length: int = EXCERPT_LENGTH) -> str:
    """The start of the comment's text, or the notice in its place if `reader` may not read it
    (their own comment hidden by a moderator, for one)."""
    if not policy.may_read(comment, reader):
        return policy.removed_notice(comment)
    text = comment.body_text.strip()
    if len(text) <= length:
        return text
    return text[:length].rsplit(" ", 1)[0] + "…"


def init_app(app: Flask) -> None:
    for helper in (headline, reason, where, excerpt):
        app.jinja_env.globals[f"notification_{helper.__name__}"] = helper
