"""The export's data: comments in thread order, section by section, with what the consortium
needs for analysis and nothing a participant did not agree to show."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from valuma_space.auth.models import NameDisplay, User
from valuma_space.comments.models import Comment, CommentKind, Visibility
from valuma_space.extensions import db
from valuma_space.materials.models import Page, Section
from valuma_space.modeldesign.models import (
    Alternative,
    CommentLink,
    Criterion,
    Theme,
    comment_themes,
)
from valuma_space.moderation.models import ModeratorNote, TriageStatus
from valuma_space.workspaces.models import Workspace

HELSINKI = ZoneInfo("Europe/Helsinki")
PUBLIC = {Visibility.VISIBLE}
REMOVED = "removed"

COLUMNS = [
    "id",
    "permalink",
    "page",
    "section",
    "section_version",
    "quote",
    "parent_id",
    "root_id",
    "depth",
    "position",
    "created_at",
    "edited_at",
    "author",
    "organisation_type",
    "region",
    "kind",
    "agree_count",
    "visibility",
    "triage_status",
    "themes",
    "model_links",
    "moderator_reply",
    "text",
]


@dataclass
class ExportFilters:
    section_slug: str | None = None
    since: date | None = None
    until: date | None = None
    visibility: Visibility | None = None
    triage: TriageStatus | None = None
    kind: CommentKind | None = None
    theme: str | None = None
    alternative: str | None = None
    include_hidden: bool = False
    include_notes: bool = False


def iso(moment: datetime | None) -> str:
    return moment.astimezone(HELSINKI).isoformat(timespec="seconds") if moment else ""


class Names:
    """Authors as they chose to be named; pseudonyms become "Osallistuja N", the same N for the
    same person throughout one export and unrelated to anything else."""

    def __init__(self) -> None:
        self.numbers: dict[int, int] = {}

    def __call__(self, row: Any) -> str:
        """`row` carries author_id, name_display, organisation and display_name."""
        if row.author_id is None:
            return "Poistettu käyttäjä"
        if row.name_display == NameDisplay.ORGANISATION and (row.organisation or "").strip():
            return row.organisation.strip()
        if row.name_display == NameDisplay.FULL_NAME and (row.display_name or "").strip():
            return row.display_name.strip()
        number = self.numbers.setdefault(row.author_id, len(self.numbers) + 1)
        return f"Osallistuja {number}"


@dataclass
class SectionBlock:
    page: Page
    section: Section
    rows: list[dict[str, object]] = field(default_factory=list)


def _matches(
    comment: Comment, filters: ExportFilters, themes: list[str], alternatives: list[str]
) -> bool:
    local_day = comment.created_at.astimezone(HELSINKI).date()
    if filters.since and local_day < filters.since:
        return False
    if filters.until and local_day > filters.until:
        return False
    if filters.visibility and comment.visibility != filters.visibility:
        return False
    if filters.triage and comment.triage_status != filters.triage:
        return False
    if filters.kind and comment.kind != filters.kind:
        return False
    if filters.theme and filters.theme not in themes:
        return False
    return not (
        filters.alternative and not any(a.startswith(filters.alternative) for a in alternatives)
    )


def section_blocks(
    workspace: Workspace, filters: ExportFilters, base_url: str
) -> Iterator[SectionBlock]:
    """One block per section, in reading order; each section's comments are read in a few queries,
    so memory stays the size of the largest section, not of the whole discussion."""
    names = Names()
    query = (
        select(Section, Page)
        .join(Page, Page.id == Section.page_id)
        .where(Section.workspace_id == workspace.id)
        .order_by(Page.position, Section.position)
    )
    if filters.section_slug:
        query = query.where(Section.slug == filters.section_slug)
    sections = db.session.execute(query).all()
    for section, page in sections:
        # Plain rows, not ORM objects: a tenth of the memory for a section of thousands.
        comments = db.session.execute(
            select(
                Comment.id,
                Comment.parent_id,
                Comment.visibility,
                Comment.published_at,
                Comment.created_at,
                Comment.edited_at,
                Comment.section_version,
                Comment.quote,
                Comment.kind,
                Comment.agree_count,
                Comment.triage_status,
                Comment.by_moderator,
                Comment.body_markdown,
                Comment.author_id,
                User.name_display,
                User.organisation,
                User.display_name,
                User.organisation_type,
                User.region,
            )
            .outerjoin(User, User.id == Comment.author_id)
            .where(Comment.section_id == section.id)
            .order_by(Comment.created_at, Comment.id)
        ).all()
        ids = [c.id for c in comments]
        themes: dict[int, list[str]] = defaultdict(list)
        links: dict[int, list[str]] = defaultdict(list)
        notes: dict[int, list[str]] = defaultdict(list)
        if ids:
            for comment_id, name in db.session.execute(
                select(comment_themes.c.comment_id, Theme.name)
                .join(Theme, Theme.id == comment_themes.c.theme_id)
                .join(Comment, Comment.id == comment_themes.c.comment_id)
                .where(Comment.section_id == section.id)
                .order_by(Theme.name)
            ):
                themes[comment_id].append(name)
            for comment_id, title, criterion, stance in db.session.execute(
                select(
                    CommentLink.comment_id, Alternative.title, Criterion.name, CommentLink.stance
                )
                .join(Alternative, Alternative.id == CommentLink.alternative_id)
                .outerjoin(Criterion, Criterion.id == CommentLink.criterion_id)
                .join(Comment, Comment.id == CommentLink.comment_id)
                .where(Comment.section_id == section.id)
            ):
                links[comment_id].append(
                    f"{title} – {criterion} ({stance.value})"
                    if criterion
                    else f"{title} ({stance.value})"
                )
            if filters.include_notes:
                for comment_id, body in db.session.execute(
                    select(ModeratorNote.comment_id, ModeratorNote.body)
                    .join(Comment, Comment.id == ModeratorNote.comment_id)
                    .where(Comment.section_id == section.id)
                    .order_by(ModeratorNote.created_at)
                ):
                    notes[comment_id].append(body)
        block = SectionBlock(page, section)
        block.rows = list(
            _thread_rows(section, page, comments, filters, names, themes, links, notes, base_url)
        )
        yield block


def _thread_rows(
    section, page, comments, filters, names, themes, links, notes, base_url
) -> Iterator[dict[str, object]]:
    by_id = {c.id: c for c in comments}
    children: dict[int | None, list[Any]] = defaultdict(list)
    for comment in comments:
        children[comment.parent_id if comment.parent_id in by_id else None].append(comment)
    shown_states = PUBLIC | (
        {Visibility.HIDDEN, Visibility.DELETED} if filters.include_hidden else set()
    )

    narrowed = any(
        (
            filters.since,
            filters.until,
            filters.visibility,
            filters.triage,
            filters.kind,
            filters.theme,
            filters.alternative,
        )
    )

    def selected(comment: Any) -> bool:
        if not narrowed:  # the common case, kept cheap: 100,000 rows pass through here
            return comment.visibility in shown_states and comment.published_at is not None
        return (
            comment.visibility in shown_states
            and comment.published_at is not None
            and _matches(comment, filters, themes.get(comment.id, []), links.get(comment.id, []))
        )

    def has_selected(comment: Any) -> bool:
        return any(selected(child) or has_selected(child) for child in children.get(comment.id, []))

    position = 0
    stack = [(root, 0, root.id) for root in reversed(children.get(None, []))]
    while stack:
        comment, depth, root_id = stack.pop()
        stack.extend(
            (child, depth + 1, root_id) for child in reversed(children.get(comment.id, []))
        )
        if selected(comment):
            position += 1
            row: dict[str, object] = {
                "id": comment.id,
                "permalink": f"{base_url}/kommentit/{comment.id}",
                "page": page.title,
                "section": section.heading,
                "section_version": comment.section_version,
                "quote": comment.quote,
                "parent_id": comment.parent_id or "",
                "root_id": root_id,
                "depth": depth,
                "position": position,
                "created_at": iso(comment.created_at),
                "edited_at": iso(comment.edited_at),
                "author": names(comment),
                "organisation_type": comment.organisation_type.value
                if comment.organisation_type
                else "",
                "region": comment.region.value if comment.region else "",
                "kind": comment.kind.value,
                "agree_count": comment.agree_count,
                "visibility": comment.visibility.value,
                "triage_status": comment.triage_status.value,
                "themes": "; ".join(themes.get(comment.id, [])),
                "model_links": "; ".join(links.get(comment.id, [])),
                "moderator_reply": "yes" if comment.by_moderator else "no",
                "text": comment.body_markdown
                if comment.visibility == Visibility.VISIBLE or filters.include_hidden
                else "",
            }
            if filters.include_notes:
                row["internal_notes"] = " | ".join(notes.get(comment.id, []))
            yield row
        elif comment.published_at is not None and has_selected(comment):
            # Left out, but its replies are in: a placeholder keeps their parent.
            position += 1
            yield {
                "id": comment.id,
                "permalink": "",
                "page": page.title,
                "section": section.heading,
                "section_version": comment.section_version,
                "quote": "",
                "parent_id": comment.parent_id or "",
                "root_id": root_id,
                "depth": depth,
                "position": position,
                "created_at": iso(comment.created_at),
                "edited_at": "",
                "author": "",
                "organisation_type": "",
                "region": "",
                "kind": comment.kind.value,
                "agree_count": "",
                "visibility": REMOVED,
                "triage_status": "",
                "themes": "",
                "model_links": "",
                "moderator_reply": "",
                "text": "",
            }


def model_design(workspace: Workspace) -> dict[str, object]:
    from valuma_space.modeldesign.services import alternatives, criteria, matrix, themes

    data = matrix(workspace)
    return {
        "themes": [t.name for t in themes(workspace)],
        "criteria": [{"id": c.id, "name": c.name} for c in criteria(workspace)],
        "alternatives": [
            {
                "id": a.id,
                "kind": a.kind.value,
                "title": a.title,
                "status": a.status.value,
                "description": a.description_markdown,
            }
            for a in alternatives(workspace)
        ],
        "assessments": [
            {
                "alternative_id": alternative_id,
                "criterion_id": criterion_id,
                "supports": cell.supports,
                "opposes": cell.opposes,
                "score": cell.assessment.score if cell.assessment else None,
                "reason": cell.assessment.reason if cell.assessment else "",
            }
            for (alternative_id, criterion_id), cell in sorted(data.cells.items())
        ],
    }
