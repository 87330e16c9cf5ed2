"""Notifications through a real SMTP server (aiosmtpd): replies, bundles, mentions, moderation
outcomes, "how your input was used", digests, unsubscribing, and the in-app list."""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from email.message import Message
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.factories import make_comment, make_page, make_section, make_user, make_workspace
from tests.helpers import (
    csrf_token,
    finnish_left_in,
    login_as,
    moderate,
    post_form,
    send_digests,
    submit_again,
    submit_form,
)
from tests.smtp import RecordingSmtpTransport, SmtpServer, parts
from valuma_space.auth.models import DigestFrequency, NameDisplay, Role
from valuma_space.comments.models import Comment
from valuma_space.db import insert_unless_present, utcnow
from valuma_space.extensions import db
from valuma_space.mail.models import MailKind, OutboxMessage, OutboxStatus
from valuma_space.mail.sender import deliver_due
from valuma_space.notifications.models import Notification
from valuma_space.workspaces.models import ReadingAccess

LATER = timedelta(minutes=16)  # past the default bundling time of 15 minutes


@pytest.fixture
def config_overrides(smtp: SmtpServer) -> dict[str, Any]:
    return smtp.config()


@pytest.fixture
def section(app: Flask, smtp: SmtpServer):
    smtp.start()
    app.extensions["valuma_mail_transport"] = RecordingSmtpTransport()
    workspace = make_workspace("VALUMA-selvitys")
    return make_section(make_page(workspace, "Tausta"), "Päätavoitteet", "Teksti.")


@pytest.fixture
def people(app: Flask) -> dict[str, Any]:
    # Sign-in mails are left out of every count below: they go before the notifications do.
    return {
        "maija": make_user(
            "maija@kunta.fi", display_name="Maija Meikäläinen", profile_completed=True
        ),
        "pekka": make_user("pekka@liitto.fi", display_name="Pekka Puhuja", profile_completed=True),
        "liisa": make_user(
            "liisa@maakunta.fi",
            display_name="Liisa Salainen",
            name_display=NameDisplay.PSEUDONYM,
            pseudonym="Kirjastonhoitaja",
            profile_completed=True,
        ),
        "moderator": make_user(
            "moderaattori@valuma.fi",
            display_name="Mona Moderaattori",
            role=Role.MODERATOR,
            profile_completed=True,
        ),
    }


def _client(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    login_as(client, email)
    return client


def _write(client: FlaskClient, section, body: str, parent_id: int | None = None):
    page = f"/kommentit/{parent_id}/vastaa" if parent_id else f"/osio/{section.slug}"
    data = {"body": body}
    if parent_id:
        data["parent_id"] = str(parent_id)
    response = post_form(client, page, action=f"/osio/{section.slug}/kommentoi", **data)
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("#c", 1)[1])


def _notification_mails(smtp: SmtpServer, to: str | None = None) -> list[Message]:
    return [
        message
        for message in smtp.messages
        if "/kirjaudu/vahvista/" not in parts(message)["text/plain"]
        and (to is None or message["To"] == to)
    ]


def _deliver(after: timedelta = LATER) -> None:
    deliver_due(now=utcnow() + after)


def _reply_mail_to_maija(smtp: SmtpServer, section, people) -> Message:
    """Pekka replies to Maija; the mail that tells her of it, once it has gone."""
    root = make_comment(section, people["maija"], "Alku.")
    make_comment(section, people["pekka"], "Vastaus.", parent=root)
    _deliver()
    [mail] = _notification_mails(smtp, "maija@kunta.fi")
    return mail


def _unsubscribe_path(mail: Message) -> str:
    return mail["List-Unsubscribe"][1:-1].removeprefix("http://127.0.0.1:5000")


def test_a_reply_is_mailed_after_the_bundling_time_with_its_text_and_link(
    app: Flask, smtp: SmtpServer, section, people
) -> None:
    root = make_comment(section, people["maija"], "Verkostojen rahoitus on pirstaleista.")
    pekka = _client(app, "pekka@liitto.fi")
    reply_id = _write(pekka, section, "Samaa mieltä, ja *hankkeet* ovat lyhyitä.", root.id)

    deliver_due()
    assert _notification_mails(smtp) == []  # waits for others to bundle with it
    _deliver()
    [mail] = _notification_mails(smtp)
    assert mail["To"] == "maija@kunta.fi"
    assert mail["Subject"] == "Uusi vastaus keskustelussa"
    text, html = parts(mail)["text/plain"], parts(mail)["text/html"]
    assert "Pekka Puhuja vastasi kommenttiisi" in text
    # Mail shows the text as readers read it, not its Markdown.
    assert "Samaa mieltä, ja hankkeet ovat lyhyitä." in text and "*hankkeet*" not in text
    assert f"http://127.0.0.1:5000/kommentit/{reply_id}" in text
    assert f'href="http://127.0.0.1:5000/kommentit/{reply_id}"' in html
    assert "/kirjaudu/vahvista/" not in text + html  # notification mails sign nobody in
    assert "<img" not in html
    unsubscribe = mail["List-Unsubscribe"]
    assert re.fullmatch(r"<http://127\.0\.0\.1:5000/ilmoitukset/peru/[\w.-]+>", unsubscribe)
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe[1:-1] in text


def test_replies_within_the_bundling_time_come_in_one_mail(
    app: Flask, smtp: SmtpServer, section, people
) -> None:
    root = make_comment(section, people["maija"], "Alkuperäinen ajatus.")
    first = make_comment(section, people["pekka"], "Ensimmäinen vastaus.", parent=root)
    make_comment(section, people["liisa"], "Toinen vastaus.", parent=root)
    make_comment(section, people["pekka"], "Kolmas, ketjuun.", parent=first)
    _deliver()
    [mail] = _notification_mails(smtp, "maija@kunta.fi")
    assert mail["Subject"] == "3 uutta vastausta keskustelussa"
    text = parts(mail)["text/plain"]
    assert "Pekka Puhuja vastasi kommenttiisi" in text
    assert "Kirjastonhoitaja vastasi kommenttiisi" in text  # the pseudonym, never the name
    assert "Pekka Puhuja kirjoitti ketjuun, johon osallistuit" in text
    assert "Liisa" not in text
    # Pekka and Liisa took part in the thread; Pekka does not hear of his own reply.
    [to_pekka] = _notification_mails(smtp, "pekka@liitto.fi")
    assert "Kirjastonhoitaja kirjoitti ketjuun, johon osallistuit" in parts(to_pekka)["text/plain"]
    [to_liisa] = _notification_mails(smtp, "liisa@maakunta.fi")
    assert "Kolmas, ketjuun." in parts(to_liisa)["text/plain"]

    make_comment(section, people["pekka"], "Myöhempi vastaus.", parent=root)
    deliver_due()
    assert len(_notification_mails(smtp, "maija@kunta.fi")) == 1  # not before its own wait
    _deliver()
    assert len(_notification_mails(smtp, "maija@kunta.fi")) == 2


def test_a_mention_notifies_the_one_named_as_they_chose_to_be_shown(
    app: Flask, smtp: SmtpServer, section, people
) -> None:
    pekka = _client(app, "pekka@liitto.fi")
    text = (
        "Kysytään @Maija Meikäläinen ja @Kirjastonhoitaja, entä @Liisa Salainen tai @Pekka Puhuja?"
    )
    page = f"/osio/{section.slug}"
    asked = post_form(pekka, page, action=f"{page}/kommentoi", body=text)
    # Nobody here has taken part, so Pekka is asked first (naming no one, not even himself);
    # a mention of someone who has not taken part still reaches them once he sends anyway.
    assert asked.status_code == 200 and "Lähetä silti" in asked.get_data(as_text=True)
    sent = submit_again(pekka, asked, "kommentoi")
    assert sent.status_code == 303
    comment_id = int(sent.headers["Location"].rsplit("#c", 1)[1])
    _deliver()
    [to_maija] = _notification_mails(smtp, "maija@kunta.fi")
    assert to_maija["Subject"] == "Sinut mainittiin keskustelussa"
    assert "Pekka Puhuja mainitsi sinut" in parts(to_maija)["text/plain"]
    assert f"/kommentit/{comment_id}" in parts(to_maija)["text/plain"]
    # Liisa is found by her pseudonym only; Pekka does not mention himself into a mail.
    assert len(_notification_mails(smtp, "liisa@maakunta.fi")) == 1
    assert _notification_mails(smtp, "pekka@liitto.fi") == []


def test_name_suggestions_offer_participants_as_shown_and_never_hidden_names(
    app: Flask, section, people
) -> None:
    for person in ("maija", "liisa", "pekka"):
        make_comment(section, people[person], "Osallistun keskusteluun.")
    make_user("hiljainen@kunta.fi", display_name="Maisa Hiljainen")  # has not taken part
    client = _client(app, "pekka@liitto.fi")
    assert client.get("/osallistujat/nimet?q=mai").json == {"names": ["Maija Meikäläinen"]}
    assert client.get("/osallistujat/nimet?q=Meik").json == {"names": ["Maija Meikäläinen"]}
    assert client.get("/osallistujat/nimet?q=kirj").json == {"names": ["Kirjastonhoitaja"]}
    assert client.get("/osallistujat/nimet?q=Liisa").json == {"names": []}  # her real name
    assert client.get("/osallistujat/nimet?q=Pekka").json == {"names": []}  # not oneself
    assert client.get("/osallistujat/nimet?q=%25").json == {"names": []}
    assert app.test_client().get("/osallistujat/nimet?q=mai").status_code == 302


WARNED = "ei vastaa kenenkään keskusteluun osallistuneen nimeä"


def _warning(response) -> str:
    html = response.get_data(as_text=True)
    match = re.search(r'<div class="form-warning"[^>]*>(.*?)</div>', html, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split()) if match else ""


def test_a_mention_naming_no_participant_is_asked_about_before_sending(
    app: Flask, section, people
) -> None:
    for person in ("maija", "liisa"):
        make_comment(section, people[person], "Osallistun keskusteluun.")
    make_user("hiljainen@kunta.fi", display_name="Maisa Hiljainen")  # has not taken part
    pekka = _client(app, "pekka@liitto.fi")
    page = f"/osio/{section.slug}"
    text = "Kysyn @Lii ja @Maija Meikäläinen, @kirjastonhoitaja, @Liisa Salainen ja @Maisa."
    asked = post_form(pekka, page, action=f"{page}/kommentoi", body=text)
    assert asked.status_code == 200
    # Named as shown (in any case): no question. A hidden real name and someone who has not
    # taken part are never told apart from a typo: the writer learns nothing the suggestions
    # would not offer.
    assert _warning(asked).startswith("@Lii, @Liisa, @Maisa eivät vastaa kenenkään")
    assert "Lähetä silti" in _warning(asked)
    assert text in asked.get_data(as_text=True)  # the text is kept in the form
    assert db.session.scalar(select(func.count(Comment.id))) == 2  # nothing saved yet

    # Changed to name someone else who is not there: asked again, about that one.
    again = submit_again(pekka, asked, "kommentoi", body="Kysyn @Lii ja @Pertti.")
    assert again.status_code == 200 and _warning(again).startswith("@Lii, @Pertti eivät vastaa")
    sent = submit_again(pekka, again, "kommentoi")
    assert sent.status_code == 303
    assert db.session.scalar(select(func.count(Comment.id))) == 3
    told = db.session.scalars(select(Notification.user_id)).all()
    assert told == []  # the mentions stay plain text and tell nobody

    # Fixed instead: sent at once, and the one named hears of it.
    fixed = post_form(pekka, page, action=f"{page}/kommentoi", body="Kysyn @Lii")
    assert WARNED in _warning(fixed)
    # "@Maija" alone names nobody either: a mention is the name in full, as its owner shows it.
    assert WARNED in _warning(submit_again(pekka, fixed, "kommentoi", body="Kysyn @Maija"))
    fixed = submit_again(pekka, fixed, "kommentoi", body="Kysyn @maija meikäläinen")
    assert fixed.status_code == 303
    assert db.session.scalars(select(Notification.user_id)).all() == [people["maija"].id]


def test_an_edit_asks_only_about_mentions_it_adds(app: Flask, section, people) -> None:
    pekka = _client(app, "pekka@liitto.fi")
    page = f"/osio/{section.slug}"
    asked = post_form(pekka, page, action=f"{page}/kommentoi", body="Hei @Lii")
    comment_id = int(submit_again(pekka, asked, "kommentoi").headers["Location"].rsplit("c", 1)[1])
    edit = f"/kommentit/{comment_id}/muokkaa"
    assert submit_form(pekka, edit, "kommentoi", body="Hei @Lii, korjattu.").status_code == 303
    asked = submit_form(pekka, edit, "kommentoi", body="Hei @Lii ja @Uusi.")
    assert asked.status_code == 200
    assert _warning(asked).startswith("@Uusi ei vastaa kenenkään")
    assert submit_again(pekka, asked, "kommentoi").status_code == 303
    assert db.session.get(Comment, comment_id).body_markdown == "Hei @Lii ja @Uusi."


def test_moderation_outcomes_reach_the_author_with_the_reason(
    app: Flask, smtp: SmtpServer, section, people
) -> None:
    root = make_comment(section, people["pekka"], "Pekan aloitus.")
    section.page.workspace.pre_moderation = True
    db.session.commit()
    maija = _client(app, "maija@kunta.fi")
    waiting = _write(maija, section, "Odottava vastaus, @Pekka Puhuja.", root.id)
    rejected = _write(maija, section, "Hylättävä kommentti.")
    _deliver()
    assert _notification_mails(smtp) == []  # nobody hears of comments waiting for approval

    moderator = _client(app, "moderaattori@valuma.fi")
    for comment_id, action, reason in (
        (waiting, "approve", ""),
        (rejected, "reject", "Ei liity selvitykseen"),
    ):
        moderate(moderator, comment_id, action, reason=reason)
    _deliver()
    [to_maija] = _notification_mails(smtp, "maija@kunta.fi")
    assert to_maija["Subject"] == "Moderaattori käsitteli 2 kommenttiasi"
    text = parts(to_maija)["text/plain"]
    assert "Kommenttisi hyväksyttiin, ja se näkyy nyt kaikille" in text
    assert "Kommenttiasi ei hyväksytty" in text and "Perustelu: Ei liity selvitykseen" in text
    # Once approved, the reply reaches Pekka, once, as a reply (which outranks the mention).
    [to_pekka] = _notification_mails(smtp, "pekka@liitto.fi")
    assert "Maija Meikäläinen vastasi kommenttiisi" in parts(to_pekka)["text/plain"]
    assert "mainitsi" not in parts(to_pekka)["text/plain"]


def test_hiding_tells_the_author_and_withdraws_what_others_were_told(
    app: Flask, smtp: SmtpServer, section, people
) -> None:
    root = make_comment(section, people["maija"], "Maijan kommentti.")
    reply = make_comment(section, people["pekka"], "Asiaton vastaus.", parent=root)
    moderator = _client(app, "moderaattori@valuma.fi")
    moderate(moderator, reply.id, "hide", reason="Asiaton sävy")
    _deliver()
    # The reply was hidden before its mail left: Maija gets nothing and her list shows nothing.
    assert _notification_mails(smtp, "maija@kunta.fi") == []
    statuses = db.session.scalars(
        select(OutboxMessage.status).where(OutboxMessage.kind == MailKind.NOTIFICATION)
    ).all()
    assert OutboxStatus.DROPPED in statuses
    maija = _client(app, "maija@kunta.fi")
    assert "Asiaton vastaus" not in maija.get("/ilmoitukset").get_data(as_text=True)
    [to_pekka] = _notification_mails(smtp, "pekka@liitto.fi")
    text = parts(to_pekka)["text/plain"]
    assert "Kommenttisi piilotettiin" in text and "Perustelu: Asiaton sävy" in text


def test_each_event_is_told_once_and_each_decision_is_an_event(
    app: Flask, smtp: SmtpServer, section, people
) -> None:
    root = make_comment(section, people["maija"], "Maijan kommentti.")
    reply = make_comment(section, people["pekka"], "Pekan vastaus.", parent=root)
    # The publication heard again (a second approval racing the first, a signal sent twice)
    # tells Maija nothing new: the constraint keeps one row per person and event.
    from valuma_space.notifications import services

    services.comment_published(reply)
    assert (
        insert_unless_present(
            db.session,
            Notification,
            {
                "user_id": people["maija"].id,
                "kind": "reply",
                "comment_id": reply.id,
                "event": "published",
                "created_at": utcnow(),
            },
        )
        is False
    )
    db.session.commit()
    moderator = _client(app, "moderaattori@valuma.fi")
    for action, reason in (
        ("hide", "Asiaton sävy"),
        ("hide", "Asiaton sävy"),  # the same decision again changes nothing and tells nothing
        ("restore", ""),
        ("hide", "Asiaton sävy"),
    ):
        moderate(moderator, reply.id, action, reason=reason)
    told = db.session.execute(
        select(Notification.user_id, Notification.kind, Notification.outcome)
        .where(Notification.comment_id == reply.id)
        .order_by(Notification.id)
    ).all()
    assert [(user_id, str(kind), str(outcome)) for user_id, kind, outcome in told] == [
        (people["maija"].id, "reply", "None"),
        (people["pekka"].id, "moderation", "hidden"),
        (people["pekka"].id, "moderation", "restored"),
        (people["pekka"].id, "moderation", "hidden"),
    ]


def test_how_the_input_was_used_links_and_moderator_replies(
    app: Flask, smtp: SmtpServer, section, people
) -> None:
    comment = make_comment(section, people["maija"], "Rahoitus pitää sitoa tuloksiin.")
    moderator = _client(app, "moderaattori@valuma.fi")
    token = csrf_token(moderator.get("/mallit/").get_data(as_text=True))
    for path, data in (
        ("/mallit/vaihtoehdot", {"kind": "funding_option", "title": "Tulosperusteinen rahoitus"}),
        ("/mallit/kriteerit", {"name": "Vaikuttavuus"}),
    ):
        moderator.post(path, data={"csrf_token": token, "description": "", **data})
    from valuma_space.modeldesign.models import Alternative, Criterion

    alternative = db.session.scalars(select(Alternative)).one()
    criterion = db.session.scalars(select(Criterion)).one()
    moderator.post(
        f"/mallit/kommentit/{comment.id}/linkit",
        data={
            "csrf_token": token,
            "alternative": str(alternative.id),
            "criterion": str(criterion.id),
            "stance": "supports",
            "note": "",
        },
    )
    _write(moderator, section, "Kiitos, otamme tämän mukaan vaihtoehtoihin.", comment.id)
    _deliver()
    [mail] = _notification_mails(smtp, "maija@kunta.fi")
    assert mail["Subject"] == "Näin palautettasi käytettiin (2)"
    text = parts(mail)["text/plain"]
    assert "Kommenttisi liitettiin vaihtoehtoon: Tulosperusteinen rahoitus – Vaikuttavuus" in text
    assert "Moderaattori Mona Moderaattori vastasi kommenttiisi" in text


def test_nobody_hears_of_their_own_actions(app: Flask, smtp: SmtpServer, section, people) -> None:
    root = make_comment(section, people["maija"], "Oma kommentti.")
    make_comment(section, people["maija"], "Oma vastaus, @Maija Meikäläinen.", parent=root)
    moderator = people["moderator"]
    own = make_comment(section, moderator, "Moderaattorin oma.")
    client = _client(app, moderator.email)
    moderate(client, own.id, "hide", reason="Kokeilu")
    _deliver()
    assert _notification_mails(smtp) == []
    assert db.session.scalar(select(func.count(Notification.id))) == 0


def test_the_in_app_list_counts_unread_and_opens_the_item(
    app: Flask, smtp: SmtpServer, section, people
) -> None:
    people["maija"].mail_replies = False  # the list has them anyway
    db.session.commit()
    root = make_comment(section, people["maija"], "Maijan ajatus.")
    first = make_comment(section, people["pekka"], "Pekan vastaus.", parent=root)
    make_comment(section, people["liisa"], "Liisan vastaus.", parent=root)
    maija = _client(app, "maija@kunta.fi")
    home = maija.get("/").get_data(as_text=True)
    assert re.search(r'class="count-badge">2<span class="visually-hidden"> lukematonta', home)
    page = maija.get("/ilmoitukset").get_data(as_text=True)
    assert "2 lukematonta" in page
    assert page.index("Kirjastonhoitaja vastasi") < page.index("Pekka Puhuja vastasi")
    [item] = re.findall(r'href="(/ilmoitukset/\d+)">Pekka Puhuja', page)
    opened = maija.get(item)
    assert opened.headers["Location"].endswith(f"/kommentit/{first.id}")
    assert "1 lukematon" in maija.get("/ilmoitukset").get_data(as_text=True)
    assert post_form(maija, "/ilmoitukset", action="/ilmoitukset/luettu").status_code == 302
    assert "count-badge" not in maija.get("/").get_data(as_text=True)
    # Another person's notification is not theirs to open.
    pekka = _client(app, "pekka@liitto.fi")
    assert pekka.get(item).status_code == 404
    _deliver()
    assert _notification_mails(smtp, "maija@kunta.fi") == []


def test_the_list_takes_a_fixed_number_of_queries(app: Flask, section, people, count_queries):
    root = make_comment(section, people["maija"], "Alku.")
    maija = _client(app, "maija@kunta.fi")

    def queries() -> int:
        with count_queries() as counter:
            assert maija.get("/ilmoitukset").status_code == 200
        return counter.count

    make_comment(section, people["pekka"], "Yksi.", parent=root)
    queries()  # the first request of a visit also records the visit
    few = queries()
    for number in range(25):
        author = people["pekka"] if number % 2 else people["liisa"]
        make_comment(section, author, f"Vastaus {number}.", parent=root)
    assert queries() == few <= 6


def test_a_signed_out_reader_of_a_private_workspace_signs_in_and_lands_on_the_item(
    app: Flask, smtp: SmtpServer, section, people
) -> None:
    section.page.workspace.reading_access = ReadingAccess.SIGNED_IN
    db.session.commit()
    root = make_comment(section, people["maija"], "Alku.")
    reply = make_comment(section, people["pekka"], "Vastaus.", parent=root)
    _deliver()
    [mail] = _notification_mails(smtp, "maija@kunta.fi")
    link = re.search(r"http://127\.0\.0\.1:5000(/kommentit/\d+)", parts(mail)["text/plain"])
    assert link and link.group(1) == f"/kommentit/{reply.id}"
    visitor = app.test_client()
    front_door = visitor.get(link.group(1))
    assert front_door.status_code == 302
    assert front_door.headers["Location"].startswith("/kirjaudu?next=")
    signed_in = login_as(visitor, "maija@kunta.fi", next_url=link.group(1))
    assert signed_in.headers["Location"] == link.group(1)


def test_mail_is_written_in_the_recipients_language(
    app: Flask, smtp: SmtpServer, section, people
) -> None:
    people["maija"].locale = "sv"
    db.session.commit()
    mail = _reply_mail_to_maija(smtp, section, people)
    assert mail["Subject"] != "Uusi vastaus keskustelussa"
    assert "vastasi kommenttiisi" not in parts(mail)["text/plain"]


def test_unsubscribing_asks_on_get_and_a_one_click_post_takes_effect(
    app: Flask, smtp: SmtpServer, section, people
) -> None:
    mail = _reply_mail_to_maija(smtp, section, people)
    path = _unsubscribe_path(mail)
    stranger = app.test_client()  # not signed in: the link works without signing in

    page = stranger.get(path)
    assert page.status_code == 200
    assert "Haluatko lopettaa sähköpostit aiheesta" in page.get_data(as_text=True)
    db.session.refresh(people["maija"])
    assert people["maija"].mail_replies  # a GET (a link scanner, a preview) changes nothing

    one_click = stranger.post(path, data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200
    assert "Peruttu" in one_click.get_data(as_text=True)
    db.session.refresh(people["maija"])
    assert not people["maija"].mail_replies and people["maija"].mail_mentions

    root = db.session.scalars(select(Comment).where(Comment.parent_id.is_(None))).one()
    make_comment(section, people["liisa"], "Toinen vastaus.", parent=root)
    _deliver(LATER * 2)
    assert len(_notification_mails(smtp, "maija@kunta.fi")) == 1
    assert stranger.get(path[:-3] + "xyz").status_code == 404
    assert stranger.post(path[:-3] + "xyz").status_code == 404


def test_settings_on_the_profile(app: Flask, section, people) -> None:
    maija = _client(app, "maija@kunta.fi")
    assert "/profiili/ilmoitukset" in maija.get("/profiili").get_data(as_text=True)
    response = submit_form(
        maija,
        "/profiili/ilmoitukset",
        "notification-settings",
        replies="",
        mentions="y",
        digest="daily",
    )
    assert response.status_code == 302
    db.session.refresh(people["maija"])
    assert not people["maija"].mail_replies and people["maija"].mail_mentions
    assert people["maija"].digest == DigestFrequency.DAILY
    refused = submit_form(
        maija, "/profiili/ilmoitukset", "notification-settings", digest="", replies="y"
    )
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert "Valitse, kuinka usein haluat koosteen." in html
    # The choices sent come back as sent, to be corrected rather than made again.
    assert re.search(r'<input[^>]*\bchecked\b[^>]*id="replies"|id="replies"[^>]*\bchecked\b', html)
    assert app.test_client().get("/profiili/ilmoitukset").status_code == 302


def _digest_mails(smtp: SmtpServer, to: str) -> list[Message]:
    return [m for m in _notification_mails(smtp, to) if m["Subject"].startswith("Mitä uutta")]


def test_digests_tell_what_is_new_once_per_period_and_only_when_there_is_something(
    app: Flask, smtp: SmtpServer, section, people
) -> None:
    start = utcnow()
    maija, pekka, liisa = people["maija"], people["pekka"], people["liisa"]
    maija.digest, pekka.digest, liisa.digest = (
        DigestFrequency.DAILY,
        DigestFrequency.WEEKLY,
        DigestFrequency.NEVER,
    )
    people["moderator"].digest = DigestFrequency.NEVER
    for person in (maija, pekka, liisa):
        person.digest_since = start
        person.mail_replies = False
    db.session.commit()
    assert send_digests(start + timedelta(seconds=1)) == 0  # nothing new yet

    other = make_section(section.page, "Rahoitusmallit", "Uusi osio.")
    root = make_comment(section, liisa, "Liisan kommentti.")
    root.agree_count = 2
    make_comment(section, people["moderator"], "Moderaattorin vastaus.", parent=root)
    make_comment(other, maija, "Maijan oma kommentti.")
    db.session.commit()

    first = start + timedelta(hours=1)
    assert send_digests(first) == 2  # Maija daily, Pekka weekly; Liisa never
    assert send_digests(first) == 0
    result = app.test_cli_runner().invoke(args=["valuma", "send-digests"])
    assert result.exit_code == 0 and "0 digest(s) queued" in result.output
    deliver_due(now=first)
    [digest] = _digest_mails(smtp, "maija@kunta.fi")
    text = parts(digest)["text/plain"]
    assert "Rahoitusmallit (uusi)" in text
    assert "Päätavoitteet: 2 uutta kommenttia" in text
    assert "Kirjastonhoitaja, Päätavoitteet (2 samaa mieltä)" in text
    assert "Moderaattorin vastaus." in text
    assert "Maijan oma kommentti" not in text and "Rahoitusmallit: 1" not in text
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert len(_digest_mails(smtp, "pekka@liitto.fi")) == 1
    assert _digest_mails(smtp, "liisa@maakunta.fi") == []

    next_day = first + timedelta(days=1)
    assert send_digests(next_day) == 0  # nothing new since the first digest
    late = make_comment(section, pekka, "Uusi päivä, uusi kommentti.")
    late.published_at = next_day - timedelta(hours=1)  # written after the first digest
    db.session.commit()
    assert send_digests(next_day) == 1  # Maija's daily; Pekka's week already had one
    deliver_due(now=next_day)
    second = _digest_mails(smtp, "maija@kunta.fi")[-1]
    assert "Uusi päivä, uusi kommentti." not in parts(second)["text/plain"]  # no agreements
    assert "Päätavoitteet: 1 uusi kommentti" in parts(second)["text/plain"]
    assert "Liisan kommentti" not in parts(second)["text/plain"]


def test_a_digest_with_nothing_left_by_sending_time_is_not_sent(
    app: Flask, smtp: SmtpServer, section, people
) -> None:
    for person in people.values():
        person.digest = DigestFrequency.NEVER
    maija = people["maija"]
    maija.digest, maija.digest_since = DigestFrequency.DAILY, utcnow()
    db.session.commit()
    comment = make_comment(section, people["pekka"], "Pian piilotettava.")
    assert send_digests(utcnow() + timedelta(minutes=1)) == 1
    from valuma_space.moderation.services import hide

    hide(comment, people["moderator"], "Asiaton")
    db.session.commit()
    deliver_due(now=utcnow() + timedelta(minutes=2))
    assert _digest_mails(smtp, "maija@kunta.fi") == []


def test_the_development_digest_button(app: Flask, section, people) -> None:
    moderator = _client(app, "moderaattori@valuma.fi")
    queue = moderator.get("/moderointi/").get_data(as_text=True)
    assert "/moderointi/koosteet" not in queue  # off unless DIGEST_BUTTON (development)
    token = csrf_token(queue)
    assert moderator.post("/moderointi/koosteet", data={"csrf_token": token}).status_code == 404
    app.config["DIGEST_BUTTON"] = True
    assert "/moderointi/koosteet" in moderator.get("/moderointi/").get_data(as_text=True)
    response = moderator.post("/moderointi/koosteet", data={"csrf_token": token})
    assert response.status_code == 302
    participant = _client(app, "maija@kunta.fi")
    own_token = csrf_token(participant.get("/ilmoitukset").get_data(as_text=True))
    refused = participant.post("/moderointi/koosteet", data={"csrf_token": own_token})
    assert refused.status_code == 403


def test_two_senders_at_once_send_each_notification_mail_once(
    app: Flask, smtp: SmtpServer, section
) -> None:
    writer = make_user("kirjoittaja@kunta.fi", display_name="Kirjoittaja")
    readers = [make_user(f"lukija{n}@kunta.fi", display_name=f"Lukija {n}") for n in range(30)]
    for reader in readers:
        root = make_comment(section, reader, f"Lukijan {reader.id} kommentti.")
        make_comment(section, writer, "Vastaus.", parent=root)
        make_comment(section, writer, "Toinen vastaus.", parent=root)
    barrier = threading.Barrier(2)
    moment = utcnow() + LATER

    def sender() -> None:
        barrier.wait()
        with app.app_context():
            deliver_due(now=moment)

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    recipients = [message["To"] for message in _notification_mails(smtp)]
    assert sorted(recipients) == sorted(reader.email for reader in readers)
    db.session.expire_all()
    notifications = db.session.scalars(select(Notification)).all()
    assert len(notifications) == 60
    assert all(n.outbox_id is not None and not n.waiting_for_mail for n in notifications)
    mails = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == MailKind.NOTIFICATION)
    ).all()
    assert len(mails) == 30 and {mail.status for mail in mails} == {OutboxStatus.SENT}


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_notification_pages_speak_the_chosen_language(
    app: Flask, smtp: SmtpServer, section, people, language: str
) -> None:
    root = make_comment(section, people["maija"], "Alku.")
    make_comment(section, people["pekka"], "Hyvä huomio, @Maija Meikäläinen.", parent=root)
    maija = _client(app, "maija@kunta.fi")
    maija.get("/")  # shows the "signed in" notice, flashed in Finnish before the switch
    maija.get(f"/kieli/{language}")
    _deliver()
    [mail] = _notification_mails(smtp, "maija@kunta.fi")
    unsubscribe = _unsubscribe_path(mail)
    for path in ("/ilmoitukset", "/profiili/ilmoitukset", unsubscribe):
        html = maija.get(path).get_data(as_text=True)
        assert f'<html lang="{language}"' in html
        assert finnish_left_in(html, language) == [], path


def test_nobody_hears_of_comments_in_a_section_they_cannot_read(
    app: Flask, smtp: SmtpServer, section, people
) -> None:
    root = make_comment(section, people["maija"], "Kirjoitettu ennen piilottamista.")
    section.is_published = False
    db.session.commit()
    make_comment(section, people["moderator"], "Moderaattorin luonnosvastaus.", parent=root)
    _deliver()
    assert _notification_mails(smtp) == []
    assert db.session.scalar(select(func.count(Notification.id))) == 0


def test_names_and_texts_are_escaped_in_the_list_and_in_mail(
    app: Flask, smtp: SmtpServer, section, people
) -> None:
    people["pekka"].display_name = '<b id="nimi">Pekka</b>'
    db.session.commit()
    root = make_comment(section, people["maija"], "Alku.")
    make_comment(
        section, people["pekka"], '<img src="x" onerror="alert(1)"> ja <b>lihava</b>', parent=root
    )
    _deliver()
    [mail] = _notification_mails(smtp, "maija@kunta.fi")
    pages = [
        parts(mail)["text/html"],
        _client(app, "maija@kunta.fi").get("/ilmoitukset").get_data(as_text=True),
    ]
    for html in pages:
        assert "<img" not in html and '<b id="nimi">' not in html and "<b>lihava" not in html
        assert "&lt;b id=&#34;nimi&#34;&gt;Pekka&lt;/b&gt; vastasi kommenttiisi" in html
        assert "&lt;img src=&#34;x&#34;" in html
    assert '<b id="nimi">Pekka</b> vastasi kommenttiisi' in parts(mail)["text/plain"]


def test_an_edit_tells_only_those_it_newly_mentions(
    app: Flask, smtp: SmtpServer, section, people
) -> None:
    root = make_comment(section, people["maija"], "Alku.")
    pekka = _client(app, "pekka@liitto.fi")
    reply_id = _write(pekka, section, "Pekan vastaus.", root.id)
    make_comment(section, people["liisa"], "Liisa tuli mukaan myöhemmin.", parent=root)
    page = f"/kommentit/{reply_id}/muokkaa"
    assert submit_form(pekka, page, "kommentoi", body="Pekan vastaus, korjattu.").status_code == 303
    assert (
        submit_form(pekka, page, "kommentoi", body="Korjattu, @Kirjastonhoitaja.").status_code
        == 303
    )
    told = db.session.execute(select(Notification.user_id, Notification.kind)).all()
    assert sorted((user_id, kind.value) for user_id, kind in told) == sorted(
        [
            (people["maija"].id, "reply"),  # Pekka's reply
            (people["maija"].id, "reply"),  # Liisa's reply
            (people["pekka"].id, "thread_reply"),  # Liisa wrote after Pekka
            (people["liisa"].id, "mention"),  # the second edit names her
        ]
    )


def test_a_section_unpublished_later_takes_its_notifications_away(
    app: Flask, smtp: SmtpServer, section, people
) -> None:
    root = make_comment(section, people["maija"], "Alku.")
    make_comment(section, people["pekka"], "Vastaus.", parent=root)
    section.is_published = False
    db.session.commit()
    _deliver()
    assert _notification_mails(smtp) == []
    maija = _client(app, "maija@kunta.fi")
    assert "Pekka Puhuja vastasi" not in maija.get("/ilmoitukset").get_data(as_text=True)
    assert "count-badge" not in maija.get("/ilmoitukset?page=²").get_data(as_text=True)


def test_an_unsubscribe_link_dies_with_its_account(
    app: Flask, smtp: SmtpServer, section, people
) -> None:
    mail = _reply_mail_to_maija(smtp, section, people)
    path = _unsubscribe_path(mail)
    # Another account given the same id later (SQLite reuses the highest id) is not touched.
    people["maija"].created_at = people["maija"].created_at + timedelta(days=1)
    db.session.commit()
    assert app.test_client().post(path).status_code == 404
    db.session.refresh(people["maija"])
    assert people["maija"].mail_replies
