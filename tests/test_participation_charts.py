"""The participation page's charts and tables, their SVG files, and the invitation list that
tells the organisation type and region of whom was invited.

The figures are checked against counts taken straight from the database here, not through
the service: a published summary counts what every participant reads (visible, published
comments), so a hidden comment's theme tag or link drops out of it."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import distinct, func, select

from tests.chart_data import seed_chart_data
from tests.factories import make_comment, make_page, make_section, make_user, make_workspace
from tests.helpers import login_as, post_form
from valuma_space.auth.models import Role, User
from valuma_space.choices import (
    ORGANISATION_TYPE_LABELS,
    REGION_LABELS,
    OrganisationType,
    Region,
)
from valuma_space.comments.models import Comment, Visibility
from valuma_space.extensions import db
from valuma_space.modeldesign.models import (
    STANCE_LABELS,
    Alternative,
    CommentLink,
    Stance,
    Theme,
    comment_themes,
)
from valuma_space.moderation.services import hide
from valuma_space.workspaces.models import Invitation

FIGURES = [
    "organisaatiot",
    "alueet",
    "osiot",
    "viikot",
    "alueet-teemat",
    "organisaatiot-vaihtoehdot",
]
VISIBLE = (Comment.visibility == Visibility.VISIBLE) & Comment.published_at.is_not(None)


@pytest.fixture
def setup(app: Flask):
    workspace = make_workspace()
    page = make_page(workspace, "Tausta")
    sections = [make_section(page, f"Osio {n}", "Teksti.") for n in range(3)]
    moderator_user = make_user(
        "moderaattori@valuma.fi", role=Role.MODERATOR, profile_completed=True
    )
    seed_chart_data(workspace, sections, moderator_user, comments=30)
    db.session.commit()
    client = app.test_client()
    login_as(client, moderator_user.email)
    return {
        "workspace": workspace,
        "sections": sections,
        "moderator": moderator_user,
        "client": client,
    }


def table_of(html: str, figure: str) -> list[list[str]]:
    """The rows of the table in the figure's card, each cell's text."""
    start = html.index(f'id="{figure}"')
    card = html[start : html.index("</section>", start)]
    table = card[card.index("<table") : card.index("</table>")]
    return [
        [
            unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
    ]


def page_html(client: FlaskClient) -> str:
    response = client.get("/moderointi/osallistuminen")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def themes_by_region_from_db() -> dict[tuple[str, str], int]:
    rows = db.session.execute(
        select(User.region, Theme.name, func.count())
        .select_from(comment_themes)
        .join(Theme, Theme.id == comment_themes.c.theme_id)
        .join(Comment, Comment.id == comment_themes.c.comment_id)
        .join(User, User.id == Comment.author_id)
        .where(VISIBLE)
        .group_by(User.region, Theme.name)
    ).all()
    return {(str(REGION_LABELS[region]), theme): count for region, theme, count in rows}


def test_region_by_theme_equals_the_database(setup) -> None:
    html = page_html(setup["client"])
    header, *rows = table_of(html, "alueet-teemat")
    shown = {
        (row[0], theme): int(value)
        for row in rows
        for theme, value in zip(header[1:], row[1:], strict=True)
        if int(value)
    }
    expected = themes_by_region_from_db()
    assert shown == expected and sum(expected.values()) > 20


def test_a_hidden_comment_leaves_the_theme_and_stance_counts(setup) -> None:
    client = setup["client"]
    before_themes = themes_by_region_from_db()
    comment = db.session.scalars(
        select(Comment)
        .where(Comment.id.in_(select(comment_themes.c.comment_id)))
        .where(Comment.id.in_(select(CommentLink.comment_id)))
        .order_by(Comment.id)
    ).first()
    hide(comment, setup["moderator"], "Asiaton")
    db.session.commit()
    after_themes = themes_by_region_from_db()
    assert sum(after_themes.values()) < sum(before_themes.values())
    html = page_html(client)
    _header, *rows = table_of(html, "alueet-teemat")
    total = sum(int(v) for row in rows for v in row[1:])
    assert total == sum(after_themes.values())
    _, *stance_rows = table_of(html, "organisaatiot-vaihtoehdot")
    assert sum(int(v) for row in stance_rows for v in row[2:]) == stance_total_from_db()


def stance_total_from_db() -> int:
    return sum(stances_from_db().values())


def stances_from_db() -> dict[tuple[str, str, str], int]:
    """(alternative, organisation type label, stance label) → distinct visible comments."""
    rows = db.session.execute(
        select(
            Alternative.title,
            User.organisation_type,
            CommentLink.stance,
            func.count(distinct(Comment.id)),
        )
        .select_from(CommentLink)
        .join(Alternative, Alternative.id == CommentLink.alternative_id)
        .join(Comment, Comment.id == CommentLink.comment_id)
        .join(User, User.id == Comment.author_id)
        .where(VISIBLE, CommentLink.stance != Stance.ASKS)
        .group_by(Alternative.title, User.organisation_type, CommentLink.stance)
    ).all()
    return {
        (title, str(ORGANISATION_TYPE_LABELS[kind]), str(STANCE_LABELS[stance])): count
        for title, kind, stance, count in rows
    }


def test_organisation_type_by_alternative_equals_the_database(setup) -> None:
    html = page_html(setup["client"])
    header, *rows = table_of(html, "organisaatiot-vaihtoehdot")
    assert header[:2] == ["Vaihtoehto", "Organisaation tyyppi"]
    assert header[2:] == ["Tukee", "Vastustaa", "Ehdottaa muutosta"]
    shown = {
        (row[0], row[1], stance): int(value)
        for row in rows
        for stance, value in zip(header[2:], row[2:], strict=True)
        if int(value)
    }
    expected = stances_from_db()
    assert shown == expected and sum(expected.values()) > 10


def test_invited_registered_and_commented_by_organisation_type(setup) -> None:
    html = page_html(setup["client"])
    header, *rows = table_of(html, "organisaatiot")
    assert header[1:] == ["Kutsuttuja", "Rekisteröityneitä", "Kommentoineita"]
    invited = dict(
        db.session.execute(
            select(Invitation.organisation_type, func.count()).group_by(
                Invitation.organisation_type
            )
        ).all()
    )
    registered = dict(
        db.session.execute(
            select(User.organisation_type, func.count())
            .where(User.role == Role.PARTICIPANT)
            .group_by(User.organisation_type)
        ).all()
    )
    commented = dict(
        db.session.execute(
            select(User.organisation_type, func.count(distinct(User.id)))
            .join(Comment, Comment.author_id == User.id)
            .where(Comment.published_at.is_not(None), Comment.visibility != Visibility.DELETED)
            .where(Comment.visibility != Visibility.PENDING)
            .group_by(User.organisation_type)
        ).all()
    )
    for label, *figures in rows:
        kind = next((k for k, v in ORGANISATION_TYPE_LABELS.items() if str(v) == label), None)
        assert [int(f) for f in figures] == [
            invited.get(kind, 0),
            registered.get(kind, 0),
            commented.get(kind, 0),
        ], label
    assert {row[0] for row in rows} >= {"Kunta tai kaupunki", "Maakunnan liitto"}


def test_charts_have_no_scaling_viewbox_and_every_figure_a_download(setup) -> None:
    html = page_html(setup["client"])
    charts = re.findall(r"<svg[^>]*>", html)
    assert len(charts) >= len(FIGURES)
    assert not [svg for svg in charts if 'class="chart"' in svg and "viewBox" in svg]
    for name in FIGURES:
        assert f'href="/moderointi/osallistuminen/{name}.svg"' in html


@pytest.mark.parametrize("name", FIGURES)
def test_svg_download_is_a_standalone_file(setup, name: str) -> None:
    response = setup["client"].get(f"/moderointi/osallistuminen/{name}.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert re.search(rf'filename="valuma-{name}-\d{{4}}-\d{{2}}-\d{{2}}\.svg"', disposition)
    root = ET.fromstring(response.get_data())  # noqa: S314 (the app's own response)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg"
    assert int(root.get("width")) >= 400 and int(root.get("height")) > 50
    style = root.find(f"{ns}style")
    assert style is not None and "font-family" in style.text
    texts = list(root.iter(f"{ns}text"))
    assert texts and any((t.text or "").strip() for t in texts)


def test_downloads_are_for_moderators_only(setup, app: Flask) -> None:
    assert setup["client"].get("/moderointi/osallistuminen/tuntematon.svg").status_code == 404
    participant = app.test_client()
    make_user("osallistuja@kunta.fi", profile_completed=True)
    login_as(participant, "osallistuja@kunta.fi")
    assert participant.get("/moderointi/osallistuminen/alueet.svg").status_code == 403
    assert app.test_client().get("/moderointi/osallistuminen/alueet.svg").status_code == 302


def test_participation_page_takes_a_fixed_number_of_queries(setup, count_queries) -> None:
    client, sections = setup["client"], setup["sections"]

    def queries() -> int:
        client.get("/moderointi/osallistuminen")
        with count_queries() as counter:
            assert client.get("/moderointi/osallistuminen").status_code == 200
        return counter.count

    small = queries()
    seed_chart_data(setup["workspace"], sections, setup["moderator"], comments=120)
    db.session.commit()
    for n in range(5):
        make_section(sections[0].page, f"Lisäosio {n}", "Teksti.")
    assert db.session.scalar(select(func.count(Comment.id))) >= 150
    assert queries() == small


# --- invitations with organisation type and region --------------------------------------------


@pytest.fixture
def moderator_client(app: Flask) -> FlaskClient:
    make_workspace()
    make_user("kutsuja@valuma.fi", role=Role.MODERATOR, profile_completed=True)
    client = app.test_client()
    login_as(client, "kutsuja@valuma.fi")
    return client


def test_invitation_lines_take_organisation_type_and_region(moderator_client) -> None:
    pasted = "\n".join(
        [
            "maija@tampere.fi, Maija Meikäläinen, Tampereen kaupunki, kunta tai KAUPUNKI, pirkanmaa",
            "olli@liitto.fi\tOlli\tLapin liitto\tregional_council\tLAPPI",
            "ville@tem.fi; Ville; TEM; Ministeriö tai valtion virasto; Valtakunnallinen",
            "pelkka@osoite.fi",
            "tyypiton@kunta.fi, Tyyppi Puuttuu, Kunta, , Kainuu",
        ]
    )
    response = post_form(moderator_client, "/hallinta/kutsut", addresses=pasted)
    assert response.status_code == 302
    found = {
        i.email: (i.organisation_type, i.region) for i in db.session.scalars(select(Invitation))
    }
    assert found == {
        "maija@tampere.fi": (OrganisationType.MUNICIPALITY, Region.PIRKANMAA),
        "olli@liitto.fi": (OrganisationType.REGIONAL_COUNCIL, Region.LAPPI),
        "ville@tem.fi": (OrganisationType.MINISTRY, Region.NATIONAL),
        "pelkka@osoite.fi": (None, None),
        "tyypiton@kunta.fi": (None, Region.KAINUU),
    }
    html = moderator_client.get("/hallinta/kutsut").get_data(as_text=True)
    assert "<td>Maakunnan liitto</td>" in html and "<td>Lappi</td>" in html
    assert '<th scope="col">Organisaation tyyppi</th>' in html


def test_an_unknown_type_or_region_names_its_line_and_invites_nobody(moderator_client) -> None:
    pasted = (
        "hyva@kunta.fi, Hyvä, Kunta, Kunta tai kaupunki, Uusimaa\n"
        "huono@kunta.fi, Huono, Kunta, Kaupunkimainen, Uusimaa\n"
        "toinen@kunta.fi, Toinen, Kunta, Yritys, Atlantis"
    )
    response = post_form(moderator_client, "/hallinta/kutsut", addresses=pasted)
    assert response.status_code == 400
    html = unescape(response.get_data(as_text=True))
    assert "Rivi 2: organisaation tyyppiä ”Kaupunkimainen” ei tunneta" in html
    assert "Rivi 3: aluetta ”Atlantis” ei tunneta" in html
    assert pasted.split("\n")[1] in html  # the form comes back filled in
    assert db.session.scalar(select(func.count(Invitation.id))) == 0


def test_the_page_without_any_comments_still_renders(app: Flask) -> None:
    make_workspace()
    make_user("yksin@valuma.fi", role=Role.MODERATOR, profile_completed=True)
    client = app.test_client()
    login_as(client, "yksin@valuma.fi")
    html = page_html(client)
    assert "Ei vielä lukuja." in html
    for name in FIGURES:
        response = client.get(f"/moderointi/osallistuminen/{name}.svg")
        assert response.status_code == 200
        ET.fromstring(response.get_data())  # noqa: S314 (the app's own response)


def test_a_deleted_authors_theme_tags_count_as_not_told(setup) -> None:
    """A comment whose author's account is gone still counts, under "Ei kerrottu"."""
    section = setup["sections"][0]
    author = make_user("lahtija@kunta.fi", region=Region.KAINUU)
    comment = make_comment(section, author, "Maaseudun rahoitus")
    theme = db.session.scalars(select(Theme).order_by(Theme.id)).first()
    db.session.execute(comment_themes.insert().values(comment_id=comment.id, theme_id=theme.id))
    comment.author_id = None
    db.session.commit()
    header, *rows = table_of(page_html(setup["client"]), "alueet-teemat")
    unknown = next(row for row in rows if row[0] == "Ei kerrottu")
    assert int(unknown[header.index(theme.name)]) == 1
