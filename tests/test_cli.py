from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from valuma_space.auth.models import Role, User
from valuma_space.extensions import db


def test_user_add_creates_then_updates(app: Flask) -> None:
    runner = app.test_cli_runner()
    created = runner.invoke(
        args=[
            "valuma",
            "user",
            "add",
            "--email",
            "Maija.Meikalainen@Kunta.FI",
            "--role",
            "moderator",
        ]
    )
    assert created.exit_code == 0, created.output
    assert "Created maija.meikalainen@kunta.fi (moderator)" in created.output
    updated = runner.invoke(
        args=["valuma", "user", "add", "--email", "maija.meikalainen@kunta.fi", "--role", "admin"]
    )
    assert "Updated maija.meikalainen@kunta.fi (admin)" in updated.output
    users = db.session.scalars(select(User)).all()
    assert [(u.email, u.role) for u in users] == [("maija.meikalainen@kunta.fi", Role.ADMIN)]


def test_user_add_refuses_a_malformed_address(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["valuma", "user", "add", "--email", "not-an-address"]
    )
    assert result.exit_code != 0
    assert "--email" in result.output
    assert db.session.scalars(select(User)).all() == []


def test_user_add_refuses_an_unknown_role(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["valuma", "user", "add", "--email", "a@b.fi", "--role", "king"]
    )
    assert result.exit_code != 0
