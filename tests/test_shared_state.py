"""Two app servers on one database and one Redis behave as one: a thread rendered by one is
served by the other, a write on one shows on the other's next read, and no audience's
rendering reaches another audience through the shared cache."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from config import ConfigError, TestingConfig
from tests.conftest import IsolatedClient, make_config
from tests.factories import make_comment, make_page, make_user, make_workspace
from tests.helpers import csrf_token, login_as
from tests.redis_support import REDIS_URL, redis_keys
from valuma_space import create_app
from valuma_space.auth.models import Role
from valuma_space.comments import rendering
from valuma_space.comments.models import Comment, Visibility
from valuma_space.comments.shared_cache import decode_thread, encode_thread
from valuma_space.extensions import db
from valuma_space.materials.models import Section


@pytest.fixture
def config_overrides(redis_prefix: str) -> dict[str, Any]:
    return {"REDIS_URL": REDIS_URL, "REDIS_PREFIX": redis_prefix, "THREAD_CACHE": "redis"}


@pytest.fixture
def app_b(
    app: Flask, database_url: str, config_overrides: dict[str, Any], tmp_path: Path
) -> Iterator[Flask]:
    """A second server: its own app, workers' caches and connections, the same database and
    Redis as `app`."""
    other = create_app(
        make_config(database_url, UPLOAD_DIR=str(tmp_path / "uploads"), **config_overrides)
    )
    other.test_client_class = IsolatedClient
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The sections each server rendered a thread of (rather than finding it in a cache)."""
    rendered: list[int] = []
    real = rendering.render_thread

    def counting(section: Section, *args: Any, **kwargs: Any) -> Any:
        rendered.append(section.id)
        return real(section, *args, **kwargs)

    monkeypatch.setattr(rendering, "render_thread", counting)
    return rendered


def _signed_in(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    login_as(client, email)
    return client


def _thread(client: FlaskClient, section: Section) -> str:
    response = client.get(f"/osio/{section.slug}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return re.sub(r'name="(csrf_token|idempotency_key)"[^>]*', "", html)


def _write(client: FlaskClient, section: Section, body: str) -> None:
    page = client.get(f"/osio/{section.slug}").get_data(as_text=True)
    response = client.post(
        f"/osio/{section.slug}/kommentoi",
        data={"csrf_token": csrf_token(page), "body": body, "kind": "comment"},
    )
    assert response.status_code in {302, 303}, response.get_data(as_text=True)


def test_a_thread_one_server_rendered_is_served_by_the_other_and_a_write_shows_on_the_next_read(
    app: Flask,
    app_b: Flask,
    redis_prefix: str,
    renders: list[int],
) -> None:
    section = make_page(make_workspace(), sections=1).sections[0]
    maija = make_user("maija@kunta.fi", profile_completed=True)
    make_comment(section, maija, "Ensimmäinen havainto")
    visitor_a, visitor_b = app.test_client(), app_b.test_client()

    first = _thread(visitor_a, section)
    assert "Ensimmäinen havainto" in first and renders == [section.id]
    assert any(":t:" in key for key in redis_keys(redis_prefix))
    # Server B has never rendered it: it reads A's rendering from Redis.
    assert _thread(visitor_b, section) == first
    assert renders == [section.id]

    # A comment written through A is in the thread B serves on its next read; B renders
    # the thread anew (a new version) but only the new comment: the first one's piece is shared.
    _write(_signed_in(app, "maija@kunta.fi"), section, "Toinen havainto kirjoitettu A:ssa")
    pieces_before = [key for key in redis_keys(redis_prefix) if ":c:" in key]
    after = _thread(visitor_b, section)
    assert "Toinen havainto kirjoitettu A:ssa" in after and "Ensimmäinen havainto" in after
    assert renders == [section.id, section.id]
    pieces_after = [key for key in redis_keys(redis_prefix) if ":c:" in key]
    assert set(pieces_before) < set(pieces_after)
    assert len(pieces_after) == len(pieces_before) + 1
    # And A serves B's rendering.
    assert _thread(visitor_a, section) == after
    assert renders == [section.id, section.id]


def test_a_hidden_comment_leaves_the_other_servers_rendering(
    app: Flask, app_b: Flask, renders: list[int]
) -> None:
    section = make_page(make_workspace(), sections=1).sections[0]
    make_user("mona@valuma.fi", role=Role.MODERATOR, profile_completed=True)
    maija = make_user("maija@kunta.fi", profile_completed=True)
    make_comment(section, maija, "Asiallinen kommentti")
    rude = make_comment(section, maija, "Asiaton qx7 kommentti")
    visitor_b = app_b.test_client()
    assert "Asiaton qx7" in _thread(visitor_b, section)
    assert "Asiaton qx7" in _thread(app.test_client(), section)  # A too, from Redis

    mona = _signed_in(app, "mona@valuma.fi")
    page = mona.get(f"/moderointi/kommentit/{rude.id}").get_data(as_text=True)
    response = mona.post(
        f"/moderointi/kommentit/{rude.id}",
        data={"csrf_token": csrf_token(page), "action": "hide", "reason": "Asiaton"},
    )
    assert response.status_code in {302, 303}, response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Comment, rude.id).visibility == Visibility.HIDDEN

    html = _thread(visitor_b, section)
    assert "Asiaton qx7" not in html and "Asiallinen kommentti" in html
    assert "Asiaton qx7" not in _thread(app.test_client(), section)


def test_a_participants_waiting_comment_and_the_moderators_rendering_stay_with_their_audience(
    app: Flask,
    app_b: Flask,
    redis_prefix: str,
) -> None:
    workspace = make_workspace(pre_moderation=True)
    section = make_page(workspace, sections=1).sections[0]
    mona = make_user("mona@valuma.fi", role=Role.MODERATOR, profile_completed=True)
    make_user("maija@kunta.fi", profile_completed=True)
    make_user("pekka@kunta.fi", profile_completed=True)
    make_comment(section, mona, "Näkyvä aloitus")
    pekka_a = _signed_in(app, "pekka@kunta.fi")
    _write(pekka_a, section, "Odottava zz4 kommentti")
    before = {key for key in redis_keys(redis_prefix) if ":t:" in key}

    # Each audience's rendering is made on A and cached in Redis first...
    assert "Odottava zz4" in _thread(pekka_a, section)
    mona_a = _signed_in(app, "mona@valuma.fi")
    assert "Odottava zz4" in _thread(mona_a, section)
    assert "/moderointi/kommentit/" in _thread(mona_a, section)
    # ...then everyone reads through B.
    maija_b = _signed_in(app_b, "maija@kunta.fi")
    for html in (_thread(maija_b, section), _thread(app_b.test_client(), section)):
        assert "Näkyvä aloitus" in html
        assert "Odottava zz4" not in html
        assert "/moderointi/kommentit/" not in html
    pekka_b = _signed_in(app_b, "pekka@kunta.fi")
    pekka_html = _thread(pekka_b, section)
    assert "Odottava zz4" in pekka_html and "/moderointi/kommentit/" not in pekka_html
    assert "/moderointi/kommentit/" in _thread(_signed_in(app_b, "mona@valuma.fi"), section)
    # Readers, moderators, and Pekka's own: three threads of this version in Redis.
    assert len({key for key in redis_keys(redis_prefix) if ":t:" in key} - before) == 3


def test_a_rendered_thread_survives_its_plain_serialization(app: Flask) -> None:
    section = make_page(make_workspace(), sections=1).sections[0]
    maija = make_user("maija@kunta.fi", profile_completed=True)
    for number in range(25):  # past FIRST_THREADS: the cut is kept too
        make_comment(section, maija, f"Kommentti {number}")
    with app.test_request_context():
        thread = rendering.render_thread(
            section, rendering.Order.OLDEST, "fi", pieces=rendering.BoundedCache(10**7)
        )
    assert thread.cut is not None
    assert decode_thread(encode_thread(thread)) == thread


def test_a_shared_thread_cache_needs_redis() -> None:
    config = TestingConfig({})
    config.THREAD_CACHE = "redis"
    with pytest.raises(ConfigError, match="REDIS_URL"):
        create_app(config)
    config.THREAD_CACHE = "memcached"
    with pytest.raises(ConfigError, match="THREAD_CACHE"):
        create_app(config)


def test_rate_limits_use_redis_when_it_is_set_and_nothing_else_is() -> None:
    from config import DevelopmentConfig

    assert DevelopmentConfig({}).RATELIMIT_STORAGE_URI == "memory://"
    assert DevelopmentConfig({"REDIS_URL": "redis://r:6379/1"}).RATELIMIT_STORAGE_URI == (
        "redis://r:6379/1"
    )
    own = {"REDIS_URL": "redis://r:6379/1", "RATELIMIT_STORAGE_URI": "redis://l:6379/2"}
    assert DevelopmentConfig(own).RATELIMIT_STORAGE_URI == "redis://l:6379/2"
    assert TestingConfig({"REDIS_URL": "redis://r:6379/1"}).RATELIMIT_STORAGE_URI == "memory://"
    assert DevelopmentConfig({}).THREAD_CACHE == "local"
    assert DevelopmentConfig({}).REDIS_PREFIX == "valuma:"


# --- the "new comments" poll ------------------------------------------------------------------


def _poll(client: FlaskClient, section: Section, etag: str | None = None) -> Any:
    headers = {"If-None-Match": etag} if etag else {}
    return client.get(f"/osio/{section.slug}/tila", headers=headers)


@contextmanager
def _queries(*apps: Flask) -> Iterator[list[str]]:
    """The SQL statements every one of the apps (servers) runs inside the block."""
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    engines = []
    for each in apps:
        with each.app_context():
            engines.append(db.engine)
    for engine in engines:
        event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", record)


def _counting(statements: list[str]) -> list[str]:
    return [s for s in statements if "count(" in s.lower() and "FROM users" not in s]


def test_polls_of_an_unchanged_discussion_ask_the_database_nothing_on_any_server(
    app: Flask, app_b: Flask
) -> None:
    section = make_page(make_workspace(), sections=1).sections[0]
    make_user("maija@kunta.fi", profile_completed=True)
    make_comment(section, make_user("pekka@kunta.fi"), "Aloitus")
    maija_a, maija_b = _signed_in(app, "maija@kunta.fi"), _signed_in(app_b, "maija@kunta.fi")
    visitor_a, visitor_b = app.test_client(), app_b.test_client()

    first = _poll(visitor_a, section)
    assert first.status_code == 200 and first.json["count"] == 1
    etag = first.headers["ETag"].strip('"')
    with _queries(app, app_b) as statements:
        for reader in (visitor_a, visitor_b) * 10:
            assert _poll(reader, section, etag).status_code == 304
    # A visitor's poll of a public workspace: no query at all, on either server.
    assert statements == []

    with _queries(app, app_b) as statements:
        for reader in (maija_a, maija_b) * 10:
            assert _poll(reader, section, etag).status_code == 304
    # A signed-in participant's: only who they are (Flask-Login's user loader, with the counts
    # it loads beside the user), once a poll, and the visit noted every few minutes.
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 20
    assert all(s.startswith("SELECT users.id") and "\nFROM users \n" in s for s in selects)
    assert [s for s in statements if s not in selects] == [
        s for s in statements if s.startswith("UPDATE users SET last_seen_at")
    ]
    assert len(statements) - len(selects) <= 2

    # A comment written on A: every server's next poll has the new version and its count,
    # counted once for all of them.
    _write(maija_a, section, "Uusi kommentti")
    with _queries(app, app_b) as statements:
        answers = [_poll(reader, section, etag) for reader in (visitor_b, visitor_a) * 5]
    assert {(r.status_code, r.json["count"]) for r in answers} == {(200, 2)}
    assert len({r.headers["ETag"] for r in answers}) == 1 and answers[0].headers["ETag"] != etag
    assert len(statements) == 1 and len(_counting(statements)) == 1


def test_a_poll_of_an_unpublished_or_private_section_is_refused_as_before(
    app: Flask, app_b: Flask
) -> None:
    from valuma_space.workspaces.models import ReadingAccess

    workspace = make_workspace(reading_access=ReadingAccess.SIGNED_IN)
    page = make_page(workspace, sections=2)
    hidden = page.sections[1]
    make_user("maija@kunta.fi", profile_completed=True)
    make_user("mona@valuma.fi", role=Role.MODERATOR, profile_completed=True)
    # Signed out in a workspace for signed-in readers: sent to sign in, as before.
    assert _poll(app_b.test_client(), page.sections[0]).status_code in {302, 401}
    maija = _signed_in(app_b, "maija@kunta.fi")
    assert _poll(maija, page.sections[0]).status_code == 200
    assert _poll(maija, hidden).status_code == 200
    # Unpublishing on A: B's next poll refuses the participant, and serves the moderator.
    hidden.is_published = False
    db.session.commit()
    assert _poll(maija, hidden).status_code == 404
    assert _poll(_signed_in(app, "mona@valuma.fi"), hidden).status_code == 200
    assert _poll(maija, page.sections[0]).status_code == 200
    assert _poll(maija, Section(slug="ei-ole")).status_code == 404


def test_a_version_written_after_a_reader_looked_is_never_lowered_by_that_reader(
    app: Flask, redis_prefix: str
) -> None:
    from valuma_space.comments import live

    section = make_page(make_workspace(), sections=1).sections[0]
    with app.test_request_context():
        slow = live.discussion_status(section.page.workspace_id, section.slug, None)
        assert slow is not None and slow.version == 0
        make_comment(section, make_user("pekka@kunta.fi"), "Uusi")  # bumps and commits
        # A reader that read the database before the write now stores what it read.
        client = live.shared_redis()
        assert client is not None
        client.eval(live._RAISE, 1, live._version_key(client, section.id), 0, 60)
        now = live.discussion_status(section.page.workspace_id, section.slug, None)
        assert now is not None and now.version == 1


def test_a_server_whose_redis_is_gone_still_serves_threads_and_polls(
    app: Flask, database_url: str, tmp_path: Path
) -> None:
    section = make_page(make_workspace(), sections=1).sections[0]
    make_comment(section, make_user("pekka@kunta.fi"), "Näkyy ilman Redisiä")
    gone = create_app(
        make_config(
            database_url,
            UPLOAD_DIR=str(tmp_path / "uploads"),
            REDIS_URL="redis://127.0.0.1:1/0",  # nothing listens there
            THREAD_CACHE="redis",
        )
    )
    gone.test_client_class = IsolatedClient
    try:
        visitor = gone.test_client()
        assert "Näkyy ilman Redisiä" in _thread(visitor, section)
        poll = _poll(visitor, section)
        assert poll.status_code == 200 and poll.json["count"] == 1
    finally:
        with gone.app_context():
            db.engine.dispose()
