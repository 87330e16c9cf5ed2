"""Reading and discussing in one flow, in a browser: a section's discussion opens in place on its
page with and without JavaScript, and a long discussion shows the rest in place."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible

PAGE = "/sivu/tausta"
SECTION = "selvityksen-tarkoitus"
LONG = "aikataulu"


def _add(live_server: Any, slug: str, email: str, body: str) -> int:
    from valuma_space.auth.services import ensure_user
    from valuma_space.comments.services import add_comment
    from valuma_space.extensions import db
    from valuma_space.materials.services import section_with_page
    from valuma_space.workspaces.services import current_workspace

    with live_server.app.app_context():
        author, _ = ensure_user(email)
        author.display_name, author.profile_completed = email.split("@")[0].title(), True
        comment, _ = add_comment(section_with_page(current_workspace(), slug), author, body)
        db.session.commit()
        return comment.id


@pytest.fixture
def no_js_page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="fi-FI", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def _open_the_discussion(page: Any, live_server: Any, axe: Any | None, comment_id: int) -> None:
    details = page.locator(f"#keskustelu-{SECTION}")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}{PAGE}")
        expect(details).not_to_have_attribute("open", "")
        expect(page.locator(f"#c{comment_id}")).to_be_hidden()
        summary = details.locator(":scope > summary")  # not those of the agreements inside
        box = summary.bounding_box()
        assert box["height"] >= 24 and box["width"] >= 24
        summary.click()
        expect(page.locator(f"#c{comment_id}")).to_be_visible()
        expect(details.get_by_role("link", name="Kirjaudu / Rekisteröidy")).to_be_visible()
        if axe is not None:
            assert_accessible(axe, page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_discussion_opens_on_its_page_without_javascript(
    no_js_page: Any, live_server: Any
) -> None:
    """axe needs scripts to run (an awaited evaluate never settles without them); the page
    loads no script of its own, so the test with JavaScript checks the same opened page."""
    comment = _add(live_server, SECTION, "lukija-ilman-js@kunta.fi", "Luettu ilman skriptejä")
    _open_the_discussion(no_js_page, live_server, None, comment)


def test_a_discussion_opens_on_its_page_with_javascript(
    page: Any, live_server: Any, axe: Any
) -> None:
    comment = _add(live_server, SECTION, "lukija-js@kunta.fi", "Luettu skriptien kanssa")
    _open_the_discussion(page, live_server, axe, comment)


@pytest.fixture(scope="module")
def long_discussion(live_server: Any) -> list[int]:
    """22 more threads in one section of the shared demo, added once for this module."""
    return [
        _add(live_server, LONG, f"pitka{n}@kunta.fi", f"Pitkän keskustelun ketju {n}")
        for n in range(22)
    ]


def test_a_long_discussion_shows_the_rest_in_place(
    page: Any, live_server: Any, axe: Any, long_discussion: list[int]
) -> None:
    ids = long_discussion
    page.goto(f"{live_server.url}/osio/{LONG}")
    page.wait_for_selector(".discussion[data-ready]", state="attached")
    # Other tests write here too: the newest of these 22 threads is past the first 20.
    expect(page.locator(f"#c{ids[21]}")).not_to_be_attached()
    assert_accessible(axe, page)
    page.get_by_role("link", name="Näytä kaikki").click()
    expect(page.locator(f"#c{ids[21]}")).to_be_visible()
    assert "kaikki=1" in page.url
    expect(page.get_by_role("link", name="Näytä kaikki")).to_have_count(0)
    assert_accessible(axe, page)


def test_a_long_discussion_without_javascript(
    no_js_page: Any, live_server: Any, long_discussion: list[int]
) -> None:
    page = no_js_page
    page.goto(f"{live_server.url}/osio/{LONG}")
    expect(page.locator(f"#c{long_discussion[21]}")).to_have_count(0)
    page.get_by_role("link", name="Näytä kaikki").click()
    expect(page.locator(f"#c{long_discussion[21]}")).to_be_visible()
    assert "kaikki=1" in page.url
    expect(page.get_by_role("link", name="Näytä kaikki")).to_have_count(0)
