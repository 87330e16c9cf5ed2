"""Turning the discussion into the study's design: every operation takes the acting moderator."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import joinedload

from valuma_space.auth.models import User
from valuma_space.comments import policy
from valuma_space.comments.models import Comment
from valuma_space.comments.services import register_own_comment_notes
from valuma_space.db import utcnow
from valuma_space.extensions import db
from valuma_space.materials.markdown import render_markdown
from valuma_space.materials.models import Page, Section
from valuma_space.modeldesign.models import (
    Alternative,
    AlternativeKind,
    AlternativeStatus,
    Assessment,
    CommentLink,
    Criterion,
    Stance,
    Theme,
    comment_themes,
)
from valuma_space.modeldesign.signals import comment_linked
from valuma_space.refusals import Refused
from valuma_space.validators import NOT_ONE_LINE, is_single_line
from valuma_space.workspaces.models import Workspace

PUBLISHED_PAGE_SLUG = "mallivaihtoehdot"


# --- themes -----------------------------------------------------------------------------------


THEME_NAME_LENGTH = 120
CRITERION_NAME_LENGTH = 200


def add_theme(workspace: Workspace, name: str) -> Theme:
    name = name.strip()
    if not name:
        raise Refused(_l("Anna teemalle nimi."))
    _check_name(name, THEME_NAME_LENGTH)
    existing = db.session.scalar(
        select(Theme).where(Theme.workspace_id == workspace.id, Theme.name == name)
    )
    if existing is not None:
        return existing
    theme = Theme(workspace_id=workspace.id, name=name)
    db.session.add(theme)
    db.session.flush()
    return theme


def themes(workspace: Workspace) -> list[Theme]:
    return list(
        db.session.scalars(
            select(Theme).where(Theme.workspace_id == workspace.id).order_by(Theme.name)
        )
    )


def set_comment_themes(comment: Comment, theme_ids: set[int], workspace: Workspace) -> None:
    valid = {t.id for t in themes(workspace)} & theme_ids
    db.session.execute(delete(comment_themes).where(comment_themes.c.comment_id == comment.id))
    if valid:
        db.session.execute(
            insert(comment_themes), [{"comment_id": comment.id, "theme_id": t} for t in valid]
        )
    db.session.flush()


def tag_comments(comment_ids: list[int], theme: Theme) -> int:
    """Bulk: add a theme to the selected comments that lack it. Ids that name no comment of the
    theme's workspace are passed over."""
    comment_ids = list(
        db.session.scalars(
            select(Comment.id)
            .join(Section, Section.id == Comment.section_id)
            .where(Comment.id.in_(comment_ids), Section.workspace_id == theme.workspace_id)
        )
    )
    have = set(
        db.session.scalars(
            select(comment_themes.c.comment_id).where(
                comment_themes.c.theme_id == theme.id, comment_themes.c.comment_id.in_(comment_ids)
            )
        )
    )
    rows = [{"comment_id": c, "theme_id": theme.id} for c in comment_ids if c not in have]
    if rows:
        db.session.execute(insert(comment_themes), rows)
    db.session.flush()
    return len(rows)


def themes_of(comment_ids: list[int]) -> dict[int, list[Theme]]:
    result: dict[int, list[Theme]] = defaultdict(list)
    if comment_ids:
        for comment_id, theme in db.session.execute(
            select(comment_themes.c.comment_id, Theme)
            .join(Theme, Theme.id == comment_themes.c.theme_id)
            .where(comment_themes.c.comment_id.in_(comment_ids))
            .order_by(Theme.name)
        ):
            result[comment_id].append(theme)
    return result


# --- alternatives and criteria ----------------------------------------------------------------


def alternatives(workspace: Workspace) -> list[Alternative]:
    return list(
        db.session.scalars(
            select(Alternative)
            .where(Alternative.workspace_id == workspace.id)
            .order_by(Alternative.kind, Alternative.position, Alternative.id)
        )
    )


def criteria(workspace: Workspace) -> list[Criterion]:
    return list(
        db.session.scalars(
            select(Criterion)
            .where(Criterion.workspace_id == workspace.id)
            .order_by(Criterion.position, Criterion.id)
        )
    )


def save_alternative(
    workspace: Workspace,
    alternative: Alternative | None,
    kind: AlternativeKind,
    title: str,
    description: str,
    status: AlternativeStatus,
    shown: bool = False,
) -> Alternative:
    """Add or change an alternative. Switching `shown` off withdraws its published section at
    once; switching it back on returns the section (a new one comes with publishing)."""
    if not title.strip():
        raise Refused(_l("Anna vaihtoehdolle otsikko."))
    if alternative is None:
        position = (
            db.session.scalar(
                select(func.count(Alternative.id)).where(Alternative.workspace_id == workspace.id)
            )
            or 0
        )
        alternative = Alternative(workspace_id=workspace.id, position=position)
        db.session.add(alternative)
    alternative.kind, alternative.title, alternative.status = kind, title.strip(), status
    alternative.description_markdown = description
    alternative.description_html = render_markdown(description)
    alternative.shown_to_participants = shown
    section = db.session.get(Section, alternative.section_id) if alternative.section_id else None
    if section is not None:
        _show_section(section, shown)
    db.session.flush()
    return alternative


def _show_section(section: Section, shown: bool) -> None:
    if shown and section.withdrawn_at is not None:
        section.withdrawn_at = None
    elif not shown and section.withdrawn_at is None:
        section.withdrawn_at = utcnow()


def _check_name(name: str, limit: int) -> None:
    """Names of themes and criteria: one line, short enough to store whole (a name cut to fit
    could clash with one that exists)."""
    if len(name) > limit:
        raise Refused(_l("Nimi voi olla enintään %(n)d merkkiä.", n=limit))
    if not is_single_line(name):
        raise Refused(NOT_ONE_LINE)


def add_criterion(workspace: Workspace, name: str) -> Criterion:
    if not name.strip():
        raise Refused(_l("Anna kriteerille nimi."))
    _check_name(name.strip(), CRITERION_NAME_LENGTH)
    position = (
        db.session.scalar(
            select(func.count(Criterion.id)).where(Criterion.workspace_id == workspace.id)
        )
        or 0
    )
    criterion = Criterion(workspace_id=workspace.id, name=name.strip(), position=position)
    db.session.add(criterion)
    db.session.flush()
    return criterion


# --- links ------------------------------------------------------------------------------------


def link_comment(
    comment: Comment,
    moderator: User,
    alternative: Alternative,
    criterion: Criterion | None,
    stance: Stance,
    note: str,
) -> CommentLink:
    if criterion is not None and criterion.workspace_id != alternative.workspace_id:
        raise Refused(_l("Kriteeri ei kuulu tähän työtilaan."))
    link = CommentLink(
        comment_id=comment.id,
        alternative_id=alternative.id,
        criterion_id=criterion.id if criterion else None,
        stance=stance,
        note=note.strip()[:2000],
        created_by_id=moderator.id,
    )
    db.session.add(link)
    db.session.flush()
    comment_linked.send(
        comment,
        moderator=moderator,
        used_in=_used_in(alternative.title, criterion.name if criterion else None),
        link_id=link.id,
    )
    return link


def unlink(link: CommentLink) -> None:
    db.session.delete(link)
    db.session.flush()


def links_of(comment: Comment) -> list[tuple[CommentLink, Alternative, Criterion | None]]:
    return [
        (link, alternative, criterion)
        for link, alternative, criterion in db.session.execute(
            select(CommentLink, Alternative, Criterion)
            .join(Alternative, Alternative.id == CommentLink.alternative_id)
            .outerjoin(Criterion, Criterion.id == CommentLink.criterion_id)
            .where(CommentLink.comment_id == comment.id)
            .order_by(CommentLink.created_at)
        )
    ]


def _used_in(alternative_title: str, criterion_name: str | None) -> str:
    return f"{alternative_title} – {criterion_name}" if criterion_name else alternative_title


@register_own_comment_notes
def usage_in_section(section_ids: list[int], author_id: int) -> dict[int, list[str]]:
    """For a participant: how each of their comments in some sections was used, one query."""
    result: dict[int, list[str]] = defaultdict(list)
    rows = db.session.execute(
        select(CommentLink.comment_id, Alternative.title, Criterion.name)
        .join(Comment, Comment.id == CommentLink.comment_id)
        .join(Alternative, Alternative.id == CommentLink.alternative_id)
        .outerjoin(Criterion, Criterion.id == CommentLink.criterion_id)
        .where(Comment.section_id.in_(section_ids), Comment.author_id == author_id)
        .order_by(CommentLink.created_at)
    )
    for comment_id, title, criterion in rows:
        result[comment_id].append(_used_in(title, criterion))
    return dict(result)


@dataclass
class AlternativePage:
    alternative: Alternative
    groups: dict[tuple[Criterion | None, Stance], list[tuple[CommentLink, Comment]]] = field(
        default_factory=dict
    )
    counts: dict[Stance, int] = field(default_factory=dict)


AlternativeExtras = Callable[[Alternative], Any]
"""An alternative → what a domain above links to it (the polls: free-text answers), shown on
the alternative's page through the template the domain names."""
_ALTERNATIVE_EXTRAS: list[tuple[str, AlternativeExtras]] = []


def register_alternative_extras(template: str, extras: AlternativeExtras) -> None:
    _ALTERNATIVE_EXTRAS.append((template, extras))


def alternative_extras(alternative: Alternative) -> list[tuple[str, Any]]:
    """(template, its data) for each domain that links something to the alternative."""
    return [(template, extras(alternative)) for template, extras in _ALTERNATIVE_EXTRAS]


def alternative_page(alternative: Alternative) -> AlternativePage:
    """The alternative's evidence grouped by criterion and stance: a fixed number of queries."""
    crits = {
        c.id: c
        for c in db.session.scalars(
            select(Criterion).where(Criterion.workspace_id == alternative.workspace_id)
        )
    }
    rows = db.session.execute(
        select(CommentLink, Comment)
        .join(Comment, Comment.id == CommentLink.comment_id)
        .where(CommentLink.alternative_id == alternative.id)
        .options(joinedload(Comment.author), joinedload(Comment.section))
        .order_by(CommentLink.criterion_id, CommentLink.stance, CommentLink.created_at)
    ).all()
    page = AlternativePage(alternative)
    for link, comment in rows:
        key = (crits.get(link.criterion_id) if link.criterion_id else None, link.stance)
        page.groups.setdefault(key, []).append((link, comment))
        page.counts[link.stance] = page.counts.get(link.stance, 0) + 1
    return page


# --- the matrix -------------------------------------------------------------------------------


@dataclass
class ParticipantRating:
    """Participants' own scores of a cell (from the polls' rate-the-alternatives questions)."""

    mean: float | None
    count: int
    suppressed: bool = False
    """Fewer raters than the polls show participants: the figures are withheld."""
    text: str = ""
    """The mean as the matrix writes scores (+0,8)."""
    css: str = "score-none"
    """The matrix's colour class for the mean rounded to the scale."""


@dataclass
class Cell:
    supports: int = 0
    opposes: int = 0
    other: int = 0
    assessment: Assessment | None = None
    rating: ParticipantRating | None = None


CellRatings = Callable[[Workspace, bool], dict[tuple[int, int], ParticipantRating]]
"""(workspace, for participants) → participants' ratings by (alternative id, criterion id)."""
_CELL_RATINGS: list[CellRatings] = []


def register_cell_ratings(ratings: CellRatings) -> None:
    """A domain above (the polls) puts participants' ratings beside the moderators' scores."""
    _CELL_RATINGS.append(ratings)


@dataclass
class Matrix:
    alternatives: list[Alternative]
    criteria: list[Criterion]
    cells: dict[tuple[int, int], Cell]

    def cell(self, alternative: Alternative, criterion: Criterion) -> Cell:
        return self.cells.get((alternative.id, criterion.id), Cell())


def matrix(workspace: Workspace, published_only: bool = False) -> Matrix:
    """Alternatives × criteria with link counts, current assessments and participants'
    ratings: four queries, and the ratings' own (a fixed number, see polls.ratings)."""
    alts = alternatives(workspace)
    if published_only:
        alts = [a for a in alts if a.section_id is not None]
    crits = criteria(workspace)
    cells: dict[tuple[int, int], Cell] = defaultdict(Cell)
    counted = db.session.execute(
        select(
            CommentLink.alternative_id,
            CommentLink.criterion_id,
            CommentLink.stance,
            func.count(CommentLink.id),
        )
        .join(Alternative, Alternative.id == CommentLink.alternative_id)
        .join(Comment, Comment.id == CommentLink.comment_id)
        .where(
            Alternative.workspace_id == workspace.id,
            CommentLink.criterion_id.is_not(None),
            policy.readable_by_participants(),
        )
        .group_by(CommentLink.alternative_id, CommentLink.criterion_id, CommentLink.stance)
    )
    for alternative_id, criterion_id, stance, count in counted:
        cell = cells[(alternative_id, criterion_id)]
        if stance == Stance.SUPPORTS:
            cell.supports += count
        elif stance == Stance.OPPOSES:
            cell.opposes += count
        else:
            cell.other += count
    latest = (
        select(func.max(Assessment.id))
        .join(Alternative, Alternative.id == Assessment.alternative_id)
        .where(Alternative.workspace_id == workspace.id)
        .group_by(Assessment.alternative_id, Assessment.criterion_id)
    )
    for assessment in db.session.scalars(select(Assessment).where(Assessment.id.in_(latest))):
        cells[(assessment.alternative_id, assessment.criterion_id)].assessment = assessment
    for ratings in _CELL_RATINGS:
        for key, rating in ratings(workspace, published_only).items():
            cells[key].rating = rating
    return Matrix(alts, crits, dict(cells))


def assess(
    alternative: Alternative, criterion: Criterion, moderator: User, score: int, reason: str
) -> Assessment:
    if score not in range(-2, 3):
        raise Refused(_l("Arvion pitää olla välillä −2…+2."))
    if not reason.strip():
        raise Refused(_l("Perustele arvio."))
    assessment = Assessment(
        alternative_id=alternative.id,
        criterion_id=criterion.id,
        score=score,
        reason=reason.strip(),
        created_by_id=moderator.id,
    )
    db.session.add(assessment)
    db.session.flush()
    return assessment


def assessment_history(alternative: Alternative, criterion: Criterion) -> list[Assessment]:
    return list(
        db.session.scalars(
            select(Assessment)
            .where(
                Assessment.alternative_id == alternative.id, Assessment.criterion_id == criterion.id
            )
            .order_by(Assessment.id.desc())
        )
    )


# --- publishing ---------------------------------------------------------------------------------


def publish_alternatives(workspace: Workspace, moderator: User, show_matrix: bool) -> Page:
    """Every alternative switched on for participants becomes a section of one page that they
    read and comment on like any other; later publications add versions to the same sections.
    The sections of alternatives switched off are withdrawn, their comments kept."""
    from valuma_space.materials.authoring import create_page, create_section, publish_text

    page = db.session.scalar(
        select(Page).where(Page.workspace_id == workspace.id, Page.slug == PUBLISHED_PAGE_SLUG)
    )
    if page is None:
        page = create_page(
            workspace,
            "Mallivaihtoehdot",
            "Selvityksen toimintamalli- ja rahoitusvaihtoehdot keskustelua varten.",
        )
        page.slug = PUBLISHED_PAGE_SLUG
    for alternative in alternatives(workspace):
        section = (
            db.session.get(Section, alternative.section_id) if alternative.section_id else None
        )
        if not alternative.shown_to_participants:
            if section is not None:
                _show_section(section, False)
            continue
        if section is None:
            section = create_section(
                page, alternative.title, alternative.description_markdown, moderator
            )
            alternative.section_id = section.id
        elif (section.heading, section.body_markdown) != (
            alternative.title,
            alternative.description_markdown,
        ):
            publish_text(section, alternative.title, alternative.description_markdown, moderator)
        section.is_published = True
        _show_section(section, True)
    page.is_published = True
    workspace.matrix_public = show_matrix
    db.session.flush()
    return page


def linked_after_edit(comment_ids: list[int]) -> set[int]:
    """Comments edited after a moderator linked them: the link may no longer fit."""
    if not comment_ids:
        return set()
    return set(
        db.session.scalars(
            select(CommentLink.comment_id)
            .join(Comment, Comment.id == CommentLink.comment_id)
            .where(
                CommentLink.comment_id.in_(comment_ids), Comment.edited_at > CommentLink.created_at
            )
        )
    )
