"""A moderator puts a picture into a section with alt text and a caption; a reader sees it inline
on a wide screen and on a phone."""

from __future__ import annotations

import io
import re
import tempfile
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in

SLUG = "aikataulu"
INSERT = re.compile(r"Lisää kuva tekstiin\W+aikataulu\.png")
SHOTS = Path(tempfile.gettempdir()) / "shots"  # /tmp/shots: looked at by eye when the page changes


def _picture() -> bytes:
    image = Image.new("RGB", (1800, 700), (232, 240, 248))
    draw = ImageDraw.Draw(image)
    for step in range(6):
        draw.rectangle((60 + step * 290, 200, 280 + step * 290, 500), fill=(11, 79, 138))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _shows_picture_inline(page: Any, width: int) -> None:
    figure = page.locator(".prose figure").first
    expect(figure).to_be_visible()
    image = figure.locator("img")
    image.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    box = image.bounding_box()
    assert box is not None and 0 < box["width"] <= width - 16
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    expect(figure.locator("figcaption")).to_have_text(
        "Aikataulu kuvana: toukokuu 2019 – helmikuu 2020"
    )


def test_a_moderator_puts_a_picture_in_the_text_and_readers_see_it(
    browser: Any, page: Any, live_server: Any, axe: Any
) -> None:
    from valuma_space.auth.models import Role
    from valuma_space.auth.services import ensure_user
    from valuma_space.extensions import db

    with live_server.app.app_context():
        ensure_user("kuvittaja-selain@valuma.example", Role.MODERATOR)
        db.session.commit()

    sign_in(page, live_server, "kuvittaja-selain@valuma.example", "/hallinta/aineisto")
    page.get_by_role("link", name="Aikataulu", exact=True).click()
    assert page.locator("h1").inner_text().startswith("Muokkaa osiota")
    page.get_by_label("Liitetiedosto").set_input_files(
        files=[{"name": "aikataulu.png", "mimeType": "image/png", "buffer": _picture()}]
    )
    page.get_by_role("button", name="Lisää liite").click()
    expect(page.locator(".flash-success")).to_contain_text("Liite on lisätty")

    insert = page.get_by_role("button", name=INSERT)
    insert.click()  # no alt text yet: refused, and said why
    expect(page.locator(".flash-error")).to_contain_text("Kuvalta puuttuu vaihtoehtoinen teksti")
    alt = page.get_by_label("Vaihtoehtoinen teksti (pakollinen)")
    expect(alt).to_have_attribute("aria-invalid", "true")
    alt.fill("Aikajana hankkeen kuudesta vaiheesta")
    page.get_by_label("Kuvateksti (valinnainen)").fill(
        "Aikataulu kuvana: toukokuu 2019 – helmikuu 2020"
    )
    page.get_by_role("button", name=INSERT).click()
    expect(page.get_by_label("Teksti (Markdown)")).to_have_value(
        re.compile(r'!\[Aikajana hankkeen kuudesta vaiheesta\]\(attachment:\d+ "')
    )
    expect(page.locator(".preview figure img")).to_be_visible()
    assert_accessible(axe, page)
    page.get_by_role("button", name="Julkaise").click()
    expect(page.locator(".flash-success")).to_contain_text("Osio on julkaistu")

    SHOTS.mkdir(parents=True, exist_ok=True)
    failed: list[str] = []
    for width, height in ((1280, 900), (390, 844)):
        context = browser.new_context(locale="fi-FI", viewport={"width": width, "height": height})
        reader = context.new_page()
        reader.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
        reader.goto(f"{live_server.url}/osio/{SLUG}")
        _shows_picture_inline(reader, width)
        expect(reader.locator(".prose figure img")).to_have_attribute(
            "alt", "Aikajana hankkeen kuudesta vaiheesta"
        )
        assert_accessible(axe, reader)
        reader.locator(".prose figure").screenshot(path=str(SHOTS / f"images-figure-{width}.png"))
        reader.screenshot(path=str(SHOTS / f"images-section-{width}.png"), full_page=True)
        # The demo's own diagram of the three phases, on the first phase's section.
        reader.goto(f"{live_server.url}/osio/vaihe-1-uudistukset-ja-tilanne")
        diagram = reader.locator(".prose figure img")
        expect(diagram).to_have_attribute("alt", re.compile("kolmesta vaiheesta"))
        diagram.scroll_into_view_if_needed()
        reader.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=diagram.element_handle()
        )
        assert_accessible(axe, reader)
        reader.screenshot(path=str(SHOTS / f"images-demo-{width}.png"), full_page=True)
        assert failed == []
        context.close()
