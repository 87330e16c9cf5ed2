from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from valuma_space.db import UTCDateTime, utcnow
from valuma_space.extensions import db

if TYPE_CHECKING:
    from valuma_space.workspaces.models import Workspace


class Page(db.Model):
    """A page of the workspace, such as the study's background or its phases."""

    __tablename__ = "pages"
    __table_args__ = (UniqueConstraint("workspace_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    slug: Mapped[str] = mapped_column(String(80))
    """The page's part of its address; unique within the workspace."""
    title: Mapped[str] = mapped_column(String(200))
    intro: Mapped[str] = mapped_column(Text, default="")
    """A plain-text lead shown under the title and in the workspace's table of contents."""
    position: Mapped[int] = mapped_column(default=0)
    """Order among the workspace's pages, smallest first."""
    is_published: Mapped[bool] = mapped_column(default=True)
    """Hidden pages are seen only by moderators."""

    workspace: Mapped[Workspace] = relationship(back_populates="pages")
    sections: Mapped[list[Section]] = relationship(
        back_populates="page", order_by="Section.position", cascade="all, delete-orphan"
    )


class Section(db.Model):
    """A commentable part of a page, with a permalink of its own."""

    __tablename__ = "sections"
    __table_args__ = (UniqueConstraint("workspace_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), index=True)
    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    """Kept beside page_id so that a slug stays unique, and its permalink stable, even when the
    section moves to another page."""
    slug: Mapped[str] = mapped_column(String(80))
    heading: Mapped[str] = mapped_column(String(200))
    body_markdown: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    """body_markdown rendered and sanitised when saved, so reading never renders."""
    position: Mapped[int] = mapped_column(default=0)
    """Order within the page, smallest first."""
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    discussion_version: Mapped[int] = mapped_column(default=0)
    """Bumped by every change to the section's discussion; keys the rendered-thread cache."""
    is_published: Mapped[bool] = mapped_column(default=True)
    """Hidden sections are seen only by moderators."""
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """Taken out of the discussion (an alternative no longer shown to participants): gone from
    its page's list and closed to new comments, but its comments stay readable by their links,
    with a notice that says so."""
    version: Mapped[int] = mapped_column(default=1)
    """The number of the published text; each publication adds a SectionVersion."""
    draft_heading: Mapped[str | None] = mapped_column(String(200))
    draft_markdown: Mapped[str | None] = mapped_column(Text)
    """An unpublished edit; None when there is none."""
    edit_revision: Mapped[int] = mapped_column(default=0)
    """Bumped by every save, so that a moderator saving over another's newer save is stopped."""

    page: Mapped[Page] = relationship(back_populates="sections")
    versions: Mapped[list[SectionVersion]] = relationship(
        back_populates="section", order_by="SectionVersion.number", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="section", order_by="Attachment.id", cascade="all, delete-orphan"
    )


class SectionVersion(db.Model):
    """A published text of a section, kept so that readers can see what changed."""

    __tablename__ = "section_versions"
    __table_args__ = (UniqueConstraint("section_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id", ondelete="CASCADE"))
    number: Mapped[int]
    heading: Mapped[str] = mapped_column(String(200))
    body_markdown: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    section: Mapped[Section] = relationship(back_populates="versions")


class Attachment(db.Model):
    """A file attached to a section, stored under UPLOAD_DIR by a name of our own."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(
        ForeignKey("sections.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(200))
    """The name shown and offered on download, cleaned of paths and odd characters."""
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(120))
    """Detected from the file's content, never taken from its name or the browser."""
    size: Mapped[int]
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    width: Mapped[int | None]
    """Pixels across a PNG, JPEG or WebP picture, which was drawn again from its pixels when
    uploaded and can be shown in the text; None for every other file (SVG included, which
    stays a download)."""
    height: Mapped[int | None]

    section: Mapped[Section] = relationship(back_populates="attachments")
    variants: Mapped[list[ImageVariant]] = relationship(
        back_populates="attachment", order_by="ImageVariant.width", cascade="all, delete-orphan"
    )

    @property
    def is_inline_image(self) -> bool:
        """A picture that can be shown in the text: re-encoded, with its widths stored."""
        return self.width is not None and bool(self.variants)


class ImageVariant(db.Model):
    """A picture stored in one width for srcset, beside its attachment, under a name of our own
    that also addresses it, so that its address can be cached for good."""

    __tablename__ = "image_variants"
    __table_args__ = (UniqueConstraint("attachment_id", "width"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attachment_id: Mapped[int] = mapped_column(
        ForeignKey("attachments.id", ondelete="CASCADE"), index=True
    )
    width: Mapped[int]
    height: Mapped[int]
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    size: Mapped[int]

    attachment: Mapped[Attachment] = relationship(back_populates="variants")
