"""Nobody can keep another person from signing in, and no address is flooded with mail
(the rule is in auth/throttle.py)."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.factories import make_page, make_user, make_workspace
from tests.helpers import confirm_link, link_path, post_form, sent_mails
from valuma_space.extensions import db
from valuma_space.mail.models import OutboxMessage
from valuma_space.mail.sender import deliver_due

VICTIM = "moderaattori@valuma.fi"
CAP = 10 + 10  # LOGIN_MAILS_PER_ADDRESS + LOGIN_TRUSTED_MAILS_PER_ADDRESS, per hour


def _client(app: Flask, ip: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ip
    return client


def _ask(client: FlaskClient, email: str) -> int:
    return post_form(client, "/kirjaudu", email=email, next="/").status_code


def _mails_to(app: Flask, address: str) -> list:
    deliver_due()
    return [mail for mail in sent_mails(app) if mail.recipient == address]


def _sign_in(app: Flask, client: FlaskClient, address: str) -> None:
    assert _ask(client, address) == 302
    [*_, mail] = _mails_to(app, address)
    assert confirm_link(client, link_path(mail.link)).status_code == 302


def test_a_hundred_requests_from_elsewhere_do_not_keep_the_victim_out(app: Flask) -> None:
    make_page(make_workspace(), "Tausta", sections=1)
    make_user(VICTIM, profile_completed=True)
    victim = _client(app, "192.0.2.10")
    _sign_in(app, victim, VICTIM)  # the victim's browser and network, as on any earlier day
    post_form(victim, "/", action="/kirjaudu/ulos")
    sent_before = len(_mails_to(app, VICTIM))

    attackers = [_client(app, f"198.51.100.{n % 250 + 1}") for n in range(100)]
    answers = [_ask(attacker, VICTIM) for attacker in attackers]
    assert answers == [302] * 100  # every one gets the same page as anyone
    flood = len(_mails_to(app, VICTIM)) - sent_before
    # LOGIN_MAILS_PER_ADDRESS in all, the victim's own first sign-in included: the other
    # requests queued nothing.
    assert sent_before + flood == 10

    assert _ask(victim, VICTIM) == 302
    mails = _mails_to(app, VICTIM)
    assert confirm_link(victim, link_path(mails[-1].link)).status_code == 302
    assert len(mails) <= CAP + 1  # the victim's first sign-in, then at most the cap

    # A new browser on the victim's network is trusted by its network alone.
    post_form(victim, "/", action="/kirjaudu/ulos")
    same_network = _client(app, "192.0.2.10")
    assert _ask(same_network, VICTIM) == 302
    assert confirm_link(same_network, link_path(_mails_to(app, VICTIM)[-1].link)).status_code == 302

    # However long the attack goes on, the address receives no more than the cap.
    for attacker in attackers:
        _ask(attacker, VICTIM)
    for _ in range(30):
        _ask(_client(app, "192.0.2.10"), VICTIM)
    assert len(_mails_to(app, VICTIM)) <= CAP + 1


def test_requests_that_fail_validation_count_for_nothing(app: Flask) -> None:
    make_page(make_workspace(), "Tausta", sections=1)
    attacker = _client(app, "198.51.100.7")
    for _ in range(50):  # no CSRF token: each answered 400, none counted
        response = attacker.post("/kirjaudu", data={"email": VICTIM})
        assert response.status_code == 400
    victim = _client(app, "192.0.2.20")
    assert _ask(victim, VICTIM) == 302
    assert len(_mails_to(app, VICTIM)) == 1
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1


def test_plus_addresses_count_as_the_address(app: Flask) -> None:
    make_page(make_workspace(), "Tausta", sections=1)
    for n in range(12):
        assert _ask(_client(app, f"203.0.113.{n + 1}"), f"nimi+{n}@kunta.fi") == 302
    deliver_due()
    tagged = [m for m in sent_mails(app) if m.recipient.startswith("nimi+")]
    assert len(tagged) == 10  # one cap for nimi@kunta.fi, whatever the tags


def test_one_client_asking_too_often_for_one_address_gets_a_429(app: Flask) -> None:
    make_page(make_workspace(), "Tausta", sections=1)
    client = _client(app, "192.0.2.30")
    assert [_ask(client, "kiire@kunta.fi") for _ in range(6)] == [302] * 5 + [429]
    assert _ask(_client(app, "192.0.2.31"), "kiire@kunta.fi") == 302  # others are not affected
