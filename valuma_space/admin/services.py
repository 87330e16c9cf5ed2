"""Queries and operations behind the consortium's pages."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from valuma_space.auth.models import Role, User
from valuma_space.extensions import db
from valuma_space.materials.models import Page, Section
from valuma_space.moderation.services import log_role_change
from valuma_space.refusals import Refused
from valuma_space.workspaces.models import Workspace


@dataclass(frozen=True)
class WorkspaceOverview:
    pages: int
    sections: int
    users_by_role: dict[Role, int]


def workspace_overview(workspace: Workspace) -> WorkspaceOverview:
    pages = db.session.scalar(select(func.count(Page.id)).where(Page.workspace_id == workspace.id))
    sections = db.session.scalar(
        select(func.count(Section.id)).where(Section.workspace_id == workspace.id)
    )
    counts = dict(
        db.session.execute(select(User.role, func.count(User.id)).group_by(User.role)).all()
    )
    return WorkspaceOverview(
        pages=pages or 0,
        sections=sections or 0,
        users_by_role={role: counts.get(role, 0) for role in Role},
    )


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.role.desc(), User.email)))


def change_role(actor: User, user_id: int, role: Role) -> User:
    """Give a user a role. An admin may not take away the last admin's rights, their own included."""
    user = db.session.get(User, user_id)
    if user is None:
        raise LookupError(user_id)
    if user.role == Role.ADMIN and role != Role.ADMIN:
        admins = db.session.scalar(select(func.count(User.id)).where(User.role == Role.ADMIN))
        if (admins or 0) <= 1:
            raise Refused(_l("Viimeiseltä ylläpitäjältä ei voi poistaa ylläpito-oikeutta."))
    log_role_change(actor, user, user.role, role)
    user.role = role
    db.session.flush()
    return user
