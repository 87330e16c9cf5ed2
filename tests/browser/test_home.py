"""The home page of the demo: the study at a glance, accessible on a wide screen and a phone."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import pytest

from tests.browser.conftest import assert_accessible, sign_in


def _steps(page: Any) -> list[dict[str, float]]:
    return page.locator(".timeline-step").evaluate_all(
        "steps => steps.map(s => { const r = s.getBoundingClientRect();"
        " return {top: r.top, left: r.left, width: r.width, height: r.height}; })"
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_the_home_page_shows_the_studys_phases_accessibly(
    page: Any, live_server: Any, axe: Any, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/")
    timeline = page.get_by_role("heading", name="Selvityksen vaiheet")
    timeline.scroll_into_view_if_needed()
    assert timeline.is_visible()
    assert page.locator(".timeline-step").count() == 4
    current = page.locator('.timeline-step[aria-current="step"]')
    assert current.count() == 1 and "Käynnissä" in current.inner_text()
    steps = _steps(page)
    if width == 1280:  # a stepper across the page
        assert len({round(step["top"]) for step in steps}) == 1
    else:  # one under another
        assert all(a["top"] < b["top"] for a, b in pairwise(steps))
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    cta = page.get_by_role("link", name="Kirjaudu ja osallistu")
    assert cta.is_visible()
    box = cta.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24
    cover = page.locator("img.hero-cover")
    assert cover.is_visible() and cover.get_attribute("alt")
    assert "MDI" in page.locator("footer").inner_text()
    assert_accessible(axe, page)


def test_signed_in_the_home_page_has_no_call_to_sign_in(
    page: Any, live_server: Any, axe: Any
) -> None:
    sign_in(page, live_server, "kotisivu@kunta.fi")
    page.goto(f"{live_server.url}/")
    assert page.get_by_role("link", name="Kirjaudu ja osallistu").count() == 0
    assert page.locator(".timeline").is_visible()
    assert_accessible(axe, page)
