from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from valuma_space.access import Access, access
from valuma_space.auth.login import loaded_with_user
from valuma_space.auth.models import DigestFrequency
from valuma_space.extensions import csrf, db, limiter
from valuma_space.notifications import services
from valuma_space.notifications.digests import queue_digests
from valuma_space.notifications.forms import (
    MarkAllReadForm,
    SendDigestsForm,
    SettingsForm,
    UnsubscribeForm,
)
from valuma_space.notifications.mentions import name_suggestions
from valuma_space.notifications.models import SUBSCRIPTION_LABELS
from valuma_space.params import page_param
from valuma_space.views import form_status

bp = Blueprint("notifications", __name__)


@bp.get("/ilmoitukset")
@access(Access.SIGNED_IN)
def index() -> str:
    result = services.notifications_of(current_user, page_param(request.args.get("page")))
    return render_template("notifications/index.html", result=result, form=MarkAllReadForm())


@bp.get("/ilmoitukset/<int:notification_id>")
@access(Access.SIGNED_IN)
def open_one(notification_id: int) -> Response:
    notification = services.open_notification(current_user, notification_id)
    if notification is None:
        abort(404)
    db.session.commit()
    return redirect(url_for("comments.permalink", comment_id=notification.comment_id))


@bp.post("/ilmoitukset/luettu")
@access(Access.SIGNED_IN)
def mark_all_read() -> Response:
    if MarkAllReadForm().validate_on_submit():
        services.mark_all_read(current_user)
        db.session.commit()
        flash(_("Kaikki ilmoitukset on merkitty luetuiksi."), "success")
    return redirect(url_for("notifications.index"))


@bp.route("/profiili/ilmoitukset", methods=["GET", "POST"])
@access(Access.SIGNED_IN)
def settings() -> Response | tuple[str, int]:
    user = current_user
    form = SettingsForm(
        replies=user.mail_replies,
        mentions=user.mail_mentions,
        moderation=user.mail_moderation,
        input_used=user.mail_input_used,
        digest=user.digest.value,
    )
    if form.validate_on_submit():
        services.update_settings(user, form.mail_choices(), DigestFrequency(form.digest.data))
        db.session.commit()
        flash(_("Ilmoitusasetuksesi on tallennettu."), "success")
        return redirect(url_for("notifications.settings"))
    status = form_status(form)
    return render_template("notifications/settings.html", form=form), status


@bp.route("/ilmoitukset/peru/<token>", methods=["GET", "POST"])
@access(Access.PUBLIC)
@csrf.exempt
def unsubscribe(token: str) -> Response | tuple[str, int]:
    """A GET asks first (link scanners open links); a POST, from the page or from a mail
    client's one-click button, unsubscribes at once."""
    found = services.read_unsubscribe_token(token)
    if found is None:
        return render_template("notifications/unsubscribe.html", invalid=True), 404
    user, subscription = found
    form = UnsubscribeForm()
    done = request.method == "POST"
    if done:
        services.unsubscribe(user, subscription)
        db.session.commit()
    response = Response(
        render_template(
            "notifications/unsubscribe.html",
            invalid=False,
            done=done,
            form=form,
            label=SUBSCRIPTION_LABELS[subscription],
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/osallistujat/nimet")
@access(Access.SIGNED_IN)
@limiter.limit("120 per minute")  # enough for typing; too slow to walk through every name
def names() -> Response:
    """Suggestions for an @mention being typed."""
    return jsonify(names=name_suggestions(request.args.get("q", ""), current_user.id))


@bp.post("/moderointi/koosteet")
@access(Access.MODERATOR)
def send_digests_now() -> Response:
    """For trying digests out in development; otherwise the daily job sends them."""
    if not current_app.config["DIGEST_BUTTON"]:
        abort(404)
    if SendDigestsForm().validate_on_submit():
        count = 0
        for _person in queue_digests():
            db.session.commit()
            count += 1
        flash(ngettext("%(num)d kooste lähtee.", "%(num)d koostetta lähtee.", count), "success")
    return redirect(url_for("moderation.queue"))


def unread_for_header() -> int:
    """The signed-in person's unread count: beside "Ilmoitukset" in the header, and on the list."""
    if not current_user.is_authenticated:
        return 0
    known = loaded_with_user("unread_notifications")  # fetched with the user: no extra query
    return known if known is not None else services.unread_count(current_user)
