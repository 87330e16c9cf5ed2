from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from valuma_space.db import UTCDateTime, str_enum, utcnow
from valuma_space.extensions import db

if TYPE_CHECKING:
    from valuma_space.auth.models import User
    from valuma_space.materials.models import Section


class TriageStatus(StrEnum):
    """How far the consortium has got with a comment, apart from who may see it."""

    NEW = "new"
    READ = "read"
    USED = "used"
    ANSWERED = "answered"
    OUT_OF_SCOPE = "out_of_scope"


TRIAGE_LABELS = {
    TriageStatus.NEW: _l("Uusi"),
    TriageStatus.READ: _l("Luettu"),
    TriageStatus.USED: _l("Hyödynnetty"),
    TriageStatus.ANSWERED: _l("Vastattu"),
    TriageStatus.OUT_OF_SCOPE: _l("Ei kuulu selvitykseen"),
}


class CommentKind(StrEnum):
    COMMENT = "comment"
    QUESTION = "question"
    PROPOSAL = "proposal"


COMMENT_KIND_LABELS = {
    CommentKind.COMMENT: _l("Kommentti"),
    CommentKind.QUESTION: _l("Kysymys"),
    CommentKind.PROPOSAL: _l("Ehdotus"),
}


class Visibility(StrEnum):
    VISIBLE = "visible"
    PENDING = "pending"
    """Waiting for a moderator (pre-moderation): only its author and moderators see it."""
    HIDDEN = "hidden"
    """Hidden by a moderator: a notice stands in its place."""
    DELETED = "deleted"
    """Deleted by its author: a notice stands in its place, its replies stay."""


VISIBILITY_LABELS = {
    Visibility.VISIBLE: _l("Näkyvissä"),
    Visibility.PENDING: _l("Odottaa hyväksyntää"),
    Visibility.HIDDEN: _l("Piilotettu"),
    Visibility.DELETED: _l("Poistettu"),
}


class Comment(db.Model):
    """One contribution to a section's discussion: a top-level comment or a reply."""

    __tablename__ = "comments"
    __table_args__ = (
        Index(None, "section_id", "created_at"),
        Index(None, "created_at", "id"),
    )
    """The second index is the moderation queue's order (newest first, the id breaking ties),
    read backwards: a page of it is found by seeking, not by counting rows off."""

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id", ondelete="CASCADE"))
    """The section discussed; a reply always has its parent's section."""
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    """None once the author deleted their account: the comment then shows "removed user"."""
    kind: Mapped[CommentKind] = mapped_column(str_enum(CommentKind), default=CommentKind.COMMENT)
    body_markdown: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    """body_markdown rendered and sanitised at save time; pages show this."""
    body_text: Mapped[str] = mapped_column(Text, default="")
    """body_markdown as plain text, derived at save time: exports, excerpts and mail show this
    (deriving it there would cost an export of 100,000 comments its speed)."""
    quote: Mapped[str] = mapped_column(Text, default="")
    """A passage of the section's text that the comment is about (plain text)."""
    section_version: Mapped[int] = mapped_column(default=1)
    """The number of the section's published text the comment was written on."""
    visibility: Mapped[Visibility] = mapped_column(
        str_enum(Visibility), default=Visibility.VISIBLE, index=True
    )
    agree_count: Mapped[int] = mapped_column(default=0)
    """Kept equal to the number of Agreement rows, so that sorting by it needs no join."""
    triage_status: Mapped[TriageStatus] = mapped_column(
        str_enum(TriageStatus), default=TriageStatus.NEW, index=True
    )
    """The consortium's progress with the comment (moderation/models.py)."""
    moderation_reason: Mapped[str] = mapped_column(Text, default="")
    """Why a moderator hid or rejected the comment; shown in its place."""
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When everyone could first see it; None while pending, and for a rejected comment."""
    by_moderator: Mapped[bool] = mapped_column(default=False)
    """Written by a moderator in that role: shown with the "Moderaattori" badge."""
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    """From the form that created the comment: a second send of one form creates nothing."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    author: Mapped[User | None] = relationship()
    section: Mapped[Section] = relationship()
    revisions: Mapped[list[CommentRevision]] = relationship(
        back_populates="comment", order_by="CommentRevision.id", cascade="all, delete-orphan"
    )


class CommentRevision(db.Model):
    """An earlier version of an edited comment, kept for moderators."""

    __tablename__ = "comment_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[CommentKind] = mapped_column(str_enum(CommentKind))
    body_markdown: Mapped[str] = mapped_column(Text)
    quote: Mapped[str] = mapped_column(Text, default="")
    written_at: Mapped[datetime] = mapped_column(UTCDateTime)
    """When this version was written (the comment's creation or its previous edit)."""
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    comment: Mapped[Comment] = relationship(back_populates="revisions")


class Agreement(db.Model):
    """A participant's "Samaa mieltä" on someone else's comment: at most one per person."""

    __tablename__ = "agreements"

    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CommentDraft(db.Model):
    """A comment that arrived after its writer's session ended, kept until they sign in again."""

    __tablename__ = "comment_drafts"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    """A random key, carried in the address the writer returns to."""
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    """Set when the draft is an edit of an existing comment."""
    kind: Mapped[str] = mapped_column(String(32), default=CommentKind.COMMENT.value)
    body_markdown: Mapped[str] = mapped_column(Text, default="")
    quote: Mapped[str] = mapped_column(Text, default="")
    idempotency_key: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
