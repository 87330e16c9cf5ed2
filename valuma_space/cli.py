"""`flask valuma ...`: administration from the command line."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from werkzeug.serving import run_simple

from valuma_space.auth.emails import InvalidEmail
from valuma_space.auth.models import Role
from valuma_space.auth.services import ensure_user
from valuma_space.extensions import db

valuma = AppGroup("valuma", help="VALUMA Space administration.")


@valuma.group("user", help="Manage accounts.")
def user_group() -> None:
    pass


@user_group.command("add")
@click.option("--email", required=True, help="The person's email address.")
@click.option(
    "--role",
    type=click.Choice([role.value for role in Role]),
    default=Role.PARTICIPANT.value,
    show_default=True,
)
def user_add(email: str, role: str) -> None:
    """Create an account, or give an existing one the role."""
    try:
        user, created = ensure_user(email, Role(role))
    except InvalidEmail as error:
        raise click.BadParameter(str(error), param_hint="--email") from None
    db.session.commit()
    click.echo(f"{'Created' if created else 'Updated'} {user.email} ({user.role.value})")


@valuma.command("demo")
def demo() -> None:
    """Build the VALUMA demo workspace from the study description (safe to run twice)."""
    from valuma_space.demo.builder import build_demo

    report = build_demo()
    db.session.commit()
    click.echo(report.summary())


@valuma.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def serve(host: str, port: int) -> None:
    """Serve the app for development (production uses gunicorn: see README)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    click.echo(f"VALUMA Space: http://{host}:{port}/  (Ctrl+C stops)")
    run_simple(host, port, app, threaded=True, use_reloader=False)


def init_app(app: Flask) -> None:
    app.cli.add_command(valuma)
