"""The participation page and the matrix as a moderator sees them on a desktop and a phone:
chart text at a readable size, tables that never clip, nothing wider than the screen; and the
figures the demo's discussion gives them, against counts taken from the database here."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import and_, distinct, func, select

from tests.browser.conftest import LiveServer, assert_accessible, sign_in
from valuma_space.auth.models import User
from valuma_space.choices import ORGANISATION_TYPE_LABELS, REGION_LABELS
from valuma_space.comments.models import Comment, Visibility
from valuma_space.demo import content
from valuma_space.extensions import db
from valuma_space.materials.models import Page, Section
from valuma_space.modeldesign.models import Alternative, CommentLink, Stance, Theme, comment_themes

PAGES = ["/moderointi/osallistuminen", "/mallit/matriisi"]

SMALL_TEXT = """() => [...document.querySelectorAll('svg text')].map(t => {
    const box = t.getBoundingClientRect();
    return {text: t.textContent, height: box.height,
            size: parseFloat(getComputedStyle(t).fontSize)};
}).filter(t => t.height < 12 || t.size < 12)"""

CLIPPED_TABLES = """() => [...document.querySelectorAll('table')].map(table => {
    const box = table.closest('.table-wrap') || table.parentElement;
    const scrolls = ['auto', 'scroll'].includes(getComputedStyle(box).overflowX);
    return {caption: table.caption ? table.caption.textContent : '',
            fits: table.scrollWidth <= box.clientWidth, scrolls,
            boxInside: box.getBoundingClientRect().right <= innerWidth + 0.5};
}).filter(t => !((t.fits || t.scrolls) && t.boxInside))"""


@pytest.mark.parametrize("path", PAGES)
def test_chart_text_is_readable_and_tables_never_clip(
    page: Any, live_server: LiveServer, axe: Any, path: str
) -> None:
    sign_in(page, live_server, content.MODERATOR_EMAIL)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}{path}")
        if path.endswith("osallistuminen"):
            assert page.locator("svg text").count() > 100
        assert page.evaluate(SMALL_TEXT) == [], width
        assert page.evaluate(CLIPPED_TABLES) == [], width
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(axe, page)
    page.set_viewport_size({"width": 320, "height": 700})
    page.goto(f"{live_server.url}{path}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert page.evaluate(CLIPPED_TABLES) == []
    assert_accessible(axe, page)


def test_matrix_header_stays_in_view_and_cells_read_without_colour(
    page: Any, live_server: LiveServer
) -> None:
    sign_in(page, live_server, content.MODERATOR_EMAIL)
    page.set_viewport_size({"width": 390, "height": 500})
    page.goto(f"{live_server.url}/mallit/matriisi")
    box = page.locator(".matrix-wrap")
    first_header = page.locator(".matrix thead th").nth(1)
    row_header = page.locator(".matrix tbody th").first
    before = first_header.bounding_box()
    box.evaluate("e => { e.scrollTop = 200; e.scrollLeft = 200; }")
    after_header, after_row = first_header.bounding_box(), row_header.bounding_box()
    wrap = box.bounding_box()
    assert abs(after_header["y"] - wrap["y"]) < 3 and after_header["y"] <= before["y"]
    assert abs(after_row["x"] - wrap["x"]) < 3
    scores = page.locator(".matrix .matrix-score .score").all_inner_texts()
    assert scores and all(re.fullmatch(r"[+−]?[0-2]|–", s.split()[-1]) for s in scores)
    # The participants' mean beside each score reads without colour too: a sign and a number.
    means = page.locator(".matrix .participants-rating .score").all_inner_texts()
    assert means and all(re.fullmatch(r"[+−]?[0-2],\d", m) for m in means)
    assert page.locator(".matrix-legend").inner_text().count("+2") == 1


def test_downloaded_svg_is_a_file(page: Any, live_server: LiveServer) -> None:
    sign_in(page, live_server, content.MODERATOR_EMAIL)
    page.goto(f"{live_server.url}/moderointi/osallistuminen")
    with page.expect_download() as download:
        page.locator("#alueet-teemat").get_by_role("link", name=re.compile("Lataa SVG")).click()
    assert re.fullmatch(
        r"valuma-alueet-teemat-\d{4}-\d{2}-\d{2}\.svg", download.value.suggested_filename
    )
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("<svg") and "<style>" in text


def _cells(page: Any, figure: str) -> list[list[str]]:
    return page.locator(f"#{figure} table tbody tr").evaluate_all(
        "rows => rows.map(r => [...r.cells].map(c => c.textContent.trim()))"
    )


def test_the_demo_figures_are_the_databases(page: Any, live_server: LiveServer) -> None:
    """Whatever discussion the shared demo holds: comments per section add up to its visible
    comments, and every participant who commented is counted once per organisation type."""
    sign_in(page, live_server, content.MODERATOR_EMAIL)
    page.goto(f"{live_server.url}/moderointi/osallistuminen")
    with live_server.app.app_context():
        visible = db.session.scalar(
            select(func.count(Comment.id))
            .join(Section, Section.id == Comment.section_id)
            .join(Page, Page.id == Section.page_id)
            .where(Comment.visibility == Visibility.VISIBLE, Comment.published_at.is_not(None))
        )
    shown = sum(int(row[-1]) for row in _cells(page, "osiot"))
    assert shown == visible


def _readable() -> Any:
    """The comments every participant reads, written out here rather than taken from the policy:
    visible, published, in a published section that is not withdrawn, of a published page."""
    return and_(
        Comment.visibility == Visibility.VISIBLE,
        Comment.published_at.is_not(None),
        Section.is_published.is_(True),
        Page.is_published.is_(True),
    )


def test_region_theme_and_group_alternative_views_show_the_demos_figures(
    page: Any, live_server: LiveServer
) -> None:
    sign_in(page, live_server, content.MODERATOR_EMAIL)
    page.goto(f"{live_server.url}/moderointi/osallistuminen")
    header = page.locator("#alueet-teemat table thead th").all_inner_texts()
    shown_themes = {
        (row[0], theme): int(count)
        for row in _cells(page, "alueet-teemat")
        for theme, count in zip(header[1:], row[1:], strict=True)
        if int(count)
    }
    shown_stances = {
        (row[0], row[1], stance): int(count)
        for row in _cells(page, "organisaatiot-vaihtoehdot")
        for stance, count in zip(["supports", "opposes", "proposes_change"], row[2:], strict=True)
        if int(count)
    }
    with live_server.app.app_context():
        themes = db.session.execute(
            select(User.region, Theme.name, func.count(distinct(Comment.id)))
            .select_from(comment_themes)
            .join(Theme, Theme.id == comment_themes.c.theme_id)
            .join(Comment, Comment.id == comment_themes.c.comment_id)
            .join(Section, Section.id == Comment.section_id)
            .join(Page, Page.id == Section.page_id)
            .join(User, User.id == Comment.author_id)
            .where(_readable())
            .group_by(User.region, Theme.name)
        ).all()
        stances = db.session.execute(
            select(
                Alternative.title,
                User.organisation_type,
                CommentLink.stance,
                func.count(distinct(Comment.id)),
            )
            .join(Comment, Comment.id == CommentLink.comment_id)
            .join(Alternative, Alternative.id == CommentLink.alternative_id)
            .join(Section, Section.id == Comment.section_id)
            .join(Page, Page.id == Section.page_id)
            .join(User, User.id == Comment.author_id)
            .where(_readable(), CommentLink.stance != Stance.ASKS)
            .group_by(Alternative.title, User.organisation_type, CommentLink.stance)
        ).all()
        expected_themes = {
            (str(REGION_LABELS.get(region, "Ei kerrottu")), theme): n for region, theme, n in themes
        }
        expected_stances = {
            (title, str(ORGANISATION_TYPE_LABELS.get(kind, "Ei kerrottu")), stance.value): n
            for title, kind, stance, n in stances
        }
    # The demo's discussion fills both views: a dozen regions, most themes, every stance.
    assert len({region for region, _ in expected_themes}) >= 10
    assert {stance for *_, stance in expected_stances} == {"supports", "opposes", "proposes_change"}
    assert shown_themes == expected_themes
    assert shown_stances == expected_stances
