"""The level every view declares: `@access(Access.READER)`. Only the marking lives here, at the
bottom of the layers, so that any domain's routes can declare theirs; auth/permissions.py
enforces them for every request.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import TypeVar

from flask import current_app

F = TypeVar("F", bound=Callable[..., object])


class Access(StrEnum):
    PUBLIC = "public"
    """Anyone, signed in or not: sign-in, language, health, legal notices."""
    READER = "reader"
    """Whoever the workspace lets read: everyone if its reading is public, else signed-in users."""
    SIGNED_IN = "signed_in"
    MODERATOR = "moderator"
    ADMIN = "admin"


# Endpoints that Flask itself adds.
BUILT_IN_PUBLIC_ENDPOINTS = {"static"}


def access(level: Access) -> Callable[[F], F]:
    def mark(view: F) -> F:
        view.access_level = level  # type: ignore[attr-defined]
        return view

    return mark


def access_level_of(endpoint: str) -> Access | None:
    if endpoint in BUILT_IN_PUBLIC_ENDPOINTS:
        return Access.PUBLIC
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "access_level", None)
