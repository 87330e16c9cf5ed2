"""Interface language: a cookie set by the switcher, else the browser's Accept-Language, else Finnish."""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import Flask, current_app, has_request_context, request
from flask_babel import format_date, format_datetime, get_locale

from valuma_space.extensions import babel

LANGUAGE_COOKIE = "lang"
LANGUAGE_NAMES = {"fi": "Suomeksi", "sv": "På svenska", "en": "In English"}


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # the CLI and the mail sender choose with force_locale
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in languages:
        return chosen
    if chosen:  # an unknown code in the cookie: the default, not the browser's guess
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals.update(format_date=format_date, format_datetime=format_datetime)

    @app.context_processor
    def language_context() -> dict[str, object]:
        return {"current_language": str(get_locale()), "language_names": LANGUAGE_NAMES}


def local_zone() -> ZoneInfo:
    """The study's time zone (BABEL_DEFAULT_TIMEZONE, Europe/Helsinki): the one the interface
    shows times in, in which days and weeks begin for filters, digests and charts, and in which
    moderators type dates."""
    return _zone(current_app.config["BABEL_DEFAULT_TIMEZONE"])


@lru_cache(maxsize=4)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)
