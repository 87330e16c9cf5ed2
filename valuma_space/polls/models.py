"""Questions placed in a section, their wordings, and the participants' answers.

An answer's content is kept twice: as the participant gave it (`Answer.text` for free text)
and, for the kinds that are counted, as `AnswerItem` rows of (row_key, column_key, value), so that
every result of every question on a page is one GROUP BY, whatever the question's kind:

================= ============== ================ ==================
kind              row_key        column_key       value
================= ============== ================ ==================
single, multiple  0              the option's key 1 (each option on its own row)
scale             0              0                the point chosen
ranking           0              the option's key its rank, 1 first
matrix            the row's key  the column's key 1
rate_alternatives alternative id criterion id     the score, −2…+2
================= ============== ================ ==================
"""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from valuma_space.comments.models import Visibility
from valuma_space.db import UTCDateTime, str_enum, utcnow
from valuma_space.extensions import db

if TYPE_CHECKING:
    from valuma_space.auth.models import User
    from valuma_space.materials.models import Section


class QuestionKind(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    SCALE = "scale"
    RANKING = "ranking"
    TEXT = "text"
    MATRIX = "matrix"
    RATE_ALTERNATIVES = "rate_alternatives"
    """A matrix whose rows are the alternatives shown to participants and whose columns are the
    assessment criteria, each cell scored on the assessment matrix's −2…+2 scale."""


QUESTION_KIND_LABELS = {
    QuestionKind.SINGLE: _l("Yksi vaihtoehto"),
    QuestionKind.MULTIPLE: _l("Monivalinta"),
    QuestionKind.SCALE: _l("Asteikko"),
    QuestionKind.RANKING: _l("Järjestys"),
    QuestionKind.TEXT: _l("Lyhyt vapaa teksti"),
    QuestionKind.MATRIX: _l("Matriisi"),
    QuestionKind.RATE_ALTERNATIVES: _l("Vaihtoehtojen arviointi"),
}

COUNTED_KINDS = frozenset(QuestionKind) - {QuestionKind.TEXT}


class ResultsShown(StrEnum):
    """When participants see a question's results (moderators always do)."""

    NEVER = "never"
    AFTER_ANSWERING = "after_answering"
    AFTER_CLOSING = "after_closing"


RESULTS_SHOWN_LABELS = {
    ResultsShown.NEVER: _l("Ei koskaan"),
    ResultsShown.AFTER_ANSWERING: _l("Vastattuaan"),
    ResultsShown.AFTER_CLOSING: _l("Kun kysymys on sulkeutunut"),
}


class Question(db.Model):
    """A question in a section: in its text where the placeholder line stands, or after it."""

    __tablename__ = "questions"
    __table_args__ = (Index(None, "section_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id", ondelete="CASCADE"))
    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[QuestionKind] = mapped_column(str_enum(QuestionKind))
    prompt: Mapped[str] = mapped_column(String(500))
    help_text: Mapped[str] = mapped_column(Text, default="")
    settings: Mapped[str] = mapped_column(Text, default="{}")
    """The kind's own wording as JSON: `options` and `rows` ([{"key": 1, "label": …}]),
    `max_choices`, `scale_min`, `scale_max`, `min_label`, `max_label`. Keys never change while
    the option lives, so that answers keep meaning what they meant."""
    required: Mapped[bool] = mapped_column(default=False)
    """A required question's answer can be changed but not withdrawn."""
    position: Mapped[int] = mapped_column(default=0)
    """Order after the section's text (for questions not placed in it), smallest first."""
    with_comment_period: Mapped[bool] = mapped_column(default=True)
    """Open exactly while the workspace takes comments; otherwise from opens_at to closes_at."""
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    results_shown: Mapped[ResultsShown] = mapped_column(
        str_enum(ResultsShown), default=ResultsShown.AFTER_ANSWERING
    )
    version: Mapped[int] = mapped_column(default=1)
    """The current wording's number. A change to a question that has answers adds a version;
    results count the current version's answers and show the earlier ones apart."""
    answers_revision: Mapped[int] = mapped_column(default=0)
    """Bumped by every answer given, changed or withdrawn, in the same transaction: it keys the
    results cache, so a cached result is never one answer behind."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    section: Mapped[Section] = relationship()
    versions: Mapped[list[QuestionVersion]] = relationship(
        back_populates="question", order_by="QuestionVersion.number", cascade="all, delete-orphan"
    )

    @property
    def config(self) -> dict[str, Any]:
        return json.loads(self.settings or "{}")  # type: ignore[no-any-return]

    @property
    def placeholder(self) -> str:
        """The line that places the question in the section's Markdown."""
        return f"[[kysymys:{self.id}]]"


class QuestionVersion(db.Model):
    """A wording of a question as participants saw it, kept for the answers given to it."""

    __tablename__ = "question_versions"
    __table_args__ = (
        UniqueConstraint("question_id", "number", name="uq_question_versions_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    number: Mapped[int]
    prompt: Mapped[str] = mapped_column(String(500))
    settings: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    question: Mapped[Question] = relationship(back_populates="versions")

    @property
    def config(self) -> dict[str, Any]:
        return json.loads(self.settings or "{}")  # type: ignore[no-any-return]


class Answer(db.Model):
    """A participant's answer to one wording of a question; changing it rewrites this row."""

    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint(
            "question_id", "question_version", "user_id", name="uq_answers_one_per_person"
        ),
        Index(None, "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    question_version: Mapped[int]
    """The wording answered (QuestionVersion.number)."""
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text, default="")
    """A free-text answer as written (plain text); empty for the counted kinds."""
    visibility: Mapped[Visibility] = mapped_column(str_enum(Visibility), default=Visibility.VISIBLE)
    """For free text, the comments' reading rule: pending under pre-moderation, hidden by a
    moderator with a reason. Counted answers are always visible: only their counts are shown."""
    moderation_reason: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When others could first read the free text; None while pending or once rejected."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()
    items: Mapped[list[AnswerItem]] = relationship(
        back_populates="answer", cascade="all, delete-orphan", order_by="AnswerItem.id"
    )


class AnswerItem(db.Model):
    """One counted part of an answer (see the module's table)."""

    __tablename__ = "answer_items"
    __table_args__ = (
        Index(
            "ix_answer_items_counting",
            "question_id",
            "question_version",
            "row_key",
            "column_key",
            "value",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    """Copied from the answer with its version, so that results group without a join (one
    pass over this table's index, a quarter of the time of joining the answers)."""
    question_version: Mapped[int] = mapped_column(default=1)
    row_key: Mapped[int] = mapped_column(default=0)
    column_key: Mapped[int] = mapped_column(default=0)
    value: Mapped[int] = mapped_column(default=1)

    answer: Mapped[Answer] = relationship(back_populates="items")


class AnswerDraft(db.Model):
    """An answer that arrived after its writer's session ended, kept until they sign in."""

    __tablename__ = "answer_drafts"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    """A random key, carried in the address the person returns to."""
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    values: Mapped[str] = mapped_column(Text, default="{}")
    """The form's fields as sent, as JSON ({name: [values]})."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AnswerTheme(db.Model):
    """A moderator's theme on a free-text answer, as on a comment."""

    __tablename__ = "answer_themes"

    answer_id: Mapped[int] = mapped_column(
        ForeignKey("answers.id", ondelete="CASCADE"), primary_key=True
    )
    theme_id: Mapped[int] = mapped_column(
        ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class AnswerLink(db.Model):
    """A free-text answer used as evidence for an alternative, as a comment can be."""

    __tablename__ = "answer_links"
    __table_args__ = (
        UniqueConstraint("answer_id", "alternative_id", name="uq_answer_links_alternative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"))
    alternative_id: Mapped[int] = mapped_column(
        ForeignKey("alternatives.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
