from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import make_page, make_user, make_workspace
from tests.helpers import login_as, post_form
from valuma_space.access import access_level_of
from valuma_space.auth.models import Role, User
from valuma_space.extensions import db


def test_every_view_declares_who_may_open_it(app: Flask) -> None:
    undeclared = [
        rule.endpoint for rule in app.url_map.iter_rules() if access_level_of(rule.endpoint) is None
    ]
    assert undeclared == []


def test_a_view_without_a_declaration_is_refused(app: Flask, client: FlaskClient) -> None:
    app.add_url_rule("/test-undeclared", "undeclared", lambda: "secret")
    response = client.get("/test-undeclared")
    assert response.status_code == 403
    assert "secret" not in response.get_data(as_text=True)


@pytest.fixture
def workspace(app: Flask):
    workspace = make_workspace()
    make_page(workspace, sections=1)
    return workspace


@pytest.mark.parametrize(
    ("role", "overview", "users"),
    [
        (None, 401, 401),
        (Role.PARTICIPANT, 403, 403),
        (Role.MODERATOR, 200, 403),
        (Role.ADMIN, 200, 200),
    ],
)
def test_consortium_pages_by_role(client: FlaskClient, workspace, role, overview, users) -> None:
    if role is not None:
        login_as(client, make_user(role=role).email)
    assert _status(client.get("/hallinta/")) == overview
    assert _status(client.get("/hallinta/kayttajat")) == users


def _status(response) -> int:
    # Signed-out visitors are sent to sign in; that counts as "not allowed in".
    return 401 if response.status_code in {302, 401} else response.status_code


def test_the_header_links_moderators_to_their_pages(client: FlaskClient, workspace) -> None:
    assert 'href="/hallinta/"' not in client.get("/").get_data(as_text=True)
    login_as(client, make_user(role=Role.MODERATOR).email)
    html = client.get("/").get_data(as_text=True)
    assert 'href="/hallinta/"' in html and 'href="/hallinta/kayttajat"' not in html


def test_an_admin_changes_a_role(client: FlaskClient, workspace) -> None:
    admin = make_user(role=Role.ADMIN)
    participant = make_user("osallistuja@kunta.fi")
    login_as(client, admin.email)
    response = post_form(
        client, "/hallinta/kayttajat", user_id=str(participant.id), role="moderator"
    )
    assert response.status_code == 302
    assert "osallistuja@kunta.fi" in client.get("/hallinta/kayttajat").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, participant.id).role == Role.MODERATOR


def test_the_last_admin_keeps_admin_rights(client: FlaskClient, workspace) -> None:
    admin = make_user(role=Role.ADMIN)
    login_as(client, admin.email)
    post_form(client, "/hallinta/kayttajat", user_id=str(admin.id), role="participant")
    html = client.get("/hallinta/kayttajat").get_data(as_text=True)
    assert "Viimeiseltä ylläpitäjältä ei voi poistaa ylläpito-oikeutta." in html
    db.session.expire_all()
    assert db.session.get(User, admin.id).role == Role.ADMIN


def test_an_unknown_role_is_refused(client: FlaskClient, workspace) -> None:
    admin = make_user(role=Role.ADMIN)
    other = make_user()
    login_as(client, admin.email)
    post_form(client, "/hallinta/kayttajat", user_id=str(other.id), role="superuser")
    db.session.expire_all()
    assert db.session.get(User, other.id).role == Role.PARTICIPANT
