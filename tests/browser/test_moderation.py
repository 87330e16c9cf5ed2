"""A moderator's day in Chromium: a reported comment, pending comments, the log and the charts."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in


@pytest.fixture(scope="module")
def people_and_comments(live_server: Any) -> dict[str, int]:
    from valuma_space.auth.models import Role
    from valuma_space.auth.services import ensure_user
    from valuma_space.comments.services import add_comment
    from valuma_space.extensions import db
    from valuma_space.materials.services import section_with_page
    from valuma_space.moderation.services import hide, report
    from valuma_space.workspaces.services import current_workspace

    with live_server.app.app_context():
        moderator, _ = ensure_user("moderointi-mod@valuma.example", Role.MODERATOR)
        ensure_user("moderointi-admin@valuma.example", Role.ADMIN)
        writer, _ = ensure_user("moderointi-kirjoittaja@kunta.fi")
        writer.display_name, writer.profile_completed = "Kirjoittaja", True
        reader, _ = ensure_user("moderointi-lukija@kunta.fi")
        reader.profile_completed = True
        section = section_with_page(current_workspace(), "miksi-tietoa-tarvitaan")
        offensive, _ = add_comment(section, writer, "Tämä kommentti loukkaa muita.")
        report(offensive, reader, "Henkilöön käyvää")
        spam, _ = add_comment(section, writer, "Mainos: osta nyt!")
        hide(spam, moderator, "Mainos")
        db.session.commit()
        return {"offensive": offensive.id}


def test_a_moderator_hides_a_reported_comment_and_handles_pending_ones(
    browser: Any, page: Any, live_server: Any, axe: Any, people_and_comments: dict[str, int]
) -> None:
    ids = people_and_comments
    sign_in(page, live_server, "moderointi-mod@valuma.example", "/moderointi/")
    assert page.locator("h1").inner_text() == "Kommenttijono"
    assert "1 ilmoitettu" in page.locator(".status-counts").inner_text()
    first_row = page.locator("table.queue-table tbody tr").first
    assert "Tämä kommentti loukkaa muita." in first_row.inner_text()
    assert_accessible(axe, page)

    first_row.get_by_role("link", name=re.compile("loukkaa")).click()
    assert "Henkilöön käyvää" in page.locator("main").inner_text()
    assert_accessible(axe, page)
    page.get_by_label("Perustelu (kommentin kirjoittaja näkee sen)").fill(
        "Loukkaa muita osallistujia"
    )
    page.get_by_role("button", name="Piilota kommentti").click()
    assert "Piilotettu: Loukkaa muita osallistujia" in page.locator("dl.facts").inner_text()

    # Pre-moderation on; a participant writes two comments.
    page.goto(f"{live_server.url}/moderointi/")
    page.get_by_role("checkbox", name=re.compile("^Ennakkomoderointi")).check()
    page.get_by_role("button", name="Tallenna asetus").click()

    writer_context = browser.new_context(locale="fi-FI")
    writer = writer_context.new_page()
    sign_in(writer, live_server, "moderointi-kirjoittaja@kunta.fi", "/osio/miksi-tietoa-tarvitaan")
    for text in ("Hyväksyttävä ajatus", "Hylättävä ajatus"):
        writer.get_by_label("Kommenttisi").fill(text)
        writer.get_by_role("button", name="Lähetä").click()
        expect(writer.locator(".thread")).to_contain_text(text)  # sent in place, no reload
    thread = writer.locator(".thread").inner_text()
    assert "Moderaattori piilotti kommentin: Loukkaa muita osallistujia" in thread
    assert thread.count("Odottaa hyväksyntää") == 2

    page.goto(f"{live_server.url}/moderointi/?visibility=pending")
    page.get_by_role("link", name="Hyväksyttävä ajatus").click()
    page.get_by_role("button", name="Hyväksy").click()
    page.goto(f"{live_server.url}/moderointi/?visibility=pending")
    page.get_by_role("link", name="Hylättävä ajatus").click()
    page.get_by_label("Perustelu (kommentin kirjoittaja näkee sen)").fill("Ei liity selvitykseen")
    page.get_by_role("button", name="Hylkää").click()

    writer.reload()
    thread = writer.locator(".thread").inner_text()
    assert "Moderaattori hylkäsi kommentin: Ei liity selvitykseen" in thread
    assert "Hyväksyttävä ajatus" in thread and "Odottaa hyväksyntää" not in thread
    assert_accessible(axe, writer)
    writer_context.close()

    page.goto(f"{live_server.url}/moderointi/osallistuminen")
    assert page.locator("svg.chart").count() >= 4  # the analysis charts show once data exists
    assert_accessible(axe, page)

    page.goto(f"{live_server.url}/moderointi/")
    page.get_by_role("checkbox", name=re.compile("^Ennakkomoderointi")).uncheck()
    page.get_by_role("button", name="Tallenna asetus").click()
    assert ids["offensive"]


def test_an_admin_reads_the_log(
    page: Any, live_server: Any, axe: Any, people_and_comments: dict[str, int]
) -> None:
    sign_in(page, live_server, "moderointi-admin@valuma.example", "/moderointi/loki")
    assert page.locator("h1").inner_text() == "Moderointiloki"
    assert_accessible(axe, page)
    page.get_by_label("Toiminto").select_option("visibility")
    page.get_by_role("button", name="Suodata").click()
    assert "Näkyvyys" in page.locator("table").inner_text()


def test_the_consortium_pages_are_accessible(
    page: Any, live_server: Any, axe: Any, people_and_comments: dict[str, int]
) -> None:
    sign_in(page, live_server, "moderointi-admin@valuma.example", "/hallinta/")
    for path in ("/hallinta/", "/hallinta/kayttajat", "/profiili", "/moderointi/vienti/"):
        page.goto(f"{live_server.url}{path}")
        assert_accessible(axe, page)
