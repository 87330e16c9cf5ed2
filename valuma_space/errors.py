"""Error pages in the user's language, with the site's layout."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from valuma_space.refusals import Refused

log = logging.getLogger(__name__)

ERROR_TEXTS = {
    400: (
        _l("Virheellinen pyyntö"),
        _l("Pyyntöä ei voitu käsitellä. Palaa edelliselle sivulle ja yritä uudelleen."),
    ),
    401: (_l("Kirjautuminen vaaditaan"), _l("Tämä sivu näkyy vain kirjautuneille käyttäjille.")),
    403: (_l("Ei käyttöoikeutta"), _l("Sinulla ei ole oikeutta tähän sivuun.")),
    404: (_l("Sivua ei löytynyt"), _l("Etsimääsi sivua ei ole olemassa tai se on siirretty.")),
    405: (_l("Toiminto ei ole sallittu"), _l("Tätä toimintoa ei voi tehdä tällä osoitteella.")),
    409: (_l("Ristiriita"), _l("Joku muu muutti tätä samaan aikaan. Lataa sivu uudelleen.")),
    413: (
        _l("Tiedosto on liian suuri"),
        _l("Lähettämäsi tiedosto ylittää sallitun koon. Mitään ei tallennettu."),
    ),
    429: (
        _l("Liian monta pyyntöä"),
        _l(
            "Olet tehnyt liian monta pyyntöä lyhyessä ajassa. Odota hetki ja yritä sitten uudelleen."
        ),
    ),
    500: (
        _l("Palvelussa tapahtui virhe"),
        _l(
            "Pahoittelemme, jotain meni vikaan. Virhe on kirjattu. Yritä hetken kuluttua uudelleen."
        ),
    ),
}
CSRF_TEXT = _l(
    "Lomakkeen turvatunniste puuttui tai vanheni. Palaa lomakkeeseen, lataa sivu uudelleen ja lähetä se uudestaan."
)


def render_error(code: int, message: str | None = None) -> tuple[str, int]:
    title, default_message = ERROR_TEXTS.get(code, ERROR_TEXTS[500])
    try:
        body = render_template(
            "errors/error.html", code=code, title=title, message=message or default_message
        )
    except Exception:
        # The layout needs the database (the signed-in user, the workspace); when that is what
        # failed, a bare page still tells the user what happened.
        log.exception("rendering the error page failed")
        body = f"<!doctype html><html lang=fi><title>{code}</title><h1>{title}</h1><p>{default_message}</p>"
    return body, code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        return render_error(400, str(CSRF_TEXT))

    @app.errorhandler(Refused)
    def refused(error: Refused) -> tuple[str, int]:
        # A view with no form to show the refusal in: the reason, on the error page. What the
        # request wrote goes with its session, which the teardown discards uncommitted.
        return render_error(error.status, str(error.message))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> object:
        if error.code is None or error.code < 400:
            return error
        if error.code == 401:
            return render_error(401)
        return render_error(error.code if error.code in ERROR_TEXTS else 400)

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError) -> tuple[str, int]:
        return render_error(500)
