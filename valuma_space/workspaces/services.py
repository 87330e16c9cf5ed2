"""Queries about the workspace. There is one per installation for now."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from flask import abort, g
from sqlalchemy import select

from valuma_space.db import utcnow
from valuma_space.extensions import db
from valuma_space.i18n import local_zone
from valuma_space.shared import cached_fact, watch_tables
from valuma_space.workspaces.models import Invitation, Phase, ReadingAccess, Workspace

T = TypeVar("T")


def current_workspace() -> Workspace | None:
    """The installation's workspace: the first one created."""
    return db.session.scalars(select(Workspace).order_by(Workspace.id).limit(1)).first()


def request_workspace() -> Workspace | None:
    """The workspace, loaded at most once per request and only by requests that need it."""
    if "workspace" not in g:
        g.workspace = current_workspace()
    return g.workspace


@dataclass(frozen=True)
class WorkspaceAccess:
    """What deciding whether a visitor may read needs of the workspace."""

    id: int
    reading_access: ReadingAccess


watch_tables(Workspace.__tablename__)


def request_workspace_access() -> WorkspaceAccess | None:
    """The request's workspace's id and reading access: from the workspace if the request has
    loaded it, else from the facts the servers share in Redis (no query while they stand), else
    by loading it. A poll that needs nothing more of the workspace asks the database nothing."""
    if "workspace_access" in g:
        return g.workspace_access  # type: ignore[no-any-return]
    if "workspace" in g:
        access = _access_of(g.workspace)
    else:
        access = cached_fact(
            "workspace",
            lambda: _access_of(request_workspace()),
            lambda a: json.dumps([a.id, a.reading_access.value]),
            _decode_access,
        )
    g.workspace_access = access
    return access


def _decode_access(text: str) -> WorkspaceAccess:
    workspace_id, reading_access = json.loads(text)
    return WorkspaceAccess(int(workspace_id), ReadingAccess(reading_access))


def _access_of(workspace: Workspace | None) -> WorkspaceAccess | None:
    return None if workspace is None else WorkspaceAccess(workspace.id, workspace.reading_access)


def site_title() -> str:
    """The name the browser tab shows: the workspace's title, or the product's before one exists."""
    workspace = request_workspace()
    return workspace.title if workspace is not None else "VALUMA Space"


def may_sign_up(workspace: Workspace | None, email: str) -> bool:
    """Whether an address without an account may create one here."""
    if workspace is None:
        return True
    domains = workspace.domains()
    domain = email.rsplit("@", 1)[-1].lower()
    in_domain = any(domain == d or domain.endswith("." + d) for d in domains)
    if workspace.invited_only:
        invited = db.session.scalar(
            select(Invitation.id).where(
                Invitation.workspace_id == workspace.id, Invitation.email == email
            )
        )
        return bool(invited) or in_domain
    return in_domain if domains else True


def workspace_or_404() -> Workspace:
    """The request's workspace, for views that cannot work without one."""
    workspace = request_workspace()
    if workspace is None:
        abort(404)
    return workspace


def owned_or_404(model: type[T], item_id: int) -> T:
    """A row of the request's workspace by id; another workspace's row is as good as missing."""
    item = db.session.get(model, item_id)
    if item is None or item.workspace_id != workspace_or_404().id:  # type: ignore[attr-defined]
        abort(404)
    return item


def local_today() -> date:
    """Today in the study's time zone: the day a phase's dates are compared with."""
    return utcnow().astimezone(local_zone()).date()


def workspace_phases(workspace: Workspace) -> list[Phase]:
    """The timeline in its order: one query."""
    return list(
        db.session.scalars(
            select(Phase)
            .where(Phase.workspace_id == workspace.id)
            .order_by(Phase.position, Phase.starts_on, Phase.id)
        )
    )
