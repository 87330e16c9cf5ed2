"""The comment box with JavaScript on: the first comment."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in

EMPTY_SECTION = "/osio/soveltuvuus-eri-alueille"  # no other test writes here
NOTHING_YET = "Tässä osiossa ei ole vielä kommentteja."


def _comments_in(live_server: Any, section_path: str) -> list[str]:
    from sqlalchemy import select

    from valuma_space.comments.models import Comment
    from valuma_space.extensions import db
    from valuma_space.materials.services import section_with_page
    from valuma_space.workspaces.services import current_workspace

    with live_server.app.app_context():
        section = section_with_page(current_workspace(), section_path.rsplit("/", 1)[1])
        return list(
            db.session.scalars(
                select(Comment.body_markdown)
                .where(Comment.section_id == section.id)
                .order_by(Comment.id)
            )
        )


def test_the_first_comment_sent_in_place_takes_the_empty_state_away(
    page: Any, live_server: Any, axe: Any
) -> None:
    assert _comments_in(live_server, EMPTY_SECTION) == []
    sign_in(page, live_server, "ensimmainen@kunta.fi", EMPTY_SECTION)
    page.wait_for_selector(".discussion[data-ready]", state="attached")
    url = page.url
    empty = page.locator(".discussion").get_by_text(NOTHING_YET)
    expect(empty).to_be_visible()
    page.locator("#kommentoi").get_by_label("Kommenttisi").fill("Ensimmäinen kommentti tähän.")
    page.locator("#kommentoi").get_by_role("button", name="Lähetä", exact=True).click()
    expect(page.locator(".thread article.comment")).to_have_count(1)
    expect(page.locator(".thread")).to_contain_text("Ensimmäinen kommentti tähän.")
    expect(empty).to_have_count(0)
    # The sort links come with the first visible comment, as they would on a fresh page.
    expect(page.get_by_role("navigation", name="Kommenttien järjestys")).to_be_visible()
    assert page.url == url  # sent in place
    assert_accessible(axe, page)
