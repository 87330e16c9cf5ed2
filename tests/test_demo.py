from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.factories import make_comment, make_user
from tests.helpers import login_as, save_section, submit_form_by_name
from valuma_space.auth.models import Role, User
from valuma_space.comments.models import Comment
from valuma_space.demo.builder import DEMO_COMMENT_DAYS
from valuma_space.extensions import db
from valuma_space.materials.models import Page, Section, SectionVersion
from valuma_space.workspaces.models import ReadingAccess, Workspace

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "valuma-hanke.txt"


def _run_demo(app: Flask) -> str:
    result = app.test_cli_runner().invoke(args=["valuma", "demo"])
    assert result.exit_code == 0, result.output
    return result.output


def test_demo_builds_the_study_workspace(app: Flask, client: FlaskClient) -> None:
    output = _run_demo(app)
    assert "moderaattori@valuma.example" in output and "admin@valuma.example" in output
    workspace = db.session.scalars(select(Workspace)).one()
    assert workspace.reading_access == ReadingAccess.PUBLIC
    assert workspace.accepts_comments()
    zone = ZoneInfo("Europe/Helsinki")
    # Midnight to midnight in Helsinki, whatever the clock change in between does in UTC.
    opened, closes = (
        moment.astimezone(zone)
        for moment in (workspace.comments_open_at, workspace.comments_close_at)
    )
    assert closes.date() - opened.date() == timedelta(days=DEMO_COMMENT_DAYS)
    assert (opened.hour, closes.hour) == (0, 0)
    assert db.session.scalar(select(func.count(Page.id))) >= 3
    assert db.session.scalar(select(func.count(Section.id))) >= 8
    roles = dict(db.session.execute(select(User.email, User.role)).all())
    assert roles["moderaattori@valuma.example"] == Role.MODERATOR
    assert roles["admin@valuma.example"] == Role.ADMIN

    html = client.get("/").get_data(as_text=True)
    assert "Aluekehittämisen verkostoyhteistyön toimintamalli" in html
    assert '<html lang="fi">' in html


def test_demo_is_safe_to_run_twice(app: Flask) -> None:
    _run_demo(app)
    counts = [
        db.session.scalar(select(func.count(model.id)))
        for model in (Workspace, Page, Section, SectionVersion, User)
    ]
    second = _run_demo(app)
    assert "0 added, nothing existing changed" in second
    db.session.expire_all()
    assert counts == [
        db.session.scalar(select(func.count(model.id)))
        for model in (Workspace, Page, Section, SectionVersion, User)
    ]


def test_running_the_demo_again_keeps_what_the_moderators_did(app: Flask) -> None:
    """`make run` runs the demo builder every time: an edit published, commenting closed by
    hand, another comment period and reading for signed-in people only all survive it."""
    _run_demo(app)
    moderator = app.test_client()
    login_as(moderator, "moderaattori@valuma.example")
    section = db.session.scalars(select(Section).where(Section.slug == "paatavoitteet")).one()
    edited = section.body_markdown + "\n\nLisätty kappale, jonka moderaattori julkaisi."
    assert save_section(moderator, section, "publish", section.heading, edited).status_code == 303
    opens, closes = "2027-01-05T09:00", "2027-03-31T16:00"
    response = submit_form_by_name(
        moderator,
        "/hallinta/asetukset",
        {
            "comments_open_at": opens,
            "comments_close_at": closes,
            "closed_by_hand": "y",
            "reading_access": "signed_in",
        },
    )
    assert response.status_code == 302
    page = db.session.scalars(select(Page).where(Page.slug == "tausta")).one()
    page.title = "Tausta ja tavoitteet"  # a page renamed (through the service the editor uses)
    db.session.commit()

    _run_demo(app)
    db.session.expire_all()
    section = db.session.get(Section, section.id)
    assert section.body_markdown == edited and section.version == 2
    assert [v.number for v in section.versions] == [1, 2]
    workspace = db.session.scalars(select(Workspace)).one()
    assert workspace.closed_by_hand and workspace.reading_access == ReadingAccess.SIGNED_IN
    zone = ZoneInfo("Europe/Helsinki")
    assert workspace.comments_open_at.astimezone(zone).strftime("%Y-%m-%dT%H:%M") == opens
    assert workspace.comments_close_at.astimezone(zone).strftime("%Y-%m-%dT%H:%M") == closes
    assert db.session.get(Page, page.id).title == "Tausta ja tavoitteet"
    assert "Lisätty kappale" in moderator.get(f"/osio/{section.slug}").get_data(as_text=True)


def test_a_rebuild_says_what_it_removes_and_asks_first(app: Flask) -> None:
    _run_demo(app)
    section = db.session.scalars(select(Section).where(Section.slug == "paatavoitteet")).one()
    make_comment(section, make_user("maija@kunta.fi", profile_completed=True), "Kommentti.")
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["valuma", "demo", "--rebuild"], input="n\n")
    assert refused.exit_code == 1 and "Aborted" in refused.output
    assert "1 comments" in refused.output and "Accounts stay" in refused.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Comment.id))) == 1
    uploads = Path(app.config["UPLOAD_DIR"])
    files_before = set(uploads.iterdir())
    assert files_before  # the demo's diagram, in its widths
    done = runner.invoke(args=["valuma", "demo", "--rebuild"], input="y\n")
    assert done.exit_code == 0, done.output
    # The old diagram's files went with their workspace; the new build drew its own.
    assert not files_before & set(uploads.iterdir())
    assert "Created the VALUMA demo workspace" in done.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Comment.id))) == 0
    assert db.session.scalar(select(func.count(Workspace.id))) == 1
    assert db.session.scalars(select(User.email).where(User.email == "maija@kunta.fi")).one()


def test_the_demo_says_what_it_is_and_its_dates_start_today(app: Flask, client) -> None:
    _run_demo(app)
    workspace = db.session.scalars(select(Workspace)).one()
    zone = ZoneInfo("Europe/Helsinki")
    opened = workspace.comments_open_at.astimezone(zone)
    assert opened.date() == datetime.now(zone).date() and opened.hour == 0
    html = client.get("/").get_data(as_text=True)
    assert "Tämä on esittely, joka toistaa vuosina 2019–2020 tehdyn selvityksen" in html
    questions = client.get("/sivu/kysymykset").get_data(as_text=True)
    assert "neljää kysymystä; viides osio" in questions
    privacy = client.get("/tietosuoja").get_data(as_text=True)
    assert "localhost" not in privacy and "tietosuoja@valuma.example" in privacy


def test_demo_covers_what_the_study_description_says(app: Flask) -> None:
    """Aims, questions, the three phases, the consortium, the timeline and the final seminar,
    each fact as the description states it."""
    _run_demo(app)
    seed = " ".join(SEED.read_text(encoding="utf-8").split()) if SEED.exists() else None
    text = " ".join(" ".join(s.body_markdown for s in db.session.scalars(select(Section))).split())
    facts = [
        "kartoittaa vaihtoehdot aluekehittämisen verkostoyhteistyön toimintamalleista ja rahoitusvaihtoehdoista",
        "millainen ennakkoarviointikehikko verkostomaiselle toimintatavalle voidaan luoda",
        "Forefront Oy",
        "Nordregio",
        "MAL- ja seutukaupunkiverkostot",
        "5/2019 – 2/2020",
        "13.2.2020",
        "Aleksanterinkatu 7, Pankkisali",
        "syyskuussa 2019",
    ]
    for fact in facts:
        assert fact.lower() in text.lower(), fact
        if seed:
            assert fact.lower() in seed.lower(), f"not in the study description: {fact}"


def test_demo_lays_the_studys_phases_over_its_period(app: Flask, client: FlaskClient) -> None:
    from valuma_space.workspaces.models import Phase, PhaseStatus
    from valuma_space.workspaces.services import local_today

    _run_demo(app)
    phases = list(db.session.scalars(select(Phase).order_by(Phase.position)))
    assert [phase.title.split(":")[0] for phase in phases] == [
        "Vaihe 1",
        "Vaihe 2",
        "Vaihe 3",
        "Loppuseminaari",
    ]
    today = local_today()
    assert phases[0].starts_on == today and phases[0].status(today) == PhaseStatus.NOW
    assert [phase.status(today) for phase in phases[1:]] == [PhaseStatus.NEXT] * 3
    # 13.2.2020 was 288 days after the study began on 1.5.2019; the seminar lasts a day.
    assert phases[-1].starts_on == phases[-1].ends_on == today + timedelta(days=288)
    sections = set(db.session.scalars(select(Section.slug)))
    for phase in phases:
        assert phase.link.removeprefix("/osio/") in sections, phase.link
        assert client.get(phase.link).status_code == 200

    html = client.get("/").get_data(as_text=True)
    assert "Vaihe 3: toimintamallien muotoilu" in html and "Käynnissä" in html
    footer = html[html.index('class="site-footer"') :]
    assert all(name in footer for name in ["MDI", "Forefront Oy", "Nordregio", "MAL-verkosto"])

    # Its own look: an accent that passes AA, a logo in the header, a cover with its alt text.
    from valuma_space.workspaces.colours import accent_contrast

    workspace = db.session.scalars(select(Workspace)).one()
    assert accent_contrast(workspace.accent_color).passes
    assert f"/tyotila.css?v={workspace.accent_color[1:]}" in html
    assert f'alt="{workspace.cover_alt}"' in html and workspace.cover_alt
    for name in (workspace.logo_image, workspace.cover_image):
        assert client.get(f"/tyotila/kuva/{name}").status_code == 200


def test_demo_keeps_the_phases_moderators_edited(app: Flask) -> None:
    from valuma_space.workspaces.models import Phase

    _run_demo(app)
    phases = list(db.session.scalars(select(Phase).order_by(Phase.position)))
    phases[0].title = "Tilannekuva"
    for phase in phases[1:]:
        db.session.delete(phase)
    db.session.commit()
    _run_demo(app)
    db.session.expire_all()
    assert list(db.session.scalars(select(Phase.title))) == ["Tilannekuva"]
