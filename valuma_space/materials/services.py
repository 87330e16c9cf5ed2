"""Reading and writing the study's materials."""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from valuma_space.extensions import db
from valuma_space.materials.markdown import render_markdown
from valuma_space.materials.models import Page, Section
from valuma_space.workspaces.models import Workspace


def slugify(text: str, max_length: int = 80) -> str:
    """An ASCII address part from a Finnish or Swedish heading: "Päätavoitteet" -> "paatavoitteet"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "osio"


def set_section_body(section: Section, markdown_source: str) -> None:
    """Keep the stored HTML in step with the Markdown it comes from."""
    section.body_markdown = markdown_source
    section.body_html = render_markdown(markdown_source)


def add_page(workspace: Workspace, title: str, slug: str, intro: str = "") -> Page:
    position = len(workspace.pages)
    page = Page(workspace=workspace, title=title, slug=slug, intro=intro, position=position)
    db.session.add(page)
    db.session.flush()
    return page


def add_section(page: Page, heading: str, body_markdown: str, slug: str | None = None) -> Section:
    section = Section(
        page=page,
        workspace_id=page.workspace_id,
        heading=heading,
        slug=slug or slugify(heading),
        position=len(page.sections),
    )
    set_section_body(section, body_markdown)
    db.session.add(section)
    db.session.flush()
    return section


def workspace_contents(workspace: Workspace) -> list[Page]:
    """The pages with their sections, in order, for the home page and tables of contents."""
    return list(
        db.session.scalars(
            select(Page)
            .where(Page.workspace_id == workspace.id)
            .options(selectinload(Page.sections))
            .order_by(Page.position, Page.id)
        )
    )
