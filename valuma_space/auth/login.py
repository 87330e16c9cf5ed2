"""How Flask-Login finds the signed-in user from a session or remember cookie."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Any

from flask import Response, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import ColumnElement, select

from valuma_space.auth.models import User
from valuma_space.extensions import db, login_manager

LOADED_WITH_USER: dict[str, Callable[[ColumnElement[int]], ColumnElement[Any]]] = {}
"""Values that the domains above want on every page for the signed-in person (notifications:
the unread count in the header), each as a subquery on the user's id: they ride along the one
query that loads the user, and wait in `loaded_with_user(name)`."""


def load_with_user(name: str, column: Callable[[ColumnElement[int]], ColumnElement[Any]]) -> None:
    LOADED_WITH_USER[name] = column


def loaded_with_user(name: str) -> Any:
    """What `load_with_user` registered under `name`, for this request's user; None if the user
    was not loaded from the session (a test that signs in some other way)."""
    return g.get("loaded_with_user", {}).get(name)


@login_manager.user_loader
def load_user(cookie_id: str) -> User | None:
    """Cookies carry "<id>:<session token>"; a token that no longer matches (after sign-out,
    or from a copied cookie) signs no one in."""
    user_id, _, token = cookie_id.partition(":")
    if not user_id.isdecimal():
        return None
    extras = list(LOADED_WITH_USER.items())
    row = db.session.execute(
        select(User, *(column(User.id) for _name, column in extras)).where(User.id == int(user_id))
    ).first()
    if row is None:
        return None
    user, *values = row
    if not token or not hmac.compare_digest(user.session_token, token):
        return None
    g.loaded_with_user = {
        name: value for (name, _column), value in zip(extras, values, strict=True)
    }
    return user


@login_manager.unauthorized_handler
def send_to_sign_in() -> Response:
    """Pages a visitor may not read yet lead to the front door, which leads back afterwards."""
    flash(_("Kirjaudu sisään jatkaaksesi."), "info")
    target = request.full_path if request.query_string else request.path
    return redirect(url_for("auth.login", next=target))


def track_visits() -> None:
    """before_request: note the signed-in person's visit (a write only every few minutes)."""
    if current_user.is_authenticated and request.endpoint not in {"static", "core.healthz"}:
        from valuma_space.auth.services import record_visit

        if record_visit(current_user._get_current_object()):
            db.session.commit()
