"""The comment box with JavaScript on: the first comment, @name suggestions and mentions that
name nobody."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in

EMPTY_SECTION = (
    "/osio/aikataulu"  # the demo leaves it without comments, and no other test writes here
)
MENTION_SECTION = "/osio/konsortio-ja-kumppanit"
NOTHING_YET = "Tässä osiossa ei ole vielä kommentteja."


def _participant(live_server: Any, email: str, name: str, section_path: str) -> None:
    """Someone whose comment others read: the suggestions offer such people."""
    from valuma_space.auth.services import ensure_user
    from valuma_space.comments.services import add_comment
    from valuma_space.extensions import db
    from valuma_space.materials.services import section_with_page
    from valuma_space.workspaces.services import current_workspace

    with live_server.app.app_context():
        user, _ = ensure_user(email)
        user.display_name, user.profile_completed = name, True
        section = section_with_page(current_workspace(), section_path.rsplit("/", 1)[1])
        add_comment(section, user, "Kumppanuudet kannattaa sopia kirjallisesti.")
        db.session.commit()


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


def _posts(page: Any) -> list[str]:
    """The comment posts the page makes, as they are made."""
    sent: list[str] = []

    def on_request(request: Any) -> None:
        if request.method == "POST" and request.url.endswith("/kommentoi"):
            sent.append(request.url)

    page.on("request", on_request)
    return sent


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


def test_enter_takes_the_highlighted_suggestion_and_never_sends(
    page: Any, live_server: Any, axe: Any
) -> None:
    _participant(live_server, "liina@kunta.fi", "Liina Aaltonen", MENTION_SECTION)
    _participant(live_server, "liisa@maakunta.fi", "Liisa Virtanen", MENTION_SECTION)
    sign_in(page, live_server, "kysyja@liitto.fi", MENTION_SECTION)
    page.wait_for_selector(".discussion[data-ready]", state="attached")
    before = _comments_in(live_server, MENTION_SECTION)
    posts = _posts(page)

    body = page.locator("#kommentoi textarea[name=body]")
    body.click()
    body.press_sequentially("Kysytään @Lii", delay=20)
    listbox = page.get_by_role("listbox", name="Osallistujat")
    options = listbox.get_by_role("option")
    expect(options).to_have_text(["Liina Aaltonen", "Liisa Virtanen"])
    # The first stands highlighted, and the text box says so.
    expect(options.first).to_have_attribute("aria-selected", "true")
    first_id = options.first.get_attribute("id")
    expect(body).to_have_attribute("aria-activedescendant", first_id)
    expect(body).to_have_attribute("aria-controls", listbox.get_attribute("id"))
    assert_accessible(axe, page)  # with the suggestions open
    body.press("Enter")
    expect(listbox).to_have_count(0)
    expect(body).to_have_value("Kysytään @Liina Aaltonen ")
    expect(body).not_to_have_attribute("aria-activedescendant", re.compile(".+"))

    # The arrow keys move the highlight; Enter takes the one they reached.
    body.press_sequentially("ja @lii", delay=20)
    expect(options).to_have_count(2)
    body.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    expect(options.first).to_have_attribute("aria-selected", "false")
    body.press("Enter")
    expect(body).to_have_value("Kysytään @Liina Aaltonen ja @Liisa Virtanen ")

    # Escape closes the list; Enter then starts a new line, as in any text box.
    body.press_sequentially("tai @Lii", delay=20)
    expect(options).to_have_count(2)
    body.press("Escape")
    expect(listbox).to_have_count(0)
    body.press("Enter")
    expect(body).to_have_value("Kysytään @Liina Aaltonen ja @Liisa Virtanen tai @Lii\n")

    assert posts == []
    assert _comments_in(live_server, MENTION_SECTION) == before


def test_a_mention_naming_nobody_is_asked_about_then_sent_anyway(
    page: Any, live_server: Any, axe: Any
) -> None:
    _participant(live_server, "liina@kunta.fi", "Liina Aaltonen", MENTION_SECTION)
    sign_in(page, live_server, "varmistaja@liitto.fi", MENTION_SECTION)
    page.wait_for_selector(".discussion[data-ready]", state="attached")
    before = _comments_in(live_server, MENTION_SECTION)
    posts = _posts(page)
    url = page.url

    form = page.locator("#kommentoi")
    text = "Kysytään @Liina Aaltonen ja @Lii, mitä mieltä olette?"
    form.get_by_label("Kommenttisi").fill(text)
    form.get_by_role("button", name="Lähetä", exact=True).click()
    warning = form.get_by_role("alert")
    expect(warning).to_have_text(
        re.compile(r"^\s*@Lii ei vastaa kenenkään keskusteluun osallistuneen nimeä")
    )
    expect(warning).to_be_focused()
    assert posts == [f"{live_server.url}{MENTION_SECTION}/kommentoi"]  # asked, not saved
    assert _comments_in(live_server, MENTION_SECTION) == before
    expect(form.get_by_label("Kommenttisi")).to_have_value(text)
    expect(page.locator(".thread")).not_to_contain_text("mitä mieltä olette?")
    assert_accessible(axe, page)  # with the warning shown

    warning.get_by_role("button", name="Lähetä silti").click()
    comment = page.locator("article.comment", has_text="mitä mieltä olette?")
    expect(comment).to_be_visible()
    expect(form.get_by_role("alert")).to_have_count(0)
    expect(form.get_by_label("Kommenttisi")).to_have_value("")
    assert len(posts) == 2
    assert _comments_in(live_server, MENTION_SECTION) == [*before, text]
    assert page.url == url
