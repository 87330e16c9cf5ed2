"""Two app servers on one database and one Redis behave as one: a thread rendered by one is
served by the other, a write on one shows on the other's next read, and no audience's
rendering reaches another audience through the shared cache."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from config import ConfigError, TestingConfig
from tests.conftest import IsolatedClient, make_config
from tests.factories import make_comment, make_page, make_user, make_workspace
from tests.helpers import csrf_token, login_as
from tests.redis_support import REDIS_URL, redis_keys, redis_prefix  # noqa: F401 (fixture)
from valuma_space import create_app
from valuma_space.auth.models import Role
from valuma_space.comments import rendering
from valuma_space.comments.models import Comment, Visibility
from valuma_space.comments.shared_cache import decode_thread, encode_thread
from valuma_space.extensions import db
from valuma_space.materials.models import Section


@pytest.fixture
def config_overrides(redis_prefix: str) -> dict[str, Any]:  # noqa: F811
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
    renders: list[int],  # noqa: F811
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
    redis_prefix: str,  # noqa: F811
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
