"""Where a page of the moderation queue begins: the place of the row it follows or precedes.

The queue is paged by key (keyset, or seek, pagination), not by OFFSET: the next page is "the
rows after this one", which the database finds through an index however deep the reader is,
where OFFSET would read and throw away every row before the page. A place travels in the
links as a short cursor, signed so that one edited by hand, cut short or made up does not
verify and the queue shows its first page instead.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from valuma_space.params import MAX_ID

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_LATEST = (datetime.max.replace(tzinfo=UTC) - _EPOCH) // timedelta(microseconds=1)
_SALT = b"valuma-queue-cursor:"
_SIGNATURE_BYTES = 9
"""72 bits of the HMAC: twelve characters in the link, far beyond guessing."""
MAX_CURSOR_LENGTH = 64
"""Longer than any cursor this module writes: a longer one is not read at all."""


@dataclass(frozen=True)
class QueueKey:
    """A row's place in the queue's order: reported comments first, then newest first, the
    id telling apart comments written in the same microsecond."""

    reported: bool
    created_at: datetime
    id: int


def _signature(payload: str, secret: str | bytes) -> str:
    key = secret.encode() if isinstance(secret, str) else secret
    digest = hmac.new(key, _SALT + payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:_SIGNATURE_BYTES]).decode()


def encode(key: QueueKey, secret: str | bytes) -> str:
    """ "1.1764691200123456.4821.<signature>": reported or not, microseconds since 1970, id."""
    micros = (key.created_at - _EPOCH) // timedelta(microseconds=1)
    payload = f"{int(key.reported)}.{micros}.{key.id}"
    return f"{payload}.{_signature(payload, secret)}"


def _digits(value: str) -> int | None:
    """Digits 0-9 only (not a sign, a space or other scripts' digits that int() would take)."""
    return int(value) if value and value.isascii() and value.isdecimal() else None


def decode(value: str | None, secret: str | bytes) -> QueueKey | None:
    """The place a cursor names, or None for one that is missing, malformed or not ours."""
    if not value or len(value) > MAX_CURSOR_LENGTH or not value.isascii():
        return None
    payload, _, signature = value.rpartition(".")
    if not hmac.compare_digest(signature.encode(), _signature(payload, secret).encode()):
        return None
    parts = payload.split(".")
    if len(parts) != 3:
        return None
    reported, micros, row_id = (_digits(part) for part in parts)
    if reported not in (0, 1) or micros is None or row_id is None:
        return None
    if micros > _LATEST or not 0 < row_id <= MAX_ID:
        return None
    return QueueKey(bool(reported), _EPOCH + timedelta(microseconds=micros), row_id)
