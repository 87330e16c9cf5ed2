"""The moderation queue pages by cursor (keyset), not by OFFSET: deep pages cost what the first
does, every comment shows once, bad cursors open the first page and filters stay on."""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Select, event, insert, select
from sqlalchemy.sql import visitors

from tests.factories import make_page, make_section, make_user, make_workspace
from tests.helpers import csrf_token, login_as
from valuma_space.auth.choices import Region
from valuma_space.auth.models import Role
from valuma_space.comments.models import Comment, TriageStatus
from valuma_space.db import utcnow
from valuma_space.extensions import db
from valuma_space.moderation import paging
from valuma_space.moderation import services as moderation
from valuma_space.params import MAX_ID


@pytest.fixture
def section(app: Flask):
    return make_section(make_page(make_workspace(), "Tausta"), "Päätavoitteet", "Teksti.")


@pytest.fixture
def people(app: Flask):
    return {
        "author": make_user("kirjoittaja@kunta.fi", profile_completed=True, region=Region.KAINUU),
        "other": make_user("toinen@liitto.fi", profile_completed=True, region=Region.LAPPI),
        "reporter": make_user("ilmoittaja@kunta.fi", profile_completed=True),
        "moderator": make_user(
            "moderaattori@valuma.fi", role=Role.MODERATOR, profile_completed=True
        ),
    }


@pytest.fixture
def moderator(app: Flask, people) -> FlaskClient:
    client = app.test_client()
    login_as(client, people["moderator"].email)
    return client


def page_size(monkeypatch: pytest.MonkeyPatch, size: int) -> None:
    monkeypatch.setattr(moderation, "QUEUE_PAGE_SIZE", size)


def seed(section, people, count: int, tie: int = 3, **columns: object) -> list[int]:
    """`count` visible comments, written `tie` to a microsecond (so that only the id orders
    them), alternately by the two writers. Inserted in one statement: the queue reads rows
    and does not care how they were written, and a hundred pages through add_comment would
    cost the suite seconds."""
    now = utcnow()
    start = db.session.scalar(select(Comment.id).order_by(Comment.id.desc()).limit(1)) or 0
    rows = [
        {
            "section_id": section.id,
            "author_id": people["author" if n % 2 else "other"].id,
            "kind": "comment",
            "body_markdown": f"Kommentti {start + n}",
            "body_html": f"<p>Kommentti {start + n}</p>",
            "body_text": f"Kommentti {start + n}",
            "quote": "",
            "visibility": "visible",
            "agree_count": 0,
            "idempotency_key": f"paging-{start + n}",
            "created_at": now - timedelta(minutes=n // tie),
            "triage_status": "new",
            "moderation_reason": "",
            "published_at": now,
            "by_moderator": False,
            **columns,
        }
        for n in range(count)
    ]
    db.session.execute(insert(Comment), rows)
    db.session.commit()
    return list(db.session.scalars(select(Comment.id).where(Comment.id > start)))


def report(people, ids: list[int]) -> None:
    for comment_id in ids:
        moderation.report(db.session.get(Comment, comment_id), people["reporter"], "Asiaton")
    db.session.commit()


def queue_order(reported: set[int]) -> list[int]:
    """The order the queue promises, worked out here from the rows themselves."""
    comments = db.session.execute(select(Comment.id, Comment.created_at)).all()
    newest_first = sorted(comments, key=lambda c: (c.created_at, c.id), reverse=True)
    return [c.id for c in sorted(newest_first, key=lambda c: c.id not in reported)]


def shown(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'name="ids" value="(\d+)"', html)]


def link(html: str, rel: str) -> str | None:
    found = re.search(rf'<a href="([^"]+)" rel="{rel}">', html)
    return htmllib.unescape(found.group(1)) if found else None


def first_page_link(html: str) -> str | None:
    found = re.search(r'<a href="([^"]+)">Ensimmäinen sivu</a>', html)
    return htmllib.unescape(found.group(1)) if found else None


def get(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def walk(client: FlaskClient, start: str, rel: str) -> list[tuple[str, list[int]]]:
    """Follow the rendered `rel` links from `start` to the end: each page's address and rows."""
    pages, path = [], start
    while path is not None:
        html = get(client, path)
        pages.append((path, shown(html)))
        path = link(html, rel)
        assert len(pages) < 500, "the links go round in a circle"
    return pages


@contextmanager
def statements_run() -> Iterator[list[Any]]:
    """The statements run inside the block, as SQLAlchemy built them (before the dialect
    renders them to text)."""
    run: list[Any] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, *_: Any):
        run.append(context.compiled.statement if context.compiled is not None else statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield run
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def with_offset(statements: list[Any]) -> list[Any]:
    """Those of `statements` that ask for an OFFSET anywhere, subqueries and unions included."""
    return [
        statement
        for statement in statements
        if not isinstance(statement, str)
        and any(
            isinstance(part, Select) and part._offset_clause is not None
            for part in visitors.iterate(statement)
        )
    ]


def test_page_100_costs_the_queries_of_page_1_and_no_offset(
    app: Flask, section, people, moderator: FlaskClient, count_queries, monkeypatch
) -> None:
    """SQLite's dialect writes "LIMIT ? OFFSET ?" with a constant 0 for every LIMIT, so there
    the test reads the statements as built; on PostgreSQL the text itself has no OFFSET."""
    page_size(monkeypatch, 2)
    ids = seed(section, people, 205)
    report(people, ids[100:103])  # reported ones lead the queue: page 1 shows two of them
    get(moderator, "/moderointi/")

    with count_queries() as first, statements_run() as first_built:
        html = get(moderator, "/moderointi/")
    assert "sivu 1 / 103" in html and "205 kommenttia" in html
    assert set(shown(html)) <= set(ids[100:103])

    for _ in range(99):
        path = link(html, "next")
        assert path is not None and "page=" not in path
        html = get(moderator, path)
    with count_queries() as hundredth, statements_run() as hundredth_built:
        html = get(moderator, path)
    assert "sivu 100 / 103" in html and "205 kommenttia" in html
    assert len(shown(html)) == 2

    assert hundredth.count == first.count
    assert with_offset(hundredth_built) == [] and with_offset(first_built) == []
    if db.engine.dialect.name != "sqlite":
        assert [s for s in hundredth.statements if "OFFSET" in s.upper()] == []


def test_every_comment_once_forward_and_the_same_pages_back(
    app: Flask, section, people, moderator: FlaskClient, monkeypatch
) -> None:
    page_size(monkeypatch, 3)
    ids = seed(section, people, 40)
    reported = {ids[0], ids[1], ids[2], ids[20], ids[39]}  # the first three share a moment
    report(people, sorted(reported))

    forward = walk(moderator, "/moderointi/", "next")
    rows = [row for _, page in forward for row in page]
    assert sorted(rows) == sorted(ids)  # each exactly once
    assert rows == queue_order(reported)
    assert [len(page) for _, page in forward] == [3] * 13 + [1]

    backward = walk(moderator, forward[-1][0], "prev")
    assert [page for _, page in reversed(backward)] == [page for _, page in forward]
    # Back at the start there is nothing before it, and the first page has no cursor to go by.
    last_html = get(moderator, forward[-1][0])
    assert first_page_link(last_html) == "/moderointi/"
    assert first_page_link(get(moderator, "/moderointi/")) is None
    assert link(get(moderator, "/moderointi/"), "prev") is None


def test_comments_that_arrive_or_leave_move_no_row_twice_or_out_of_sight(
    app: Flask, section, people, moderator: FlaskClient, monkeypatch
) -> None:
    page_size(monkeypatch, 3)
    seed(section, people, 12)
    order = queue_order(set())
    second = link(get(moderator, "/moderointi/"), "next")
    third = link(get(moderator, second), "next")

    seed(section, people, 2)  # newer than all: an OFFSET page 3 would show a row again
    assert shown(get(moderator, third)) == order[6:9]

    # The rows before page 2 go (triaged out of a filtered view, say): "previous" then opens a
    # full first page rather than a page of the one row left before it.
    filtered = "/moderointi/?triage=new"
    second = link(get(moderator, filtered), "next")
    leaving = shown(get(moderator, filtered))[:2]
    moderation.set_triage(
        [db.session.get(Comment, n) for n in leaving], people["moderator"], TriageStatus.READ
    )
    db.session.commit()
    previous = link(get(moderator, second), "prev")
    html = get(moderator, previous)
    assert shown(html) == shown(get(moderator, filtered)) and len(shown(html)) == 3
    assert link(html, "prev") is None


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "",
        "1.2.3",
        "1.2.3.4.5",
        "0." + "9" * 40 + ".1.AAAAAAAAAAAA",
        "x" * 10_000,
        "١.١٧٦٤٦٩١٢٠٠١٢٣٤٥٦.٤٨٢١.AAAAAAAAAAAA",
        "0.1764691200123456.4821.\x00",
        "tampered-payload",
        "tampered-signature",
        "another-secret",
    ],
)
@pytest.mark.parametrize("name", ["after", "before"])
def test_a_bad_cursor_opens_the_first_page(
    app: Flask, section, people, moderator: FlaskClient, monkeypatch, cursor: str, name: str
) -> None:
    page_size(monkeypatch, 3)
    seed(section, people, 10)
    first_page = get(moderator, "/moderointi/")
    real = parse_qs(urlsplit(link(get(moderator, link(first_page, "next")), "next")).query)
    real_cursor = real["after"][0]
    payload, _, signature = real_cursor.rpartition(".")
    cursor = {
        "tampered-payload": payload[:-1] + ("1" if payload[-1] != "1" else "2") + "." + signature,
        "tampered-signature": payload + "." + signature[::-1],
        "another-secret": paging.encode(paging.decode(real_cursor, app.secret_key), "other"),
    }.get(cursor, cursor)
    response = moderator.get("/moderointi/", query_string={name: cursor})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert shown(html) == shown(first_page)
    assert link(html, "prev") is None and "sivu 1 / 4" in html


def test_both_cursors_at_once_or_an_old_page_number_open_the_first_page(
    app: Flask, section, people, moderator: FlaskClient, monkeypatch
) -> None:
    page_size(monkeypatch, 3)
    seed(section, people, 10)
    first_page = shown(get(moderator, "/moderointi/"))
    second = link(get(moderator, "/moderointi/"), "next")
    after = parse_qs(urlsplit(second).query)["after"][0]
    third = link(get(moderator, second), "next")
    before = parse_qs(urlsplit(link(get(moderator, third), "prev")).query)["before"][0]
    for query in ({"after": after, "before": before}, {"page": "3"}, {"page": "x"}):
        assert (
            shown(get(moderator, "/moderointi/?" + "&".join(f"{k}={v}" for k, v in query.items())))
            == first_page
        )


def test_cursors_say_only_what_this_module_wrote() -> None:
    from datetime import UTC, datetime

    key = paging.QueueKey(True, datetime(2026, 12, 2, 10, 0, 0, 123456, tzinfo=UTC), 4821)
    cursor = paging.encode(key, "salaisuus")
    assert len(cursor) <= 40 and re.fullmatch(r"[0-9A-Za-z._-]+", cursor)
    assert paging.decode(cursor, "salaisuus") == key
    assert paging.decode(cursor, b"salaisuus") == key
    assert paging.decode(cursor, "toinen") is None
    # Signed but out of range (as a leaked secret or a bug might write): still refused.
    signed = [
        f"{payload}.{paging._signature(payload, 's')}"
        for payload in (
            "2.1764691200123456.1",
            "1.1764691200123456.0",
            f"1.1764691200123456.{MAX_ID + 1}",
            "1.99999999999999999999999.1",
            "1.-5.1",
            "1. 5.1",
            "1.5",
        )
    ]
    assert [paging.decode(value, "s") for value in signed] == [None] * len(signed)


def test_filters_stay_on_through_the_pages_and_bulk_actions_return_to_the_page(
    app: Flask, section, people, moderator: FlaskClient, monkeypatch
) -> None:
    page_size(monkeypatch, 3)
    seed(section, people, 30)
    seed(section, people, 5, kind="proposal")
    # The author writes the odd rows (Kainuu); of those, the comments, not the proposals.
    wanted = set(
        db.session.scalars(
            select(Comment.id).where(
                Comment.author_id == people["author"].id, Comment.kind == "comment"
            )
        )
    )
    assert len(wanted) == 15
    start = "/moderointi/?region=kainuu&kind=comment&q=kommentti"
    pages = walk(moderator, start, "next")
    assert len(pages) == 5
    for path, rows in pages:
        query = parse_qs(urlsplit(path).query)
        assert (query["region"], query["kind"], query["q"]) == (
            ["kainuu"],
            ["comment"],
            ["kommentti"],
        )
        assert set(rows) <= wanted
    assert sorted(row for _, rows in pages for row in rows) == sorted(wanted)
    assert "15 kommenttia" in get(moderator, pages[2][0])
    back = walk(moderator, pages[-1][0], "prev")
    assert [rows for _, rows in reversed(back)] == [rows for _, rows in pages]

    # A bulk action from page 3 returns to page 3, filters and cursor and all.
    path, rows = pages[2]
    html = get(moderator, path)
    assert htmllib.unescape(re.search(r'name="back" value="([^"]+)"', html).group(1)) == path
    response = moderator.post(
        "/moderointi/joukko",
        data={
            "csrf_token": csrf_token(html),
            "ids": [str(rows[0])],
            "triage": "used",
            "back": path,
        },
    )
    assert response.status_code == 302 and response.headers["Location"] == path
    assert shown(get(moderator, path)) == rows  # the triage filter is not on: the rows stay

    # Under a triage filter the rows leave the view; the last page, emptied, gives way to the
    # page before it rather than to "no comments".
    start = "/moderointi/?triage=new&region=kainuu&kind=comment"
    pages = walk(moderator, start, "next")
    last_path, last_rows = pages[-1]
    html = get(moderator, last_path)
    response = moderator.post(
        "/moderointi/joukko",
        data={
            "csrf_token": csrf_token(html),
            "ids": [str(n) for n in last_rows],
            "triage": "read",
            "back": last_path,
        },
    )
    assert response.headers["Location"] == last_path
    html = get(moderator, last_path)
    assert shown(html) == pages[-2][1] and link(html, "next") is None
