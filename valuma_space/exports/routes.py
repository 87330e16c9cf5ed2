from __future__ import annotations

import io
import tempfile

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    send_file,
    stream_with_context,
)
from flask_babel import get_locale
from flask_login import current_user

from valuma_space.access import Access, access
from valuma_space.comments.models import (
    COMMENT_KIND_LABELS,
    TRIAGE_LABELS,
    VISIBILITY_LABELS,
    CommentKind,
    TriageStatus,
    Visibility,
)
from valuma_space.events.models import Event
from valuma_space.exports import attendees as attendee_rows
from valuma_space.exports import services
from valuma_space.exports.formats import CONTENT_TYPES, EXTENSIONS, FORMAT_LABELS
from valuma_space.exports.rows import ExportFilters
from valuma_space.extensions import db
from valuma_space.materials.services import sections_of
from valuma_space.modeldesign.services import alternatives, themes
from valuma_space.params import date_param, enum_param
from valuma_space.workspaces.services import owned_or_404, workspace_or_404

bp = Blueprint("exports", __name__, url_prefix="/moderointi/vienti")


@bp.get("/")
@access(Access.MODERATOR)
def form() -> str:
    workspace = workspace_or_404()
    return render_template(
        "exports/form.html",
        formats=FORMAT_LABELS,
        sections=sections_of(workspace),
        themes=themes(workspace),
        alternatives=alternatives(workspace),
        triage_labels=TRIAGE_LABELS,
        visibility_labels=VISIBILITY_LABELS,
        kind_labels=COMMENT_KIND_LABELS,
    )


@bp.get("/lataa")
@access(Access.MODERATOR)
def download() -> Response:
    workspace = workspace_or_404()
    args = request.args
    fmt = args.get("format", "csv")
    if fmt not in FORMAT_LABELS:
        abort(400)
    filters = ExportFilters(
        section_slug=args.get("section") or None,
        since=date_param(args.get("since")),
        until=date_param(args.get("until")),
        visibility=enum_param(Visibility, args.get("visibility")),
        triage=enum_param(TriageStatus, args.get("triage")),
        kind=enum_param(CommentKind, args.get("kind")),
        theme=args.get("theme") or None,
        alternative=args.get("alternative") or None,
        include_hidden=args.get("include_hidden") == "1",
        # Internal notes leave the tool only when an admin asks for them.
        include_notes=args.get("include_notes") == "1" and current_user.is_admin,
    )
    languages = current_app.config["LANGUAGES"]
    lang = args.get("lang") if args.get("lang") in languages else str(get_locale())
    services.log_export(current_user, fmt, filters)
    db.session.commit()  # logged before the first byte goes, whatever happens to the download
    name = "vastaukset" if fmt == "csv-answers" else "kommentit"
    filename = f"valuma-{name}.{EXTENSIONS[fmt]}"
    headers = {
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store",
    }
    base_url = current_app.config["BASE_URL"]
    if fmt in services.STREAMED:
        body = stream_with_context(services.chunks(workspace.id, fmt, filters, base_url, lang))
        return Response(body, content_type=CONTENT_TYPES[fmt], headers=headers)
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (send_file closes it when sent)
    services.write(workspace, fmt, filters, base_url, spool, lang)
    spool.seek(0)
    return send_file(spool, mimetype=CONTENT_TYPES[fmt], as_attachment=True, download_name=filename)


@bp.get("/tapahtuma/<int:event_id>/osallistujat.<any(csv, xlsx):fmt>")
@access(Access.MODERATOR)
def attendees(event_id: int, fmt: str) -> Response:
    """An event's attendee list (exports/attendees.py); the page is the events' own."""
    event = owned_or_404(Event, event_id)
    cells = attendee_rows.download_rows(event, current_user, fmt)
    db.session.commit()  # the moderation log's entry
    filename = f"osallistujat-{event.id}.{fmt}"
    headers = {
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store",
    }
    if fmt == "csv":
        body = "".join(attendee_rows.csv_chunks(cells))
        return Response(body, content_type=attendee_rows.CONTENT_TYPES[fmt], headers=headers)
    spool = io.BytesIO()
    attendee_rows.write_xlsx(cells, spool)
    return Response(
        spool.getvalue(), content_type=attendee_rows.CONTENT_TYPES[fmt], headers=headers
    )
