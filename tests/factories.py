"""Objects for tests, built through the same services the app uses."""

from __future__ import annotations

import itertools
from datetime import datetime, time, timedelta

from valuma_space.auth.models import Role, User
from valuma_space.auth.services import ensure_user
from valuma_space.comments.models import Comment
from valuma_space.comments.services import add_comment
from valuma_space.db import utcnow
from valuma_space.events.models import AttendanceMode, Event
from valuma_space.events.services import create_event
from valuma_space.extensions import db
from valuma_space.i18n import local_zone
from valuma_space.materials.authoring import create_page, create_section
from valuma_space.materials.models import Page, Section
from valuma_space.workspaces.models import ReadingAccess, Workspace

_sequence = itertools.count(1)


def make_workspace(
    title: str = "Testityötila",
    reading_access: ReadingAccess = ReadingAccess.PUBLIC,
    open_days: int = 30,
    **fields: object,
) -> Workspace:
    now = utcnow()
    workspace = Workspace(
        slug=f"ws-{next(_sequence)}",
        title=title,
        summary=fields.pop("summary", "Työtilan tiivistelmä."),  # type: ignore[arg-type]
        reading_access=reading_access,
        comments_open_at=now - timedelta(days=1),
        comments_close_at=now + timedelta(days=open_days),
        **fields,
    )
    db.session.add(workspace)
    db.session.commit()
    return workspace


def make_page(workspace: Workspace, title: str | None = None, sections: int = 0) -> Page:
    number = next(_sequence)
    page = create_page(
        workspace, title or f"Sivu {number}", "Johdanto.", slug=f"sivu-{number}", published=True
    )
    for _ in range(sections):
        make_section(page, commit=False)
    db.session.commit()
    return page


def make_section(
    page: Page, heading: str | None = None, body: str = "Osion *teksti*.", commit: bool = True
) -> Section:
    number = next(_sequence)
    section = create_section(
        page, heading or f"Osio {number}", body, slug=f"osio-{number}", published=True
    )
    if commit:
        db.session.commit()
    return section


def make_user(email: str | None = None, role: Role = Role.PARTICIPANT, **fields: object) -> User:
    user, _ = ensure_user(email or f"kayttaja{next(_sequence)}@example.fi", role)
    for name, value in fields.items():
        setattr(user, name, value)
    db.session.commit()
    return user


def make_comment(
    section: Section,
    author: User,
    body: str = "Hyvä huomio.",
    parent: Comment | None = None,
    **fields: object,
) -> Comment:
    comment, _ = add_comment(section, author, body, parent=parent, **fields)  # type: ignore[arg-type]
    db.session.commit()
    return comment


def make_event(workspace: Workspace, organiser: User, **fields: object) -> Event:
    """An event a week from now, 13–16 Helsinki time, through the organisers' service."""
    day = (utcnow() + timedelta(days=7)).astimezone(local_zone()).date()
    starts = datetime.combine(day, time(13), tzinfo=local_zone())
    data: dict[str, object] = {
        "title": "Loppuseminaari",
        "description": "Tulokset ja *paneeli*.",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=3),
        "place": "YM, Pankkisali",
        "address": "Aleksanterinkatu 7, Helsinki",
        "attendance": AttendanceMode.BOTH.value,
        "capacity": 50,
        "registration_opens_at": None,
        "registration_deadline": None,
        "closed_by_hand": False,
        "remote_link": "https://meet.example/valuma",
        "contact": "Maija Meikäläinen, maija@example.fi",
        "ask_dietary": False,
        "ask_accessibility": False,
        "ask_interpretation": False,
    } | fields
    event = create_event(workspace, organiser, data)
    db.session.commit()
    return event
