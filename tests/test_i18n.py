from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import make_page, make_workspace
from tests.helpers import TRANSLATIONS, finnish_left_in
from tests.helpers import catalog as _catalog


@pytest.fixture
def page_slug(app: Flask) -> str:
    workspace = make_workspace()
    return make_page(workspace, "Tausta", sections=2).slug


def _html_lang(html: str) -> str:
    match = re.search(r'<html lang="([^"]+)"', html)
    assert match
    return match.group(1)


def test_finnish_is_the_default(client: FlaskClient, page_slug: str) -> None:
    html = client.get("/").get_data(as_text=True)
    assert _html_lang(html) == "fi"
    assert "Siirry sisältöön" in html


def test_accept_language_is_honoured(client: FlaskClient, page_slug: str) -> None:
    html = client.get("/", headers={"Accept-Language": "sv-FI,sv;q=0.9,en;q=0.5"}).get_data(
        as_text=True
    )
    assert _html_lang(html) == "sv"


def test_the_switcher_remembers_the_choice_and_returns(client: FlaskClient, page_slug: str) -> None:
    response = client.get(f"/kieli/en?next=/sivu/{page_slug}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/sivu/{page_slug}"
    html = client.get(f"/sivu/{page_slug}", headers={"Accept-Language": "sv"}).get_data(
        as_text=True
    )
    assert _html_lang(html) == "en"


@pytest.mark.parametrize("code", ["xx", "de", "FI-evil"])
def test_an_unknown_language_falls_back_to_finnish(
    client: FlaskClient, page_slug: str, code: str
) -> None:
    client.get(f"/kieli/{code}")
    html = client.get("/", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert _html_lang(html) == "fi"


def test_an_unknown_language_cookie_falls_back_to_finnish(
    client: FlaskClient, page_slug: str
) -> None:
    client.set_cookie("lang", "klingon")
    html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert _html_lang(html) == "fi"


def test_the_switcher_never_redirects_off_site(client: FlaskClient) -> None:
    for target in [
        "https://evil.example/",
        "//evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
    ]:
        response = client.get("/kieli/sv", query_string={"next": target})
        assert response.headers["Location"] == "/"


@pytest.mark.parametrize("language", ["sv", "en"])
def test_catalogues_are_complete(language: str) -> None:
    catalog = _catalog(language)
    missing = [
        message.id
        for message in catalog
        if message.id
        and (
            message.fuzzy
            or not message.string
            or (isinstance(message.string, tuple) and not all(message.string))
        )
    ]
    assert missing == []


@pytest.mark.parametrize("language", ["sv", "en"])
def test_compiled_catalogues_are_up_to_date(language: str) -> None:
    """The .mo file the app loads says what the .po file says."""
    catalog = _catalog(language)
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo", "rb") as mo:
        compiled = read_mo(mo)
    for message in catalog:
        if message.id:
            assert compiled.get(message.id, message.context) is not None, message.id
            compiled_string = compiled.get(message.id, message.context).string
            if isinstance(compiled_string, list):
                compiled_string = tuple(compiled_string)
            assert compiled_string == message.string, message.id


def test_every_template_string_is_in_the_catalogue() -> None:
    """A string added to a template without updating the catalogue would show in Finnish."""
    from babel.messages.extract import extract_from_dir

    root = Path(__file__).resolve().parent.parent
    method_map = [
        ("valuma_space/**.py", "python"),
        ("templates/**.html", "jinja2"),
        ("templates/**.txt", "jinja2"),
    ]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
    catalog_ids = {m.id if isinstance(m.id, str) else m.id[0] for m in _catalog("sv") if m.id}
    extracted = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(root), method_map=method_map, keywords=keywords
    ):
        extracted.add(message if isinstance(message, str) else message[0])
    assert extracted - catalog_ids == set(), "run pybabel extract/update (see README)"


@pytest.mark.parametrize("language", ["sv", "en"])
def test_switching_language_changes_every_interface_string(
    app: Flask, client: FlaskClient, page_slug: str, language: str
) -> None:
    client.get(f"/kieli/{language}")
    for path in ["/", f"/sivu/{page_slug}", "/saavutettavuus", "/no-such-page"]:
        html = client.get(path).get_data(as_text=True)
        assert _html_lang(html) == language
        assert finnish_left_in(html, language) == [], f"{path} still shows Finnish"
