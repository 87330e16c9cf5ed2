from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config import (
    DEV_SECRET_KEY,
    ConfigError,
    DevelopmentConfig,
    ProductionConfig,
    TestingConfig,
    config_from_env,
)
from valuma_space import create_app

ROOT = Path(__file__).resolve().parent.parent


def test_valuma_env_picks_the_configuration() -> None:
    assert isinstance(config_from_env({}), ProductionConfig)  # unset: production's checks
    assert isinstance(config_from_env({"VALUMA_ENV": "development"}), DevelopmentConfig)
    assert isinstance(config_from_env({}, default="development"), DevelopmentConfig)
    assert isinstance(config_from_env({"VALUMA_ENV": "testing"}), TestingConfig)
    strong = "x" * 32
    assert isinstance(
        config_from_env({"VALUMA_ENV": "production", "SECRET_KEY": strong, "MAIL_SERVER": "m"}),
        ProductionConfig,
    )
    with pytest.raises(ConfigError, match="VALUMA_ENV"):
        config_from_env({"VALUMA_ENV": "staging"})


def test_settings_are_read_from_the_environment() -> None:
    config = DevelopmentConfig(
        {
            "BASE_URL": "https://valuma.example/",
            "TRUSTED_HOSTS": "valuma.example, www.valuma.example",
            "PROXY_FIX_HOPS": "2",
            "MAIL_SERVER": "smtp.example",
            "MAIL_PORT": "587",
            "MAIL_USE_TLS": "true",
            "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
            "UPLOAD_DIR": "/srv/uploads",
        }
    )
    assert config.BASE_URL == "https://valuma.example"
    assert config.TRUSTED_HOSTS == ["valuma.example", "www.valuma.example"]
    assert config.PROXY_FIX_HOPS == 2
    assert (config.MAIL_SERVER, config.MAIL_PORT, config.MAIL_USE_TLS) == (
        "smtp.example",
        587,
        True,
    )
    assert config.RATELIMIT_STORAGE_URI == "redis://127.0.0.1:6379/0"
    assert config.UPLOAD_DIR == "/srv/uploads"


def test_defaults_suit_a_newcomer(tmp_path: Path) -> None:
    config = DevelopmentConfig({})
    assert config.SECRET_KEY == DEV_SECRET_KEY
    assert config.BASE_URL == "http://127.0.0.1:5000"
    assert config.TRUSTED_HOSTS is None
    assert config.PROXY_FIX_HOPS == 0
    assert config.MAIL_SERVER is None
    assert config.RATELIMIT_STORAGE_URI == "memory://"
    app = create_app(config)
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/valuma.db")
    assert app.config["UPLOAD_DIR"].endswith("instance/uploads")


@pytest.mark.parametrize("secret", [None, "", "too-short", DEV_SECRET_KEY])
def test_production_refuses_a_weak_secret_key(secret: str | None) -> None:
    environ = {"DATABASE_URL": "sqlite://", "MAIL_SERVER": "smtp.example"}
    if secret is not None:
        environ["SECRET_KEY"] = secret
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app(ProductionConfig(environ))


def test_production_starts_with_a_strong_secret_key() -> None:
    app = create_app(
        ProductionConfig(
            {"SECRET_KEY": "s" * 40, "DATABASE_URL": "sqlite://", "MAIL_SERVER": "smtp.example"}
        )
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


@pytest.mark.parametrize(
    "url", ["not a url", "postgresql://user@host:notaport/db", "mysql://x@y/z"]
)
def test_a_malformed_database_url_names_the_variable(url: str) -> None:
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        create_app(DevelopmentConfig({"DATABASE_URL": url}))


def test_postgresql_urls_use_psycopg_3() -> None:
    app = create_app(DevelopmentConfig({"DATABASE_URL": "postgresql://u@127.0.0.1/db"}))
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")


def test_wsgi_stops_with_one_line_naming_the_variable() -> None:
    environ = {**os.environ, "DATABASE_URL": "::nonsense::", "VALUMA_ENV": "development"}
    result = subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "DATABASE_URL" in lines[0]


def _import_wsgi(argv: list[str], **environ: str) -> subprocess.CompletedProcess[str]:
    """Import wsgi as `argv` would (gunicorn, flask), with only `environ` set of ours."""
    clean = {k: v for k, v in os.environ.items() if k not in {"VALUMA_ENV", "SECRET_KEY"}}
    code = f"import sys; sys.argv = {argv!r}; import wsgi; print(wsgi.app.config['ENV_NAME'])"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DATABASE_URL": "sqlite://", **environ},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_gunicorn_without_valuma_env_gets_production_and_its_checks() -> None:
    result = _import_wsgi(["gunicorn", "wsgi:app"])
    assert result.returncode == 1
    assert "SECRET_KEY" in result.stderr  # no development key, no public mailbox
    result = _import_wsgi(["flask", "--app", "wsgi", "valuma", "send-mail"])
    assert result.returncode == 1 and "SECRET_KEY" in result.stderr


def test_only_the_development_server_defaults_to_development() -> None:
    result = _import_wsgi(["flask", "--app", "wsgi", "valuma", "serve", "--port", "5001"])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "development"
    result = _import_wsgi(["gunicorn", "wsgi:app"], VALUMA_ENV="development")
    assert result.stdout.strip() == "development"  # asked for by name, it is given
