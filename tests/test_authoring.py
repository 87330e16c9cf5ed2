"""Materials authoring through HTTP: drafts, publishing, versions, conflicts, uploads, settings,
invitations, and what is new since a participant's previous visit."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.factories import make_comment, make_page, make_section, make_user, make_workspace
from tests.helpers import (
    confirm_link,
    csrf_token,
    link_path,
    login_as,
    post_form,
    save_section,
    send_as,
    sent_mails,
    submit_form_by_name,
)
from valuma_space.auth.models import Role, User
from valuma_space.db import utcnow
from valuma_space.extensions import db
from valuma_space.mail.sender import deliver_due
from valuma_space.materials.models import Attachment, Section, SectionVersion
from valuma_space.workspaces.models import Invitation, ReadingAccess


@pytest.fixture
def workspace(app: Flask):
    return make_workspace()


@pytest.fixture
def section(workspace):
    page = make_page(workspace, "Tausta")
    return make_section(page, "Tavoitteet", "Selvitys kartoittaa vaihtoehdot verkostoyhteistyölle.")


def _editor(client: FlaskClient, section: Section) -> str:
    return f"/hallinta/aineisto/osiot/{section.id}"


def test_a_moderator_creates_a_page_and_a_section_that_stay_hidden_until_published(
    app: Flask, workspace, moderator: FlaskClient
) -> None:
    post_form(
        moderator,
        "/hallinta/aineisto",
        action="/hallinta/aineisto/sivut",
        title="Seminaarin aineisto",
        intro="Esitykset",
    )
    html = moderator.get("/hallinta/aineisto").get_data(as_text=True)
    assert "Seminaarin aineisto" in html and "Piilotettu" in html
    page_id = int(re.search(r'id="page-(\d+)"', html).group(1))
    response = post_form(
        moderator,
        "/hallinta/aineisto",
        action=f"/hallinta/aineisto/sivut/{page_id}/osiot",
        heading="Ohjelma",
    )
    section = db.session.scalars(select(Section)).one()
    assert response.headers["Location"].endswith(f"/hallinta/aineisto/osiot/{section.id}")
    save_section(moderator, section, "publish", "Ohjelma", "Klo 13 alkaen *esitykset*.")
    visitor = app.test_client()
    assert visitor.get(f"/osio/{section.slug}").status_code == 404
    assert "Seminaarin aineisto" not in visitor.get("/").get_data(as_text=True)
    assert moderator.get(f"/osio/{section.slug}").status_code == 200
    for kind, item in (("sivut", page_id), ("osiot", section.id)):
        token = csrf_token(moderator.get("/hallinta/aineisto").get_data(as_text=True))
        moderator.post(
            f"/hallinta/aineisto/{kind}/{item}/tila",
            data={"csrf_token": token, "action": "publish"},
        )
    assert "<em>esitykset</em>" in visitor.get(f"/osio/{section.slug}").get_data(as_text=True)


def test_drafts_stay_private_and_publishing_keeps_the_earlier_version(
    app: Flask, section, moderator: FlaskClient
) -> None:
    preview = save_section(moderator, section, "preview", "Tavoitteet", "Uusi **luonnos**")
    assert "<strong>luonnos</strong>" in preview.get_data(as_text=True)
    save_section(moderator, section, "draft", "Tavoitteet", "Uusi luonnos")
    visitor = app.test_client()
    assert "Uusi luonnos" not in visitor.get(f"/osio/{section.slug}").get_data(as_text=True)
    assert "Uusi luonnos" in moderator.get(_editor(moderator, section)).get_data(as_text=True)
    save_section(
        moderator,
        section,
        "publish",
        "Tavoitteet ja rajaus",
        "Selvitys kartoittaa uudet vaihtoehdot verkostoyhteistyölle.",
    )
    db.session.expire_all()
    assert [
        v.number
        for v in db.session.scalars(
            select(SectionVersion).where(SectionVersion.section_id == section.id)
        )
    ] == [1, 2]
    html = visitor.get(f"/osio/{section.slug}").get_data(as_text=True)
    assert "Tavoitteet ja rajaus" in html and "Versiohistoria (2 versiota)" in html
    history = visitor.get(f"/osio/{section.slug}/historia").get_data(as_text=True)
    assert "Versio 2" in history and "Versio 1" in history
    diff = visitor.get(f"/osio/{section.slug}/historia/1/2").get_data(as_text=True)
    assert re.search(r"<ins><span class=\"visually-hidden\">\[lisätty: </span>uudet", diff)
    assert (
        re.search(
            r"<del><span class=\"visually-hidden\">\[poistettu: </span>Tavoitteet</span>|<ins>.*ja.*rajaus",
            diff,
        )
        or "rajaus" in diff
    )
    assert visitor.get(f"/osio/{section.slug}/historia/1/9").status_code == 404


def test_a_comment_says_when_it_was_written_on_an_earlier_version(
    app: Flask, section, moderator: FlaskClient
) -> None:
    author = make_user("lukija@kunta.fi", display_name="Lukija", profile_completed=True)
    make_comment(section, author, "Hyvä tavoite", quote="kartoittaa vaihtoehdot")
    visitor = app.test_client()
    assert "aiempaan versioon" not in visitor.get(f"/osio/{section.slug}").get_data(as_text=True)
    save_section(moderator, section, "publish", "Tavoitteet", "Selvitys arvioi mallit.")
    html = visitor.get(f"/osio/{section.slug}").get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)">Kirjoitettu aiempaan versioon \(1\)', html)
    assert link and link.group(1) == f"/osio/{section.slug}/historia/1/2"
    assert visitor.get(link.group(1)).status_code == 200
    assert "lainattu kohta on sittemmin muuttunut" in html


def test_two_moderators_editing_at_once_see_a_conflict(
    app: Flask, section, moderator: FlaskClient
) -> None:
    make_user("toinen@valuma.fi", role=Role.MODERATOR, profile_completed=True)
    other = app.test_client()
    login_as(other, "toinen@valuma.fi")
    base = section.edit_revision
    assert (
        save_section(
            moderator, section, "publish", "Tavoitteet", "Ensimmäisen muokkaajan teksti", base=base
        ).status_code
        == 303
    )
    response = save_section(
        other, section, "publish", "Tavoitteet", "Toisen muokkaajan teksti", base=base
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Ensimmäisen muokkaajan teksti" in html and "Toisen muokkaajan teksti" in html
    db.session.expire_all()
    assert db.session.get(Section, section.id).body_markdown == "Ensimmäisen muokkaajan teksti"


def _pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _upload(client: FlaskClient, section: Section, name: str, content: bytes):
    token = csrf_token(client.get(_editor(client, section)).get_data(as_text=True))
    return client.post(
        f"/hallinta/aineisto/osiot/{section.id}/liitteet",
        data={"csrf_token": token, "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize("config_overrides", [{"MAX_UPLOAD_MB": 1}])
def test_uploads_are_checked_by_content_and_served_safely(
    app: Flask, section, moderator: FlaskClient, tmp_path: Path
) -> None:
    app.config["UPLOAD_DIR"] = str(tmp_path)
    _upload(moderator, section, '../../raportti "luonnos".pdf', _pdf())
    _upload(moderator, section, "malli.docx", _docx())
    attachments = db.session.scalars(select(Attachment).order_by(Attachment.id)).all()
    assert "/" not in attachments[0].filename and attachments[0].filename.startswith("raportti")
    assert [(a.filename[-4:], a.content_type) for a in attachments] == [
        (".pdf", "application/pdf"),
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ]
    html = app.test_client().get(f"/osio/{section.slug}").get_data(as_text=True)
    href = re.search(r'href="(/liitteet/\d+/[^"]+)">raportti', html).group(1)
    download = app.test_client().get(href)
    assert download.status_code == 200 and download.data == _pdf()
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.mimetype == "application/pdf"

    refused = _upload(moderator, section, "kuva.pdf", b"<html><script>alert(1)</script></html>")
    assert "Tiedostotyyppiä ei sallita" in moderator.get(refused.headers["Location"]).get_data(
        as_text=True
    )
    too_big = _upload(moderator, section, "iso.pdf", _pdf() + b"0" * (1024 * 1024))
    assert too_big.status_code in {303, 413}
    assert len(list(tmp_path.iterdir())) == 2
    assert db.session.scalar(select(db.func.count(Attachment.id))) == 2


def test_settings_decide_when_comments_are_taken_and_who_reads(
    app: Flask, workspace, section, moderator: FlaskClient
) -> None:
    def save(**changes: str):
        return submit_form_by_name(moderator, "/hallinta/asetukset", changes)

    past = (utcnow() - timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    yesterday = (utcnow() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    bad = save(comments_open_at=yesterday, comments_close_at=past)
    assert bad.status_code == 400 and "päättyä vasta alkamisen jälkeen" in bad.get_data(
        as_text=True
    )
    assert save(comments_open_at=past, comments_close_at=yesterday).status_code == 302
    db.session.expire_all()
    assert not workspace.accepts_comments()
    future = (utcnow() + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    save(comments_open_at=past, comments_close_at=future, closed_by_hand="y")
    db.session.expire_all()
    assert not workspace.accepts_comments()
    save(comments_open_at=past, comments_close_at=future, reading_access="signed_in")
    db.session.expire_all()
    assert workspace.accepts_comments() and workspace.reading_access == ReadingAccess.SIGNED_IN
    assert app.test_client().get(f"/osio/{section.slug}").status_code == 302


def test_invitations_and_invited_only(
    app: Flask, workspace, section, moderator: FlaskClient
) -> None:
    response = post_form(
        moderator,
        "/hallinta/kutsut",
        addresses="kutsuttu@kunta.fi, Kaisa Kutsuttu, Esimerkkikunta\nei-osoite\ntoinen@liitto.fi",
    )
    assert response.status_code == 302
    assert {i.email for i in db.session.scalars(select(Invitation))} == {
        "kutsuttu@kunta.fi",
        "toinen@liitto.fi",
    }
    deliver_due()
    invitation = next(m for m in sent_mails(app) if m.recipient == "kutsuttu@kunta.fi")
    assert "kutsuttu" in invitation.subject.lower() or workspace.title in invitation.subject
    html = moderator.get("/hallinta/kutsut").get_data(as_text=True)
    assert "Kaisa Kutsuttu" in html and "Ei vielä" in html

    saved = submit_form_by_name(
        moderator,
        "/hallinta/asetukset",
        {"invited_only": "y", "allowed_email_domains": "valtio.fi"},
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)
    guest = app.test_client()
    for address in ("kutsuttu@kunta.fi", "vieras@kunta.fi", "virkamies@valtio.fi"):
        post_form(guest, "/kirjaudu", email=address, next="/")
    db.session.expire_all()  # the sender's own session would start fresh; this test's is older
    deliver_due()
    by_recipient = {m.recipient: m for m in sent_mails(app)}
    assert by_recipient["vieras@kunta.fi"].link == ""  # told why, no way in
    assert "vain kutsutuille" in by_recipient["vieras@kunta.fi"].subject
    assert by_recipient["virkamies@valtio.fi"].link  # an allowed domain
    assert (
        confirm_link(
            app.test_client(), link_path(by_recipient["kutsuttu@kunta.fi"].link)
        ).status_code
        == 302
    )
    html = moderator.get("/hallinta/kutsut").get_data(as_text=True)
    assert "Kyllä" in html
    count_before = len(sent_mails(app))
    post_form(moderator, "/hallinta/kutsut", action="/hallinta/kutsut/muistuta")
    deliver_due()
    assert [m.recipient for m in sent_mails(app)[count_before:]] == ["toinen@liitto.fi"]


def test_new_since_the_previous_visit(
    app: Flask, workspace, section, moderator: FlaskClient
) -> None:
    reader = make_user("palaaja@kunta.fi", profile_completed=True)
    client = app.test_client()
    login_as(client, reader.email)
    client.get("/")
    db.session.expire_all()
    user = db.session.get(User, reader.id)
    user.last_seen_at = utcnow() - timedelta(days=2)  # that visit ended two days ago
    db.session.commit()
    make_comment(section, make_user("muu@kunta.fi"), "Uusi kommentti poissa ollessa")
    save_section(moderator, section, "publish", "Tavoitteet", "Muutettu teksti")
    html = client.get("/").get_data(as_text=True)
    assert "Uutta edellisen käyntisi jälkeen" in html
    assert "1 uusi kommentti" in html and "Päivitetty osio:" in html
    assert "Viimeksi päivitetty" in html


AUTHORING_ROUTES = [
    ("GET", "/hallinta/aineisto"),
    ("POST", "/hallinta/aineisto/sivut"),
    ("GET", "/hallinta/aineisto/osiot/{section}"),
    ("POST", "/hallinta/aineisto/osiot/{section}"),
    ("POST", "/hallinta/aineisto/osiot/{section}/tila"),
    ("POST", "/hallinta/aineisto/osiot/{section}/liitteet"),
    ("GET", "/hallinta/aineisto/sivut/{page}"),
    ("GET", "/hallinta/asetukset"),
    ("POST", "/hallinta/asetukset"),
    ("GET", "/hallinta/kutsut"),
    ("POST", "/hallinta/kutsut"),
    ("POST", "/hallinta/kutsut/muistuta"),
]


@pytest.mark.parametrize(("method", "template"), AUTHORING_ROUTES)
def test_authoring_authorisation(app: Flask, section, method: str, template: str) -> None:
    make_user("osallistuja@kunta.fi", profile_completed=True)
    make_user("mod@valuma.fi", role=Role.MODERATOR, profile_completed=True)
    make_user("adm@valuma.fi", role=Role.ADMIN, profile_completed=True)
    path = template.format(section=section.id, page=section.page_id)
    for who, allowed in (
        (None, False),
        ("osallistuja@kunta.fi", False),
        ("mod@valuma.fi", True),
        ("adm@valuma.fi", True),
    ):
        client = app.test_client()
        if who:
            login_as(client, who)
        response = send_as(client, method, path, signed_in=who is not None, action="up")
        if who is None:
            assert response.status_code == 302 and "/kirjaudu" in response.headers["Location"], path
        elif allowed:
            assert response.status_code in {200, 302, 303, 400}, (path, who, response.status_code)
        else:
            assert response.status_code == 403, (path, who, response.status_code)


def test_an_invitation_link_lives_for_days_and_an_expired_one_renews_itself(
    app: Flask, workspace, section, moderator: FlaskClient
) -> None:
    """Invited people read their mail hours or days later: the link works for a week, once,
    and an expired one sends a new sign-in link to the same address, to the same place."""
    for address in ("myohassa@kunta.fi", "viikon@kunta.fi"):
        post_form(moderator, "/hallinta/kutsut", addresses=address)
    db.session.expire_all()
    deliver_due()
    invitations = {m.recipient: m for m in sent_mails(app)}
    assert "7 päivän ajan" in invitations["myohassa@kunta.fi"].text
    from valuma_space.auth.tokens import LinkToken

    tokens = {t.email: t for t in db.session.scalars(select(LinkToken))}
    moderators = tokens.pop("toimittaja@valuma.fi")
    assert moderators.expires_at - moderators.created_at == timedelta(minutes=15)
    assert all(t.expires_at - t.created_at == timedelta(days=7) for t in tokens.values())
    # Six days on the first is still good; eight days on the second has expired.
    for email, days in (("myohassa@kunta.fi", 6), ("viikon@kunta.fi", 8)):
        tokens[email].created_at -= timedelta(days=days)
        tokens[email].expires_at -= timedelta(days=days)
    db.session.commit()
    later = invitations.pop("myohassa@kunta.fi")
    assert confirm_link(app.test_client(), link_path(later.link)).status_code == 302
    again = confirm_link(app.test_client(), link_path(later.link))
    assert again.status_code == 400  # still once only

    stale = link_path(invitations["viikon@kunta.fi"].link)
    visitor = app.test_client()
    page = visitor.get(stale)
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and "v•••@kunta.fi" in html and "Lähetä uusi linkki" in html
    count = len(sent_mails(app))
    response = post_form(visitor, stale, action=f"{stale}/uusi")
    assert response.status_code == 302 and response.headers["Location"] == "/kirjaudu/tarkista"
    db.session.expire_all()
    deliver_due()
    [fresh] = sent_mails(app)[count:]
    assert (
        fresh.recipient == "viikon@kunta.fi" and fresh.link != invitations["viikon@kunta.fi"].link
    )
    assert confirm_link(app.test_client(), link_path(fresh.link)).status_code == 302
    # The expired link renews once; a sign-in link that simply expired offers the login page.
    assert "Lähetä uusi linkki" not in visitor.get(stale).get_data(as_text=True)
