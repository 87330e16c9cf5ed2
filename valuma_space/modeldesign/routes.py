from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from valuma_space.access import Access, access
from valuma_space.comments.loaders import comment_or_404
from valuma_space.comments.models import COMMENT_KIND_LABELS
from valuma_space.comments.policy import Action
from valuma_space.extensions import db
from valuma_space.materials.extras import register_page_links
from valuma_space.modeldesign import services
from valuma_space.modeldesign.forms import AlternativeForm, AssessmentForm
from valuma_space.modeldesign.models import (
    ALTERNATIVE_KIND_LABELS,
    ALTERNATIVE_STATUS_LABELS,
    STANCE_LABELS,
    Alternative,
    AlternativeKind,
    AlternativeStatus,
    CommentLink,
    Criterion,
    Stance,
    Theme,
)
from valuma_space.params import enum_param, id_param, ids_param
from valuma_space.refusals import Refused
from valuma_space.urls import safe_back
from valuma_space.views import attempt, form_status
from valuma_space.workspaces.models import Workspace
from valuma_space.workspaces.services import owned_or_404, workspace_or_404

bp = Blueprint("design", __name__, url_prefix="/mallit")


LABELS = {
    "kind_labels": ALTERNATIVE_KIND_LABELS,
    "status_labels": ALTERNATIVE_STATUS_LABELS,
    "stance_labels": STANCE_LABELS,
    "comment_kind_labels": COMMENT_KIND_LABELS,
}


def _matrix_link(page: Any, viewer: Any) -> list[tuple[str, str]]:
    """The published alternatives link their assessment matrix while participants may see it."""
    if page.slug != services.PUBLISHED_PAGE_SLUG or not page.workspace.matrix_public:
        return []
    return [(_("Arviointimatriisi: vaihtoehdot kriteereittäin"), url_for("design.matrix"))]


register_page_links(_matrix_link)


@bp.get("/")
@access(Access.MODERATOR)
def index() -> str:
    return _index_page(workspace_or_404(), AlternativeForm())


def _index_page(workspace: Workspace, form: AlternativeForm) -> str:
    return render_template(
        "modeldesign/index.html",
        alternatives=services.alternatives(workspace),
        criteria=services.criteria(workspace),
        themes=services.themes(workspace),
        form=form,
        workspace=workspace,
        **LABELS,
    )


@bp.post("/vaihtoehdot")
@access(Access.MODERATOR)
def create_alternative() -> Response | tuple[str, int]:
    workspace = workspace_or_404()
    form = AlternativeForm()
    if form.validate_on_submit():
        alternative = _save(workspace, None, form)
        db.session.commit()
        return redirect(url_for("design.alternative", alternative_id=alternative.id), code=303)
    return _index_page(workspace, form), 400


def _save(workspace: Workspace, item: Alternative | None, form: AlternativeForm) -> Alternative:
    return services.save_alternative(
        workspace,
        item,
        AlternativeKind(form.kind.data),
        form.title.data,
        form.description.data or "",
        AlternativeStatus(form.status.data),
        bool(form.shown.data),
    )


@bp.route("/vaihtoehdot/<int:alternative_id>", methods=["GET", "POST"])
@access(Access.MODERATOR)
def alternative(alternative_id: int) -> Response | tuple[str, int]:
    item = owned_or_404(Alternative, alternative_id)
    form = AlternativeForm(obj=None if request.method == "POST" else item)
    if request.method != "POST":
        form.description.data = item.description_markdown
        form.kind.data, form.status.data = item.kind.value, item.status.value
        form.shown.data = item.shown_to_participants
    elif form.validate_on_submit():
        _save(workspace_or_404(), item, form)
        db.session.commit()
        flash(_("Vaihtoehto on tallennettu."), "success")
        return redirect(url_for("design.alternative", alternative_id=item.id), code=303)
    page = services.alternative_page(item)
    html = render_template(
        "modeldesign/alternative.html",
        page=page,
        form=form,
        extras=services.alternative_extras(item),
        **LABELS,
    )
    return html, form_status(form)


@bp.post("/kriteerit")
@access(Access.MODERATOR)
def add_criterion() -> Response:
    return _add_named(services.add_criterion, "criteria")


@bp.post("/teemat")
@access(Access.MODERATOR)
def add_theme() -> Response:
    return _add_named(services.add_theme, "themes")


def _add_named(add: Callable[[Workspace, str], object], anchor: str) -> Response:
    """Criteria and themes are added by name alone, from their boxes on the index page."""
    added = attempt(lambda: add(workspace_or_404(), request.form.get("name", "")))
    if added.refused is not None:
        flash(added.problem, "error")
    else:
        db.session.commit()
    return redirect(url_for("design.index", _anchor=anchor), code=303)


@bp.get("/matriisi")
@access(Access.READER)
def matrix() -> str:
    workspace = workspace_or_404()
    moderator = current_user.is_authenticated and current_user.is_moderator
    if not moderator and not workspace.matrix_public:
        abort(404)
    data = services.matrix(workspace, published_only=not moderator)
    return render_template(
        "modeldesign/matrix.html",
        matrix=data,
        moderator=moderator,
        has_ratings=any(cell.rating for cell in data.cells.values()),
        **LABELS,
    )


@bp.route("/matriisi/<int:alternative_id>/<int:criterion_id>", methods=["GET", "POST"])
@access(Access.MODERATOR)
def cell(alternative_id: int, criterion_id: int) -> Response | tuple[str, int]:
    alternative, criterion = (
        owned_or_404(Alternative, alternative_id),
        owned_or_404(Criterion, criterion_id),
    )
    form = AssessmentForm()
    if form.validate_on_submit():
        try:
            services.assess(
                alternative, criterion, current_user, int(form.score.data), form.reason.data
            )
        except (Refused, ValueError):
            db.session.rollback()
            flash(_("Arvion pitää olla välillä −2…+2."), "error")
        else:
            db.session.commit()
            flash(_("Arvio on tallennettu."), "success")
            return redirect(
                url_for("design.matrix", _anchor=f"cell-{alternative.id}-{criterion.id}"), code=303
            )
    page = services.alternative_page(alternative)
    evidence = {
        key: rows
        for key, rows in page.groups.items()
        if key[0] is not None and key[0].id == criterion.id
    }
    html = render_template(
        "modeldesign/cell.html",
        alternative=alternative,
        criterion=criterion,
        evidence=evidence,
        history=services.assessment_history(alternative, criterion),
        form=form,
        **LABELS,
    )
    return html, form_status(form)


@bp.post("/julkaise")
@access(Access.MODERATOR)
def publish() -> Response:
    page = services.publish_alternatives(
        workspace_or_404(), current_user, request.form.get("show_matrix") == "y"
    )
    db.session.commit()
    flash(_("Vaihtoehdot on julkaistu sivulla %(title)s.", title=page.title), "success")
    return redirect(url_for("materials.page", slug=page.slug), code=303)


# --- from a comment's moderation page -----------------------------------------------------------


def _back_to_comment(comment_id: int) -> Response:
    return redirect(
        url_for("moderation.comment", comment_id=comment_id, _anchor="design"), code=303
    )


@bp.post("/kommentit/<int:comment_id>/teemat")
@access(Access.MODERATOR)
def comment_themes(comment_id: int) -> Response:
    workspace = workspace_or_404()
    comment = comment_or_404(comment_id, Action.MODERATE)
    ids = set(ids_param(request.form.getlist("themes")))
    new_theme = request.form.get("new_theme", "").strip()
    if new_theme:
        added = attempt(lambda: services.add_theme(workspace, new_theme))
        if added.refused is not None or added.result is None:
            flash(added.problem, "error")
            return _back_to_comment(comment.id)
        ids.add(added.result.id)
    services.set_comment_themes(comment, ids, workspace)
    db.session.commit()
    flash(_("Teemat on tallennettu."), "success")
    return _back_to_comment(comment.id)


@bp.post("/kommentit/<int:comment_id>/linkit")
@access(Access.MODERATOR)
def link(comment_id: int) -> Response:
    comment = comment_or_404(comment_id, Action.MODERATE)
    alternative_id = id_param(request.form.get("alternative"))
    alternative = owned_or_404(Alternative, alternative_id) if alternative_id else None
    criterion_id = id_param(request.form.get("criterion"))
    criterion = owned_or_404(Criterion, criterion_id) if criterion_id else None
    stance = enum_param(Stance, request.form.get("stance"))
    if alternative is None or stance is None:
        flash(_("Valitse vaihtoehto ja kanta."), "error")
    else:
        services.link_comment(
            comment, current_user, alternative, criterion, stance, request.form.get("note", "")
        )
        db.session.commit()
        flash(_("Kommentti on liitetty vaihtoehtoon."), "success")
    return _back_to_comment(comment.id)


@bp.post("/linkit/<int:link_id>/poista")
@access(Access.MODERATOR)
def unlink(link_id: int) -> Response:
    item = db.session.get(CommentLink, link_id) or abort(404)
    owned_or_404(Alternative, item.alternative_id)
    comment_id = item.comment_id
    services.unlink(item)
    db.session.commit()
    flash(_("Liitos on poistettu."), "success")
    return _back_to_comment(comment_id)


@bp.post("/teemat/joukko")
@access(Access.MODERATOR)
def bulk_tag() -> Response:
    theme_id = id_param(request.form.get("theme"))
    theme = owned_or_404(Theme, theme_id) if theme_id else None
    ids = ids_param(request.form.getlist("ids"))
    # Bulk tagging is sent from the moderation queue, with its filters: back there.
    target = safe_back(request.form.get("back"), "/moderointi/", url_for("moderation.queue"))
    if theme is None or not ids:
        flash(_("Valitse ensin kommentit ja teema."), "error")
        return redirect(target)
    count = services.tag_comments(ids, theme)
    db.session.commit()
    flash(_("Teema lisättiin %(n)d kommenttiin.", n=count), "success")
    return redirect(target)
