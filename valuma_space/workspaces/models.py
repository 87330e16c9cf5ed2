from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
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
    accent_color: Mapped[str] = mapped_column(String(7), default="")
    """The workspace's own colour for buttons, links and the header (#rrggbb), chosen so that
    white text on it and links in it reach WCAG AA contrast; empty keeps the site's blue."""
    logo_image: Mapped[str] = mapped_column(String(80), default="")
    """The stored file name of the logo shown in the header; empty shows the product's mark."""
    cover_image: Mapped[str] = mapped_column(String(80), default="")
    """The stored file name of the home page's cover picture; empty shows none."""
    cover_alt: Mapped[str] = mapped_column(String(300), default="")
    """What the cover picture shows, for those who cannot see it; required with a picture."""
    organisers: Mapped[str] = mapped_column(Text, default="")
    """Who carries out the study (a consortium), one name per line, shown in the footer."""
    partners: Mapped[str] = mapped_column(Text, default="")
    """The study's partners, one name per line, shown in the footer after the organisers."""

    pages: Mapped[list[Page]] = relationship(
        back_populates="workspace", order_by="Page.position", cascade="all, delete-orphan"
    )
    phases: Mapped[list[Phase]] = relationship(
        back_populates="workspace", order_by="Phase.position", cascade="all, delete-orphan"
    )

    def organiser_names(self) -> list[str]:
        return [line.strip() for line in self.organisers.splitlines() if line.strip()]

    def partner_names(self) -> list[str]:
        return [line.strip() for line in self.partners.splitlines() if line.strip()]

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


class PhaseStatus(StrEnum):
    """Where a phase is, seen from one day: its dates alone decide."""

    DONE = "done"
    NOW = "now"
    NEXT = "next"


def phase_status(starts_on: date, ends_on: date, today: date) -> PhaseStatus:
    """A phase is under way from its first day to its last, both included."""
    if today > ends_on:
        return PhaseStatus.DONE
    if today >= starts_on:
        return PhaseStatus.NOW
    return PhaseStatus.NEXT


class Phase(db.Model):
    """A step of the study on the home page's timeline, as the moderators describe it."""

    __tablename__ = "phases"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    """Order on the timeline; moderators move phases up and down."""
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date] = mapped_column(Date)
    """First day of the phase, in the workspace's time zone."""
    ends_on: Mapped[date] = mapped_column(Date)
    """Last day of the phase, included; the same as starts_on for a one-day event."""
    link: Mapped[str] = mapped_column(String(500), default="")
    """Where the phase's material is: a path on this site (/osio/…) or an http(s) address."""

    workspace: Mapped[Workspace] = relationship(back_populates="phases")

    def status(self, today: date) -> PhaseStatus:
        return phase_status(self.starts_on, self.ends_on, today)
