"""In Chromium: a moderator shows one alternative to participants and keeps a draft back,
publishes with the matrix public, then withdraws the shown one; the export form offers formats
by name and the export's language. Every page at 0 axe violations, at 1280 and 390 px."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in

SHOTS = os.environ.get("VALUMA_SCREENSHOTS")


def _check(page: Any, axe: Any, name: str) -> None:
    """No axe violation and no sideways scrolling at either width; with VALUMA_SCREENSHOTS,
    the page kept as it looks."""
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), width
        assert_accessible(axe, page)
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 720})


def _add(page: Any, live_server: Any, title: str, status: str, shown: bool) -> None:
    page.goto(f"{live_server.url}/mallit/")
    page.get_by_label("Rahoitusvaihtoehto").check()
    page.get_by_label("Otsikko").fill(title)
    page.get_by_label("Kuvaus (Markdown)").fill(f"{title}: *kuvaus*.")
    page.get_by_label("Tila").select_option(status)
    if shown:
        page.get_by_label("Näytetään osallistujille").check()
    page.get_by_role("button", name="Lisää vaihtoehto").click()
    expect(page.locator("h1")).to_have_text(title)


def test_only_shown_alternatives_reach_participants_and_withdrawing_keeps_comments(
    browser: Any, page: Any, live_server: Any, axe: Any
) -> None:
    sign_in(page, live_server, "moderaattori@valuma.example", "/mallit/")
    _add(page, live_server, "Alueiden yhteinen verkostorahasto", "under_discussion", shown=True)
    _add(page, live_server, "Keskeneräinen rahoitusluonnos", "draft", shown=False)
    page.goto(f"{live_server.url}/mallit/")
    draft = page.locator("li").filter(has_text="Keskeneräinen rahoitusluonnos")
    expect(draft).to_contain_text("ei näytetä osallistujille")
    page.get_by_label("Näytä arviointimatriisi osallistujille").check()
    page.get_by_role("button", name="Julkaise vaihtoehdot").click()

    reader = browser.new_context(locale="fi-FI").new_page()
    reader.goto(f"{live_server.url}/sivu/mallivaihtoehdot")
    expect(reader.get_by_role("heading", name="Alueiden yhteinen verkostorahasto")).to_be_visible()
    expect(reader.get_by_text("Keskeneräinen rahoitusluonnos")).to_have_count(0)
    expect(reader.get_by_text("Päivitetty ")).to_be_visible()
    reader.get_by_role("link", name="Arviointimatriisi: vaihtoehdot kriteereittäin").click()
    expect(reader.locator("h1")).to_be_visible()
    reader.go_back()
    _check(reader, axe, "alternatives-published")
    # The demo's own alternatives are published on the same page: open this one's discussion.
    reader.get_by_role(
        "link", name=re.compile(r"Keskustele osiosta\W+Alueiden yhteinen verkostorahasto")
    ).click()
    discussion = reader.url

    page.goto(f"{live_server.url}/mallit/")
    page.get_by_role("link", name="Alueiden yhteinen verkostorahasto").click()
    page.get_by_text("Muokkaa vaihtoehtoa").click()
    page.get_by_label("Näytetään osallistujille").uncheck()
    page.get_by_role("button", name="Tallenna").click()
    reader.goto(f"{live_server.url}/sivu/mallivaihtoehdot")
    expect(reader.get_by_text("Alueiden yhteinen verkostorahasto")).to_have_count(0)
    reader.goto(discussion)
    expect(reader.get_by_text("on vedetty pois keskustelusta")).to_be_visible()
    _check(reader, axe, "alternatives-withdrawn")
    reader.context.close()


def test_the_export_form_offers_formats_by_name_and_languages(
    page: Any, live_server: Any, axe: Any
) -> None:
    sign_in(page, live_server, "moderaattori@valuma.example", "/moderointi/vienti/")
    formats = page.get_by_label("Muoto").locator("option").all_inner_texts()
    assert "Raportti (Word)" in formats and "report-docx" not in formats
    expect(page.locator("select#x-lang")).to_have_value("fi")
    _check(page, axe, "export-form")
