from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from valuma_space.db import UTCDateTime, str_enum, utcnow
from valuma_space.extensions import db
from valuma_space.moderation.models import ModerationOutcome

if TYPE_CHECKING:
    from valuma_space.auth.models import User
    from valuma_space.comments.models import Comment


class NotificationKind(StrEnum):
    REPLY = "reply"
    """Somebody replied to the recipient's comment."""
    THREAD_REPLY = "thread_reply"
    """Somebody wrote in a thread the recipient took part in."""
    MENTION = "mention"
    MODERATION = "moderation"
    """A moderator approved, rejected, hid or restored the recipient's comment."""
    INPUT_LINKED = "input_linked"
    """A moderator linked the recipient's comment to an operating-model or funding alternative."""
    MODERATOR_REPLY = "moderator_reply"
    """A moderator replied, in that role, to the recipient's comment."""


class Subscription(StrEnum):
    """What a person can have mailed to them, each switched on and off by itself."""

    REPLIES = "replies"
    MENTIONS = "mentions"
    MODERATION = "moderation"
    INPUT_USED = "input_used"
    DIGEST = "digest"


SUBSCRIPTION_OF = {
    NotificationKind.REPLY: Subscription.REPLIES,
    NotificationKind.THREAD_REPLY: Subscription.REPLIES,
    NotificationKind.MENTION: Subscription.MENTIONS,
    NotificationKind.MODERATION: Subscription.MODERATION,
    NotificationKind.INPUT_LINKED: Subscription.INPUT_USED,
    NotificationKind.MODERATOR_REPLY: Subscription.INPUT_USED,
}

SUBSCRIPTION_LABELS = {
    Subscription.REPLIES: _l("Vastaukset kommentteihini ja ketjuihin, joihin osallistuin"),
    Subscription.MENTIONS: _l("Maininnat (@nimi)"),
    Subscription.MODERATION: _l("Moderoinnin päätökset kommenteistani"),
    Subscription.INPUT_USED: _l("Miten palautettani käytettiin"),
    Subscription.DIGEST: _l("Kooste uusista asioista"),
}


PUBLISHED = "published"


class Notification(db.Model):
    """Something that happened which concerns one person, shown in their list in the app and,
    as they choose, mailed to them."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index(None, "user_id", "created_at"),
        Index(None, "waiting_for_mail", "created_at"),
        # One notification per person and event: a comment published twice over (approved
        # by two moderators at once, a signal heard twice) tells each person once.
        UniqueConstraint("user_id", "comment_id", "event"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    """The person notified."""
    kind: Mapped[NotificationKind] = mapped_column(str_enum(NotificationKind))
    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), index=True
    )
    """What the notification is about and links to: the reply or the mentioning comment, or the
    recipient's own comment that was moderated or used."""
    event: Mapped[str] = mapped_column(String(40), default=PUBLISHED)
    """Which of the comment's events this tells of: its publication (`published`), one
    moderator's decision (`decision:<log entry id>`) or one link to an alternative
    (`link:<link id>`). A comment is published once but can be hidden, restored and hidden
    again, and each of those is told."""
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    outcome: Mapped[ModerationOutcome | None] = mapped_column(str_enum(ModerationOutcome))
    detail: Mapped[str] = mapped_column(Text, default="")
    """The moderator's reason, or the alternative (and criterion) the comment was linked to."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    waiting_for_mail: Mapped[bool] = mapped_column(default=False)
    """Wanted by mail and not yet in one: the sender gathers these into bundles."""
    outbox_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="SET NULL"), index=True
    )
    """The mail that carries it."""

    comment: Mapped[Comment] = relationship()
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])


class Digest(db.Model):
    """One person's digest for one day or week: the row that keeps a second run from sending
    it again."""

    __tablename__ = "digests"
    __table_args__ = (UniqueConstraint("user_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(16))
    """The Helsinki calendar day (2026-11-27) or ISO week (2026-W48) it was sent for."""
    since: Mapped[datetime] = mapped_column(UTCDateTime)
    until: Mapped[datetime] = mapped_column(UTCDateTime)
    """What is new between these two moments goes in; the next digest starts from `until`."""
    outbox_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
