"""The rendered threads and comments shared by every app server, in Redis (THREAD_CACHE=redis).

The same renderings as the worker's ThreadCache (comments/rendering.py), under the same keys:
a thread by (section, language, order, open or closed, audience) and its version, a comment by
(id, context) and its fingerprint. Both the version and the fingerprint are part of the Redis
key, so a server can only find a rendering made for exactly what it read from the database: a
write on one server bumps the section's version, and every server's next read misses the
thread, finds the unchanged comments and renders only the changed ones. Nothing is ever
invalidated; superseded keys are never asked for again and leave with their TTL.

Audiences are kept apart by the key, as in the worker's cache: the moderators' rendering and a
participant's own (`author:<id>`) are stored under their audience and only ever looked up by a
viewer of that audience.

Keys also carry a digest of the templates, translations and rendering code: servers of two
deployments (during a rolling update) never serve each other's HTML.

Values are JSON (lists of strings and numbers), not pickle: reading them can build nothing but
the RenderedThread and Piece they describe. The worker's own ThreadCache stays in front, so that
a thread read again on the same server costs no round trip; it is keyed the same way, so it is
never staler than Redis. Redis failing is a miss, never an error page: the thread is rendered.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

import redis

from valuma_space.comments.models import Visibility
from valuma_space.comments.policy import CommentState
from valuma_space.comments.rendering import Piece, RenderedThread, ThreadCache

log = logging.getLogger(__name__)
_PACKAGE = Path(__file__).resolve().parent.parent


def build_digest(templates: Path) -> str:
    """What the renderings depend on besides the data: the templates, the translations and the
    code that assembles them. Read once per worker."""
    digest = hashlib.sha256()
    files = [
        *sorted(templates.rglob("*.html")),
        *sorted((_PACKAGE / "translations").rglob("*.mo")),
        *sorted((_PACKAGE / "comments").glob("*.py")),
        _PACKAGE / "auth" / "names.py",
    ]
    for path in files:
        digest.update(str(path.relative_to(path.anchor)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _digest(*parts: object) -> str:
    # repr of the key's plain values (ints, strings, enums, datetimes, frozen dataclasses of
    # them) is the same in every process running the same code.
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def encode_thread(thread: RenderedThread) -> str:
    return json.dumps(
        {
            "segments": thread.segments,
            "slots": thread.slots,
            "states": [
                [comment_id, str(state.visibility), state.published, state.author_id]
                for comment_id, state in thread.states.items()
            ],
            "count": thread.count,
            "shown": thread.shown,
            "threads": thread.threads,
            "cut": thread.cut,
        },
        separators=(",", ":"),
    )


def decode_thread(text: str) -> RenderedThread:
    data = json.loads(text)
    cut = data["cut"]
    return RenderedThread(
        segments=tuple(str(segment) for segment in data["segments"]),
        slots=tuple(int(slot) for slot in data["slots"]),
        states={
            int(comment_id): CommentState(Visibility(visibility), bool(published), author_id)
            for comment_id, visibility, published, author_id in data["states"]
        },
        count=int(data["count"]),
        shown=int(data["shown"]),
        threads=int(data["threads"]),
        cut=None if cut is None else (int(cut[0]), int(cut[1])),
    )


def encode_piece(piece: Piece) -> str:
    return json.dumps([piece.head, piece.tail], separators=(",", ":"))


def decode_piece(text: str) -> Piece:
    head, tail = json.loads(text)
    return Piece(str(head), None if tail is None else str(tail))


class SharedPieces:
    """Rendered comments in Redis, behind the worker's own BoundedCache."""

    def __init__(self, cache: SharedThreadCache) -> None:
        self.cache = cache
        self.local = cache.local.comments

    def _key(self, key: object, fingerprint: object) -> str:
        comment_id = key[0] if isinstance(key, tuple) else key
        return f"{self.cache.prefix}c:{comment_id}:{_digest(key, fingerprint)}"

    def get_many(self, wanted: list[tuple[object, object]]) -> list[Any]:
        found = self.local.get_many(wanted)
        missing = [index for index, piece in enumerate(found) if piece is None]
        if not missing:
            return found
        keys = [self._key(*wanted[index]) for index in missing]
        try:
            texts = self.cache.client.mget(keys)
        except redis.RedisError:
            log.warning("thread cache: Redis unreachable, rendering comments here", exc_info=True)
            return found
        fill = []
        for index, text in zip(missing, texts, strict=True):
            if text is None:
                continue
            try:
                piece = decode_piece(text)
            except (ValueError, TypeError):
                continue  # not ours, or from a broken write: rendered again
            found[index] = piece
            key, fingerprint = wanted[index]
            fill.append((key, fingerprint, piece, piece.size + 400))
        self.local.put_many(fill)
        return found

    def put_many(self, items: list[tuple[object, object, object, int]]) -> None:
        self.local.put_many(items)
        try:
            pipe = self.cache.client.pipeline(transaction=False)
            for key, fingerprint, piece, _size in items:
                pipe.set(
                    self._key(key, fingerprint),
                    encode_piece(piece),
                    ex=self.cache.ttl,  # type: ignore[arg-type]
                )
            pipe.execute()
        except redis.RedisError:
            log.warning("thread cache: could not store comments in Redis", exc_info=True)


class SharedThreadCache:
    """ThreadCache's interface over Redis, with a worker's ThreadCache in front."""

    def __init__(
        self, client: redis.Redis, prefix: str, ttl: int, local: ThreadCache, build: str
    ) -> None:
        self.client = client
        self.prefix = f"{prefix}render:{build}:"
        self.ttl = ttl
        self.local = local
        self.comments = SharedPieces(self)

    def __len__(self) -> int:
        """Threads this worker holds (as ThreadCache counts them)."""
        return len(self.local)

    def _key(self, key: tuple, version: tuple) -> str:
        return f"{self.prefix}t:{key[0]}:{_digest(key, version)}"

    def get(self, key: tuple, version: tuple) -> RenderedThread | None:
        rendered = self.local.get(key, version)
        if rendered is not None:
            return rendered
        try:
            text = self.client.get(self._key(key, version))
        except redis.RedisError:
            log.warning("thread cache: Redis unreachable, rendering the thread here", exc_info=True)
            return None
        if text is None:
            return None
        try:
            rendered = decode_thread(text)  # type: ignore[arg-type]
        except (ValueError, TypeError, KeyError):
            return None
        self.local.put(key, version, rendered)
        return rendered

    def put(self, key: tuple, version: tuple, value: RenderedThread) -> None:
        self.local.put(key, version, value)
        try:
            self.client.set(self._key(key, version), encode_thread(value), ex=self.ttl)
        except redis.RedisError:
            log.warning("thread cache: could not store the thread in Redis", exc_info=True)
