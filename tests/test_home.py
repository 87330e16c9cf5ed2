"""The study at a glance: the phases moderators edit and the home page that shows them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.factories import make_page, make_user, make_workspace
from tests.helpers import login_as, post_form, submit_again, submit_form
from valuma_space.extensions import db
from valuma_space.workspaces.models import Phase, PhaseStatus, Workspace, phase_status
from valuma_space.workspaces.services import local_today

PHASES = "/hallinta/vaiheet"


def _phase(workspace: Workspace, title: str, starts: date, ends: date, **fields: object) -> Phase:
    last = len(workspace.phases)
    phase = Phase(
        workspace_id=workspace.id,
        position=last + 1,
        title=title,
        starts_on=starts,
        ends_on=ends,
        **fields,
    )
    db.session.add(phase)
    db.session.commit()
    db.session.refresh(workspace)
    return phase


def _titles() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(Phase.title).order_by(Phase.position)))


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2019, 4, 30), PhaseStatus.NEXT),
        (date(2019, 5, 1), PhaseStatus.NOW),  # the first day belongs to the phase
        (date(2019, 6, 15), PhaseStatus.NOW),
        (date(2019, 8, 31), PhaseStatus.NOW),  # and so does the last
        (date(2019, 9, 1), PhaseStatus.DONE),
    ],
)
def test_a_phase_status_comes_from_its_dates(today: date, expected: PhaseStatus) -> None:
    assert phase_status(date(2019, 5, 1), date(2019, 8, 31), today) == expected


def test_a_one_day_event_is_under_way_on_its_day() -> None:
    seminar = date(2020, 2, 13)
    assert phase_status(seminar, seminar, seminar) == PhaseStatus.NOW
    assert phase_status(seminar, seminar, seminar + timedelta(days=1)) == PhaseStatus.DONE


def test_a_moderator_adds_edits_orders_and_deletes_phases(
    app: Flask, moderator: FlaskClient
) -> None:
    make_workspace()
    response = post_form(
        moderator,
        PHASES,
        title="Vaihe 1: tilannekuva",
        starts_on="2026-05-01",
        ends_on="2026-08-31",
        description="Uudistukset ja alueiden tilanne.",
        link="/osio/vaihe-1",
    )
    assert response.status_code == 302
    post_form(
        moderator, PHASES, title="Loppuseminaari", starts_on="2027-02-13", ends_on="2027-02-13"
    )
    assert _titles() == ["Vaihe 1: tilannekuva", "Loppuseminaari"]
    listing = moderator.get(PHASES).get_data(as_text=True)
    assert "Vaihe 1: tilannekuva" in listing and "/osio/vaihe-1" in listing

    first = db.session.scalars(select(Phase).order_by(Phase.position)).first()
    edited = submit_form(
        moderator, f"{PHASES}/{first.id}", "phase-form", title="Vaihe 1: uudistukset"
    )
    assert edited.status_code == 302
    assert _titles() == ["Vaihe 1: uudistukset", "Loppuseminaari"]

    post_form(moderator, PHASES, action=f"{PHASES}/{first.id}/siirra", suunta="myohemmaksi")
    assert _titles() == ["Loppuseminaari", "Vaihe 1: uudistukset"]
    post_form(moderator, PHASES, action=f"{PHASES}/{first.id}/siirra", suunta="aiemmaksi")
    assert _titles() == ["Vaihe 1: uudistukset", "Loppuseminaari"]

    post_form(moderator, PHASES, action=f"{PHASES}/{first.id}/poista")
    assert _titles() == ["Loppuseminaari"]


def test_a_phase_with_bad_input_comes_back_filled_in_with_finnish_errors(
    app: Flask, moderator: FlaskClient
) -> None:
    make_workspace()
    response = post_form(
        moderator,
        PHASES,
        title="Vaihe 2",
        starts_on="2026-09-01",
        ends_on="2026-08-01",
        description="Haastattelut.",
        link="javascript:alert(1)",
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Vaihe voi päättyä aikaisintaan alkamispäivänään." in html
    assert "Linkin pitää olla tämän sivuston osoite" in html
    assert 'value="Vaihe 2"' in html and 'value="2026-09-01"' in html and "Haastattelut." in html
    assert _titles() == []

    fixed = submit_again(
        moderator,
        response,
        "phase-form",
        ends_on="2026-10-31",
        link="https://valuma.example/vaihe-2",
    )
    assert fixed.status_code == 302
    assert _titles() == ["Vaihe 2"]


@pytest.mark.parametrize(
    "link",
    ["//evil.example/x", "data:text/html,x", "mailto:a@b.fi", "http://", "/\\evil.example"],
)
def test_only_site_paths_and_web_addresses_are_links(
    app: Flask, moderator: FlaskClient, link: str
) -> None:
    make_workspace()
    response = post_form(
        moderator, PHASES, title="Vaihe", starts_on="2026-01-01", ends_on="2026-01-02", link=link
    )
    assert response.status_code == 400
    assert _titles() == []


def test_a_missing_or_mistyped_date_is_told_in_finnish(app: Flask, moderator: FlaskClient) -> None:
    make_workspace()
    html = post_form(moderator, PHASES, title="Vaihe", starts_on="", ends_on="31.12.2026").get_data(
        as_text=True
    )
    assert "Anna vaiheen alkamispäivä." in html
    assert "Kirjoita päivämäärä muodossa vvvv-kk-pp" in html
    assert "Not a valid" not in html


def test_participants_and_visitors_cannot_touch_phases(app: Flask, client: FlaskClient) -> None:
    workspace = make_workspace()
    phase = _phase(workspace, "Vaihe 1", date(2026, 1, 1), date(2026, 2, 1))
    assert client.get(PHASES).status_code in {302, 401}
    make_user("osallistuja@kunta.fi", profile_completed=True)
    login_as(client, "osallistuja@kunta.fi")
    assert client.get(PHASES).status_code == 403
    for path, data in [
        (PHASES, {"title": "X", "starts_on": "2026-01-01", "ends_on": "2026-01-01"}),
        (
            f"{PHASES}/{phase.id}",
            {"title": "X", "starts_on": "2026-01-01", "ends_on": "2026-01-01"},
        ),
        (f"{PHASES}/{phase.id}/poista", {}),
        (f"{PHASES}/{phase.id}/siirra", {"suunta": "aiemmaksi"}),
    ]:
        assert post_form(client, "/profiili", action=path, **data).status_code == 403
    assert _titles() == ["Vaihe 1"]


def test_the_moderators_navigation_links_to_the_phases(app: Flask, moderator: FlaskClient) -> None:
    make_workspace()
    assert f'href="{PHASES}"' in moderator.get("/hallinta/asetukset").get_data(as_text=True)


def test_the_home_page_shows_the_timeline_with_status_in_words(
    app: Flask, client: FlaskClient
) -> None:
    workspace = make_workspace()
    today = local_today()
    _phase(workspace, "Esiselvitys", today - timedelta(days=60), today - timedelta(days=30))
    _phase(
        workspace,
        "Haastattelut",
        today - timedelta(days=5),
        today + timedelta(days=20),
        link="/osio/haastattelut",
    )
    _phase(workspace, "Loppuseminaari", today + timedelta(days=90), today + timedelta(days=90))
    html = client.get("/").get_data(as_text=True)
    assert 'class="timeline"' in html
    timeline = html[html.index('class="timeline"') :]
    done, now, upcoming = (
        timeline.index(t) for t in ("Esiselvitys", "Haastattelut", "Loppuseminaari")
    )
    assert done < now < upcoming
    assert "Päättynyt" in timeline[: done + 400] or "Päättynyt" in timeline[:now]
    assert 'aria-current="step"' in timeline[: now + 10] and 'href="/osio/haastattelut"' in timeline
    assert "Käynnissä" in timeline and "Tulossa" in timeline
    # At a glance: the phase under way, and the comment period's end.
    glance = html[html.index('class="glance"') : html.index('class="timeline"')]
    assert "Haastattelut" in glance and "Esiselvitys" not in glance
    assert "auki kommenteille" in glance


def test_visitors_are_asked_to_sign_in_and_signed_in_people_are_not(
    app: Flask, client: FlaskClient
) -> None:
    make_workspace()
    html = client.get("/").get_data(as_text=True)
    assert 'class="button button-large" href="/kirjaudu?next=/"' in html
    assert "Kirjaudu ja osallistu" in html
    make_user("osallistuja@kunta.fi", profile_completed=True)
    login_as(client, "osallistuja@kunta.fi")
    assert "Kirjaudu ja osallistu" not in client.get("/").get_data(as_text=True)


def _home_queries(client: FlaskClient, count_queries) -> int:
    client.get("/")  # warm up: translations and templates
    with count_queries() as counter:
        assert client.get("/").status_code == 200
    return counter.count


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_home_page_takes_a_fixed_number_of_queries(
    app: Flask, client: FlaskClient, count_queries, signed_in: bool
) -> None:
    workspace = make_workspace(organisers="MDI\nNordregio", accent_color="#1d7a4f")
    make_page(workspace, sections=2)
    _phase(workspace, "Vaihe 1", date(2026, 1, 1), date(2026, 2, 1))
    if signed_in:
        make_user("osallistuja@kunta.fi", profile_completed=True)
        login_as(client, "osallistuja@kunta.fi")
    small = _home_queries(client, count_queries)
    for _ in range(4):
        make_page(workspace, sections=3)
    for number in range(6):
        _phase(workspace, f"Vaihe {number + 2}", date(2026, 3, 1), date(2026, 4, 1))
    large = _home_queries(client, count_queries)
    assert small == large, (small, large)
