from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.factories import make_comment, make_user
from tests.helpers import login_as, save_section, submit_form_by_name
from valuma_space.auth.choices import OrganisationType
from valuma_space.auth.models import Role, User
from valuma_space.comments.models import Agreement, Comment, CommentKind, TriageStatus, Visibility
from valuma_space.demo.builder import DEMO_COMMENT_DAYS
from valuma_space.demo.discussion import (
    ALTERNATIVES,
    CRITERIA,
    DAYS_BEFORE_BUILD,
    DISCUSSION,
    MODERATOR,
    STAKEHOLDERS,
    THEMES,
    Say,
    all_comments,
)
from valuma_space.demo.questions import RESPONDENTS
from valuma_space.extensions import db
from valuma_space.i18n import local_zone
from valuma_space.mail.models import OutboxMessage
from valuma_space.materials.models import Page, Section, SectionVersion
from valuma_space.materials.plaintext import plain_text
from valuma_space.modeldesign.models import (
    Alternative,
    AlternativeKind,
    Assessment,
    CommentLink,
    Criterion,
    Stance,
    Theme,
    comment_themes,
)
from valuma_space.moderation import services as moderation
from valuma_space.moderation.models import ModerationLogEntry, Report
from valuma_space.notifications.models import Notification
from valuma_space.workspaces.models import Invitation, ReadingAccess, Workspace

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


COUNTED = (Workspace, Page, Section, SectionVersion, User, Comment, Notification, Alternative)
COUNTED += (Criterion, Theme, CommentLink, Assessment, ModerationLogEntry)


def _counts() -> list[int]:
    counted = [db.session.scalar(select(func.count(model.id))) for model in COUNTED]
    counted.append(db.session.scalar(select(func.count()).select_from(Agreement)))
    counted.append(db.session.scalar(select(func.count()).select_from(comment_themes)))
    return counted  # type: ignore[return-value]


def test_demo_is_safe_to_run_twice(app: Flask) -> None:
    first = _run_demo(app)
    assert f"{len(STAKEHOLDERS)} stakeholders ({len(STAKEHOLDERS)} new)" in first
    assert f"{len(all_comments())} comments" in first and "fictional" in first
    counts = _counts()
    second = _run_demo(app)
    assert "0 added, nothing existing changed" in second
    assert "comments" not in second  # no discussion added, and none claimed
    db.session.expire_all()
    assert counts == _counts()


def test_the_demo_discussion_looks_like_a_consultation(app: Flask) -> None:
    """Stakeholders of every organisation type from a dozen regions; threads several replies
    deep over nearly every section, with quotes of the section's own text and agreements; the
    model design built from them; one comment hidden with a reason and two waiting."""
    _run_demo(app)
    workspace = db.session.scalars(select(Workspace)).one()
    people = list(db.session.scalars(select(User).where(User.role == Role.PARTICIPANT)))
    # The stakeholders, and the people who answered the demo's questions without commenting.
    assert len(people) == len(STAKEHOLDERS) + len(RESPONDENTS) and len(STAKEHOLDERS) >= 18
    assert {person.organisation_type for person in people} == set(OrganisationType)
    assert len({person.region for person in people}) >= 12
    assert all(p.display_name and p.organisation and p.email.endswith(".example") for p in people)
    assert not any(p.mail_replies or p.mail_moderation for p in people)  # invented: no mail

    comments = list(db.session.scalars(select(Comment)))
    by_id = {comment.id: comment for comment in comments}
    assert 75 <= len(comments) <= 90
    replies = [c for c in comments if c.parent_id is not None]
    assert len(replies) >= 35

    def depth(comment: Comment) -> int:
        return 0 if comment.parent_id is None else 1 + depth(by_id[comment.parent_id])

    assert max(depth(c) for c in comments) >= 3
    assert all(c.created_at > by_id[c.parent_id].created_at for c in replies)
    now = datetime.now(UTC)
    assert all(workspace.comments_open_at <= c.created_at < now for c in comments)
    assert len({c.created_at.date() for c in comments}) >= 14  # spread over the weeks
    assert all(c.body_text and c.body_html for c in comments)
    assert {c.kind for c in comments} == set(CommentKind)
    assert sum(c.by_moderator for c in comments) >= 10

    sections = {s.id: s for s in db.session.scalars(select(Section))}
    quoted = [c for c in comments if c.quote]
    assert len(quoted) >= 20
    for comment in quoted:
        assert comment.quote in plain_text(sections[comment.section_id].body_markdown), (
            comment.quote
        )
    study_sections = [s for s in sections.values() if s.page.slug != "mallivaihtoehdot"]
    discussed = {c.section_id for c in comments}
    assert len(discussed & {s.id for s in study_sections}) >= 0.8 * len(study_sections)

    agreements = list(db.session.scalars(select(Agreement)))
    assert len(agreements) >= 60
    assert all(a.user_id != by_id[a.comment_id].author_id for a in agreements)
    assert sum(c.agree_count for c in comments) == len(agreements)

    hidden = [c for c in comments if c.visibility == Visibility.HIDDEN]
    assert len(hidden) == 1 and hidden[0].moderation_reason
    pending = [c for c in comments if c.visibility == Visibility.PENDING]
    assert len(pending) == 2 and all(c.published_at is None for c in pending)
    assert not workspace.pre_moderation
    assert db.session.scalars(select(Report)).one().comment_id == hidden[0].id

    alternatives = list(db.session.scalars(select(Alternative)))
    kinds = [a.kind for a in alternatives]
    assert 3 <= kinds.count(AlternativeKind.OPERATING_MODEL) <= 4
    assert 2 <= kinds.count(AlternativeKind.FUNDING_OPTION) <= 3
    assert any(a.shown_to_participants and a.section_id for a in alternatives)
    assert db.session.scalar(select(func.count(Criterion.id))) >= 4
    links = list(db.session.scalars(select(CommentLink)))
    assert len(links) >= 15 and len({link.stance for link in links}) == len(Stance)
    assert sum(link.criterion_id is not None for link in links) >= 10
    assert all(by_id[link.comment_id].triage_status == TriageStatus.USED for link in links)
    assessments = list(db.session.scalars(select(Assessment)))
    assert len(assessments) >= 5 and all(a.reason for a in assessments)
    tagged = db.session.scalar(select(func.count(func.distinct(comment_themes.c.comment_id))))
    assert tagged >= 20 and db.session.scalar(select(func.count(Theme.id))) >= 5
    # Invited, with the type and region the participation page compares: the stakeholders and
    # some who have not registered; nobody invented is sent a mail.
    invitations = list(db.session.scalars(select(Invitation)))
    registered = set(db.session.scalars(select(User.email)))
    assert len(invitations) >= 30
    assert all(i.organisation_type and i.region for i in invitations)
    assert 10 <= sum(i.email not in registered for i in invitations) < len(invitations)
    assert not db.session.scalar(select(func.count(OutboxMessage.id)))
    # Nothing waits to be mailed about weeks-old events.
    assert not db.session.scalar(
        select(func.count(Notification.id)).where(Notification.waiting_for_mail)
    )


def test_the_discussion_data_is_consistent() -> None:
    """Without a database: nobody agrees with themselves, replies come after what they answer,
    and every key names somebody or something that exists."""
    keys = {person.key for person in STAKEHOLDERS} | {MODERATOR}
    assert len({person.email for person in STAKEHOLDERS}) == len(STAKEHOLDERS)
    alternative_keys = {alternative.key for alternative in ALTERNATIVES}

    def check(say: Say, after: tuple[int, str] | None) -> None:
        assert say.by in keys and set(say.agree) <= keys - {say.by, MODERATOR}
        assert len(set(say.agree)) == len(say.agree)
        assert set(say.themes) <= set(THEMES)
        assert all(link.alternative in alternative_keys for link in say.links)
        assert all(link.criterion in CRITERIA for link in say.links if link.criterion)
        assert 0 <= say.day < DAYS_BEFORE_BUILD
        if after is not None:
            assert (say.day, say.at) > after, say.body[:40]
        for reply in say.replies:
            check(reply, (say.day, say.at))

    for threads in DISCUSSION.values():
        for say in threads:
            check(say, None)


def test_the_discussion_is_added_only_to_a_workspace_without_comments(app: Flask) -> None:
    """A moderator's decisions survive the next `make run`: an approved comment stays approved,
    the hidden one restored stays visible, a renamed alternative keeps its name, and nothing
    is added beside them."""
    _run_demo(app)
    moderator = db.session.scalars(
        select(User).where(User.email == "moderaattori@valuma.example")
    ).one()
    waiting = db.session.scalars(
        select(Comment).where(Comment.visibility == Visibility.PENDING).order_by(Comment.id)
    ).first()
    hidden = db.session.scalars(
        select(Comment).where(Comment.visibility == Visibility.HIDDEN)
    ).one()
    moderation.approve(waiting, moderator)
    moderation.restore(hidden, moderator)
    alternative = db.session.scalars(select(Alternative).order_by(Alternative.id)).first()
    alternative.title = "Kevyt yhteistyöfoorumi, tarkennettu"
    db.session.commit()
    counts = _counts()

    _run_demo(app)
    db.session.expire_all()
    assert db.session.get(Comment, waiting.id).visibility == Visibility.VISIBLE
    assert db.session.get(Comment, hidden.id).visibility == Visibility.VISIBLE
    assert db.session.get(Alternative, alternative.id).title.endswith("tarkennettu")
    assert counts == _counts()


def test_no_discussion_is_added_while_commenting_is_closed(app: Flask) -> None:
    workspace = Workspace(
        slug="valuma",
        title="VALUMA",
        summary="",
        reading_access=ReadingAccess.PUBLIC,
        closed_by_hand=True,
    )
    db.session.add(workspace)
    db.session.commit()
    output = _run_demo(app)
    assert "Commenting is closed in the demo workspace: no discussion added." in output
    assert db.session.scalar(select(func.count(Comment.id))) == 0


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
    demo_comments = len(all_comments())
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["valuma", "demo", "--rebuild"], input="n\n")
    assert refused.exit_code == 1 and "Aborted" in refused.output
    assert f"{demo_comments + 1} comments" in refused.output
    assert "Accounts stay" in refused.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Comment.id))) == demo_comments + 1
    uploads = Path(app.config["UPLOAD_DIR"])
    files_before = set(uploads.iterdir())
    assert files_before  # the demo's diagram, in its widths
    done = runner.invoke(args=["valuma", "demo", "--rebuild"], input="y\n")
    assert done.exit_code == 0, done.output
    # The old diagram's files went with their workspace; the new build drew its own.
    assert not files_before & set(uploads.iterdir())
    assert "Created the VALUMA demo workspace" in done.output
    # The invented stakeholders' accounts stayed too, and write the discussion anew.
    assert f"{len(STAKEHOLDERS)} stakeholders (0 new)" in done.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Comment.id))) == demo_comments
    assert db.session.scalar(select(func.count(Workspace.id))) == 1
    assert db.session.scalars(select(User.email).where(User.email == "maija@kunta.fi")).one()


def test_the_demo_says_what_it_is_and_its_period_opened_three_weeks_ago(app: Flask, client) -> None:
    """The comment period opened DAYS_BEFORE_BUILD days before the build, so that the invented
    discussion has had its first weeks; the summary says the discussion is invented."""
    _run_demo(app)
    workspace = db.session.scalars(select(Workspace)).one()
    zone = ZoneInfo("Europe/Helsinki")
    opened = workspace.comments_open_at.astimezone(zone)
    today = datetime.now(zone).date()
    assert opened.date() == today - timedelta(days=DAYS_BEFORE_BUILD) and opened.hour == 0
    html = client.get("/").get_data(as_text=True)
    assert "Tämä on esittely, joka toistaa vuosina 2019–2020 tehdyn selvityksen" in html
    assert "Keskustelu on keksitty esittelyä varten" in html
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
    workspace = db.session.scalars(select(Workspace)).one()
    assert workspace.comments_open_at is not None
    opened = workspace.comments_open_at.astimezone(local_zone()).date()
    # The study began on 1.5.2019, which falls on the day the comment period opened.
    assert phases[0].starts_on == opened < today and phases[0].status(today) == PhaseStatus.NOW
    assert [phase.status(today) for phase in phases[1:]] == [PhaseStatus.NEXT] * 3
    # 13.2.2020 was 288 days after the study began; the seminar lasts a day.
    assert phases[-1].starts_on == phases[-1].ends_on == opened + timedelta(days=288)
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
