from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from tests.factories import make_page, make_section, make_workspace
from valuma_space.extensions import db
from valuma_space.materials.markdown import MATERIAL_TAGS, render_markdown
from valuma_space.workspaces.models import ReadingAccess


def test_home_shows_the_workspace_its_period_and_contents(client: FlaskClient, app: Flask) -> None:
    workspace = make_workspace("VALUMA-testi", summary="Tiivistelmä tähän.")
    first = make_page(workspace, "Tausta", sections=2)
    second = make_page(workspace, "Vaiheet", sections=1)
    html = client.get("/").get_data(as_text=True)
    assert "VALUMA-testi" in html and "Tiivistelmä tähän." in html
    assert "Kommentointi on auki" in html and "Kommentointiaika" in html
    assert html.index("Tausta") < html.index("Vaiheet")
    for page in (first, second):
        assert f'href="/sivu/{page.slug}"' in html
        for section in page.sections:
            assert f'href="/osio/{section.slug}"' in html
    assert html.count("(0 kommenttia)") == 3


def test_a_page_shows_its_sections_in_order_with_permalinks(
    client: FlaskClient, app: Flask
) -> None:
    workspace = make_workspace()
    page = make_page(workspace, "Tausta")
    make_section(page, "Ensimmäinen", "Eka *korostus*.")
    make_section(page, "Toinen", "- kohta yksi\n- kohta kaksi")
    html = client.get(f"/sivu/{page.slug}").get_data(as_text=True)
    assert html.index("Ensimmäinen") < html.index("Toinen")
    assert "<em>korostus</em>" in html and "<li>kohta yksi</li>" in html
    for section in page.sections:
        assert f'id="{section.slug}"' in html
        assert f'href="/osio/{section.slug}#discussion-heading"' in html
        assert f'href="/sivu/{page.slug}#{section.slug}"' in html  # the table of contents
    assert 'aria-labelledby="toc-heading"' in html


def test_a_section_permalink_shows_the_section(client: FlaskClient, app: Flask) -> None:
    workspace = make_workspace()
    page = make_page(workspace, "Tausta")
    section = make_section(page, "Päätavoitteet", "Tavoitteena on *kartoittaa*.")
    response = client.get(f"/osio/{section.slug}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<h1 lang="fi">Päätavoitteet</h1>' in html and "<em>kartoittaa</em>" in html
    assert f'href="/sivu/{page.slug}#{section.slug}"' in html


def test_unknown_pages_and_sections_give_the_404_page_in_the_users_language(
    client: FlaskClient, app: Flask
) -> None:
    make_workspace()
    for path in ["/sivu/ei-ole", "/osio/ei-ole"]:
        response = client.get(path)
        assert response.status_code == 404
        assert "Sivua ei löytynyt" in response.get_data(as_text=True)
    client.get("/kieli/sv")
    swedish = client.get("/osio/ei-ole")
    assert swedish.status_code == 404
    assert '<html lang="sv">' in swedish.get_data(as_text=True)
    assert "Sivua ei löytynyt" not in swedish.get_data(as_text=True)


def test_markdown_is_sanitised_when_saved(app: Flask) -> None:
    workspace = make_workspace()
    page = make_page(workspace)
    section = make_section(
        page,
        body="<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)> **ok**",
    )
    html = section.body_html
    # The attempts survive only as visible, escaped text: no tag, no attribute, no link.
    assert "<script" not in html and "<img" not in html
    assert "href=" not in html
    assert "&lt;script&gt;" in html
    assert "<strong>ok</strong>" in html


class _TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_attack_payloads_never_survive_rendering() -> None:
    """Whatever the payload, the stored HTML holds only allowed tags, no event handlers and
    no link but http, https and mailto; the rest shows as escaped text."""
    payloads = Path(__file__).resolve().parents[2] / "shared" / "payloads" / "xss.txt"
    lines = payloads.read_text(encoding="utf-8").splitlines() if payloads.exists() else []
    lines += [
        "<svg onload=alert(1)>",
        "[a](javascript:alert(1))",
        "<iframe src=//evil>",
        "[b](JaVaScRiPt:x)",
    ]
    for line in lines:
        collector = _TagCollector()
        collector.feed(render_markdown(line))
        for tag, attributes in collector.tags:
            assert tag in MATERIAL_TAGS, (line, tag)
            assert not any(name.startswith("on") for name in attributes), (line, attributes)
            href = (attributes.get("href") or "").strip().lower()
            assert not href or href.startswith(("http://", "https://", "mailto:")), (line, href)


def test_a_signed_in_only_workspace_hides_its_materials_from_visitors(
    client: FlaskClient, app: Flask
) -> None:
    workspace = make_workspace(reading_access=ReadingAccess.SIGNED_IN)
    page = make_page(workspace, sections=1)
    for path in ["/", f"/sivu/{page.slug}", f"/osio/{page.sections[0].slug}"]:
        response = client.get(path)
        assert response.status_code in {302, 401}
        assert page.sections[0].body_html not in response.get_data(as_text=True)
    assert client.get("/saavutettavuus").status_code == 200


def _queries_for(client: FlaskClient, count_queries, path: str) -> int:
    client.get(path)  # warm up: the first request loads translations and templates
    with count_queries() as counter:
        assert client.get(path).status_code == 200
    return counter.count


def test_reading_pages_take_a_fixed_number_of_queries(
    client: FlaskClient, app: Flask, count_queries
) -> None:
    workspace = make_workspace()
    page = make_page(workspace, sections=2)
    make_page(workspace, sections=1)
    small = {p: _queries_for(client, count_queries, p) for p in ["/", f"/sivu/{page.slug}"]}
    for _ in range(8):
        make_page(workspace, sections=6)
    for _ in range(20):
        make_section(page, commit=False)
    db.session.commit()
    large = {p: _queries_for(client, count_queries, p) for p in ["/", f"/sivu/{page.slug}"]}
    assert small == large
    # workspace, pages, their sections, comment counts (and on the home page, recent changes,
    # the phases and the coming events)
    assert max(large.values()) <= 7, large
