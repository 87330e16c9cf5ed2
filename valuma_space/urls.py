"""Where a `next` parameter may send the user: only to a path on this site."""

from __future__ import annotations

from urllib.parse import urlsplit

MAX_LENGTH = 500
"""The longest return address kept (the outbox's column): a longer one leads to `default`."""


def safe_back(target: str | None, within: str, default: str) -> str:
    """Where a form sent from a page under `within` returns to: that page, with its filters, or
    `default`."""
    back = safe_next(target, default="")
    return back if back.startswith(within) else default


def safe_next(target: str | None, default: str = "/") -> str:
    """`target` if it is a local path ("/sivu/x?y"), else `default`.

    Rejects absolute URLs, scheme-relative "//evil.example" and backslash tricks that some
    browsers read as "//".
    """
    if not target or len(target) > MAX_LENGTH:
        return default
    target = target.strip()
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    if any(ord(char) < 32 for char in target):
        return default
    return target


def is_link_target(target: str) -> bool:
    """Whether a moderator's link may be offered to readers: a path on this site (as
    `safe_next` allows) or an http(s) address with a host. No javascript:, data: or mailto:."""
    if not target or len(target) > MAX_LENGTH or any(ord(char) < 32 for char in target):
        return False
    if target.startswith("/"):
        return safe_next(target, default="") == target
    parts = urlsplit(target)
    return parts.scheme.lower() in {"http", "https"} and bool(parts.hostname) and " " not in target
