"""The discussion in Chromium with JavaScript off: everything works with plain forms."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in


@pytest.fixture
def no_js_page(browser: Any) -> Any:
    context = browser.new_context(java_script_enabled=False, locale="fi-FI")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_write_reply_quote_agree_edit_delete_without_javascript(
    browser: Any, no_js_page: Any, live_server: Any, axe: Any
) -> None:
    page = no_js_page
    section = "/osio/ennakkoarviointikehikko"
    sign_in(page, live_server, "kirjoittaja@kunta.fi", section)
    assert page.url.endswith(section), page.url

    page.get_by_label("Kysymys", exact=True).check()
    page.get_by_label("Kommenttisi").fill("Miten *vaikutuksia* arvioidaan?")
    page.get_by_label("Lainaus osion tekstistä (valinnainen)").fill("ennakkoarviointikehikko")
    page.get_by_role("button", name="Lähetä").click()
    # The demo's own discussion comes first in the section (oldest first): find ours by its text.
    first = page.locator("article.comment", has_text="Miten vaikutuksia arvioidaan")
    assert "Kysymys" in first.inner_text()
    assert first.locator("em").inner_text() == "vaikutuksia"
    assert (
        first.locator("blockquote.comment-quote").inner_text().startswith("ennakkoarviointikehikko")
    )

    # Someone else replies and agrees.
    other_context = browser.new_context(java_script_enabled=False, locale="fi-FI")
    other = other_context.new_page()
    sign_in(other, live_server, "vastaaja@liitto.fi", section)
    mine = other.locator("article.comment", has_text="Miten vaikutuksia arvioidaan")
    mine.get_by_role("link", name=re.compile("^Vastaa")).click()
    other.get_by_label("Kommenttisi").fill("Vastaus kysymykseen.")
    other.get_by_role("button", name="Lähetä").click()
    reply = other.locator("article.comment.indent-1", has_text="Vastaus kysymykseen.")
    assert "Vastaus kysymykseen." in reply.inner_text()
    mine.get_by_role("button", name=re.compile("^Samaa mieltä")).click()
    assert "1 on samaa mieltä" in mine.inner_text()
    other_context.close()

    # The author edits, then deletes; the reply stays.
    page.reload()
    page.get_by_role("link", name=re.compile("^Muokkaa")).first.click()
    page.get_by_label("Kommenttisi").fill("Miten vaikutuksia arvioidaan etukäteen?")
    page.get_by_role("button", name="Lähetä").click()
    edited = page.locator("article.comment", has_text="Miten vaikutuksia arvioidaan etukäteen")
    assert "muokattu" in edited.inner_text()
    page.get_by_role("link", name=re.compile("^Poista")).first.click()
    page.get_by_role("button", name="Poista kommentti").click()
    text = page.locator(".thread").inner_text()
    assert "Kirjoittaja poisti tämän kommentin." in text and "Vastaus kysymykseen." in text
    # axe itself is JavaScript: scan the same page, as the same person, in a context that runs it.
    scanner_context = browser.new_context(
        storage_state=page.context.storage_state(), locale="fi-FI"
    )
    scanner = scanner_context.new_page()
    scanner.goto(page.url)
    assert "Vastaus kysymykseen." in scanner.locator(".thread").inner_text()
    assert_accessible(axe, scanner)
    scanner_context.close()


def test_a_long_thread_is_accessible(page: Any, live_server: Any, axe: Any) -> None:
    from valuma_space.auth.services import ensure_user
    from valuma_space.comments.services import add_comment, discussion_comments
    from valuma_space.extensions import db
    from valuma_space.materials.services import section_with_page
    from valuma_space.workspaces.services import current_workspace

    with live_server.app.app_context():
        section = section_with_page(current_workspace(), "toimintamallin-vaikutukset")
        demo_comments = len(discussion_comments(section))  # the demo's discussion was there
        people = [ensure_user(f"pitka{n}@kunta.fi")[0] for n in range(5)]
        for person, name in zip(people, ["Aino", "Eero", "Iida", "Olli", "Ulla"], strict=True):
            person.display_name = name
        made = []
        for number in range(60):
            parent = made[number - 3] if number >= 3 and number % 3 else None
            comment, _ = add_comment(
                section,
                people[number % 5],
                f"Kommentti {number}: *tärkeä* huomio\n\n- kohta",
                quote="vaikutuksia" if number % 7 == 0 else "",
                parent=parent,
            )
            made.append(comment)
        db.session.commit()
    sign_in(page, live_server, "lukija@kunta.fi", "/osio/toimintamallin-vaikutukset")
    page.get_by_role("button", name=re.compile("^Samaa mieltä")).nth(2).click()
    # More than 20 threads: the page opens with the first 20, the rest is one link away.
    page.get_by_role("link", name=re.compile(r"^Näytä kaikki \d+ viestiketjua")).click()
    expect(page.locator("article.comment")).to_have_count(60 + demo_comments)  # loaded in place
    assert_accessible(axe, page)
    page.goto(f"{live_server.url}/osio/toimintamallin-vaikutukset?order=agreed")
    assert_accessible(axe, page)
