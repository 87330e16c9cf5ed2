"""Readers see text, not the Markdown behind it: in the difference between versions, in the
queue's and the notifications' excerpts and in mail."""

from __future__ import annotations

import re

from flask import Flask

from tests.factories import make_comment, make_page, make_section, make_user, make_workspace
from tests.helpers import login_as, save_section
from valuma_space.auth.models import Role


def test_the_difference_compares_the_text_people_read(app: Flask) -> None:
    section = make_section(
        make_page(make_workspace(), "Tausta"),
        "Tavoitteet",
        "### Rahoitus\r\n\r\nSelvitys **arvioi** mallit.\r\n\r\n- yksi\r\n- kaksi",
    )
    make_user("mona@valuma.fi", role=Role.MODERATOR, profile_completed=True)
    moderator = app.test_client()
    login_as(moderator, "mona@valuma.fi")
    new = "### Rahoitus\n\nSelvitys **arvioi** mallit ja [vaihtoehdot](https://valuma.example).\n\n- yksi\n- kaksi"
    assert save_section(moderator, section, "publish", "Tavoitteet", new).status_code == 303
    html = moderator.get(f"/osio/{section.slug}/historia/1/2").get_data(as_text=True)
    text = html.split('<div class="diff-text">', 1)[1].split("</div>", 1)[0]
    for markdown in ("###", "**", "](", "\r"):
        assert markdown not in text, markdown
    added = re.findall(r"<ins>.*?</span>(.*?)<span", text, re.S)
    removed = re.findall(r"<del>.*?</span>(.*?)<span", text, re.S)
    # Unchanged words are left alone, whatever the line endings of either version.
    assert removed == ["mallit.\n\n"]
    assert added == ["mallit ja vaihtoehdot (https://valuma.example).\n\n"]
    assert "- yksi\n- kaksi" in text


def test_excerpts_are_plain_text(app: Flask) -> None:
    section = make_section(make_page(make_workspace(), "Tausta"), "Tavoitteet", "Teksti")
    maija = make_user("maija@kunta.fi", display_name="Maija", profile_completed=True)
    root = make_comment(section, maija, "Alku.")
    make_user("pekka@liitto.fi", display_name="Pekka", profile_completed=True)
    make_user("mona@valuma.fi", role=Role.MODERATOR, profile_completed=True)
    from valuma_space.auth.services import find_user_by_email

    make_comment(
        section,
        find_user_by_email("pekka@liitto.fi"),
        "**Tärkeä** huomio: [linkki](https://a.fi)",
        parent=root,
    )
    moderator = app.test_client()
    login_as(moderator, "mona@valuma.fi")
    queue = moderator.get("/moderointi/").get_data(as_text=True)
    assert "Tärkeä huomio: linkki (https://a.fi)" in queue and "**Tärkeä**" not in queue
    reader = app.test_client()
    login_as(reader, "maija@kunta.fi")
    notifications = reader.get("/ilmoitukset").get_data(as_text=True)
    assert "Tärkeä huomio" in notifications and "**Tärkeä**" not in notifications
