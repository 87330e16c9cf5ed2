"""The Redis that several app servers share, when REDIS_URL names one.

One client per app (a connection pool, safe across a worker's threads), made at start-up and
kept in `app.extensions`; every key the app writes starts with REDIS_PREFIX. Below it, the
generations of the facts polls read without asking the database.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

import redis
from flask import Flask, current_app, g, has_app_context, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from valuma_space.extensions import db

EXTENSION = "valuma_redis"
T = TypeVar("T")
log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    url = app.config.get("REDIS_URL")
    if url:
        # Strings in, strings out: everything stored is text (JSON or decimal numbers).
        app.extensions[EXTENSION] = redis.Redis.from_url(url, decode_responses=True)
    # Registered for every app (the listeners do nothing without Redis): the session is shared.
    _listen(db.session)


def shared_redis() -> redis.Redis | None:
    """The app's Redis client, or None when the app runs on its own (no REDIS_URL)."""
    return current_app.extensions.get(EXTENSION)


def key(*parts: object) -> str:
    """A key under the app's prefix: `valuma:` + the parts joined by colons."""
    return current_app.config["REDIS_PREFIX"] + ":".join(str(part) for part in parts)


# --- facts of who may read what, shared between requests ---------------------------------------
#
# A few answers every poll would otherwise ask the database for (the workspace's reading access,
# a section's id and whether it is published) are kept in Redis under a *generation*: a counter
# every commit that changed a row of a watched table increments, after the commit. A fact is
# stored under the generation read before it was looked up, so a commit either happened before
# the lookup (and the fact is current) or is followed by an increment that makes every server
# look under a new generation. The window between a commit and its increment is the only time
# an older fact is served; a process killed inside it leaves the fact until FACTS_TTL.

FACTS_TTL = 300
"""Seconds a fact lives in Redis: the longest an increment lost to a crash can go unnoticed."""
DISCUSSION_ONLY = "valuma_discussion_only"
"""Execution option of an UPDATE that changes nothing but discussion versions: no new
generation (comments/services.bump_discussion)."""
_WATCHED: set[str] = set()
_CHANGED = "valuma_facts_changed"


def watch_tables(*names: str) -> None:
    """Rows of these tables decide facts kept under the generation: changing one starts a new one."""
    _WATCHED.update(names)


def _table_of(instance: object) -> str | None:
    return getattr(type(instance), "__tablename__", None)


def _tracking() -> bool:
    """Generations matter only to an app with Redis."""
    return has_app_context() and shared_redis() is not None


def _after_flush(session: Session, _context: object) -> None:
    if _tracking() and any(
        _table_of(instance) in _WATCHED
        for instance in (*session.new, *session.dirty, *session.deleted)
    ):
        session.info[_CHANGED] = True


def _do_orm_execute(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete) or state.execution_options.get(DISCUSSION_ONLY):
        return
    if not _tracking():
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in _WATCHED:
        state.session.info[_CHANGED] = True


def _after_commit(session: Session) -> None:
    if session.info.pop(_CHANGED, False) and has_app_context():
        client = shared_redis()
        if client is not None:
            if has_request_context():
                g.pop("valuma_generation", None)
            try:
                client.incr(key("generation"))
            except redis.RedisError:
                # The facts then last until FACTS_TTL; the commit itself stands.
                log.warning("could not start a new generation of shared facts", exc_info=True)


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    # A rolled back (or closed) transaction's changes never happened: nothing to announce.
    if transaction.parent is None:
        session.info.pop(_CHANGED, None)


def _listen(target: Any) -> None:
    for name, listener in (
        ("after_flush", _after_flush),
        ("do_orm_execute", _do_orm_execute),
        ("after_commit", _after_commit),
        ("after_transaction_end", _after_transaction_end),
    ):
        if not event.contains(target, name, listener):
            event.listen(target, name, listener)


def generation(client: redis.Redis) -> str:
    """The current generation, read once per request (a request's facts are of one generation;
    its own commit that starts a new one forgets it)."""
    if has_request_context() and "valuma_generation" in g:
        return g.valuma_generation  # type: ignore[no-any-return]
    current = str(client.get(key("generation")) or 0)
    if has_request_context():
        g.valuma_generation = current
    return current


def cached_fact(
    name: str, load: Callable[[], T | None], encode: Callable[[T], str], decode: Callable[[str], T]
) -> T | None:
    """The fact `name` from Redis at the current generation, else `load()`ed and stored there
    (a None, nothing found, is not stored). Without Redis, or with Redis failing, `load()`."""
    client = shared_redis()
    if client is None:
        return load()
    try:
        current = generation(client)
        text = client.get(key("fact", current, name))
    except redis.RedisError:
        log.warning("shared facts: Redis unreachable", exc_info=True)
        return load()
    if text is not None:
        try:
            return decode(text)  # type: ignore[arg-type]
        except (ValueError, TypeError, KeyError):
            pass  # not what we wrote: looked up again
    value = load()
    if value is not None:
        try:
            client.set(key("fact", current, name), encode(value), ex=FACTS_TTL)
        except redis.RedisError:
            log.warning("shared facts: could not store %s", name, exc_info=True)
    return value
