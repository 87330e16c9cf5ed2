from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template

from valuma_space.access import Access, access
from valuma_space.mail.models import MAIL_KIND_LABELS
from valuma_space.mail.outbox import failed_mails
from valuma_space.mail.transports import LocalOutboxTransport, transport_for

bp = Blueprint("mail", __name__)


@bp.get("/dev/posti")
@access(Access.PUBLIC)
def dev_outbox() -> str:
    """Development only: the mails kept in the local outbox, newest first."""
    transport = transport_for(current_app._get_current_object())  # type: ignore[attr-defined]
    # Live sign-in links: only the development configuration and the development server
    # together show them, never an app that gunicorn serves, whatever its configuration.
    if (
        current_app.config["ENV_NAME"] != "development"
        or not current_app.config.get("DEVELOPMENT_SERVER")
        or not isinstance(transport, LocalOutboxTransport)
    ):
        abort(404)
    return render_template("mail/dev_outbox.html", messages=transport.messages())


@bp.get("/hallinta/posti")
@access(Access.ADMIN)
def failed() -> str:
    """Mails that could not be sent, with the reason each gave."""
    messages, total = failed_mails()
    return render_template(
        "mail/failed.html", messages=messages, total=total, kind_labels=MAIL_KIND_LABELS
    )
