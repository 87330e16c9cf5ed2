"""A hundred people press "register" at the same moment for fifty seats: the database, not a
check in Python, gives out exactly fifty, and the waiting list runs 1..50 with no gap or repeat.
Then ten of the seated cancel at once, and exactly the first ten waiting are promoted, each told
once. Threads against the app, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import threading

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.factories import make_event, make_user, make_workspace
from tests.helpers import csrf_token, login_as, sent_mails
from valuma_space.auth.models import Role, User
from valuma_space.events.models import Registration, RegistrationState
from valuma_space.extensions import db
from valuma_space.mail.sender import deliver_due

PEOPLE = 100
SEATS = 50
CANCELLING = 10


def _people(app: Flask) -> list[tuple[str, FlaskClient]]:
    people = []
    for number in range(PEOPLE):
        email = f"osallistuja{number}@kunta.fi"
        make_user(email, profile_completed=True)
        client = app.test_client()
        # Each from an address of its own, as people at their own offices.
        client.environ_base["REMOTE_ADDR"] = f"10.20.{number // 200}.{number % 200 + 1}"
        login_as(client, email)
        people.append((email, client))
    return people


def _all_at_once(app: Flask, work: list[tuple[FlaskClient, str, dict[str, str]]]) -> list[int]:
    """Post each form from its own thread, all released together."""
    start = threading.Barrier(len(work), timeout=60)
    statuses: list[int] = []
    lock = threading.Lock()

    def post(client: FlaskClient, path: str, data: dict[str, str]) -> None:
        with app.app_context():
            start.wait()
            status = client.post(path, data=data).status_code
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=post, args=item) for item in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not any(thread.is_alive() for thread in threads)
    return statuses


def _registrations(event_id: int) -> dict[str, Registration]:
    db.session.expire_all()
    rows = db.session.execute(
        select(User.email, Registration)
        .join(Registration, Registration.user_id == User.id)
        .where(Registration.event_id == event_id)
    ).all()
    return dict(rows)  # type: ignore[arg-type]


def test_a_hundred_at_once_for_fifty_seats_and_ten_cancel_at_once(app: Flask) -> None:
    workspace = make_workspace()
    organiser = make_user("jarjestaja@valuma.fi", role=Role.MODERATOR, profile_completed=True)
    event = make_event(workspace, organiser, capacity=SEATS, attendance="onsite")
    event_id = event.id
    page = f"/tapahtumat/{event_id}"
    people = _people(app)
    forms = [
        (
            client,
            f"{page}/ilmoittaudu",
            {"csrf_token": csrf_token(client.get(page).get_data(as_text=True)), "mode": "onsite"},
        )
        for _email, client in people
    ]

    statuses = _all_at_once(app, forms)

    assert len(statuses) == PEOPLE
    assert all(status == 302 for status in statuses), sorted(statuses)
    registered = _registrations(event_id)
    assert len(registered) == PEOPLE
    confirmed = [r for r in registered.values() if r.state == RegistrationState.CONFIRMED]
    waiting = [r for r in registered.values() if r.state == RegistrationState.WAITING]
    assert len(confirmed) == SEATS
    assert sorted(r.waiting_position for r in waiting) == list(range(1, PEOPLE - SEATS + 1))
    # Places in the order the registrations committed: every seat went before any queue place.
    assert max(r.created_at for r in confirmed) <= min(r.created_at for r in waiting)

    deliver_due()
    queue = sorted(
        (r.waiting_position, email)
        for email, r in registered.items()
        if r.state == RegistrationState.WAITING
    )
    first_waiting = {email for _position, email in queue[:CANCELLING]}
    rest_waiting = [email for _position, email in queue[CANCELLING:]]
    seated = [email for email, r in registered.items() if r.state == RegistrationState.CONFIRMED]
    clients = dict(people)
    cancelling = seated[:CANCELLING]
    cancels = [
        (
            clients[email],
            f"{page}/peru",
            {"csrf_token": csrf_token(clients[email].get(page).get_data(as_text=True))},
        )
        for email in cancelling
    ]

    statuses = _all_at_once(app, cancels)

    assert all(status == 302 for status in statuses), sorted(statuses)
    after = _registrations(event_id)
    assert {e for e in cancelling if after[e].state == RegistrationState.CANCELLED} == set(
        cancelling
    )
    promoted = {
        email for email in first_waiting if after[email].state == RegistrationState.CONFIRMED
    }
    assert promoted == first_waiting
    assert sum(r.state == RegistrationState.CONFIRMED for r in after.values()) == SEATS
    assert [after[email].waiting_position for email in rest_waiting] == list(
        range(1, PEOPLE - SEATS - CANCELLING + 1)
    )

    deliver_due()
    deliver_due()
    told = [mail.recipient for mail in sent_mails(app) if mail.subject.startswith("Sait paikan")]
    assert sorted(told) == sorted(first_waiting)
