from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, redirect, render_template, request
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from valuma_space.access import Access, access
from valuma_space.extensions import db
from valuma_space.i18n import LANGUAGE_COOKIE
from valuma_space.urls import safe_next

bp = Blueprint("core", __name__)
log = logging.getLogger(__name__)

ONE_YEAR = 365 * 24 * 3600


@bp.get("/kieli/<code>")
@access(Access.PUBLIC)
def set_language(code: str) -> Response:
    """Remember the chosen language and go back to the page the switcher was on."""
    languages = current_app.config["LANGUAGES"]
    chosen = code if code in languages else current_app.config["BABEL_DEFAULT_LOCALE"]
    response = redirect(safe_next(request.args.get("next")))
    response.set_cookie(
        LANGUAGE_COOKIE,
        chosen,
        max_age=ONE_YEAR,
        samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        httponly=True,
    )
    return response


@bp.get("/healthz")
@access(Access.PUBLIC)
def healthz() -> Response:
    """200 only when the database answers, for load balancers and uptime checks."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        log.exception("health check: the database did not answer")
        db.session.rollback()
        return Response("database unavailable\n", status=503, mimetype="text/plain")
    return Response("ok\n", mimetype="text/plain")


@bp.get("/saavutettavuus")
@access(Access.PUBLIC)
def accessibility_statement() -> str:
    return render_template("core/accessibility.html")


@bp.get("/tietosuoja")
@access(Access.PUBLIC)
def privacy_notice() -> str:
    return render_template(
        "core/privacy.html", link_minutes=current_app.config["LOGIN_LINK_MAX_AGE"] // 60
    )
