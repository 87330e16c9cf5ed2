"""Bad input gets a clear answer, never a server error: each input the reliability review found
answering 5xx, one by one (tests/test_fuzz.py then tries every form and query at random)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.factories import make_comment, make_page, make_section, make_user, make_workspace
from tests.helpers import csrf_token, login_as, post_form, request_link, sent_mails
from tests.test_authoring import submit_form_by_name
from valuma_space.auth.models import Role
from valuma_space.comments.models import Comment, CommentDraft
from valuma_space.extensions import db
from valuma_space.mail.models import MailKind, OutboxMessage, OutboxStatus
from valuma_space.mail.outbox import enqueue
from valuma_space.mail.sender import deliver_due
from valuma_space.modeldesign.models import Theme


@pytest.fixture
def section(app: Flask):
    return make_section(make_page(make_workspace("VALUMA"), "Tausta"), "Tavoitteet", "Teksti.")


@pytest.fixture
def moderator(app: Flask) -> FlaskClient:
    make_user("moderaattori@valuma.fi", Role.ADMIN, profile_completed=True)
    client = app.test_client()
    login_as(client, "moderaattori@valuma.fi")
    return client


def test_a_reply_to_nothing_from_a_signed_out_writer_is_kept_for_later(
    client: FlaskClient, section
) -> None:
    token = csrf_token(client.get("/kirjaudu").get_data(as_text=True))
    for parent in ("abc", "99999999999999999999", "-1", "٣"):
        response = client.post(
            f"/osio/{section.slug}/kommentoi",
            data={"csrf_token": token, "body": "Teksti talteen.", "parent_id": parent},
        )
        assert response.status_code == 302 and "/kirjaudu" in response.headers["Location"]
    drafts = db.session.scalars(select(CommentDraft)).all()
    assert len(drafts) == 4 and {d.parent_id for d in drafts} == {None}


@pytest.mark.parametrize(
    "path",
    [
        "/kommentit/99999999999999999999",
        "/kommentit/2147483648/vastaa",
        "/moderointi/kommentit/99999999999999999999",
        "/ilmoitukset/99999999999999999999",
    ],
)
def test_ids_larger_than_any_row_are_not_found(moderator: FlaskClient, section, path: str) -> None:
    assert moderator.get(path).status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        {"section": "99999999999999999999"},
        {"page": "99999999999999999999"},
        {"section": "", "page": "-5"},
        {"q": "a\x00b"},
    ],
)
def test_queue_and_log_filters_out_of_range(moderator: FlaskClient, section, query) -> None:
    for path in ("/moderointi/", "/moderointi/loki", "/ilmoitukset"):
        assert moderator.get(path, query_string=query).status_code == 200


def test_a_long_theme_name_is_refused_in_words_however_often_it_is_sent(
    moderator: FlaskClient, section
) -> None:
    name = "T" * 130
    token = csrf_token(moderator.get("/mallit/").get_data(as_text=True))
    for _ in range(2):
        response = moderator.post(
            "/mallit/teemat", data={"csrf_token": token, "name": name}, follow_redirects=True
        )
        assert response.status_code == 200
        assert "enintään 120 merkkiä" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Theme.id))) == 0


def test_nul_characters_never_reach_the_database(moderator: FlaskClient, section) -> None:
    response = post_form(
        moderator,
        f"/osio/{section.slug}",
        action=f"/osio/{section.slug}/kommentoi",
        body="Nolla\x00merkki",
        idempotency_key="k" * 80,
    )
    assert response.status_code == 303
    assert db.session.scalars(select(Comment.body_markdown)).one() == "Nollamerkki"
    assert (
        moderator.get(f"/osio/{section.slug}", query_string={"luonnos": "a\x00"}).status_code == 200
    )


def test_a_sign_in_next_too_long_to_keep_leads_home(client: FlaskClient, section) -> None:
    response = post_form(client, "/kirjaudu", email="pitka@kunta.fi", next="/" + "a" * 600)
    assert response.status_code == 302
    deliver_due()
    assert db.session.scalars(select(OutboxMessage.next_url)).one() == "/"


def test_single_line_fields_refuse_line_breaks_and_come_back_filled_in(
    moderator: FlaskClient, section
) -> None:
    response = submit_form_by_name(
        moderator, "/hallinta/asetukset", {"title": "VALUMA\nBcc: x@example.org"}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "yhdelle riville" in html and "Bcc: x@example.org" in html  # the text comes back
    db.session.expire_all()
    assert section.page.workspace.title == "VALUMA"

    response = post_form(
        moderator,
        "/profiili",
        display_name="Mona\rModeraattori",
        organisation="Liitto",
        name_display="full_name",
    )
    assert response.status_code == 400 and "yhdelle riville" in response.get_data(as_text=True)


def test_admins_see_the_mails_that_could_not_be_sent(section, moderator: FlaskClient) -> None:
    section.page.workspace.title = "VALUMA\nBcc: x@example.org"  # saved past the forms
    enqueue(MailKind.INVITATION, "kutsuttu@kunta.fi", "fi")
    db.session.commit()
    deliver_due()
    invitation = select(OutboxMessage.status).where(OutboxMessage.kind == MailKind.INVITATION)
    assert db.session.scalars(invitation).all() == [OutboxStatus.FAILED]
    html = moderator.get("/hallinta/posti").get_data(as_text=True)
    assert "kutsuttu@kunta.fi" in html and "line break" in html and "Kutsu" in html


def test_the_confirm_page_names_the_address_it_signs_in(client: FlaskClient, section) -> None:
    path = request_link(client, "anna.virtanen@kunta.fi")
    html = client.get(path).get_data(as_text=True)
    assert "a•••@kunta.fi" in html and "anna.virtanen" not in html


def test_pages_for_signed_in_people_are_not_cached(
    app: Flask, moderator: FlaskClient, section
) -> None:
    make_comment(section, make_user("k@kunta.fi"), "Kommentti.")
    for path in ("/", f"/osio/{section.slug}", "/profiili", "/moderointi/"):
        assert moderator.get(path).headers["Cache-Control"] == "private, no-store", path
    # A conditional request keeps its own rule, and its 304.
    status = moderator.get(f"/osio/{section.slug}/tila")
    assert "ETag" in status.headers and status.headers["Cache-Control"] == "no-cache"
    again = moderator.get(
        f"/osio/{section.slug}/tila", headers={"If-None-Match": status.headers["ETag"]}
    )
    assert again.status_code == 304
    # A page for everyone is no business of this rule.
    assert "no-store" not in app.test_client().get(f"/osio/{section.slug}").headers.get(
        "Cache-Control", ""
    )
    assert sent_mails(app)  # the sign-in above went through the outbox


def test_bulk_tagging_passes_over_ids_that_name_no_comment(moderator: FlaskClient, section) -> None:
    comment = make_comment(section, make_user("t@kunta.fi"), "Kommentti.")
    token = csrf_token(moderator.get("/mallit/").get_data(as_text=True))
    moderator.post("/mallit/teemat", data={"csrf_token": token, "name": "Rahoitus"})
    theme = db.session.scalars(select(Theme)).one()
    response = moderator.post(
        "/mallit/teemat/joukko",
        data={"csrf_token": token, "theme": str(theme.id), "ids": [str(comment.id), "13693"]},
    )
    assert response.status_code == 302
    assert "1 kommenttiin" in moderator.get(response.headers["Location"]).get_data(as_text=True)
