"""Reading and discussing in one flow: a page shows each section with its discussion folded
under it, a long discussion opens at a readable length, and the rest is one request away."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import make_comment, make_page, make_user, make_workspace
from tests.helpers import login_as
from valuma_space.auth.models import Role, User
from valuma_space.comments.models import Comment
from valuma_space.comments.services import set_agreement
from valuma_space.extensions import db
from valuma_space.materials.models import Page, Section
from valuma_space.moderation.services import hide
from valuma_space.workspaces.models import Workspace

SECRET = "Piilotettu sisältö zq9"


def _html(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def _details_of(html: str, section: Section) -> str:
    """The page's folded discussion of one section."""
    start = html.index(f'id="keskustelu-{section.slug}"')
    return html[start : html.index('</details>\n      <p class="section-actions"', start)]


def _threads(section: Section, users: list[User], count: int, replies: int = 0) -> list[Comment]:
    roots = []
    for n in range(count):
        root = make_comment(section, users[n % len(users)], f"Ketju {n + 1} alkaa tästä.")
        roots.append(root)
        for r in range(replies):
            make_comment(section, users[(n + r + 1) % len(users)], f"Vastaus {r + 1}", parent=root)
    return roots


@pytest.fixture
def people(app: Flask) -> dict[str, User]:
    return {
        "maija": make_user("maija@kunta.fi"),
        "pekka": make_user("pekka@kunta.fi"),
        "mona": make_user("mona@valuma.fi", role=Role.MODERATOR),
    }


def test_a_page_shows_every_section_with_its_folded_discussion_and_true_count(
    client: FlaskClient, people: dict[str, User]
) -> None:
    workspace = make_workspace()
    page = make_page(workspace, sections=3)
    first, second, third = page.sections
    _threads(first, [people["maija"], people["pekka"]], 12)
    make_comment(second, people["maija"], "Yksi ainoa kommentti.")
    html = _html(client, f"/sivu/{page.slug}")
    for section in page.sections:
        assert f'<details class="section-discussion" id="keskustelu-{section.slug}"' in html
        assert f'href="/sivu/{page.slug}#{section.slug}"' in html  # the in-page contents
    assert "12 kommenttia" in _details_of(html, first)
    assert "Ketju 12 alkaa tästä." in _details_of(html, first)
    assert "1 kommentti" in _details_of(html, second)
    assert "Ei vielä kommentteja – aloita keskustelu" in _details_of(html, third)
    # Visitors are asked to sign in; the details hold no form of their own.
    assert "/kirjaudu" in _details_of(html, first)
    assert 'id="kommentoi"' not in html
    login_as(client, people["pekka"].email)
    html = _html(client, f"/sivu/{page.slug}")
    assert f'href="/osio/{third.slug}#kommentoi"' in _details_of(html, third)


def test_the_page_follows_the_reading_rule_in_its_details(
    app: Flask, people: dict[str, User]
) -> None:
    workspace = make_workspace()
    page = make_page(workspace, sections=1)
    section = page.sections[0]
    make_comment(section, people["maija"], "Näkyvä kommentti.")
    hidden = make_comment(section, people["maija"], SECRET)
    hide(hidden, people["mona"], "Asiaton")
    db.session.commit()
    workspace.pre_moderation = True
    db.session.commit()
    waiting = make_comment(section, people["maija"], "Odottava ajatus qq4")
    assert waiting.visibility == "pending"
    visitor, other, author, moderator = (Flask.test_client(app) for _ in range(4))
    login_as(other, people["pekka"].email)
    login_as(author, people["maija"].email)
    login_as(moderator, people["mona"].email)
    for client in (visitor, other, author, moderator):
        details = _details_of(_html(client, f"/sivu/{page.slug}"), section)
        assert SECRET not in details  # moderators read removed texts on the moderation page
        assert "Näkyvä kommentti." in details
        assert "Moderaattori piilotti kommentin" in details
        assert "1 kommentti" in details  # the count everyone sees: visible texts only
    for client, sees in ((visitor, False), (other, False), (author, True), (moderator, True)):
        details = _details_of(_html(client, f"/sivu/{page.slug}"), section)
        assert ("Odottava ajatus qq4" in details) is sees


def _long_discussion(people: dict[str, User]) -> tuple[Section, list[Comment]]:
    workspace = make_workspace()
    page = make_page(workspace, sections=1)
    section = page.sections[0]
    roots = _threads(section, [people["maija"], people["pekka"]], 25)
    return section, roots


def test_a_long_discussion_opens_with_twenty_threads_and_a_link_to_all(
    client: FlaskClient, people: dict[str, User]
) -> None:
    section, roots = _long_discussion(people)
    for n in range(7):
        make_comment(section, people["pekka"], f"Myöhempi vastaus {n}", parent=roots[0])
    html = _html(client, f"/osio/{section.slug}")
    shown = [r for r in roots if f'id="c{r.id}"' in html]
    assert shown == roots[:20]
    assert "Näytä kaikki 25 viestiketjua" in html
    assert f'href="/osio/{section.slug}?kaikki=1#discussion-heading"' in html
    assert "(32)" in html  # the heading keeps the true count
    # The first three replies show, the other four wait in a folded <details>.
    details = html[html.index('<details class="more-replies"') :]
    details = details[: details.index("</details>")]
    assert "Näytä 4 muuta vastausta" in details
    assert "Myöhempi vastaus 0" not in details and "Myöhempi vastaus 3" in details
    full = _html(client, f"/osio/{section.slug}?kaikki=1")
    assert all(f'id="c{r.id}"' in full for r in roots)
    assert "Näytä kaikki" not in full
    # Each order cuts its own first twenty: the newest first shows the last ones.
    newest = _html(client, f"/osio/{section.slug}?order=newest")
    assert [r for r in roots if f'id="c{r.id}"' in newest] == roots[5:]
    assert f'href="/osio/{section.slug}?order=newest&amp;kaikki=1#discussion-heading"' in newest
    # The page's details hold the first twenty too, with the same link.
    page_html = _html(client, f"/sivu/{section.page.slug}")
    assert f'id="c{roots[19].id}"' in page_html and f'id="c{roots[20].id}"' not in page_html
    assert "32 kommenttia" in page_html


def test_a_permalink_beyond_the_first_threads_lands_on_the_comment(
    client: FlaskClient, people: dict[str, User]
) -> None:
    section, roots = _long_discussion(people)
    reply = make_comment(section, people["maija"], "Vastaus myöhäiseen ketjuun", parent=roots[24])
    first = client.get(f"/kommentit/{roots[0].id}")
    assert first.headers["Location"] == f"/osio/{section.slug}#c{roots[0].id}"
    for comment in (roots[24], reply):
        response = client.get(f"/kommentit/{comment.id}")
        assert response.headers["Location"] == f"/osio/{section.slug}?kaikki=1#c{comment.id}"
        assert f'id="c{comment.id}"' in _html(client, response.headers["Location"])
    # A new comment at the end of a long discussion brings its writer to it.
    login_as(client, people["pekka"].email)
    html = _html(client, f"/osio/{section.slug}")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    key = re.search(r'name="idempotency_key" type="hidden" value="([^"]+)"', html)
    assert token and key
    response = client.post(
        f"/osio/{section.slug}/kommentoi",
        data={
            "csrf_token": token.group(1),
            "idempotency_key": key.group(1),
            "kind": "comment",
            "body": "Uusi ketju loppuun",
        },
    )
    assert response.status_code == 303
    assert "?kaikki=1#c" in response.headers["Location"]


def test_previous_and_next_sections_across_pages(
    client: FlaskClient, people: dict[str, User]
) -> None:
    workspace = make_workspace()
    one = make_page(workspace, sections=2)
    two = make_page(workspace, sections=1)
    a, b = one.sections
    (c,) = two.sections
    first = _html(client, f"/osio/{a.slug}")
    assert 'rel="prev"' not in first
    assert f'href="/osio/{b.slug}" rel="next"' in first
    middle = _html(client, f"/osio/{b.slug}")
    assert f'href="/osio/{a.slug}" rel="prev"' in middle
    assert f'href="/osio/{c.slug}" rel="next"' in middle  # on to the next page's first section
    last = _html(client, f"/osio/{c.slug}")
    assert f'href="/osio/{b.slug}" rel="prev"' in last and 'rel="next"' not in last
    assert f'href="/sivu/{two.slug}" rel="next"' in _html(client, f"/sivu/{one.slug}")


def _page_with(workspace: Workspace, people: dict[str, User], sections: int) -> Page:
    page = make_page(workspace, sections=sections)
    for section in page.sections:
        root = make_comment(section, people["maija"], "Juuri")
        make_comment(section, people["pekka"], "Vastaus", parent=root)
        make_comment(section, people["pekka"], "Toinen juuri")
        set_agreement(root, people["pekka"], True)
        db.session.commit()
    return page


@pytest.mark.parametrize("viewer", ["visitor", "participant", "moderator"])
@pytest.mark.parametrize("cached", [True, False])
def test_a_page_takes_the_same_number_of_queries_with_one_or_five_sections(
    app: Flask, people: dict[str, User], count_queries: Callable, viewer: str, cached: bool
) -> None:
    workspace = make_workspace()
    small = _page_with(workspace, people, 1)
    large = _page_with(workspace, people, 5)
    client = app.test_client()
    if viewer != "visitor":
        email = people["pekka" if viewer == "participant" else "mona"].email
        login_as(client, email)

    def queries(page: Page) -> int:
        client.get(f"/sivu/{page.slug}")  # warm up: translations, templates, the visit marker
        if not cached:
            app.extensions.pop("valuma_thread_cache")  # empty again: a first view
        with count_queries() as counter:
            html = _html(client, f"/sivu/{page.slug}")
        assert html.count("Toinen juuri") == len(page.sections)
        return counter.count

    counts = (queries(small), queries(large))
    assert counts[0] == counts[1]
