"""The code keeps its shape: transactions belong to their callers, and the thread's version
follows every change a thread shows through the signal, with nobody bumping it by hand."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.factories import make_comment, make_page, make_section, make_user, make_workspace
from tests.helpers import login_as, moderate, post_form, submit_form
from valuma_space.auth.models import Role
from valuma_space.extensions import db
from valuma_space.materials.models import Section

PACKAGE = Path(__file__).resolve().parent.parent / "valuma_space"
TRANSACTION = re.compile(r"\.(commit|rollback)\(\)")

# The owners of transactions: requests (views, their refusal helper in views.py, and the request
# hook that records visits), the command line, the mail sender's rounds, and the task queue that
# runs jobs (tasks/queue.py, which commits after a job as a view does after its service).
# Everything else flushes.
OWNERS = {"cli.py", "mail/sender.py", "auth/login.py", "views.py", "tasks/queue.py"}


def _owner(path: Path) -> bool:
    relative = path.relative_to(PACKAGE).as_posix()
    return relative in OWNERS or relative.endswith("routes.py")


def test_no_service_ends_a_transaction_it_does_not_own() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if not _owner(path)
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if TRANSACTION.search(line)
    ]
    assert offenders == []


def test_nobody_bumps_the_thread_version_by_hand() -> None:
    """Only the signal subscriber calls the bumping functions."""
    callers = [
        f"{path.relative_to(PACKAGE)}:{number}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if re.search(r"\bbump_discussions?(_of)?\(", line) and "def bump_discussion" not in line
    ]
    assert all(
        caller.startswith(("comments/signals.py", "comments/services.py")) for caller in callers
    ), callers
    inside_services = [c for c in callers if c.startswith("comments/services.py")]
    # forget_author, which runs only from the account-deletion subscriber.
    assert len(inside_services) == 1, inside_services


@pytest.fixture
def world(app: Flask):
    section = make_section(make_page(make_workspace(), "Tausta"), "Tavoitteet", "Teksti.")
    author = make_user("kirjoittaja@kunta.fi", display_name="Kaisa", profile_completed=True)
    other = make_user("toinen@kunta.fi", display_name="Olli", profile_completed=True)
    make_user("moderaattori@valuma.fi", Role.MODERATOR, profile_completed=True)
    clients = {}
    for email in ("kirjoittaja@kunta.fi", "toinen@kunta.fi", "moderaattori@valuma.fi"):
        clients[email] = app.test_client()
        login_as(clients[email], email)
    return section, author, other, clients


def _version(section: Section) -> int:
    return db.session.scalar(select(Section.discussion_version).where(Section.id == section.id))


def test_every_change_a_thread_shows_moves_its_version(world) -> None:
    section, _author, other, clients = world
    writer: FlaskClient = clients["kirjoittaja@kunta.fi"]
    reader: FlaskClient = clients["toinen@kunta.fi"]
    moderator: FlaskClient = clients["moderaattori@valuma.fi"]
    url = f"/osio/{section.slug}"

    def changes(action) -> bool:
        before = _version(section)
        action()
        return _version(section) > before

    comment_id: list[int] = []

    def post() -> None:
        response = post_form(writer, url, action=f"{url}/kommentoi", body="Ensimmäinen.")
        comment_id.append(int(response.headers["Location"].rsplit("#c", 1)[1]))

    def edit() -> None:
        post_form(writer, f"/kommentit/{comment_id[0]}/muokkaa", body="Muokattu.", kind="comment")

    def agree() -> None:
        post_form(reader, url, action=f"/kommentit/{comment_id[0]}/samaa-mielta", agree="1")

    def hide() -> None:
        assert moderate(moderator, comment_id[0], "hide", reason="Syy").status_code == 303

    def restore() -> None:
        assert moderate(moderator, comment_id[0], "restore").status_code == 303

    def rename() -> None:
        response = submit_form(
            writer,
            "/profiili",
            "profile-form",
            display_name="Kaisa K.",
            organisation_type="",
            region="",
        )
        assert response.status_code == 302, response.get_data(as_text=True)

    def delete() -> None:
        post_form(writer, f"/kommentit/{comment_id[0]}/poista")

    def approve() -> None:
        section.page.workspace.pre_moderation = True
        db.session.commit()
        waiting = make_comment(section, other, "Odottaa.")
        assert moderate(moderator, waiting.id, "approve").status_code == 303

    for name, action in [
        ("post", post),
        ("edit", edit),
        ("agree", agree),
        ("hide", hide),
        ("restore", restore),
        ("a name change", rename),
        ("delete", delete),
        ("approve", approve),
    ]:
        assert changes(action), f"{name} did not change the thread's version"
