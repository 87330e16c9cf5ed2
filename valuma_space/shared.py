"""The Redis that several app servers share, when REDIS_URL names one.

One client per app (a connection pool, safe across a worker's threads), made at start-up and
kept in `app.extensions`; every key the app writes starts with REDIS_PREFIX.
"""

from __future__ import annotations

import redis
from flask import Flask, current_app

EXTENSION = "valuma_redis"


def init_app(app: Flask) -> None:
    url = app.config.get("REDIS_URL")
    if url:
        # Strings in, strings out: everything stored is text (JSON or decimal numbers).
        app.extensions[EXTENSION] = redis.Redis.from_url(url, decode_responses=True)


def shared_redis() -> redis.Redis | None:
    """The app's Redis client, or None when the app runs on its own (no REDIS_URL)."""
    return current_app.extensions.get(EXTENSION)


def key(*parts: object) -> str:
    """A key under the app's prefix: `valuma:` + the parts joined by colons."""
    return current_app.config["REDIS_PREFIX"] + ":".join(str(part) for part in parts)
