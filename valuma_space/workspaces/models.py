from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from valuma_space.choices import OrganisationType, Region
from valuma_space.db import UTCDateTime, str_enum, utcnow
from valuma_space.extensions import db

if TYPE_CHECKING:
    from valuma_space.materials.models import Page


class ReadingAccess(StrEnum):
    PUBLIC = "public"
    SIGNED_IN = "signed_in"


class Workspace(db.Model):
    """One consultation: the study's materials and the discussion about them."""

    __tablename__ = "workspaces"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    comments_open_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When commenting opens; None means no start limit."""
    comments_close_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When commenting closes; None means no end limit."""
    closed_by_hand: Mapped[bool] = mapped_column(default=False)
    """A moderator closed commenting regardless of the period."""
    reading_access: Mapped[ReadingAccess] = mapped_column(
        str_enum(ReadingAccess), default=ReadingAccess.PUBLIC
    )
    """Whether signed-out visitors may read the materials."""
    allowed_email_domains: Mapped[str] = mapped_column(Text, default="")
    """Comma-separated domains (kunta.fi) whose addresses may sign up; empty allows all."""
    invited_only: Mapped[bool] = mapped_column(default=False)
    """Only invited addresses (and the allowed domains) may sign up."""
    pre_moderation: Mapped[bool] = mapped_column(default=False)
    matrix_public: Mapped[bool] = mapped_column(default=False)
    """Participants may see the assessment matrix of the published alternatives."""
    """Participants' comments wait for a moderator's approval before others see them."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    pages: Mapped[list[Page]] = relationship(
        back_populates="workspace", order_by="Page.position", cascade="all, delete-orphan"
    )

    def domains(self) -> list[str]:
        return [
            d.strip().lower().lstrip("@")
            for d in self.allowed_email_domains.split(",")
            if d.strip()
        ]

    def accepts_comments(self, now: datetime | None = None) -> bool:
        """Open for comments: inside the period and not closed by hand."""
        now = now or utcnow()
        if self.closed_by_hand:
            return False
        if self.comments_open_at is not None and now < self.comments_open_at:
            return False
        return not (self.comments_close_at is not None and now >= self.comments_close_at)


class Invitation(db.Model):
    """An address a moderator invited; invitation mails go through the outbox."""

    __tablename__ = "invitations"
    __table_args__ = (UniqueConstraint("workspace_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(120), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    organisation_type: Mapped[OrganisationType | None] = mapped_column(str_enum(OrganisationType))
    """What the moderator knew of the invitee's organisation, to compare who was invited with who
    took part; the person's own profile may say otherwise once they register."""
    region: Mapped[Region | None] = mapped_column(str_enum(Region))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reminders: Mapped[int] = mapped_column(default=0)
