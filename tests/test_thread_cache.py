"""The worker's rendered threads: each viewer's page is the one a fresh rendering would give
them, whoever read the thread before, and the cache keeps only what it can still serve, within
its bound in bytes."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from tests.factories import make_comment, make_page, make_user, make_workspace
from tests.helpers import login_as
from valuma_space.auth.models import Role
from valuma_space.auth.services import update_profile
from valuma_space.comments.models import CommentKind
from valuma_space.comments.pages import thread_cache
from valuma_space.comments.rendering import BoundedCache, ThreadCache
from valuma_space.comments.services import edit_comment, set_agreement
from valuma_space.extensions import db
from valuma_space.moderation.services import hide


def _thread(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    # The CSRF token and the form's key differ per session and per rendering; the thread
    # around them is what is compared.
    return re.sub(r'name="(csrf_token|idempotency_key)"[^>]*', "", html)


def _links(html: str, kind: str) -> set[int]:
    return {int(n) for n in re.findall(rf"/kommentit/(\d+)/{kind}\b", html)}


def test_each_viewer_sees_their_own_actions_whoever_read_the_thread_first(
    app: Flask, client: FlaskClient
) -> None:
    workspace = make_workspace()
    section = make_page(workspace, sections=1).sections[0]
    maija, pekka = make_user("maija@kunta.fi"), make_user("pekka@kunta.fi")
    by_maija = [make_comment(section, maija, f"Maijan {n}") for n in range(3)]
    by_pekka = [make_comment(section, pekka, f"Pekan {n}") for n in range(3)]
    reply = make_comment(section, pekka, "Pekka vastaa", parent=by_maija[0])
    set_agreement(by_pekka[1], maija, True)
    db.session.commit()
    path = f"/osio/{section.slug}"

    # Each viewer's page with nobody's rendering cached before it: the reference.
    fresh: dict[str, str] = {}
    clients: dict[str, FlaskClient] = {}
    for name in ("maija", "pekka"):
        clients[name] = app.test_client()
        login_as(clients[name], f"{name}@kunta.fi")
    for name in ("maija", "pekka", "visitor"):
        app.extensions.pop("valuma_thread_cache", None)
        fresh[name] = _thread(clients.get(name, client), path)

    # Now all three read one shared rendering, in turn and again.
    app.extensions.pop("valuma_thread_cache", None)
    for name in ("maija", "pekka", "visitor", "pekka", "maija", "visitor"):
        assert _thread(clients.get(name, client), path) == fresh[name], name
    assert len(thread_cache()) == 1

    assert _links(fresh["maija"], "muokkaa") == {c.id for c in by_maija}
    assert _links(fresh["pekka"], "muokkaa") == {c.id for c in by_pekka} | {reply.id}
    assert not _links(fresh["visitor"], "muokkaa") and not _links(fresh["visitor"], "vastaa")
    assert fresh["maija"].count('aria-pressed="true"') == 1
    assert fresh["pekka"].count('aria-pressed="true"') == 0


def test_moderators_share_a_rendering_and_a_waiting_comments_author_has_one_that_no_one_else_is_served(
    app: Flask, client: FlaskClient
) -> None:
    workspace = make_workspace()
    section = make_page(workspace, sections=1).sections[0]
    mona = make_user("mona@valuma.fi", role=Role.MODERATOR)
    make_user("matti@valuma.fi", role=Role.MODERATOR)
    maija = make_user("maija@kunta.fi")
    make_comment(section, maija, "Näkyvä kommentti")
    hidden = make_comment(section, maija, "Salaisuus qx7 piilotetaan")
    hide(hidden, mona, "Asiaton")
    workspace.pre_moderation = True
    db.session.commit()
    make_comment(section, make_user("pekka@kunta.fi"), "Odottava zz4 kommentti")
    path = f"/osio/{section.slug}"
    clients = {}
    for email in ("mona@valuma.fi", "matti@valuma.fi", "maija@kunta.fi", "pekka@kunta.fi"):
        clients[email] = app.test_client()
        login_as(clients[email], email)
    fresh = {}
    for email, reader in [*clients.items(), ("visitor", client)]:
        app.extensions.pop("valuma_thread_cache", None)
        fresh[email] = _thread(reader, path)

    app.extensions.pop("valuma_thread_cache", None)
    for email in (
        "pekka@kunta.fi",
        "mona@valuma.fi",
        "maija@kunta.fi",
        "visitor",
        "matti@valuma.fi",
        "pekka@kunta.fi",
    ):
        assert _thread(clients.get(email, client), path) == fresh[email], email
    # One rendering for the readers, one for the moderators, and Pekka's own, with his
    # waiting comment, kept for him alone.
    assert len(thread_cache()) == 3
    for email, html in fresh.items():
        moderator = email.endswith("@valuma.fi")
        assert "Salaisuus qx7" not in html  # a hidden text is read on the moderation page
        assert (f"/moderointi/kommentit/{hidden.id}" in html) is moderator, email
        assert ("Odottava zz4" in html) is (moderator or email == "pekka@kunta.fi"), email


def test_a_thread_assembled_from_kept_comments_equals_a_fresh_rendering_after_each_change(
    app: Flask, client: FlaskClient
) -> None:
    """Each change below alters one comment's rendering (or its replies'); the thread the cache
    assembles from the comments it kept must be the one rendered from nothing."""
    workspace = make_workspace()
    section = make_page(workspace, sections=1).sections[0]
    mona = make_user("mona@valuma.fi", role=Role.MODERATOR)
    maija, pekka = make_user("maija@kunta.fi"), make_user("pekka@kunta.fi")
    first = make_comment(section, maija, "Ensimmäinen ajatus")
    reply = make_comment(section, pekka, "Vastaus siihen", parent=first)
    for n in range(5):
        make_comment(section, pekka, f"Lisää {n}", parent=reply if n % 2 else first)
    db.session.commit()
    reader = app.test_client()
    login_as(reader, "pekka@kunta.fi")
    path = f"/osio/{section.slug}?kaikki=1"

    def same_as_fresh(change: str) -> None:
        kept = _thread(reader, path)
        cache = app.extensions.pop("valuma_thread_cache")
        assert _thread(reader, path) == kept, change
        app.extensions["valuma_thread_cache"] = cache

    same_as_fresh("nothing changed")
    edit_comment(first, maija, "Muokattu ajatus", CommentKind.PROPOSAL, "")
    db.session.commit()
    same_as_fresh("an edit")
    set_agreement(first, pekka, True)
    db.session.commit()
    same_as_fresh("an agreement")
    update_profile(maija, {"display_name": "Maija M.", "organisation": "Kunta"})
    db.session.commit()
    same_as_fresh("the author's name, also in the replies' 'reply to'")
    hide(first, mona, "Asiaton")
    db.session.commit()
    same_as_fresh("hiding, also in the replies' 'reply to'")
    make_comment(section, maija, "Uusi ketju")
    same_as_fresh("a new comment")
    assert "Maija M." in _thread(reader, path)


def test_a_write_replaces_the_rendering_it_supersedes(app: Flask, client: FlaskClient) -> None:
    workspace = make_workspace()
    sections = make_page(workspace, sections=2).sections
    author = make_user("kirjoittaja@kunta.fi")
    db.session.commit()
    for n in range(1000):
        make_comment(sections[n % 2], author, f"Kommentti {n}")
        if n % 100 == 99:
            db.session.commit()
            for section in sections:
                assert client.get(f"/osio/{section.slug}").status_code == 200
    cache = thread_cache()
    # One rendering per section (this language, this order, open for comments), the newest.
    assert len(cache) == 2
    assert cache.bytes <= cache.max_bytes
    html = client.get(f"/osio/{sections[1].slug}?kaikki=1").get_data(as_text=True)
    assert "Kommentti 999" in html


def test_the_cache_stays_within_its_bytes_dropping_the_least_recently_used() -> None:
    cache = BoundedCache(max_bytes=3000)
    for key in "abc":
        cache.put(key, 1, f"rendering {key}", 1000)
    assert cache.get("a", 1) is not None  # a is now the most recently used
    cache.put("d", 1, "rendering d", 1000)
    assert cache.get("b", 1) is None
    assert {k for k in "acd" if cache.get(k, 1)} == set("acd")
    assert cache.bytes <= cache.max_bytes
    # A newer version replaces the older at once; the older is no longer served.
    cache.put("a", 2, "rendering a, version 2", 1000)
    assert cache.get("a", 1) is None and cache.get("a", 2) == "rendering a, version 2"
    assert len(cache) == 3 and cache.bytes == 3000
    # A value bigger than the whole bound is not kept at all.
    cache.put("huge", 1, "a rendering too big", 10_000)
    assert cache.get("huge", 1) is None and cache.bytes <= cache.max_bytes


def test_a_thread_cache_counts_its_threads_and_comments_within_one_bound() -> None:
    cache = ThreadCache(max_bytes=10_000)
    assert cache.max_bytes == 10_000
    assert cache.threads.max_bytes + cache.comments.max_bytes == 10_000
