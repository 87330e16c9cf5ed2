"""The moderators' page for the study's phases, beside the workspace settings."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from valuma_space.access import Access, access
from valuma_space.admin import phase_services as services
from valuma_space.admin.phase_forms import PhaseForm
from valuma_space.extensions import db
from valuma_space.views import attempt
from valuma_space.workspaces.models import Phase
from valuma_space.workspaces.services import (
    local_today,
    owned_or_404,
    workspace_or_404,
    workspace_phases,
)

bp = Blueprint("phases", __name__, url_prefix="/hallinta/vaiheet")


def _render(form: PhaseForm, problem: str | None, phase: Phase | None = None) -> Response:
    workspace = workspace_or_404()
    status = 400 if (problem or form.errors) else 200
    return Response(
        render_template(
            "workspaces/phases.html",
            form=form,
            problem=problem,
            phase=phase,
            phases=workspace_phases(workspace),
            today=local_today(),
            workspace=workspace,
        ),
        status=status,
    )


@bp.route("", methods=["GET", "POST"])
@access(Access.MODERATOR)
def index() -> Response:
    form = PhaseForm()
    problem = None
    if form.validate_on_submit():
        saved = attempt(lambda: services.add_phase(workspace_or_404(), current_user, form.data))
        problem = saved.problem
        if saved.refused is None:
            db.session.commit()
            flash(_("Vaihe on lisätty aikajanalle."), "success")
            return redirect(url_for("phases.index"))
    return _render(form, problem)


@bp.route("/<int:phase_id>", methods=["GET", "POST"])
@access(Access.MODERATOR)
def edit(phase_id: int) -> Response:
    phase = owned_or_404(Phase, phase_id)
    form = PhaseForm(obj=phase if request.method == "GET" else None)
    problem = None
    if form.validate_on_submit():
        saved = attempt(lambda: services.update_phase(phase, current_user, form.data))
        problem = saved.problem
        if saved.refused is None:
            db.session.commit()
            flash(_("Vaihe on tallennettu."), "success")
            return redirect(url_for("phases.index"))
    return _render(form, problem, phase)


@bp.post("/<int:phase_id>/poista")
@access(Access.MODERATOR)
def delete(phase_id: int) -> Response:
    phase = owned_or_404(Phase, phase_id)
    title = phase.title
    services.delete_phase(phase, current_user)
    db.session.commit()
    flash(_("Vaihe ”%(title)s” on poistettu.", title=title), "success")
    return redirect(url_for("phases.index"))


@bp.post("/<int:phase_id>/siirra")
@access(Access.MODERATOR)
def move(phase_id: int) -> Response:
    phase = owned_or_404(Phase, phase_id)
    step = {"aiemmaksi": -1, "myohemmaksi": 1}.get(request.form.get("suunta", ""))
    if step is None:
        abort(400)
    services.move_phase(phase, current_user, step)
    db.session.commit()
    return redirect(url_for("phases.index") + f"#vaihe-{phase.id}")
