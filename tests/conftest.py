"""Fixtures: a fresh app per test on a schema built once by the migrations, emptied after each test.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import contextvars
import os
import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, text

from config import TestingConfig
from tests.factories import make_user
from tests.helpers import login_as
from tests.redis_support import unique_prefix
from tests.smtp import SmtpServer
from valuma_space import create_app
from valuma_space.auth.models import Role
from valuma_space.extensions import db

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


def make_config(database_url: str, **overrides: Any) -> TestingConfig:
    config = TestingConfig({"TEST_DATABASE_URL": database_url})
    for key, value in overrides.items():
        setattr(config, key, value)
    return config


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Build the schema once per run, through the migrations, on an empty database."""
    url = TEST_DATABASE_URL or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    app = create_app(make_config(url))
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.drop_all()
        flask_migrate.upgrade()
        db.engine.dispose()
    return url


def empty_all_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # A test that left a transaction open fails here, rather than hanging the suite.
            connection.execute(text("SET lock_timeout = '20s'"))
            names = ", ".join(f'"{table.name}"' for table in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            # Every row goes anyway: cascading down a deep reply chain would pass SQLite's limit
            # of nested cascades.
            connection.exec_driver_sql("UPDATE comments SET parent_id = NULL")
            for table in tables:
                connection.execute(table.delete())


class IsolatedClient(FlaskClient):
    """Runs each request in a fresh context, as a real server would.

    The `app` fixture keeps an app context pushed so that tests can use the database; Flask
    would reuse that context (and its `g` and database session) for every request, so that
    one request could see what another left behind.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        # Buffered: a streamed body is read inside the request's own context, as a server would.
        kwargs.setdefault("buffered", True)
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def config_overrides() -> dict[str, Any]:
    """Override in a test module (or with pytest.mark.parametrize) to change settings."""
    return {}


@pytest.fixture
def app(database_url: str, config_overrides: dict[str, Any], tmp_path: Path) -> Iterator[Flask]:
    # Uploads (the demo's diagram among them) go to the test's own folder, not instance/.
    settings = {"UPLOAD_DIR": str(tmp_path / "uploads"), **config_overrides}
    app = create_app(make_config(database_url, **settings))
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.remove()
        empty_all_tables()
        db.engine.dispose()


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A Redis key prefix of the test's own (REDIS_PREFIX), its keys deleted afterwards."""
    yield from unique_prefix()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def allowed_smtp_ports() -> set[int]:
    """Ports of the in-process SMTP servers a test starts; the only ones it may reach."""
    return set()


@pytest.fixture
def smtp(allowed_smtp_ports: set[int]) -> Iterator[SmtpServer]:
    server = SmtpServer()
    allowed_smtp_ports.add(server.port)
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _no_real_smtp(monkeypatch: pytest.MonkeyPatch, allowed_smtp_ports: set[int]) -> None:
    """No test reaches a real mail server by accident."""
    real_connect = smtplib.SMTP.connect

    def guarded_connect(
        self: smtplib.SMTP, host: str = "localhost", port: int = 0, source_address: Any = None
    ) -> Any:
        if host in {"127.0.0.1", "localhost"} and port in allowed_smtp_ports:
            return real_connect(self, host, port, source_address)
        raise AssertionError(f"test tried to reach a real SMTP server at {host}:{port}")

    monkeypatch.setattr(smtplib.SMTP, "connect", guarded_connect)


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app: Flask):
    """`with count_queries() as counter:` counts the SQL statements run inside the block."""

    @contextmanager
    def counting() -> Iterator[QueryCounter]:
        counter = QueryCounter()

        def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            counter.statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", record)

    return counting


# --- CI guard: a browser test that skips in CI is a failure -------------------------------------

_browser_outcomes: dict[str, list[str]] = {"passed": [], "skipped": [], "failed": []}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if "browser" not in report.keywords:
        return
    if report.skipped:
        _browser_outcomes["skipped"].append(report.nodeid)
    elif report.when == "call":
        _browser_outcomes["passed" if report.passed else "failed"].append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not os.environ.get("CI"):
        return
    problems = []
    if _browser_outcomes["skipped"]:
        problems.append(f"{len(_browser_outcomes['skipped'])} browser tests skipped")
    if os.environ.get("VALUMA_REQUIRE_BROWSER_TESTS") and not _browser_outcomes["passed"]:
        problems.append("no browser test ran")
    if problems:
        print("\nCI: " + "; ".join(problems))
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture
def moderator(app: Flask) -> FlaskClient:
    """A moderator's browser, signed in through the emailed link (a test module may have its own)."""
    make_user("toimittaja@valuma.fi", role=Role.MODERATOR, profile_completed=True)
    client = app.test_client()
    login_as(client, "toimittaja@valuma.fi")
    return client
