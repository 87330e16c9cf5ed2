"""VALUMA Space: a consultation workspace where stakeholders comment on a study's materials."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask_login import current_user
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from werkzeug.middleware.proxy_fix import ProxyFix

from config import Config, ConfigError, config_from_env
from valuma_space.http import CONVERTERS, ValumaRequest

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Config | None = None) -> Flask:
    """Build an app for one configuration; tests build a fresh one per test."""
    config = config if config is not None else config_from_env()
    config.validate()
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.request_class = ValumaRequest
    app.url_map.converters.update(CONVERTERS)
    app.config.from_object(config)
    app.config["SQLALCHEMY_DATABASE_URI"] = _database_url(app)
    if not app.config.get("UPLOAD_DIR"):
        app.config["UPLOAD_DIR"] = str(Path(app.instance_path) / "uploads")
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    if app.config["PROXY_FIX_HOPS"] > 0:
        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]

    from valuma_space import assets, compression, shared, storage

    # First, so that its after_request runs last (Flask runs them in reverse): it compresses the
    # response as every other hook left it.
    compression.init_app(app)
    _init_extensions(app)
    shared.init_app(app)
    storage.init_app(app)
    _register_blueprints(app)
    assets.init_app(app)

    from valuma_space import cli, errors, i18n, security
    from valuma_space.auth.permissions import enforce_access
    from valuma_space.comments import live
    from valuma_space.mail import transports
    from valuma_space.materials import extras
    from valuma_space.notifications import texts

    transports.init_app(app)
    live.init_app(app)
    extras.init_app(app)
    texts.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    from valuma_space.auth.login import track_visits
    from valuma_space.auth.names import public_name
    from valuma_space.notifications.routes import unread_for_header
    from valuma_space.workspaces.services import request_workspace, site_title

    app.before_request(enforce_access)
    app.before_request(track_visits)
    app.jinja_env.globals["site_title"] = site_title
    app.jinja_env.globals["request_workspace"] = request_workspace
    app.jinja_env.globals["unread_notifications"] = unread_for_header
    app.add_template_filter(public_name, "public_name")
    from valuma_space.comments import policy

    # Templates ask the policy, with the request's viewer, whether a comment's text shows.
    app.jinja_env.globals["comment_readable"] = lambda c: policy.may_read(c, current_user)
    app.jinja_env.globals["comment_removed_label"] = policy.removed_label
    app.jinja_env.globals["comment_removed_notice"] = policy.removed_notice
    return app


def _database_url(app: Flask) -> str:
    url = app.config.get("SQLALCHEMY_DATABASE_URI")
    if not url:
        return f"sqlite:///{Path(app.instance_path) / 'valuma.db'}"
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise ConfigError(
            "DATABASE_URL is not a valid database URL (e.g. postgresql://user@host/db)"
        ) from None
    # psycopg 3 is the PostgreSQL driver; plain postgresql:// URLs would ask for psycopg2.
    if parsed.drivername in {"postgresql", "postgres"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    elif parsed.get_backend_name() not in {"sqlite", "postgresql"}:
        raise ConfigError(
            f"DATABASE_URL must point to SQLite or PostgreSQL, not {parsed.drivername!r}"
        )
    return parsed.render_as_string(hide_password=False)


def _init_extensions(app: Flask) -> None:
    from valuma_space.db import render_migration_item
    from valuma_space.extensions import csrf, db, limiter, login_manager, mail, migrate

    db.init_app(app)
    # Batch mode lets Alembic alter SQLite tables by copying them; compare_type catches
    # column type drift on both engines.
    migrate.init_app(
        app,
        db,
        directory=str(PROJECT_ROOT / "migrations"),
        render_as_batch=True,
        compare_type=True,
        render_item=render_migration_item,
    )
    csrf.init_app(app)
    mail.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)

    # Import every model so that the metadata (and Alembic's autogenerate) sees them all.
    from valuma_space import models  # noqa: F401

    # Each domain registers its mail composers and its signal subscribers as it is imported.
    from valuma_space.auth import (
        login,  # noqa: F401  (registers the user loader)
        mailing,  # noqa: F401
    )
    from valuma_space.events import mail as event_mail  # noqa: F401

    # The task queue's jobs and schedule, registered as their modules are imported.
    from valuma_space.mail import sender  # noqa: F401
    from valuma_space.notifications import (
        digests,  # noqa: F401
        subscribers,  # noqa: F401
    )
    from valuma_space.notifications import mail as notification_mail  # noqa: F401
    from valuma_space.tasks import queue  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from valuma_space.admin.phase_routes import bp as phases_bp
    from valuma_space.admin.routes import bp as admin_bp
    from valuma_space.admin.workspace_routes import bp as workspace_admin_bp
    from valuma_space.admin.workspace_routes import identity_bp
    from valuma_space.auth.routes import bp as auth_bp
    from valuma_space.comments.reading_routes import bp as materials_bp
    from valuma_space.comments.routes import bp as comments_bp
    from valuma_space.core.routes import bp as core_bp
    from valuma_space.events.routes import bp as events_bp
    from valuma_space.exports.routes import bp as exports_bp
    from valuma_space.mail.routes import bp as mail_bp
    from valuma_space.materials.authoring_routes import bp as authoring_bp
    from valuma_space.modeldesign.routes import bp as design_bp
    from valuma_space.moderation.routes import bp as moderation_bp
    from valuma_space.notifications.routes import bp as notifications_bp
    from valuma_space.polls.routes import bp as polls_bp

    for blueprint in (
        core_bp,
        auth_bp,
        admin_bp,
        materials_bp,
        authoring_bp,
        comments_bp,
        moderation_bp,
        design_bp,
        polls_bp,
        events_bp,
        exports_bp,
        notifications_bp,
        workspace_admin_bp,
        phases_bp,
        identity_bp,
        mail_bp,
    ):
        app.register_blueprint(blueprint)
