"""Questions in the sections through HTTP: writing them, answering each kind, changing and
withdrawing an answer, closing, the results and who sees them, on both engines."""

from __future__ import annotations

import html as htmllib
import re
import threading
from datetime import timedelta
from urllib.parse import unquote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.factories import make_page, make_section, make_user, make_workspace
from tests.helpers import csrf_token, login_as
from valuma_space.auth.models import Role
from valuma_space.choices import OrganisationType, Region
from valuma_space.db import utcnow
from valuma_space.extensions import db
from valuma_space.polls import services
from valuma_space.polls.models import Answer, AnswerDraft, AnswerItem, Question


@pytest.fixture
def place(app: Flask):
    workspace = make_workspace()
    page = make_page(workspace, "Tarpeet")
    section = make_section(page, "Kiinnostus verkostoihin", "Ensimmäinen kappale.\n\nToinen.")
    make_user("toimittaja@valuma.fi", role=Role.MODERATOR, profile_completed=True)
    moderator = app.test_client()
    login_as(moderator, "toimittaja@valuma.fi")
    return {"workspace": workspace, "section": section, "moderator": moderator}


def add_question(client: FlaskClient, section, **fields: str):
    path = f"/hallinta/aineisto/osiot/{section.id}/kysymykset/uusi"
    token = csrf_token(client.get(path).get_data(as_text=True))
    data = {"csrf_token": token, "results_shown": "after_answering", "with_comment_period": "y"}
    data.update(fields)
    return client.post(path, data=data)


def new_question(place, **fields: str) -> Question:
    response = add_question(place["moderator"], place["section"], **fields)
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.scalars(select(Question).order_by(Question.id.desc())).first()


_people = iter(range(1, 10_000))


def participant(app: Flask, email: str | None = None, **fields) -> FlaskClient:
    email = email or f"vastaaja{next(_people)}@kunta.fi"
    make_user(email, profile_completed=True, **fields)
    client = app.test_client()
    login_as(client, email)
    return client


def section_html(client: FlaskClient, section) -> str:
    return client.get(f"/osio/{section.slug}").get_data(as_text=True)


def answer(client: FlaskClient, section, question: Question, **fields):
    data = {"csrf_token": csrf_token(section_html(client, section)), **fields}
    return client.post(f"/kysymys/{question.id}/vastaa", data=data)


def results_html(place, **args: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in args.items())
    url = f"/kyselyt/osio/{place['section'].slug}" + (f"?{query}" if query else "")
    response = place["moderator"].get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def table_rows(html: str, question: Question) -> list[tuple[str, ...]]:
    """The figures of a question's results table as (label, cell, cell…)."""
    card = html.split(f'id="r{question.id}"', 1)[1].split("</section>", 1)[0]
    table = card.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append(tuple(htmllib.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells))
    return rows


def own_items(question: Question, email: str) -> list[tuple[int, int, int]]:
    return [
        (i.row_key, i.column_key, i.value)
        for i in db.session.scalars(
            select(AnswerItem)
            .join(Answer, Answer.id == AnswerItem.answer_id)
            .join(Answer.user)
            .where(AnswerItem.question_id == question.id)
            .where(Answer.user.has(email=email))
            .order_by(AnswerItem.id)
        )
    ]


# --- every kind: answer, see it, change it ----------------------------------------------------


KINDS = {
    "single": (
        {"options": "Teemat\nAlueet\nKansallinen"},
        {"option": "2"},
        {"option": "3"},
        [(0, 3, 1)],
    ),
    "multiple": (
        {"options": "Elinvoima\nOsaaminen\nVihreä siirtymä", "max_choices": "2"},
        {"option": ["1", "2"]},
        {"option": ["3"]},
        [(0, 3, 1)],
    ),
    "scale": (
        {"scale_min": "1", "scale_max": "5", "min_label": "ei lainkaan", "max_label": "paljon"},
        {"value": "2"},
        {"value": "5"},
        [(0, 0, 5)],
    ),
    "ranking": (
        {"options": "Rahoitus\nVertaistuki\nAsiantuntijat"},
        {"rank-1": "1", "rank-2": "2", "rank-3": "3"},
        {"rank-1": "3", "rank-2": "1", "rank-3": "2"},
        [(0, 1, 3), (0, 2, 1), (0, 3, 2)],
    ),
    "text": ({}, {"text": "Pysyvä rahoitus"}, {"text": "Pysyvä ja ennustettava rahoitus"}, []),
    "matrix": (
        {"options": "Ei tärkeä\nTärkeä", "rows": "Pysyvyys\nKeveys"},
        {"row-1": "1", "row-2": "2"},
        {"row-1": "2"},
        [(1, 2, 1)],
    ),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kind_is_answered_shown_and_changed(app: Flask, place, kind: str) -> None:
    settings, first, second, stored = KINDS[kind]
    question = new_question(place, kind=kind, prompt=f"Kysymys ({kind})", **settings)
    person = participant(app, "maija@kunta.fi")
    html = section_html(person, place["section"])
    assert f'id="q{question.id}"' in html and f"Kysymys ({kind})" in html

    assert answer(person, place["section"], question, **first).status_code == 302
    html = section_html(person, place["section"])
    assert "Vastasit" in html and "Muuta vastausta" in html
    assert answer(person, place["section"], question, **second).status_code == 302

    # One answer, rewritten: the second replaced the first.
    assert db.session.scalar(select(func.count(Answer.id))) == 1
    assert own_items(question, "maija@kunta.fi") == stored
    if kind == "text":
        assert db.session.scalar(select(Answer.text)) == "Pysyvä ja ennustettava rahoitus"
        assert "Pysyvä ja ennustettava rahoitus" in results_html(place)
    # The form shows the answer as it now stands.
    block = section_html(person, place["section"]).split(f'id="q{question.id}"', 1)[1]
    block = block.split("</section>", 1)[0]
    if kind in ("single", "multiple", "scale", "matrix"):
        assert len(re.findall(r"\schecked", block)) == len(stored)
    if kind == "ranking":
        assert re.search(r'name="rank-2">.*?value="1" selected', block, re.S)


def test_rate_the_alternatives_takes_published_alternatives_and_the_criteria(
    app: Flask, place
) -> None:
    from tests.test_modeldesign import _design, _post

    alternative, criterion = _design(place["moderator"])
    _post(place["moderator"], "/mallit/julkaise", show_matrix="y")
    question = new_question(place, kind="rate_alternatives", prompt="Arvioi vaihtoehdot")
    html = section_html(participant(app), place["section"])
    assert alternative.title in html and criterion.name in html
    for score in ("2", "1", "1", "2", "-1"):
        person = participant(app)
        response = answer(
            person, place["section"], question, **{f"cell-{alternative.id}-{criterion.id}": score}
        )
        assert response.status_code == 302
    html = results_html(place)
    assert "+1,0" in html and "n=5" in html
    # The assessment matrix shows the participants' mean beside the moderators' score.
    matrix = place["moderator"].get("/mallit/matriisi").get_data(as_text=True)
    cell = matrix.split(f'id="cell-{alternative.id}-{criterion.id}"', 1)[1].split("</td>", 1)[0]
    assert "Osallistujat:" in cell and "+1,0" in cell and "n=5" in cell

    person = participant(app)
    bad = answer(
        person, place["section"], question, **{f"cell-{alternative.id}-{criterion.id}": "3"}
    )
    assert bad.status_code == 400
    assert "Arvioi asteikolla −2…+2." in bad.get_data(as_text=True)


def test_multiple_choice_counts_each_option_on_its_own(app: Flask, place) -> None:
    question = new_question(
        place, kind="multiple", prompt="Mitkä teemat kiinnostavat?", options="A\nB\nC"
    )
    for chosen in (["1", "2"], ["1"], ["2", "3"]):
        assert (
            answer(participant(app), place["section"], question, option=chosen).status_code == 302
        )
    assert table_rows(results_html(place), question) == [
        ("A", "2", "67 %"),
        ("B", "2", "67 %"),
        ("C", "1", "33 %"),
    ]


def test_scale_gives_its_distribution_and_median(app: Flask, place) -> None:
    question = new_question(place, kind="scale", prompt="Tuen tarve", scale_min="1", scale_max="5")
    for value in ("1", "2", "2", "4", "5"):
        answer(participant(app), place["section"], question, value=value)
    html = results_html(place)
    assert "Mediaani: 2,0" in html
    assert [row[1] for row in table_rows(html, question)] == ["1", "2", "0", "1", "1"]


def test_ranking_orders_by_mean_rank_with_borda_points(app: Flask, place) -> None:
    question = new_question(place, kind="ranking", prompt="Tuen muodot", options="A\nB\nC")
    for ranks in (("1", "2", "3"), ("2", "1", "3"), ("1", "3", "2")):
        answer(
            participant(app),
            place["section"],
            question,
            **{"rank-1": ranks[0], "rank-2": ranks[1], "rank-3": ranks[2]},
        )
    rows = table_rows(results_html(place), question)
    # A: ranks 1,2,1 → mean 1.33, Borda 2+1+2 = 5; B: 2,1,3 → 2.0, 3; C: 3,3,2 → 2.67, 1.
    assert rows == [("A", "1,3", "5", "2"), ("B", "2,0", "3", "1"), ("C", "2,7", "1", "0")]


def test_a_ranking_that_uses_a_place_twice_comes_back_filled(app: Flask, place) -> None:
    question = new_question(place, kind="ranking", prompt="Tuen muodot", options="A\nB\nC")
    person = participant(app)
    response = answer(
        person, place["section"], question, **{"rank-1": "1", "rank-2": "1", "rank-3": "2"}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Käytä kutakin sijaa 1–3 kerran." in html
    block = html.split(f'id="q{question.id}"', 1)[1].split("</section>", 1)[0]
    assert re.search(r'name="rank-2">.*?value="1" selected', block, re.S)
    assert db.session.scalar(select(func.count(Answer.id))) == 0


def test_too_many_choices_are_refused_and_the_form_keeps_them(app: Flask, place) -> None:
    question = new_question(
        place, kind="multiple", prompt="Teemat", options="A\nB\nC", max_choices="2"
    )
    response = answer(participant(app), place["section"], question, option=["1", "2", "3"])
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Valitse enintään 2 vaihtoehtoa." in html
    block = html.split(f'id="q{question.id}"', 1)[1].split("</section>", 1)[0]
    assert len(re.findall(r"\schecked", block)) == 3


def test_a_required_answer_can_be_changed_but_not_withdrawn(app: Flask, place) -> None:
    required = new_question(place, kind="single", prompt="Pakollinen", options="A\nB", required="y")
    optional = new_question(place, kind="single", prompt="Valinnainen", options="A\nB")
    person = participant(app)
    html = section_html(person, place["section"])
    assert "(pakollinen)" in html.split(f'id="q{required.id}"', 1)[1].split("</section>")[0]
    refused = answer(person, place["section"], required)
    assert refused.status_code == 400
    assert "Tähän kysymykseen on vastattava." in refused.get_data(as_text=True)
    answer(person, place["section"], required, option="1")
    assert answer(person, place["section"], required, clear="1").status_code == 400
    answer(person, place["section"], optional, option="2")
    assert answer(person, place["section"], optional, clear="1").status_code == 302
    counts = dict(
        db.session.execute(
            select(Answer.question_id, func.count()).group_by(Answer.question_id)
        ).all()
    )
    assert counts == {required.id: 1}


def test_a_closed_question_takes_no_answer_and_shows_the_given_one(app: Flask, place) -> None:
    question = new_question(place, kind="single", prompt="Suljettava", options="A\nB")
    person = participant(app)
    answer(person, place["section"], question, option="1")
    place["workspace"].closed_by_hand = True
    db.session.commit()
    html = section_html(person, place["section"])
    block = html.split(f'id="q{question.id}"', 1)[1].split("</section>", 1)[0]
    assert "Kysymys on suljettu." in block and "disabled" in block and " checked" in block
    refused = answer(person, place["section"], question, option="2")
    assert refused.status_code == 409
    assert [(i.row_key, i.column_key) for i in db.session.scalars(select(AnswerItem))] == [(0, 1)]


def test_a_question_with_its_own_dates_opens_and_closes_on_them(app: Flask, place) -> None:
    question = new_question(
        place,
        kind="single",
        prompt="Omat päivät",
        options="A\nB",
        with_comment_period="",
        opens_at=(utcnow() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
    )
    person = participant(app)
    assert "Kysymys avautuu" in section_html(person, place["section"])
    assert answer(person, place["section"], question, option="1").status_code == 409
    question.opens_at = utcnow() - timedelta(hours=1)
    question.closes_at = utcnow() + timedelta(hours=1)
    db.session.commit()
    assert answer(person, place["section"], question, option="1").status_code == 302


def test_two_sends_at_once_make_one_answer(app: Flask, place) -> None:
    """Two tabs send the same person's first answer at the same moment: both have looked for
    an earlier answer and found none before either writes, and the constraint keeps one."""
    question = new_question(place, kind="single", prompt="Kilpailu", options="A\nB")
    person = make_user("kaksi@kunta.fi", profile_completed=True)
    both_looked = threading.Barrier(2, timeout=10)
    original = services._own_answer
    looked: dict[int, int] = {}

    def own_answer_then_wait(q, p, lock=False):
        found = original(q, p, lock)
        key = threading.get_ident()
        looked[key] = looked.get(key, 0) + 1
        if looked[key] == 1:  # the first look of each request: wait for the other's
            both_looked.wait()
        return found

    statuses: list[int] = []
    try:
        # Sign-in and the page load look for answers too: only the posts meet at the barrier.
        clients = []
        for _ in range(2):
            client = app.test_client()
            login_as(client, person.email)
            clients.append((client, csrf_token(section_html(client, place["section"]))))
        services._own_answer = own_answer_then_wait

        def post(client: FlaskClient, token: str, option: str) -> None:
            with app.app_context():
                statuses.append(
                    client.post(
                        f"/kysymys/{question.id}/vastaa",
                        data={"csrf_token": token, "option": option},
                    ).status_code
                )

        threads = [
            threading.Thread(target=post, args=(*clients[0], "1")),
            threading.Thread(target=post, args=(*clients[1], "2")),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    finally:
        services._own_answer = original
    assert statuses == [302, 302]
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Answer.id))) == 1
    items = db.session.scalars(select(AnswerItem)).all()
    assert len(items) == 1 and items[0].column_key in (1, 2)


def test_two_changes_at_once_leave_one_of_them_whole(app: Flask, place) -> None:
    """Both changes are in flight together (each has read the form before either writes):
    the answer ends as one of them, never with the items of both."""
    question = new_question(place, kind="single", prompt="Muutoskilpailu", options="A\nB\nC")
    person = make_user("muuttaja@kunta.fi", profile_completed=True)
    clients = []
    for _ in range(2):
        client = app.test_client()
        login_as(client, person.email)
        clients.append((client, csrf_token(section_html(client, place["section"]))))
    answer(clients[0][0], place["section"], question, option="1")
    both_parsed = threading.Barrier(2, timeout=10)
    original = services.parse

    def parse_then_wait(wording, values):
        parsed = original(wording, values)
        both_parsed.wait()
        return parsed

    statuses: list[int] = []

    def post(client: FlaskClient, token: str, option: str) -> None:
        with app.app_context():
            response = client.post(
                f"/kysymys/{question.id}/vastaa", data={"csrf_token": token, "option": option}
            )
            statuses.append(response.status_code)

    services.parse = parse_then_wait
    try:
        threads = [
            threading.Thread(target=post, args=(*clients[0], "2")),
            threading.Thread(target=post, args=(*clients[1], "3")),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    finally:
        services.parse = original
    assert statuses == [302, 302]
    db.session.expire_all()
    items = db.session.scalars(select(AnswerItem)).all()
    assert len(items) == 1 and items[0].column_key in (2, 3)


def test_an_answer_sent_after_the_session_ended_comes_back_after_signing_in(
    app: Flask, place
) -> None:
    question = new_question(place, kind="multiple", prompt="Teemat", options="A\nB\nC")
    make_user("paluu@kunta.fi", profile_completed=True)
    client = app.test_client()
    login_as(client, "paluu@kunta.fi")
    token = csrf_token(section_html(client, place["section"]))
    client.delete_cookie("session")  # the session ends while the person answers
    client.delete_cookie("remember_token")
    response = client.post(
        f"/kysymys/{question.id}/vastaa", data={"csrf_token": token, "option": ["1", "3"]}
    )
    assert response.status_code == 302
    login_url = response.headers["Location"]
    assert login_url.startswith("/kirjaudu?next=")
    next_url = unquote(login_url.split("next=", 1)[1])
    back = login_as(client, "paluu@kunta.fi", next_url=next_url)
    page = client.get(back.headers["Location"])
    block = page.get_data(as_text=True).split(f'id="q{question.id}"', 1)[1].split("</section>")[0]
    assert re.findall(r'value="(\d)" checked', block) == ["1", "3"]
    assert db.session.scalar(select(func.count(Answer.id))) == 0  # kept, not yet sent
    sent = client.post(
        f"/kysymys/{question.id}/vastaa",
        data={
            "csrf_token": csrf_token(page.get_data(as_text=True)),
            "option": re.findall(r'value="(\d)" checked', block),
            "draft": re.search(r'name="draft" value="([^"]+)"', block).group(1),
        },
    )
    assert sent.status_code == 302
    assert db.session.scalar(select(func.count(AnswerDraft.id))) == 0  # used up
    assert own_items(question, "paluu@kunta.fi") == [(0, 1, 1), (0, 3, 1)]


# --- who sees the results ---------------------------------------------------------------------


def _participant_results(html: str, question: Question) -> str | None:
    block = html.split(f'id="q{question.id}"', 1)[1].split("</section>", 1)[0]
    return block.split('class="question-results"', 1)[1] if "question-results" in block else None


def test_results_after_answering_and_never(app: Flask, place) -> None:
    after = new_question(place, kind="single", prompt="Näkyy vastattua", options="A\nB")
    never = new_question(
        place, kind="single", prompt="Ei näy", options="A\nB", results_shown="never"
    )
    person = participant(app)
    html = section_html(person, place["section"])
    assert _participant_results(html, after) is None
    answer(person, place["section"], after, option="1")
    answer(person, place["section"], never, option="1")
    html = section_html(person, place["section"])
    assert _participant_results(html, after) is not None
    assert _participant_results(html, never) is None
    # Moderators always see them.
    assert _participant_results(section_html(place["moderator"], place["section"]), never)


def test_results_after_closing_appear_only_when_closed(app: Flask, place) -> None:
    question = new_question(
        place, kind="single", prompt="Suljettuna", options="A\nB", results_shown="after_closing"
    )
    person = participant(app)
    answer(person, place["section"], question, option="1")
    assert _participant_results(section_html(person, place["section"]), question) is None
    place["workspace"].comments_close_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert _participant_results(section_html(person, place["section"]), question) is not None
    # Visitors who read the section see them too once closed.
    assert _participant_results(section_html(app.test_client(), place["section"]), question)


def test_participants_never_see_a_group_of_fewer_than_five(app: Flask, place) -> None:
    question = new_question(place, kind="single", prompt="Pieni ryhmä", options="A\nB")
    people = [participant(app) for _ in range(4)]
    for person in people:
        answer(person, place["section"], question, option="1")
    shown = _participant_results(section_html(people[0], place["section"]), question)
    assert (
        "Vastaajia: alle 5" in shown and "Tulokset näytetään, kun vastaajia on vähintään 5" in shown
    )
    for _ in range(3):
        answer(participant(app), place["section"], question, option="1")
    answer(participant(app), place["section"], question, option="2")
    shown = _participant_results(section_html(people[0], place["section"]), question)
    # 8 respondents: A 7 is shown, B 1 would single someone out.
    assert ">7<" in shown and "alle 5" in shown
    assert table_rows(results_html(place), question) == [("A", "7", "88 %"), ("B", "1", "13 %")]


def test_results_break_down_by_organisation_type_and_region(app: Flask, place) -> None:
    question = new_question(place, kind="single", prompt="Jaoteltava", options="A\nB")
    for organisation_type, region, option in (
        (OrganisationType.MUNICIPALITY, Region.UUSIMAA, "1"),
        (OrganisationType.MUNICIPALITY, Region.PIRKANMAA, "1"),
        (OrganisationType.MINISTRY, Region.UUSIMAA, "2"),
        (None, None, "2"),
    ):
        person = participant(app, organisation_type=organisation_type, region=region)
        answer(person, place["section"], question, option=option)
    html = results_html(place, jako="organisation_type")
    groups = html.split(f'id="r{question.id}"', 1)[1].split("</section>", 1)[0]
    municipality = groups.split(f'id="t{question.id}-municipality"', 1)[1].split("</table>")[0]
    assert ">2<" in municipality and "2 vastaajaa" in municipality
    ministry = groups.split(f'id="t{question.id}-ministry"', 1)[1].split("</table>")[0]
    assert "1 vastaaja" in ministry
    assert f'id="t{question.id}-none"' in groups  # the person who told neither
    html = results_html(place, jako="region")
    assert f'id="t{question.id}-uusimaa"' in html and f'id="t{question.id}-pirkanmaa"' in html


def test_results_filter_to_the_people_who_chose_an_option(app: Flask, place) -> None:
    themes = new_question(place, kind="multiple", prompt="Teemat", options="A\nB")
    need = new_question(place, kind="single", prompt="Tarve", options="Pieni\nSuuri")
    for chosen, level in ((["1"], "2"), (["1", "2"], "2"), (["2"], "1")):
        person = participant(app)
        answer(person, place["section"], themes, option=chosen)
        answer(person, place["section"], need, option=level)
    html = results_html(place, vastasi=f"{themes.id}_0_1")
    assert "Vain ne, jotka vastasivat: Teemat: A." in html
    assert table_rows(html, need) == [("Pieni", "0", "0 %"), ("Suuri", "2", "100 %")]
    # By a point of a scale too: those who put 5 chose theme B, one of them A as well.
    scale = new_question(place, kind="scale", prompt="Tarve", scale_min="1", scale_max="5")
    people = [participant(app) for _ in range(3)]
    for person, chosen, point in zip(
        people, (["1", "2"], ["2"], ["1"]), ("5", "5", "1"), strict=True
    ):
        answer(person, place["section"], themes, option=chosen)
        answer(person, place["section"], scale, value=point)
    wishes = new_question(place, kind="text", prompt="Toiveet")
    for person, wish in zip(people, ("Viitonen", "Toinen viitonen", "Ykkönen"), strict=True):
        answer(person, place["section"], wishes, text=wish)
    html = results_html(place, vastasi=f"{scale.id}_0_0_5")
    wished = html.split(f'id="r{wishes.id}"', 1)[1].split("</section>", 1)[0]
    assert "Viitonen" in wished and "Toinen viitonen" in wished and "Ykkönen" not in wished
    assert "Vain ne, jotka vastasivat: Tarve: 5." in html
    assert table_rows(html, themes) == [("A", "1", "50 %"), ("B", "2", "100 %")]


def test_each_answer_counts_on_the_next_page_load(app: Flask, place) -> None:
    question = new_question(place, kind="single", prompt="Heti", options="A\nB")
    person = participant(app)
    answer(person, place["section"], question, option="1")
    assert table_rows(results_html(place), question)[0][1] == "1"
    answer(person, place["section"], question, option="2")
    assert [r[1] for r in table_rows(results_html(place), question)] == ["0", "1"]


# --- changing a question with answers ---------------------------------------------------------


def test_rewording_a_question_with_answers_asks_first_and_keeps_them_apart(
    app: Flask, place
) -> None:
    question = new_question(place, kind="single", prompt="Vanha sanamuoto", options="A\nB")
    for _ in range(2):
        answer(participant(app), place["section"], question, option="1")
    path = f"/hallinta/kysymykset/{question.id}"
    page = place["moderator"].get(path).get_data(as_text=True)
    data = {
        "csrf_token": csrf_token(page),
        "prompt": "Uusi sanamuoto",
        "options": "A\nB\nC",
        "results_shown": "after_answering",
        "with_comment_period": "y",
    }
    asked = place["moderator"].post(path, data=data)
    assert asked.status_code == 409
    html = asked.get_data(as_text=True)
    assert "Kysymykseen on jo 2 vastausta." in html and 'value="Uusi sanamuoto"' in html
    db.session.refresh(question)
    assert question.prompt == "Vanha sanamuoto" and question.version == 1
    confirmed = re.search(r'name="confirmed"[^>]*value="(\d+)"', html).group(1)
    assert place["moderator"].post(path, data={**data, "confirmed": confirmed}).status_code == 302
    db.session.refresh(question)
    assert (question.prompt, question.version) == ("Uusi sanamuoto", 2)
    answer(participant(app), place["section"], question, option="3")
    html = results_html(place)
    assert table_rows(html, question) == [("A", "0", "0 %"), ("B", "0", "0 %"), ("C", "1", "100 %")]
    assert "Aiemman version 1 vastaukset (2)" in html and "Vanha sanamuoto" in html


def test_details_change_without_a_new_version(app: Flask, place) -> None:
    question = new_question(place, kind="single", prompt="Sama", options="A\nB")
    answer(participant(app), place["section"], question, option="1")
    path = f"/hallinta/kysymykset/{question.id}"
    page = place["moderator"].get(path).get_data(as_text=True)
    response = place["moderator"].post(
        path,
        data={
            "csrf_token": csrf_token(page),
            "prompt": "Sama",
            "options": "A\nB",
            "help_text": "Uusi ohje",
            "results_shown": "never",
            "with_comment_period": "y",
        },
    )
    assert response.status_code == 302
    db.session.refresh(question)
    assert (question.version, question.help_text, question.results_shown) == (
        1,
        "Uusi ohje",
        "never",
    )


# --- free text follows the comments' rule -----------------------------------------------------


def test_free_text_waits_under_pre_moderation_and_can_be_hidden_with_a_reason(
    app: Flask, place
) -> None:
    place["workspace"].pre_moderation = True
    db.session.commit()
    question = new_question(place, kind="text", prompt="Terveiset", results_shown="after_answering")
    writer = participant(app)
    answer(writer, place["section"], question, text="Odottava vastaus")
    # Free texts are listed to participants only when at least five people answered.
    for number in range(4):
        answer(participant(app), place["section"], question, text=f"Muu vastaus {number}")
    for other in db.session.scalars(select(Answer).where(Answer.text.startswith("Muu"))):
        other.visibility, other.published_at = "visible", utcnow()
    db.session.commit()
    reader = participant(app)
    answer(reader, place["section"], question, text="Lukijan vastaus")
    assert "Muu vastaus 0" in section_html(reader, place["section"])
    assert "Odottava vastaus" not in section_html(reader, place["section"])
    html = results_html(place)
    assert "Odottava vastaus" in html and "Odottaa hyväksyntää" in html
    waiting = db.session.scalar(select(Answer).where(Answer.text == "Odottava vastaus"))
    token = csrf_token(html)
    place["moderator"].post(
        f"/kyselyt/vastaukset/{waiting.id}/moderoi", data={"csrf_token": token, "action": "show"}
    )
    assert "Odottava vastaus" in section_html(reader, place["section"])
    place["moderator"].post(
        f"/kyselyt/vastaukset/{waiting.id}/moderoi",
        data={"csrf_token": token, "action": "hide", "reason": "Henkilötietoja"},
    )
    assert "Odottava vastaus" not in section_html(reader, place["section"])
    assert "Henkilötietoja" in results_html(place)


def test_a_question_placed_in_the_text_stands_there(app: Flask, place) -> None:
    from tests.helpers import save_section

    question = new_question(place, kind="single", prompt="Tekstissä", options="A\nB")
    section = place["section"]
    body = f"Ensimmäinen kappale.\n\n{question.placeholder}\n\nToinen."
    assert save_section(
        place["moderator"], section, "publish", section.heading, body
    ).status_code in (302, 303)
    html = section_html(participant(app), section)
    _before, rest = html.split("Ensimmäinen kappale.", 1)
    assert rest.index(f'id="q{question.id}"') < rest.index("Toinen.")
    assert "[[kysymys:" not in html
    # The page of the materials shows it in its place as a short card.
    page_html = app.test_client().get(f"/sivu/{section.page.slug}").get_data(as_text=True)
    assert "Vastaa osion sivulla" in page_html and "[[kysymys:" not in page_html


def test_only_moderators_write_questions(app: Flask, place) -> None:
    person = participant(app)
    assert add_question(
        person, place["section"], kind="single", prompt="X", options="A\nB"
    ).status_code in (302, 403, 404)
    assert db.session.scalar(select(func.count(Question.id))) == 0
    assert person.get("/kyselyt/").status_code in (302, 403, 404)


def test_free_text_answers_are_tagged_and_linked_to_alternatives(app: Flask, place) -> None:
    from tests.test_modeldesign import _design
    from valuma_space.modeldesign.models import Theme
    from valuma_space.polls.models import AnswerLink, AnswerTheme

    alternative, _criterion = _design(place["moderator"])
    theme = db.session.scalars(select(Theme)).one()
    question = new_question(place, kind="text", prompt="Toiveet")
    answer(participant(app), place["section"], question, text="Kevyt foorumi riittää")
    given = db.session.scalar(select(Answer))
    html = results_html(place)
    token = csrf_token(html)
    place["moderator"].post(
        f"/kyselyt/vastaukset/{given.id}/teemat", data={"csrf_token": token, "theme": str(theme.id)}
    )
    place["moderator"].post(
        f"/kyselyt/vastaukset/{given.id}/linkit",
        data={"csrf_token": token, "alternative": str(alternative.id)},
    )
    place["moderator"].post(  # a second link to the same alternative adds nothing
        f"/kyselyt/vastaukset/{given.id}/linkit",
        data={"csrf_token": token, "alternative": str(alternative.id)},
    )
    assert db.session.scalars(select(AnswerTheme.theme_id)).all() == [theme.id]
    assert db.session.scalar(select(func.count(AnswerLink.id))) == 1
    card = results_html(place).split(f'id="a{given.id}"', 1)[1].split("</li>", 1)[0]
    assert "checked> Rahoitus" in card and alternative.title in card
    page = place["moderator"].get(f"/mallit/vaihtoehdot/{alternative.id}").get_data(as_text=True)
    assert "Kysymysten vastaukset vaihtoehdosta" in page and "Kevyt foorumi riittää" in page
    place["moderator"].post(
        f"/kyselyt/vastaukset/{given.id}/linkit",
        data={"csrf_token": token, "alternative": str(alternative.id), "action": "unlink"},
    )
    assert db.session.scalar(select(func.count(AnswerLink.id))) == 0


# --- the person's own data and account ---------------------------------------------------------


def test_my_data_holds_my_answers_and_a_deleted_account_leaves_the_results(
    app: Flask, place
) -> None:
    import json

    from tests.helpers import post_form

    question = new_question(place, kind="multiple", prompt="Teemat", options="Elinvoima\nOsaaminen")
    person = participant(app, "oma@kunta.fi")
    answer(person, place["section"], question, option=["1", "2"])
    data = json.loads(person.get("/profiili/tiedot").get_data(as_text=True))
    assert data["answers"] == [
        {
            "section": "Kiinnostus verkostoihin",
            "question": "Teemat",
            "answer": "Elinvoima; Osaaminen",
            "answered_at": data["answers"][0]["answered_at"],
        }
    ]
    assert table_rows(results_html(place), question)[0][1] == "1"  # cached from here on
    assert post_form(person, "/profiili/poista", confirm="y").status_code == 302
    card = results_html(place).split(f'id="r{question.id}"', 1)[1].split("</section>", 1)[0]
    assert "Ei vielä vastauksia." in card


def test_a_changed_profile_moves_the_answer_to_its_new_group(app: Flask, place) -> None:
    from tests.helpers import post_form

    question = new_question(place, kind="single", prompt="Ryhmä", options="A\nB")
    person = participant(app, "ryhma@kunta.fi", organisation_type=OrganisationType.MINISTRY)
    answer(person, place["section"], question, option="1")
    html = results_html(place, jako="organisation_type")
    assert f'id="t{question.id}-ministry"' in html
    post_form(
        person,
        "/profiili",
        display_name="Ryhmä",
        name_display="full_name",
        organisation="Kunta",
        organisation_type="municipality",
        region="",
    )
    html = results_html(place, jako="organisation_type")
    assert f'id="t{question.id}-municipality"' in html
    assert f'id="t{question.id}-ministry"' not in html
