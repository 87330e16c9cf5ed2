"""Moderation through HTTP: triage, pre-moderation, reports, hiding with reasons, notes, the log."""

from __future__ import annotations

import html as htmllib
import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import insert, select

from tests.factories import make_comment, make_page, make_section, make_user, make_workspace
from tests.helpers import csrf_token, login_as, moderate, post_form, send_as
from valuma_space.auth.choices import OrganisationType, Region
from valuma_space.auth.models import Role
from valuma_space.comments.models import Comment, TriageStatus, Visibility
from valuma_space.db import utcnow
from valuma_space.extensions import db
from valuma_space.i18n import local_zone
from valuma_space.moderation.models import LogAction, ModerationLogEntry, Report


@pytest.fixture
def section(app: Flask):
    workspace = make_workspace()
    page = make_page(workspace, "Tausta")
    return make_section(page, "Päätavoitteet", "Teksti.")


@pytest.fixture
def people(app: Flask):
    return {
        "author": make_user(
            "kirjoittaja@kunta.fi",
            display_name="Kirjoittaja",
            profile_completed=True,
            organisation_type=OrganisationType.MUNICIPALITY,
            region=Region.KAINUU,
        ),
        "other": make_user("toinen@liitto.fi", display_name="Toinen", profile_completed=True),
        "moderator": make_user(
            "moderaattori@valuma.fi",
            display_name="Moderoija",
            role=Role.MODERATOR,
            profile_completed=True,
        ),
        "admin": make_user("admin@valuma.fi", role=Role.ADMIN, profile_completed=True),
    }


def _as(app: Flask, email: str | None) -> FlaskClient:
    client = app.test_client()
    if email:
        login_as(client, email)
    return client


def _section_html(client: FlaskClient, section) -> str:
    return client.get(f"/osio/{section.slug}").get_data(as_text=True)


def test_hiding_with_a_reason_that_participants_see(app: Flask, section, people) -> None:
    comment = make_comment(section, people["author"], "Asiaton teksti")
    moderator = _as(app, people["moderator"].email)
    refused = moderate(moderator, comment.id, "hide", reason="")
    assert refused.status_code == 400 and "Kirjoita perustelu" in refused.get_data(as_text=True)
    assert moderate(moderator, comment.id, "hide", reason="Henkilöön käyvä").status_code == 303
    html = _section_html(_as(app, None), section)
    assert "Asiaton teksti" not in html
    assert "Moderaattori piilotti kommentin: Henkilöön käyvä" in html
    moderate(moderator, comment.id, "restore")
    assert "Asiaton teksti" in _section_html(_as(app, None), section)
    entries = db.session.scalars(
        select(ModerationLogEntry).where(ModerationLogEntry.action == LogAction.VISIBILITY)
    ).all()
    assert [(e.from_value, e.to_value, e.reason) for e in entries] == [
        ("visible", "hidden", "Henkilöön käyvä"),
        ("hidden", "visible", ""),
    ]
    assert entries[0].actor_email == "moderaattori@valuma.fi"


def test_pre_moderation_holds_comments_until_approved(app: Flask, section, people) -> None:
    moderator = _as(app, people["moderator"].email)
    post_form(moderator, "/moderointi/", action="/moderointi/asetukset", pre_moderation="y")
    author = _as(app, people["author"].email)
    post_form(
        author,
        f"/osio/{section.slug}",
        action=f"/osio/{section.slug}/kommentoi",
        body="Odottava kommentti",
    )
    comment = db.session.scalars(select(Comment)).one()
    assert comment.visibility == Visibility.PENDING
    mine = _section_html(author, section)
    assert "Odottava kommentti" in mine and "Odottaa hyväksyntää" in mine
    assert "Odottava kommentti" not in _section_html(_as(app, people["other"].email), section)
    assert "Odottava kommentti" not in _section_html(_as(app, None), section)
    assert "Odottava kommentti" in _section_html(moderator, section)
    assert _as(app, None).get(f"/kommentit/{comment.id}").status_code == 404

    moderate(moderator, comment.id, "approve")
    assert "Odottava kommentti" in _section_html(_as(app, people["other"].email), section)

    # An edit of an approved comment goes back to waiting.
    post_form(
        author,
        f"/kommentit/{comment.id}/muokkaa",
        body="Muutettu kommentti",
        kind="comment",
        quote="",
    )
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).visibility == Visibility.PENDING
    assert "Muutettu kommentti" not in _section_html(_as(app, None), section)


def test_a_rejected_comment_shows_its_reason_to_its_author_only(
    app: Flask, section, people
) -> None:
    section.page.workspace.pre_moderation = True
    db.session.commit()
    author = _as(app, people["author"].email)
    post_form(
        author, f"/osio/{section.slug}", action=f"/osio/{section.slug}/kommentoi", body="Hylättävä"
    )
    comment = db.session.scalars(select(Comment)).one()
    moderator = _as(app, people["moderator"].email)
    assert moderate(moderator, comment.id, "reject", reason="").status_code == 400
    moderate(moderator, comment.id, "reject", reason="Ei liity aiheeseen")
    assert "Moderaattori hylkäsi kommentin: Ei liity aiheeseen" in _section_html(author, section)
    other_view = _section_html(_as(app, people["other"].email), section)
    assert "Ei liity aiheeseen" not in other_view and "Hylättävä" not in other_view


def test_moderators_write_without_waiting_and_with_a_badge(app: Flask, section, people) -> None:
    section.page.workspace.pre_moderation = True
    db.session.commit()
    question = make_comment(section, people["author"], "Kysymys?")
    question.visibility, question.published_at = Visibility.VISIBLE, utcnow()
    db.session.commit()
    moderator = _as(app, people["moderator"].email)
    post_form(
        moderator,
        f"/kommentit/{question.id}/vastaa",
        action=f"/osio/{section.slug}/kommentoi",
        body="Vastaus moderaattorilta",
        parent_id=str(question.id),
    )
    html = _section_html(_as(app, None), section)
    assert "Vastaus moderaattorilta" in html
    assert re.search(r'badge-moderator">Moderaattori<', html)


def test_reports_come_first_and_can_be_dismissed(app: Flask, section, people) -> None:
    old = make_comment(section, people["author"], "Vanha ilmoitettu")
    old.created_at = utcnow() - timedelta(days=3)
    db.session.commit()
    make_comment(section, people["author"], "Uusi tavallinen")
    reporter = _as(app, people["other"].email)
    page = reporter.get(f"/kommentit/{old.id}/ilmoita")
    assert page.status_code == 200
    assert post_form(reporter, f"/kommentit/{old.id}/ilmoita", reason="").status_code == 400
    assert (
        post_form(reporter, f"/kommentit/{old.id}/ilmoita", reason="Loukkaava").status_code == 303
    )
    own = _as(app, people["author"].email)
    assert post_form(own, f"/kommentit/{old.id}/ilmoita", reason="itse").status_code == 400

    moderator = _as(app, people["moderator"].email)
    queue = moderator.get("/moderointi/").get_data(as_text=True)
    assert queue.index("Vanha ilmoitettu") < queue.index("Uusi tavallinen")
    assert "1 ilmoitettu" in queue
    case = moderator.get(f"/moderointi/kommentit/{old.id}").get_data(as_text=True)
    assert "Loukkaava" in case
    moderate(moderator, old.id, "dismiss")
    assert db.session.scalars(select(Report)).one().status == "dismissed"
    queue = moderator.get("/moderointi/").get_data(as_text=True)
    assert queue.index("Uusi tavallinen") < queue.index("Vanha ilmoitettu")


def test_opening_a_comment_reads_it_and_triage_moves_on(app: Flask, section, people) -> None:
    comment = make_comment(section, people["author"], "Käsiteltävä")
    moderator = _as(app, people["moderator"].email)
    moderator.get(f"/moderointi/kommentit/{comment.id}")
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).triage_status == TriageStatus.READ
    moderate(moderator, comment.id, "triage", triage="used")
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).triage_status == TriageStatus.USED
    assert moderate(moderator, comment.id, "triage", triage="bogus").status_code == 400


def test_bulk_triage(app: Flask, section, people) -> None:
    comments = [make_comment(section, people["author"], f"Joukko {n}") for n in range(3)]
    moderator = _as(app, people["moderator"].email)
    page = moderator.get("/moderointi/").get_data(as_text=True)
    response = moderator.post(
        "/moderointi/joukko",
        data={
            "csrf_token": csrf_token(page),
            "ids": [str(c.id) for c in comments[:2]],
            "triage": "out_of_scope",
            "back": "/moderointi/?triage=new",
        },
    )
    assert response.headers["Location"] == "/moderointi/?triage=new"
    db.session.expire_all()
    assert [db.session.get(Comment, c.id).triage_status for c in comments] == [
        TriageStatus.OUT_OF_SCOPE,
        TriageStatus.OUT_OF_SCOPE,
        TriageStatus.NEW,
    ]
    assert (
        len(
            db.session.scalars(
                select(ModerationLogEntry).where(ModerationLogEntry.action == LogAction.TRIAGE)
            ).all()
        )
        == 2
    )


def test_internal_notes_stay_internal(app: Flask, section, people) -> None:
    comment = make_comment(section, people["author"], "Kommentti")
    moderator = _as(app, people["moderator"].email)
    moderate(moderator, comment.id, "note", note="Salainen huomio")
    assert "Salainen huomio" in moderator.get(f"/moderointi/kommentit/{comment.id}").get_data(
        as_text=True
    )
    author = _as(app, people["author"].email)
    assert "Salainen huomio" not in _section_html(author, section)
    assert "Salainen huomio" not in author.get("/profiili/tiedot").get_data(as_text=True)


def test_queue_filters(app: Flask, section, people) -> None:
    other_section = make_section(section.page, "Toinen", "x")
    make_comment(section, people["author"], "Kainuusta ehdotus", kind="proposal")
    make_comment(other_section, people["other"], "Muualta kysymys", kind="question")
    moderator = _as(app, people["moderator"].email)

    def shown(**query: str) -> set[str]:
        html = moderator.get("/moderointi/", query_string=query).get_data(as_text=True)
        return {text for text in ("Kainuusta ehdotus", "Muualta kysymys") if text in html}

    assert shown() == {"Kainuusta ehdotus", "Muualta kysymys"}
    assert shown(section=str(other_section.id)) == {"Muualta kysymys"}
    assert shown(kind="proposal") == {"Kainuusta ehdotus"}
    assert shown(region="kainuu") == {"Kainuusta ehdotus"}
    assert shown(organisation_type="municipality") == {"Kainuusta ehdotus"}
    assert shown(q="KYSYMYS") == {"Muualta kysymys"}
    assert shown(visibility="hidden") == set()
    assert shown(triage="new") == {"Kainuusta ehdotus", "Muualta kysymys"}
    # The filters count days in Helsinki, which is a day ahead of UTC for two hours a night.
    today = utcnow().astimezone(local_zone()).date().isoformat()
    assert shown(since=today, until=today) == {"Kainuusta ehdotus", "Muualta kysymys"}
    assert shown(until="2000-01-01") == set()
    assert shown(kind="nonsense", since="not-a-date") == {"Kainuusta ehdotus", "Muualta kysymys"}


def test_role_changes_are_logged_and_admins_read_the_log(app: Flask, section, people) -> None:
    admin = _as(app, people["admin"].email)
    post_form(admin, "/hallinta/kayttajat", user_id=str(people["other"].id), role="moderator")
    entry = db.session.scalars(
        select(ModerationLogEntry).where(ModerationLogEntry.action == LogAction.ROLE)
    ).one()
    assert (entry.from_value, entry.to_value, entry.target_user_id) == (
        "participant",
        "moderator",
        people["other"].id,
    )
    html = admin.get("/moderointi/loki", query_string={"action": "role"}).get_data(as_text=True)
    assert "Osallistuja → Moderaattori" in html


def test_participation_page_counts_people_and_sections(app: Flask, section, people) -> None:
    quiet = make_section(section.page, "Hiljainen osio", "x")
    make_comment(section, people["author"], "Yksi")
    make_comment(section, people["author"], "Kaksi")
    html = (
        _as(app, people["moderator"].email).get("/moderointi/osallistuminen").get_data(as_text=True)
    )
    assert "<svg" in html and "<table" in html
    # invited, registered, commented
    assert re.search(
        r'<th scope="row">Kunta tai kaupunki</th><td class="num">0</td>'
        r'<td class="num">1</td><td class="num">1</td>',
        html,
    )
    least = html[html.index("least-h") :]
    assert least.index(quiet.heading) < least.index(section.heading)


MODERATION_ROUTES = [
    ("GET", "/moderointi/"),
    ("GET", "/moderointi/kommentit/{id}"),
    ("POST", "/moderointi/kommentit/{id}"),
    ("POST", "/moderointi/joukko"),
    ("POST", "/moderointi/asetukset"),
    ("GET", "/moderointi/osallistuminen"),
    ("GET", "/moderointi/loki"),
    ("GET", "/hallinta/"),
    ("GET", "/hallinta/kayttajat"),
    ("POST", "/hallinta/kayttajat"),
]
# anonymous, participant, other participant, moderator, admin
ALLOWED = {
    "/moderointi/loki": {"admin"},
    "/hallinta/kayttajat": {"admin"},
}


@pytest.mark.parametrize(("method", "template"), MODERATION_ROUTES)
def test_authorisation_matrix(app: Flask, section, people, method: str, template: str) -> None:
    comment = make_comment(section, people["author"], "Kohde")
    for who in (None, "author", "other", "moderator", "admin"):
        client = _as(app, people[who].email if who else None)
        path = template.format(id=comment.id)
        response = send_as(
            client,
            method,
            path,
            signed_in=who is not None,
            action="triage",
            triage="read",
            ids=str(comment.id),
            user_id=str(people["other"].id),
            role="participant",
        )
        allowed = ALLOWED.get(template, {"moderator", "admin"})
        if who is None:
            assert response.status_code == 302 and "/kirjaudu" in response.headers["Location"], (
                path,
                who,
            )
        elif who in allowed:
            assert response.status_code in {200, 302, 303}, (path, who, response.status_code)
        else:
            assert response.status_code == 403, (path, who, response.status_code)


def test_the_queue_takes_a_fixed_number_of_queries(
    app: Flask, section, people, count_queries
) -> None:
    moderator = _as(app, people["moderator"].email)

    def seed(count: int, start: int) -> None:
        now = utcnow()
        rows = [
            {
                "section_id": section.id,
                "author_id": people["author" if n % 2 else "other"].id,
                "kind": "comment",
                "body_markdown": f"Massa {n}",
                "body_html": f"<p>Massa {n}</p>",
                "quote": "",
                "visibility": "visible",
                "agree_count": 0,
                "idempotency_key": f"bulk-{n}",
                "created_at": now - timedelta(minutes=n),
                "triage_status": "new" if n % 3 else "read",
                "moderation_reason": "",
                "published_at": now,
                "by_moderator": False,
            }
            for n in range(start, start + count)
        ]
        db.session.execute(insert(Comment), rows)
        db.session.commit()

    def queries() -> int:
        first = moderator.get("/moderointi/", query_string={"triage": "new", "q": "massa"})
        # The second page, by the link the first renders (a cursor, with the filters).
        second = re.search(r'<a href="([^"]+)" rel="next">', first.get_data(as_text=True))
        with count_queries() as counter:
            response = moderator.get(htmllib.unescape(second.group(1)))
        assert response.status_code == 200
        assert response.get_data(as_text=True).count('name="ids"') == 50
        return counter.count

    seed(200, 0)
    small = queries()
    seed(9800, 200)
    large = queries()
    assert small == large
    # user, workspace, page, count, status counts, reports, sections, and the page's themes,
    # edited-after-linking marks and the theme list
    assert large <= 10


def test_one_report_per_person_and_comment(app: Flask) -> None:
    from valuma_space.moderation.models import ReportStatus
    from valuma_space.moderation.services import dismiss_reports, report
    from valuma_space.refusals import Refused

    section = make_section(make_page(make_workspace(), "Tausta"), "Osio", "Teksti.")
    comment = make_comment(section, make_user("kirjoittaja@kunta.fi"), "Kommentti.")
    reporter = make_user("ilmoittaja@kunta.fi")
    moderator = make_user("moderaattori@valuma.fi", Role.MODERATOR)
    report(comment, reporter, "Asiaton")
    db.session.commit()
    with pytest.raises(Refused, match="jo ilmoittanut"):
        report(comment, reporter, "Uudelleen")
    db.session.rollback()
    dismiss_reports(comment, moderator)
    db.session.commit()
    report(comment, reporter, "Muokattu nyt asiattomaksi")  # after a dismissal: reopened
    db.session.commit()
    [entry] = db.session.scalars(select(Report)).all()
    assert (entry.status, entry.reason) == (ReportStatus.OPEN, "Muokattu nyt asiattomaksi")
