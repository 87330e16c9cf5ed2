"""An event of the workspace and the registrations to it.

Seats on site are counted from the registrations under a lock on the event's row (services.py),
so that two people taking the last seat at once get one seat and one place on the waiting list.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from valuma_space.db import UTCDateTime, str_enum, utcnow
from valuma_space.extensions import db

if TYPE_CHECKING:
    from valuma_space.auth.models import User


class AttendanceMode(StrEnum):
    """How an event can be attended."""

    ONSITE = "onsite"
    REMOTE = "remote"
    BOTH = "both"


ATTENDANCE_MODE_LABELS = {
    AttendanceMode.ONSITE: _l("Paikan päällä"),
    AttendanceMode.REMOTE: _l("Etänä"),
    AttendanceMode.BOTH: _l("Paikan päällä tai etänä"),
}


class RegistrationMode(StrEnum):
    """How one registered person takes part."""

    ONSITE = "onsite"
    REMOTE = "remote"


REGISTRATION_MODE_LABELS = {
    RegistrationMode.ONSITE: _l("Paikan päällä"),
    RegistrationMode.REMOTE: _l("Etänä"),
}


class RegistrationState(StrEnum):
    CONFIRMED = "confirmed"
    """A seat on site, or a remote place (remote places are not counted)."""
    WAITING = "waiting"
    """On the waiting list for a seat on site, at `waiting_position`."""
    CANCELLED = "cancelled"


class Event(db.Model):
    """A seminar or workshop that people register to."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    uid: Mapped[str] = mapped_column(String(120), unique=True)
    """The calendar's UID: made once, so that an updated ICS file replaces the earlier one."""
    sequence: Mapped[int] = mapped_column(default=0)
    """The calendar's SEQUENCE: raised by each change of the time or the place."""
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    """Markdown, as the moderator wrote it."""
    description_html: Mapped[str] = mapped_column(Text, default="")
    """The description rendered and sanitised when it is saved."""
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(200), default="")
    """The venue's name, e.g. "YM, Pankkisali"."""
    address: Mapped[str] = mapped_column(String(300), default="")
    attendance: Mapped[AttendanceMode] = mapped_column(
        str_enum(AttendanceMode), default=AttendanceMode.ONSITE
    )
    capacity: Mapped[int | None] = mapped_column()
    """Seats on site; None: no limit."""
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """None: open from when the event is created."""
    registration_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """The last moment to register; None: until the event starts."""
    closed_by_hand: Mapped[bool] = mapped_column(default=False)
    remote_link: Mapped[str] = mapped_column(String(500), default="")
    """The address of the remote meeting: shown and sent only to people registered."""
    contact: Mapped[str] = mapped_column(String(300), default="")
    """Who to ask, as free text (a name, an address, a telephone number)."""
    ask_dietary: Mapped[bool] = mapped_column(default=False)
    ask_accessibility: Mapped[bool] = mapped_column(default=False)
    ask_interpretation: Mapped[bool] = mapped_column(default=False)
    """Ask whether the person needs interpretation into Swedish."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    registrations: Mapped[list[Registration]] = relationship(
        back_populates="event", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def offers_onsite(self) -> bool:
        return self.attendance in (AttendanceMode.ONSITE, AttendanceMode.BOTH)

    @property
    def offers_remote(self) -> bool:
        return self.attendance in (AttendanceMode.REMOTE, AttendanceMode.BOTH)

    @property
    def asks_anything(self) -> bool:
        return self.ask_dietary or self.ask_accessibility or self.ask_interpretation

    def registration_open(self, now: datetime) -> bool:
        if self.closed_by_hand or now >= self.starts_at:
            return False
        if self.registration_opens_at is not None and now < self.registration_opens_at:
            return False
        return self.registration_deadline is None or now <= self.registration_deadline


class Registration(db.Model):
    """One person's registration to an event: one row per person and event, which a
    cancellation keeps and a new registration takes up again."""

    __tablename__ = "event_registrations"
    __table_args__ = (
        UniqueConstraint("event_id", "user_id", name="uq_event_registrations_one_per_person"),
        Index(None, "event_id", "state", "waiting_position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    mode: Mapped[RegistrationMode] = mapped_column(str_enum(RegistrationMode))
    state: Mapped[RegistrationState] = mapped_column(str_enum(RegistrationState))
    waiting_position: Mapped[int | None] = mapped_column()
    """1 for the first on the waiting list; None unless waiting. Kept 1..n without gaps."""
    dietary: Mapped[str] = mapped_column(String(500), default="")
    accessibility: Mapped[str] = mapped_column(String(500), default="")
    interpretation: Mapped[bool] = mapped_column(default=False)
    """Needs interpretation into Swedish."""
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When the optional questions were last answered; None: not yet."""
    cancel_token: Mapped[str] = mapped_column(String(64), unique=True)
    """The random part of the cancel link in the confirmation mail (renewed at each new
    registration, so that an old mail's link cancels nothing)."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    """When the registration (or the last one after a cancellation) was made."""
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmation_mail_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="SET NULL")
    )
    """The outbox row of the mail that confirms the registration."""
    promotion_mail_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="SET NULL")
    )
    """The outbox row of the mail that tells of a seat freed from the waiting list."""

    event: Mapped[Event] = relationship(back_populates="registrations")
    user: Mapped[User] = relationship()
