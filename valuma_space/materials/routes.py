from __future__ import annotations

from flask import Blueprint, abort, render_template

from valuma_space.auth.permissions import Access, access
from valuma_space.materials import services
from valuma_space.workspaces.models import Workspace
from valuma_space.workspaces.services import request_workspace

bp = Blueprint("materials", __name__)


def _workspace() -> Workspace:
    workspace = request_workspace()
    if workspace is None:
        abort(404)
    return workspace


@bp.get("/")
@access(Access.READER)
def home() -> str:
    workspace = request_workspace()
    if workspace is None:
        return render_template("materials/no_workspace.html")
    pages = services.workspace_contents(workspace)
    return render_template("materials/home.html", workspace=workspace, pages=pages)


@bp.get("/sivu/<slug>")
@access(Access.READER)
def page(slug: str) -> str:
    workspace = _workspace()
    # The table of contents needs every page anyway; the page shown is one of them.
    pages = services.workspace_contents(workspace)
    page = next((candidate for candidate in pages if candidate.slug == slug), None)
    if page is None:
        abort(404)
    return render_template("materials/page.html", workspace=workspace, page=page, pages=pages)


@bp.get("/osio/<slug>")
@access(Access.READER)
def section(slug: str) -> str:
    workspace = _workspace()
    section = services.get_section(workspace, slug)
    if section is None:
        abort(404)
    return render_template("materials/section.html", workspace=workspace, section=section)
