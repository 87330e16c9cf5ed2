"""Interface language: a cookie set by the switcher, else the browser's Accept-Language, else Finnish."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import dates
from flask import Flask, current_app, has_request_context, request
from flask_babel import get_locale

from valuma_space.extensions import babel

LANGUAGE_COOKIE = "lang"
LANGUAGE_NAMES = {"fi": "Suomeksi", "sv": "På svenska", "en": "In English"}

# Dates and times as Finnish public services write them in each language: day before month and
# the 24-hour clock. The short forms are ours, the same numbers in every language; the long ones
# are CLDR's Finnish variant of each language ("1 december 2026"). Plain English CLDR would be
# American: 12/1/26, 7:13 PM.
DATE_LOCALES = {"fi": "fi_FI", "sv": "sv_FI", "en": "en_FI"}
SHORT_DATETIME = {
    "fi": "d.M.yyyy 'klo' H.mm",
    "sv": "d.M.yyyy 'kl.' H.mm",
    "en": "d.M.yyyy 'at' H.mm",
}
SHORT_DATE = "d.M.yyyy"


def _date_locale() -> str:
    return DATE_LOCALES.get(str(get_locale()), "fi_FI")


def format_datetime(moment: datetime | None, format: str = "short") -> str:
    """A stored moment in the study's time zone, written the reader's way."""
    if moment is None:
        return ""
    if format == "short":
        format = SHORT_DATETIME.get(str(get_locale()), SHORT_DATETIME["fi"])
    return dates.format_datetime(moment, format, tzinfo=local_zone(), locale=_date_locale())


def format_date(day: date | datetime | None, format: str = "short") -> str:
    """A day (or the day of a stored moment, in the study's time zone), the reader's way."""
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = day.astimezone(local_zone()) if day.tzinfo else day
        day = day.date()
    return dates.format_date(
        day, SHORT_DATE if format == "short" else format, locale=_date_locale()
    )


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


def local_to_utc(moment: datetime | None) -> datetime | None:
    """A time a moderator typed in a form (a naive datetime-local value, Finnish time) as the
    moment it is; None stays None."""
    return moment.replace(tzinfo=local_zone()) if moment is not None else None


def utc_to_local(moment: datetime | None) -> datetime | None:
    """A stored moment as a form's datetime-local field shows it: naive, Finnish time."""
    return moment.astimezone(local_zone()).replace(tzinfo=None) if moment is not None else None


@lru_cache(maxsize=4)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)
