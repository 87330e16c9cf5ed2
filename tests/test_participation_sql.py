"""The participation page counts in SQL: its weekly figures are those of taking each comment's
local date in Helsinki (across the DST changes and midnight), and its cost in queries and in
rows fetched does not grow with the comments.

The oracle here is the page's former computation, written out again: every counted comment's
timestamp loaded into Python, turned into a local date and folded into its Monday's week."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from html import unescape
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select

from tests.factories import make_comment, make_page, make_section, make_user, make_workspace
from tests.helpers import login_as
from valuma_space.auth.models import Role
from valuma_space.comments.models import Comment, Visibility
from valuma_space.comments.services import delete_comment
from valuma_space.extensions import db
from valuma_space.i18n import format_date
from valuma_space.materials.models import Section
from valuma_space.moderation.participation import local_week_starts, participation
from valuma_space.moderation.services import hide, reject
from valuma_space.workspaces.models import Workspace

HELSINKI = ZoneInfo("Europe/Helsinki")
SPRING_FORWARD = datetime(2026, 3, 29, 1, 0, tzinfo=UTC)  # 03:00 EET → 04:00 EEST
FALL_BACK = datetime(2026, 10, 25, 1, 0, tzinfo=UTC)  # 04:00 EEST → 03:00 EET


def oracle_per_week(workspace: Workspace) -> list[tuple[date, int]]:
    """The former computation: each published, visible comment's local date, by its Monday,
    with the weeks between the first and the last filled with zeros."""
    weeks: dict[date, int] = {}
    comments = db.session.scalars(
        select(Comment).join(Section).where(Section.workspace_id == workspace.id)
    )
    for comment in comments:
        if comment.visibility != Visibility.VISIBLE or comment.published_at is None:
            continue
        local = comment.created_at.astimezone(HELSINKI).date()
        monday = local - timedelta(days=local.weekday())
        weeks[monday] = weeks.get(monday, 0) + 1
    if weeks:
        week = min(weeks)
        while week < max(weeks):
            weeks.setdefault(week, 0)
            week += timedelta(days=7)
    return sorted(weeks.items())


def oracle_per_section(workspace: Workspace) -> dict[str, int]:
    counts: dict[str, int] = {}
    for section in db.session.scalars(select(Section).where(Section.workspace_id == workspace.id)):
        counts[section.heading] = sum(
            1
            for c in db.session.scalars(select(Comment).where(Comment.section_id == section.id))
            if c.visibility == Visibility.VISIBLE and c.published_at is not None
        )
    return counts


def edge_moments() -> list[datetime]:
    """Moments where a wrong offset or a wrong boundary would show: around each local midnight
    that begins a week, around UTC midnight (02:00 or 03:00 in Helsinki), the DST changes
    themselves and the hour that comes twice in October."""
    found = []
    for monday in (date(2026, 3, 23), date(2026, 3, 30), date(2026, 10, 19), date(2026, 10, 26)):
        midnight = datetime(monday.year, monday.month, monday.day, tzinfo=HELSINKI)
        for delta in (-1, 0, 1, -3_600_000_000, 3_600_000_000):
            found.append(midnight.astimezone(UTC) + timedelta(microseconds=delta))
        utc_midnight = datetime(monday.year, monday.month, monday.day, tzinfo=UTC)
        found += [utc_midnight - timedelta(microseconds=1), utc_midnight]
    for change in (SPRING_FORWARD, FALL_BACK):
        for minutes in (-61, -60, -1, 0, 1, 30, 59, 60, 61):
            found.append(change + timedelta(minutes=minutes))
    return found


def random_moments(rng: random.Random, count: int) -> list[datetime]:
    spans = [
        (datetime(2026, 3, 20, tzinfo=UTC), datetime(2026, 4, 8, tzinfo=UTC)),
        (datetime(2026, 10, 15, tzinfo=UTC), datetime(2026, 11, 4, tzinfo=UTC)),
    ]
    found = []
    for _ in range(count):
        start, end = rng.choice(spans)
        seconds = (end - start).total_seconds()
        found.append(start + timedelta(seconds=rng.random() * seconds))
    for _ in range(count // 4):  # close to a local midnight, either side
        day = rng.choice(spans)[0].date() + timedelta(days=rng.randrange(18))
        midnight = datetime(day.year, day.month, day.day, tzinfo=HELSINKI).astimezone(UTC)
        found.append(midnight + timedelta(seconds=rng.uniform(-90, 90)))
    return found


@pytest.fixture
def discussion(app: Flask):
    workspace = make_workspace()
    sections = [make_section(make_page(workspace, "Tausta"), f"Osio {n}") for n in range(3)]
    moderator_user = make_user("moderaattori@valuma.fi", role=Role.MODERATOR, display_name="M")
    people = [make_user(f"osallistuja{n}@kunta.fi", display_name=f"O{n}") for n in range(5)]
    client = app.test_client()
    login_as(client, moderator_user.email)
    return {
        "workspace": workspace,
        "sections": sections,
        "moderator": moderator_user,
        "people": people,
        "client": client,
    }


def add_comments(
    discussion: dict[str, Any], moments: list[datetime], rng: random.Random, mixed: bool = True
) -> None:
    """A comment at each moment, through the services; with `mixed`, some of them are hidden,
    withdrawn, rejected or waiting for approval, which the weekly figures leave out."""
    workspace, moderator = discussion["workspace"], discussion["moderator"]
    for number, moment in enumerate(moments):
        fate = rng.choice(["visible"] * 6 + ["hidden", "deleted", "rejected", "pending"])
        if not mixed:
            fate = "visible"
        workspace.pre_moderation = fate in {"rejected", "pending"}
        author = discussion["people"][number % len(discussion["people"])]
        section = discussion["sections"][number % len(discussion["sections"])]
        comment = make_comment(section, author, f"Kommentti {number}")
        comment.created_at = moment
        if fate == "hidden":
            hide(comment, moderator, "Asiaton")
        elif fate == "deleted":
            delete_comment(comment, author)
        elif fate == "rejected":
            reject(comment, moderator, "Asiaton")
    workspace.pre_moderation = False
    db.session.commit()


def week_table(html: str) -> list[list[str]]:
    start = html.index('id="viikot"')
    card = html[start : html.index("</section>", start)]
    return [
        [
            unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", card, re.S)
    ][1:]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_weekly_figures_are_those_of_each_comments_local_date(
    app: Flask, discussion, seed: int
) -> None:
    rng = random.Random(seed)
    moments = edge_moments() + random_moments(rng, 60)
    rng.shuffle(moments)
    add_comments(discussion, moments, rng)
    # Another workspace's comments, far earlier and later, count nowhere here.
    other = make_workspace("Toinen")
    far = make_section(make_page(other, "Muu"), "Muu osio")
    for moment in (datetime(2025, 1, 1, tzinfo=UTC), datetime(2027, 6, 1, tzinfo=UTC)):
        make_comment(far, discussion["people"][0], "Muualla").created_at = moment
    db.session.commit()

    workspace = discussion["workspace"]
    expected = oracle_per_week(workspace)
    assert len(expected) > 30 and sum(n for _, n in expected) > 40
    data = participation(workspace)
    assert data.per_week == expected
    assert {s.heading: n for s, _page, n in data.per_section} == oracle_per_section(workspace)

    html = discussion["client"].get("/moderointi/osallistuminen").get_data(as_text=True)
    with app.test_request_context():
        labels = [f"viikko {format_date(monday)}" for monday, _ in expected]
    assert week_table(html) == [
        [label, str(n)] for label, (_, n) in zip(labels, expected, strict=True)
    ]


def test_a_week_with_a_dst_change_is_an_hour_shorter_or_longer(app: Flask) -> None:
    """The boundaries are local midnights: the week of 23–29 March 2026 has 167 hours, that of
    19–25 October 169, the others 168."""
    starts = local_week_starts(
        datetime(2026, 3, 18, tzinfo=UTC), datetime(2026, 10, 28, tzinfo=UTC)
    )
    hours = {
        start.date(): (end.astimezone(UTC) - start.astimezone(UTC)).total_seconds() / 3600
        for start, end in pairwise(starts)
    }
    assert hours[date(2026, 3, 23)] == 167 and hours[date(2026, 10, 19)] == 169
    assert {
        h for day, h in hours.items() if day not in {date(2026, 3, 23), date(2026, 10, 19)}
    } == {168}
    assert all(s.astimezone(HELSINKI).hour == 0 and s.weekday() == 0 for s in starts)


def test_no_comments_no_weeks(app: Flask, discussion) -> None:
    assert participation(discussion["workspace"]).per_week == []
    add_comments(discussion, [datetime(2026, 10, 25, 0, 30, tzinfo=UTC)], random.Random(0), False)
    assert participation(discussion["workspace"]).per_week == [(date(2026, 10, 19), 1)]


@contextmanager
def fetched_rows() -> Iterator[list[tuple[str, int]]]:
    """Each SELECT run inside the block with the number of rows it returns: the statement is
    run again, with its parameters, on a connection of its own once the block is done."""
    statements: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        statements.append((statement, parameters))

    found: list[tuple[str, int]] = []
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield found
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    with db.engine.connect() as connection:
        for statement, parameters in statements:
            if statement.lstrip().upper().startswith(("SELECT", "WITH")):
                rows = connection.exec_driver_sql(statement, parameters).fetchall()
                found.append((statement, len(rows)))
            else:
                found.append((statement, 0))


def test_the_page_fetches_the_same_rows_with_10_and_300_comments(
    app: Flask, discussion, count_queries
) -> None:
    client: FlaskClient = discussion["client"]
    rng = random.Random(7)
    # Ten weeks across the October change: one comment in each week, then 290 more in them.
    mondays = [datetime(2026, 10, 5, tzinfo=HELSINKI) + timedelta(days=7 * n) for n in range(10)]
    first = [monday + timedelta(hours=rng.uniform(0, 167)) for monday in mondays]
    add_comments(discussion, first, rng, mixed=False)  # each section and participant has one

    def measure() -> tuple[int, list[int]]:
        client.get("/moderointi/osallistuminen")  # warm up: translations, templates
        with count_queries() as counter, fetched_rows() as rows:
            response = client.get("/moderointi/osallistuminen")
        assert response.status_code == 200
        return counter.count, [n for _, n in rows]

    few_queries, few_rows = measure()
    more = [
        mondays[0] + timedelta(seconds=rng.uniform(0, (mondays[-1] - mondays[0]).total_seconds()))
        for _ in range(290)
    ]
    add_comments(discussion, more, rng, mixed=False)
    assert db.session.scalar(select(db.func.count(Comment.id))) == 300
    many_queries, many_rows = measure()
    assert many_queries == few_queries
    assert many_rows == few_rows
    assert max(many_rows) <= 20, many_rows  # a row per week, section or group, never a comment
    assert participation(discussion["workspace"]).per_week == oracle_per_week(
        discussion["workspace"]
    )
