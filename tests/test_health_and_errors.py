from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.exceptions import Forbidden, TooManyRequests

from tests.conftest import make_config
from valuma_space import create_app
from valuma_space.access import Access, access


def test_healthz_answers_when_the_database_does(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200


def test_healthz_fails_when_the_database_does_not(tmp_path) -> None:
    missing = tmp_path / "no-such-dir" / "db.sqlite"
    app = create_app(make_config(f"sqlite:///{missing}"))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503


def _raise(exception: Exception):
    def view() -> str:
        raise exception

    return access(Access.PUBLIC)(view)


@pytest.mark.parametrize(
    ("code", "exception", "finnish", "english"),
    [
        (403, Forbidden(), "Ei käyttöoikeutta", "Access denied"),
        (429, TooManyRequests(), "Liian monta pyyntöä", "Too many requests"),
        (500, RuntimeError("boom"), "Palvelussa tapahtui virhe", "Something went wrong"),
    ],
)
def test_error_pages_speak_the_users_language(
    app: Flask, client: FlaskClient, code: int, exception: Exception, finnish: str, english: str
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.add_url_rule(f"/test-{code}", f"test_{code}", _raise(exception))
    response = client.get(f"/test-{code}")
    assert response.status_code == code
    html = response.get_data(as_text=True)
    assert finnish in html and 'class="site-header"' in html
    client.get("/kieli/en")
    html = client.get(f"/test-{code}").get_data(as_text=True)
    assert english.lower() in html.lower() and '<html lang="en">' in html
