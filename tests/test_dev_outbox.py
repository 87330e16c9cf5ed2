"""With no mail server (the newcomer's default) links go to the console and a development page."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from config import DevelopmentConfig
from tests.conftest import IsolatedClient
from tests.factories import make_user
from tests.helpers import csrf_token, link_path
from valuma_space import create_app
from valuma_space.extensions import db
from valuma_space.mail.sender import deliver_due
from valuma_space.mail.transports import LocalOutboxTransport


@pytest.fixture
def dev_app(database_url: str, tmp_path: Path, app: Flask) -> Flask:
    """A development app on the test database (the `app` fixture empties it afterwards)."""
    dev = create_app(DevelopmentConfig({"DATABASE_URL": database_url}))
    dev.extensions["valuma_mail_transport"] = LocalOutboxTransport(tmp_path / "outbox")
    dev.config["DEVELOPMENT_SERVER"] = True  # as `flask valuma serve` sets it
    dev.test_client_class = IsolatedClient
    return dev


def test_a_newcomer_signs_in_with_the_link_from_the_console(
    dev_app: Flask, capsys: pytest.CaptureFixture[str]
) -> None:
    with dev_app.app_context():
        make_user("moderaattori@valuma.example", profile_completed=True)
        db.session.remove()
    client = dev_app.test_client()
    token = csrf_token(client.get("/kirjaudu").get_data(as_text=True))
    client.post("/kirjaudu", data={"email": "moderaattori@valuma.example", "csrf_token": token})
    with dev_app.app_context():
        assert deliver_due().sent == 1
        db.session.remove()
    printed = capsys.readouterr().err
    assert "Mail to moderaattori@valuma.example" in printed
    link = next(word for word in printed.split() if "/kirjaudu/vahvista/" in word)
    assert link.startswith("http://127.0.0.1:5000/")

    listing = client.get("/dev/posti").get_data(as_text=True)
    assert "moderaattori@valuma.example" in listing and link in listing

    page = client.get(link_path(link))
    response = client.post(
        link_path(link), data={"csrf_token": csrf_token(page.get_data(as_text=True))}
    )
    assert response.status_code == 302
    assert client.get("/profiili").status_code == 200


def test_the_development_outbox_page_exists_only_in_development(client) -> None:
    assert client.get("/dev/posti").status_code == 404


def test_the_development_configuration_under_another_server_shows_no_mailbox(
    dev_app: Flask,
) -> None:
    """The development configuration served by gunicorn (say) is not the development server:
    its live sign-in links stay out of reach."""
    dev_app.config["DEVELOPMENT_SERVER"] = False
    assert dev_app.test_client().get("/dev/posti").status_code == 404


def test_send_mail_once_delivers_what_is_due(app: Flask, client) -> None:
    token = csrf_token(client.get("/kirjaudu").get_data(as_text=True))
    client.post("/kirjaudu", data={"email": "cli@kunta.fi", "csrf_token": token})
    result = app.test_cli_runner().invoke(args=["valuma", "send-mail", "--once"])
    assert result.exit_code == 0, result.output
    assert "sent 1" in result.output
