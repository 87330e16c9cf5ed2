"""An event's attendee list as CSV and XLSX, for its organisers.

The events sit below the exports, so the list is read there (events.services.attendee_list) and
written here, with the comment exports' rules: people named as in a comment export (a pseudonym
becomes "Osallistuja N", without an organisation beside it), labels in the export's language with
their codes beside them, and every cell a spreadsheet could read as a formula neutralised.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import IO

from flask_babel import lazy_gettext as _l

from valuma_space.auth.models import User
from valuma_space.events.models import Event, RegistrationState
from valuma_space.events.services import Attendee, attendee_list
from valuma_space.exports.formats import _csv_text, neutralise
from valuma_space.exports.rows import Authors, Labels, iso
from valuma_space.extensions import db
from valuma_space.moderation.models import LogAction
from valuma_space.moderation.services import log

COLUMNS = [
    "group",
    "group_code",
    "waiting_position",
    "name",
    "organisation",
    "organisation_type",
    "organisation_type_code",
    "region",
    "region_code",
    "dietary",
    "accessibility",
    "interpretation",
    "registered_at",
    "cancelled_at",
]
FREE_TEXT = {"name", "organisation", "dietary", "accessibility"}
DATES = {"registered_at", "cancelled_at"}
GROUPS = {
    "onsite": _l("Paikan päällä"),
    "remote": _l("Etänä"),
    "waiting": _l("Jonossa"),
    "cancelled": _l("Peruneet"),
}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

Row = tuple[object, ...]


def download_rows(event: Event, actor: User, fmt: str) -> list[Row]:
    """The attendee list, a row a registration: on site, remote, waiting in order, cancelled;
    the optional answers only of people with a confirmed place. Two queries; the download is
    written to the moderation log, as every export is."""
    log(actor, LogAction.EXPORT, to_value=fmt, reason=f"{_l('Osallistujaluettelo')}: {event.title}")
    found = attendee_list(event, actor)
    labels = Labels()
    authors = Authors(db.session.connection(), labels)
    groups: list[tuple[str, list[Attendee]]] = [
        ("onsite", found.onsite),
        ("remote", found.remote),
        ("waiting", found.waiting),
        ("cancelled", found.cancelled),
    ]
    authors.read_ids(a.user.id for _, people in groups for a in people)
    out: list[Row] = []
    for code, people in groups:
        group = str(GROUPS[code])
        for attendee in people:
            registration = attendee.registration
            name, organisation, type_label, type_code, region_label, region_code = authors(
                attendee.user.id
            )
            confirmed = registration.state == RegistrationState.CONFIRMED
            interpretation = ""
            if confirmed and event.ask_interpretation:
                interpretation = labels.yes if registration.interpretation else labels.no
            out.append(
                (
                    group,
                    code,
                    registration.waiting_position,
                    name,
                    organisation,
                    type_label,
                    type_code,
                    region_label,
                    region_code,
                    registration.dietary if confirmed and event.ask_dietary else "",
                    registration.accessibility if confirmed and event.ask_accessibility else "",
                    interpretation,
                    iso(registration.created_at),
                    iso(registration.cancelled_at),
                )
            )
    return [
        tuple(
            neutralise(value) if name in FREE_TEXT else value
            for name, value in zip(COLUMNS, row, strict=True)
        )
        for row in out
    ]


def csv_chunks(cells: list[Row]) -> Iterator[str]:
    """UTF-8 with a byte-order mark, RFC 4180 quoting, as the comment export writes."""
    yield "\ufeff" + _csv_text([COLUMNS])
    yield _csv_text([["" if value is None else value for value in row] for row in cells])


def write_xlsx(cells: list[Row], out: IO[bytes]) -> None:
    """One sheet, header frozen, filters on, real dates (Helsinki time)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(
        out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    header = book.add_format({"bold": True, "bg_color": "#E6EEF7"})
    when = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    sheet = book.add_worksheet(str(_l("Osallistujat")))
    for col, name in enumerate(COLUMNS):
        sheet.write_string(0, col, name, header)
        sheet.set_column(col, col, 24 if name in FREE_TEXT else 14)
    sheet.freeze_panes(1, 0)
    for number, row in enumerate(cells, start=1):
        for col, (name, value) in enumerate(zip(COLUMNS, row, strict=True)):
            if value is None or value == "":
                continue
            if isinstance(value, int):
                sheet.write_number(number, col, value)
            elif name in DATES:
                moment = datetime.fromisoformat(str(value)).replace(tzinfo=None)
                sheet.write_datetime(number, col, moment, when)
            else:
                sheet.write_string(number, col, str(value))
    sheet.autofilter(0, 0, max(len(cells), 0), len(COLUMNS) - 1)
    book.close()
