"""The discussion with JavaScript on: in place, tied to the text, and nothing lost."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in

SECTION = "/osio/verkostot-ja-painopisteet"
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def _add(
    live_server: Any, email: str, body: str, parent_id: int | None = None, quote: str = ""
) -> int:
    from valuma_space.auth.services import ensure_user
    from valuma_space.comments.models import Comment
    from valuma_space.comments.services import add_comment
    from valuma_space.extensions import db
    from valuma_space.materials.services import section_with_page
    from valuma_space.workspaces.services import current_workspace

    with live_server.app.app_context():
        author, _ = ensure_user(email)
        author.display_name, author.profile_completed = email.split("@")[0].title(), True
        section = section_with_page(current_workspace(), SECTION.rsplit("/", 1)[1])
        parent = db.session.get(Comment, parent_id) if parent_id else None
        comment, _ = add_comment(section, author, body, parent=parent, quote=quote)
        db.session.commit()
        return comment.id


@pytest.fixture
def js_page(page: Any) -> Any:
    page.add_init_script(CSP_LISTENER)
    return page


def _no_csp_violations(page: Any) -> None:
    assert page.evaluate("window.__cspViolations") == []


def test_reply_and_edit_in_place(js_page: Any, live_server: Any, axe: Any) -> None:
    page = js_page
    first = _add(live_server, "aloittaja@kunta.fi", "Aloittava kommentti paikan päällä")
    sign_in(page, live_server, "vastaaja-js@kunta.fi", SECTION)
    page.wait_for_selector(".discussion[data-ready]", state="attached")
    url = page.url
    page.locator(f"#c{first}").get_by_role("link", name="Vastaa").click()
    inline = page.locator(f"#c{first} .inline-form")
    expect(inline).to_be_visible()
    assert page.url == url  # no navigation
    assert inline.get_by_label("Kommenttisi").evaluate("el => el === document.activeElement")
    inline.get_by_label("Kommenttisi").fill("Vastaus paikan päällä")
    inline.get_by_role("button", name="Lähetä").click()
    reply = page.locator("article.comment.indent-1", has_text="Vastaus paikan päällä")
    expect(reply).to_be_visible()
    expect(page.locator("#live-region")).to_have_text("Kommenttisi on lähetetty.")
    assert reply.evaluate("el => el === document.activeElement")
    assert page.url == url
    assert_accessible(axe, page)

    reply.get_by_role("link", name="Muokkaa").click()
    editor = reply.locator(".inline-form")
    expect(editor.get_by_label("Kommenttisi")).to_have_value("Vastaus paikan päällä")
    editor.get_by_label("Kommenttisi").fill("Vastaus muokattuna paikan päällä")
    editor.get_by_role("button", name="Lähetä").click()
    edited = page.locator("article.comment", has_text="Vastaus muokattuna paikan päällä")
    expect(edited).to_contain_text("muokattu")
    expect(page.locator("#live-region")).to_have_text("Muutoksesi on tallennettu.")
    assert_accessible(axe, page)
    _no_csp_violations(page)


def test_comment_on_a_selected_passage_and_find_the_mark(
    js_page: Any, live_server: Any, axe: Any
) -> None:
    page = js_page
    sign_in(page, live_server, "valitsija@kunta.fi", SECTION)
    page.wait_for_selector(".discussion[data-ready]", state="attached")  # the script listens now
    passage = "kansallisten alueiden kehittämisen painopisteiden"
    page.evaluate(
        """(passage) => {
          const text = document.querySelector("[data-section-text] p").firstChild;
          const start = text.nodeValue.indexOf(passage);
          const range = document.createRange();
          range.setStart(text, start);
          range.setEnd(text, start + passage.length);
          const selection = window.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
        }""",
        passage,
    )
    button = page.get_by_role("button", name="Kommentoi valittua kohtaa")
    expect(button).to_be_visible()
    button.click()
    expect(page.locator("#kommentoi [name=quote]")).to_have_value(passage)
    assert page.locator("#kommentoi [name=body]").evaluate("el => el === document.activeElement")
    page.locator("#kommentoi [name=body]").fill("Painopisteet pitää sopia alueiden kanssa.")
    page.locator("#kommentoi").get_by_role("button", name="Lähetä").click()
    expect(page.locator(".thread")).to_contain_text("Painopisteet pitää sopia alueiden kanssa.")
    mark = page.locator("[data-section-text] a.passage")
    expect(mark).to_have_count(1)
    assert mark.inner_text().lower() == passage
    mark.focus()  # reachable by keyboard: it is a link
    page.keyboard.press("Enter")
    target = re.search(r"#(c\d+)$", page.url).group(1)
    assert "Painopisteet pitää sopia" in page.locator(f"#{target}").inner_text()
    assert_accessible(axe, page)
    _no_csp_violations(page)


def test_a_draft_survives_a_reload_and_goes_once_sent(
    js_page: Any, live_server: Any, axe: Any
) -> None:
    page = js_page
    sign_in(page, live_server, "luonnostelija@kunta.fi", SECTION)
    page.wait_for_selector(".discussion[data-ready]", state="attached")
    body = page.locator("#kommentoi [name=body]")
    body.fill("Keskeneräinen ajatus, joka ei saa kadota")
    expect(page.locator("#kommentoi .char-counter")).to_have_text(re.compile(r"^40 / 5.?000"))
    page.wait_for_timeout(500)  # the draft is saved a moment after typing stops
    page.reload()
    expect(page.locator("#kommentoi [name=body]")).to_have_value(
        "Keskeneräinen ajatus, joka ei saa kadota"
    )
    page.locator("#kommentoi").get_by_role("button", name="Esikatsele").click()
    expect(page.locator("#kommentoi .comment-preview")).to_contain_text("Keskeneräinen ajatus")
    assert_accessible(axe, page)
    page.locator("#kommentoi").get_by_role("button", name="Lähetä").click()
    expect(page.locator(".thread")).to_contain_text("Keskeneräinen ajatus, joka ei saa kadota")
    page.reload()
    expect(page.locator("#kommentoi [name=body]")).to_have_value("")
    _no_csp_violations(page)


def test_long_threads_collapse_and_a_permalink_opens_the_way(
    js_page: Any, live_server: Any, axe: Any
) -> None:
    page = js_page
    root = _add(live_server, "juuri@kunta.fi", "Juurikommentti pitkälle ketjulle")
    replies = [
        _add(live_server, f"vastaus{n}@kunta.fi", f"Ketjun vastaus {n}", parent_id=root)
        for n in range(6)
    ]
    page.goto(f"{live_server.url}{SECTION}")
    for reply in replies[:3]:
        expect(page.locator(f"#c{reply}")).to_be_visible()
    for reply in replies[3:]:
        expect(page.locator(f"#c{reply}")).to_be_hidden()
    toggle = page.get_by_role("button", name="Näytä vastaukset (3)")
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    for reply in replies:
        expect(page.locator(f"#c{reply}")).to_be_visible()
    assert (
        page.get_by_role("button", name="Piilota vastaukset").get_attribute("aria-expanded")
        == "true"
    )
    assert_accessible(axe, page)
    page.get_by_role("button", name="Piilota vastaukset").click()
    expect(page.locator(f"#c{replies[5]}")).to_be_hidden()

    page.goto(f"{live_server.url}/kommentit/{replies[5]}")
    expect(page.locator(f"#c{replies[5]}")).to_be_visible()
    _no_csp_violations(page)


def test_new_comments_since_the_page_was_loaded(js_page: Any, live_server: Any, axe: Any) -> None:
    page = js_page
    page.goto(f"{live_server.url}{SECTION}")
    page.wait_for_selector(".discussion[data-ready]", state="attached")
    page.wait_for_timeout(1500)  # the first poll sets the baseline
    _add(live_server, "myohempi@kunta.fi", "Tuore kommentti toisesta selaimesta")
    notice = page.get_by_role("button", name=re.compile(r"^Uusia kommentteja: 1"))
    expect(notice).to_be_visible(timeout=10_000)
    assert_accessible(axe, page)
    notice.click()
    expect(page.locator(".thread")).to_contain_text("Tuore kommentti toisesta selaimesta")
    expect(notice).to_be_hidden()
    _no_csp_violations(page)
