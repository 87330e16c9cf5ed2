from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import assert_accessible

LANGUAGES = {
    "fi": "Siirry sisältöön",
    "sv": "Gå till innehållet",
    "en": "Skip to content",
}


def _choose_language(page: Any, live_server: Any, language: str) -> None:
    page.goto(f"{live_server.url}/")
    page.locator(f'nav.lang-nav a[hreflang="{language}"]').click()
    page.wait_for_load_state()


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
@pytest.mark.parametrize(
    "path", ["/", "/sivu/tausta", "/osio/paatavoitteet", "/saavutettavuus", "/ei-ole"]
)
def test_reading_pages_are_accessible_in_every_language(
    page: Any, live_server: Any, axe: Any, language: str, path: str
) -> None:
    _choose_language(page, live_server, language)
    response = page.goto(f"{live_server.url}{path}")
    assert response is not None
    assert response.status == (404 if path == "/ei-ole" else 200)
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator(".skip-link").inner_text() == LANGUAGES[language]
    assert_accessible(axe, page)


def test_a_newcomer_reads_the_study(page: Any, live_server: Any) -> None:
    page.goto(f"{live_server.url}/")
    assert "VALUMA" in page.locator("h1").inner_text()
    page.get_by_role("link", name="Aineistonkeruun vaiheet").first.click()
    assert page.locator("h1").inner_text() == "Aineistonkeruun vaiheet"
    page.get_by_role("link", name=re.compile(r"Keskustele osiosta\W+Vaihe 2")).click()
    assert page.url.endswith("/osio/vaihe-2-hyvat-kaytannot-ja-haasteet#discussion-heading")
    # The section's own text: its discussion's comments are articles too.
    assert "pohjoismaissa" in page.locator("[data-section-text]").inner_text()


def test_the_keyboard_reaches_the_content_first(page: Any, live_server: Any) -> None:
    page.goto(f"{live_server.url}/sivu/tausta")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("element => element === document.activeElement")
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_pages_fit_a_phone_screen(browser: Any, live_server: Any) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fi-FI")
    page = context.new_page()
    page.goto(f"{live_server.url}/sivu/tausta")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    context.close()
    assert overflow <= 0
