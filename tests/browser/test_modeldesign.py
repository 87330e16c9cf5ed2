"""A moderator turns a comment into evidence for an alternative; the participant sees how it was used."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in

SLUG = "toimintamalli-verkottumiselle"


def test_tag_link_assess_and_see_how_the_comment_was_used(
    browser: Any, page: Any, live_server: Any, axe: Any
) -> None:
    from valuma_space.auth.models import Role
    from valuma_space.auth.services import ensure_user
    from valuma_space.comments.services import add_comment
    from valuma_space.extensions import db
    from valuma_space.materials.services import section_with_page
    from valuma_space.workspaces.services import current_workspace

    with live_server.app.app_context():
        ensure_user("mallintaja-selain@valuma.example", Role.MODERATOR)
        writer, _ = ensure_user("ehdottaja-selain@kunta.fi")
        writer.display_name, writer.profile_completed = "Ehdottaja", True
        comment, _ = add_comment(
            section_with_page(current_workspace(), SLUG),
            writer,
            "Vertaisoppiminen vaatii pysyvän koordinaation.",
        )
        db.session.commit()
        comment_id = comment.id

    sign_in(page, live_server, "mallintaja-selain@valuma.example", "/mallit/")
    page.get_by_label("Toimintamallivaihtoehto").check()
    page.get_by_label("Otsikko").fill("Kevyt verkosto-ohjelma")
    page.get_by_label("Kuvaus (Markdown)").fill("Ohjelma kokoaa verkostot *vertaisoppimiseen*.")
    page.get_by_role("button", name="Lisää vaihtoehto").click()
    expect(page.locator("h1")).to_have_text("Kevyt verkosto-ohjelma")
    page.goto(f"{live_server.url}/mallit/")
    page.get_by_label("Uusi kriteeri").fill("Hallinnollinen taakka")
    page.locator("#criteria").get_by_role("button", name="Lisää").click()
    page.get_by_label("Uusi teema").fill("Vertaisoppiminen")
    page.locator("#themes").get_by_role("button", name="Lisää").click()
    assert_accessible(axe, page)

    page.goto(f"{live_server.url}/moderointi/kommentit/{comment_id}")
    page.get_by_label("Vertaisoppiminen").check()
    page.get_by_role("button", name="Tallenna teemat").click()
    page.get_by_label("Vaihtoehto", exact=True).select_option(label="Kevyt verkosto-ohjelma")
    page.get_by_label("Kriteeri (valinnainen)").select_option(label="Hallinnollinen taakka")
    page.get_by_label("Kanta").select_option("opposes")
    page.get_by_role("button", name="Liitä vaihtoehtoon").click()
    expect(page.locator("#design")).to_contain_text(
        "Vastustaa: Kevyt verkosto-ohjelma – Hallinnollinen taakka"
    )
    assert_accessible(axe, page)

    page.goto(f"{live_server.url}/mallit/matriisi")
    expect(page.locator("table.matrix")).to_contain_text("vastustaa 1")
    page.get_by_role("link", name=re.compile("Avaa")).first.click()
    page.get_by_label("−1").check()
    page.get_by_label("Perustelu").fill("Koordinaatio vaatii resursseja.")
    page.get_by_role("button", name="Tallenna arvio").click()
    expect(page.locator("table.matrix")).to_contain_text("Arvio −1")
    assert_accessible(axe, page)
    page.get_by_role("link", name="Kevyt verkosto-ohjelma", exact=True).click()
    expect(page.locator("main")).to_contain_text("Hallinnollinen taakka · Vastustaa (1)")
    assert_accessible(axe, page)

    reader_context = browser.new_context(locale="fi-FI")
    reader = reader_context.new_page()
    sign_in(reader, live_server, "ehdottaja-selain@kunta.fi", f"/osio/{SLUG}")
    expect(reader.locator(f"#c{comment_id}")).to_contain_text(
        "Huomioitu mallityössä: Kevyt verkosto-ohjelma – Hallinnollinen taakka"
    )
    assert_accessible(axe, reader)
    reader_context.close()
