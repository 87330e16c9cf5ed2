from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from valuma_space.db import UTCDateTime, str_enum, utcnow
from valuma_space.extensions import db


class AlternativeKind(StrEnum):
    OPERATING_MODEL = "operating_model"
    FUNDING_OPTION = "funding_option"


ALTERNATIVE_KIND_LABELS = {
    AlternativeKind.OPERATING_MODEL: _l("Toimintamallivaihtoehto"),
    AlternativeKind.FUNDING_OPTION: _l("Rahoitusvaihtoehto"),
}


class AlternativeStatus(StrEnum):
    DRAFT = "draft"
    UNDER_DISCUSSION = "under_discussion"
    PROPOSED = "proposed"
    SET_ASIDE = "set_aside"


ALTERNATIVE_STATUS_LABELS = {
    AlternativeStatus.DRAFT: _l("Luonnos"),
    AlternativeStatus.UNDER_DISCUSSION: _l("Keskustelussa"),
    AlternativeStatus.PROPOSED: _l("Ehdotettu"),
    AlternativeStatus.SET_ASIDE: _l("Jätetty sivuun"),
}


class Stance(StrEnum):
    SUPPORTS = "supports"
    OPPOSES = "opposes"
    PROPOSES_CHANGE = "proposes_change"
    ASKS = "asks"


STANCE_LABELS = {
    Stance.SUPPORTS: _l("Tukee"),
    Stance.OPPOSES: _l("Vastustaa"),
    Stance.PROPOSES_CHANGE: _l("Ehdottaa muutosta"),
    Stance.ASKS: _l("Kysyy"),
}


class Theme(db.Model):
    """A topic moderators tag comments with, such as funding or rural areas."""

    __tablename__ = "themes"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))


comment_themes = Table(
    "comment_themes",
    db.metadata,
    Column("comment_id", ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Alternative(db.Model):
    """An operating-model alternative or a funding option that the study designs."""

    __tablename__ = "alternatives"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[AlternativeKind] = mapped_column(str_enum(AlternativeKind))
    title: Mapped[str] = mapped_column(String(200))
    description_markdown: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[AlternativeStatus] = mapped_column(
        str_enum(AlternativeStatus), default=AlternativeStatus.DRAFT
    )
    position: Mapped[int] = mapped_column(default=0)
    shown_to_participants: Mapped[bool] = mapped_column(default=False)
    """Apart from its status: only alternatives switched on are published, and switching one
    off withdraws its section at once."""
    section_id: Mapped[int | None] = mapped_column(ForeignKey("sections.id", ondelete="SET NULL"))
    """The section it was published as, for participants to read and comment on."""


class Criterion(db.Model):
    """An assessment criterion of the ex-ante framework, such as cost or fit for rural areas."""

    __tablename__ = "criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)


class CommentLink(db.Model):
    """A comment used as evidence for (or against) an alternative, optionally on one criterion."""

    __tablename__ = "comment_links"
    __table_args__ = (Index(None, "alternative_id", "criterion_id", "stance"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), index=True
    )
    alternative_id: Mapped[int] = mapped_column(ForeignKey("alternatives.id", ondelete="CASCADE"))
    criterion_id: Mapped[int | None] = mapped_column(ForeignKey("criteria.id", ondelete="SET NULL"))
    stance: Mapped[Stance] = mapped_column(str_enum(Stance))
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Assessment(db.Model):
    """The moderators' score of an alternative on a criterion. Rows are only added: the latest
    is the current one and the rest are its history."""

    __tablename__ = "assessments"
    __table_args__ = (
        CheckConstraint("score BETWEEN -2 AND 2", name="score_range"),
        Index(None, "alternative_id", "criterion_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    alternative_id: Mapped[int] = mapped_column(ForeignKey("alternatives.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criteria.id", ondelete="CASCADE"))
    score: Mapped[int]
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
