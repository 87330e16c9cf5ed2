"""Events: the organisers write them, people register on site or remotely, a full event keeps
a waiting list that a cancellation moves on, and the calendar file follows the event."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import icalendar
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.factories import make_event, make_user, make_workspace
from tests.helpers import csrf_token, link_path, login_as, post_form, sent_mails
from valuma_space.auth.models import Role, User
from valuma_space.db import utcnow
from valuma_space.events.models import Event, Registration, RegistrationState
from valuma_space.extensions import db
from valuma_space.mail.sender import deliver_due

HELSINKI = ZoneInfo("Europe/Helsinki")


@pytest.fixture
def workspace(app: Flask):
    return make_workspace()


@pytest.fixture
def organiser(app: Flask) -> User:
    return make_user("jarjestaja@valuma.fi", role=Role.MODERATOR, profile_completed=True)


def person(app: Flask, email: str) -> FlaskClient:
    make_user(email, profile_completed=True)
    client = app.test_client()
    login_as(client, email)
    return client


def page(client: FlaskClient, event: Event) -> str:
    response = client.get(f"/tapahtumat/{event.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def register(client: FlaskClient, event: Event, mode: str = "onsite"):
    return post_form(
        client, f"/tapahtumat/{event.id}", f"/tapahtumat/{event.id}/ilmoittaudu", mode=mode
    )


def registration(email: str, event: Event) -> Registration | None:
    db.session.expire_all()
    return db.session.scalar(
        select(Registration)
        .join(User, User.id == Registration.user_id)
        .where(User.email == email, Registration.event_id == event.id)
    )


def mails_to(app: Flask, email: str, subject_part: str = "") -> list:
    return [m for m in sent_mails(app) if m.recipient == email and subject_part in m.subject]


def test_a_moderator_creates_an_event_in_helsinki_time(app: Flask, workspace, moderator) -> None:
    response = post_form(
        moderator,
        "/hallinta/tapahtumat/uusi",
        title="VALUMA-hankkeen loppuseminaari",
        description="Tervetuloa **seminaariin**.<script>alert(1)</script>",
        starts_at="2027-02-13T13:00",
        ends_at="2027-02-13T16:00",
        place="YM, Pankkisali",
        address="Aleksanterinkatu 7, Helsinki",
        attendance="both",
        capacity="80",
        registration_deadline="2027-02-10T23:59",
        remote_link="https://meet.example/valuma",
        contact="Projektipäällikkö",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    event = db.session.scalars(select(Event)).one()
    assert event.starts_at.astimezone(HELSINKI) == datetime(2027, 2, 13, 13, tzinfo=HELSINKI)
    assert "<strong>seminaariin</strong>" in event.description_html
    assert "<script" not in event.description_html
    html = page(moderator, event)
    assert "13.2.2027 klo 13.00–16.00" in html
    assert "YM, Pankkisali" in html
    edit = moderator.get(f"/hallinta/tapahtumat/{event.id}").get_data(as_text=True)
    assert 'value="2027-02-13T13:00"' in edit
    assert "VALUMA-hankkeen loppuseminaari" in moderator.get("/tapahtumat").get_data(as_text=True)


def test_participants_and_visitors_cannot_reach_the_organisers_pages(
    app: Flask, workspace, organiser
) -> None:
    event = make_event(workspace, organiser)
    participant = person(app, "osallistuja@kunta.fi")
    visitor = app.test_client()
    for path in (
        "/hallinta/tapahtumat",
        "/hallinta/tapahtumat/uusi",
        f"/hallinta/tapahtumat/{event.id}",
    ):
        assert participant.get(path).status_code == 403
        assert visitor.get(path).status_code in (302, 401, 403)
    token = csrf_token(participant.get(f"/tapahtumat/{event.id}").get_data(as_text=True))
    response = participant.post(
        f"/hallinta/tapahtumat/{event.id}",
        data={"csrf_token": token, "title": "Kaapattu", "starts_at": "2027-01-01T10:00"},
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Event, event.id).title == "Loppuseminaari"
    # Readers read the event and its calendar file.
    assert visitor.get(f"/tapahtumat/{event.id}").status_code == 200
    assert visitor.get(f"/tapahtumat/{event.id}.ics").status_code == 200


def test_seats_then_the_waiting_list_and_the_page_says_what_each_got(
    app: Flask, workspace, organiser
) -> None:
    event = make_event(workspace, organiser, capacity=1)
    first, second, third = (person(app, f"p{n}@kunta.fi") for n in (1, 2, 3))
    assert register(first, event).status_code == 302
    assert "Sinulla on paikka tapahtumaan." in page(first, event)
    register(second, event)
    assert "Olet jonossa sijalla 1." in page(second, event)
    register(third, event, mode="remote")
    assert "Olet ilmoittautunut seuraamaan tapahtumaa etänä." in page(third, event)
    assert registration("p1@kunta.fi", event).state == RegistrationState.CONFIRMED
    waiting = registration("p2@kunta.fi", event)
    assert (waiting.state, waiting.waiting_position) == (RegistrationState.WAITING, 1)
    # Pressing again changes nothing.
    register(second, event)
    assert registration("p2@kunta.fi", event).waiting_position == 1
    # Counted the same way for everyone.
    assert "1 / 1 varattu, 1 jonossa" in page(app.test_client(), event)


def test_remote_is_offered_only_when_the_event_allows(app: Flask, workspace, organiser) -> None:
    event = make_event(workspace, organiser, attendance="onsite")
    participant = person(app, "paikalla@kunta.fi")
    html = page(participant, event)
    assert 'value="onsite"' in html and 'value="remote"' not in html
    assert register(participant, event, mode="remote").status_code == 400
    assert registration("paikalla@kunta.fi", event) is None


def test_after_the_deadline_registration_is_closed(app: Flask, workspace, organiser) -> None:
    event = make_event(workspace, organiser, registration_deadline=utcnow() - timedelta(minutes=1))
    participant = person(app, "myohassa@kunta.fi")
    html = page(participant, event)
    assert "Ilmoittautuminen sulkeutunut" in html and "/ilmoittaudu" not in html
    token = csrf_token(html)
    response = participant.post(
        f"/tapahtumat/{event.id}/ilmoittaudu", data={"csrf_token": token, "mode": "onsite"}
    )
    assert response.status_code == 409
    assert "Ilmoittautuminen sulkeutunut" in response.get_data(as_text=True)
    assert registration("myohassa@kunta.fi", event) is None


def test_closing_by_hand_takes_no_more(app: Flask, workspace, organiser, moderator) -> None:
    event = make_event(workspace, organiser)
    participant = person(app, "suljettu@kunta.fi")
    token = csrf_token(page(participant, event))
    edit = moderator.get(f"/hallinta/tapahtumat/{event.id}").get_data(as_text=True)
    assert "closed_by_hand" in edit
    form = {
        "csrf_token": csrf_token(edit),
        "title": event.title,
        "description": event.description,
        "starts_at": event.starts_at.astimezone(HELSINKI).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": event.ends_at.astimezone(HELSINKI).strftime("%Y-%m-%dT%H:%M"),
        "attendance": "both",
        "capacity": "50",
        "closed_by_hand": "y",
    }
    assert moderator.post(f"/hallinta/tapahtumat/{event.id}", data=form).status_code == 302
    response = participant.post(
        f"/tapahtumat/{event.id}/ilmoittaudu", data={"csrf_token": token, "mode": "onsite"}
    )
    assert response.status_code == 409
    assert registration("suljettu@kunta.fi", event) is None
    assert "Ilmoittautuminen sulkeutunut" in page(participant, event)


def test_a_cancelled_seat_goes_to_the_first_waiting_who_is_told_once(
    app: Flask, workspace, organiser
) -> None:
    event = make_event(workspace, organiser, capacity=1)
    clients = {n: person(app, f"j{n}@kunta.fi") for n in (1, 2, 3)}
    for n in (1, 2, 3):
        register(clients[n], event)
    assert registration("j3@kunta.fi", event).waiting_position == 2
    response = post_form(clients[1], f"/tapahtumat/{event.id}", f"/tapahtumat/{event.id}/peru")
    assert response.status_code == 302
    assert registration("j1@kunta.fi", event).state == RegistrationState.CANCELLED
    assert registration("j2@kunta.fi", event).state == RegistrationState.CONFIRMED
    assert registration("j3@kunta.fi", event).waiting_position == 1
    deliver_due()
    deliver_due()
    assert len(mails_to(app, "j2@kunta.fi", "Sait paikan")) == 1
    assert mails_to(app, "j3@kunta.fi", "Sait paikan") == []
    assert "Sinulla on paikka tapahtumaan." in page(clients[2], event)


def test_the_mailed_cancel_link_asks_first_and_works_until_the_event_starts(
    app: Flask, workspace, organiser
) -> None:
    event = make_event(workspace, organiser)
    participant = person(app, "linkki@kunta.fi")
    register(participant, event)
    deliver_due()
    (mail,) = mails_to(app, "linkki@kunta.fi", "vahvistettu")
    cancel_path = link_path(next(w for w in mail.text.split() if "/tapahtumat/peru/" in w))
    stranger = app.test_client()  # the link works without signing in
    shown = stranger.get(cancel_path)
    assert shown.status_code == 200
    assert registration("linkki@kunta.fi", event).state == RegistrationState.CONFIRMED
    done = stranger.post(cancel_path, data={"csrf_token": csrf_token(shown.get_data(as_text=True))})
    assert done.status_code == 200
    assert "Ilmoittautumisesi on peruttu." in done.get_data(as_text=True)
    assert registration("linkki@kunta.fi", event).state == RegistrationState.CANCELLED
    assert stranger.get("/tapahtumat/peru/eitallaista").status_code == 404
    # Registered again, after the start the link cancels nothing.
    register(participant, event)
    again = registration("linkki@kunta.fi", event)
    event_row = db.session.get(Event, event.id)
    event_row.starts_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    late = stranger.get(f"/tapahtumat/peru/{again.cancel_token}")
    assert "Tapahtuma on jo alkanut" in late.get_data(as_text=True)
    stranger.post(
        f"/tapahtumat/peru/{again.cancel_token}",
        data={"csrf_token": csrf_token(shown.get_data(as_text=True))},
    )
    assert registration("linkki@kunta.fi", event).state == RegistrationState.CONFIRMED


def test_the_remote_link_reaches_only_registered_people(app: Flask, workspace, organiser) -> None:
    event = make_event(workspace, organiser, capacity=1)
    link = "https://meet.example/valuma"
    remote = person(app, "etana@kunta.fi")
    waiting_person = person(app, "odottaa@kunta.fi")
    seated = person(app, "istuu@kunta.fi")
    outsider = person(app, "ulkona@kunta.fi")
    visitor = app.test_client()
    register(seated, event)
    register(waiting_person, event)
    register(remote, event, mode="remote")
    assert link in page(remote, event) and link in page(seated, event)
    for client in (waiting_person, outsider, visitor):
        assert link not in page(client, event)
        assert link not in _calendar_text(client.get(f"/tapahtumat/{event.id}.ics").get_data())
    assert link in _calendar_text(remote.get(f"/tapahtumat/{event.id}.ics").get_data())
    deliver_due()
    (remote_mail,) = mails_to(app, "etana@kunta.fi", "vahvistettu")
    assert link in remote_mail.text
    (waiting_mail,) = mails_to(app, "odottaa@kunta.fi", "jonossa")
    assert link not in waiting_mail.text
    assert link not in _calendar_text(waiting_mail.attachments[0].data)


def test_optional_questions_only_once_the_place_is_confirmed(
    app: Flask, workspace, organiser
) -> None:
    event = make_event(workspace, organiser, capacity=1, ask_dietary=True, ask_interpretation=True)
    seated = person(app, "ruoka@kunta.fi")
    waiting_person = person(app, "jono@kunta.fi")
    assert "Erityisruokavalio" not in page(seated, event)  # not before registering
    register(seated, event)
    register(waiting_person, event)
    assert "Erityisruokavalio" in page(seated, event)
    assert "Erityisruokavalio" not in page(waiting_person, event)
    refused = post_form(
        waiting_person,
        f"/tapahtumat/{event.id}",
        f"/tapahtumat/{event.id}/vastaukset",
        dietary="Gluteeniton",
    )
    assert refused.status_code == 409
    assert registration("jono@kunta.fi", event).dietary == ""
    saved = post_form(
        seated,
        f"/tapahtumat/{event.id}",
        f"/tapahtumat/{event.id}/vastaukset",
        dietary="Vegaani",
        interpretation="y",
    )
    assert saved.status_code == 302
    answered = registration("ruoka@kunta.fi", event)
    assert (answered.dietary, answered.interpretation) == ("Vegaani", True)


def _calendar_text(data: bytes) -> str:
    """The calendar entry's description, unfolded."""
    return str(_calendar_event(data).get("description", ""))


def _calendar_event(data: bytes) -> icalendar.Event:
    calendar = icalendar.Calendar.from_ical(data)
    (entry,) = calendar.walk("VEVENT")
    return entry


def test_the_calendar_file_has_helsinki_times_an_alarm_and_follows_changes(
    app: Flask, workspace, organiser, moderator
) -> None:
    starts = datetime(2027, 2, 13, 13, tzinfo=HELSINKI)
    event = make_event(workspace, organiser, starts_at=starts, ends_at=starts + timedelta(hours=3))
    response = moderator.get(f"/tapahtumat/{event.id}.ics")
    assert response.mimetype == "text/calendar"
    raw = response.get_data()
    assert b"TZID=Europe/Helsinki" in raw and b"BEGIN:VTIMEZONE" in raw
    entry = _calendar_event(raw)
    start = entry.decoded("dtstart")
    assert start == starts and str(start.tzinfo) == "Europe/Helsinki"
    assert start.hour == 13
    assert entry.decoded("dtend").hour == 16
    (alarm,) = entry.walk("VALARM")
    assert alarm.decoded("trigger") == timedelta(days=-1)
    uid, sequence = str(entry["uid"]), int(entry["sequence"])

    edit = moderator.get(f"/hallinta/tapahtumat/{event.id}").get_data(as_text=True)
    changed = {
        "csrf_token": csrf_token(edit),
        "title": "Loppuseminaari",
        "starts_at": "2027-02-13T14:00",
        "ends_at": "2027-02-13T17:00",
        "place": "YM, Pankkisali",
        "attendance": "both",
    }
    assert moderator.post(f"/hallinta/tapahtumat/{event.id}", data=changed).status_code == 302
    moved = _calendar_event(moderator.get(f"/tapahtumat/{event.id}.ics").get_data())
    assert str(moved["uid"]) == uid
    assert int(moved["sequence"]) == sequence + 1
    assert moved.decoded("dtstart").hour == 14


def test_the_confirmation_mail_carries_the_calendar_file(app: Flask, workspace, organiser) -> None:
    event = make_event(workspace, organiser)
    participant = person(app, "kalenteri@kunta.fi")
    register(participant, event)
    deliver_due()
    (mail,) = mails_to(app, "kalenteri@kunta.fi", "vahvistettu")
    (attachment,) = mail.attachments
    assert attachment.content_type == "text/calendar"
    assert str(_calendar_event(attachment.data)["uid"]) == event.uid
    assert f"/tapahtumat/{event.id}.ics" in mail.text


def test_a_visitor_registers_through_the_emailed_sign_in_and_lands_back(
    app: Flask, workspace, organiser
) -> None:
    event = make_event(workspace, organiser)
    visitor = app.test_client()
    response = register(visitor, event)
    assert response.status_code == 302
    assert "/kirjaudu" in response.location and f"/tapahtumat/{event.id}" in response.location
    assert registration("uusi@kunta.fi", event) is None
    back = parse_qs(urlsplit(response.location).query)["next"][0]
    signed_in = login_as(visitor, "uusi@kunta.fi", next_url=back)
    # A new account is first offered its profile, which then leads on to the event.
    assert urlsplit(signed_in.location).path == "/profiili"
    onward = parse_qs(urlsplit(signed_in.location).query)["next"][0]
    assert urlsplit(onward).path == f"/tapahtumat/{event.id}"
    landed = visitor.get(onward)
    assert "Vahvista vielä ilmoittautumisesi" in landed.get_data(as_text=True)
    register(visitor, event)
    assert registration("uusi@kunta.fi", event).state == RegistrationState.CONFIRMED


def test_the_home_page_lists_coming_events(app: Flask, workspace, organiser) -> None:
    event = make_event(workspace, organiser, title="Alueiden työpaja")
    make_event(
        workspace,
        organiser,
        title="Mennyt seminaari",
        starts_at=utcnow() - timedelta(days=3),
        ends_at=utcnow() - timedelta(days=3) + timedelta(hours=2),
    )
    html = app.test_client().get("/").get_data(as_text=True)
    assert f'href="/tapahtumat/{event.id}"' in html and "Alueiden työpaja" in html
    assert "Mennyt seminaari" not in html


def test_registration_opens_at_its_time_and_ends_when_the_event_starts(
    app: Flask, workspace, organiser
) -> None:
    event = make_event(workspace, organiser, registration_opens_at=utcnow() + timedelta(days=1))
    participant = person(app, "aikainen@kunta.fi")
    html = page(participant, event)
    assert "Ilmoittautuminen alkaa" in html and "/ilmoittaudu" not in html
    token = csrf_token(html)
    response = participant.post(
        f"/tapahtumat/{event.id}/ilmoittaudu", data={"csrf_token": token, "mode": "onsite"}
    )
    assert response.status_code == 409
    assert registration("aikainen@kunta.fi", event) is None
    row = db.session.get(Event, event.id)
    row.registration_opens_at = utcnow() - timedelta(days=1)
    db.session.commit()
    assert register(participant, event).status_code == 302
    row = db.session.get(Event, event.id)
    row.starts_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    html = page(participant, event)
    assert "Ilmoittautuminen sulkeutunut" not in html  # registered: the page says what they got
    assert "Sinulla on paikka tapahtumaan." in html
    assert f"/tapahtumat/{event.id}/peru" not in html  # and it can no longer be cancelled
