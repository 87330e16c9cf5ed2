"""Builds the demo workspace from demo/content.py: creates what is missing and never changes
what exists, so that running it again (every `make run` does) keeps what the moderators have
edited, published, closed or set. Into a workspace without comments it then writes the
invented discussion of demo/discussion.py (demo/replay.py). `remove_demo` takes it away for a
rebuild from scratch."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, func, select

from valuma_space.auth.models import Role, User
from valuma_space.auth.services import ensure_user
from valuma_space.comments.models import Comment
from valuma_space.db import utcnow
from valuma_space.demo import content, diagram, identity
from valuma_space.demo.polls import PollReport, build_polls
from valuma_space.demo.replay import (
    DiscussionReport,
    backdate_sections,
    build_discussion,
    period_start,
)
from valuma_space.events.models import AttendanceMode, Event
from valuma_space.events.services import create_event
from valuma_space.extensions import db
from valuma_space.i18n import local_zone
from valuma_space.materials.authoring import create_page, create_section, publish_text
from valuma_space.materials.models import Attachment, Page, Section
from valuma_space.materials.uploads import delete_attachment
from valuma_space.storage import Storage, upload_storage
from valuma_space.workspaces.models import Phase, ReadingAccess, Workspace

DEMO_COMMENT_DAYS = 274
"""The study ran from May 2019 to February 2020: nine months, which the demo's comment period
replays from its opening, three weeks before the day the demo is built (so that the invented
discussion of demo/discussion.py has had its first weeks)."""


@dataclass
class DemoReport:
    created_workspace: bool = False
    pages: int = 0
    sections: int = 0
    created: int = 0
    """Pages and sections created by this run; the others were there and were left as they are."""
    accounts: list[str] = field(default_factory=list)
    discussion: DiscussionReport = field(default_factory=DiscussionReport)
    polls: PollReport = field(default_factory=PollReport)
    phases: int = 0
    """Phases created by this run: only a workspace without any gets them."""
    events: int = 0
    """Events created by this run: only a workspace without any gets the final seminar."""

    def summary(self) -> str:
        if self.created_workspace:
            first = (
                f"Created the VALUMA demo workspace: {self.pages} pages, {self.sections} sections."
            )
        else:
            first = (
                f"The VALUMA demo workspace is there: {self.pages} pages, {self.sections} "
                f"sections ({self.created} added, nothing existing changed)."
            )
        return "\n".join(
            [first, *self.discussion.lines(), *self.polls.lines()]
            + [f"  {account}" for account in self.accounts]
        )


def _demo_workspace() -> Workspace | None:
    return db.session.scalars(
        select(Workspace).where(Workspace.slug == content.WORKSPACE_SLUG)
    ).first()


def _new_workspace() -> Workspace:
    """The study's workspace, its comment period opened three weeks ago (period_start)."""
    opens = period_start()
    workspace = Workspace(
        slug=content.WORKSPACE_SLUG,
        title=content.WORKSPACE_TITLE,
        summary=content.WORKSPACE_SUMMARY,
        reading_access=ReadingAccess.PUBLIC,
        closed_by_hand=False,
        comments_open_at=opens,
        comments_close_at=opens + timedelta(days=DEMO_COMMENT_DAYS),
        organisers="\n".join(content.ORGANISERS),
        partners="\n".join(content.PARTNERS),
    )
    db.session.add(workspace)
    db.session.flush()
    return workspace


def build_demo() -> DemoReport:
    report = DemoReport()
    workspace = _demo_workspace()
    if workspace is None:
        workspace = _new_workspace()
        identity.dress(workspace, upload_storage())
        report.created_workspace = True
    pages = {
        page.slug: page
        for page in db.session.scalars(select(Page).where(Page.workspace_id == workspace.id))
    }
    sections = set(
        db.session.scalars(select(Section.slug).where(Section.workspace_id == workspace.id))
    )
    for page_data in content.PAGES:
        page = pages.get(page_data["slug"])
        if page is None:
            page = create_page(
                workspace,
                page_data["title"],
                slug=page_data["slug"],
                intro=page_data["intro"],
                published=True,
            )
            report.created += 1
        report.pages += 1
        for section_data in page_data["sections"]:
            if section_data["slug"] not in sections:
                section = create_section(
                    page,
                    section_data["heading"],
                    section_data["body"],
                    slug=section_data["slug"],
                    published=True,
                )
                if section_data["slug"] == diagram.SECTION_SLUG:
                    # The picture is an upload of the section's own, so it needs the section
                    # first: the text with it is the section's second version.
                    publish_text(
                        section,
                        section_data["heading"],
                        diagram.with_phase_diagram(section, section_data["body"]),
                    )
                report.created += 1
            report.sections += 1

    report.phases = _add_phases(workspace)

    accounts = {}
    for email, role in (
        (content.MODERATOR_EMAIL, Role.MODERATOR),
        (content.ADMIN_EMAIL, Role.ADMIN),
    ):
        existing = db.session.scalars(select(User).where(User.email == email)).first()
        # An account that is there keeps the role an administrator may have given it since.
        user = existing
        if user is None:
            user = ensure_user(email, role)[0]
            # Named, so that the moderator's replies in the demo's discussion are not signed
            # "Nimetön osallistuja"; the first sign-in's profile step can change it.
            user.display_name, user.organisation = content.ACCOUNT_NAMES[email]
        accounts[email] = user
        report.accounts.append(f"{user.role.value}: {user.email}")
    db.session.flush()
    report.events = _add_seminar(workspace, accounts[content.MODERATOR_EMAIL])
    report.discussion = build_discussion(workspace, accounts[content.MODERATOR_EMAIL])
    if report.created_workspace:
        # The study's texts were there when the comment period opened, weeks before the
        # discussion's first comment.
        study_sections = select(Section.id).join(Page, Page.id == Section.page_id)
        study_sections = study_sections.where(
            Page.workspace_id == workspace.id,
            Page.slug.in_([page["slug"] for page in content.PAGES]),
        )
        backdate_sections(
            list(db.session.scalars(study_sections)),
            workspace.comments_open_at,  # type: ignore[arg-type]
        )
    # After the sections' dates are set: placing a question in a text dates its new version.
    report.polls = build_polls(
        workspace, accounts[content.MODERATOR_EMAIL], bool(report.discussion.comments)
    )
    db.session.flush()
    return report


def _add_phases(workspace: Workspace) -> int:
    """The study's phases, shifted as its comment period is: as if the study began on the day
    the workspace was built, so that the first phase is under way then. A workspace that has
    phases keeps them as its moderators left them."""
    if db.session.scalar(select(func.count(Phase.id)).where(Phase.workspace_id == workspace.id)):
        return 0
    shift = _study_shift(workspace)
    for position, data in enumerate(content.PHASES, start=1):
        db.session.add(
            Phase(
                workspace_id=workspace.id,
                position=position,
                title=data["title"],
                description=data["description"],
                starts_on=date(*data["starts_on"]) + shift,
                ends_on=date(*data["ends_on"]) + shift,
                link=data["link"],
            )
        )
    return len(content.PHASES)


def _study_shift(workspace: Workspace) -> timedelta:
    opened = workspace.comments_open_at or utcnow()
    return opened.astimezone(local_zone()).date() - date(*content.STUDY_STARTED_ON)


def _add_seminar(workspace: Workspace, organiser: User) -> int:
    """The final seminar, shifted as the phases are, so that it falls on the timeline's last
    phase. A workspace that has events keeps them as its moderators left them."""
    if db.session.scalar(select(func.count(Event.id)).where(Event.workspace_id == workspace.id)):
        return 0
    data = content.SEMINAR
    shift, zone = _study_shift(workspace), local_zone()
    day = date(*data["day"]) + shift  # type: ignore[misc]
    deadline_day = date(*data["deadline_day"]) + shift  # type: ignore[misc]
    create_event(
        workspace,
        organiser,
        {
            "title": data["title"],
            "description": data["description"],
            "starts_at": datetime.combine(day, time(*data["starts"]), tzinfo=zone),  # type: ignore[misc]
            "ends_at": datetime.combine(day, time(*data["ends"]), tzinfo=zone),  # type: ignore[misc]
            "place": data["place"],
            "address": data["address"],
            "attendance": AttendanceMode.BOTH.value,
            "capacity": data["capacity"],
            "registration_opens_at": None,
            "registration_deadline": datetime.combine(deadline_day, time(23, 59), tzinfo=zone),
            "closed_by_hand": False,
            "remote_link": data["remote_link"],
            "contact": data["contact"],
            "ask_dietary": True,
            "ask_accessibility": True,
            "ask_interpretation": True,
        },
    )
    return 1


@dataclass
class DemoContents:
    """What removing the demo workspace takes with it, for the question asked first."""

    pages: int
    sections: int
    comments: int


def demo_contents() -> DemoContents | None:
    workspace = _demo_workspace()
    if workspace is None:
        return None

    def count(model, column) -> int:  # type: ignore[no-untyped-def]
        return db.session.scalar(select(func.count(model.id)).where(column == workspace.id)) or 0

    return DemoContents(
        pages=count(Page, Page.workspace_id),
        sections=count(Section, Section.workspace_id),
        comments=db.session.scalar(
            select(func.count(Comment.id))
            .join(Section, Section.id == Comment.section_id)
            .where(Section.workspace_id == workspace.id)
        )
        or 0,
    )


def remove_demo(storage: Storage) -> None:
    """Delete the demo workspace and everything in it (the database cascades, the attachments'
    files go first), leaving accounts, which may be in other workspaces too."""
    workspace = _demo_workspace()
    if workspace is not None:
        attachments = db.session.scalars(
            select(Attachment)
            .join(Section, Section.id == Attachment.section_id)
            .where(Section.workspace_id == workspace.id)
        )
        for attachment in list(attachments):
            delete_attachment(attachment, storage)
        for name in (workspace.logo_image, workspace.cover_image):
            if name:
                storage.delete(name)
        db.session.execute(delete(Workspace).where(Workspace.id == workspace.id))
        db.session.expunge_all()
