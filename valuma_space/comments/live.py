"""The "new comments" poll (`/osio/<slug>/tila`), answered without the database when the
servers share a Redis (REDIS_URL).

What a poll needs: which section the slug names and whether the viewer may read it (kept as a
shared fact, valuma_space/shared.py, renewed whenever a section, page or workspace changes), the
discussion's current version (the ETag), and on a change its count of public comments.

The version lives in Redis as `version:<generation>:<section id>`, only ever raised (a small
script sets it only above what it holds): the transaction that bumps versions reads the new
ones in the same UPDATE (comments/services._bump) and raises them right after its commit; a
server that misses reads version and count from the database in one query and raises it too.
Because the value only goes up and comes from committed rows, a reader never sees a version
the database has not committed, and sees the previous one only between a writer's commit and
its write to Redis (a few milliseconds; up to VERSION_TTL if the writer dies in between).

A version's count is computed once, by whichever server first needs it (the others wait for it
briefly under a short lock), and kept by version: 20 polls of one version, on any servers,
count nothing again.

Without Redis the poll reads the section's id, publication and version in one query (and on a
change counts its comments), besides the workspace the permission check loads.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

import redis
from flask import Flask, has_app_context
from sqlalchemy import Select, event, func, select
from sqlalchemy.orm import Session, SessionTransaction

from valuma_space.comments import policy
from valuma_space.comments.models import Comment
from valuma_space.comments.services import BUMPED, public_comment_count
from valuma_space.extensions import db
from valuma_space.materials.models import Page, Section
from valuma_space.materials.services import section_readable_from
from valuma_space.shared import cached_fact, generation, key, shared_redis, watch_tables
from valuma_space.workspaces.models import Workspace

log = logging.getLogger(__name__)

VERSION_TTL = 60
"""Seconds a version stays in Redis unless raised again: how long a write whose announcement a
crash lost can go unnoticed by pollers (then a server reads the database again)."""
COUNT_TTL = 24 * 3600
COUNT_WAIT = 2.0
"""Seconds a server waits for another's count of the same version before counting itself."""

# Set the key to ARGV[1] unless it holds a larger number: versions only ever go up.
_RAISE = """
local current = tonumber(redis.call('GET', KEYS[1]))
local new = tonumber(ARGV[1])
if current == nil or new > current then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
  return new
end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return current
"""

watch_tables(Section.__tablename__, Page.__tablename__, Workspace.__tablename__)


@dataclass(frozen=True)
class DiscussionStatus:
    section_id: int
    version: int
    count: int | None = None
    """Comments everyone reads; None until asked for (`with_count`)."""

    @property
    def etag(self) -> str:
        return f"d{self.section_id}-{self.version}"


@dataclass(frozen=True)
class _SectionFact:
    id: int
    published: bool
    """The section and its page are published: every reader of the workspace may read it."""


def discussion_status(workspace_id: int, slug: str, viewer: Any) -> DiscussionStatus | None:
    """The discussion's version if the viewer may read the section, else None."""
    client = shared_redis()
    if client is None:
        # One query: the section's id, whether it is published, and its version.
        row = db.session.execute(
            _section_query(workspace_id, slug).add_columns(Section.discussion_version)
        ).first()
        if row is None or not section_readable_from(bool(row[1] and row[2]), viewer):
            return None
        return DiscussionStatus(int(row[0]), int(row[3]))
    fact = cached_fact(
        f"section:{workspace_id}:{slug}",
        lambda: _section_fact(workspace_id, slug),
        lambda f: f"{f.id}:{int(f.published)}",
        _decode_fact,
    )
    if fact is None or not section_readable_from(fact.published, viewer):
        return None
    try:
        version = client.get(_version_key(client, fact.id))
    except redis.RedisError:
        log.warning("live status: Redis unreachable", exc_info=True)
        version = None
    if version is not None:
        return DiscussionStatus(fact.id, int(version))
    return _from_database(client, fact.id)


def with_count(status: DiscussionStatus) -> DiscussionStatus:
    """The status with its count, counted at most once per version across the servers."""
    if status.count is not None:
        return status
    client = shared_redis()
    if client is None:
        count = public_comment_count(status.section_id)
        return DiscussionStatus(status.section_id, status.version, count)
    count_key = key("count", status.section_id, status.version)
    try:
        deadline = time.monotonic() + COUNT_WAIT
        while True:
            count = client.get(count_key)
            if count is not None:
                return DiscussionStatus(status.section_id, status.version, int(count))
            # Whoever takes the lock counts; the others wait for its answer.
            if client.set(count_key + ":lock", "1", nx=True, ex=10):
                break
            if time.monotonic() > deadline:
                break  # the counter is slow or gone: count here, rather than keep the poll
            time.sleep(0.05)
    except redis.RedisError:
        log.warning("live status: Redis unreachable", exc_info=True)
    # The database's version and count, read together: the count is stored under the version
    # it belongs to, which may be newer than the one asked about.
    counted = _from_database(client, status.section_id)
    return (
        counted if counted is not None else DiscussionStatus(status.section_id, status.version, 0)
    )


def _from_database(client: redis.Redis, section_id: int) -> DiscussionStatus | None:
    counted = (
        select(func.count(Comment.id))
        .where(Comment.section_id == Section.id, policy.text_is_public_sql())
        .scalar_subquery()
    )
    row = db.session.execute(
        select(Section.discussion_version, counted).where(Section.id == section_id)
    ).first()
    if row is None:
        return None
    version, count = int(row[0]), int(row[1] or 0)
    try:
        pipe = client.pipeline(transaction=False)
        pipe.set(key("count", section_id, version), count, ex=COUNT_TTL)
        pipe.eval(_RAISE, 1, _version_key(client, section_id), version, VERSION_TTL)
        pipe.execute()
    except redis.RedisError:
        log.warning("live status: could not store the version", exc_info=True)
    return DiscussionStatus(section_id, version, count)


def _version_key(client: redis.Redis, section_id: int) -> str:
    # Under the generation: a deleted section's id (SQLite may give it again) starts afresh.
    return key("version", generation(client), section_id)


def _section_query(workspace_id: int, slug: str) -> Select:
    return (
        select(Section.id, Section.is_published, Page.is_published)
        .join(Page, Page.id == Section.page_id)
        .where(Section.workspace_id == workspace_id, Section.slug == slug)
    )


def _section_fact(workspace_id: int, slug: str) -> _SectionFact | None:
    row = db.session.execute(_section_query(workspace_id, slug)).first()
    return None if row is None else _SectionFact(int(row[0]), bool(row[1] and row[2]))


def _decode_fact(text: str) -> _SectionFact:
    section_id, published = text.split(":")
    return _SectionFact(int(section_id), published == "1")


def init_app(app: Flask) -> None:
    for name, listener in (("after_commit", _announce), ("after_transaction_end", _forget)):
        if not event.contains(db.session, name, listener):
            event.listen(db.session, name, listener)


def _forget(session: Session, transaction: SessionTransaction) -> None:
    # Versions of a transaction that rolled back were never committed: nothing to announce.
    if transaction.parent is None:
        session.info.pop(BUMPED, None)


def _announce(session: Session) -> None:
    """after_commit: raise the versions the transaction bumped, for every server's pollers."""
    bumped: dict[int, int] = session.info.pop(BUMPED, None) or {}
    if not bumped or not has_app_context():
        return
    client = shared_redis()
    if client is None:
        return
    try:
        current = generation(client)
        pipe = client.pipeline(transaction=False)
        for section_id, version in bumped.items():
            pipe.eval(_RAISE, 1, key("version", current, section_id), version, VERSION_TTL)
        pipe.execute()
    except redis.RedisError:
        # Pollers see the new version once VERSION_TTL has passed.
        log.warning("live status: could not announce new versions", exc_info=True)
