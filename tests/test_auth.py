"""Passwordless sign-in through an emailed link: every rule of the front door, through HTTP."""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.factories import make_page, make_user, make_workspace
from tests.helpers import (
    confirm_link,
    csrf_token,
    link_path,
    login_as,
    post_form,
    request_link,
    sent_mails,
)
from valuma_space.auth.models import NameDisplay, Role, User
from valuma_space.auth.names import public_name
from valuma_space.auth.tokens import LinkToken
from valuma_space.db import utcnow
from valuma_space.extensions import db
from valuma_space.mail.models import OutboxMessage
from valuma_space.mail.sender import deliver_due
from valuma_space.workspaces.models import ReadingAccess


@pytest.fixture
def workspace(app: Flask):
    workspace = make_workspace()
    make_page(workspace, "Tausta", sections=1)
    return workspace


def _signed_in_email(client: FlaskClient) -> str | None:
    response = client.get("/profiili")
    if response.status_code != 200:
        return None
    html = response.get_data(as_text=True)
    marker = "Kirjautunut osoitteella "
    return html.split(marker, 1)[1].split("<", 1)[0].strip() if marker in html else None


# --- the journey ---------------------------------------------------------------------------------


def test_the_whole_journey_creates_the_account_at_the_first_confirmed_sign_in(
    app: Flask, client: FlaskClient, workspace
) -> None:
    response = post_form(client, "/kirjaudu", email="Uusi.Kayttaja@Kunta.fi", next="/sivu/sivu-x")
    assert response.status_code == 302
    assert response.headers["Location"] == "/kirjaudu/tarkista"
    assert "Tarkista sähköpostisi" in client.get("/kirjaudu/tarkista").get_data(as_text=True)
    assert db.session.scalar(select(func.count(User.id))) == 0

    deliver_due()
    [mail] = sent_mails(app)
    assert mail.recipient == "uusi.kayttaja@kunta.fi"
    assert mail.link in mail.text and mail.link in mail.html
    assert mail.text.count("http") == 1

    confirm_page = client.get(link_path(mail.link))
    assert confirm_page.status_code == 200
    assert db.session.scalar(select(func.count(User.id))) == 0
    response = confirm_link(client, link_path(mail.link))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/profiili?welcome=1")
    assert db.session.scalar(select(func.count(User.id))) == 1
    assert _signed_in_email(client) == "uusi.kayttaja@kunta.fi"


def test_a_returning_user_goes_straight_where_they_were_going(
    client: FlaskClient, workspace
) -> None:
    user = make_user("palaava@kunta.fi", profile_completed=True)
    response = login_as(client, user.email, next_url="/sivu/sivu-2")
    assert response.headers["Location"] == "/sivu/sivu-2"


def test_pages_a_visitor_may_not_read_lead_to_the_front_door_and_back(
    client: FlaskClient, app: Flask
) -> None:
    workspace = make_workspace(reading_access=ReadingAccess.SIGNED_IN)
    page = make_page(workspace, sections=1)
    make_user("lukija@kunta.fi", profile_completed=True)
    response = client.get(f"/sivu/{page.slug}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/kirjaudu?next=/sivu/{page.slug}"
    login_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'value="/sivu/{page.slug}"' in login_page
    assert 'href="/tietosuoja"' in login_page
    response = login_as(client, "lukija@kunta.fi", next_url=f"/sivu/{page.slug}")
    assert response.headers["Location"] == f"/sivu/{page.slug}"
    assert client.get(f"/sivu/{page.slug}").status_code == 200


# --- tokens ------------------------------------------------------------------------------------


def test_the_token_is_random_long_and_stored_only_as_its_hash(
    app: Flask, client: FlaskClient, workspace
) -> None:
    path = request_link(client, "hash@kunta.fi")
    token = path.rsplit("/", 1)[1]
    assert len(token) >= 22  # 128 bits in URL-safe base64; we use 256
    stored = db.session.scalars(select(LinkToken)).one()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            for row in connection.execute(table.select()):
                assert token not in " ".join(str(value) for value in row), table.name


def test_the_link_expires_max_age_after_the_mail_is_sent(
    app: Flask, client: FlaskClient, workspace
) -> None:
    post_form(client, "/kirjaudu", email="late@kunta.fi", next="/")
    sent_at = utcnow() + timedelta(hours=2)  # the mail server was down for two hours
    deliver_due(now=sent_at)
    token = db.session.scalars(select(LinkToken)).one()
    assert token.created_at == sent_at.replace(microsecond=sent_at.microsecond)
    assert token.expires_at - token.created_at == timedelta(
        seconds=app.config["LOGIN_LINK_MAX_AGE"]
    )
    assert app.config["LOGIN_LINK_MAX_AGE"] == 900


@pytest.mark.parametrize("config_overrides", [{"LOGIN_LINK_MAX_AGE": 1}])
def test_an_expired_link_says_so_and_offers_a_new_one(client: FlaskClient, workspace) -> None:
    path = request_link(client, "expired@kunta.fi")
    page = client.get(path)
    token = csrf_token(page.get_data(as_text=True))
    import time

    time.sleep(1.2)
    response = client.post(path, data={"csrf_token": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Linkki on vanhentunut" in html
    assert 'href="/kirjaudu">Pyydä uusi linkki' in html
    # The sign-in button does not carry the link's address (and its token) along as `next`.
    assert "/kirjaudu?next=" not in html
    assert _signed_in_email(client) is None


def test_a_link_works_once(client: FlaskClient, app: Flask, workspace) -> None:
    path = request_link(client, "once@kunta.fi")
    assert confirm_link(client, path).status_code == 302
    other = app.test_client()
    response = confirm_link(other, path)
    assert response.status_code == 400
    assert "Linkki on jo käytetty" in response.get_data(as_text=True)
    assert _signed_in_email(other) is None


def test_two_simultaneous_posts_of_one_link_sign_in_once(app: Flask, workspace) -> None:
    first, second = app.test_client(), app.test_client()
    path = request_link(first, "race@kunta.fi")
    tokens = [csrf_token(c.get(path).get_data(as_text=True)) for c in (first, second)]
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def post(client: FlaskClient, csrf: str) -> None:
        barrier.wait()
        statuses.append(client.post(path, data={"csrf_token": csrf}).status_code)

    threads = [
        threading.Thread(target=post, args=pair)
        for pair in zip((first, second), tokens, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(statuses) == [302, 400]
    assert [_signed_in_email(c) for c in (first, second)].count("race@kunta.fi") == 1
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_signing_in_retires_the_users_other_links(
    app: Flask, client: FlaskClient, workspace
) -> None:
    first = request_link(client, "two@kunta.fi")
    second = request_link(client, "two@kunta.fi")
    assert confirm_link(client, second).status_code == 302
    response = confirm_link(app.test_client(), first)
    assert response.status_code == 400


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_opening_the_link_signs_no_one_in_and_uses_nothing(
    app: Flask, client: FlaskClient, workspace, method: str
) -> None:
    path = request_link(client, "scanner@kunta.fi")
    scanner = app.test_client()  # a mail scanner: no cookies of its own
    for _ in range(3):
        assert scanner.open(path, method=method).status_code == 200
        assert client.open(path, method=method).status_code == 200
    db.session.expire_all()
    assert db.session.scalars(select(LinkToken)).one().used_at is None
    assert db.session.scalar(select(func.count(User.id))) == 0
    assert _signed_in_email(scanner) is None
    assert confirm_link(client, path).status_code == 302


def test_an_unknown_token_gives_a_clear_page(client: FlaskClient, workspace) -> None:
    response = client.get("/kirjaudu/vahvista/not-a-real-token")
    assert response.status_code == 400
    assert "Linkkiä ei tunnistettu" in response.get_data(as_text=True)


# --- no enumeration ----------------------------------------------------------------------------


def _login_exchange(app: Flask, email: str) -> tuple[int, str, list[str], str]:
    client = app.test_client()
    page = client.get("/kirjaudu")
    cookies = page.headers.getlist("Set-Cookie")
    response = client.post(
        "/kirjaudu",
        data={"email": email, "next": "/", "csrf_token": csrf_token(page.get_data(as_text=True))},
    )
    cookie_names = sorted(c.split("=", 1)[0] for c in response.headers.getlist("Set-Cookie"))
    return (
        response.status_code,
        response.headers.get("Location", ""),
        cookie_names,
        str(len(cookies)),
    )


def test_known_and_unknown_addresses_get_the_same_answer(
    app: Flask, workspace, count_queries
) -> None:
    make_user("known@kunta.fi", profile_completed=True)
    assert _login_exchange(app, "known@kunta.fi") == _login_exchange(app, "unknown@kunta.fi")
    # Same work, hence about the same time: the same statements run for both, and no mail
    # leaves inside the request.
    statements = []
    for email in ("known@kunta.fi", "unknown@kunta.fi"):
        client = app.test_client()
        token = csrf_token(client.get("/kirjaudu").get_data(as_text=True))
        with count_queries() as counter:
            client.post("/kirjaudu", data={"email": email, "next": "/", "csrf_token": token})
        statements.append(counter.statements)
    assert statements[0] == statements[1]
    assert sent_mails(app) == []
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 4


def test_check_your_email_page_is_the_same_for_everyone(app: Flask, workspace) -> None:
    make_user("known2@kunta.fi")
    bodies = []
    for email in ("known2@kunta.fi", "nobody@kunta.fi"):
        client = app.test_client()
        response = post_form(client, "/kirjaudu", email=email, next="/")
        bodies.append(client.get(response.headers["Location"]).get_data(as_text=True))
    assert bodies[0] == bodies[1]


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize("address", ["maija.kunta.fi", "maija@", "maija @kunta.fi", "@kunta.fi"])
def test_a_malformed_address_gets_a_clear_message_and_keeps_what_was_typed(
    client: FlaskClient, workspace, address: str
) -> None:
    response = post_form(client, "/kirjaudu", email=address, next="/")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Tarkista sähköpostiosoite" in html
    assert f'value="{address}"' in html
    assert 'aria-invalid="true"' in html
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_the_message_speaks_the_users_language(client: FlaskClient, workspace) -> None:
    client.get("/kieli/en")
    html = post_form(client, "/kirjaudu", email="not-an-address", next="/").get_data(as_text=True)
    assert "Tarkista sähköpostiosoite" not in html
    assert 'value="not-an-address"' in html


def test_an_expired_form_token_gives_the_form_back_filled_in(
    client: FlaskClient, workspace
) -> None:
    client.get("/kirjaudu")
    response = client.post("/kirjaudu", data={"email": "kept@kunta.fi", "csrf_token": "stale"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="kept@kunta.fi"' in html
    assert "turvatunniste vanheni" in html


# --- rate limits -------------------------------------------------------------------------------


def test_five_links_per_address_then_a_429_page(app: Flask, client: FlaskClient, workspace) -> None:
    make_user("limited@kunta.fi", profile_completed=True)
    early_link = request_link(client, "limited@kunta.fi")
    for variant in [
        "LIMITED@kunta.fi",
        "limited@KUNTA.fi",
        "limited@kunta.fi",
        " limited@kunta.fi",
    ]:
        assert post_form(client, "/kirjaudu", email=variant, next="/").status_code == 302
    response = post_form(client, "/kirjaudu", email="limited@kunta.fi", next="/")
    assert response.status_code == 429
    assert "Liian monta pyyntöä" in response.get_data(as_text=True)
    # Another address from elsewhere is not affected, and no account is ever locked.
    other = app.test_client()
    assert post_form(other, "/kirjaudu", email="someone@kunta.fi", next="/").status_code == 302
    assert confirm_link(app.test_client(), early_link).status_code == 302


def test_thirty_requests_per_ip_then_a_429_page(client: FlaskClient, workspace) -> None:
    token = csrf_token(client.get("/kirjaudu").get_data(as_text=True))
    statuses = [
        client.post("/kirjaudu", data={"email": f"ip{i}@kunta.fi", "csrf_token": token}).status_code
        for i in range(31)
    ]
    assert statuses[:30] == [302] * 30
    assert statuses[30] == 429
    client.get("/kieli/sv")
    response = client.post("/kirjaudu", data={"email": "ip-x@kunta.fi", "csrf_token": token})
    assert response.status_code == 429
    assert '<html lang="sv">' in response.get_data(as_text=True)


@pytest.mark.parametrize("config_overrides", [{"PROXY_FIX_HOPS": 1}])
def test_the_ip_limit_sees_the_client_behind_the_proxy(app: Flask, workspace) -> None:
    def attempt(client_ip: str) -> int:
        client = app.test_client()
        token = csrf_token(client.get("/kirjaudu").get_data(as_text=True))
        return client.post(
            "/kirjaudu",
            data={"email": f"{client_ip}-{utcnow().timestamp()}@kunta.fi", "csrf_token": token},
            headers={"X-Forwarded-For": client_ip},
        ).status_code

    assert [attempt("198.51.100.1") for _ in range(31)][-1] == 429
    assert attempt("198.51.100.2") == 302


# --- sessions ----------------------------------------------------------------------------------


def test_sign_in_clears_the_session(client: FlaskClient, workspace) -> None:
    make_user("fresh@kunta.fi", profile_completed=True)
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    login_as(client, "fresh@kunta.fi")
    with client.session_transaction() as session:
        assert "planted" not in session


def test_sign_out_ends_every_copy_of_the_session(
    app: Flask, client: FlaskClient, workspace
) -> None:
    make_user("leaver@kunta.fi", profile_completed=True)
    login_as(client, "leaver@kunta.fi", remember=True)
    copied = {cookie.key: cookie.value for cookie in client._cookies.values()}
    assert "remember_token" in copied
    post_form(client, "/profiili", action="/kirjaudu/ulos")
    assert _signed_in_email(client) is None

    thief = app.test_client()
    for name, value in copied.items():
        thief.set_cookie(name, value)
    assert _signed_in_email(thief) is None
    remember_only = app.test_client()
    remember_only.set_cookie("remember_token", copied["remember_token"])
    assert _signed_in_email(remember_only) is None


def test_remember_me_lasts_at_most_thirty_days(client: FlaskClient, workspace) -> None:
    make_user("remember@kunta.fi", profile_completed=True)
    response = login_as(client, "remember@kunta.fi", remember=True)
    cookie = next(
        c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token=")
    )
    expires = parsedate_to_datetime(cookie.split("Expires=", 1)[1].split(";", 1)[0])
    assert timedelta(days=29) < expires - utcnow() <= timedelta(days=30)


@pytest.mark.parametrize(
    ("target", "landing"),
    [
        ("/sivu/tausta", "/sivu/tausta"),
        ("https://evil.example/", "/"),
        ("//evil.example/x", "/"),
        ("/\\evil.example", "/"),
    ],
)
def test_only_local_next_targets_are_honoured(
    client: FlaskClient, workspace, target: str, landing: str
) -> None:
    make_user("next@kunta.fi", profile_completed=True)
    response = login_as(client, "next@kunta.fi", next_url=target)
    assert response.headers["Location"] == landing


def test_links_are_built_from_base_url_never_from_the_host_header(
    app: Flask, client: FlaskClient, workspace
) -> None:
    page = client.get("/kirjaudu", base_url="http://evil.example")
    client.post(
        "/kirjaudu",
        base_url="http://evil.example",
        data={"email": "host@kunta.fi", "csrf_token": csrf_token(page.get_data(as_text=True))},
    )
    deliver_due()
    [mail] = sent_mails(app)
    assert mail.link.startswith(app.config["BASE_URL"] + "/kirjaudu/vahvista/")
    assert "evil.example" not in mail.text + mail.html


# --- profile and name choice --------------------------------------------------------------------


def test_first_sign_in_asks_for_the_profile_then_continues(client: FlaskClient, workspace) -> None:
    response = login_as(client, "newbie@kunta.fi", next_url="/sivu/tausta")
    welcome = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tervetuloa!" in welcome and "Ohita tämä vaihe" in welcome
    for option in ("ELY-keskus", "Maakunnan liitto", "Ahvenanmaa", "Valtakunnallinen", "Ulkomaat"):
        assert option in welcome
    response = post_form(
        client,
        response.headers["Location"],
        display_name="Maija Meikäläinen",
        organisation="Esimerkkikaupunki",
        organisation_type="municipality",
        region="pirkanmaa",
        name_display="organisation",
        pseudonym="",
        next="/sivu/tausta",
    )
    assert response.headers["Location"] == "/sivu/tausta"
    user = db.session.scalars(select(User)).one()
    assert (user.display_name, user.region.value, user.name_display) == (
        "Maija Meikäläinen",
        "pirkanmaa",
        NameDisplay.ORGANISATION,
    )
    assert public_name(user) == "Esimerkkikaupunki"


def test_a_pseudonym_choice_needs_a_pseudonym_and_keeps_the_form(
    client: FlaskClient, workspace
) -> None:
    make_user("pseudo@kunta.fi", profile_completed=True)
    login_as(client, "pseudo@kunta.fi")
    fields = {"organisation_type": "", "region": "", "organisation": ""}
    response = post_form(
        client,
        "/profiili",
        display_name="Oikea Nimi",
        name_display="pseudonym",
        pseudonym="",
        **fields,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Kirjoita nimimerkki" in html and 'value="Oikea Nimi"' in html
    saved = post_form(
        client,
        "/profiili",
        display_name="Oikea Nimi",
        name_display="pseudonym",
        pseudonym="Aluekehittäjä",
        **fields,
    )
    assert saved.status_code == 302
    user = db.session.scalars(select(User)).one()
    db.session.refresh(user)
    assert public_name(user) == "Aluekehittäjä"


def test_public_name_follows_the_choice() -> None:
    user = User(
        email="x@y.fi",
        display_name="Maija",
        organisation="Kunta",
        pseudonym="M",
        name_display=NameDisplay.FULL_NAME,
    )
    assert public_name(user) == "Maija"
    user.name_display = NameDisplay.ORGANISATION
    assert public_name(user) == "Kunta"
    user.name_display = NameDisplay.PSEUDONYM
    assert public_name(user) == "M"
    assert public_name(None) == "Poistettu käyttäjä"
    assert "x@y.fi" not in public_name(
        User(email="x@y.fi", name_display=NameDisplay.FULL_NAME, display_name="")
    )


# --- my data, email change, deletion -----------------------------------------------------------


def test_download_all_my_data(client: FlaskClient, workspace) -> None:
    make_user("data@kunta.fi", profile_completed=True, display_name="Datan Omistaja")
    login_as(client, "data@kunta.fi")
    response = client.get("/profiili/tiedot")
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["profile"]["email"] == "data@kunta.fi"
    assert data["profile"]["display_name"] == "Datan Omistaja"
    assert data["comments"] == []


def test_change_email_is_confirmed_by_a_link_to_the_new_address(
    app: Flask, client: FlaskClient, workspace
) -> None:
    make_user("old@kunta.fi", profile_completed=True)
    login_as(client, "old@kunta.fi")
    response = post_form(client, "/profiili/sahkoposti", email="New@Kunta.fi")
    assert response.status_code == 302
    deliver_due()
    mail = sent_mails(app)[-1]
    assert mail.recipient == "new@kunta.fi"
    path = link_path(mail.link)
    assert client.get(path).status_code == 200
    assert db.session.scalars(select(User)).one().email == "old@kunta.fi"
    confirm_link(client, path)
    db.session.expire_all()
    assert db.session.scalars(select(User)).one().email == "new@kunta.fi"
    assert _signed_in_email(client) == "new@kunta.fi"


def test_change_email_refuses_an_address_in_use(app: Flask, client: FlaskClient, workspace) -> None:
    make_user("first@kunta.fi", profile_completed=True)
    make_user("second@kunta.fi", profile_completed=True)
    login_as(client, "first@kunta.fi")
    post_form(client, "/profiili/sahkoposti", email="second@kunta.fi")
    deliver_due()
    response = confirm_link(client, link_path(sent_mails(app)[-1].link))
    assert "jo toisen käyttäjän käytössä" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    db.session.expire_all()
    assert sorted(u.email for u in db.session.scalars(select(User))) == [
        "first@kunta.fi",
        "second@kunta.fi",
    ]


def test_delete_account_after_confirmation(client: FlaskClient, workspace) -> None:
    make_user("goodbye@kunta.fi", profile_completed=True)
    login_as(client, "goodbye@kunta.fi")
    unconfirmed = post_form(client, "/profiili/poista")
    assert unconfirmed.status_code == 400
    assert "Vahvista poisto" in unconfirmed.get_data(as_text=True)
    assert db.session.scalar(select(func.count(User.id))) == 1
    response = post_form(client, "/profiili/poista", confirm="y")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(func.count(User.id))) == 0
    assert _signed_in_email(client) is None


def test_the_only_admin_cannot_delete_their_account(client: FlaskClient, workspace) -> None:
    make_user("boss@kunta.fi", role=Role.ADMIN, profile_completed=True)
    login_as(client, "boss@kunta.fi")
    post_form(client, "/profiili/poista", confirm="y")
    assert db.session.scalar(select(func.count(User.id))) == 1


# --- privacy and retention ---------------------------------------------------------------------


def test_privacy_notice_says_who_keeps_what_why_and_how_long(client: FlaskClient) -> None:
    html = client.get("/tietosuoja").get_data(as_text=True)
    for heading in (
        "Rekisterinpitäjä",
        "Mitä tietoja käsittelemme",
        "Miksi käsittelemme tietoja",
        "Kuinka kauan tietoja säilytetään",
        "Oikeutesi",
    ):
        assert heading in html


def test_purge_removes_participants_of_a_finished_study(app: Flask) -> None:
    old = make_user("old-participant@kunta.fi")
    old.created_at = utcnow() - timedelta(days=400)
    moderator = make_user("mod@kunta.fi", role=Role.MODERATOR)
    moderator.created_at = utcnow() - timedelta(days=400)
    make_user("recent@kunta.fi")
    db.session.commit()
    cutoff = (utcnow() - timedelta(days=30)).strftime("%Y-%m-%d")
    dry = app.test_cli_runner().invoke(args=["valuma", "purge", "--before", cutoff, "--dry-run"])
    assert "Would remove 1 participant accounts" in dry.output
    assert db.session.scalar(select(func.count(User.id))) == 3
    result = app.test_cli_runner().invoke(args=["valuma", "purge", "--before", cutoff])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert sorted(u.email for u in db.session.scalars(select(User))) == [
        "mod@kunta.fi",
        "recent@kunta.fi",
    ]
