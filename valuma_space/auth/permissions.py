"""Who may open which view. Every view declares its level (valuma_space/access.py); a view that
declares none is refused.

Deny by default: forgetting `@access(...)` on a new view makes it unreachable, not public,
and tests/test_permissions.py fails for it.
"""

from __future__ import annotations

from flask import abort, request
from flask_login import current_user

from valuma_space.access import Access, access_level_of
from valuma_space.auth.models import Role
from valuma_space.extensions import login_manager
from valuma_space.workspaces.models import ReadingAccess
from valuma_space.workspaces.services import request_workspace_access

ROLE_FOR_ACCESS = {Access.MODERATOR: Role.MODERATOR, Access.ADMIN: Role.ADMIN}


def may_read_workspace(user: object) -> bool:
    # The workspace's reading access only: a poll of a public workspace loads nothing more.
    workspace = request_workspace_access()
    if workspace is None or workspace.reading_access == ReadingAccess.PUBLIC:
        return True
    return bool(getattr(user, "is_authenticated", False))


def enforce_access() -> object | None:
    """before_request: let the request through only if its view allows this visitor."""
    if request.endpoint is None:  # no route matched: the 404 handler answers
        return None
    level = access_level_of(request.endpoint)
    if level is None:
        abort(403)
    if level == Access.PUBLIC:
        return None
    if level == Access.READER:
        if may_read_workspace(current_user):
            return None
        return login_manager.unauthorized()
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    role = ROLE_FOR_ACCESS.get(level)
    if role is not None and not current_user.has_role(role):
        abort(403)
    return None
