"""The moderators' editor for pages and sections, their attachments and their history."""

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
from sqlalchemy import select

from valuma_space.access import Access, access
from valuma_space.extensions import db
from valuma_space.materials import authoring, uploads
from valuma_space.materials.diff import word_diff
from valuma_space.materials.extras import question_line
from valuma_space.materials.forms import NewSectionForm, PageForm, SectionEditForm, UploadForm
from valuma_space.materials.models import Attachment, ImageVariant, Page, Section
from valuma_space.materials.plaintext import plain_text
from valuma_space.materials.services import section_with_page, workspace_contents
from valuma_space.refusals import Refused
from valuma_space.storage import upload_storage
from valuma_space.workspaces.services import owned_or_404, workspace_or_404

bp = Blueprint("authoring", __name__)

IMAGE_MAX_AGE = 365 * 24 * 3600
"""A picture's address names its stored file, which never changes: browsers keep it a year."""


@bp.get("/hallinta/aineisto")
@access(Access.MODERATOR)
def index() -> str:
    pages = workspace_contents(workspace_or_404(), include_hidden=True, include_withdrawn=True)
    return render_template(
        "authoring/index.html", pages=pages, page_form=PageForm(), section_form=NewSectionForm()
    )


@bp.post("/hallinta/aineisto/sivut")
@access(Access.MODERATOR)
def create_page() -> Response:
    form = PageForm()
    if not form.validate_on_submit():
        flash(_("Anna sivulle otsikko."), "error")
        return redirect(url_for("authoring.index"))
    page = authoring.create_page(workspace_or_404(), form.title.data, form.intro.data or "")
    db.session.commit()
    flash(_("Sivu luotiin piilotettuna. Lisää osiot ja julkaise se, kun se on valmis."), "success")
    return redirect(url_for("authoring.index", _anchor=f"page-{page.id}"))


@bp.route("/hallinta/aineisto/sivut/<int:page_id>", methods=["GET", "POST"])
@access(Access.MODERATOR)
def edit_page(page_id: int) -> Response | str:
    page = owned_or_404(Page, page_id)
    form = PageForm(obj=page)
    if form.validate_on_submit():
        authoring.update_page(page, form.title.data, form.intro.data or "")
        db.session.commit()
        flash(_("Sivu on tallennettu."), "success")
        return redirect(url_for("authoring.index", _anchor=f"page-{page.id}"))
    return render_template("authoring/page.html", page=page, form=form)


@bp.post("/hallinta/aineisto/<kind>/<int:item_id>/tila")
@access(Access.MODERATOR)
def change(kind: str, item_id: int) -> Response:
    """Move up or down, publish or hide: one route for pages ("sivut") and sections ("osiot")."""
    model = {"sivut": Page, "osiot": Section}.get(kind) or abort(404)
    item = owned_or_404(model, item_id)
    action = request.form.get("action")
    if action in {"up", "down"}:
        authoring.move(item, -1 if action == "up" else 1)
    elif action in {"publish", "hide"}:
        authoring.set_published(item, action == "publish")
    else:
        abort(400)
    db.session.commit()
    anchor = f"page-{item.id}" if model is Page else f"section-{item.id}"
    return redirect(url_for("authoring.index", _anchor=anchor), code=303)


@bp.post("/hallinta/aineisto/sivut/<int:page_id>/osiot")
@access(Access.MODERATOR)
def create_section(page_id: int) -> Response:
    page = owned_or_404(Page, page_id)
    form = NewSectionForm()
    if not form.validate_on_submit():
        flash(_("Anna osiolle otsikko."), "error")
        return redirect(url_for("authoring.index", _anchor=f"page-{page.id}"))
    section = authoring.create_section(page, form.heading.data, "", current_user)
    db.session.commit()
    return redirect(url_for("authoring.edit_section", section_id=section.id))


@bp.route("/hallinta/aineisto/osiot/<int:section_id>", methods=["GET", "POST"])
@access(Access.MODERATOR)
def edit_section(section_id: int) -> Response:
    section = owned_or_404(Section, section_id)
    form = SectionEditForm()
    if request.method != "POST":
        form.heading.data = section.draft_heading or section.heading
        form.body.data = (
            section.draft_markdown if section.draft_markdown is not None else section.body_markdown
        )
        form.base_revision.data = section.edit_revision
        return _editor(section, form)
    action = request.form.get("action", "preview")
    if not form.validate_on_submit():
        return _editor(section, form, status=400)
    heading, body, base = form.heading.data, form.body.data or "", form.base_revision.data or 0
    if action.startswith("insert:"):
        return _insert_picture(section, form, action.removeprefix("insert:"))
    if action.startswith("place:") and action.removeprefix("place:").isdigit():
        return _place_question(section, form, int(action.removeprefix("place:")))
    try:
        if action == "publish":
            authoring.publish(section, current_user, heading, body, base)
            message = _("Osio on julkaistu. Edellinen versio säilyy historiassa.")
        elif action == "draft":
            authoring.save_draft(section, current_user, heading, body, base)
            message = _("Luonnos on tallennettu. Lukijat näkevät yhä julkaistun tekstin.")
        elif action == "discard":
            authoring.discard_draft(section)
            message = _("Luonnos hylättiin.")
        else:
            return _editor(section, form, preview=authoring.render_section_text(section, body))
    except authoring.EditConflict as conflict:
        db.session.rollback()
        return _editor(section, form, conflict=conflict, status=409)
    except Refused as refused:
        db.session.rollback()
        flash(str(refused.message), "error")
        return _editor(section, form, status=400)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("authoring.edit_section", section_id=section.id), code=303)


def _insert_picture(section: Section, form: SectionEditForm, attachment_id: str) -> Response:
    """Add one of the section's pictures, with the alt text and caption typed beside it, to the
    end of the text in the form; nothing is saved until the moderator saves or publishes."""
    attachment = next((a for a in section.attachments if str(a.id) == attachment_id), None)
    if attachment is None:
        abort(404)
    alt = request.form.get(f"alt-{attachment.id}", "")
    caption = request.form.get(f"caption-{attachment.id}", "")
    try:
        snippet = authoring.picture_snippet(attachment, alt, caption)
    except Refused as refused:
        flash(str(refused.message), "error")
        return _editor(section, form, status=400, picture_error=attachment.id)
    form.body.data = f"{(form.body.data or '').rstrip()}\n\n{snippet}\n".lstrip()
    flash(
        _("Kuva lisättiin tekstin loppuun. Tallenna luonnos tai julkaise, niin se säilyy."),
        "success",
    )
    try:
        preview = authoring.render_section_text(section, form.body.data)
    except Refused as refused:
        flash(str(refused.message), "error")
        preview = None
    return _editor(section, form, preview=preview, picture_values={})


def _place_question(section: Section, form: SectionEditForm, question_id: int) -> Response:
    """Put a question's line at the end of the text in the form, for the moderator to move
    where it belongs; nothing is saved until they save or publish."""
    line = question_line(question_id)
    text = (form.body.data or "").replace(line, "").rstrip()
    form.body.data = f"{text}\n\n{line}\n".lstrip()
    flash(
        _(
            "Kysymyksen rivi lisättiin tekstin loppuun. Siirrä se kohtaan, jossa kysymys "
            "näytetään, ja tallenna luonnos tai julkaise."
        ),
        "success",
    )
    return _editor(section, form, preview=authoring.render_section_text(section, form.body.data))


def _editor(
    section: Section,
    form: SectionEditForm,
    preview: str | None = None,
    conflict=None,
    status: int = 200,
    picture_error: int | None = None,
    picture_values=None,
) -> Response:
    html = render_template(
        "authoring/section.html",
        section=section,
        form=form,
        preview=preview,
        conflict=conflict,
        upload_form=UploadForm(),
        max_upload_mb=current_app.config["MAX_UPLOAD_MB"],
        picture_error=picture_error,
        picture_values=request.form if picture_values is None else picture_values,
    )
    return Response(html, status=status)


@bp.post("/hallinta/aineisto/osiot/<int:section_id>/liitteet")
@access(Access.MODERATOR)
def upload(section_id: int) -> Response:
    section = owned_or_404(Section, section_id)
    form = UploadForm()
    if not form.validate_on_submit():
        flash(_("Valitse ladattava tiedosto."), "error")
        return redirect(
            url_for("authoring.edit_section", section_id=section.id, _anchor="attachments"),
            code=303,
        )
    file = form.file.data
    try:
        uploads.save_attachment(
            section,
            upload_storage(),
            file.stream,
            file.filename or "",
            current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024,
        )
    except Refused as refused:
        db.session.rollback()
        flash(str(refused.message), "error")
        return redirect(
            url_for("authoring.edit_section", section_id=section.id, _anchor="attachments"),
            code=303,
        )
    db.session.commit()
    flash(_("Liite on lisätty."), "success")
    return redirect(
        url_for("authoring.edit_section", section_id=section.id, _anchor="attachments"), code=303
    )


@bp.post("/hallinta/aineisto/liitteet/<int:attachment_id>/poista")
@access(Access.MODERATOR)
def delete_attachment(attachment_id: int) -> Response:
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.section.workspace_id != workspace_or_404().id:
        abort(404)
    section_id = attachment.section_id
    try:
        authoring.check_picture_unused(attachment)
    except Refused as refused:
        flash(str(refused.message), "error")
        return redirect(
            url_for("authoring.edit_section", section_id=section_id, _anchor="attachments"),
            code=303,
        )
    uploads.delete_attachment(attachment, upload_storage())
    db.session.commit()
    flash(_("Liite on poistettu."), "success")
    return redirect(
        url_for("authoring.edit_section", section_id=section_id, _anchor="attachments"), code=303
    )


@bp.get("/liitteet/<int:attachment_id>/<path:filename>")
@access(Access.READER)
def attachment(attachment_id: int, filename: str) -> Response:
    item = db.session.get(Attachment, attachment_id)
    if (
        item is None
        or section_with_page(workspace_or_404(), item.section.slug, current_user) is None
    ):
        abort(404)
    # Always a download, under our clean name and the type we detected: never rendered inline.
    response = upload_storage().response(
        item.stored_name,
        mimetype=item.content_type,
        as_attachment=True,
        download_name=item.filename,
        max_age=0,
    )
    # Opened by mistake in the browser (an SVG, say), a download runs nothing and loads nothing.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.get("/kuvat/<name>")
@access(Access.READER)
def image(name: str) -> Response:
    """A picture in one of its widths, for the text's <img srcset>: shown inline, cached long."""
    variant = db.session.scalars(
        select(ImageVariant).where(ImageVariant.stored_name == name)
    ).first()
    if (
        variant is None
        or section_with_page(workspace_or_404(), variant.attachment.section.slug, current_user)
        is None
    ):
        abort(404)
    response = upload_storage().response(
        variant.stored_name,
        mimetype=variant.attachment.content_type,
        max_age=IMAGE_MAX_AGE,
    )
    # Private: a workspace's readers may change, so shared caches keep no copy.
    response.cache_control.public = False
    response.cache_control.private = True
    response.cache_control.immutable = True
    return response


@bp.get("/osio/<slug>/historia")
@access(Access.READER)
def history(slug: str) -> str:
    section = section_with_page(workspace_or_404(), slug, current_user) or abort(404)
    return render_template(
        "authoring/history.html", section=section, versions=list(reversed(section.versions))
    )


@bp.get("/osio/<slug>/historia/<int:old>/<int:new>")
@access(Access.READER)
def difference(slug: str, old: int, new: int) -> str:
    section = section_with_page(workspace_or_404(), slug, current_user) or abort(404)
    pair = authoring.version_pair(section, old, new)
    if pair is None:
        abort(404)
    before, after = pair
    return render_template(
        "authoring/difference.html",
        section=section,
        before=before,
        after=after,
        heading_pieces=word_diff(before.heading, after.heading),
        # Readers compare what they read, not the Markdown behind it.
        pieces=word_diff(plain_text(before.body_markdown), plain_text(after.body_markdown)),
    )
