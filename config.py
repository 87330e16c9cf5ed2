"""Configuration: one class per environment, each reading the process environment.

`VALUMA_ENV` picks the class: production unless it says otherwise, but for the development
server's own command (`flask valuma serve`, which `make run` uses). Every variable is listed, with its unit
and default, in README.md's configuration table.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta

# Known to everyone, so production refuses it (ProductionConfig.validate).
DEV_SECRET_KEY = "dev-only-secret-key-do-not-use-in-production"  # noqa: S105
# The demo's organiser, as placeholders (.example never delivers); production sets its own.
DEMO_SENDER = "VALUMA-hanke <valuma-hanke@valuma.example>"
DEMO_CONTACT = "tietosuoja@valuma.example"


class ConfigError(RuntimeError):
    """A setting that makes start-up impossible; its message is one line naming the variable."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None


class Config:
    """Settings shared by every environment."""

    ENV_NAME = "base"
    DEBUG = False
    TESTING = False

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        self.SECRET_KEY = env.get("SECRET_KEY") or DEV_SECRET_KEY
        # None means "a SQLite file in the instance folder", resolved by create_app.
        self.SQLALCHEMY_DATABASE_URI = env.get("DATABASE_URL") or None
        self.BASE_URL = (env.get("BASE_URL") or "http://127.0.0.1:5000").rstrip("/")
        hosts = [h.strip() for h in (env.get("TRUSTED_HOSTS") or "").split(",") if h.strip()]
        self.TRUSTED_HOSTS = hosts or None
        self.PROXY_FIX_HOPS = _int(env, "PROXY_FIX_HOPS", 0)

        self.MAIL_SERVER = env.get("MAIL_SERVER") or None
        self.MAIL_PORT = _int(env, "MAIL_PORT", 25)
        self.MAIL_USE_TLS = _bool(env.get("MAIL_USE_TLS"))
        self.MAIL_USE_SSL = _bool(env.get("MAIL_USE_SSL"))
        self.MAIL_USERNAME = env.get("MAIL_USERNAME") or None
        self.MAIL_PASSWORD = env.get("MAIL_PASSWORD") or None
        self.MAIL_DEFAULT_SENDER = env.get("MAIL_DEFAULT_SENDER") or DEMO_SENDER
        self.CONTACT_EMAIL = env.get("CONTACT_EMAIL") or DEMO_CONTACT

        # Set further down, once REDIS_URL is known: several servers count their limits together.
        ratelimit_storage = env.get("RATELIMIT_STORAGE_URI") or None
        self.UPLOAD_DIR = env.get("UPLOAD_DIR") or None  # None: instance/uploads
        self.MAX_UPLOAD_MB = _int(env, "MAX_UPLOAD_MB", 20)
        # Requests may carry an upload and its form; bigger ones are refused before reading.
        self.MAX_CONTENT_LENGTH = (self.MAX_UPLOAD_MB + 1) * 1024 * 1024
        self.LOGIN_LINK_MAX_AGE = _int(env, "LOGIN_LINK_MAX_AGE", 900)
        # Invitations are read hours or days after they are sent.
        self.INVITATION_LINK_DAYS = _int(env, "INVITATION_LINK_DAYS", 7)
        self.LOGIN_RATE_PER_ADDRESS = env.get("LOGIN_RATE_PER_ADDRESS") or "5 per 15 minutes"
        self.LOGIN_RATE_PER_IP = env.get("LOGIN_RATE_PER_IP") or "30 per 10 minutes"
        self.LOGIN_MAILS_PER_ADDRESS = env.get("LOGIN_MAILS_PER_ADDRESS") or "10 per hour"
        self.LOGIN_TRUSTED_MAILS_PER_ADDRESS = (
            env.get("LOGIN_TRUSTED_MAILS_PER_ADDRESS") or "10 per hour"
        )
        self.REMEMBER_COOKIE_DURATION = timedelta(days=min(_int(env, "REMEMBER_DAYS", 30), 30))
        self.MAIL_RETRY_BASE_SECONDS = _int(env, "MAIL_RETRY_BASE_SECONDS", 10)
        self.MAIL_RETRY_MAX_SECONDS = _int(env, "MAIL_RETRY_MAX_SECONDS", 600)
        self.MAIL_GIVE_UP_AFTER = _int(env, "MAIL_GIVE_UP_AFTER", 24 * 3600)
        self.MAIL_TIMEOUT = _int(env, "MAIL_TIMEOUT", 10)
        self.DISCUSSION_POLL_SECONDS = _int(env, "DISCUSSION_POLL_SECONDS", 20)
        self.NOTIFY_BUNDLE_MINUTES = _int(env, "NOTIFY_BUNDLE_MINUTES", 15)
        # Each worker keeps the rendered threads of the discussions read, up to this much: with
        # the app itself (about 85 MB) a worker stays well under 150 MB.
        self.THREAD_CACHE_MB = _int(env, "THREAD_CACHE_MB", 32)
        # The state several app servers share: rate limits, rendered threads, discussion versions.
        self.REDIS_URL = env.get("REDIS_URL") or None
        # Every key this app writes in Redis starts with it, so that installations may share one.
        self.REDIS_PREFIX = env.get("REDIS_PREFIX") or "valuma:"
        # How long a rendering stays in Redis unread: superseded versions are never read again
        # and leave by this.
        self.REDIS_TTL_SECONDS = _int(env, "REDIS_TTL_SECONDS", 24 * 3600)
        # `local`: each worker renders for itself; `redis`: the servers share their renderings.
        self.THREAD_CACHE = (env.get("THREAD_CACHE") or "local").strip().lower()
        self.RATELIMIT_STORAGE_URI = ratelimit_storage or self.REDIS_URL or "memory://"
        # The task queue: empty means a SQLite file in the instance folder, served by the
        # development server's own worker threads; redis://… for several servers and workers
        # (by default the shared Redis, when there is one).
        self.TASK_QUEUE_URL = env.get("TASK_QUEUE_URL") or self.REDIS_URL or ""
        self.TASK_QUEUE_NAME = env.get("TASK_QUEUE_NAME") or "valuma"
        # Digests go out each day from this hour on (Helsinki time).
        self.DIGEST_HOUR = _int(env, "DIGEST_HOUR", 7)
        # A button on the moderation page that sends the digests at once, for trying them out.
        self.DIGEST_BUTTON = _bool(env.get("DIGEST_BUTTON"), default=self.DEBUG)
        # The outbox decides where mail goes (see mail/transports.py), never Flask-Mail's own
        # testing switch.
        self.MAIL_SUPPRESS_SEND = False

        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        self.BABEL_DEFAULT_LOCALE = "fi"
        self.BABEL_DEFAULT_TIMEZONE = "Europe/Helsinki"
        self.LANGUAGES = ("fi", "sv", "en")
        self.WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.HSTS = False

    def validate(self) -> None:
        """Refuse settings that would make the running app unsafe or cannot work."""
        if self.THREAD_CACHE not in {"local", "redis"}:
            raise ConfigError(f"THREAD_CACHE must be local or redis, got {self.THREAD_CACHE!r}")
        if self.THREAD_CACHE == "redis" and not self.REDIS_URL:
            raise ConfigError("THREAD_CACHE=redis needs REDIS_URL")


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    DEBUG = True


class TestingConfig(Config):
    __test__ = False  # a configuration, not a pytest test class
    ENV_NAME = "testing"
    TESTING = True

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        super().__init__(environ)
        env = os.environ if environ is None else environ
        self.SQLALCHEMY_DATABASE_URI = env.get("TEST_DATABASE_URL") or "sqlite://"
        # Each test's limits start empty, whatever REDIS_URL says; a test may set its own.
        self.RATELIMIT_STORAGE_URI = "memory://"
        self.MAIL_SERVER = None
        # Nothing consumes it unless a test starts a worker (tests/test_task_queue.py).
        self.TASK_QUEUE_URL = "memory://"


class ProductionConfig(Config):
    ENV_NAME = "production"

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        super().__init__(environ)
        self.SESSION_COOKIE_SECURE = True
        self.REMEMBER_COOKIE_SECURE = True
        self.HSTS = True

    def validate(self) -> None:
        super().validate()
        if self.SECRET_KEY == DEV_SECRET_KEY or len(self.SECRET_KEY.encode()) < 32:
            raise ConfigError(
                "SECRET_KEY must be set to a random value of at least 32 bytes in production"
            )
        if not self.MAIL_SERVER:
            # Without it sign-in links would only reach the server's console.
            raise ConfigError("MAIL_SERVER must be set in production")


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env(
    environ: Mapping[str, str] | None = None, default: str = "production"
) -> Config:
    """The class VALUMA_ENV names. Unset, it is production, with production's checks: only the
    development server's own command passes `default="development"` (see wsgi.py)."""
    env = os.environ if environ is None else environ
    name = (env.get("VALUMA_ENV") or default).strip().lower()
    try:
        config_class = CONFIGS[name]
    except KeyError:
        raise ConfigError(f"VALUMA_ENV must be one of {', '.join(CONFIGS)}, got {name!r}") from None
    return config_class(env)
