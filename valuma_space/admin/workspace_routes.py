from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from valuma_space.access import Access, access
from valuma_space.admin import workspace_services as services
from valuma_space.admin.workspace_forms import InvitationForm, SettingsForm
from valuma_space.choices import ORGANISATION_TYPE_LABELS, REGION_LABELS
from valuma_space.extensions import db
from valuma_space.views import attempt, form_status
from valuma_space.workspaces.services import workspace_or_404

bp = Blueprint("workspace_admin", __name__, url_prefix="/hallinta")


@bp.route("/asetukset", methods=["GET", "POST"])
@access(Access.MODERATOR)
def settings() -> Response | str:
    workspace = workspace_or_404()
    form = SettingsForm()
    problem = None
    if form.validate_on_submit():
        saved = attempt(lambda: services.update_settings(workspace, current_user, form.data))
        problem = saved.problem
        if saved.refused is None:
            db.session.commit()
            flash(_("Asetukset on tallennettu."), "success")
            return redirect(url_for("workspace_admin.settings"))
    elif not form.is_submitted():
        form.process(
            data={
                "title": workspace.title,
                "summary": workspace.summary,
                "comments_open_at": services.utc_to_local(workspace.comments_open_at),
                "comments_close_at": services.utc_to_local(workspace.comments_close_at),
                "closed_by_hand": workspace.closed_by_hand,
                "reading_access": workspace.reading_access.value,
                "pre_moderation": workspace.pre_moderation,
                "allowed_email_domains": workspace.allowed_email_domains,
                "invited_only": workspace.invited_only,
            }
        )
    status = 400 if (problem or form.errors) else 200
    return Response(
        render_template(
            "workspaces/settings.html", form=form, problem=problem, workspace=workspace
        ),
        status=status,
    )


@bp.route("/kutsut", methods=["GET", "POST"])
@access(Access.MODERATOR)
def invitations() -> Response | str:
    workspace = workspace_or_404()
    form = InvitationForm()
    result = None
    if form.validate_on_submit():
        try:
            result = services.invite(
                workspace, current_user, form.addresses.data, str(get_locale())
            )
        except services.InvitationLinesRefused as refused:
            form.addresses.errors = [str(refused.message)]  # every line's problem at once
    if result is not None:
        db.session.commit()
        flash(_("Kutsuja lähetetään: %(n)d.", n=len(result.invited)), "success")
        if result.already:
            flash(_("Jo kutsuttuja: %(list)s", list=", ".join(result.already)), "info")
        if result.invalid:
            flash(
                _(
                    "Näitä osoitteita ei voitu lukea, tarkista ne: %(list)s",
                    list=", ".join(result.invalid),
                ),
                "error",
            )
        return redirect(url_for("workspace_admin.invitations"))
    rows = services.invitation_rows(workspace)
    status = form_status(form)
    return Response(
        render_template(
            "workspaces/invitations.html",
            form=form,
            rows=rows,
            workspace=workspace,
            organisation_type_labels=ORGANISATION_TYPE_LABELS,
            region_labels=REGION_LABELS,
        ),
        status=status,
    )


@bp.post("/kutsut/muistuta")
@access(Access.MODERATOR)
def remind() -> Response:
    count = services.remind(workspace_or_404(), str(get_locale()))
    db.session.commit()
    flash(_("Muistutuksia lähetetään: %(n)d.", n=count), "success")
    return redirect(url_for("workspace_admin.invitations"))
