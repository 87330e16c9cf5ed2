"""In Chromium: a hidden comment's reply and report pages show its notice, never its text; the
confirm page names its address; admins read why a mail could not be sent."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import assert_accessible, sign_in

SHOTS = os.environ.get("VALUMA_SCREENSHOTS")


def _shoot(page: Any, name: str) -> None:
    """With VALUMA_SCREENSHOTS=folder, keep what the page looks like at 1280 and 390 px."""
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 720})


@pytest.fixture(scope="module")
def hidden_comment(live_server: Any) -> int:
    from valuma_space.auth.models import Role
    from valuma_space.auth.services import ensure_user
    from valuma_space.comments.services import add_comment
    from valuma_space.extensions import db
    from valuma_space.mail.models import MailKind
    from valuma_space.mail.outbox import enqueue
    from valuma_space.mail.sender import deliver_due
    from valuma_space.materials.services import section_with_page
    from valuma_space.moderation.services import hide
    from valuma_space.workspaces.services import current_workspace

    with live_server.app.app_context():
        moderator, _ = ensure_user("lukusaanto-mod@valuma.example", Role.ADMIN)
        writer, _ = ensure_user("lukusaanto-kirjoittaja@kunta.fi")
        writer.display_name, writer.profile_completed = "Kirjoittaja", True
        reader, _ = ensure_user("lukusaanto-lukija@kunta.fi")
        reader.profile_completed = True
        section = section_with_page(current_workspace(), "miksi-tietoa-tarvitaan")
        comment, _ = add_comment(
            section, writer, "Salainen xq7 teksti, jonka moderaattori piilottaa."
        )
        hide(comment, moderator, "Asiaton sävy")
        enqueue(MailKind.SIGN_IN, "rikki@kunta.fi\nBcc: x@example.org", "fi")
        db.session.commit()
        deliver_due()
        return comment.id


def test_a_participant_meets_the_notice_of_a_hidden_comment_everywhere(
    page: Any, live_server: Any, axe: Any, hidden_comment: int
) -> None:
    sign_in(page, live_server, "lukusaanto-lukija@kunta.fi")
    page.goto(f"{live_server.url}/kommentit/{hidden_comment}")
    article = page.locator(f"#c{hidden_comment}")
    assert "Moderaattori piilotti kommentin: Asiaton sävy" in article.inner_text()
    assert "xq7" not in page.content()
    assert article.get_by_role("link", name="Vastaa").count() == 0

    for path in ("vastaa", "ilmoita"):
        response = page.goto(f"{live_server.url}/kommentit/{hidden_comment}/{path}")
        assert response.status == 403
        assert page.locator("h1").inner_text() == "Toiminto ei ole mahdollinen"
        assert "Moderaattori piilotti kommentin: Asiaton sävy" in page.locator("main").inner_text()
        assert "xq7" not in page.content()
        assert page.locator("textarea").count() == 0
        assert_accessible(axe, page)
    _shoot(page, "refused-reply")


def test_the_confirm_page_and_the_failed_mail_page(
    browser: Any, page: Any, live_server: Any, axe: Any, hidden_comment: int
) -> None:
    from valuma_space.mail.sender import deliver_due

    page.goto(f"{live_server.url}/kirjaudu")
    page.get_by_label("Sähköpostiosoite").fill("lukusaanto-mod@valuma.example")
    page.get_by_role("button", name="Lähetä kirjautumislinkki").click()
    with live_server.app.app_context():
        deliver_due()
    sent = live_server.app.extensions["valuma_mail_transport"].sent
    page.goto([m for m in sent if m.recipient == "lukusaanto-mod@valuma.example"][-1].link)
    assert "l•••@valuma.example" in page.locator("main").inner_text()
    assert_accessible(axe, page)
    _shoot(page, "confirm")
    page.get_by_role("button", name="Kirjaudu sisään").click()
    if page.locator("h1").inner_text() == "Tervetuloa!":
        page.get_by_label("Nimi", exact=True).fill("Ylläpitäjä")
        page.get_by_role("button", name="Tallenna").click()

    page.goto(f"{live_server.url}/hallinta/posti")
    assert page.locator("h1").inner_text() == "Lähettämättä jääneet viestit"
    row = page.locator("table tbody tr").first
    assert "Kirjautumislinkki" in row.inner_text() and "line break" in row.inner_text()
    assert_accessible(axe, page)
    _shoot(page, "failed-mail")
