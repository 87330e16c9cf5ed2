"""`flask valuma ...`: administration from the command line."""

from __future__ import annotations

import logging
from datetime import datetime

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from werkzeug.serving import run_simple

from valuma_space.auth.emails import InvalidEmail
from valuma_space.auth.models import Role
from valuma_space.auth.services import ensure_user, find_user_by_email, purge_before
from valuma_space.comments.models import CommentKind, TriageStatus, Visibility
from valuma_space.exports.formats import FORMATS
from valuma_space.extensions import db
from valuma_space.i18n import local_zone
from valuma_space.mail.sender import deliver_due
from valuma_space.storage import upload_storage
from valuma_space.tasks.queue import queue_for

valuma = AppGroup("valuma", help="VALUMA Space administration.")


@valuma.group("user", help="Manage accounts.")
def user_group() -> None:
    pass


@user_group.command("add")
@click.option("--email", required=True, help="The person's email address.")
@click.option(
    "--role",
    type=click.Choice([role.value for role in Role]),
    default=Role.PARTICIPANT.value,
    show_default=True,
)
def user_add(email: str, role: str) -> None:
    """Create an account, or give an existing one the role."""
    try:
        user, created = ensure_user(email, Role(role))
    except InvalidEmail as error:
        raise click.BadParameter(str(error), param_hint="--email") from None
    db.session.commit()
    click.echo(f"{'Created' if created else 'Updated'} {user.email} ({user.role.value})")


@valuma.command("demo")
@click.option(
    "--rebuild",
    is_flag=True,
    help="Remove the demo workspace with everything in it first, then build it anew.",
)
@click.option("--yes", is_flag=True, help="With --rebuild: do not ask first.")
def demo(rebuild: bool, yes: bool) -> None:
    """Build the VALUMA demo workspace from the study description: creates what is missing and
    never changes what exists (moderators' edits, closings and settings stay)."""
    from valuma_space.demo.builder import build_demo, demo_contents, remove_demo

    if rebuild and (contents := demo_contents()) is not None:
        click.echo(
            "This removes the demo workspace and everything in it: "
            f"{contents.pages} pages, {contents.sections} sections with their versions, "
            f"drafts and attachments, {contents.comments} comments with their replies, "
            "reports, notes and notifications, its themes and alternatives, and its questions "
            "with their answers. "
            "Accounts stay."
        )
        if not yes and not click.confirm("Remove it and build it anew?", default=False):
            raise click.Abort
        remove_demo(upload_storage())
    report = build_demo()
    db.session.commit()
    click.echo(report.summary())


@valuma.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option(
    "--no-worker", is_flag=True, help="Run no task worker here (another process runs `worker`)."
)
@with_appcontext
def serve(host: str, port: int, no_worker: bool) -> None:
    """Serve the app for development, with the task queue's worker in threads of this process
    (production uses gunicorn and `worker` processes: see README)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    app.config["DEVELOPMENT_SERVER"] = True  # with the development configuration: /dev/posti
    consumer = None
    if not no_worker:
        consumer = queue_for(app).consumer(threads=2, scheduler=True, embedded=True)
        consumer.start()
    click.echo(f"VALUMA Space: http://{host}:{port}/  (Ctrl+C stops)")
    if not app.config.get("MAIL_SERVER"):
        click.echo(
            f"No MAIL_SERVER: sign-in links are printed here and listed at http://{host}:{port}/dev/posti"
        )
    try:
        run_simple(host, port, app, threaded=True, use_reloader=False)
    finally:
        if consumer is not None:
            consumer.stop(graceful=True)


@valuma.command("worker")
@click.option("--threads", default=4, show_default=True, help="Tasks run at once.")
@click.option(
    "--no-scheduler",
    is_flag=True,
    help="Start no periodic work here (by default every worker schedules; that is safe).",
)
@with_appcontext
def worker(threads: int, no_scheduler: bool) -> None:
    """Run the task queue's worker: mail, digests and other background work (production runs
    one or more, on any server; SIGTERM lets running tasks finish, for up to 30 seconds)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    consumer = queue_for(app).consumer(threads=threads, scheduler=not no_scheduler, embedded=False)
    consumer.run()


@valuma.command("send-mail")
@click.option("--once", is_flag=True, help="Accepted for older scripts: every run is one round.")
@with_appcontext
def send_mail(once: bool) -> None:
    """Deliver what is due now, then exit (the workers do this by themselves; this is for
    emptying the outbox by hand)."""
    report = deliver_due()
    click.echo(
        f"sent {report.sent}, to retry {report.retried}, given up {report.given_up},"
        f" nothing left to send {report.dropped}"
    )


@valuma.command("send-digests")
@with_appcontext
def send_digests_command() -> None:
    """Queue the daily and weekly digests that are due now (the workers do this each day from
    DIGEST_HOUR by themselves).

    Running it again, or twice at once, sends nobody a second digest for the same day or week;
    the workers deliver them.
    """
    from valuma_space.notifications.digests import queue_digests

    count = 0
    for _person in queue_digests():
        db.session.commit()  # one person at a time: a run stopped halfway keeps what it queued
        count += 1
    click.echo(f"{count} digest(s) queued")


@valuma.command("purge")
@click.option(
    "--before",
    "before",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Remove participants not seen since this date (YYYY-MM-DD, Helsinki time).",
)
@click.option("--dry-run", is_flag=True, help="Only count what would go.")
def purge(before: datetime, dry_run: bool) -> None:
    """After the study: remove participant accounts and old sign-in data, as the privacy
    notice promises. Their comments stay, shown as "removed user"."""
    moment = before.replace(tzinfo=local_zone())
    report = purge_before(moment, dry_run=dry_run)
    if not dry_run:
        db.session.commit()
    verb = "Would remove" if dry_run else "Removed"
    click.echo(
        f"{verb} {report.accounts} participant accounts, {report.mails} outbox mails "
        f"and {report.links} sign-in links from before {before:%Y-%m-%d}."
    )


@valuma.command("export")
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True)
@click.option(
    "--out", required=True, type=click.Path(dir_okay=False, writable=True), help="File to write."
)
@click.option("--section", help="Only this section (its address part, e.g. paatavoitteet).")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Written on or after (Helsinki date).",
)
@click.option(
    "--until",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Written on or before (Helsinki date).",
)
@click.option("--visibility", type=click.Choice([v.value for v in Visibility]))
@click.option("--triage", type=click.Choice([t.value for t in TriageStatus]))
@click.option("--kind", type=click.Choice([k.value for k in CommentKind]))
@click.option("--theme", help="Only comments tagged with this theme.")
@click.option("--alternative", help="Only comments linked to this alternative (its title).")
@click.option("--include-hidden", is_flag=True, help="Include hidden and deleted comments, marked.")
@click.option("--include-notes", is_flag=True, help="Include moderators' internal notes.")
@click.option("--as", "as_email", help="The moderator the moderation log records as exporting.")
@click.option(
    "--lang",
    type=click.Choice(["fi", "sv", "en"]),
    default="fi",
    show_default=True,
    help="The language of the labels (the codes have columns of their own).",
)
def export(
    fmt: str,
    out: str,
    section: str | None,
    since: datetime | None,
    until: datetime | None,
    visibility: str | None,
    triage: str | None,
    kind: str | None,
    theme: str | None,
    alternative: str | None,
    include_hidden: bool,
    include_notes: bool,
    as_email: str | None,
    lang: str,
) -> None:
    """Export the comment threads for analysis and reports."""
    from valuma_space.exports import services as exports
    from valuma_space.exports.rows import ExportFilters
    from valuma_space.workspaces.services import current_workspace

    workspace = current_workspace()
    if workspace is None:
        raise click.ClickException("There is no workspace to export.")
    actor = None
    if as_email:
        actor = find_user_by_email(as_email)
        if actor is None or not actor.is_moderator:
            raise click.BadParameter("not a moderator's address", param_hint="--as")
    filters = ExportFilters(
        section_slug=section,
        since=since.date() if since else None,
        until=until.date() if until else None,
        visibility=Visibility(visibility) if visibility else None,
        triage=TriageStatus(triage) if triage else None,
        kind=CommentKind(kind) if kind else None,
        theme=theme,
        alternative=alternative,
        include_hidden=include_hidden,
        include_notes=include_notes,
    )
    with open(out, "wb") as target:
        exports.write(workspace, fmt, filters, current_app.config["BASE_URL"], target, lang)
    exports.log_export(actor, fmt, filters)
    db.session.commit()
    click.echo(f"Wrote {out} ({fmt}).")


def init_app(app: Flask) -> None:
    app.cli.add_command(valuma)
