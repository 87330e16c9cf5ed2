"""Model design through HTTP: themes, alternatives, criteria, links, the matrix, publishing."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import insert, select

from tests.factories import make_comment, make_page, make_section, make_user, make_workspace
from tests.helpers import csrf_token, login_as, post_form, send_as
from valuma_space.auth.models import Role
from valuma_space.comments.models import Comment
from valuma_space.db import utcnow
from valuma_space.extensions import db
from valuma_space.materials.models import Section
from valuma_space.modeldesign.models import (
    Alternative,
    Assessment,
    CommentLink,
    Criterion,
    Theme,
    comment_themes,
)


@pytest.fixture
def setup(app: Flask):
    workspace = make_workspace()
    section = make_section(make_page(workspace, "Tausta"), "Rahoitus", "Teksti.")
    author = make_user("osallistuja@kunta.fi", display_name="Osallistuja", profile_completed=True)
    make_user("mallittaja@valuma.fi", role=Role.MODERATOR, profile_completed=True)
    comment = make_comment(section, author, "Rahoitus pitää sitoa tuloksiin.")
    moderator = app.test_client()
    login_as(moderator, "mallittaja@valuma.fi")
    return {
        "workspace": workspace,
        "section": section,
        "author": author,
        "comment": comment,
        "moderator": moderator,
    }


def _post(client: FlaskClient, path: str, **data: str):
    token = csrf_token(client.get("/mallit/").get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, **data})


def _design(client: FlaskClient) -> tuple[Alternative, Criterion]:
    _post(
        client,
        "/mallit/vaihtoehdot",
        kind="operating_model",
        title="Verkostojen ohjelma",
        description="Kansallinen *ohjelma*.",
        status="under_discussion",
        shown="y",
    )
    _post(client, "/mallit/kriteerit", name="Kustannukset")
    _post(client, "/mallit/teemat", name="Rahoitus")
    return db.session.scalars(select(Alternative)).one(), db.session.scalars(
        select(Criterion)
    ).one()


def test_a_moderator_defines_alternatives_criteria_and_themes(setup) -> None:
    client = setup["moderator"]
    alternative, _criterion = _design(client)
    assert alternative.description_html == "<p>Kansallinen <em>ohjelma</em>.</p>\n"
    html = client.get("/mallit/").get_data(as_text=True)
    assert "Verkostojen ohjelma" in html and "Kustannukset" in html and "Rahoitus" in html
    empty = _post(
        client,
        "/mallit/vaihtoehdot",
        kind="funding_option",
        title="",
        description="Teksti jää",
        status="draft",
    )
    assert empty.status_code == 400 and "Teksti jää" in empty.get_data(as_text=True)


def test_tag_link_and_see_it_on_the_alternative_page_and_the_matrix(app: Flask, setup) -> None:
    client, comment = setup["moderator"], setup["comment"]
    alternative, criterion = _design(client)
    theme = db.session.scalars(select(Theme)).one()
    _post(client, f"/mallit/kommentit/{comment.id}/teemat", themes=str(theme.id))
    assert db.session.execute(select(comment_themes)).all() == [(comment.id, theme.id)]
    _post(
        client,
        f"/mallit/kommentit/{comment.id}/linkit",
        alternative=str(alternative.id),
        criterion=str(criterion.id),
        stance="opposes",
        note="Kustannusriski",
    )
    case = client.get(f"/moderointi/kommentit/{comment.id}").get_data(as_text=True)
    assert "Vastustaa" in case and "Verkostojen ohjelma" in case
    page = client.get(f"/mallit/vaihtoehdot/{alternative.id}").get_data(as_text=True)
    assert "Kustannukset · Vastustaa (1)" in page and "Rahoitus pitää sitoa" in page
    matrix = re.sub(r"<[^>]+>", "", client.get("/mallit/matriisi").get_data(as_text=True))
    assert "vastustaa 1" in matrix
    _post(
        client,
        f"/mallit/matriisi/{alternative.id}/{criterion.id}",
        score="-1",
        reason="Kallis ylläpitää",
    )
    _post(
        client,
        f"/mallit/matriisi/{alternative.id}/{criterion.id}",
        score="1",
        reason="Uudistettu rahoitus",
    )
    matrix = re.sub(r"<[^>]+>", "", client.get("/mallit/matriisi").get_data(as_text=True))
    assert "Arvio +1" in matrix and "Uudistettu rahoitus" in matrix
    cell = client.get(f"/mallit/matriisi/{alternative.id}/{criterion.id}").get_data(as_text=True)
    assert "Kallis ylläpitää" in cell  # the history is kept
    bad = _post(client, f"/mallit/matriisi/{alternative.id}/{criterion.id}", score="7", reason="x")
    assert bad.status_code == 400
    assert len(db.session.scalars(select(Assessment)).all()) == 2

    participant = app.test_client()
    login_as(participant, setup["author"].email)
    own = participant.get(f"/osio/{setup['section'].slug}").get_data(as_text=True)
    assert "Huomioitu mallityössä: Verkostojen ohjelma – Kustannukset" in own
    other = app.test_client()
    assert "Huomioitu mallityössä" not in other.get(f"/osio/{setup['section'].slug}").get_data(
        as_text=True
    )
    assert other.get("/mallit/matriisi").status_code == 404


def test_an_edit_after_linking_shows_in_the_queue(app: Flask, setup) -> None:
    client, comment = setup["moderator"], setup["comment"]
    alternative, _criterion = _design(client)
    _post(
        client,
        f"/mallit/kommentit/{comment.id}/linkit",
        alternative=str(alternative.id),
        stance="supports",
    )
    author = app.test_client()
    login_as(author, setup["author"].email)
    post_form(
        author, f"/kommentit/{comment.id}/muokkaa", body="Muutettu kanta", kind="comment", quote=""
    )
    assert "Muokattu liittämisen jälkeen" in client.get("/moderointi/").get_data(as_text=True)


def test_links_can_be_removed_and_themes_added_in_bulk(setup) -> None:
    client, comment = setup["moderator"], setup["comment"]
    alternative, _criterion = _design(client)
    _post(
        client,
        f"/mallit/kommentit/{comment.id}/linkit",
        alternative=str(alternative.id),
        stance="asks",
    )
    link = db.session.scalars(select(CommentLink)).one()
    _post(client, f"/mallit/linkit/{link.id}/poista")
    assert db.session.scalars(select(CommentLink)).all() == []
    second = make_comment(setup["section"], setup["author"], "Toinen")
    theme = db.session.scalars(select(Theme)).one()
    token = csrf_token(client.get("/moderointi/").get_data(as_text=True))
    client.post(
        "/mallit/teemat/joukko",
        data={
            "csrf_token": token,
            "theme": str(theme.id),
            "ids": [str(comment.id), str(second.id)],
        },
    )
    assert len(db.session.execute(select(comment_themes)).all()) == 2


def test_publishing_makes_a_page_participants_comment_on(app: Flask, setup) -> None:
    client = setup["moderator"]
    alternative, _criterion = _design(client)
    response = _post(client, "/mallit/julkaise", show_matrix="y")
    assert response.headers["Location"] == "/sivu/mallivaihtoehdot"
    reader = app.test_client()
    html = reader.get("/sivu/mallivaihtoehdot").get_data(as_text=True)
    assert "Verkostojen ohjelma" in html and "<em>ohjelma</em>" in html
    assert reader.get("/mallit/matriisi").status_code == 200
    db.session.expire_all()
    assert db.session.get(Alternative, alternative.id).section_id is not None
    _post(
        client,
        f"/mallit/vaihtoehdot/{alternative.id}",
        kind="operating_model",
        title="Verkostojen ohjelma",
        description="Uusi kuvaus",
        status="proposed",
        shown="y",
    )
    _post(client, "/mallit/julkaise")
    assert "Uusi kuvaus" in reader.get("/sivu/mallivaihtoehdot").get_data(as_text=True)


def test_only_alternatives_shown_to_participants_are_published(app: Flask, setup) -> None:
    client = setup["moderator"]
    shown, _criterion = _design(client)
    _post(
        client,
        "/mallit/vaihtoehdot",
        kind="funding_option",
        title="Luonnos rahoituksesta",
        description="Keskeneräinen.",
        status="draft",
    )
    _post(client, "/mallit/julkaise")
    reader = app.test_client()
    page = reader.get("/sivu/mallivaihtoehdot").get_data(as_text=True)
    assert "Verkostojen ohjelma" in page and "Luonnos rahoituksesta" not in page
    assert "Päivitetty " in page
    # The matrix is not public yet: nothing links it, and it answers 404.
    assert "/mallit/matriisi" not in page and reader.get("/mallit/matriisi").status_code == 404
    _post(client, "/mallit/julkaise", show_matrix="y")
    page = reader.get("/sivu/mallivaihtoehdot").get_data(as_text=True)
    assert 'href="/mallit/matriisi"' in page
    assert reader.get("/mallit/matriisi").status_code == 200

    # A participant comments on the shown alternative; then it is switched off, and at once
    # it is gone from the page, its comments stay and say it was withdrawn.
    db.session.expire_all()
    section = db.session.get(Section, db.session.get(Alternative, shown.id).section_id)
    make_comment(section, setup["author"], "Hyvä vaihtoehto.")
    _post(
        client,
        f"/mallit/vaihtoehdot/{shown.id}",
        kind="operating_model",
        title="Verkostojen ohjelma",
        description="Kansallinen *ohjelma*.",
        status="under_discussion",
    )
    page = reader.get("/sivu/mallivaihtoehdot").get_data(as_text=True)
    assert "Verkostojen ohjelma" not in page
    # Moderators still find it among the materials, marked.
    materials = client.get("/hallinta/aineisto").get_data(as_text=True)
    assert "Verkostojen ohjelma" in materials and "Vedetty pois keskustelusta" in materials
    thread = reader.get(f"/osio/{section.slug}").get_data(as_text=True)
    assert "Hyvä vaihtoehto." in thread and "vedetty pois keskustelusta" in thread
    participant = app.test_client()
    login_as(participant, "osallistuja@kunta.fi")
    refused = post_form(
        participant,
        f"/osio/{section.slug}",
        action=f"/osio/{section.slug}/kommentoi",
        body="Vielä yksi.",
    )
    assert refused.status_code in {400, 409} and "vedetty pois" in refused.get_data(as_text=True)
    assert db.session.query(Comment).filter_by(body_markdown="Vielä yksi.").count() == 0


DESIGN_ROUTES = [
    ("GET", "/mallit/"),
    ("POST", "/mallit/vaihtoehdot"),
    ("GET", "/mallit/vaihtoehdot/{alt}"),
    ("POST", "/mallit/kriteerit"),
    ("POST", "/mallit/teemat"),
    ("GET", "/mallit/matriisi"),
    ("GET", "/mallit/matriisi/{alt}/{crit}"),
    ("POST", "/mallit/julkaise"),
    ("POST", "/mallit/kommentit/{comment}/teemat"),
    ("POST", "/mallit/kommentit/{comment}/linkit"),
    ("POST", "/mallit/teemat/joukko"),
]


@pytest.mark.parametrize(("method", "template"), DESIGN_ROUTES)
def test_design_authorisation(app: Flask, setup, method: str, template: str) -> None:
    alternative, criterion = _design(setup["moderator"])
    path = template.format(alt=alternative.id, crit=criterion.id, comment=setup["comment"].id)
    make_user("muu@kunta.fi", profile_completed=True)
    make_user("paa@valuma.fi", role=Role.ADMIN, profile_completed=True)
    for who, allowed in (
        (None, False),
        ("osallistuja@kunta.fi", False),
        ("muu@kunta.fi", False),
        ("mallittaja@valuma.fi", True),
        ("paa@valuma.fi", True),
    ):
        client = app.test_client()
        if who:
            login_as(client, who)
        response = send_as(client, method, path, signed_in=who is not None)
        if allowed:
            assert response.status_code in {200, 302, 303, 400}, (path, who, response.status_code)
        elif path == "/mallit/matriisi":
            assert response.status_code == 404, (path, who)  # not published to participants
        elif who is None:
            assert response.status_code == 302 and "/kirjaudu" in response.headers["Location"], path
        else:
            assert response.status_code == 403, (path, who, response.status_code)


def test_matrix_and_alternative_page_take_a_fixed_number_of_queries(
    app: Flask, setup, count_queries
) -> None:
    client, workspace = setup["moderator"], setup["workspace"]

    def seed(alternatives: int, criteria: int, links: int) -> tuple[int, int]:
        db.session.execute(
            insert(Alternative),
            [
                {
                    "workspace_id": workspace.id,
                    "kind": "operating_model",
                    "title": f"Malli {n}",
                    "description_markdown": "",
                    "description_html": "",
                    "status": "draft",
                    "position": n,
                }
                for n in range(alternatives)
            ],
        )
        db.session.execute(
            insert(Criterion),
            [
                {"workspace_id": workspace.id, "name": f"Kriteeri {n}", "position": n}
                for n in range(criteria)
            ],
        )
        alt_ids = db.session.scalars(select(Alternative.id)).all()
        crit_ids = db.session.scalars(select(Criterion.id)).all()
        now = utcnow()
        comments = [
            {
                "section_id": setup["section"].id,
                "author_id": setup["author"].id,
                "kind": "comment",
                "body_markdown": f"M{n}",
                "body_html": f"<p>M{n}</p>",
                "quote": "",
                "visibility": "visible",
                "agree_count": 0,
                "idempotency_key": f"m-{alternatives}-{n}",
                "created_at": now,
                "triage_status": "new",
                "moderation_reason": "",
                "published_at": now,
                "by_moderator": False,
                "section_version": 1,
            }
            for n in range(links)
        ]
        db.session.execute(insert(Comment), comments)
        comment_ids = db.session.scalars(
            select(Comment.id).where(Comment.idempotency_key.like(f"m-{alternatives}-%"))
        ).all()
        db.session.execute(
            insert(CommentLink),
            [
                {
                    "comment_id": c,
                    "alternative_id": alt_ids[n % len(alt_ids)],
                    "criterion_id": crit_ids[n % len(crit_ids)],
                    "stance": ("supports", "opposes", "asks")[n % 3],
                    "note": "",
                    "created_at": now,
                }
                for n, c in enumerate(comment_ids)
            ],
        )
        db.session.execute(
            insert(Assessment),
            [
                {
                    "alternative_id": a,
                    "criterion_id": c,
                    "score": 1,
                    "reason": "r",
                    "created_at": now,
                }
                for a in alt_ids
                for c in crit_ids
            ],
        )
        db.session.commit()
        return alt_ids[0], len(alt_ids)

    def queries(path: str) -> int:
        client.get(path)
        with count_queries() as counter:
            assert client.get(path).status_code == 200
        return counter.count

    first, _ = seed(2, 2, 20)
    small = (queries("/mallit/matriisi"), queries(f"/mallit/vaihtoehdot/{first}"))
    seed(18, 8, 4980)
    assert db.session.scalar(select(db.func.count(CommentLink.id))) == 5000
    large = (queries("/mallit/matriisi"), queries(f"/mallit/vaihtoehdot/{first}"))
    assert small == large
    html = client.get("/mallit/matriisi").get_data(as_text=True)
    assert len(re.findall(r'id="cell-', html)) == 20 * 10
