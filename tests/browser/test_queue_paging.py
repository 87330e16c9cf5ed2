"""The moderation queue's first, previous and next links in Chromium: plain links that work
without JavaScript, keep the filters, and leave the page as accessible as it was."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import assert_accessible, sign_in

MODERATOR = "sivutus-mod@valuma.example"


@pytest.fixture
def small_pages(live_server: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages of three rows, so that the demo's comments fill several."""
    from valuma_space.auth.models import Role
    from valuma_space.auth.services import ensure_user
    from valuma_space.extensions import db
    from valuma_space.moderation import services

    monkeypatch.setattr(services, "QUEUE_PAGE_SIZE", 3)
    with live_server.app.app_context():
        ensure_user(MODERATOR, Role.MODERATOR)
        db.session.commit()


def rows(page: Any) -> list[str]:
    return page.locator("table.queue-table tbody tr td.queue-text a").all_inner_texts()


def test_the_queue_pages_by_plain_links_without_javascript(
    browser: Any, live_server: Any, small_pages: None
) -> None:
    context = browser.new_context(locale="fi-FI", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server, MODERATOR, "/moderointi/?kind=comment")
    pager = page.get_by_role("navigation", name="Sivut", exact=True)
    first = rows(page)
    assert len(first) == 3 and "sivu 1 /" in page.locator("p[role=status]").inner_text()
    assert pager.get_by_role("link", name="Edellinen sivu").count() == 0

    pager.get_by_role("link", name="Seuraava sivu").click()
    second = rows(page)
    assert "sivu 2 /" in page.locator("p[role=status]").inner_text()
    assert "kind=comment" in page.url and "after=" in page.url
    assert set(second).isdisjoint(first)

    pager.get_by_role("link", name="Seuraava sivu").click()
    pager.get_by_role("link", name="Edellinen sivu").click()
    assert rows(page) == second and "kind=comment" in page.url
    pager.get_by_role("link", name="Ensimmäinen sivu").click()
    assert rows(page) == first and "kind=comment" in page.url
    context.close()


def test_a_paged_queue_is_accessible(
    page: Any, live_server: Any, axe: Any, small_pages: None
) -> None:
    sign_in(page, live_server, MODERATOR, "/moderointi/")
    page.get_by_role("navigation", name="Sivut", exact=True).get_by_role(
        "link", name="Seuraava sivu"
    ).click()
    assert page.get_by_role("navigation", name="Sivut", exact=True).get_by_role("link").count() == 3
    assert_accessible(axe, page)
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 321
