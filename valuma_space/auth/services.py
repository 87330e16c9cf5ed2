"""Account operations shared by the CLI, the sign-in flow and the tests."""

from __future__ import annotations

from sqlalchemy import select

from valuma_space.auth.emails import normalise_email
from valuma_space.auth.models import Role, User
from valuma_space.extensions import db


def find_user_by_email(address: str) -> User | None:
    return db.session.scalars(select(User).where(User.email == normalise_email(address))).first()


def ensure_user(address: str, role: Role | None = None) -> tuple[User, bool]:
    """The account for an address, created if missing; a given role replaces the current one.

    Returns the user and whether it was created.
    """
    email = normalise_email(address)
    user = db.session.scalars(select(User).where(User.email == email)).first()
    created = user is None
    if user is None:
        user = User(email=email, role=role or Role.PARTICIPANT)
        db.session.add(user)
    elif role is not None:
        user.role = role
    db.session.flush()
    return user, created
