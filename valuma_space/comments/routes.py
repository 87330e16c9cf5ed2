from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from valuma_space.access import Access, access
from valuma_space.comments import live, policy, services
from valuma_space.comments.forms import CommentForm, ConfirmDeleteForm
from valuma_space.comments.loaders import comment_or_404, refuse_unless
from valuma_space.comments.models import Comment
from valuma_space.comments.pages import section_page
from valuma_space.comments.policy import Action
from valuma_space.comments.rendering import FIRST_THREADS
from valuma_space.extensions import csrf, db, login_manager
from valuma_space.materials.markdown import render_comment_markdown
from valuma_space.materials.services import section_with_page
from valuma_space.views import attempt
from valuma_space.workspaces.services import request_workspace_access, workspace_or_404

bp = Blueprint("comments", __name__)

# Forms that carry a participant's text check their CSRF token themselves, so that an expired
# token gives the text back in the form instead of an error page.
form_level_csrf = csrf.exempt


def _comment_anchor(comment: Comment) -> str:
    """The comment on its section page: in the first threads the page opens with, or in the
    whole discussion (`?kaikki=1`) when it stands further down."""
    position = services.thread_position(comment, current_user)
    full = {"kaikki": 1} if position is not None and position >= FIRST_THREADS else {}
    return url_for("materials.section", slug=comment.section.slug, _anchor=f"c{comment.id}", **full)


def _keep_for_later(form: CommentForm, section, return_to: str, **target: int | None) -> Response:
    """The session ended while the person wrote: keep the text and bring it back after sign-in."""
    draft = services.stash_draft(
        section,
        form.body.data or "",
        form.kind.data or "",
        form.quote.data or "",
        form.idempotency_key.data or "",
        **target,
    )
    db.session.commit()
    flash(
        _("Istuntosi oli päättynyt. Kirjaudu uudelleen: kirjoittamasi teksti on tallessa."), "info"
    )
    separator = "&" if "?" in return_to else "?"
    return redirect(url_for("auth.login", next=f"{return_to}{separator}luonnos={draft.id}"))


@bp.post("/osio/<slug>/kommentoi")
@access(Access.READER)
@form_level_csrf
def create(slug: str) -> Response:
    workspace = workspace_or_404()
    section = section_with_page(workspace, slug, current_user)
    if section is None:
        abort(404)
    form = CommentForm()
    parent_id = form.parent()
    if not current_user.is_authenticated:
        parent = services.get_comment(parent_id, workspace) if parent_id else None
        if parent is not None and parent.section_id == section.id:
            return _keep_for_later(
                form, section, url_for("comments.reply", comment_id=parent.id), parent_id=parent.id
            )
        # A reply to nothing this section holds is kept as a comment on the section.
        return _keep_for_later(form, section, url_for("materials.section", slug=slug))
    parent = None
    if parent_id:
        parent = services.get_comment(parent_id, workspace)
        if parent is None or not policy.may_know(parent, current_user):
            return _show_again(workspace, section, form, None, services.CannotReply())
    if not form.validate_on_submit():
        return _show_again(workspace, section, form, parent)
    if form.asks_first(services.text_warnings(form.body.data, current_user)):
        return _show_again(workspace, section, form, parent, status=200)
    added = attempt(
        lambda: services.add_comment(
            section,
            current_user,
            form.body.data,
            kind=form.chosen_kind(),
            quote=form.quote.data or "",
            parent=parent,
            idempotency_key=form.idempotency_key.data,
        )
    )
    if added.refused is not None or added.result is None:
        return _show_again(workspace, section, form, parent, added.refused)
    comment, _created = added.result
    services.discard_draft(form.draft.data)
    db.session.commit()
    return redirect(_comment_anchor(comment), code=303)


def _show_again(workspace, section, form, parent, refused=None, status=400) -> Response:
    """Back to the form the text came from, with the text and what to fix (or, with status
    200, what to confirm)."""
    status = refused.status if refused is not None else status
    problem = str(refused.message) if refused is not None else None
    if parent is not None:
        html = render_template(
            "comments/reply.html",
            parent=parent,
            form=form,
            problem=problem,
            accepts_comments=workspace.accepts_comments(),
        )
        return Response(html, status=status)
    return section_page(workspace, section, form=form, status=status, problem=problem)


@bp.get("/osio/<slug>/tila")
@access(Access.READER)
def status(slug: str) -> Response:
    """For the "new comments" notice: answers 304 while the discussion has not changed. With
    Redis (comments/live.py) a poll of an unchanged discussion asks the database nothing but
    who the signed-in viewer is; without it, the section (and on a change its count)."""
    workspace = request_workspace_access()
    if workspace is None:
        abort(404)
    found = live.discussion_status(workspace.id, slug, current_user)
    if found is None:
        abort(404)
    if request.if_none_match.contains(found.etag):
        response = Response(status=304)
    else:
        found = live.with_count(found)
        response = jsonify(version=found.version, count=found.count)
    response.set_etag(found.etag)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.post("/esikatselu")
@access(Access.SIGNED_IN)
def preview() -> Response:
    """The Markdown a participant is writing, rendered and sanitised as it will be saved."""
    body = (request.form.get("body") or "")[: services.MAX_BODY_LENGTH]
    return Response(render_comment_markdown(body), mimetype="text/html")


@bp.get("/kommentit/<int:comment_id>")
@access(Access.READER)
def permalink(comment_id: int) -> Response:
    return redirect(_comment_anchor(comment_or_404(comment_id)))


@bp.get("/kommentit/<int:comment_id>/vastaa")
@access(Access.SIGNED_IN)
def reply(comment_id: int) -> str:
    parent = comment_or_404(comment_id, Action.REPLY)
    form = CommentForm()
    draft = services.find_draft(request.args.get("luonnos"), parent.section)
    if draft is not None and draft.parent_id == parent.id:
        _fill_from_draft(form, draft)
    form.parent_id.data = str(parent.id)
    form.ensure_key()
    workspace = workspace_or_404()
    return render_template(
        "comments/reply.html",
        parent=parent,
        form=form,
        problem=None,
        accepts_comments=workspace.accepts_comments(),
    )


def _fill_from_draft(form: CommentForm, draft) -> None:
    form.body.data = draft.body_markdown
    form.quote.data = draft.quote
    form.kind.data = draft.kind
    form.idempotency_key.data = draft.idempotency_key
    form.draft.data = draft.id


@bp.route("/kommentit/<int:comment_id>/muokkaa", methods=["GET", "POST"])
@access(Access.READER)
@form_level_csrf
def edit(comment_id: int) -> Response | str:
    comment = comment_or_404(comment_id)
    form = CommentForm(obj=None if request.method == "POST" else _EditSource(comment))
    if not current_user.is_authenticated:
        if request.method == "POST":
            return _keep_for_later(
                form,
                comment.section,
                url_for("comments.edit", comment_id=comment.id),
                comment_id=comment.id,
            )
        return login_manager.unauthorized()
    if request.method == "GET":
        refuse_unless(comment, Action.EDIT)  # a refused POST comes back with its text instead
    accepts = workspace_or_404().accepts_comments()
    problem = None
    status = 200
    if request.method == "GET":
        draft = services.find_draft(request.args.get("luonnos"), comment.section)
        if draft is not None and draft.comment_id == comment.id:
            _fill_from_draft(form, draft)
    elif not form.validate_on_submit():
        status = 400
    elif not form.asks_first(
        services.text_warnings(form.body.data, current_user, comment.body_markdown)
    ):
        edited = attempt(
            lambda: services.edit_comment(
                comment, current_user, form.body.data, form.chosen_kind(), form.quote.data or ""
            )
        )
        if edited.refused is not None:
            problem, status = edited.problem, edited.status
        else:
            services.discard_draft(form.draft.data)
            db.session.commit()
            flash(_("Muutoksesi on tallennettu."), "success")
            return redirect(_comment_anchor(comment), code=303)
    html = render_template(
        "comments/edit.html", comment=comment, form=form, problem=problem, accepts_comments=accepts
    )
    return Response(html, status=status)


class _EditSource:
    """What the edit form starts from."""

    def __init__(self, comment: Comment) -> None:
        self.body = comment.body_markdown
        self.quote = comment.quote
        self.kind = comment.kind.value


@bp.route("/kommentit/<int:comment_id>/poista", methods=["GET", "POST"])
@access(Access.SIGNED_IN)
def delete(comment_id: int) -> Response | str:
    comment = comment_or_404(comment_id, Action.DELETE)
    form = ConfirmDeleteForm()
    if form.validate_on_submit():
        services.delete_comment(comment, current_user)
        db.session.commit()
        flash(_("Kommenttisi on poistettu."), "success")
        return redirect(_comment_anchor(comment), code=303)
    return render_template("comments/delete.html", comment=comment, form=form)


@bp.post("/kommentit/<int:comment_id>/samaa-mielta")
@access(Access.SIGNED_IN)
def agree(comment_id: int) -> Response:
    comment = comment_or_404(comment_id)
    agreed = attempt(
        lambda: services.set_agreement(
            comment, current_user, agree=request.form.get("agree") != "0"
        )
    )
    if agreed.refused is not None:
        flash(agreed.problem, "error")
        return redirect(_comment_anchor(comment), code=303)
    db.session.commit()
    return redirect(_comment_anchor(comment), code=303)


@bp.get("/kommentit/<int:comment_id>/versiot")
@access(Access.MODERATOR)
def revisions(comment_id: int) -> str:
    comment = comment_or_404(comment_id, Action.MODERATE)
    return render_template("comments/revisions.html", comment=comment)
