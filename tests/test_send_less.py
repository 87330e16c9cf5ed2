"""Send less: text compressed for clients that ask, static files named by their content and
kept by browsers for a year, exports still streamed."""

from __future__ import annotations

import contextvars
import csv
import gzip
import io
import random
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import brotli
import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient

from tests.factories import make_comment, make_page, make_section, make_user, make_workspace
from tests.helpers import login_as
from valuma_space.assets import EXTENSION_KEY, HASH_LENGTH, IMMUTABLE, Manifest
from valuma_space.comments.services import add_comment
from valuma_space.exports import services as export_services
from valuma_space.extensions import db

STATIC = Path(__file__).resolve().parent.parent / "static"
TEXT = "aluekehittämisen verkostoyhteistyö " * 8  # as in bench/section_seed.py
COMMENTS = 400
DECODERS = {"gzip": gzip.decompress, "br": brotli.decompress}
# What differs from one rendering of a page to the next: the form's one-time key, and the CSRF
# token's signature, which carries the second it was made.
_PER_RENDERING = re.compile(r'(<input[^>]*name="(?:idempotency_key|csrf_token)"[^>]*value=")[^"]*')
_HASHED = re.compile(
    rf"^/static/(?P<stem>.+)\.(?P<hash>[0-9a-f]{{{HASH_LENGTH}}})(?P<suffix>\.\w+)$"
)


def _same_page(body: bytes) -> str:
    return _PER_RENDERING.sub(r"\1…", body.decode())


@pytest.fixture
def big_section(app: Flask):
    """One section with a large thread, shaped as bench/section_seed.py builds its 1,000."""
    section = make_section(make_page(make_workspace("VALUMA"), "Tausta"), "Päätavoitteet")
    users = [
        make_user(f"osallistuja{n}@kunta{n % 7}.fi", display_name=f"Osallistuja {n}")
        for n in range(50)
    ]
    for user in users:
        user.profile_completed = True
    chooser = random.Random(1)
    made = []
    for i in range(COMMENTS):
        parent = chooser.choice(made[-40:]) if made and chooser.random() < 0.6 else None
        comment, _ = add_comment(section, users[i % 50], f"Kommentti {i}: {TEXT}", parent=parent)
        made.append(comment)
    db.session.commit()
    return section


def test_a_large_discussion_goes_compressed_and_unpacks_to_the_same_page(
    app: Flask, client: FlaskClient, big_section
) -> None:
    login_as(client, "osallistuja7@kunta0.fi")
    path = f"/osio/{big_section.slug}?kaikki=1"
    client.get(path)  # shows the "signed in" notice once
    plain = client.get(path)
    assert plain.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert plain.headers["Vary"].lower().count("accept-encoding") == 1
    body = plain.get_data()
    assert body.decode().count("Kommentti ") >= COMMENTS
    assert int(plain.headers["Content-Length"]) == len(body) > 400_000

    for encoding, decode in DECODERS.items():
        response = client.get(path, headers={"Accept-Encoding": encoding})
        assert response.status_code == 200
        assert response.headers["Content-Encoding"] == encoding
        assert "accept-encoding" in response.headers["Vary"].lower()
        wire = response.get_data()
        assert int(response.headers["Content-Length"]) == len(wire)
        # 1,000 comments under 100 KB on the wire: these are COMMENTS of them.
        assert len(wire) < 100_000 * COMMENTS / 1000, (encoding, len(wire))
        assert _same_page(decode(wire)) == _same_page(body)

    # What a browser sends: Brotli is chosen.
    browser = client.get(path, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert browser.headers["Content-Encoding"] == "br"
    # A client that refuses the encodings gets the page as it is.
    refusing = client.get(path, headers={"Accept-Encoding": "gzip;q=0, br;q=0"})
    assert "Content-Encoding" not in refusing.headers
    assert _same_page(refusing.get_data()) == _same_page(body)


def test_head_tells_the_compressed_length_without_a_body(app: Flask, client: FlaskClient) -> None:
    make_page(make_workspace(), "Tausta", sections=3)
    full = client.get("/", headers={"Accept-Encoding": "gzip"})
    head = client.head("/", headers={"Accept-Encoding": "gzip"})
    assert head.status_code == 200 and head.get_data() == b""
    assert head.headers["Content-Encoding"] == "gzip"
    assert head.headers["Content-Length"] == full.headers["Content-Length"]


def test_a_page_without_accept_encoding_is_sent_as_it_is(app: Flask, client: FlaskClient) -> None:
    make_page(make_workspace(), "Tausta", sections=3)
    response = client.get("/")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "Content-Encoding" not in response.headers
    assert response.get_data().startswith(b"<!doctype html>")
    assert int(response.headers["Content-Length"]) == len(response.get_data())


def test_a_tiny_body_is_not_compressed(app: Flask, client: FlaskClient) -> None:
    response = client.get("/healthz", headers={"Accept-Encoding": "gzip, br"})
    assert response.get_data() == b"ok\n"
    assert "Content-Encoding" not in response.headers


def test_the_discussion_poll_still_answers_304(app: Flask, client: FlaskClient) -> None:
    section = make_section(make_page(make_workspace(), "Tausta"))
    make_comment(section, make_user(profile_completed=True), "Ensimmäinen.")
    headers = {"Accept-Encoding": "gzip, br"}
    first = client.get(f"/osio/{section.slug}/tila", headers=headers)
    assert first.status_code == 200
    again = client.get(
        f"/osio/{section.slug}/tila", headers={**headers, "If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304


@pytest.mark.parametrize("fmt", sorted(export_services.STREAMED))
def test_a_streamed_export_stays_streamed_and_uncompressed(
    app: Flask, moderator: FlaskClient, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    workspace = make_workspace()
    author = make_user("vienti@kunta.fi", display_name="Vientitesti", profile_completed=True)
    for number in range(3):
        section = make_section(make_page(workspace, f"Sivu {number}"), f"Osio {number}")
        for n in range(20):
            make_comment(section, author, f"Kommentti {n}: {TEXT}")
    produced: list[str] = []
    real_chunks = export_services.chunks

    def counted(*args, **kwargs) -> Iterator[str]:
        for chunk in real_chunks(*args, **kwargs):
            produced.append(chunk)
            yield chunk

    monkeypatch.setattr(export_services, "chunks", counted)
    # Unbuffered, as a server sends it: the body is read after the response has started, in
    # the request's own context (IsolatedClient would read it all at once).
    context = contextvars.Context()
    response = context.run(
        FlaskClient.open,
        moderator,
        f"/moderointi/vienti/lataa?format={fmt}",
        headers={"Accept-Encoding": "gzip, deflate, br, zstd"},
        buffered=False,
    )
    try:
        assert response.status_code == 200
        assert response.is_streamed
        assert "Content-Encoding" not in response.headers
        assert "Content-Length" not in response.headers
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Content-Disposition"].startswith("attachment;")
        # The response has started with at most the first chunk made (Werkzeug's test client
        # reads one to see that it has started): no one gathered the body first.
        assert len(produced) <= 1
        body = context.run(lambda: b"".join(response.response)).decode()
    finally:
        context.run(response.close)
    assert len(produced) >= 4 and body == "".join(produced)  # a chunk per section, at least
    if fmt == "csv":
        assert response.mimetype == "text/csv"
        rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
        assert len(rows) == 1 + 60


class _StaticLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in {"href", "src"} and value and "/static/" in value:
                self.urls.append(value)


def _static_urls(html: str) -> list[str]:
    parser = _StaticLinks()
    parser.feed(html)
    return parser.urls


def test_every_static_address_on_the_pages_is_hashed_and_kept_a_year(
    app: Flask, client: FlaskClient
) -> None:
    section = make_section(make_page(make_workspace(), "Tausta"))
    participant = make_user("lukija@kunta.fi", profile_completed=True)
    login_as(client, participant.email)
    urls: set[str] = set()
    for path in ("/", f"/osio/{section.slug}"):
        urls.update(_static_urls(client.get(path).get_data(as_text=True)))
    names = {_HASHED.match(url)["stem"] + _HASHED.match(url)["suffix"] for url in urls}
    assert {"css/site.css", "favicon.svg", "js/discussion.js", "js/mentions.js"} <= names
    for url in sorted(urls):
        match = _HASHED.match(url)
        assert match, url
        on_disk = (STATIC / (match["stem"] + match["suffix"])).read_bytes()
        response = client.get(url)
        assert response.status_code == 200, url
        assert (
            response.headers["Cache-Control"]
            == IMMUTABLE
            == ("public, max-age=31536000, immutable")
        )
        assert response.get_data() == on_disk, url
        assert "Content-Encoding" not in response.headers
        assert "Content-Security-Policy" in response.headers
        # Compressed for a client that asks, when it is worth it; the same bytes unpacked.
        packed = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert packed.headers["Cache-Control"] == IMMUTABLE
        if len(on_disk) > 1024:
            assert packed.headers["Content-Encoding"] == "gzip", url
            assert gzip.decompress(packed.get_data()) == on_disk, url
        # Asked again with its ETag: 304, in both forms.
        for first in (response, packed):
            again = client.get(
                url,
                headers={
                    "If-None-Match": first.headers["ETag"],
                    "Accept-Encoding": first.headers.get("Content-Encoding", ""),
                },
            )
            assert again.status_code == 304, url
            assert again.headers["Cache-Control"] == IMMUTABLE
        head = client.head(url)
        assert head.status_code == 200 and head.get_data() == b""
        assert int(head.headers["Content-Length"]) == len(on_disk)


def test_a_stale_or_wrong_static_address_is_no_error(app: Flask, client: FlaskClient) -> None:
    stylesheet = (STATIC / "css" / "site.css").read_bytes()
    stale = client.get("/static/css/site.0123456789ab.css")
    assert stale.status_code == 200 and stale.get_data() == stylesheet
    # The current file, but not for a year under a name that promised another.
    assert "immutable" not in stale.headers["Cache-Control"]
    assert stale.mimetype == "text/css"
    old_scheme = client.get("/static/js/mentions.abcdef01.js")
    assert old_scheme.status_code == 200
    assert old_scheme.get_data() == (STATIC / "js" / "mentions.js").read_bytes()
    for missing in (
        "/static/css/nothing.0123456789ab.css",
        "/static/css/site.css.0123456789ab",
        "/static/css/site.not-a-hash.css",
        "/static/../config.0123456789ab.py",
        "/static/.0123456789ab.css",
    ):
        assert client.get(missing).status_code == 404, missing
    # The plain name works as before, revalidated each time.
    plain = client.get("/static/css/site.css")
    assert plain.status_code == 200 and plain.get_data() == stylesheet
    assert "immutable" not in plain.headers.get("Cache-Control", "")
    plain.close()


def test_static_names_come_from_the_content(app: Flask, tmp_path: Path) -> None:
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "a.css").write_text("body { color: black; }\n")
    (tmp_path / "LICENSE").write_text("MIT\n")
    (tmp_path / ".hidden").write_text("no\n")
    first = Manifest(tmp_path)
    assert set(first.by_name) == {"css/a.css", "LICENSE"}
    name = first.by_name["css/a.css"].hashed_name
    assert re.fullmatch(rf"css/a\.[0-9a-f]{{{HASH_LENGTH}}}\.css", name)
    assert re.fullmatch(
        rf"LICENSE\.[0-9a-f]{{{HASH_LENGTH}}}", first.by_name["LICENSE"].hashed_name
    )
    assert Manifest(tmp_path).by_name["css/a.css"].hashed_name == name  # the same content
    (tmp_path / "css" / "a.css").write_text("body { color: navy; }\n")
    assert Manifest(tmp_path).by_name["css/a.css"].hashed_name != name


def test_url_for_static_gives_the_hashed_name(app: Flask) -> None:
    manifest = app.extensions[EXTENSION_KEY]
    with app.test_request_context():
        url = url_for("static", filename="css/site.css")
        assert url == f"/static/{manifest.by_name['css/site.css'].hashed_name}"
        # A name the folder does not hold stays as it was (and is a 404 when asked for).
        assert url_for("static", filename="css/none.css") == "/static/css/none.css"


def test_the_workspace_stylesheet_at_its_current_address_is_immutable(
    app: Flask, client: FlaskClient
) -> None:
    make_workspace(accent_color="#1d7a4f")
    current = client.get("/tyotila.css?v=1d7a4f")
    assert current.cache_control.immutable and current.cache_control.public
    assert current.cache_control.max_age == 31536000
    other = client.get("/tyotila.css?v=0b4f8a")
    assert not other.cache_control.immutable and other.cache_control.no_cache


def test_under_the_debugger_an_edited_file_gets_its_new_name(app: Flask, tmp_path: Path) -> None:
    (tmp_path / "site.css").write_text("body { color: black; }\n")
    app.static_folder = str(tmp_path)
    app.extensions[EXTENSION_KEY] = Manifest(tmp_path)
    with app.test_request_context():
        before = url_for("static", filename="site.css")
        (tmp_path / "site.css").write_text("body { color: navy; }\n")
        assert url_for("static", filename="site.css") == before  # read once, at start-up
        app.debug = True
        after = url_for("static", filename="site.css")
    assert after != before
    response = app.test_client().get(after)
    assert response.get_data() == b"body { color: navy; }\n"
    assert response.headers["Cache-Control"] == IMMUTABLE
