"""How Flask-Login finds the signed-in user."""

from __future__ import annotations

from valuma_space.auth.models import User
from valuma_space.extensions import db, login_manager


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    try:
        return db.session.get(User, int(user_id))
    except ValueError:
        return None
