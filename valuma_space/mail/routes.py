from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template

from valuma_space.auth.permissions import Access, access
from valuma_space.mail.transports import LocalOutboxTransport, transport_for

bp = Blueprint("mail", __name__)


@bp.get("/dev/posti")
@access(Access.PUBLIC)
def dev_outbox() -> str:
    """Development only: the mails kept in the local outbox, newest first."""
    transport = transport_for(current_app._get_current_object())  # type: ignore[attr-defined]
    if current_app.config["ENV_NAME"] != "development" or not isinstance(
        transport, LocalOutboxTransport
    ):
        abort(404)
    return render_template("mail/dev_outbox.html", messages=transport.messages())
