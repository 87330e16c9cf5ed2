"""Queries about the workspace. There is one per installation for now."""

from __future__ import annotations

from flask import g
from sqlalchemy import select

from valuma_space.extensions import db
from valuma_space.workspaces.models import Workspace


def current_workspace() -> Workspace | None:
    """The installation's workspace: the first one created."""
    return db.session.scalars(select(Workspace).order_by(Workspace.id).limit(1)).first()


def request_workspace() -> Workspace | None:
    """The workspace, loaded at most once per request and only by requests that need it."""
    if "workspace" not in g:
        g.workspace = current_workspace()
    return g.workspace


def site_title() -> str:
    """The name the browser tab shows: the workspace's title, or the product's before one exists."""
    workspace = request_workspace()
    return workspace.title if workspace is not None else "VALUMA Space"
