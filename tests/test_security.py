from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.exceptions import TooManyRequests

from tests.conftest import make_config
from tests.factories import make_page, make_workspace
from valuma_space import create_app
from valuma_space.access import Access, access


def _assert_security_headers(response) -> None:
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]


def _add_failing_routes(app: Flask) -> None:
    def boom() -> str:
        raise RuntimeError("kaboom")

    def too_many() -> str:
        raise TooManyRequests()

    app.add_url_rule("/test-boom", "boom", access(Access.PUBLIC)(boom))
    app.add_url_rule("/test-429", "too_many", access(Access.PUBLIC)(too_many))


@pytest.fixture
def demo_page(app: Flask):
    workspace = make_workspace()
    return make_page(workspace, "Tausta", sections=2)


def test_security_headers_on_every_kind_of_response(
    app: Flask, client: FlaskClient, demo_page
) -> None:
    _add_failing_routes(app)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    for path, status in [
        ("/", 200),
        (f"/sivu/{demo_page.slug}", 200),
        ("/saavutettavuus", 200),
        ("/healthz", 200),
        ("/static/css/site.css", 200),
        ("/no-such-page", 404),
        ("/sivu/no-such-page", 404),
        ("/test-boom", 500),
        ("/test-429", 429),
        ("/kieli/sv", 302),
    ]:
        response = client.get(path)
        assert response.status_code == status, path
        _assert_security_headers(response)
        if status != 302 and not path.startswith(("/static", "/healthz")):
            # Served as anything else, nosniff would make browsers show the page as text.
            assert response.mimetype == "text/html", path


def test_no_inline_script_or_style_in_pages(client: FlaskClient, demo_page) -> None:
    html = client.get(f"/sivu/{demo_page.slug}").get_data(as_text=True)
    assert "<script>" not in html and "<style" not in html and " style=" not in html
    assert " onclick=" not in html


def test_production_sets_hsts_and_secure_cookies(database_url: str) -> None:
    from config import ProductionConfig

    config = ProductionConfig(
        {"SECRET_KEY": "k" * 40, "DATABASE_URL": database_url, "MAIL_SERVER": "smtp.example"}
    )
    app = create_app(config)
    client = app.test_client()
    response = client.get("/kieli/sv", base_url="https://valuma.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_development_sends_no_hsts(client: FlaskClient) -> None:
    assert "Strict-Transport-Security" not in client.get("/healthz").headers


@pytest.mark.parametrize("config_overrides", [{"TRUSTED_HOSTS": ["valuma.example"]}])
def test_trusted_hosts_are_enforced(client: FlaskClient) -> None:
    assert client.get("/healthz", base_url="http://valuma.example").status_code == 200
    refused = client.get("/healthz", base_url="http://evil.example")
    assert refused.status_code == 400
    _assert_security_headers(refused)


def test_forms_without_a_csrf_token_are_refused(app: Flask, client: FlaskClient) -> None:
    response = client.post("/hallinta/kayttajat", data={"user_id": "1", "role": "admin"})
    assert response.status_code == 400
    assert "turvatunniste" in response.get_data(as_text=True)


def test_proxy_fix_trusts_only_the_configured_hops(database_url: str) -> None:
    from flask import request

    app = create_app(make_config(database_url, PROXY_FIX_HOPS=1))

    def remote() -> str:
        return request.remote_addr or ""

    app.add_url_rule("/test-remote", "remote", access(Access.PUBLIC)(remote))
    client = app.test_client()
    response = client.get(
        "/test-remote",
        headers={"X-Forwarded-For": "203.0.113.9, 198.51.100.7"},
        environ_base={"REMOTE_ADDR": "10.0.0.1"},
    )
    assert response.get_data(as_text=True) == "198.51.100.7"
