"""Reading and writing the study's materials."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from valuma_space.extensions import db
from valuma_space.materials.models import Page, Section
from valuma_space.workspaces.models import Workspace


def slugify(text: str, max_length: int = 80) -> str:
    """An ASCII address part from a Finnish or Swedish heading: "Päätavoitteet" -> "paatavoitteet"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "osio"


@dataclass(frozen=True)
class PageView:
    """A page as one reader sees it: hidden and withdrawn sections left out, the page itself
    untouched."""

    page: Page
    sections: list[Section]

    @property
    def updated_at(self) -> datetime | None:
        """When anything on the page last changed, a withdrawn section included."""
        return max((s.updated_at for s in self.page.sections), default=None)

    def __getattr__(self, name: str) -> object:
        return getattr(self.page, name)


class SectionLink(NamedTuple):
    slug: str
    heading: str


@dataclass(frozen=True)
class Neighbours:
    """The sections before and after one, in the materials' reading order (across pages)."""

    previous: SectionLink | None
    next: SectionLink | None


def section_neighbours(
    workspace: Workspace, section: Section, include_hidden: bool = False
) -> Neighbours:
    """One query of the workspace's sections' ids and headings, in the order the home page and
    the pages list them (hidden ones only for moderators, withdrawn ones never)."""
    query = (
        select(Section.id, Section.slug, Section.heading)
        .join(Page, Page.id == Section.page_id)
        .where(Page.workspace_id == workspace.id, Section.withdrawn_at.is_(None))
        .order_by(Page.position, Page.id, Section.position, Section.id)
    )
    if not include_hidden:
        query = query.where(Page.is_published.is_(True), Section.is_published.is_(True))
    rows = db.session.execute(query).all()
    index = next((i for i, row in enumerate(rows) if row.id == section.id), None)
    if index is None:
        return Neighbours(None, None)
    before = rows[index - 1] if index > 0 else None
    after = rows[index + 1] if index + 1 < len(rows) else None
    return Neighbours(
        SectionLink(before.slug, before.heading) if before else None,
        SectionLink(after.slug, after.heading) if after else None,
    )


def workspace_contents(
    workspace: Workspace, include_hidden: bool = False, include_withdrawn: bool = False
) -> list[PageView]:
    """The pages with their sections, in order, for the home page and tables of contents.
    Hidden pages and sections are left out unless asked for (moderators see them)."""
    pages = db.session.scalars(
        select(Page)
        .where(Page.workspace_id == workspace.id)
        .options(selectinload(Page.sections))
        .order_by(Page.position, Page.id)
    )
    return [
        PageView(
            page,
            [
                s
                for s in page.sections
                if (include_hidden or s.is_published)
                and (include_withdrawn or s.withdrawn_at is None)
            ],
        )
        for page in pages
        if include_hidden or page.is_published
    ]


@dataclass(frozen=True)
class WhatsNew:
    since: datetime | None
    changed_sections: list[Section]
    new_comments: dict[int, int]
    """Section id -> comments added since."""


def recently_changed(workspace: Workspace, since: datetime, limit: int = 5) -> list[Section]:
    """Published sections whose text changed since the moment, newest change first."""
    return list(
        db.session.scalars(
            select(Section)
            .join(Page, Page.id == Section.page_id)
            .where(
                Section.workspace_id == workspace.id,
                Section.is_published,
                Page.is_published,
                Section.version > 1,
                Section.updated_at > since,
            )
            .order_by(Section.updated_at.desc())
            .limit(limit)
        )
    )


def section_readable(section: Section, viewer: Any) -> bool:
    """Published sections of published pages; moderators also read the unpublished ones."""
    return section_readable_from(section.is_published and section.page.is_published, viewer)


def section_readable_from(published: bool, viewer: Any) -> bool:
    """`section_readable` from whether the section and its page are published, for callers that
    know it without the rows (comments/live.py)."""
    if published:
        return True
    return bool(getattr(viewer, "is_authenticated", False) and viewer.is_moderator)


def section_with_page(workspace: Workspace, slug: str, viewer: Any = None) -> Section | None:
    """The section if the viewer may read it: unpublished ones only for moderators."""
    section = db.session.scalars(
        select(Section)
        .where(Section.workspace_id == workspace.id, Section.slug == slug)
        .options(joinedload(Section.page), selectinload(Section.attachments))
    ).first()
    if section is None or section_readable(section, viewer):
        return section
    return None


def sections_of(workspace: Workspace) -> list[Section]:
    return list(
        db.session.scalars(
            select(Section)
            .join(Page, Page.id == Section.page_id)
            .where(Section.workspace_id == workspace.id)
            .order_by(Page.position, Section.position)
        )
    )
