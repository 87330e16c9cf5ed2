"""Running an export: one entry point for the moderators' page and the command line."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import IO, Any

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from valuma_space.auth.models import User
from valuma_space.comments.models import COMMENT_KIND_LABELS, TRIAGE_LABELS, VISIBILITY_LABELS
from valuma_space.db import utcnow
from valuma_space.exports import formats
from valuma_space.exports.formats import FORMAT_LABELS
from valuma_space.exports.rows import (
    ExportFilters,
    SectionBlock,
    iso,
    model_design,
    section_blocks,
)
from valuma_space.extensions import db
from valuma_space.moderation.models import LogAction, ModerationLogEntry
from valuma_space.moderation.presenting import register_log_values
from valuma_space.moderation.services import log
from valuma_space.workspaces.models import Workspace

logger = logging.getLogger(__name__)

STREAMED = {"csv", "csv-answers", "json", "report-html", "report-md"}
REPORTS = {"report-html", "report-md", "report-docx"}


COMMAND_LINE = "komentorivi"


register_log_values(LogAction.EXPORT, FORMAT_LABELS)

FILTER_LABELS = {
    "section_slug": _l("osio"),
    "since": _l("alkaen"),
    "until": _l("asti"),
    "visibility": _l("näkyvyys"),
    "triage": _l("käsittelytila"),
    "kind": _l("tyyppi"),
    "theme": _l("teema"),
    "alternative": _l("vaihtoehto"),
    "include_hidden": _l("myös piilotetut ja poistetut"),
    "include_notes": _l("myös sisäiset muistiinpanot"),
}
VALUE_LABELS: dict[str, dict[Any, Any]] = {
    "visibility": VISIBILITY_LABELS,
    "triage": TRIAGE_LABELS,
    "kind": COMMENT_KIND_LABELS,
}


def describe_filters(filters: ExportFilters) -> str:
    """The filters in words, for the log ("osio: paatavoitteet; myös piilotetut ja
    poistetut"), in the language of the one who exports."""
    described = []
    for key, value in vars(filters).items():
        if value in (None, False, ""):
            continue
        if value is True:
            described.append(str(FILTER_LABELS[key]))
            continue
        shown = VALUE_LABELS.get(key, {}).get(value, value)
        described.append(f"{FILTER_LABELS[key]}: {shown}")
    return "; ".join(described)


def log_export(actor: User | None, fmt: str, filters: ExportFilters) -> None:
    """Every export is in the moderation log: who took what out, and with which filters."""
    described = describe_filters(filters)
    if actor is not None:
        log(actor, LogAction.EXPORT, "", fmt, described)
    else:
        db.session.add(
            ModerationLogEntry(
                actor_email=COMMAND_LINE, action=LogAction.EXPORT, to_value=fmt, reason=described
            )
        )
    db.session.flush()


INCOMPLETE = (
    "\n\n!!! VIENTI KESKEYTYI: TIEDOSTO ON VAJAA / EXPORTEN AVBRÖTS: FILEN ÄR OFULLSTÄNDIG"
    " / EXPORT FAILED: THIS FILE IS INCOMPLETE !!!\n"
)
"""Ends a streamed export that failed part-way, after its status line had gone: it makes the
file invalid for a JSON reader and plain to see in CSV, Markdown and HTML, and the connection is
then broken off, so that no reader takes a short file for the whole."""


def chunks(
    workspace_id: int, fmt: str, filters: ExportFilters, base_url: str, lang: str = "fi"
) -> Iterator[str]:
    """The text formats, piece by piece, their labels in `lang`. Takes the workspace's id, not
    the object: a streamed response runs this after the view has returned, in a database
    session of its own."""
    if fmt not in STREAMED:
        raise ValueError(fmt)
    try:
        with force_locale(lang):
            yield from _chunks(workspace_id, fmt, filters, base_url)
    except Exception:
        logger.exception("export %s failed part-way", fmt)
        yield INCOMPLETE
        raise


def _blocks(
    workspace: Workspace, fmt: str, filters: ExportFilters, base_url: str
) -> Iterator[SectionBlock]:
    """What the format writes: CSV has a file for the comments and one for the answers; the
    other formats carry both, and the reports each question's results as well."""
    return section_blocks(
        workspace,
        filters,
        base_url,
        comments=fmt != "csv-answers",
        answers=fmt != "csv",
        results=fmt in REPORTS,
    )


def _chunks(workspace_id: int, fmt: str, filters: ExportFilters, base_url: str) -> Iterator[str]:
    workspace = db.session.get(Workspace, workspace_id)
    if workspace is None:
        return
    blocks = _blocks(workspace, fmt, filters, base_url)
    exported_at = iso(utcnow())
    if fmt == "csv":
        yield from formats.csv_chunks(blocks, filters.include_notes)
    elif fmt == "csv-answers":
        yield from formats.csv_answer_chunks(blocks)
    elif fmt == "json":
        yield from formats.json_chunks(
            blocks, workspace.title, model_design(workspace), exported_at, filters.include_notes
        )
    elif fmt == "report-html":
        yield from formats.report_html_chunks(blocks, workspace.title, exported_at)
    else:
        yield from formats.report_md_chunks(blocks, workspace.title, exported_at)


def write(
    workspace: Workspace,
    fmt: str,
    filters: ExportFilters,
    base_url: str,
    out: IO[bytes],
    lang: str = "fi",
) -> None:
    if fmt in STREAMED:
        for chunk in chunks(workspace.id, fmt, filters, base_url, lang):
            out.write(chunk.encode("utf-8"))
        return
    with force_locale(lang):
        _write_file(workspace, fmt, filters, base_url, out)


def _write_file(
    workspace: Workspace, fmt: str, filters: ExportFilters, base_url: str, out: IO[bytes]
) -> None:
    blocks = _blocks(workspace, fmt, filters, base_url)
    if fmt == "xlsx":
        formats.write_xlsx(blocks, out, model_design(workspace), filters.include_notes)
    elif fmt == "report-docx":
        formats.write_docx(blocks, out, workspace.title, iso(utcnow()))
    else:
        raise ValueError(fmt)
