"""The reading pages: the home page, a page of the materials and a section with its discussion.

They put the materials and the discussion side by side, so they live here, above both; the
blueprint keeps the name "materials" that every link to them uses.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user

from valuma_space.access import Access, access
from valuma_space.comments.forms import CommentForm
from valuma_space.comments.pages import page_discussions, section_page
from valuma_space.comments.services import (
    MAX_QUOTE_LENGTH,
    comment_counts,
    find_draft,
    new_since,
)
from valuma_space.db import utcnow
from valuma_space.events.services import upcoming_events
from valuma_space.materials import services
from valuma_space.materials.services import section_with_page
from valuma_space.workspaces.services import (
    local_today,
    request_workspace,
    workspace_or_404,
    workspace_phases,
)

bp = Blueprint("materials", __name__)


def _is_moderator() -> bool:
    return bool(current_user.is_authenticated and current_user.is_moderator)


@bp.get("/")
@access(Access.READER)
def home() -> str:
    workspace = request_workspace()
    if workspace is None:
        return render_template("materials/no_workspace.html")
    pages = services.workspace_contents(workspace, include_hidden=_is_moderator())
    counts = comment_counts(workspace)
    since = current_user.previous_visit_at if current_user.is_authenticated else None
    news = new_since(workspace, since) if since is not None else None
    recent = services.recently_changed(workspace, utcnow() - timedelta(days=30))
    return render_template(
        "materials/home.html",
        workspace=workspace,
        pages=pages,
        counts=counts,
        news=news,
        recent=recent,
        phases=workspace_phases(workspace),
        today=local_today(),
        events=upcoming_events(workspace),
    )


@bp.get("/sivu/<slug>")
@access(Access.READER)
def page(slug: str) -> str:
    workspace = workspace_or_404()
    # The table of contents needs every page anyway; the page shown is one of them.
    pages = services.workspace_contents(workspace, include_hidden=_is_moderator())
    page = next((candidate for candidate in pages if candidate.slug == slug), None)
    if page is None:
        abort(404)
    counts = comment_counts(workspace)
    index = pages.index(page)
    return render_template(
        "materials/page.html",
        workspace=workspace,
        page=page,
        pages=pages,
        counts=counts,
        discussions=page_discussions(workspace, page.sections),
        accepts_comments=workspace.accepts_comments(),
        previous_page=pages[index - 1] if index > 0 else None,
        next_page=pages[index + 1] if index + 1 < len(pages) else None,
    )


@bp.get("/osio/<slug>")
@access(Access.READER)
def section(slug: str) -> Response:
    """A section with its discussion."""
    workspace = workspace_or_404()
    section = section_with_page(workspace, slug, current_user)
    if section is None:
        abort(404)
    form = CommentForm()
    draft = find_draft(request.args.get("luonnos"), section)
    if draft is not None and draft.comment_id is None and draft.parent_id is None:
        form.body.data, form.quote.data, form.kind.data = (
            draft.body_markdown,
            draft.quote,
            draft.kind,
        )
        form.idempotency_key.data, form.draft.data = draft.idempotency_key, draft.id
    elif request.args.get("lainaus"):
        form.quote.data = request.args["lainaus"][:MAX_QUOTE_LENGTH]
    return section_page(workspace, section, form=form)
