"""An event as an iCalendar file (RFC 5545): its times in Europe/Helsinki with the zone's
definition, a UID that never changes and a SEQUENCE that each change of time or place raises,
and a reminder the day before."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import url_for
from flask_babel import gettext as _
from icalendar import Alarm, Calendar
from icalendar import Event as CalendarEvent

from valuma_space.db import utcnow
from valuma_space.events.models import Event
from valuma_space.i18n import local_zone
from valuma_space.materials.plaintext import plain_text


def calendar_file(event: Event, remote_link: bool = False, now: datetime | None = None) -> bytes:
    """The event's ICS file. `remote_link`: the remote meeting's address goes in (for people
    registered); the public download leaves it out."""
    zone = local_zone()
    calendar = Calendar()
    calendar.add("prodid", "-//VALUMA Space//tapahtumat//FI")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    entry = CalendarEvent()
    entry.add("uid", event.uid)
    entry.add("sequence", event.sequence)
    entry.add("dtstamp", now or utcnow())
    entry.add("last-modified", event.updated_at)
    entry.add("dtstart", event.starts_at.astimezone(zone))
    entry.add("dtend", event.ends_at.astimezone(zone))
    entry.add("summary", event.title)
    description = plain_text(event.description)
    if remote_link and event.remote_link:
        label = _("Etäyhteys:")
        description = f"{description}\n\n{label} {event.remote_link}".strip()
    if description:
        entry.add("description", description)
    location = ", ".join(part for part in (event.place, event.address) if part)
    if location:
        entry.add("location", location)
    entry.add("url", url_for("events.show", event_id=event.id, _external=True))
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", event.title)
    alarm.add("trigger", timedelta(days=-1))
    entry.add_component(alarm)
    calendar.add_component(entry)
    calendar.add_missing_timezones()
    return calendar.to_ical()
