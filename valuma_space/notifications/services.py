"""Who is told what. Notifications are written in the transaction of the action that causes
them; nobody hears of their own actions, and a notification about a comment shows (in the app
and in mail) only while the recipient may see that comment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import ColumnElement, ScalarSelect, Select, func, or_, select, update
from sqlalchemy.orm import joinedload

from valuma_space.auth.models import DigestFrequency, User
from valuma_space.comments import policy
from valuma_space.comments.models import Comment
from valuma_space.db import insert_unless_present, utcnow
from valuma_space.extensions import db
from valuma_space.materials.models import Section
from valuma_space.moderation.models import ModerationOutcome
from valuma_space.notifications.mentions import mentioned_users
from valuma_space.notifications.models import (
    PUBLISHED,
    SUBSCRIPTION_OF,
    Notification,
    NotificationKind,
    Subscription,
)

PAGE_SIZE = 30

MAIL_SETTING = {
    Subscription.REPLIES: "mail_replies",
    Subscription.MENTIONS: "mail_mentions",
    Subscription.MODERATION: "mail_moderation",
    Subscription.INPUT_USED: "mail_input_used",
}

# About the recipient's own comment, which they may always see; the others are about somebody
# else's comment and vanish when it is hidden or deleted.
ABOUT_OWN_COMMENT = (NotificationKind.MODERATION, NotificationKind.INPUT_LINKED)
ABOUT_NEW_COMMENT = (
    NotificationKind.REPLY,
    NotificationKind.THREAD_REPLY,
    NotificationKind.MENTION,
    NotificationKind.MODERATOR_REPLY,
)


def wants_mail(user: User, kind: NotificationKind) -> bool:
    return bool(getattr(user, MAIL_SETTING[SUBSCRIPTION_OF[kind]]))


def _notify(
    user: User,
    kind: NotificationKind,
    comment: Comment,
    actor: User | None,
    event: str = PUBLISHED,
    outcome: ModerationOutcome | None = None,
    detail: str = "",
) -> None:
    """Tell `user` of `event`, unless they caused it or have been told of it already (the
    constraint decides, so that two requests at once tell them once)."""
    if actor is not None and actor.id == user.id:
        return
    insert_unless_present(
        db.session,
        Notification,
        {
            "user_id": user.id,
            "kind": kind,
            "comment_id": comment.id,
            "event": event,
            "actor_id": actor.id if actor is not None else None,
            "outcome": outcome,
            "detail": detail,
            "waiting_for_mail": wants_mail(user, kind),
            "created_at": utcnow(),
        },
    )


def _thread_authors(comment: Comment) -> set[int]:
    """Who wrote in the comment's thread (its root and everything under it) before it, in one
    query. Those who joined later never hear of it, however often it is edited or approved."""
    rows = db.session.execute(
        select(Comment.id, Comment.parent_id, Comment.author_id).where(
            Comment.section_id == comment.section_id,
            Comment.id < comment.id,  # a comment's ancestors are older than it, too
            policy.took_part_sql(),
        )
    ).all()
    parent_of = {row.id: row.parent_id for row in rows}
    parent_of[comment.id] = comment.parent_id

    def root(comment_id: int) -> int:
        seen = set()
        while parent_of.get(comment_id) is not None and comment_id not in seen:
            seen.add(comment_id)
            comment_id = parent_of[comment_id]  # type: ignore[assignment]
        return comment_id

    thread = root(comment.id)
    return {row.author_id for row in rows if row.author_id is not None and root(row.id) == thread}


def comment_published(comment: Comment) -> None:
    """A comment became visible to everyone: tell the author of the comment it answers, the
    others in its thread and the people it mentions, each once, however often it is called."""
    if not policy.text_is_public(comment.visibility, comment.published_at):
        return
    if not policy.section_readable(comment.section, None):
        return  # only moderators can read it: a participant told of it could open nothing
    told = set(
        db.session.scalars(
            select(Notification.user_id).where(
                Notification.comment_id == comment.id,
                Notification.kind.in_(ABOUT_NEW_COMMENT),
            )
        )
    )
    kinds: dict[int, NotificationKind] = {}
    # From the least to the most specific: a later kind replaces an earlier one for a person.
    if comment.parent_id is not None:
        for author_id in _thread_authors(comment):
            kinds[author_id] = NotificationKind.THREAD_REPLY
    mentioned = {user.id: user for user in mentioned_users(comment.body_markdown, None)}
    for user_id in mentioned:
        kinds[user_id] = NotificationKind.MENTION
    parent = db.session.get(Comment, comment.parent_id) if comment.parent_id else None
    if parent is not None and parent.author_id is not None:
        kinds[parent.author_id] = (
            NotificationKind.MODERATOR_REPLY if comment.by_moderator else NotificationKind.REPLY
        )
    for user_id in told | {comment.author_id}:
        kinds.pop(user_id, None)  # type: ignore[arg-type]
    if not kinds:
        return
    users = db.session.scalars(select(User).where(User.id.in_(kinds)))
    for user in users:
        _notify(user, kinds[user.id], comment, comment.author)
    db.session.flush()


def comment_moderated(
    comment: Comment,
    moderator: User,
    outcome: ModerationOutcome,
    decision_id: int,
    reason: str = "",
) -> None:
    """Tell the author what a moderator decided about their comment, and, when it became
    visible, everyone the comment concerns."""
    if comment.author is not None:
        _notify(
            comment.author,
            NotificationKind.MODERATION,
            comment,
            moderator,
            f"decision:{decision_id}",
            outcome,
            reason,
        )
    if outcome in {ModerationOutcome.APPROVED, ModerationOutcome.RESTORED}:
        comment_published(comment)
    db.session.flush()


def input_linked(comment: Comment, moderator: User, used_in: str, link_id: int) -> None:
    """Tell the author that their comment now informs an alternative (`used_in` names it)."""
    if comment.author is not None:
        _notify(
            comment.author,
            NotificationKind.INPUT_LINKED,
            comment,
            moderator,
            f"link:{link_id}",
            detail=used_in,
        )


# --- the person's list ------------------------------------------------------------------------


def shown_to_recipient(query: Select[Any]) -> Select[Any]:
    """`query` (of notifications) narrowed to those whose comment the recipient may still see:
    their own (its text may be withheld), or another's while every participant reads it."""
    return query.join(Comment, Comment.id == Notification.comment_id).where(
        or_(
            Notification.kind.in_(ABOUT_OWN_COMMENT) & policy.own_known_sql(Notification.user_id),
            Notification.kind.in_(ABOUT_NEW_COMMENT) & policy.readable_by_participants(),
        )
    )


@dataclass
class NotificationPage:
    items: list[Notification]
    page: int
    pages: int


def unread_count_of(user_id: ColumnElement[int] | int) -> ScalarSelect[int]:
    """The number of unread notifications, as a subquery that can ride along another query."""
    return shown_to_recipient(
        select(func.count(Notification.id)).where(
            Notification.user_id == user_id, Notification.read_at.is_(None)
        )
    ).scalar_subquery()


def unread_count(user: User) -> int:
    return db.session.scalar(select(unread_count_of(user.id))) or 0


def notifications_of(user: User, page: int = 1) -> NotificationPage:
    """A page of the person's notifications, newest first, with everything each one shows."""
    visible = shown_to_recipient(select(Notification.id).where(Notification.user_id == user.id))
    total = db.session.scalar(select(func.count()).select_from(visible.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    items = list(
        db.session.scalars(
            select(Notification)
            .where(Notification.id.in_(visible))
            .options(
                joinedload(Notification.comment)
                .joinedload(Comment.section)
                .joinedload(Section.page),
                joinedload(Notification.actor),
            )
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        )
    )
    return NotificationPage(items, page, pages)


def open_notification(user: User, notification_id: int) -> Notification | None:
    """The person's notification, marked read; None if it is not theirs or no longer shown."""
    notification = db.session.scalars(
        shown_to_recipient(
            select(Notification).where(
                Notification.id == notification_id, Notification.user_id == user.id
            )
        )
    ).first()
    if notification is not None and notification.read_at is None:
        notification.read_at = utcnow()
        db.session.flush()
    return notification


def mark_all_read(user: User) -> None:
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )


# --- settings and unsubscribing ---------------------------------------------------------------


def update_settings(user: User, mail: dict[Subscription, bool], digest: DigestFrequency) -> None:
    for subscription, setting in MAIL_SETTING.items():
        setattr(user, setting, bool(mail.get(subscription)))
    set_digest(user, digest)
    db.session.flush()


def set_digest(user: User, digest: DigestFrequency, now: datetime | None = None) -> None:
    if user.digest == DigestFrequency.NEVER and digest != DigestFrequency.NEVER:
        # A digest chosen again tells what is new from now on, not since it was turned off.
        user.digest_since = now or utcnow()
    user.digest = digest


def is_subscribed(user: User, subscription: Subscription) -> bool:
    if subscription == Subscription.DIGEST:
        return user.digest != DigestFrequency.NEVER
    return bool(getattr(user, MAIL_SETTING[subscription]))


def unsubscribe(user: User, subscription: Subscription) -> None:
    if subscription == Subscription.DIGEST:
        set_digest(user, DigestFrequency.NEVER)
    else:
        setattr(user, MAIL_SETTING[subscription], False)
    db.session.flush()


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="valuma-unsubscribe")


def _account_stamp(user: User) -> int:
    # An id can be given again after an account is deleted; a link in an old mail must not
    # unsubscribe the next person who gets it.
    return int(user.created_at.timestamp())


def unsubscribe_token(user: User, subscription: Subscription) -> str:
    """For the link in every notification mail: it works without signing in, for this person
    and this kind of mail only, and changes nothing but that setting."""
    return _serializer().dumps([user.id, _account_stamp(user), subscription.value])


def read_unsubscribe_token(token: str) -> tuple[User, Subscription] | None:
    try:
        user_id, stamp, value = _serializer().loads(token)
        subscription = Subscription(value)
    except (BadSignature, ValueError, TypeError):
        return None
    user = db.session.get(User, user_id)
    if user is None or _account_stamp(user) != stamp:
        return None
    return user, subscription
