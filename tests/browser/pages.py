"""Every page a person opens with GET, as an address in the demo workspace.

The every-page browser test and `make screenshots` both walk this table, so that a new route
is looked at as soon as it exists: `every_page_route` fails on a GET rule that is neither here
nor in `NOT_PAGES` with the reason it is not a page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from valuma_space.auth.models import User
from valuma_space.comments.models import Comment
from valuma_space.demo import content
from valuma_space.events.models import Event
from valuma_space.extensions import db
from valuma_space.materials.models import Page, Section
from valuma_space.modeldesign.models import Alternative, Criterion
from valuma_space.notifications.models import Subscription
from valuma_space.notifications.services import unsubscribe_token
from valuma_space.polls.models import Question, QuestionKind
from valuma_space.workspaces.models import Phase, Workspace

NOT_PAGES = {
    "static": "style sheets, scripts and icons",
    "core.healthz": "a health check for load balancers (JSON)",
    "core.set_language": "redirects back to the page the language was chosen on",
    "comments.status": "the discussion's poll for new comments (JSON or 304)",
    "notifications.names": "name suggestions for mentions (JSON)",
    "notifications.open_one": "marks a notification read and redirects to the comment's "
    "permalink, which is covered",
    "auth.my_data": "a download (the person's own data as JSON)",
    "exports.download": "a download (the export file)",
    "moderation.participation_chart": "a download (a chart as an SVG file)",
    "authoring.attachment": "a download (an attachment's file)",
    "authoring.image": "a picture's file",
    "identity.stylesheet": "the workspace's accent colour as a style sheet",
    "identity.image": "the workspace's logo or cover picture file",
    "mail.dev_outbox": "only under the development configuration and server, not in tests",
    "auth.confirm": "opened by every sign-in in this test, which checks it with axe there",
    "auth.check_email": "shown by every sign-in in this test, which checks it with axe there",
    "auth.confirm_email_change": "reached only from the mail of an email change; "
    "tests/browser/test_sign_in.py walks that flow",
    "events.calendar": "a download (the event's ICS calendar file)",
    "exports.attendees": "a download (an event's attendee list as CSV or XLSX); "
    "tests/test_events_organisers.py reads both back",
    "events.cancel_link": "reached only from a registration's confirmation mail, by its token; "
    "no demo registration yet (issue 22 slice 2), tests/test_events.py walks it",
}


@dataclass(frozen=True)
class DemoIds:
    """What the demo's addresses are made of."""

    page_slug: str
    page_id: int
    section_slug: str
    section_id: int
    versioned_slug: str
    """A section with at least two versions, for its history and a difference."""
    versions: int
    comment_id: int
    """The signed-in participant's own comment (the sweep writes it first)."""
    alternative_id: int
    criterion_id: int
    unsubscribe_token: str
    phase_id: int
    """The demo's first phase, for its editor."""
    question_id: int
    """The demo's rate-the-alternatives question, on the section whose results are shown."""
    question_section_slug: str
    event_id: int
    """The demo's final seminar."""


PAGES: dict[str, Callable[[DemoIds], str]] = {
    "materials.home": lambda d: "/",
    "materials.page": lambda d: f"/sivu/{d.page_slug}",
    "materials.section": lambda d: f"/osio/{d.section_slug}",
    "authoring.history": lambda d: f"/osio/{d.versioned_slug}/historia",
    "authoring.difference": lambda d: (
        f"/osio/{d.versioned_slug}/historia/{d.versions - 1}/{d.versions}"
    ),
    "comments.permalink": lambda d: f"/kommentit/{d.comment_id}",
    "comments.reply": lambda d: f"/kommentit/{d.comment_id}/vastaa",
    "comments.edit": lambda d: f"/kommentit/{d.comment_id}/muokkaa",
    "comments.delete": lambda d: f"/kommentit/{d.comment_id}/poista",
    "comments.revisions": lambda d: f"/kommentit/{d.comment_id}/versiot",
    "moderation.report": lambda d: f"/kommentit/{d.comment_id}/ilmoita",
    "auth.login": lambda d: "/kirjaudu",
    "auth.profile": lambda d: "/profiili",
    "auth.change_email": lambda d: "/profiili/sahkoposti",
    "auth.delete_account": lambda d: "/profiili/poista",
    "notifications.index": lambda d: "/ilmoitukset",
    "notifications.settings": lambda d: "/profiili/ilmoitukset",
    "notifications.unsubscribe": lambda d: f"/ilmoitukset/peru/{d.unsubscribe_token}",
    "core.accessibility_statement": lambda d: "/saavutettavuus",
    "core.privacy_notice": lambda d: "/tietosuoja",
    "moderation.queue": lambda d: "/moderointi/",
    "moderation.comment": lambda d: f"/moderointi/kommentit/{d.comment_id}",
    "moderation.moderation_log": lambda d: "/moderointi/loki",
    "moderation.participation": lambda d: "/moderointi/osallistuminen",
    "exports.form": lambda d: "/moderointi/vienti/",
    "design.index": lambda d: "/mallit/",
    "design.matrix": lambda d: "/mallit/matriisi",
    "design.cell": lambda d: f"/mallit/matriisi/{d.alternative_id}/{d.criterion_id}",
    "design.alternative": lambda d: f"/mallit/vaihtoehdot/{d.alternative_id}",
    "admin.overview": lambda d: "/hallinta/",
    "admin.users": lambda d: "/hallinta/kayttajat",
    "authoring.index": lambda d: "/hallinta/aineisto",
    "authoring.edit_page": lambda d: f"/hallinta/aineisto/sivut/{d.page_id}",
    "authoring.edit_section": lambda d: f"/hallinta/aineisto/osiot/{d.section_id}",
    "workspace_admin.settings": lambda d: "/hallinta/asetukset",
    "workspace_admin.invitations": lambda d: "/hallinta/kutsut",
    "phases.index": lambda d: "/hallinta/vaiheet",
    "phases.edit": lambda d: f"/hallinta/vaiheet/{d.phase_id}",
    "mail.failed": lambda d: "/hallinta/posti",
    "polls.index": lambda d: "/kyselyt/",
    "polls.section_results": lambda d: f"/kyselyt/osio/{d.question_section_slug}",
    "polls.new": lambda d: f"/hallinta/aineisto/osiot/{d.section_id}/kysymykset/uusi",
    "polls.edit": lambda d: f"/hallinta/kysymykset/{d.question_id}",
    "events.index": lambda d: "/tapahtumat",
    "events.show": lambda d: f"/tapahtumat/{d.event_id}",
    "events.manage": lambda d: "/hallinta/tapahtumat",
    "events.create": lambda d: "/hallinta/tapahtumat/uusi",
    "events.edit": lambda d: f"/hallinta/tapahtumat/{d.event_id}",
    "events.attendees": lambda d: f"/hallinta/tapahtumat/{d.event_id}/osallistujat",
    "events.check_in": lambda d: f"/hallinta/tapahtumat/{d.event_id}/ilmoittautumislista",
}

ADMIN_ONLY = {"admin.users", "mail.failed", "moderation.moderation_log"}
"""Pages only an administrator opens; the sweep opens them as one too."""

TRANSLATED_SAMPLE = [
    "materials.home",
    "materials.page",
    "materials.section",
    "comments.reply",
    "auth.profile",
    "notifications.settings",
    "moderation.queue",
    "moderation.participation",
    "design.matrix",
    "workspace_admin.settings",
    "polls.section_results",
]
"""Eleven pages also checked in Swedish and English: what participants read and write, and the
moderators' busiest views."""


def uncovered_routes(app: Flask) -> list[str]:
    """GET rules that are neither a page here nor said not to be one."""
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    return sorted(endpoints - PAGES.keys() - NOT_PAGES.keys())


OWN_COMMENT_SECTION = "paatavoitteet"
OWN_COMMENT = "Verkostojen rahoitus kaipaa pysyvyyttä."


def write_own_comment(page: Any, base_url: str) -> None:
    """The signed-in participant comments on a section, so that their own pages exist."""
    page.goto(f"{base_url}/osio/{OWN_COMMENT_SECTION}")
    page.get_by_label("Kommenttisi").fill(OWN_COMMENT)
    page.get_by_role("button", name="Lähetä", exact=True).click()
    # The script sends it in the background: wait until the thread shows it.
    page.locator("article.comment", has_text=OWN_COMMENT).first.wait_for()


def demo_ids(participant_email: str) -> DemoIds:
    """Addresses in the demo, inside the app's context; the participant has written a comment."""
    workspace = db.session.scalars(
        select(Workspace).where(Workspace.slug == content.WORKSPACE_SLUG)
    ).one()
    participant = db.session.scalars(select(User).where(User.email == participant_email)).one()
    comment = db.session.scalars(
        select(Comment)
        .where(Comment.author_id == participant.id)
        .order_by(Comment.id.desc())
        .limit(1)
    ).one()
    section = db.session.get(Section, comment.section_id)
    assert section is not None
    page = db.session.get(Page, section.page_id)
    assert page is not None
    versioned = db.session.scalars(
        select(Section)
        .where(Section.workspace_id == workspace.id, Section.version >= 2)
        .order_by(Section.id)
        .limit(1)
    ).one()
    alternative_id = db.session.scalar(
        select(func.min(Alternative.id)).where(Alternative.workspace_id == workspace.id)
    )
    criterion_id = db.session.scalar(
        select(func.min(Criterion.id)).where(Criterion.workspace_id == workspace.id)
    )
    assert alternative_id and criterion_id, "the demo has alternatives and criteria"
    question = db.session.scalars(
        select(Question).where(
            Question.workspace_id == workspace.id,
            Question.kind == QuestionKind.RATE_ALTERNATIVES,
        )
    ).first()
    assert question is not None, "the demo has a rate-the-alternatives question"
    return DemoIds(
        page_slug=page.slug,
        page_id=page.id,
        section_slug=section.slug,
        section_id=section.id,
        versioned_slug=versioned.slug,
        versions=versioned.version,
        comment_id=comment.id,
        alternative_id=alternative_id,
        criterion_id=criterion_id,
        unsubscribe_token=unsubscribe_token(participant, Subscription.REPLIES),
        phase_id=db.session.scalar(
            select(func.min(Phase.id)).where(Phase.workspace_id == workspace.id)
        ),
        question_id=question.id,
        question_section_slug=db.session.get(Section, question.section_id).slug,
        event_id=db.session.scalar(
            select(func.min(Event.id)).where(Event.workspace_id == workspace.id)
        ),
    )


def page_urls(ids: DemoIds) -> dict[str, str]:
    return {endpoint: address(ids) for endpoint, address in PAGES.items()}
