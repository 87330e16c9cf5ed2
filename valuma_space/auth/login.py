"""How Flask-Login finds the signed-in user from a session or remember cookie."""

from __future__ import annotations

import hmac

from flask import Response, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from valuma_space.auth.models import User
from valuma_space.extensions import db, login_manager
from valuma_space.notifications.services import unread_count_of


@login_manager.user_loader
def load_user(cookie_id: str) -> User | None:
    """Cookies carry "<id>:<session token>"; a token that no longer matches (after sign-out,
    or from a copied cookie) signs no one in."""
    user_id, _, token = cookie_id.partition(":")
    if not user_id.isdecimal():
        return None
    # The header shows the unread count on every page: fetched with the user, it costs nothing.
    row = db.session.execute(
        select(User, unread_count_of(User.id)).where(User.id == int(user_id))
    ).first()
    if row is None:
        return None
    user, unread = row
    if not token or not hmac.compare_digest(user.session_token, token):
        return None
    user.unread_notifications = unread
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
