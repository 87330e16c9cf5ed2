"""A moderator edits and publishes a section; a participant's earlier comment then leads to the change."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in

SLUG = "konsortio-ja-kumppanit"


def test_publishing_a_new_version_links_earlier_comments_to_the_difference(
    browser: Any, page: Any, live_server: Any, axe: Any
) -> None:
    from valuma_space.auth.models import Role
    from valuma_space.auth.services import ensure_user
    from valuma_space.comments.services import add_comment
    from valuma_space.extensions import db
    from valuma_space.materials.services import section_with_page
    from valuma_space.workspaces.services import current_workspace

    with live_server.app.app_context():
        ensure_user("toimittaja-selain@valuma.example", Role.MODERATOR)
        participant, _ = ensure_user("kommentoija-selain@kunta.fi")
        participant.display_name, participant.profile_completed = "Kommentoija", True
        section = section_with_page(current_workspace(), SLUG)
        add_comment(
            section,
            participant,
            "Kumppaneita pitäisi olla enemmän.",
            quote="MAL- ja seutukaupunkiverkostot",
        )
        db.session.commit()

    sign_in(page, live_server, "toimittaja-selain@valuma.example", "/hallinta/aineisto")
    assert_accessible(axe, page)
    page.get_by_role("link", name="Konsortio ja kumppanit").click()
    assert page.locator("h1").inner_text().startswith("Muokkaa osiota")
    assert_accessible(axe, page)
    body = page.get_by_label("Teksti (Markdown)")
    body.fill(
        body.input_value().replace(
            "MAL- ja seutukaupunkiverkostot",
            "MAL-verkosto, seutukaupunkiverkosto ja maaseutuverkostot",
        )
    )
    page.get_by_role("button", name="Esikatsele").click()
    expect(page.locator(".preview")).to_contain_text("maaseutuverkostot")
    page.get_by_role("button", name="Julkaise").click()
    expect(page.locator(".flash-success")).to_contain_text("Osio on julkaistu")

    for path in (
        "/hallinta/asetukset",
        "/hallinta/kutsut",
        f"/osio/{SLUG}/historia",
        f"/osio/{SLUG}/historia/1/2",
    ):
        page.goto(f"{live_server.url}{path}")
        assert_accessible(axe, page)

    reader_context = browser.new_context(locale="fi-FI")
    reader = reader_context.new_page()
    sign_in(reader, live_server, "kommentoija-selain@kunta.fi", f"/osio/{SLUG}")
    # The demo's discussion of the section was written on version 1 too: look at this comment.
    mine = reader.locator("article.comment", has_text="Kumppaneita pitäisi olla enemmän.")
    note = mine.get_by_role("link", name=re.compile("Kirjoitettu aiempaan versioon"))
    expect(note).to_be_visible()
    assert "lainattu kohta on sittemmin muuttunut" in mine.inner_text()
    note.click()
    assert reader.locator("h1").inner_text() == "Muutokset versiosta 1 versioon 2"
    expect(reader.locator("ins", has_text="maaseutuverkostot")).to_be_visible()
    expect(reader.locator("del", has_text="MAL-")).to_be_visible()
    assert_accessible(axe, reader)
    reader_context.close()
