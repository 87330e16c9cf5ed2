"""The reading rule, everywhere: every state a comment can be in × every kind of viewer × every
surface that can show a comment. For each cell: does the text show, does the comment's
existence show, and which actions are offered. The expectations are written out here, from
the product's rules, not derived from comments/policy.py, so that a change of the rule in one
place has to be a change of this table too."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import make_comment, make_page, make_section, make_user, make_workspace
from tests.helpers import csrf_token, login_as, moderate, post_form, send_digests, sent_mails
from valuma_space.auth.models import DigestFrequency, Role
from valuma_space.comments import policy
from valuma_space.comments.models import Comment
from valuma_space.comments.services import delete_comment, set_agreement
from valuma_space.db import utcnow
from valuma_space.extensions import db
from valuma_space.mail.sender import deliver_due
from valuma_space.materials.authoring import set_published
from valuma_space.workspaces.models import ReadingAccess

TEXT = "Salainen sisältö xq7: verkostojen rahoitus"
REASON = "Asiaton sävy"

STATES = ["visible", "pending", "hidden", "rejected", "deleted", "unpublished", "private"]
VIEWERS = ["anonymous", "author", "other", "moderator", "admin"]
STAFF = {"moderator", "admin"}
EVERYONE = set(VIEWERS)
SIGNED_IN = EVERYONE - {"anonymous"}

# Who may know that the comment exists (a notice may stand in for its text).
KNOWS = {
    "visible": EVERYONE,
    "pending": {"author"} | STAFF,
    "hidden": EVERYONE,
    "rejected": {"author"} | STAFF,
    "deleted": EVERYONE,
    "unpublished": STAFF,
    "private": SIGNED_IN,
}
# Who may read its text: moderators and admins always; the author while it waits; nobody else
# what was hidden, rejected or deleted.
READS = {
    "visible": EVERYONE,
    "pending": {"author"} | STAFF,
    "hidden": STAFF,
    "rejected": STAFF,
    "deleted": STAFF,
    "unpublished": STAFF,
    "private": SIGNED_IN,
}
# In the discussion itself a removed text shows for nobody: moderators read it on the
# moderation page.
REMOVED = {"hidden", "rejected", "deleted"}

ON_VISIBLE = {
    "anonymous": set(),
    "author": {"reply", "edit", "delete"},
    "other": {"reply", "agree", "report"},
    "moderator": {"reply", "agree", "report", "moderate"},
    "admin": {"reply", "agree", "report", "moderate"},
}
ACTIONS: dict[str, dict[str, set[str]]] = {
    "visible": ON_VISIBLE,
    "private": ON_VISIBLE,
    "pending": {"author": {"edit", "delete"}, "moderator": {"moderate"}, "admin": {"moderate"}},
    "hidden": {"author": {"delete"}, "moderator": {"moderate"}, "admin": {"moderate"}},
    "rejected": {"author": {"delete"}, "moderator": {"moderate"}, "admin": {"moderate"}},
    "deleted": {"moderator": {"moderate"}, "admin": {"moderate"}},
    # Moderators read unpublished sections, and what stands there is a visible comment.
    "unpublished": {"moderator": ON_VISIBLE["moderator"], "admin": ON_VISIBLE["admin"]},
}
# What every participant reads: the notifications of others' comments, digests and mention
# suggestions tell of these only.
READ_BY_PARTICIPANTS = {"visible", "private"}


class World:
    """One workspace, one comment in `state` by `author`, replying to a comment by `other` and
    mentioning the moderator and the admin; a client signed in for each viewer."""

    def __init__(self, app: Flask, state: str) -> None:
        self.state = state
        self.workspace = make_workspace(
            reading_access=ReadingAccess.SIGNED_IN if state == "private" else ReadingAccess.PUBLIC,
        )
        self.section = make_section(make_page(self.workspace, "Tausta"), "Päätavoitteet", "Teksti.")
        people = {
            "author": make_user("kirjoittaja@kunta.fi", display_name="Kaisa Kirjoittaja"),
            "other": make_user("toinen@liitto.fi", display_name="Olli Toinen"),
            "moderator": make_user(
                "moderaattori@valuma.fi", Role.MODERATOR, display_name="Mona Moderaattori"
            ),
            "admin": make_user("admin@valuma.fi", Role.ADMIN, display_name="Aino Admin"),
        }
        for person in people.values():
            person.profile_completed = True
            person.digest = DigestFrequency.NEVER
        people["other"].digest = DigestFrequency.DAILY
        people["other"].digest_since = utcnow() - timedelta(minutes=1)
        db.session.commit()
        self.people = people
        self.root = make_comment(self.section, people["other"], "Juurikommentti.")
        self.workspace.pre_moderation = state in {"pending", "rejected"}
        db.session.commit()
        self.clients: dict[str, FlaskClient] = {"anonymous": app.test_client()}
        for name in people:
            self.clients[name] = app.test_client()
            login_as(self.clients[name], people[name].email)
        sent_mails(app).clear()
        self.comment = self._write()
        self._bring_to_state()

    def _write(self) -> Comment:
        body = f"{TEXT} @Mona Moderaattori @Aino Admin"
        comment = make_comment(self.section, self.people["author"], body, parent=self.root)
        if comment.visibility == "visible":
            set_agreement(comment, self.people["moderator"], agree=True)
            db.session.commit()
        return comment

    def _bring_to_state(self) -> None:
        moderator = self.clients["moderator"]
        comment_id = self.comment.id
        if self.state == "hidden":
            assert moderate(moderator, comment_id, "hide", reason=REASON).status_code == 303
        elif self.state == "rejected":
            assert moderate(moderator, comment_id, "reject", reason=REASON).status_code == 303
        elif self.state == "deleted":
            delete_comment(self.comment, self.people["author"])
            db.session.commit()
        elif self.state == "unpublished":
            set_published(self.section, False)
            db.session.commit()
        db.session.expire_all()

    def url(self, what: str = "") -> str:
        return f"/kommentit/{self.comment.id}{what}"


def _shows_text(html: str) -> bool:
    return TEXT in html or "xq7" in html


def _offered_in_thread(html: str, comment_id: int) -> set[str]:
    found = set()
    patterns = {
        "reply": f"/kommentit/{comment_id}/vastaa",
        "edit": f"/kommentit/{comment_id}/muokkaa",
        "delete": f"/kommentit/{comment_id}/poista",
        "agree": f"/kommentit/{comment_id}/samaa-mielta",
        "report": f"/kommentit/{comment_id}/ilmoita",
        "moderate": f"/moderointi/kommentit/{comment_id}",
    }
    for action, path in patterns.items():
        if f'"{path}"' in html:
            found.add(action)
    return found


class Cells:
    """Collects every cell that differs from the table, to report them all at once."""

    def __init__(self, state: str) -> None:
        self.state = state
        self.wrong: list[str] = []

    def check(self, surface: str, viewer: str, what: str, expected: Any, got: Any) -> None:
        if expected != got:
            self.wrong.append(
                f"{self.state} × {viewer} × {surface}: {what} expected {expected!r}, got {got!r}"
            )


def _page(client: FlaskClient, url: str) -> tuple[int, str]:
    response = client.get(url)
    return response.status_code, response.get_data(as_text=True)


def _discussion_surfaces(world: World, cells: Cells) -> None:
    state, comment_id = world.state, world.comment.id
    for viewer in VIEWERS:
        client = world.clients[viewer]
        knows, reads = viewer in KNOWS[state], viewer in READS[state]
        actions = ACTIONS[state].get(viewer, set())

        # The thread, and the actions it offers.
        status, html = _page(client, f"/osio/{world.section.slug}")
        cells.check(
            "thread", viewer, "exists", knows, status == 200 and f'id="c{comment_id}"' in html
        )
        cells.check("thread", viewer, "text", reads and state not in REMOVED, _shows_text(html))
        offered = _offered_in_thread(html, comment_id) if status == 200 else set()
        # A waiting comment takes no actions in the thread: its author edits it from its page.
        thread_actions = actions if state != "pending" else actions & {"moderate"}
        if state in REMOVED:
            thread_actions = actions & {"moderate"}
        cells.check("thread", viewer, "actions", thread_actions, offered)

        # The permalink leads to the comment for those who know of it.
        response = client.get(world.url())
        led = response.status_code == 302 and "/kirjaudu" not in response.headers["Location"]
        cells.check("permalink", viewer, "exists", knows, led)

        # The pages that show one comment above a form.
        for surface, path, action, field in (
            ("reply page", "/vastaa", "reply", 'name="body"'),
            ("edit page", "/muokkaa", "edit", 'name="body"'),
            ("delete page", "/poista", "delete", 'name="submit"'),
            ("report page", "/ilmoita", "report", 'name="reason"'),
        ):
            status, html = _page(client, world.url(path))
            shown = status in {200, 403}
            cells.check(surface, viewer, "exists", knows and viewer != "anonymous", shown)
            cells.check(surface, viewer, "text", reads and viewer != "anonymous", _shows_text(html))
            cells.check(
                surface, viewer, "offered", action in actions, status == 200 and field in html
            )

        # Moderators' pages.
        for surface, path in (
            ("revisions", world.url("/versiot")),
            ("moderation page", f"/moderointi/kommentit/{comment_id}"),
            ("moderation queue", "/moderointi/"),
        ):
            status, html = _page(client, path)
            cells.check(surface, viewer, "text", viewer in STAFF, _shows_text(html))
            cells.check(surface, viewer, "exists", viewer in STAFF, status == 200)


def _notification_surfaces(app: Flask, world: World, cells: Cells) -> None:
    state = world.state
    deliver_due(now=utcnow() + timedelta(minutes=16))
    mails = {mail.recipient: mail.text + mail.html for mail in sent_mails(app)}
    for viewer in SIGNED_IN:
        _status, html = _page(world.clients[viewer], "/ilmoitukset")
        mail = mails.get(world.people[viewer].email, "")
        if viewer == "author":
            # Told of what a moderator decided about their own comment, without its text.
            told = state in {"hidden", "rejected"}
            cells.check("notifications", viewer, "exists", told, "/ilmoitukset/" in html)
            cells.check("notification mail", viewer, "exists", told, bool(mail))
            cells.check("notifications", viewer, "text", False, _shows_text(html))
            cells.check("notification mail", viewer, "text", False, _shows_text(mail))
            if told:
                cells.check("notifications", viewer, "notice", True, REASON in html)
            continue
        # The others are told of a reply or a mention while every participant reads it.
        told = state in READ_BY_PARTICIPANTS
        for surface, text in (("notifications", html), ("notification mail", mail)):
            cells.check(
                surface,
                viewer,
                "exists",
                told,
                bool(mail) if "mail" in surface else "/ilmoitukset/" in text,
            )
            cells.check(surface, viewer, "text", told, _shows_text(text))

    # Mention suggestions: the author is offered by name only for a comment everyone reads.
    for viewer in ("other", "moderator"):
        response = world.clients[viewer].get("/osallistujat/nimet", query_string={"q": "Kaisa"})
        offered = "Kaisa Kirjoittaja" in response.get_json()["names"]
        cells.check("mention suggestions", viewer, "exists", state in READ_BY_PARTICIPANTS, offered)

    # The digest of the other participant: counts and the most agreed texts.
    sent_mails(app).clear()
    send_digests(utcnow() + timedelta(minutes=5))
    deliver_due(now=utcnow() + timedelta(minutes=5))
    digest = " ".join(m.text for m in sent_mails(app) if m.recipient == "toinen@liitto.fi")
    told = state in READ_BY_PARTICIPANTS
    cells.check("digest", "other", "text", told, _shows_text(digest))
    cells.check("digest", "other", "exists", told, "1 uusi kommentti" in digest)


def _data_surfaces(world: World, cells: Cells) -> None:
    state = world.state
    # The consortium's export: what participants read, and with include_hidden what was
    # hidden or deleted after everyone saw it.
    for include_hidden, shown in (("0", {"visible", "private", "unpublished"}), ("1", None)):
        expected = (
            shown
            if shown is not None
            else {"visible", "private", "unpublished"}
            | {
                "hidden",
                "deleted",
            }
        )
        for viewer in VIEWERS:
            response = world.clients[viewer].get(
                "/moderointi/vienti/lataa",
                query_string={"format": "csv", "include_hidden": include_hidden},
            )
            body = response.get_data(as_text=True) if response.status_code == 200 else ""
            rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff")))) if body else []
            has_text = any("xq7" in row.get("text", "") for row in rows)
            surface = f"export (include_hidden={include_hidden})"
            cells.check(surface, viewer, "text", viewer in STAFF and state in expected, has_text)

    # "My data": the author gets back everything they wrote, whatever became of it.
    for viewer in SIGNED_IN:
        response = world.clients[viewer].get("/profiili/tiedot")
        data = json.loads(response.get_data(as_text=True))
        has_text = any("xq7" in c["text"] for c in data["comments"])
        cells.check("my data", viewer, "text", viewer == "author", has_text)


@pytest.mark.parametrize("state", STATES)
def test_every_surface_follows_the_reading_rule(app: Flask, state: str) -> None:
    world = World(app, state)
    cells = Cells(state)
    _discussion_surfaces(world, cells)
    _notification_surfaces(app, world, cells)
    _data_surfaces(world, cells)
    assert cells.wrong == [], "\n" + "\n".join(cells.wrong)


@pytest.mark.parametrize("state", STATES)
def test_lists_filter_with_the_rule_single_pages_check(app: Flask, state: str) -> None:
    """The policy's SQL and Python answers agree for every viewer."""
    world = World(app, state)
    viewers = {"anonymous": None, **world.people}
    for name, viewer in viewers.items():
        comment = db.session.get(Comment, world.comment.id)
        for question, sql in (
            (policy.may_know, policy.known_to(viewer)),
            (policy.may_read, policy.readable_by(viewer)),
        ):
            listed = (
                db.session.scalar(db.select(Comment.id).where(Comment.id == comment.id, sql))
                is not None
            )
            assert listed == question(comment, viewer), (state, name, question.__name__)
        assert policy.may_know(comment, viewer) == (name in KNOWS[state])
        assert policy.may_read(comment, viewer) == (name in READS[state])
        assert {a.value for a in policy.actions(comment, viewer)} == ACTIONS[state].get(
            name, set()
        ), (state, name)


def test_a_participant_cannot_reply_to_or_report_a_removed_comment_by_post(
    app: Flask,
) -> None:
    world = World(app, "hidden")
    other = world.clients["other"]
    response = post_form(
        other,
        f"/osio/{world.section.slug}",
        action=f"/osio/{world.section.slug}/kommentoi",
        body="Vastaukseni piilotettuun.",
        parent_id=str(world.comment.id),
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Vastaukseni piilotettuun." in page  # the text comes back in the form
    assert not _shows_text(page)
    response = post_form(
        other, f"/osio/{world.section.slug}", action=world.url("/ilmoita"), reason="Ilmoitan"
    )
    assert response.status_code == 400
    assert not _shows_text(response.get_data(as_text=True))
    assert db.session.scalar(db.select(db.func.count(Comment.id))) == 2


@pytest.mark.parametrize("state", ["hidden", "deleted"])
def test_no_route_that_takes_a_comment_id_shows_a_removed_text(app: Flask, state: str) -> None:
    """Every route in the URL map with a comment id, by every method it takes, as another
    participant: the removed text never appears in the response."""
    world = World(app, state)
    client = world.clients["other"]
    token = csrf_token(client.get("/profiili").get_data(as_text=True))
    routes = [rule for rule in app.url_map.iter_rules() if "comment_id" in rule.arguments]
    assert len(routes) >= 10, [rule.rule for rule in routes]
    tried = []
    for rule in routes:
        path = rule.rule.replace("<int:comment_id>", str(world.comment.id))
        assert "<" not in path, f"{rule.rule} takes more than a comment id"
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            data = {"csrf_token": token, "body": "x", "reason": "x", "agree": "1"}
            response = client.open(path, method=method, data=data if method == "POST" else None)
            body = response.get_data(as_text=True)
            assert "xq7" not in body, f"{method} {path} ({response.status_code}) shows the text"
            assert response.status_code < 500, f"{method} {path}: {response.status_code}"
            tried.append(f"{method} {rule.rule}")
    assert any("/vastaa" in route for route in tried) and any("/ilmoita" in r for r in tried)
