"""The discussion through HTTP, as participants use it with plain forms."""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.factories import make_comment, make_page, make_section, make_user, make_workspace
from tests.helpers import csrf_token, login_as, post_form, submit_form
from valuma_space.auth.models import NameDisplay, Role
from valuma_space.comments.models import (
    Agreement,
    Comment,
    CommentKind,
    CommentRevision,
    Visibility,
)
from valuma_space.db import utcnow
from valuma_space.extensions import db


@pytest.fixture
def section(app: Flask):
    workspace = make_workspace()
    page = make_page(workspace, "Tausta")
    return make_section(page, "Päätavoitteet", "Tavoitteena on kartoittaa vaihtoehdot.")


@pytest.fixture
def maija(app: Flask):
    return make_user(
        "maija@kunta.fi",
        display_name="Maija Meikäläinen",
        organisation="Esimerkkikunta",
        profile_completed=True,
    )


@pytest.fixture
def pekka(app: Flask):
    return make_user("pekka@liitto.fi", display_name="Pekka Puupää", profile_completed=True)


def _section_url(section) -> str:
    return f"/osio/{section.slug}"


def _write(client: FlaskClient, section, body: str, **fields: str):
    return post_form(
        client,
        _section_url(section),
        action=f"{_section_url(section)}/kommentoi",
        body=body,
        **fields,
    )


def _html(client: FlaskClient, section, **query: str) -> str:
    response = client.get(_section_url(section), query_string=query)
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


# --- writing and reading -----------------------------------------------------------------------


def test_a_participant_writes_a_comment_of_a_chosen_kind(
    client: FlaskClient, section, maija
) -> None:
    login_as(client, maija.email)
    response = _write(
        client, section, "Verkostot tarvitsevat **pysyvän** rahoituksen.", kind="proposal"
    )
    comment = db.session.scalars(select(Comment)).one()
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{_section_url(section)}#c{comment.id}")
    html = _html(client, section)
    assert "Ehdotus" in html and "<strong>pysyvän</strong>" in html
    assert "Maija Meikäläinen" in html and "Esimerkkikunta" in html
    assert 'Keskustelu <span class="count">(1)</span>' in html


def test_visitors_read_the_discussion_and_are_invited_to_sign_in(
    client: FlaskClient, section, maija
) -> None:
    make_comment(section, maija, "Näkyy kaikille.")
    html = _html(client, section)
    assert "Näkyy kaikille." in html
    assert "<textarea" not in html
    assert f'href="/kirjaudu?next={_section_url(section)}"' in html
    assert "Samaa mieltä" not in html and "Vastaa" not in html


def test_replies_nest_four_levels_then_say_whom_they_answer(
    client: FlaskClient, section, maija, pekka
) -> None:
    parent = make_comment(section, maija, "Taso 0")
    chain = [parent]
    for depth in range(1, 7):
        author = pekka if depth % 2 else maija
        chain.append(make_comment(section, author, f"Taso {depth}", parent=chain[-1]))
    html = _html(client, section)
    for depth, comment in enumerate(chain):
        match = re.search(rf'<article class="comment indent-(\d)[^"]*" id="c{comment.id}"', html)
        assert match, depth
        assert int(match.group(1)) == min(depth, 4)
    deepest = html[html.index(f'id="c{chain[6].id}"') :]
    assert re.search(rf'Vastaus: <a href="#c{chain[5].id}">Pekka Puupää</a>', deepest)


def test_a_reply_through_the_reply_page(client: FlaskClient, section, maija, pekka) -> None:
    parent = make_comment(section, maija, "Aloitus")
    login_as(client, pekka.email)
    page = client.get(f"/kommentit/{parent.id}/vastaa")
    assert page.status_code == 200 and "Aloitus" in page.get_data(as_text=True)
    response = post_form(
        client,
        f"/kommentit/{parent.id}/vastaa",
        action=f"{_section_url(section)}/kommentoi",
        body="Vastaus tähän",
        parent_id=str(parent.id),
    )
    assert response.status_code == 303
    reply = db.session.scalars(select(Comment).where(Comment.parent_id == parent.id)).one()
    assert reply.section_id == section.id


def test_a_quote_shows_with_a_link_to_the_section(client: FlaskClient, section, maija) -> None:
    login_as(client, maija.email)
    _write(client, section, "Tästä olen eri mieltä.", quote="kartoittaa vaihtoehdot")
    html = _html(client, section)
    assert re.search(
        r'<blockquote class="comment-quote" data-comment="\d+"><p>kartoittaa vaihtoehdot</p><footer>Lainaus osiosta <a href="/osio/[^"]+">Päätavoitteet</a></footer>',
        html,
    )


def test_a_quote_no_longer_in_the_text_says_so(client: FlaskClient, section, maija) -> None:
    make_comment(section, maija, "Vanhaan kohtaan", quote="kohta jota ei enää ole")
    html = _html(client, section)
    assert 'class="comment-quote quote-changed"' in html
    assert "lainattu kohta on sittemmin muuttunut osion tekstissä" in html
    assert "kohta jota ei enää ole" in html


def test_the_quote_field_can_be_prefilled_from_the_address(
    client: FlaskClient, section, maija
) -> None:
    login_as(client, maija.email)
    html = client.get(_section_url(section), query_string={"lainaus": "kartoittaa"}).get_data(
        as_text=True
    )
    assert re.search(r'<textarea[^>]*name="quote"[^>]*>\s*kartoittaa</textarea>', html)


def test_agree_once_see_who_and_take_it_back(
    client: FlaskClient, app: Flask, section, maija, pekka
) -> None:
    comment = make_comment(section, maija, "Hyvä ajatus")
    pekka.name_display = NameDisplay.PSEUDONYM
    pekka.pseudonym = "Aluekehittäjä"
    db.session.commit()
    login_as(client, pekka.email)
    for _ in range(2):  # a second click changes nothing
        post_form(
            client, _section_url(section), action=f"/kommentit/{comment.id}/samaa-mielta", agree="1"
        )
    html = _html(client, section)
    assert "1 on samaa mieltä" in html and "<li>Aluekehittäjä</li>" in html
    assert "Pekka" not in html
    assert re.search(r'value="0"[^>]*aria-pressed="true">Peru samaa mieltä', html)
    post_form(
        client, _section_url(section), action=f"/kommentit/{comment.id}/samaa-mielta", agree="0"
    )
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).agree_count == 0
    assert "on samaa mieltä" not in _html(client, section)


def test_nobody_agrees_with_themselves(client: FlaskClient, section, maija) -> None:
    comment = make_comment(section, maija, "Oma")
    login_as(client, maija.email)
    assert "Samaa mieltä" not in _html(client, section)
    response = post_form(
        client, _section_url(section), action=f"/kommentit/{comment.id}/samaa-mielta", agree="1"
    )
    assert response.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(Agreement)) == 0


def test_markdown_subset_and_the_length_limit(client: FlaskClient, section, maija) -> None:
    login_as(client, maija.email)
    _write(
        client,
        section,
        "# Otsikko\n\n*kursiivi*\n\n- yksi\n- kaksi\n\n> lainaus\n\n[linkki](https://example.fi)\n\n![kuva](https://example.fi/x.png)",
    )
    comment = db.session.scalars(select(Comment)).one()
    assert "<h1>" not in comment.body_html and "<img" not in comment.body_html
    assert "<em>kursiivi</em>" in comment.body_html and "<blockquote>" in comment.body_html
    assert 'rel="nofollow ugc noopener"' in comment.body_html
    too_long = "ä" * 5001
    response = _write(client, section, too_long)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "enintään 5000 merkkiä" in html and too_long in html
    assert db.session.scalar(select(func.count(Comment.id))) == 1
    assert _write(client, section, "ä" * 5000).status_code == 303


def test_an_empty_comment_is_refused_with_a_message(client: FlaskClient, section, maija) -> None:
    login_as(client, maija.email)
    response = _write(client, section, "   ", quote="lainaus säilyy")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Kirjoita kommenttisi ennen lähettämistä." in html and "lainaus säilyy" in html


def test_edit_marks_the_comment_and_keeps_the_earlier_version(
    client: FlaskClient, app: Flask, section, maija
) -> None:
    comment = make_comment(section, maija, "Ensimmäinen versio")
    login_as(client, maija.email)
    assert "Ensimmäinen versio" in client.get(f"/kommentit/{comment.id}/muokkaa").get_data(
        as_text=True
    )
    response = post_form(
        client,
        f"/kommentit/{comment.id}/muokkaa",
        body="Korjattu versio",
        kind="question",
        quote="",
    )
    assert response.status_code == 303
    html = _html(client, section)
    assert "Korjattu versio" in html and "muokattu" in html and "Kysymys" in html
    [revision] = db.session.scalars(select(CommentRevision)).all()
    assert revision.body_markdown == "Ensimmäinen versio"
    moderator = app.test_client()
    make_user("mod@valuma.fi", role=Role.MODERATOR, profile_completed=True)
    login_as(moderator, "mod@valuma.fi")
    versions = moderator.get(f"/kommentit/{comment.id}/versiot").get_data(as_text=True)
    assert "Ensimmäinen versio" in versions and "Korjattu versio" in versions


def test_delete_leaves_the_replies_and_a_notice(client: FlaskClient, section, maija, pekka) -> None:
    comment = make_comment(section, maija, "Poistettava teksti")
    make_comment(section, pekka, "Vastaus jää", parent=comment)
    login_as(client, maija.email)
    assert "Poistettava teksti" in client.get(f"/kommentit/{comment.id}/poista").get_data(
        as_text=True
    )
    response = post_form(client, f"/kommentit/{comment.id}/poista")
    assert response.status_code == 303
    html = _html(client, section)
    assert "Poistettava teksti" not in html
    assert "Kirjoittaja poisti tämän kommentin." in html and "Vastaus jää" in html
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).visibility == Visibility.DELETED


def test_permalink_and_orders(client: FlaskClient, section, maija, pekka) -> None:
    old = make_comment(section, maija, "Alfa")
    new = make_comment(section, maija, "Gamma")
    new.created_at = old.created_at + timedelta(minutes=5)
    popular = make_comment(section, maija, "Beeta")
    popular.created_at = old.created_at + timedelta(minutes=1)
    db.session.commit()
    login_as(client, pekka.email)
    post_form(
        client, _section_url(section), action=f"/kommentit/{popular.id}/samaa-mielta", agree="1"
    )
    response = client.get(f"/kommentit/{new.id}")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"{_section_url(section)}#c{new.id}"
    )

    def order(**query: str) -> list[str]:
        html = _html(client, section, **query)
        return sorted(["Alfa", "Beeta", "Gamma"], key=html.index)

    assert order() == ["Alfa", "Beeta", "Gamma"]
    assert order(order="newest") == ["Gamma", "Beeta", "Alfa"]
    popular.created_at = old.created_at + timedelta(minutes=9)  # newest, yet most agreed
    db.session.commit()
    assert order(order="agreed")[0] == "Beeta"
    assert order(order="nonsense")[0] == "Alfa"


NOTHING_YET = "Tässä osiossa ei ole vielä kommentteja."


def test_no_comments_yet_is_said_by_what_the_viewer_sees_not_by_the_count(
    app: Flask, section, maija, pekka
) -> None:
    section.page.workspace.pre_moderation = True
    db.session.commit()
    author = app.test_client()
    login_as(author, maija.email)
    assert NOTHING_YET in _html(author, section)
    assert _write(author, section, "Odotan hyväksyntää.").status_code == 303
    own = _html(author, section)
    # Her own comment waits for approval beside no "nothing yet"; the public count is still 0.
    assert "Odotan hyväksyntää." in own and "Odottaa hyväksyntää" in own
    assert '<span class="count">(0)</span>' in own
    assert NOTHING_YET not in own
    # Nobody else sees anything yet, and is told so, signed in or not.
    other = app.test_client()
    login_as(other, pekka.email)
    assert "Odotan hyväksyntää." not in _html(other, section)
    assert NOTHING_YET in _html(other, section)
    assert NOTHING_YET in _html(app.test_client(), section)


def test_counts_per_section_on_home_and_in_the_contents(
    client: FlaskClient, section, maija
) -> None:
    make_comment(section, maija, "Yksi")
    make_comment(section, maija, "Kaksi")
    assert "(2 kommenttia)" in client.get("/").get_data(as_text=True)
    assert "(2 kommenttia)" in client.get(f"/sivu/{section.page.slug}").get_data(as_text=True)


def test_a_closed_workspace_stays_readable_and_keeps_late_text(
    client: FlaskClient, section, maija
) -> None:
    comment = make_comment(section, maija, "Ennen sulkemista")
    login_as(client, maija.email)
    form_page = client.get(_section_url(section)).get_data(as_text=True)
    workspace = section.page.workspace
    workspace.closed_by_hand = True
    db.session.commit()
    html = _html(client, section)
    assert "Ennen sulkemista" in html and "Kommentointi on suljettu" in html
    assert 'name="body"' not in html and "Muokkaa" not in html
    response = client.post(
        f"{_section_url(section)}/kommentoi",
        data={
            "body": "Myöhästynyt teksti",
            "csrf_token": csrf_token(form_page),
            "idempotency_key": "late-1",
        },
    )
    assert response.status_code == 403
    assert "Myöhästynyt teksti" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Comment.id))) == 1
    assert client.get(f"/kommentit/{comment.id}").status_code == 302


def test_a_period_in_the_past_closes_commenting(client: FlaskClient, section, maija) -> None:
    workspace = section.page.workspace
    workspace.comments_close_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    login_as(client, maija.email)
    assert "Kommentointi on suljettu" in _html(client, section)


# --- nothing lost ------------------------------------------------------------------------------


def test_text_sent_after_the_session_ended_comes_back_after_signing_in(
    app: Flask, section, maija
) -> None:
    client = app.test_client()
    login_as(client, maija.email)
    page = client.get(_section_url(section)).get_data(as_text=True)
    client.delete_cookie("session")  # the session ends while the person writes
    client.delete_cookie("remember_token")
    response = client.post(
        f"{_section_url(section)}/kommentoi",
        data={
            "body": "Pitkä ja huolellinen kommentti",
            "kind": "question",
            "quote": "kartoittaa",
            "csrf_token": csrf_token(page),
            "idempotency_key": "k-123",
        },
    )
    assert response.status_code == 302
    login_url = response.headers["Location"]
    assert login_url.startswith("/kirjaudu?next=")
    next_url = (
        login_url.split("next=", 1)[1].replace("%3F", "?").replace("%3D", "=").replace("%2F", "/")
    )
    back = login_as(client, maija.email, next_url=next_url)
    html = client.get(back.headers["Location"]).get_data(as_text=True)
    assert "Pitkä ja huolellinen kommentti" in html
    assert re.search(r'value="question"[^>]*checked|checked[^>]*value="question"', html)
    response = submit_form(client, back.headers["Location"], "kommentoi")
    assert response.status_code == 303
    comment = db.session.scalars(select(Comment)).one()
    assert (comment.body_markdown, comment.quote, comment.kind) == (
        "Pitkä ja huolellinen kommentti",
        "kartoittaa",
        CommentKind.QUESTION,
    )


def test_an_expired_form_token_gives_the_text_back(client: FlaskClient, section, maija) -> None:
    login_as(client, maija.email)
    response = client.post(
        f"{_section_url(section)}/kommentoi",
        data={"body": "Tärkeä teksti", "csrf_token": "expired"},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Tärkeä teksti" in html and "turvatunniste vanheni" in html
    assert db.session.scalar(select(func.count(Comment.id))) == 0


def test_sending_twice_creates_one_comment(client: FlaskClient, section, maija) -> None:
    login_as(client, maija.email)
    page = client.get(_section_url(section)).get_data(as_text=True)
    key = re.search(r'name="idempotency_key" type="hidden" value="([0-9a-f]+)"', page).group(1)
    data = {"body": "Kerran", "csrf_token": csrf_token(page), "idempotency_key": key}
    first = client.post(f"{_section_url(section)}/kommentoi", data=data)
    second = client.post(f"{_section_url(section)}/kommentoi", data=data)
    assert first.headers["Location"] == second.headers["Location"]
    assert db.session.scalar(select(func.count(Comment.id))) == 1


def test_two_simultaneous_sends_create_one_comment(app: Flask, section, maija) -> None:
    clients = [app.test_client(), app.test_client()]
    for client in clients:
        login_as(client, maija.email)
    pages = [c.get(_section_url(section)).get_data(as_text=True) for c in clients]
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def send(client: FlaskClient, page: str) -> None:
        barrier.wait()
        response = client.post(
            f"{_section_url(section)}/kommentoi",
            data={
                "body": "Samaan aikaan",
                "csrf_token": csrf_token(page),
                "idempotency_key": "same-key-1",
            },
        )
        statuses.append(response.status_code)

    threads = [
        threading.Thread(target=send, args=pair) for pair in zip(clients, pages, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert statuses == [303, 303]
    assert db.session.scalar(select(func.count(Comment.id))) == 1


# --- safe --------------------------------------------------------------------------------------


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        ours = tag == "script" and (dict(attrs).get("src") or "").startswith("/static/js/")
        if tag in {"script", "iframe", "object", "embed", "svg", "img", "style"} and not ours:
            self.problems.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag}[{name}]")
            if (
                name in {"href", "src", "action", "formaction"}
                and value
                and value.strip().lower().startswith(("javascript:", "data:", "vbscript:"))
            ):
                self.problems.append(f"{tag}[{name}={value}]")


def test_attack_payloads_are_harmless_in_every_page(client: FlaskClient, section, maija) -> None:
    payloads_file = Path(__file__).resolve().parents[2] / "shared" / "payloads" / "xss.txt"
    payloads = (
        payloads_file.read_text(encoding="utf-8").splitlines() if payloads_file.exists() else []
    )
    payloads += [
        "<script>alert(1)</script>",
        "[x](javascript:alert(1))",
        "<img src=x onerror=alert(1)>",
    ]
    login_as(client, maija.email)
    for payload in payloads:
        if payload.strip():
            _write(client, section, payload, quote=payload)
    db.session.commit()
    pages = [
        _section_url(section),
        *(f"/kommentit/{c.id}/muokkaa" for c in db.session.scalars(select(Comment)).all()[:5]),
    ]
    for path in pages:
        parser = _Tags()
        parser.feed(client.get(path).get_data(as_text=True))
        assert parser.problems == [], (path, parser.problems)


# --- rules -------------------------------------------------------------------------------------


def test_a_reply_must_stay_in_its_parents_section(
    client: FlaskClient, section, maija, pekka
) -> None:
    other = make_section(section.page, "Toinen osio", "Teksti")
    parent = make_comment(other, maija, "Toisessa osiossa")
    login_as(client, pekka.email)
    for parent_id in (str(parent.id), "999999", "not-a-number"):
        response = _write(client, section, "Väärä paikka", parent_id=parent_id)
        assert response.status_code == 400, parent_id
        assert "Väärä paikka" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Comment.id))) == 1


@pytest.mark.parametrize("visibility", [Visibility.DELETED, Visibility.HIDDEN])
def test_no_reply_to_a_removed_comment(
    client: FlaskClient, section, maija, pekka, visibility: Visibility
) -> None:
    parent = make_comment(section, maija, "Poistuu")
    parent.visibility = visibility
    db.session.commit()
    login_as(client, pekka.email)
    response = _write(client, section, "Vastaus", parent_id=str(parent.id))
    assert response.status_code == 400
    assert "Tähän kommenttiin ei voi vastata" in response.get_data(as_text=True)


ROUTES = [
    ("GET", "/kommentit/{id}", {}),
    ("GET", "/kommentit/{id}/vastaa", {}),
    ("GET", "/kommentit/{id}/muokkaa", {}),
    ("POST", "/kommentit/{id}/muokkaa", {"body": "Muutos"}),
    ("GET", "/kommentit/{id}/poista", {}),
    ("POST", "/kommentit/{id}/poista", {}),
    ("POST", "/kommentit/{id}/samaa-mielta", {"agree": "1"}),
    ("GET", "/kommentit/{id}/versiot", {}),
    ("POST", "/osio/{slug}/kommentoi", {"body": "Uusi", "parent_id": "{id}"}),
]

EXPECTED = {
    # route index: (anonymous, author, other participant, moderator)
    0: (302, 302, 302, 302),
    1: (302, 200, 200, 200),
    2: (302, 200, 403, 403),
    3: (302, 303, 403, 403),
    4: (302, 200, 403, 403),
    5: (302, 303, 403, 403),
    6: (302, 303, 303, 303),
    7: (302, 403, 403, 200),
    8: (302, 303, 303, 303),
}


@pytest.mark.parametrize("route", range(len(ROUTES)))
def test_every_comments_route_by_role(app: Flask, section, maija, pekka, route: int) -> None:
    make_user("moderaattori@valuma.fi", role=Role.MODERATOR, profile_completed=True)
    method, template, data = ROUTES[route]
    viewers = [None, maija.email, pekka.email, "moderaattori@valuma.fi"]
    for viewer, expected in zip(viewers, EXPECTED[route], strict=True):
        comment = make_comment(section, maija, "Kohde")
        client = app.test_client()
        if viewer:
            login_as(client, viewer)
        path = template.format(id=comment.id, slug=section.slug)
        token = csrf_token(
            client.get(_section_url(section)).get_data(as_text=True)
            if viewer
            else client.get("/kirjaudu").get_data(as_text=True)
        )
        if method == "GET":
            response = client.get(path)
        else:
            form = {key: value.format(id=comment.id) for key, value in data.items()}
            response = client.post(
                path,
                data={
                    **form,
                    "csrf_token": token,
                    "idempotency_key": f"k{route}{viewer}{comment.id}",
                },
            )
        assert response.status_code == expected, (method, path, viewer, response.status_code)


def test_unknown_comments_are_404(client: FlaskClient, section, maija) -> None:
    login_as(client, maija.email)
    for path in (
        "/kommentit/424242",
        "/kommentit/424242/vastaa",
        "/kommentit/424242/muokkaa",
        "/kommentit/424242/poista",
    ):
        assert client.get(path).status_code == 404
    assert client.get("/osio/ei-ole").status_code == 404


# --- people and their data ---------------------------------------------------------------------


def test_a_deleted_account_leaves_its_comments_as_removed_user(
    app: Flask, client: FlaskClient, section, maija, pekka
) -> None:
    comment = make_comment(section, pekka, "Jää näkyviin")
    mine = make_comment(section, maija, "Maijan")
    login_as(client, pekka.email)
    post_form(client, _section_url(section), action=f"/kommentit/{mine.id}/samaa-mielta", agree="1")
    assert "Pekka Puupää" in _html(client, section)
    post_form(client, "/profiili/poista", confirm="y")
    html = _html(app.test_client(), section)
    assert "Jää näkyviin" in html and "Poistettu käyttäjä" in html and "Pekka" not in html
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).author_id is None
    assert db.session.get(Comment, mine.id).agree_count == 0


def test_deleting_an_account_with_its_comments(
    app: Flask, client: FlaskClient, section, maija, pekka
) -> None:
    comment = make_comment(section, pekka, "Lähtee mukana")
    make_comment(section, maija, "Vastaus jää", parent=comment)
    login_as(client, pekka.email)
    post_form(client, "/profiili/poista", confirm="y", delete_comments="y")
    html = _html(app.test_client(), section)
    assert "Lähtee mukana" not in html and "Vastaus jää" in html


def test_a_name_change_shows_at_once_in_the_discussion(client: FlaskClient, section, maija) -> None:
    make_comment(section, maija, "Nimi vaihtuu")
    assert "Maija Meikäläinen" in _html(client, section)  # now cached
    login_as(client, maija.email)
    post_form(
        client,
        "/profiili",
        display_name="Maija M.",
        organisation="",
        organisation_type="",
        region="",
        name_display="full_name",
        pseudonym="",
    )
    html = _html(client, section)
    assert "Maija M." in html and "Maija Meikäläinen" not in html


def test_my_data_holds_my_comments(client: FlaskClient, section, maija) -> None:
    make_comment(section, maija, "Omaa dataa", quote="lainaus")
    login_as(client, maija.email)
    data = client.get("/profiili/tiedot").get_json()
    assert [(c["text"], c["quote"]) for c in data["comments"]] == [("Omaa dataa", "lainaus")]


# --- fast --------------------------------------------------------------------------------------


def _seed(section, authors, count: int) -> None:
    import random

    rng = random.Random(1)
    ids: list[Comment] = []
    for number in range(count):
        parent = rng.choice(ids[-40:]) if ids and rng.random() < 0.6 else None
        ids.append(
            make_comment(
                section, authors[number % len(authors)], f"Kommentti {number}", parent=parent
            )
        )


@pytest.mark.parametrize("cached", [False, True])
def test_the_section_page_takes_a_fixed_number_of_queries(
    app: Flask, section, maija, pekka, count_queries, cached: bool
) -> None:
    client = app.test_client()
    login_as(client, pekka.email)

    def queries() -> int:
        client.get(_section_url(section))  # warm up: translations, templates, the visit marker
        if not cached:
            app.extensions.pop("valuma_thread_cache")  # empty again: a first view
        with count_queries() as counter:
            response = client.get(_section_url(section))
        assert response.status_code == 200
        return counter.count

    _seed(section, [maija, pekka], 10)
    db.session.execute(
        Agreement.__table__.insert(),
        [
            {"comment_id": c, "user_id": pekka.id, "created_at": utcnow()}
            for c in db.session.scalars(select(Comment.id)).all()[:5]
        ],
    )
    db.session.commit()
    ten = queries()
    _seed(section, [maija, pekka], 490)
    five_hundred = queries()
    assert ten == five_hundred
    # user, workspace, section, its attachments, the viewer's agreements, own unpublished
    # comments, how own comments were used, the sections before and after it and the questions
    # on the section's page; a first view adds the comments and who agreed
    assert five_hundred <= (11 if not cached else 9)


def test_the_status_answers_304_while_nothing_changes(client: FlaskClient, section, maija) -> None:
    first = client.get(f"{_section_url(section)}/tila")
    assert first.status_code == 200 and first.get_json()["count"] == 0
    etag = first.headers["ETag"]
    again = client.get(f"{_section_url(section)}/tila", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    make_comment(section, maija, "Uusi")
    changed = client.get(f"{_section_url(section)}/tila", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.get_json()["count"] == 1
    assert changed.headers["ETag"] != etag


def test_without_redis_a_poll_asks_the_database_for_the_workspace_and_the_section(
    client: FlaskClient, section, count_queries
) -> None:
    """A server on its own: the workspace (for the permission check) and one query for the
    section's id, publication and version; a change adds the count. (With Redis, none:
    tests/test_shared_state.py.)"""
    etag = client.get(f"{_section_url(section)}/tila").headers["ETag"]
    with count_queries() as unchanged:
        assert (
            client.get(f"{_section_url(section)}/tila", headers={"If-None-Match": etag}).status_code
            == 304
        )
    assert unchanged.count == 2
    with count_queries() as first:
        assert client.get(f"{_section_url(section)}/tila").status_code == 200
    assert first.count == 3


def test_preview_renders_as_saving_would(client: FlaskClient, section, maija) -> None:
    login_as(client, maija.email)
    response = post_form(
        client, _section_url(section), action="/esikatselu", body="*hei* <script>x</script>"
    )
    assert response.status_code == 200
    assert response.get_data(as_text=True).startswith("<p><em>hei</em> &lt;script&gt;")
