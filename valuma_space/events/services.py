"""Writing events, and registering to them.

Seats are exact because every change of an event's registrations first takes a lock on the
event's row, and counts only after that: on PostgreSQL `SELECT … FOR UPDATE`; on SQLite an
UPDATE of the row, which takes the database's write lock at the start of the transaction (the
driver opens it with that statement, as BEGIN IMMEDIATE would), so a second registration waits
for the first to commit before it counts. Places therefore go in the order the registrations
commit, and waiting positions stay 1..n without gaps.
"""

from __future__ import annotations

import secrets
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from valuma_space.auth.models import User
from valuma_space.auth.names import public_name
from valuma_space.db import utcnow
from valuma_space.events.models import (
    AttendanceMode,
    Event,
    Registration,
    RegistrationMode,
    RegistrationState,
)
from valuma_space.extensions import db
from valuma_space.mail.models import MailKind
from valuma_space.mail.outbox import enqueue
from valuma_space.materials.markdown import render_markdown
from valuma_space.refusals import Refused
from valuma_space.workspaces.models import Workspace

CLOSED = _l("Ilmoittautuminen sulkeutunut")


# --- reading ----------------------------------------------------------------------------------


def events_of(workspace: Workspace) -> list[Event]:
    """The workspace's events, soonest first."""
    return list(
        db.session.scalars(
            select(Event)
            .where(Event.workspace_id == workspace.id)
            .order_by(Event.starts_at, Event.id)
        )
    )


def upcoming_events(workspace: Workspace, now: datetime | None = None) -> list[Event]:
    """Events that have not ended, soonest first (for the home page)."""
    moment = now or utcnow()
    return [event for event in events_of(workspace) if event.ends_at > moment]


def registration_of(event: Event, person: Any) -> Registration | None:
    """The person's registration to the event, cancelled or not; None for visitors."""
    if not getattr(person, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(Registration).where(
            Registration.event_id == event.id, Registration.user_id == person.id
        )
    )


def registration_by_token(token: str) -> Registration | None:
    if not token:
        return None
    return db.session.scalar(select(Registration).where(Registration.cancel_token == token))


def seats_taken(event: Event) -> int:
    """Confirmed seats on site."""
    return (
        db.session.scalar(
            select(func.count(Registration.id)).where(
                Registration.event_id == event.id,
                Registration.mode == RegistrationMode.ONSITE,
                Registration.state == RegistrationState.CONFIRMED,
            )
        )
        or 0
    )


def counts(event: Event) -> dict[str, int]:
    """Confirmed on site, remote, and waiting: counted the same way for everyone."""
    rows = db.session.execute(
        select(Registration.mode, Registration.state, func.count(Registration.id))
        .where(Registration.event_id == event.id)
        .group_by(Registration.mode, Registration.state)
    ).all()
    found = {(mode, state): number for mode, state, number in rows}
    return {
        "onsite": found.get((RegistrationMode.ONSITE, RegistrationState.CONFIRMED), 0),
        "remote": found.get((RegistrationMode.REMOTE, RegistrationState.CONFIRMED), 0),
        "waiting": found.get((RegistrationMode.ONSITE, RegistrationState.WAITING), 0),
    }


def seats_left(event: Event) -> int | None:
    """Free seats on site, or None when the event has no limit."""
    if event.capacity is None:
        return None
    return max(event.capacity - seats_taken(event), 0)


def may_see_remote_link(event: Event, person: Any) -> bool:
    """People registered with a place (on site or remote), and moderators."""
    if getattr(person, "is_moderator", False):
        return True
    registration = registration_of(event, person)
    return registration is not None and registration.state == RegistrationState.CONFIRMED


# --- writing events ---------------------------------------------------------------------------


def _apply(event: Event, data: dict[str, Any]) -> bool:
    """Copy the form's values onto the event; returns whether its time or place changed."""
    starts_at, ends_at = data["starts_at"], data["ends_at"]
    if ends_at <= starts_at:
        raise Refused(_l("Tapahtuman täytyy päättyä alkamisensa jälkeen."))
    opens_at, deadline = data.get("registration_opens_at"), data.get("registration_deadline")
    if deadline is not None and deadline > starts_at:
        raise Refused(_l("Ilmoittautumisen täytyy päättyä viimeistään tapahtuman alkaessa."))
    if opens_at is not None and deadline is not None and opens_at >= deadline:
        raise Refused(_l("Ilmoittautumisen täytyy avautua ennen kuin se päättyy."))
    attendance = AttendanceMode(data["attendance"])
    capacity = data.get("capacity")
    if capacity is not None and capacity < 0:
        raise Refused(_l("Paikkoja ei voi olla alle nollaa."))
    place, address = (data.get("place") or "").strip(), (data.get("address") or "").strip()
    changed = (
        event.starts_at != starts_at
        or event.ends_at != ends_at
        or event.place != place
        or event.address != address
    )
    event.title = data["title"].strip()
    event.description = (data.get("description") or "").strip()
    event.description_html = render_markdown(event.description)
    event.starts_at, event.ends_at = starts_at, ends_at
    event.place, event.address = place, address
    event.attendance = attendance
    event.capacity = capacity
    event.registration_opens_at, event.registration_deadline = opens_at, deadline
    event.closed_by_hand = bool(data.get("closed_by_hand"))
    event.remote_link = (data.get("remote_link") or "").strip()
    event.contact = (data.get("contact") or "").strip()
    event.ask_dietary = bool(data.get("ask_dietary"))
    event.ask_accessibility = bool(data.get("ask_accessibility"))
    event.ask_interpretation = bool(data.get("ask_interpretation"))
    return changed


def create_event(workspace: Workspace, actor: User, data: dict[str, Any]) -> Event:
    event = Event(
        workspace_id=workspace.id,
        uid=f"{uuid.uuid4()}@valuma-space",
        sequence=0,
        place="",
        address="",
    )
    _apply(event, data)
    db.session.add(event)
    db.session.flush()
    return event


def update_event(event: Event, actor: User, data: dict[str, Any]) -> None:
    """Save the moderator's changes; a changed time or place raises the calendar's SEQUENCE,
    so calendars replace the earlier entry of the same UID. Seats added go to the waiting
    list in order."""
    _lock(event)
    if _apply(event, data):
        event.sequence += 1
    event.updated_at = utcnow()
    db.session.flush()
    _promote(event)


# --- registering ------------------------------------------------------------------------------


def _lock(event: Event) -> None:
    """Take the event's row for this transaction, before anything is counted (see the module's
    docstring), and read it again as it now stands."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(Event.id).where(Event.id == event.id).with_for_update())
    else:
        db.session.execute(
            update(Event)
            .where(Event.id == event.id)
            .values(sequence=Event.sequence)
            .execution_options(synchronize_session=False)
        )
    db.session.refresh(event)


def _next_waiting_position(event: Event) -> int:
    last = db.session.scalar(
        select(func.max(Registration.waiting_position)).where(
            Registration.event_id == event.id, Registration.state == RegistrationState.WAITING
        )
    )
    return (last or 0) + 1


def _event_path(event: Event) -> str:
    return url_for("events.show", event_id=event.id)


def register(
    event: Event, person: User, mode: RegistrationMode, now: datetime | None = None
) -> Registration:
    """Register the person: a seat if one is free and nobody waits for it, else the next place
    on the waiting list; remote places are not limited. Registering again while registered
    changes nothing."""
    _lock(event)
    moment = now or utcnow()  # read under the lock: registrations are dated in commit order
    existing = registration_of(event, person)
    if existing is not None and existing.state != RegistrationState.CANCELLED:
        return existing
    if not event.registration_open(moment):
        opens_at = event.registration_opens_at
        if opens_at is not None and moment < opens_at and not event.closed_by_hand:
            raise Refused(_l("Ilmoittautuminen ei ole vielä alkanut."), status=409)
        raise Refused(CLOSED, status=409)
    if mode == RegistrationMode.REMOTE and not event.offers_remote:
        raise Refused(_l("Tapahtumaa ei voi seurata etänä."))
    if mode == RegistrationMode.ONSITE and not event.offers_onsite:
        raise Refused(_l("Tapahtumaan osallistutaan vain etänä."))
    registration = existing or Registration(event_id=event.id, user_id=person.id)
    registration.mode = mode
    registration.cancel_token = secrets.token_urlsafe(32)
    registration.created_at = moment
    registration.cancelled_at = None
    registration.dietary, registration.accessibility = "", ""
    registration.interpretation, registration.answered_at = False, None
    registration.promotion_mail_id = None
    waiting = _next_waiting_position(event)
    if mode == RegistrationMode.ONSITE and (
        waiting > 1 or (event.capacity is not None and seats_taken(event) >= event.capacity)
    ):
        registration.state = RegistrationState.WAITING
        registration.waiting_position = waiting
    else:
        registration.state = RegistrationState.CONFIRMED
        registration.waiting_position = None
    if existing is None:
        db.session.add(registration)
    db.session.flush()
    mail = enqueue(
        MailKind.EVENT_CONFIRMATION,
        person.email,
        person.locale,
        next_url=_event_path(event),
        user_id=person.id,
    )
    registration.confirmation_mail_id = mail.id
    db.session.flush()
    return registration


def cancel(registration: Registration, now: datetime | None = None) -> None:
    """Cancel a registration, until the event starts; a freed seat goes to the first on the
    waiting list, who is told by mail. Cancelling twice changes nothing."""
    moment = now or utcnow()
    event = registration.event
    _lock(event)
    db.session.refresh(registration)
    if registration.state == RegistrationState.CANCELLED:
        return
    if moment >= event.starts_at:
        raise Refused(_l("Tapahtuma on jo alkanut: ilmoittautumista ei voi enää perua."), 409)
    freed_seat = (
        registration.state == RegistrationState.CONFIRMED
        and registration.mode == RegistrationMode.ONSITE
    )
    position = registration.waiting_position
    registration.state = RegistrationState.CANCELLED
    registration.waiting_position = None
    registration.cancelled_at = moment
    db.session.flush()
    if position is not None:
        _close_gap(event, position)
    if freed_seat:
        _promote(event)


def _close_gap(event: Event, position: int) -> None:
    db.session.execute(
        update(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.state == RegistrationState.WAITING,
            Registration.waiting_position > position,
        )
        .values(waiting_position=Registration.waiting_position - 1)
        .execution_options(synchronize_session=False)
    )
    db.session.expire_all()


def _promote(event: Event) -> None:
    """Give free seats to the waiting list in order, telling each person once by mail."""
    while event.capacity is None or seats_taken(event) < event.capacity:
        first = db.session.scalar(
            select(Registration).where(
                Registration.event_id == event.id,
                Registration.state == RegistrationState.WAITING,
                Registration.waiting_position == 1,
            )
        )
        if first is None:
            return
        first.state = RegistrationState.CONFIRMED
        first.waiting_position = None
        db.session.flush()
        _close_gap(event, 1)
        first = db.session.get(Registration, first.id)
        assert first is not None
        person = first.user
        mail = enqueue(
            MailKind.EVENT_PROMOTION,
            person.email,
            person.locale,
            next_url=_event_path(event),
            user_id=person.id,
        )
        first.promotion_mail_id = mail.id
        db.session.flush()


def answer_questions(registration: Registration, person: User, data: dict[str, Any]) -> None:
    """The optional questions, asked only once the person has a place (on site or remote)."""
    if registration.user_id != person.id:
        raise Refused(_l("Tämä ilmoittautuminen ei ole sinun."), 403)
    if registration.state != RegistrationState.CONFIRMED:
        raise Refused(_l("Lisäkysymyksiin vastataan, kun paikkasi on vahvistettu."), 409)
    event = registration.event
    if event.ask_dietary:
        registration.dietary = (data.get("dietary") or "").strip()
    if event.ask_accessibility:
        registration.accessibility = (data.get("accessibility") or "").strip()
    if event.ask_interpretation:
        registration.interpretation = bool(data.get("interpretation"))
    registration.answered_at = utcnow()
    db.session.flush()


# --- for the organisers -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Attendee:
    """One registration with its person, as the organisers' list shows it."""

    registration: Registration
    user: User
    name: str


@dataclass
class AttendeeList:
    """An event's registrations in the organisers' groups, read in one query."""

    onsite: list[Attendee] = field(default_factory=list)
    remote: list[Attendee] = field(default_factory=list)
    waiting: list[Attendee] = field(default_factory=list)
    """In the order of their places."""
    cancelled: list[Attendee] = field(default_factory=list)
    by_organisation_type: Counter[str] = field(default_factory=Counter)
    """Confirmed people (on site and remote) by organisation type code ("" not given)."""
    by_region: Counter[str] = field(default_factory=Counter)

    @property
    def confirmed(self) -> list[Attendee]:
        return self.onsite + self.remote

    @property
    def everyone(self) -> list[Attendee]:
        return self.onsite + self.remote + self.waiting + self.cancelled


def _by_name(attendee: Attendee) -> tuple[str, int]:
    return attendee.name.casefold(), attendee.registration.id


def attendee_list(event: Event, actor: User) -> AttendeeList:
    """The event's registrations for its organisers, each person named as moderators see them
    elsewhere (auth/names.public_name); on site and remote by name, the waiting list by place,
    the cancelled by when they cancelled. One query, whatever the number of people."""
    if not actor.is_moderator:
        raise Refused(_l("Osallistujaluettelo on vain järjestäjille."), 403)
    rows = db.session.execute(
        select(Registration, User)
        .join(User, User.id == Registration.user_id)
        .where(Registration.event_id == event.id)
        .order_by(Registration.id)
    ).all()
    found = AttendeeList()
    for registration, user in rows:
        attendee = Attendee(registration, user, public_name(user))
        if registration.state == RegistrationState.WAITING:
            found.waiting.append(attendee)
        elif registration.state == RegistrationState.CANCELLED:
            found.cancelled.append(attendee)
        elif registration.mode == RegistrationMode.REMOTE:
            found.remote.append(attendee)
        else:
            found.onsite.append(attendee)
    found.onsite.sort(key=_by_name)
    found.remote.sort(key=_by_name)
    found.waiting.sort(key=lambda a: a.registration.waiting_position or 0)
    found.cancelled.sort(key=lambda a: a.registration.cancelled_at or a.registration.created_at)
    for attendee in found.confirmed:
        found.by_organisation_type[_code(attendee.user.organisation_type)] += 1
        found.by_region[_code(attendee.user.region)] += 1
    return found


def _code(value: Any) -> str:
    return str(value.value if hasattr(value, "value") else value or "")


def check_in_list(event: Event, actor: User) -> list[Attendee]:
    """The people with a seat on site, by name: the list ticked at the door."""
    return attendee_list(event, actor).onsite


def registrations_of_person(person: User) -> list[tuple[Registration, Event]]:
    """A person's registrations with their events, soonest event first (their profile)."""
    return [
        (registration, event)
        for registration, event in db.session.execute(
            select(Registration, Event)
            .join(Event, Event.id == Registration.event_id)
            .where(Registration.user_id == person.id)
            .order_by(Event.starts_at, Event.id)
        )
    ]
