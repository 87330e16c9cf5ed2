"""Builds (or refreshes) the demo workspace from demo/content.py. Running it twice changes nothing
but the comment period, which always starts today."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from valuma_space.auth.models import Role
from valuma_space.auth.services import ensure_user
from valuma_space.db import utcnow
from valuma_space.demo import content, diagram
from valuma_space.extensions import db
from valuma_space.materials.authoring import create_page, create_section, publish_text
from valuma_space.materials.models import Page, Section
from valuma_space.workspaces.models import ReadingAccess, Workspace

DEMO_COMMENT_DAYS = 60


@dataclass
class DemoReport:
    created_workspace: bool = False
    pages: int = 0
    sections: int = 0
    accounts: list[str] = field(default_factory=list)

    def summary(self) -> str:
        verb = "Created" if self.created_workspace else "Refreshed"
        lines = [f"{verb} the VALUMA demo workspace: {self.pages} pages, {self.sections} sections."]
        lines += [f"  {account}" for account in self.accounts]
        return "\n".join(lines)


def build_demo() -> DemoReport:
    report = DemoReport()
    workspace = db.session.scalars(
        select(Workspace).where(Workspace.slug == content.WORKSPACE_SLUG)
    ).first()
    if workspace is None:
        workspace = Workspace(slug=content.WORKSPACE_SLUG, title=content.WORKSPACE_TITLE)
        db.session.add(workspace)
        report.created_workspace = True
    workspace.title = content.WORKSPACE_TITLE
    workspace.summary = content.WORKSPACE_SUMMARY
    workspace.reading_access = ReadingAccess.PUBLIC
    workspace.closed_by_hand = False
    now = utcnow()
    workspace.comments_open_at = now.replace(hour=0, minute=0, second=0, microsecond=0)
    workspace.comments_close_at = workspace.comments_open_at + timedelta(days=DEMO_COMMENT_DAYS)
    db.session.flush()

    for page_position, page_data in enumerate(content.PAGES):
        page = db.session.scalars(
            select(Page).where(Page.workspace_id == workspace.id, Page.slug == page_data["slug"])
        ).first()
        if page is None:
            page = create_page(workspace, page_data["title"], slug=page_data["slug"])
        page.title = page_data["title"]
        page.intro = page_data["intro"]
        page.position = page_position
        page.is_published = True
        report.pages += 1
        for section_position, section_data in enumerate(page_data["sections"]):
            section = db.session.scalars(
                select(Section).where(
                    Section.workspace_id == workspace.id, Section.slug == section_data["slug"]
                )
            ).first()
            if section is None:
                section = create_section(
                    page, section_data["heading"], section_data["body"], slug=section_data["slug"]
                )
            section.page = page
            section.position = section_position
            section.is_published = True
            body = section_data["body"]
            if section_data["slug"] == diagram.SECTION_SLUG:  # the picture needs the section first
                body = diagram.with_phase_diagram(section, body)
            if (section.heading, section.body_markdown) != (section_data["heading"], body):
                publish_text(section, section_data["heading"], body)
            report.sections += 1

    for email, role in (
        (content.MODERATOR_EMAIL, Role.MODERATOR),
        (content.ADMIN_EMAIL, Role.ADMIN),
    ):
        user, _ = ensure_user(email, role)
        report.accounts.append(f"{role.value}: {user.email}")
    db.session.flush()
    return report
