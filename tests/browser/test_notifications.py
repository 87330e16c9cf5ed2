"""Mentions as you type, and the notification list and settings, in Chromium."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in

SECTION = "/osio/verkostot-ja-painopisteet"


def _participant(live_server: Any, email: str, name: str) -> None:
    """Someone who has taken part: the suggestions offer people whose comments others read."""
    from valuma_space.auth.services import ensure_user
    from valuma_space.comments.services import add_comment
    from valuma_space.extensions import db
    from valuma_space.materials.services import section_with_page
    from valuma_space.workspaces.services import current_workspace

    with live_server.app.app_context():
        user, _ = ensure_user(email)
        user.display_name, user.profile_completed = name, True
        section = section_with_page(current_workspace(), SECTION.rsplit("/", 1)[1])
        add_comment(section, user, "Verkostojen rahoitus kaipaa jatkuvuutta.")
        db.session.commit()


def test_mention_autocomplete_then_the_notification_list_and_settings(
    page: Any, browser: Any, live_server: Any, axe: Any
) -> None:
    _participant(live_server, "mirjami@kunta.fi", "Mirjami Mainittava")
    sign_in(page, live_server, "mainitsija@liitto.fi", SECTION)
    page.wait_for_selector(".discussion[data-ready]", state="attached")

    body = page.locator("#kommentoi textarea[name=body]")
    body.click()
    body.press_sequentially("Kysytään asiantuntijalta @mirj", delay=20)
    options = page.get_by_role("listbox").get_by_role("option")
    expect(options).to_have_text(["Mirjami Mainittava"])
    expect(options.first).to_have_attribute("aria-selected", "true")  # Enter would take it
    body.press("ArrowDown")  # one name: the highlight stays on it
    expect(options.first).to_have_attribute("aria-selected", "true")
    assert_accessible(axe, page)  # with the suggestions open
    body.press("Enter")
    expect(page.get_by_role("listbox")).to_have_count(0)
    body.press_sequentially("mitä mieltä olet?", delay=5)
    expect(body).to_have_value("Kysytään asiantuntijalta @Mirjami Mainittava mitä mieltä olet?")
    body.press("Escape")
    page.locator("#kommentoi").get_by_role("button", name="Lähetä", exact=True).click()
    expect(page.locator(".thread")).to_contain_text("@Mirjami Mainittava mitä mieltä olet?")

    # Escape closes the suggestions, and Enter with them open takes the name, never half of it.
    body = page.locator("#kommentoi textarea[name=body]")
    body.click()
    body.press_sequentially("@Mirj", delay=20)
    expect(page.get_by_role("option")).to_have_count(1)
    body.press("Escape")
    expect(page.get_by_role("listbox")).to_have_count(0)
    body.press_sequentially("a", delay=20)
    expect(page.get_by_role("option")).to_have_count(1)
    body.press("Enter")
    expect(page.get_by_role("listbox")).to_have_count(0)
    expect(body).to_have_value("@Mirjami Mainittava ")

    context = browser.new_context(locale="fi-FI")
    mentioned = context.new_page()
    try:
        sign_in(mentioned, live_server, "mirjami@kunta.fi", "/")
        link = mentioned.get_by_role("link", name=re.compile(r"^Ilmoitukset 1 lukematon"))
        expect(link).to_be_visible()
        link.click()
        expect(mentioned.get_by_role("heading", level=1)).to_have_text("Ilmoitukset")
        item = mentioned.get_by_role("link", name="Mainitsija mainitsi sinut")
        expect(item).to_be_visible()
        assert_accessible(axe, mentioned)
        item.click()
        expect(mentioned).to_have_url(re.compile(rf"{SECTION}#c\d+$"))
        expect(mentioned.locator(".notifications-link .count-badge")).to_have_count(0)

        mentioned.goto(f"{live_server.url}/profiili")
        mentioned.get_by_role("link", name=re.compile("Ilmoitusasetukset")).click()
        expect(mentioned.get_by_role("heading", level=1)).to_have_text("Ilmoitusasetukset")
        assert_accessible(axe, mentioned)
        mentioned.get_by_label("Maininnat (@nimi)").uncheck()
        mentioned.get_by_label("Päivittäin").check()
        mentioned.get_by_role("button", name="Tallenna asetukset").click()
        expect(mentioned.locator(".flash")).to_have_text("Ilmoitusasetuksesi on tallennettu.")
        expect(mentioned.get_by_label("Maininnat (@nimi)")).not_to_be_checked()
        expect(mentioned.get_by_label("Päivittäin")).to_be_checked()
        assert_accessible(axe, mentioned)
    finally:
        context.close()
