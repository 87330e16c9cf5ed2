"""The organisers' side of an event: the attendee list in its groups, the counts by
organisation type and region, the check-in list to print, the CSV and XLSX downloads, who may
open them, and a person's registrations on their profile."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import make_event, make_user, make_workspace
from tests.helpers import login_as, post_form
from valuma_space.auth.models import NameDisplay, Role, User
from valuma_space.events import services
from valuma_space.events.models import Event, RegistrationMode
from valuma_space.extensions import db

ONSITE, REMOTE = RegistrationMode.ONSITE, RegistrationMode.REMOTE


@pytest.fixture
def workspace(app: Flask):
    return make_workspace()


@pytest.fixture
def organiser(app: Flask) -> User:
    return make_user("jarjestaja@valuma.fi", role=Role.MODERATOR, profile_completed=True)


def sign_up(app: Flask, event: Event, email: str, mode: RegistrationMode, **fields: object):
    """A person and their registration, straight through the service."""
    user = make_user(email, profile_completed=True, **fields)
    with app.test_request_context():
        registration = services.register(db.session.get(Event, event.id), user, mode)
    db.session.commit()
    return user, registration


def answer(app: Flask, email: str, event: Event, **answers: object) -> None:
    user = db.session.scalar(db.select(User).where(User.email == email))
    registration = services.registration_of(db.session.get(Event, event.id), user)
    services.answer_questions(registration, user, answers)
    db.session.commit()


def cancel(app: Flask, email: str, event: Event) -> None:
    user = db.session.scalar(db.select(User).where(User.email == email))
    with app.test_request_context():
        services.cancel(services.registration_of(db.session.get(Event, event.id), user))
    db.session.commit()


@pytest.fixture
def seminar(app: Flask, workspace, organiser) -> Event:
    """Three seats: Anna, Vesihiisi and Cecilia's organisation hold them once Erik cancels;
    Dan and Frida wait in that order; Greta follows remotely."""
    event = make_event(
        workspace,
        organiser,
        capacity=3,
        ask_dietary=True,
        ask_accessibility=True,
        ask_interpretation=True,
    )
    sign_up(
        app,
        event,
        "anna@example.fi",
        ONSITE,
        display_name="Anna Aalto",
        name_display=NameDisplay.FULL_NAME,
        organisation="Suomen ympäristökeskus",
        organisation_type="research",
        region="uusimaa",
    )
    answer(app, "anna@example.fi", event, dietary="Vegaani", interpretation=True)
    sign_up(
        app,
        event,
        "ville@example.fi",
        ONSITE,
        display_name="Ville Virta",
        pseudonym="Vesihiisi",
        name_display=NameDisplay.PSEUDONYM,
        organisation="Salainen Oy",
        organisation_type="company",
        region="pirkanmaa",
    )
    answer(app, "ville@example.fi", event, dietary="=HYPERLINK(1)")
    sign_up(
        app,
        event,
        "erik@example.fi",
        ONSITE,
        display_name="Erik Ek",
        name_display=NameDisplay.FULL_NAME,
        organisation_type="municipality",
        region="uusimaa",
    )
    answer(app, "erik@example.fi", event, dietary="Gluteeniton-ERIK")
    sign_up(
        app,
        event,
        "cecilia@example.fi",
        ONSITE,
        organisation="Tampereen kaupunki",
        name_display=NameDisplay.ORGANISATION,
        organisation_type="municipality",
        region="pirkanmaa",
    )
    sign_up(
        app,
        event,
        "dan@example.fi",
        ONSITE,
        display_name="Dan Dahl",
        name_display=NameDisplay.FULL_NAME,
    )
    sign_up(
        app,
        event,
        "frida@example.fi",
        ONSITE,
        display_name="Frida From",
        name_display=NameDisplay.FULL_NAME,
    )
    sign_up(
        app,
        event,
        "greta@example.fi",
        REMOTE,
        display_name="Greta Grön",
        name_display=NameDisplay.FULL_NAME,
        organisation_type="ministry",
        region="national",
    )
    answer(app, "greta@example.fi", event, accessibility="Tekstitys")
    cancel(app, "erik@example.fi", event)  # his seat goes to Cecilia's organisation
    return event


def organiser_client(app: Flask) -> FlaskClient:
    client = app.test_client()
    login_as(client, "jarjestaja@valuma.fi")
    return client


def group(html: str, group_id: str) -> str:
    match = re.search(rf'<table class="data-table" id="{group_id}">(.*?)</table>', html, re.S)
    assert match, group_id
    return match.group(1)


def names_in(table: str) -> list[str]:
    return re.findall(r'data-label="Nimi">([^<]*)</td>', table)


def test_the_list_shows_each_group_with_the_waiting_order(app: Flask, seminar) -> None:
    response = organiser_client(app).get(f"/hallinta/tapahtumat/{seminar.id}/osallistujat")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert names_in(group(html, "paikan-paalla")) == [
        "Anna Aalto",
        "Tampereen kaupunki",
        "Vesihiisi",
    ]
    assert names_in(group(html, "etana")) == ["Greta Grön"]
    waiting = group(html, "jonossa")
    assert names_in(waiting) == ["Dan Dahl", "Frida From"]
    assert re.findall(r'data-label="Sija">(\d+)</td>', waiting) == ["1", "2"]
    assert names_in(group(html, "peruneet")) == ["Erik Ek"]
    # Moderators see the organisation beside a name, as in the moderation queue.
    assert "Suomen ympäristökeskus" in group(html, "paikan-paalla")
    assert "Yliopisto tai tutkimuslaitos" in html and "Pirkanmaa" in html


def test_the_optional_answers_are_only_those_of_confirmed_people(app: Flask, seminar) -> None:
    html = (
        organiser_client(app)
        .get(f"/hallinta/tapahtumat/{seminar.id}/osallistujat")
        .get_data(as_text=True)
    )
    onsite, remote = group(html, "paikan-paalla"), group(html, "etana")
    assert "Vegaani" in onsite and "=HYPERLINK(1)" in onsite
    assert "Tekstitys" in remote
    assert 'data-label="Tulkkaus ruotsiksi">kyllä' in onsite
    assert "Gluteeniton-ERIK" not in html  # Erik cancelled
    assert "Ruokavalio" not in group(html, "jonossa") + group(html, "peruneet")


def test_the_counts_by_organisation_type_and_region(app: Flask, seminar) -> None:
    html = (
        organiser_client(app)
        .get(f"/hallinta/tapahtumat/{seminar.id}/osallistujat")
        .get_data(as_text=True)
    )

    def rows(table_id: str) -> dict[str, int]:
        table = group(html, table_id)
        cells = re.findall(r'<th scope="row">([^<]*)</th><td class="num">(\d+)</td>', table)
        return {label: int(number) for label, number in cells}

    assert rows("tyypit") == {
        "Yliopisto tai tutkimuslaitos": 1,
        "Yritys": 1,
        "Kunta tai kaupunki": 1,
        "Ministeriö tai valtion virasto": 1,
    }
    assert rows("alueet") == {"Uusimaa": 1, "Pirkanmaa": 2, "Valtakunnallinen": 1}


def test_the_check_in_list_holds_only_people_with_a_seat_by_name(app: Flask, seminar) -> None:
    response = organiser_client(app).get(f"/hallinta/tapahtumat/{seminar.id}/ilmoittautumislista")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    table = re.search(r'<table class="data-table check-in-list">(.*?)</table>', html, re.S)
    assert table
    names = re.findall(
        r'<span class="check-box" aria-hidden="true"></span></td><td>([^<]*)</td>', table.group(1)
    )
    assert names == ["Anna Aalto", "Tampereen kaupunki", "Vesihiisi"]
    for absent in ("Greta Grön", "Dan Dahl", "Frida From", "Erik Ek"):
        assert absent not in html


def test_the_css_prints_the_check_in_list_alone(app: Flask) -> None:
    css = open(app.static_folder + "/css/site.css", encoding="utf-8").read()  # noqa: SIM115
    printing = css[css.rindex("@media print") :]
    assert ".no-print" in printing and ".check-in-list" in printing


def test_the_csv_reads_back_with_the_export_name_rules(app: Flask, seminar) -> None:
    response = organiser_client(app).get(
        f"/moderointi/vienti/tapahtuma/{seminar.id}/osallistujat.csv"
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert [(r["group_code"], r["name"]) for r in rows] == [
        ("onsite", "Anna Aalto"),
        ("onsite", "Tampereen kaupunki"),
        ("onsite", "Osallistuja 1"),  # a pseudonym, as in comment exports
        ("remote", "Greta Grön"),
        ("waiting", "Dan Dahl"),
        ("waiting", "Frida From"),
        ("cancelled", "Erik Ek"),
    ]
    by_name = {r["name"]: r for r in rows}
    assert by_name["Osallistuja 1"]["organisation"] == ""  # beside a pseudonym it would tell
    assert by_name["Osallistuja 1"]["dietary"] == "'=HYPERLINK(1)"  # neutralised
    assert by_name["Anna Aalto"]["organisation_type_code"] == "research"
    assert by_name["Anna Aalto"]["region"] == "Uusimaa"
    assert by_name["Anna Aalto"]["interpretation"] == "kyllä"
    assert by_name["Erik Ek"]["dietary"] == "" and by_name["Erik Ek"]["cancelled_at"]
    assert [by_name["Dan Dahl"]["waiting_position"], by_name["Frida From"]["waiting_position"]] == [
        "1",
        "2",
    ]
    assert by_name["Greta Grön"]["accessibility"] == "Tekstitys"


def test_the_xlsx_reads_back(app: Flask, seminar) -> None:
    response = organiser_client(app).get(
        f"/moderointi/vienti/tapahtuma/{seminar.id}/osallistujat.xlsx"
    )
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    sheet = book.worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    header = list(values[0])
    rows = [dict(zip(header, row, strict=True)) for row in values[1:]]
    assert [r["name"] for r in rows] == [
        "Anna Aalto",
        "Tampereen kaupunki",
        "Osallistuja 1",
        "Greta Grön",
        "Dan Dahl",
        "Frida From",
        "Erik Ek",
    ]
    assert rows[2]["dietary"] == "'=HYPERLINK(1)"
    assert rows[4]["waiting_position"] == 1 and rows[5]["waiting_position"] == 2
    assert rows[0]["registered_at"].year >= 2026  # a real date


@pytest.mark.parametrize(
    "path",
    [
        "/hallinta/tapahtumat/{id}/osallistujat",
        "/hallinta/tapahtumat/{id}/ilmoittautumislista",
        "/moderointi/vienti/tapahtuma/{id}/osallistujat.csv",
        "/moderointi/vienti/tapahtuma/{id}/osallistujat.xlsx",
    ],
)
def test_participants_and_visitors_get_none_of_the_organisers_pages(
    app: Flask, seminar, path: str
) -> None:
    participant = app.test_client()
    login_as(participant, "anna@example.fi")
    assert participant.get(path.format(id=seminar.id)).status_code in (403, 404)
    visitor = app.test_client().get(path.format(id=seminar.id))
    assert visitor.status_code in (302, 403, 404)
    assert "Vegaani" not in visitor.get_data(as_text=True)
    # An event of another workspace, or none, is not found even for its organisers.
    assert organiser_client(app).get(path.format(id=seminar.id + 999)).status_code == 404


def test_the_list_takes_a_fixed_number_of_queries(
    app: Flask, workspace, organiser, count_queries
) -> None:
    event = make_event(workspace, organiser, capacity=30, ask_dietary=True)
    client = organiser_client(app)
    path = f"/hallinta/tapahtumat/{event.id}/osallistujat"

    def grow_to(people: int, start: int) -> int:
        for number in range(start, people):
            sign_up(
                app,
                event,
                f"osallistuja{number}@example.fi",
                REMOTE if number % 5 == 0 else ONSITE,
                display_name=f"Osallistuja {number:02}",
                name_display=NameDisplay.FULL_NAME,
                organisation_type="municipality",
                region="uusimaa",
            )
        client.get(path)
        with count_queries() as counter:
            response = client.get(path)
        assert response.status_code == 200
        assert response.get_data(as_text=True).count('data-label="Nimi"') == people
        return len(counter.statements)

    small = grow_to(5, 0)
    large = grow_to(60, 5)  # 12 remote, 30 seats, 18 waiting
    assert small == large <= 5, (small, large)


def test_a_profile_lists_the_persons_registrations(app: Flask, workspace, organiser) -> None:
    full = make_event(workspace, organiser, title="Työpaja Tampereella", capacity=1)
    seminar = make_event(workspace, organiser, title="Loppuseminaari")
    make_user("eka@example.fi", profile_completed=True)
    first = app.test_client()
    login_as(first, "eka@example.fi")
    post_form(first, f"/tapahtumat/{full.id}", f"/tapahtumat/{full.id}/ilmoittaudu", mode="onsite")
    make_user("toka@example.fi", profile_completed=True)
    second = app.test_client()
    login_as(second, "toka@example.fi")
    for event, mode in ((full, "onsite"), (seminar, "remote")):
        post_form(
            second, f"/tapahtumat/{event.id}", f"/tapahtumat/{event.id}/ilmoittaudu", mode=mode
        )
    html = second.get("/profiili").get_data(as_text=True)
    assert "Ilmoittautumisesi" in html
    assert f'href="/tapahtumat/{full.id}"' in html and f'href="/tapahtumat/{seminar.id}"' in html
    assert "Jonossa sijalla 1" in html and "Etäosallistuja" in html
    assert "Paikka paikan päällä" in first.get("/profiili").get_data(as_text=True)
    post_form(second, f"/tapahtumat/{seminar.id}", f"/tapahtumat/{seminar.id}/peru")
    assert "Peruttu" in second.get("/profiili").get_data(as_text=True)
    nobody = make_user("kolmas@example.fi", profile_completed=True)
    third = app.test_client()
    login_as(third, nobody.email)
    assert "Ilmoittautumisesi" not in third.get("/profiili").get_data(as_text=True)
