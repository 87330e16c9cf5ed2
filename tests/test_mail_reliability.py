"""Mail that always arrives once with a working link, whatever the mail server does: slow,
accepting and then dropping the line, silent, or handed a mail that can never be sent.

Real SMTP servers (aiosmtpd) play each part. The tests order events instead of timing them:
a server that holds a mail waits on an event that the test sets only after it has checked
everything that must happen meanwhile."""

from __future__ import annotations

import asyncio
import email
import email.policy
import re
import threading
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.factories import make_page, make_user, make_workspace
from tests.helpers import confirm_link, link_path, post_form
from tests.smtp import Collector, SilentServer, SmtpServer, parts
from valuma_space.db import utcnow
from valuma_space.extensions import db
from valuma_space.mail.models import MailKind, OutboxMessage, OutboxStatus
from valuma_space.mail.outbox import enqueue
from valuma_space.mail.sender import DeliveryReport, deliver_due

LINK = re.compile(r"https?://\S+/kirjaudu/vahvista/[A-Za-z0-9_-]+")
WAIT = 30  # seconds an event may take before the test fails instead of hanging


def _link(raw: bytes) -> str:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    [link] = set(LINK.findall(parts(message)["text/plain"]))
    return link_path(link)


def _ask_for_link(client: FlaskClient, address: str) -> int:
    return post_form(client, "/kirjaudu", email=address).status_code


class HoldingCollector(Collector):
    """Holds the first mail before answering 250, until the test lets it go."""

    def __init__(self) -> None:
        super().__init__()
        self.first: bytes | None = None
        self.arrived = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.first is None:
            self.first = envelope.original_content
            self.arrived.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, WAIT)
        return await super().handle_DATA(server, session, envelope)


class DroppingCollector(Collector):
    """Accepts every mail, then drops the line instead of answering QUIT."""

    async def handle_QUIT(self, server: Any, session: Any, envelope: Any) -> str:
        server.transport.abort()
        return "221 Bye"


class CustomServer(SmtpServer):
    def __init__(self, collector: Collector) -> None:
        super().__init__()
        self.collector = collector


@pytest.fixture
def mail_server(request: pytest.FixtureRequest, allowed_smtp_ports: set[int]):
    server = CustomServer(request.param())
    allowed_smtp_ports.add(server.port)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def config_overrides(request: pytest.FixtureRequest) -> dict[str, Any]:
    if "mail_server" in request.fixturenames:
        server = request.getfixturevalue("mail_server")
        return server.config() | {"MAIL_TIMEOUT": 2}
    return {"MAIL_TIMEOUT": 1}


@pytest.fixture
def workspace(app: Flask):
    workspace = make_workspace()
    make_page(workspace, "Tausta", sections=1)
    return workspace


def _sender(app: Flask, report: list[DeliveryReport]) -> threading.Thread:
    def run() -> None:
        with app.app_context():
            report.append(deliver_due())

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("mail_server", [HoldingCollector], indirect=True)
def test_a_link_works_as_soon_as_its_mail_arrives_and_a_slow_server_blocks_nobody(
    app: Flask, mail_server: CustomServer, workspace
) -> None:
    collector: HoldingCollector = mail_server.collector  # type: ignore[assignment]
    make_user("odottaja@kunta.fi")
    assert _ask_for_link(app.test_client(), "odottaja@kunta.fi") == 302
    reports: list[DeliveryReport] = []
    sender = _sender(app, reports)
    assert collector.arrived.wait(WAIT), "the mail never reached the server"

    # The server has the mail but has not answered yet: the sender is in the middle of SMTP.
    reader = app.test_client()
    assert confirm_link(reader, _link(collector.first or b"")).status_code == 302
    assert "odottaja@kunta.fi" in reader.get("/profiili").get_data(as_text=True)
    others = [_ask_for_link(app.test_client(), f"muut{n}@kunta.fi") for n in range(20)]
    assert others == [302] * 20

    assert not reports, "the sender finished before the server answered"
    collector.release.set()
    sender.join(WAIT)
    assert reports and reports[0].sent >= 1
    deliver_due()
    statuses = db.session.scalars(select(OutboxMessage.status)).all()
    assert statuses.count(OutboxStatus.SENT) == 21
    assert len(collector.messages) == 21


@pytest.mark.parametrize("mail_server", [DroppingCollector], indirect=True)
def test_a_mail_the_server_accepted_is_sent_even_if_it_then_drops_the_line(
    app: Flask, mail_server: CustomServer, workspace
) -> None:
    addresses = [f"pudottaja{n}@kunta.fi" for n in range(10)]
    for address in addresses:
        assert _ask_for_link(app.test_client(), address) == 302
    report = deliver_due()
    assert (report.sent, report.retried) == (10, 0)
    assert deliver_due(now=utcnow() + timedelta(hours=1)).attempted == 0  # nothing sent again
    messages = mail_server.messages
    assert sorted(m["To"] for m in messages) == sorted(addresses)  # one mail each
    for message in messages:
        raw = message.as_bytes()
        assert confirm_link(app.test_client(), _link(raw)).status_code == 302


def test_a_silent_server_is_timed_out_and_the_mail_goes_once_a_server_answers(
    app: Flask, allowed_smtp_ports: set[int], workspace
) -> None:
    silent = SilentServer()
    allowed_smtp_ports.add(silent.port)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=silent.port)
    app.extensions["valuma_mail_transport"] = _smtp_transport()
    try:
        assert _ask_for_link(app.test_client(), "hiljainen@kunta.fi") == 302
        report = deliver_due()
        assert (report.sent, report.retried) == (0, 1)
        row = db.session.scalars(select(OutboxMessage)).one()
        assert row.status == OutboxStatus.PENDING and "timed out" in row.last_error
    finally:
        silent.stop()

    real = SmtpServer()
    allowed_smtp_ports.add(real.port)
    real.start()
    try:
        app.config["MAIL_PORT"] = real.port
        assert deliver_due(now=utcnow() + timedelta(minutes=1)).sent == 1
        [message] = real.messages
        assert confirm_link(app.test_client(), _link(message.as_bytes())).status_code == 302
    finally:
        real.stop()


def _smtp_transport():
    from valuma_space.mail.transports import SmtpTransport

    return SmtpTransport()


@pytest.mark.parametrize("mail_server", [Collector], indirect=True)
def test_a_mail_that_can_never_be_sent_is_set_aside_and_the_rest_go_on(
    app: Flask, mail_server: CustomServer, workspace
) -> None:
    # Saved before single-line fields refused line breaks, or written past the forms.
    workspace.title = "VALUMA\nBcc: x@example.org"
    enqueue(MailKind.INVITATION, "kutsuttu@kunta.fi", "fi")
    db.session.commit()
    for n in range(20):
        assert _ask_for_link(app.test_client(), f"jonossa{n}@kunta.fi") == 302
    report = deliver_due()
    assert (report.sent, report.given_up) == (20, 1)
    failed = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.FAILED)
    ).one()
    assert failed.kind == MailKind.INVITATION and "line break" in failed.last_error
    assert len(mail_server.messages) == 20
    assert not any("x@example.org" in str(m) for m in mail_server.messages)
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 21
