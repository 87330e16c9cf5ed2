from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from valuma_space.access import Access, access
from valuma_space.admin import services
from valuma_space.admin.forms import RoleForm
from valuma_space.auth.models import ROLE_LABELS
from valuma_space.extensions import db
from valuma_space.params import id_param
from valuma_space.refusals import Refused
from valuma_space.workspaces.services import request_workspace

bp = Blueprint("admin", __name__, url_prefix="/hallinta")


@bp.get("/")
@access(Access.MODERATOR)
def overview() -> str:
    workspace = request_workspace()
    if workspace is None:
        abort(404)
    overview = services.workspace_overview(workspace)
    return render_template(
        "admin/overview.html", workspace=workspace, overview=overview, role_labels=ROLE_LABELS
    )


@bp.get("/kayttajat")
@access(Access.ADMIN)
def users() -> str:
    return render_template(
        "admin/users.html", users=services.list_users(), form=RoleForm(), role_labels=ROLE_LABELS
    )


@bp.post("/kayttajat")
@access(Access.ADMIN)
def change_role() -> Response | tuple[str, int]:
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Roolia ei vaihdettu: valitse jokin luettelon rooleista."), "error")
        return redirect(url_for("admin.users"))
    user_id = id_param(form.user_id.data)
    if user_id is None:
        abort(404)
    try:
        user = services.change_role(current_user, user_id, form.chosen_role())
    except (LookupError, ValueError):
        abort(404)
    except Refused as refused:
        flash(str(refused.message), "error")
        return redirect(url_for("admin.users"))
    db.session.commit()
    flash(
        _("%(email)s on nyt %(role)s.", email=user.email, role=ROLE_LABELS[user.role].lower()),
        "success",
    )
    return redirect(url_for("admin.users"))
