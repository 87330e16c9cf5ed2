from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from valuma_space.access import Access, access
from valuma_space.auth.choices import (
    ORGANISATION_TYPE_LABELS,
    REGION_LABELS,
    OrganisationType,
    Region,
)
from valuma_space.comments.loaders import comment_or_404
from valuma_space.comments.models import (
    COMMENT_KIND_LABELS,
    TRIAGE_LABELS,
    VISIBILITY_LABELS,
    Comment,
    CommentKind,
    TriageStatus,
    Visibility,
)
from valuma_space.comments.policy import Action
from valuma_space.db import utcnow
from valuma_space.extensions import db
from valuma_space.i18n import local_zone
from valuma_space.materials.services import sections_of
from valuma_space.modeldesign import services as design
from valuma_space.modeldesign.models import STANCE_LABELS
from valuma_space.moderation import paging, services
from valuma_space.moderation import participation as participation_figures
from valuma_space.moderation.figures import figures
from valuma_space.moderation.forms import (
    BulkForm,
    ModerationActionForm,
    PreModerationForm,
    ReportForm,
)
from valuma_space.moderation.models import LOG_ACTION_LABELS, LogAction
from valuma_space.moderation.paging import QueueKey
from valuma_space.moderation.presenting import actor_name, change_text
from valuma_space.params import date_param, enum_param, id_param, ids_param, page_param
from valuma_space.refusals import Refused
from valuma_space.urls import safe_back
from valuma_space.views import attempt
from valuma_space.workspaces.services import workspace_or_404

bp = Blueprint("moderation", __name__)


def _filters() -> services.QueueFilters:
    args = request.args
    return services.QueueFilters(
        section_id=id_param(args.get("section")),
        triage=enum_param(TriageStatus, args.get("triage")),
        visibility=enum_param(Visibility, args.get("visibility")),
        kind=enum_param(CommentKind, args.get("kind")),
        organisation_type=enum_param(OrganisationType, args.get("organisation_type")),
        region=enum_param(Region, args.get("region")),
        since=date_param(args.get("since")),
        until=date_param(args.get("until")),
        text=args.get("q", "")[:200],
        reported_only=args.get("reported") == "1",
    )


def _labels() -> dict[str, object]:
    return {
        "triage_labels": TRIAGE_LABELS,
        "visibility_labels": VISIBILITY_LABELS,
        "kind_labels": COMMENT_KIND_LABELS,
        "organisation_type_labels": ORGANISATION_TYPE_LABELS,
        "region_labels": REGION_LABELS,
    }


PLACE_ARGS = ("after", "before", "page")
"""Where a queue page begins; `page` is gone (the queue is paged by cursor), and a bookmark
that still carries one opens the first page."""


def _place() -> tuple[QueueKey | None, QueueKey | None]:
    """The row the page follows, or the one it precedes; neither (the first page) for a
    cursor that does not verify, or for both at once."""
    secret = current_app.secret_key or ""
    after = paging.decode(request.args.get("after"), secret)
    before = paging.decode(request.args.get("before"), secret)
    return (None, None) if after and before else (after, before)


def _page_links(result: services.QueuePage) -> dict[str, str]:
    """The first, previous and next pages, with the page's filters."""
    args = {name: value for name, value in request.args.items() if name not in PLACE_ARGS}
    secret = current_app.secret_key or ""
    links = {}
    if result.previous_key is not None:
        links["first"] = url_for("moderation.queue", **args)
        before = paging.encode(result.previous_key, secret)
        links["previous"] = url_for("moderation.queue", **args, before=before)
    if result.next_key is not None:
        after = paging.encode(result.next_key, secret)
        links["next"] = url_for("moderation.queue", **args, after=after)
    return links


@bp.get("/moderointi/")
@access(Access.MODERATOR)
def queue() -> str:
    workspace = workspace_or_404()
    filters = _filters()
    result = services.queue(workspace, filters, *_place())
    sections = sections_of(workspace)
    settings = PreModerationForm(pre_moderation=workspace.pre_moderation)
    ids = [row.comment.id for row in result.rows]
    return render_template(
        "moderation/queue.html",
        workspace=workspace,
        result=result,
        row_themes=design.themes_of(ids),
        edited_after_link=design.linked_after_edit(ids),
        themes=design.themes(workspace),
        filters=filters,
        paging=_page_links(result),
        sections=sections,
        bulk=BulkForm(),
        settings=settings,
        **_labels(),
    )


def back_to_queue() -> str:
    """The moderation page, with its filters, that a bulk action was sent from."""
    return safe_back(request.form.get("back"), "/moderointi/", url_for("moderation.queue"))


@bp.post("/moderointi/joukko")
@access(Access.MODERATOR)
def bulk() -> Response:
    form = BulkForm()
    ids = ids_param(request.form.getlist("ids"))
    status = enum_param(TriageStatus, form.triage.data)
    target = back_to_queue()
    if not ids or status is None:
        flash(_("Valitse ensin kommentit ja tila."), "error")
        return redirect(target)
    changed = services.set_triage(
        services.comments_by_ids(workspace_or_404(), ids), current_user, status
    )
    db.session.commit()
    flash(
        _(
            "%(count)d kommenttia merkittiin tilaan: %(status)s.",
            count=changed,
            status=TRIAGE_LABELS[status],
        ),
        "success",
    )
    return redirect(target)


@bp.post("/moderointi/asetukset")
@access(Access.MODERATOR)
def settings() -> Response:
    form = PreModerationForm()
    if form.validate_on_submit():
        services.set_pre_moderation(
            workspace_or_404(), current_user, bool(form.pre_moderation.data)
        )
        db.session.commit()
        flash(_("Asetus on tallennettu."), "success")
    return redirect(url_for("moderation.queue"))


def _comment(comment_id: int) -> Comment:
    return comment_or_404(comment_id, Action.MODERATE)


@bp.get("/moderointi/kommentit/<int:comment_id>")
@access(Access.MODERATOR)
def comment(comment_id: int) -> str:
    item = _comment(comment_id)
    services.mark_read(item, current_user)
    db.session.commit()
    return _case_page(item, ModerationActionForm(triage=item.triage_status.value))


def _case_page(
    item: Comment, form: ModerationActionForm, problem: str | None = None, status: int = 200
) -> Response:
    workspace = workspace_or_404()
    design_data = {
        "themes": design.themes(workspace),
        "chosen": {t.id for t in design.themes_of([item.id]).get(item.id, [])},
        "links": design.links_of(item),
        "alternatives": design.alternatives(workspace),
        "criteria": design.criteria(workspace),
    }
    html = render_template(
        "moderation/comment.html",
        case=services.comment_case(item),
        form=form,
        problem=problem,
        action_labels=LOG_ACTION_LABELS,
        change_text=change_text,
        actor_name=actor_name,
        design=design_data,
        stance_labels=STANCE_LABELS,
        **_labels(),
    )
    return Response(html, status=status)


ACTIONS = {
    "triage": lambda item, form: services.set_triage(
        [item], current_user, TriageStatus(form.triage.data)
    ),
    "approve": lambda item, form: services.approve(item, current_user),
    "reject": lambda item, form: services.reject(item, current_user, form.reason.data or ""),
    "hide": lambda item, form: services.hide(item, current_user, form.reason.data or ""),
    "restore": lambda item, form: services.restore(item, current_user),
    "dismiss": lambda item, form: services.dismiss_reports(item, current_user),
    "note": lambda item, form: services.add_note(item, current_user, form.note.data or ""),
}


@bp.post("/moderointi/kommentit/<int:comment_id>")
@access(Access.MODERATOR)
def act(comment_id: int) -> Response:
    item = _comment(comment_id)
    form = ModerationActionForm()
    action = ACTIONS.get(request.form.get("action", ""))
    if action is None or not form.validate_on_submit():
        return _case_page(
            item, form, _("Toimintoa ei tunnistettu tai lomake vanheni. Yritä uudelleen."), 400
        )
    try:
        action(item, form)
    except (Refused, ValueError) as refused:
        db.session.rollback()
        message = str(getattr(refused, "message", _("Virheellinen valinta.")))
        return _case_page(_comment(comment_id), form, message, getattr(refused, "status", 400))
    db.session.commit()
    flash(_("Tallennettu."), "success")
    return redirect(url_for("moderation.comment", comment_id=comment_id), code=303)


@bp.route("/kommentit/<int:comment_id>/ilmoita", methods=["GET", "POST"])
@access(Access.SIGNED_IN)
def report(comment_id: int) -> Response | str:
    # A refused send comes back with its reason; opening the page is refused at once.
    item = comment_or_404(comment_id, Action.REPORT if request.method == "GET" else None)
    form = ReportForm()
    problem = None
    if form.validate_on_submit():
        reported = attempt(lambda: services.report(item, current_user, form.reason.data or ""))
        problem = reported.problem
        if reported.refused is None:
            db.session.commit()
            flash(_("Kiitos ilmoituksesta. Moderaattori käsittelee sen."), "success")
            return redirect(url_for("comments.permalink", comment_id=item.id), code=303)
    status = 400 if (problem or form.errors) else 200
    return Response(
        render_template("moderation/report.html", comment=item, form=form, problem=problem),
        status=status,
    )


@bp.get("/moderointi/loki")
@access(Access.ADMIN)
def moderation_log() -> str:
    action = enum_param(LogAction, request.args.get("action"))
    actor = request.args.get("actor", "")[:254]
    entries, total = services.log_entries(action, actor, page_param(request.args.get("page")))
    return render_template(
        "moderation/log.html",
        entries=entries,
        total=total,
        action=action,
        actor=actor,
        action_labels=LOG_ACTION_LABELS,
        change_text=change_text,
        actor_name=actor_name,
        **_labels(),
    )


@bp.get("/moderointi/osallistuminen")
@access(Access.MODERATOR)
def participation() -> str:
    data = participation_figures.participation(workspace_or_404())
    return render_template(
        "moderation/participation.html", data=data, figures=figures(data).values()
    )


@bp.get("/moderointi/osallistuminen/<name>.svg")
@access(Access.MODERATOR)
def participation_chart(name: str) -> Response:
    """One chart as a standalone SVG file, for slides."""
    figure = figures(participation_figures.participation(workspace_or_404())).get(name)
    if figure is None:
        abort(404)
    response = Response(figure.draw(True), mimetype="image/svg+xml")
    filename = f"valuma-{figure.name}-{utcnow().astimezone(local_zone()):%Y-%m-%d}.svg"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    # The file carries its own <style>; opened on its own it must not be sandboxed from it.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response
