"""A Redis for tests: the one on this machine (and in CI), under a prefix of the test's own.

Without a reachable Redis the tests that need it skip, except in CI (CI=true), where that is a
failure: they must run there.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import redis

REDIS_URL = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/0"


def redis_or_skip() -> redis.Redis:
    client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    try:
        client.ping()
    except redis.RedisError as error:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"CI needs the Redis at {REDIS_URL}: {error}")
        pytest.skip(f"no Redis at {REDIS_URL}")
    return client


def unique_prefix() -> Iterator[str]:
    """A key prefix no other test (or engineer) uses; its keys are deleted afterwards (the
    `redis_prefix` fixture, tests/conftest.py)."""
    client = redis_or_skip()
    prefix = f"valuma-test-{uuid.uuid4().hex}:"
    yield prefix
    keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()


def redis_keys(prefix: str) -> list[str]:
    client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    try:
        return sorted(client.scan_iter(match=f"{prefix}*", count=1000))
    finally:
        client.close()
