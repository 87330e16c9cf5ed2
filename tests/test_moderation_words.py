"""What the moderation history and log show people: words in their language and moderators by
the name they are shown by, never stored codes or addresses."""

from __future__ import annotations

from flask import Flask

from tests.factories import make_comment, make_page, make_section, make_user, make_workspace
from tests.helpers import login_as, moderate, post_form
from valuma_space.auth.models import Role


def test_the_history_and_the_log_speak_words_and_name_people(app: Flask) -> None:
    section = make_section(make_page(make_workspace(), "Tausta"), "Tavoitteet", "Teksti")
    comment = make_comment(section, make_user("maija@kunta.fi"), "Kommentti.")
    make_user(
        "mona@valuma.fi",
        display_name="Mona Moderaattori",
        role=Role.ADMIN,
        profile_completed=True,
    )
    admin = app.test_client()
    login_as(admin, "mona@valuma.fi")
    moderate(admin, comment.id, "triage", triage="read")
    moderate(admin, comment.id, "hide", reason="Asiaton sävy")
    post_form(admin, "/moderointi/", action="/moderointi/asetukset", pre_moderation="y")
    admin.get("/moderointi/vienti/lataa?format=report-docx&include_hidden=1&kind=question")

    history = admin.get(f"/moderointi/kommentit/{comment.id}").get_data(as_text=True)
    assert "Mona Moderaattori · Käsittelytila: Uusi → Luettu" in history
    assert "Näkyvissä → Piilotettu (Asiaton sävy)" in history
    assert "mona@valuma.fi" not in history and "new → read" not in history

    log = admin.get("/moderointi/loki").get_data(as_text=True)
    for words in (
        "Uusi → Luettu",
        "Näkyvissä → Piilotettu",
        "pois päältä → päällä",
        "Raportti (Word)",
        "tyyppi: Kysymys; myös piilotetut ja poistetut",
        "<td>Mona Moderaattori</td>",
    ):
        assert words in log, words
    for code in ("new →", "false", "include_hidden", "report-docx", "<td>mona@valuma.fi</td>"):
        assert code not in log, code

    admin.set_cookie("lang", "en")
    english = admin.get("/moderointi/loki").get_data(as_text=True)
    assert "New → Read" in english and "Visible → Hidden" in english
