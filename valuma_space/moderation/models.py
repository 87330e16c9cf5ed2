from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from valuma_space.db import UTCDateTime, str_enum, utcnow
from valuma_space.extensions import db

if TYPE_CHECKING:
    from valuma_space.auth.models import User


class ModerationOutcome(StrEnum):
    """What a moderator decided about a comment, as its author is told."""

    APPROVED = "approved"
    REJECTED = "rejected"
    HIDDEN = "hidden"
    RESTORED = "restored"


class ReportStatus(StrEnum):
    OPEN = "open"
    UPHELD = "upheld"
    """The comment was hidden."""
    DISMISSED = "dismissed"


class Report(db.Model):
    """A participant's report that a comment breaks the rules."""

    __tablename__ = "reports"
    __table_args__ = (
        Index(None, "comment_id", "status"),
        UniqueConstraint("comment_id", "reporter_id"),
    )
    """One report per person and comment: reporting again updates it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[ReportStatus] = mapped_column(str_enum(ReportStatus), default=ReportStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ModeratorNote(db.Model):
    """An internal note on a comment: moderators see it, participants never do."""

    __tablename__ = "moderator_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LogAction(StrEnum):
    VISIBILITY = "visibility"
    TRIAGE = "triage"
    REPORT_DISMISSED = "report_dismissed"
    ROLE = "role"
    PRE_MODERATION = "pre_moderation"
    EXPORT = "export"


LOG_ACTION_LABELS = {
    LogAction.VISIBILITY: _l("Näkyvyys"),
    LogAction.TRIAGE: _l("Käsittelytila"),
    LogAction.REPORT_DISMISSED: _l("Ilmoitus hylätty"),
    LogAction.ROLE: _l("Rooli"),
    LogAction.PRE_MODERATION: _l("Ennakkomoderointi"),
    LogAction.EXPORT: _l("Vienti"),
}


class ModerationLogEntry(db.Model):
    """Who changed what, when, from what to what, and why. Rows are only ever added."""

    __tablename__ = "moderation_log"
    __table_args__ = (Index(None, "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    actor_email: Mapped[str] = mapped_column(String(254))
    """Kept as it was, so that the log still says who acted after an account is gone."""
    action: Mapped[LogAction] = mapped_column(str_enum(LogAction), index=True)
    comment_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="SET NULL"), index=True
    )
    target_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    """For role changes: whose role changed."""
    from_value: Mapped[str] = mapped_column(String(64), default="")
    to_value: Mapped[str] = mapped_column(String(64), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    """Named by how they are shown; `actor_email` stays for when the account is gone."""
