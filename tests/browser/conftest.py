"""Browser tests: the app served on a real port, driven by Debian's Chromium through Playwright.

Never downloads a browser. Without Chromium the tests skip on a developer's machine, but fail
under CI (CI=true), where a skipped browser test would hide a broken page.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
from werkzeug.serving import make_server

from config import TestingConfig
from valuma_space import create_app
from valuma_space.demo.builder import build_demo
from valuma_space.extensions import db

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


class LiveServer:
    def __init__(self, app: Any) -> None:
        self.app = app
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)


def relax_sign_in_limits(config: TestingConfig) -> None:
    """The browser tests sign the demo's moderator in dozens of times in one session; the
    limits themselves are tested over HTTP (tests/test_sign_in_throttle.py)."""
    for name in (
        "LOGIN_RATE_PER_ADDRESS",
        "LOGIN_RATE_PER_IP",
        "LOGIN_MAILS_PER_ADDRESS",
        "LOGIN_TRUSTED_MAILS_PER_ADDRESS",
    ):
        setattr(config, name, "1000 per hour")


def serve_demo(database: Path, uploads: Path, **settings: Any) -> LiveServer:
    """The demo workspace built on a fresh SQLite file and served on a free port."""
    config = TestingConfig({"TEST_DATABASE_URL": f"sqlite:///{database}"})
    config.BASE_URL = "http://127.0.0.1"
    config.UPLOAD_DIR = str(uploads)
    relax_sign_in_limits(config)
    for name, value in settings.items():
        setattr(config, name, value)
    app = create_app(config)
    with app.app_context():
        flask_migrate.upgrade()
        build_demo()
        db.session.commit()
    server = LiveServer(app)
    server.app.config["BASE_URL"] = server.url
    server.start()
    return server


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The demo workspace on a SQLite file, served as a newcomer would see it."""
    server = serve_demo(
        tmp_path_factory.mktemp("browser") / "browser.db",
        tmp_path_factory.mktemp("uploads"),
        # The "new comments" notice test need not wait long.
        DISCUSSION_POLL_SECONDS=1,
    )
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        message = f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="fi-FI")
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []

    def on_console(message: Any) -> None:
        # A page's own error status is the test's business; failed assets are reported below.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(message.text)

    def on_response(response: Any) -> None:
        if response.request.resource_type != "document" and response.status >= 400:
            problems.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    yield page
    context.close()
    # A CSP violation, a script error or a missing asset: a page must have none.
    assert problems == [], problems


@pytest.fixture(scope="session")
def axe() -> Any:
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def assert_accessible(axe: Any, page: Any) -> None:
    """axe-core finds no WCAG 2.1 A or AA violation on the page as it now is."""
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
    assert results.violations_count == 0, results.generate_report()


def sign_in(page: Any, live_server: LiveServer, email: str, next_path: str = "/") -> None:
    """Sign in through the front door, the emailed link and (the first time) the profile step."""
    from valuma_space.mail.sender import deliver_due

    page.goto(f"{live_server.url}/kirjaudu?next={next_path}")
    page.get_by_label("Sähköpostiosoite").fill(email)
    page.get_by_role("button", name="Lähetä kirjautumislinkki").click()
    with live_server.app.app_context():
        deliver_due()
    sent = live_server.app.extensions["valuma_mail_transport"].sent
    page.goto([mail for mail in sent if mail.recipient == email][-1].link)
    page.get_by_role("button", name="Kirjaudu sisään").click()
    if page.locator("h1").inner_text() == "Tervetuloa!":
        page.get_by_label("Nimi", exact=True).fill(email.split("@")[0].title())
        page.get_by_role("button", name="Tallenna").click()
