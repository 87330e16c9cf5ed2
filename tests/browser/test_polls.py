"""In Chromium: a moderator adds a rate-the-alternatives question and a matrix question to a
section in the editor; two participants answer with JavaScript (saved without a reload) and one
without (the page comes back with the answer); the moderator reads the ratings' means, the
matrix's heat map and the participants' ratings beside the assessments in the assessment matrix.
Every page on the way at 0 axe violations, at 1280 px and at 320 px with no sideways scrolling.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_every_page import (
    NARROWEST,
    axe_problems,
    reflow_problem,
    touching_cards,
)
from valuma_space.demo import content

SHOTS = os.environ.get("VALUMA_SCREENSHOTS")
# Sections no other browser test writes in: the live server is shared by the whole session.
SLUG = "soveltuvuus-eri-alueille"
REFUSED_SLUG = "vaihe-3-toimintamallien-muotoilu"
RATING = "Miten arvioit vaihtoehtoja kriteereittäin? (selaintesti)"
GRID = "Mitkä verkostot kiinnostavat alueellasi? (selaintesti)"
ALTERNATIVE = "Kevyt yhteistyöfoorumi"
CRITERION = "Vaikuttavuus"
OTHER_CRITERION = "Hallinnollinen keveys"
SAVED = "Vastauksesi on tallennettu."


def _check(page: Any, axe: Any, name: str) -> None:
    """What the every-page sweep asks of a page (these pages need the test's questions and
    answers, so the sweep leaves them here): no axe violation, WCAG 2.2's target size included,
    at 1280 px and at 320 px, no sideways scrolling at 320 px and no boxes touching; with
    VALUMA_SCREENSHOTS, the page kept as it looks at both widths."""
    problems: list[str] = []
    for width in (1280, NARROWEST):
        page.set_viewport_size({"width": width, "height": 900})
        problems += axe_problems(axe, page, f"{name} at {width} px")
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{SHOTS}/polls-{name}-{width}.png", full_page=True)
    problems += touching_cards(page, name)
    problem = reflow_problem(page, name)  # at 320 px, then back to 1280
    if problem:
        problems.append(problem)
    assert problems == [], "\n".join(problems)


def _ratings_of(live_server: Any, alternative_id: int, criterion_id: int) -> tuple[int, int]:
    """The sum and count of the participants' scores of a matrix cell so far (the demo's own
    rate-the-alternatives question has rated it already)."""
    from sqlalchemy import func, select

    from valuma_space.extensions import db
    from valuma_space.polls.models import AnswerItem, Question, QuestionKind

    with live_server.app.app_context():
        total, count = db.session.execute(
            select(func.coalesce(func.sum(AnswerItem.value), 0), func.count(AnswerItem.id))
            .join(Question, Question.id == AnswerItem.question_id)
            .where(
                Question.kind == QuestionKind.RATE_ALTERNATIVES,
                AnswerItem.question_version == Question.version,
                AnswerItem.row_key == alternative_id,
                AnswerItem.column_key == criterion_id,
            )
        ).one()
        return int(total), int(count)


def _ids(live_server: Any) -> tuple[int, int, int]:
    """The section's id, and the alternative and criterion of the cell the test reads."""
    from sqlalchemy import select

    from valuma_space.extensions import db
    from valuma_space.materials.services import section_with_page
    from valuma_space.modeldesign.models import Alternative, Criterion
    from valuma_space.workspaces.services import current_workspace

    with live_server.app.app_context():
        workspace = current_workspace()
        section = section_with_page(workspace, SLUG)
        assert section is not None
        alternative = db.session.scalars(
            select(Alternative).where(
                Alternative.workspace_id == workspace.id, Alternative.title == ALTERNATIVE
            )
        ).one()
        criterion = db.session.scalars(
            select(Criterion).where(
                Criterion.workspace_id == workspace.id, Criterion.name == CRITERION
            )
        ).one()
        return section.id, alternative.id, criterion.id


def _add_question(page: Any, kind: str, prompt: str, options: str = "", rows: str = "") -> None:
    page.locator("#questions").get_by_role("link", name="Lisää kysymys").click()
    expect(page.locator("h1")).to_have_text("Uusi kysymys")
    page.get_by_label("Kysymyksen tyyppi").select_option(kind)
    page.get_by_label("Kysymys", exact=True).fill(prompt)
    if options:
        page.get_by_label("Vaihtoehdot, kukin omalle rivilleen").fill(options)
    if rows:
        page.get_by_label("Matriisin rivit, kukin omalle rivilleen").fill(rows)
    page.get_by_role("button", name="Lisää kysymys").click()
    expect(page.locator("#questions")).to_contain_text(prompt)


def _rate(block: Any, alternative: str, criterion: str, score: str) -> None:
    row = block.locator("fieldset.rating-row").filter(
        has=block.page.locator("legend", has_text=alternative)
    )
    row.get_by_label(criterion, exact=True).select_option(score)


def _grid(block: Any, row: str, column: str) -> None:
    fieldset = block.locator("fieldset.matrix-row").filter(
        has=block.page.locator("legend", has_text=row)
    )
    fieldset.get_by_label(column, exact=True).check()


def _answer(browser: Any, live_server: Any, email: str, score: str, javascript: bool) -> Any:
    """A participant signs in, rates one cell (and another with `score` too) and answers the
    grid; with JavaScript the page must not reload, without it the page comes back."""
    context = browser.new_context(locale="fi-FI", java_script_enabled=javascript)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, live_server, email, f"/osio/{SLUG}")
    rating = page.locator("section.question-block", has_text=RATING)
    grid = page.locator("section.question-block", has_text=GRID)
    expect(rating.get_by_role("button", name="Tallenna vastaus")).to_be_visible()
    _rate(rating, ALTERNATIVE, CRITERION, score)
    _rate(rating, ALTERNATIVE, OTHER_CRITERION, "-1")
    if javascript:
        page.evaluate("window.__sameDocument = true")
        rating.get_by_role("button", name="Tallenna vastaus").click()
        expect(rating.locator("[data-question-status]")).to_contain_text(SAVED)
        expect(page.locator("#live-region")).to_have_text(SAVED)
        _grid(grid, "Teemaverkostot", "Kiinnostaa")
        grid.get_by_role("button", name="Tallenna vastaus").click()
        expect(grid.locator("[data-question-status]")).to_contain_text(SAVED)
        assert page.evaluate("window.__sameDocument === true"), "the page reloaded"
        if SHOTS:
            rating.screenshot(path=f"{SHOTS}/polls-saved-in-place.png")
    else:
        with page.expect_navigation():
            rating.get_by_role("button", name="Tallenna vastaus").click()
        expect(page.locator(".flash-success")).to_contain_text(SAVED)
        _grid(grid, "Teemaverkostot", "Ei kiinnosta")
        with page.expect_navigation():
            grid.get_by_role("button", name="Tallenna vastaus").click()
    # Saved, whichever way: the form shows the answer and offers to change it.
    row = rating.locator("fieldset.rating-row").filter(
        has=page.locator("legend", has_text=ALTERNATIVE)
    )
    expect(row.get_by_label(CRITERION, exact=True)).to_have_value(score)
    expect(rating.get_by_role("button", name="Muuta vastausta")).to_be_visible()
    expect(grid.get_by_role("button", name="Muuta vastausta")).to_be_visible()
    assert errors == [], errors
    return page


def test_rate_the_alternatives_from_the_editor_to_the_assessment_matrix(
    browser: Any, page: Any, live_server: Any, axe: Any
) -> None:
    section_id, alternative_id, criterion_id = _ids(live_server)
    before_total, before_count = _ratings_of(live_server, alternative_id, criterion_id)

    sign_in(page, live_server, content.MODERATOR_EMAIL, f"/hallinta/aineisto/osiot/{section_id}")
    page.locator("#questions").get_by_role("link", name="Lisää kysymys").click()
    _check(page, axe, "new-question")
    page.go_back()
    _add_question(page, "rate_alternatives", RATING)
    _add_question(
        page,
        "matrix",
        GRID,
        options="Kiinnostaa\nEhkä\nEi kiinnosta",
        rows="Teemaverkostot\nAluetasojen verkostot",
    )
    _check(page, axe, "editor-questions")
    page.locator("#questions li", has_text=RATING).get_by_role("link", name="Muokkaa").click()
    expect(page.locator("h1")).to_have_text("Muokkaa kysymystä")
    expect(page.locator("form.form").first).to_contain_text("Tyyppi: Vaihtoehtojen arviointi")
    _check(page, axe, "edit-question")
    page.go_back()

    first = _answer(browser, live_server, "arvioija.yksi@kunta.example", "2", javascript=True)
    _answer(browser, live_server, "arvioija.kaksi@kunta.example", "1", True).context.close()
    third = _answer(browser, live_server, "arvioija.kolme@kunta.example", "0", javascript=False)
    third.context.close()
    # The participant's page with the questions answered and their results (under five people:
    # shown as too few to tell), as it is after the reload.
    first.reload()
    expect(first.locator("section.question-block", has_text=RATING)).to_contain_text(
        "Tulokset näytetään, kun vastaajia on vähintään 5"
    )
    _check(first, axe, "section-answered")
    first.context.close()

    page.goto(f"{live_server.url}/kyselyt/")
    expect(page.locator("tr", has_text=RATING).locator("td.num")).to_have_text("3")
    _check(page, axe, "index")
    page.locator("tr", has_text=RATING).get_by_role("link").click()
    rated = page.locator("section.poll-card", has_text=RATING)
    expect(rated).to_contain_text("3 vastaajaa")
    cells = rated.locator("table.rating-table tr", has_text=ALTERNATIVE)
    expect(cells).to_contain_text("+1,0 n=3")  # +2, +1 and 0
    expect(cells).to_contain_text("−1,0 n=3")
    heat = page.locator("section.poll-card", has_text=GRID)
    expect(heat).to_contain_text("3 vastaajaa")
    expect(heat.locator(".chart-scroll svg")).to_be_visible()
    expect(heat.locator("table.heat-table tr", has_text="Teemaverkostot")).to_contain_text("2")
    _check(page, axe, "results")

    page.goto(f"{live_server.url}/mallit/matriisi")
    cell = page.locator(f"#cell-{alternative_id}-{criterion_id}")
    # Every rate-the-alternatives question counts in the cell: the demo's and this one's
    # three scores (+2, +1 and 0).
    total, count = before_total + 3, before_count + 3
    mean = f"{abs(total / count):.1f}".replace(".", ",")
    sign = "+" if total / count > 0.05 else "−" if total / count < -0.05 else ""
    expect(cell.locator(".participants-rating")).to_have_text(
        f"Osallistujat: {sign}{mean} n={count}"
    )
    expect(cell.locator(".matrix-score")).to_be_visible()  # the moderators' assessment beside
    if SHOTS:
        page.locator("tr", has=cell).screenshot(path=f"{SHOTS}/polls-matrix-row.png")
    _check(page, axe, "matrix")


def test_a_refused_answer_comes_back_in_place_with_its_choices(
    browser: Any, live_server: Any, axe: Any
) -> None:
    from valuma_space.auth.services import ensure_user
    from valuma_space.extensions import db
    from valuma_space.materials.services import section_with_page
    from valuma_space.polls.models import QuestionKind
    from valuma_space.polls.services import QuestionInput, add_question
    from valuma_space.workspaces.services import current_workspace

    prompt = "Mikä teema kiinnostaa eniten? (selaintesti)"
    with live_server.app.app_context():
        moderator, _ = ensure_user(content.MODERATOR_EMAIL)
        section = section_with_page(current_workspace(), REFUSED_SLUG)
        assert section is not None
        add_question(
            section,
            moderator,
            QuestionInput(
                kind=QuestionKind.MULTIPLE,
                prompt=prompt,
                options=("Osaajien saatavuus", "Kiertotalous", "Kaupunki ja maaseutu"),
                max_choices=1,
            ),
        )
        db.session.commit()

    # Not the `page` fixture: the refusal is a 400 answer to the script's request, on purpose.
    context = browser.new_context(locale="fi-FI")
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, live_server, "valitsija.kaksi@kunta.example", f"/osio/{REFUSED_SLUG}")
    block = page.locator("section.question-block", has_text=prompt)
    block.get_by_label("Osaajien saatavuus").check()
    block.get_by_label("Kiertotalous").check()
    page.evaluate("window.__sameDocument = true")
    block.get_by_role("button", name="Tallenna vastaus").click()
    expect(block.locator(".error-message")).to_be_visible()
    assert page.evaluate("window.__sameDocument === true"), "the page reloaded"
    expect(block.get_by_label("Osaajien saatavuus")).to_be_checked()
    expect(block.get_by_label("Kiertotalous")).to_be_checked()
    expect(block.get_by_label("Kaupunki ja maaseutu")).not_to_be_checked()
    assert block.locator(".error-message").evaluate("el => el === document.activeElement")
    if SHOTS:
        block.screenshot(path=f"{SHOTS}/polls-refused-block.png")
    _check(page, axe, "refused")

    block.get_by_label("Kiertotalous").uncheck()
    block.get_by_role("button", name="Tallenna vastaus").click()
    expect(block.locator("[data-question-status]")).to_contain_text(SAVED)
    expect(block.locator(".error-message")).to_have_count(0)
    expect(block.get_by_label("Osaajien saatavuus")).to_be_checked()
    # The one failed request is the refusal's 400; nothing else went wrong.
    assert [e for e in errors if "400" not in e] == [], errors
    context.close()
