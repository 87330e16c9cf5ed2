"""The section page with its discussion, shared by reading it and by re-showing a form."""

from __future__ import annotations

from pathlib import Path

from flask import Response, current_app, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from valuma_space.comments.forms import CommentForm
from valuma_space.comments.rendering import (
    Order,
    RenderingCache,
    ThreadCache,
    ThreadView,
    thread_html,
    threads_html,
)
from valuma_space.materials.models import Section
from valuma_space.materials.services import section_neighbours
from valuma_space.shared import shared_redis
from valuma_space.workspaces.models import Workspace

THREAD_SLOT = Markup("<!--valuma:thread-->")
"""Where the section page's template puts the thread, replaced by it once rendered."""


def thread_cache() -> RenderingCache:
    """The worker's cache of rendered threads (THREAD_CACHE=local), or the one the servers
    share in Redis with the worker's in front (THREAD_CACHE=redis), made on first use."""
    cache = current_app.extensions.get("valuma_thread_cache")
    if cache is None:
        local = ThreadCache(current_app.config["THREAD_CACHE_MB"] * 1024 * 1024)
        made: RenderingCache = local
        if current_app.config["THREAD_CACHE"] == "redis":
            from valuma_space.comments.shared_cache import SharedThreadCache, build_digest

            client = shared_redis()
            assert client is not None  # Config.validate: THREAD_CACHE=redis needs REDIS_URL
            made = SharedThreadCache(
                client,
                current_app.config["REDIS_PREFIX"],
                current_app.config["REDIS_TTL_SECONDS"],
                local,
                build_digest(Path(current_app.template_folder or "templates")),
            )
        cache = current_app.extensions.setdefault("valuma_thread_cache", made)
    return cache  # type: ignore[no-any-return]


def requested_order() -> Order:
    try:
        return Order(request.args.get("order", Order.OLDEST.value))
    except ValueError:
        return Order.OLDEST


def requested_full() -> bool:
    """The whole discussion was asked for (`?kaikki=1`), not only its first threads."""
    return request.args.get("kaikki") == "1"


def section_page(
    workspace: Workspace,
    section: Section,
    form: CommentForm | None = None,
    status: int = 200,
    problem: str | None = None,
) -> Response:
    accepts = workspace.accepts_comments() and section.withdrawn_at is None
    order = requested_order()
    viewer = current_user if current_user.is_authenticated else None
    form = form or CommentForm()
    form.ensure_key()
    # A form shown again (status 400) keeps the whole thread: the writer's context stays put.
    full = requested_full() or request.method == "POST"
    thread = thread_html(
        section, viewer, order, str(get_locale()), accepts, thread_cache(), full=full
    )
    html = render_template(
        "materials/section.html",
        workspace=workspace,
        section=section,
        thread=THREAD_SLOT,
        comment_count=thread.count,
        shown_count=thread.shown,
        thread_count=thread.threads,
        shortened=thread.shortened,
        full_thread=full,
        neighbours=section_neighbours(
            workspace, section, include_hidden=bool(viewer is not None and viewer.is_moderator)
        ),
        order=order,
        orders=list(Order),
        form=form,
        accepts_comments=accepts,
        problem=problem,
        js_texts=discussion_texts(),
    )
    # The thread (a megabyte for a thousand comments) goes into the page as the cache keeps it,
    # encoded, instead of through the template's strings.
    head, found, tail = html.partition(THREAD_SLOT)
    body = b"".join((head.encode(), thread.body, tail.encode())) if found else html.encode()
    return Response(body, status=status, mimetype="text/html")


def page_discussions(workspace: Workspace, sections: list[Section]) -> dict[int, ThreadView]:
    """The first threads of each section's discussion on a page of the materials, by section id,
    in the same (cached) rendering the section page uses."""
    open_now = workspace.accepts_comments()
    viewer = current_user if current_user.is_authenticated else None
    return threads_html(
        sections,
        viewer,
        Order.OLDEST,
        str(get_locale()),
        lambda section: open_now and section.withdrawn_at is None,
        thread_cache(),
    )


def discussion_texts() -> dict[str, str]:
    """What the page's script says, in the reader's language."""
    return {
        "newComments": _("Uusia kommentteja: %(n)s. Näytä ne"),
        "sent": _("Kommenttisi on lähetetty."),
        "saved": _("Muutoksesi on tallennettu."),
        "replyOpened": _("Vastauslomake avattu."),
        "editOpened": _("Muokkauslomake avattu."),
        "cancel": _("Peruuta"),
        "commentOnSelection": _("Kommentoi valittua kohtaa"),
        "quoteAdded": _("Valittu kohta lisättiin lainaukseksi kommenttilomakkeeseen."),
        "showReplies": _("Näytä vastaukset (%(n)s)"),
        "hideReplies": _("Piilota vastaukset"),
        "preview": _("Esikatsele"),
        "previewHeading": _("Esikatselu"),
        "characters": _("%(n)s / %(max)s merkkiä"),
        "tooLong": _("Kommentti on liian pitkä."),
        "draftRestored": _("Keskeneräinen luonnoksesi palautettiin."),
        "markedPassage": _("Kommentoitu kohta: näytä kommentti"),
        "failed": _("Lähettäminen ei onnistunut. Tekstisi on tallessa lomakkeessa."),
    }
