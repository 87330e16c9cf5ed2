from __future__ import annotations

import re
from typing import Any

from tests.browser.conftest import assert_accessible
from valuma_space.mail.sender import deliver_due


def _deliver_and_read_link(live_server: Any, email: str) -> str:
    app = live_server.app
    with app.app_context():
        deliver_due()
    mails = [
        mail for mail in app.extensions["valuma_mail_transport"].sent if mail.recipient == email
    ]
    assert mails, f"no mail to {email}"
    return mails[-1].link


def test_the_whole_journey_from_email_to_the_page_first_asked_for(
    page: Any, live_server: Any, axe: Any
) -> None:
    page.goto(f"{live_server.url}/sivu/vaiheet")
    page.get_by_role("link", name="Kirjaudu / Rekisteröidy").click()
    assert page.url.startswith(f"{live_server.url}/kirjaudu?next=/sivu/vaiheet")
    assert_accessible(axe, page)

    # A typo first: the message shows, and what was typed stays.
    page.get_by_label("Sähköpostiosoite").fill("matka.kunta.fi")
    page.get_by_role("button", name="Lähetä kirjautumislinkki").click()
    assert page.get_by_label("Sähköpostiosoite").input_value() == "matka.kunta.fi"
    assert page.locator("#error-summary").is_visible()
    assert_accessible(axe, page)

    page.get_by_label("Sähköpostiosoite").fill("matka@kunta.fi")
    page.get_by_role("button", name="Lähetä kirjautumislinkki").click()
    assert page.locator("h1").inner_text() == "Tarkista sähköpostisi"
    assert_accessible(axe, page)

    link = _deliver_and_read_link(live_server, "matka@kunta.fi")
    assert link.startswith(live_server.url)
    page.goto(link)
    assert page.locator("h1").inner_text() == "Vahvista kirjautuminen"
    assert_accessible(axe, page)
    page.get_by_role("button", name="Kirjaudu sisään").click()

    assert page.locator("h1").inner_text() == "Tervetuloa!"
    assert_accessible(axe, page)
    page.get_by_label("Nimi", exact=True).fill("Matka Kävijä")
    page.get_by_label("Organisaatio", exact=True).fill("Esimerkkikunta")
    page.get_by_label("Organisaation tyyppi").select_option("municipality")
    page.get_by_label("Alue").select_option("kainuu")
    page.get_by_label("Vain organisaationi").check()
    page.get_by_role("button", name="Tallenna").click()

    assert page.url == f"{live_server.url}/sivu/vaiheet"
    assert page.locator("h1").inner_text() == "Aineistonkeruun vaiheet"
    assert page.get_by_role("link", name="Profiili").is_visible()

    page.get_by_role("link", name="Profiili").click()
    assert page.get_by_label("Organisaatio", exact=True).input_value() == "Esimerkkikunta"
    assert_accessible(axe, page)

    page.get_by_role("button", name="Kirjaudu ulos").click()
    assert page.get_by_role("link", name="Kirjaudu / Rekisteröidy").is_visible()


def test_a_used_link_explains_itself(page: Any, live_server: Any, axe: Any) -> None:
    page.goto(f"{live_server.url}/kirjaudu")
    page.get_by_label("Sähköpostiosoite").fill("kahdesti@kunta.fi")
    page.get_by_role("button", name="Lähetä kirjautumislinkki").click()
    link = _deliver_and_read_link(live_server, "kahdesti@kunta.fi")
    page.goto(link)
    page.get_by_role("button", name="Kirjaudu sisään").click()
    page.get_by_role("button", name="Kirjaudu ulos").click()
    response = page.goto(link)
    assert response is not None and response.status == 400
    assert re.search("jo käytetty", page.locator("main").inner_text())
    assert_accessible(axe, page)


def test_legal_pages_are_accessible_in_every_language(
    page: Any, live_server: Any, axe: Any
) -> None:
    for language in ("fi", "sv", "en"):
        page.goto(f"{live_server.url}/kieli/{language}?next=/tietosuoja")
        assert page.locator("html").get_attribute("lang") == language
        assert_accessible(axe, page)
        page.goto(f"{live_server.url}/kirjaudu")
        assert_accessible(axe, page)
