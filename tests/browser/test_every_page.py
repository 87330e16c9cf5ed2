"""Every page, as a participant and as a moderator (and the admin's own as an admin), in the demo workspace: no axe violation
(WCAG 2.1 A and AA, and WCAG 2.2's target size, which axe leaves off unless asked), no sideways
scrolling at 320 CSS px (WCAG 1.4.10 reflow), no server error; ten of them in Swedish and English
too. A GET route that is not in tests/browser/pages.py, nor said there not to be a page, fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import WCAG_21_AA, LiveServer
from tests.browser.pages import (
    ADMIN_ONLY,
    PAGES,
    TRANSLATED_SAMPLE,
    DemoIds,
    demo_ids,
    page_urls,
    uncovered_routes,
    write_own_comment,
)
from valuma_space.demo import content

PARTICIPANT = "sweep.osallistuja@kunta.example"
NARROWEST = 320
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_21_AA},
    "rules": {"target-size": {"enabled": True}},
}


def axe_problems(axe: Any, page: Any, label: str) -> list[str]:
    results = axe.run(page, options=AXE_OPTIONS)
    return [
        f"{label}: {violation['id']} ({violation['impact']}) at "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:5])
        for violation in results.response["violations"]
    ]


def reflow_problem(page: Any, label: str) -> str | None:
    """The page at the narrowest width: wider content than the window means sideways scrolling."""
    page.set_viewport_size({"width": NARROWEST, "height": 800})
    width = page.evaluate("document.documentElement.scrollWidth")
    # What sticks out, to name in the failure: elements, then text that does not wrap.
    widest = page.evaluate(
        """() => {
            const edge = document.documentElement.clientWidth + 1;
            const name = e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '');
            const boxes = [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > edge && !e.closest('.table-wrap'))
                .map(name);
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            const texts = [];
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const range = document.createRange();
                range.selectNodeContents(node);
                if (range.getBoundingClientRect().right > edge && !node.parentElement.closest('.table-wrap'))
                    texts.push(name(node.parentElement) + ' "' + node.textContent.trim().slice(0, 40) + '"');
            }
            return boxes.concat(texts).slice(0, 4);
        }"""
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    if width > NARROWEST:
        return f"{label}: {width} px wide at {NARROWEST} px ({', '.join(widest)})"
    return None


CARDS = ".card, .form, .hero, .page-content, .table-wrap, .toc, .error-page, .chart-card"


def touching_cards(page: Any, label: str) -> list[str]:
    """Boxes with a border that meet another with no space between (one above the other or side
    by side); a box inside another is fine."""
    pairs = page.evaluate(
        """(selector) => {
            const boxes = [...document.querySelectorAll(selector)]
                .filter(e => e.offsetParent !== null);
            const name = e => e.tagName.toLowerCase() + '.' + [...e.classList].join('.')
                + (e.id ? '#' + e.id : '');
            const found = [];
            for (const a of boxes) for (const b of boxes) {
                if (a === b || a.contains(b) || b.contains(a)) continue;
                const r = a.getBoundingClientRect(), s = b.getBoundingClientRect();
                const overlapX = Math.min(r.right, s.right) - Math.max(r.left, s.left);
                const overlapY = Math.min(r.bottom, s.bottom) - Math.max(r.top, s.top);
                const below = s.top - r.bottom, beside = s.left - r.right;
                if ((overlapX > 0 && below > -1 && below < 4) || (overlapY > 0 && beside > -1 && beside < 4))
                    found.push(name(a) + ' / ' + name(b));
            }
            return found.slice(0, 3);
        }""",
        CARDS,
    )
    return [f"{label}: boxes touch: {pair}" for pair in pairs]


def sign_in_checked(page: Any, live_server: LiveServer, axe: Any, email: str) -> list[str]:
    """The real sign-in, with axe on each of its pages on the way."""
    from valuma_space.mail.sender import deliver_due

    problems: list[str] = []
    page.goto(f"{live_server.url}/kirjaudu")
    problems += axe_problems(axe, page, "auth.login (signed out)")
    page.get_by_label("Sähköpostiosoite").fill(email)
    page.get_by_role("button", name="Lähetä kirjautumislinkki").click()
    problems += axe_problems(axe, page, "auth.check_email")
    with live_server.app.app_context():
        deliver_due()
    sent = live_server.app.extensions["valuma_mail_transport"].sent
    page.goto([mail for mail in sent if mail.recipient == email][-1].link)
    problems += axe_problems(axe, page, "auth.confirm")
    page.get_by_role("button", name="Kirjaudu sisään").click()
    if page.locator("h1").inner_text() == "Tervetuloa!":
        problems += axe_problems(axe, page, "auth.welcome")
        page.get_by_label("Nimi", exact=True).fill("Sanna Sweep")
        page.get_by_role("button", name="Tallenna").click()
    return problems


@pytest.fixture(scope="module")
def ids(browser: Any, live_server: LiveServer) -> Iterator[DemoIds]:
    """The participant signs in and writes a comment, whose pages the sweep then opens."""
    context = browser.new_context(locale="fi-FI")
    page = context.new_page()
    from tests.browser.conftest import sign_in

    sign_in(page, live_server, PARTICIPANT)
    write_own_comment(page, live_server.url)
    context.close()
    with live_server.app.app_context():
        yield demo_ids(PARTICIPANT)


def test_every_get_route_is_a_page_or_says_why_not(live_server: LiveServer) -> None:
    assert uncovered_routes(live_server.app) == []


@pytest.mark.parametrize("viewer", ["participant", "moderator", "admin"])
def test_every_page_is_accessible_and_fits_320_px(
    browser: Any, live_server: LiveServer, axe: Any, ids: DemoIds, viewer: str
) -> None:
    context = browser.new_context(locale="fi-FI", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    email = {
        "participant": PARTICIPANT,
        "moderator": content.MODERATOR_EMAIL,
        "admin": content.ADMIN_EMAIL,
    }[viewer]
    problems = sign_in_checked(page, live_server, axe, email)
    for endpoint, path in page_urls(ids).items():
        if viewer == "admin" and endpoint not in ADMIN_ONLY:
            continue  # the rest are the moderator's pages, opened above
        label = f"{endpoint} ({viewer})"
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None
        if response.status >= 500:
            problems.append(f"{label}: {response.status}")
            continue
        problems += axe_problems(axe, page, label)
        problems += touching_cards(page, label)
        problem = reflow_problem(page, label)
        if problem:
            problems.append(problem)
    context.close()
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_eleven_pages_in_swedish_and_english(
    browser: Any, live_server: LiveServer, axe: Any, ids: DemoIds, language: str
) -> None:
    context = browser.new_context(locale="fi-FI", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in_checked(page, live_server, axe, content.MODERATOR_EMAIL)
    page.goto(f"{live_server.url}/kieli/{language}?next=/")
    assert page.locator("html").get_attribute("lang") == language
    urls = page_urls(ids)
    problems: list[str] = []
    for endpoint in TRANSLATED_SAMPLE:
        response = page.goto(f"{live_server.url}{urls[endpoint]}")
        assert response is not None and response.status == 200, endpoint
        assert page.locator("html").get_attribute("lang") == language
        problems += axe_problems(axe, page, f"{endpoint} ({language})")
    context.close()
    assert problems == [], "\n".join(problems)


def test_the_sample_is_made_of_pages() -> None:
    assert set(TRANSLATED_SAMPLE) <= PAGES.keys() and len(TRANSLATED_SAMPLE) == 11
