"""Mail through a real SMTP server (aiosmtpd, in-process): the whole sign-in flow, and no mail
lost while the server is down."""

from __future__ import annotations

import re
from datetime import timedelta
from email.message import Message
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.factories import make_page, make_workspace
from tests.helpers import confirm_link, csrf_token, link_path, post_form
from tests.smtp import SmtpServer, parts
from valuma_space.auth.models import User
from valuma_space.auth.tokens import LinkToken
from valuma_space.db import utcnow
from valuma_space.extensions import db
from valuma_space.mail.models import OutboxMessage, OutboxStatus
from valuma_space.mail.sender import deliver_due

LINK = re.compile(r"https?://\S+/kirjaudu/vahvista/[A-Za-z0-9_-]+")


@pytest.fixture
def config_overrides(smtp: SmtpServer) -> dict[str, Any]:
    return smtp.config()


@pytest.fixture
def workspace(app: Flask):
    workspace = make_workspace()
    make_page(workspace, "Tausta", sections=1)
    return workspace


def _link_in(message: Message) -> str:
    links = set(LINK.findall(parts(message)["text/plain"]))
    assert len(links) == 1, links
    return links.pop()


def test_the_whole_flow_through_a_real_smtp_server(app: Flask, smtp: SmtpServer, workspace) -> None:
    smtp.start()
    client = app.test_client()
    client.get("/kieli/sv")
    assert (
        post_form(client, "/kirjaudu", email="Smtp.User@Kunta.fi", next="/sivu/sivu-1").status_code
        == 302
    )
    assert smtp.collector.messages == []  # nothing leaves inside the request
    report = deliver_due()
    assert report.sent == 1
    [message] = smtp.collector.messages
    assert message["To"] == "smtp.user@kunta.fi"
    assert message["From"] == "valuma@test.example"
    bodies = parts(message)
    assert set(bodies) == {"text/plain", "text/html"}
    assert "Kirjaudu" not in message["Subject"]  # written in the user's language, Swedish
    link = _link_in(message)
    assert link.startswith(app.config["BASE_URL"])
    assert link in bodies["text/html"]
    response = confirm_link(client, link_path(link))
    assert response.status_code == 302
    assert client.get("/profiili").status_code == 200
    db.session.expire_all()
    assert db.session.scalars(select(OutboxMessage)).one().status == OutboxStatus.SENT


def test_fifty_requests_while_the_server_is_down_give_fifty_mails_when_it_is_back(
    app: Flask, smtp: SmtpServer, workspace
) -> None:
    addresses = [f"osallistuja{i}@kunta{i % 7}.fi" for i in range(50)]
    for number, address in enumerate(addresses):
        client = app.test_client()
        token = csrf_token(client.get("/kirjaudu").get_data(as_text=True))
        response = client.post(
            "/kirjaudu",
            data={"email": address, "csrf_token": token},
            environ_base={"REMOTE_ADDR": f"192.0.2.{number}"},  # officials at fifty offices
        )
        assert response.status_code == 302

    down = deliver_due()
    assert (down.sent, down.retried) == (0, 50)
    assert (
        db.session.scalar(select(func.count(LinkToken.id))) == 0
    )  # no link exists that nobody got
    assert deliver_due().attempted == 0  # backing off: nothing is due yet

    smtp.start()
    back = deliver_due(now=utcnow() + timedelta(minutes=5))
    assert back.sent == 50
    assert deliver_due(now=utcnow() + timedelta(hours=1)).attempted == 0
    messages = smtp.collector.messages
    assert sorted(m["To"] for m in messages) == sorted(addresses)

    for message in messages:
        path = link_path(_link_in(message))
        first, second = app.test_client(), app.test_client()
        assert confirm_link(first, path).status_code == 302
        assert confirm_link(second, path).status_code == 400
    assert db.session.scalar(select(func.count(User.id))) == 50


@pytest.mark.parametrize(
    "config_overrides", [{"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": 9, "MAIL_GIVE_UP_AFTER": 60}]
)
def test_a_mail_that_cannot_be_sent_for_long_is_given_up_and_logged(
    app: Flask, workspace, allowed_smtp_ports: set[int]
) -> None:
    allowed_smtp_ports.add(9)
    client = app.test_client()
    post_form(client, "/kirjaudu", email="never@kunta.fi", next="/")
    assert deliver_due().retried == 1
    assert deliver_due(now=utcnow() + timedelta(minutes=2)).given_up == 1
    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.status == OutboxStatus.FAILED
    assert message.last_error
