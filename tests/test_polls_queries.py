"""The pages that show questions and results load what they show in a fixed number of queries,
with 5 respondents as with 2,000 respondents × 10 questions."""

from __future__ import annotations

import random

import pytest
from flask import Flask
from sqlalchemy import insert, select

from tests.factories import make_page, make_section, make_user, make_workspace
from tests.helpers import login_as
from tests.test_modeldesign import _design, _post
from valuma_space.auth.models import Role, User
from valuma_space.choices import OrganisationType, Region
from valuma_space.db import utcnow
from valuma_space.extensions import db
from valuma_space.polls import services
from valuma_space.polls.models import Answer, AnswerItem, QuestionKind

QUESTIONS = [
    (QuestionKind.SINGLE, {"options": ("A", "B", "C")}),
    (QuestionKind.MULTIPLE, {"options": ("A", "B", "C", "D"), "max_choices": 3}),
    (QuestionKind.SCALE, {"scale_min": 1, "scale_max": 5}),
    (QuestionKind.RANKING, {"options": ("A", "B", "C")}),
    (QuestionKind.TEXT, {}),
    (QuestionKind.MATRIX, {"options": ("Ei", "Ehkä", "Kyllä"), "rows": ("R1", "R2", "R3")}),
    (QuestionKind.RATE_ALTERNATIVES, {}),
    (QuestionKind.SINGLE, {"options": ("X", "Y")}),
    (QuestionKind.SCALE, {"scale_min": 0, "scale_max": 10}),
    (QuestionKind.MULTIPLE, {"options": ("P", "Q", "R")}),
]


def random_values(wording: services.Wording, rnd: random.Random, number: int):
    kind = wording.kind
    if kind == QuestionKind.SINGLE:
        return {"option": [str(rnd.choice(wording.options).key)]}
    if kind == QuestionKind.MULTIPLE:
        return {"option": [str(o.key) for o in rnd.sample(wording.options, 2)]}
    if kind == QuestionKind.SCALE:
        return {"value": [str(rnd.choice(wording.scale))]}
    if kind == QuestionKind.RANKING:
        order = rnd.sample(wording.options, len(wording.options))
        return {f"rank-{o.key}": [str(n + 1)] for n, o in enumerate(order)}
    if kind == QuestionKind.TEXT:
        return {"text": [f"Vapaa vastaus {number}"]}
    if kind == QuestionKind.MATRIX:
        return {f"row-{r.key}": [str(rnd.choice(wording.options).key)] for r in wording.rows}
    return {
        f"cell-{r.key}-{c.key}": [str(rnd.randint(-2, 2))]
        for r in wording.rows
        for c in wording.options
    }


@pytest.fixture
def survey(app: Flask):
    workspace = make_workspace()
    section = make_section(make_page(workspace, "Kysely"), "Kymmenen kysymystä", "Teksti.")
    moderator_user = make_user("kyselija@valuma.fi", role=Role.MODERATOR, profile_completed=True)
    moderator = app.test_client()
    login_as(moderator, moderator_user.email)
    _design(moderator)
    _post(moderator, "/mallit/julkaise", show_matrix="y")
    questions = [
        services.add_question(
            section,
            moderator_user,
            services.QuestionInput(kind, f"Kysymys {n}", **settings),  # type: ignore[arg-type]
        )
        for n, (kind, settings) in enumerate(QUESTIONS)
    ]
    db.session.commit()
    return {
        "workspace": workspace,
        "section": section,
        "moderator": moderator,
        "questions": questions,
    }


def add_respondents(survey, start: int, stop: int) -> None:
    """Respondents answering all ten questions, each answer made by the services' own parser;
    inserted in bulk (2,000 × 10 answers through HTTP would take minutes)."""
    rnd = random.Random(start)
    design = services.Design(survey["workspace"].id)
    wordings = {q.id: design.wording(q) for q in survey["questions"]}
    now = utcnow()
    db.session.execute(
        insert(User),
        [
            {
                "email": f"vastaaja{n}@kunta{n % 9}.fi",
                "display_name": f"Vastaaja {n}",
                "organisation_type": list(OrganisationType)[n % 4].value,
                "region": list(Region)[n % 5].value,
                "role": "participant",
                "profile_completed": True,
                "created_at": now,
            }
            for n in range(start, stop)
        ],
    )
    users = db.session.scalars(
        select(User.id).where(User.email.like("vastaaja%")).order_by(User.id)
    ).all()[start:stop]
    answers, parsed = [], []
    for number, user_id in enumerate(users, start=start):
        for question in survey["questions"]:
            values = random_values(wordings[question.id], rnd, number)
            result = services.parse(wordings[question.id], values)
            answers.append(
                {
                    "question_id": question.id,
                    "question_version": 1,
                    "user_id": user_id,
                    "text": result.text,
                    "visibility": "visible",
                    "published_at": now if result.text else None,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            parsed.append((question.id, user_id, result.items))
    db.session.execute(insert(Answer), answers)
    ids = {
        (q, u): a
        for a, q, u in db.session.execute(
            select(Answer.id, Answer.question_id, Answer.user_id).where(Answer.user_id.in_(users))
        )
    }
    db.session.execute(
        insert(AnswerItem),
        [
            {
                "answer_id": ids[(question_id, user_id)],
                "question_id": question_id,
                "question_version": 1,
                "row_key": row,
                "column_key": column,
                "value": value,
            }
            for question_id, user_id, items in parsed
            for row, column, value in items
        ],
    )
    for question in survey["questions"]:
        question.answers_revision += 1
    db.session.commit()


def test_results_matrix_and_section_take_a_fixed_number_of_queries(
    app: Flask, survey, count_queries
) -> None:
    participant = app.test_client()
    make_user("lukija@kunta.fi", profile_completed=True)
    login_as(participant, "lukija@kunta.fi")
    slug = survey["section"].slug
    pages = {
        "results": (survey["moderator"], f"/kyselyt/osio/{slug}"),
        "results by organisation type": (
            survey["moderator"],
            f"/kyselyt/osio/{slug}?jako=organisation_type",
        ),
        "results filtered": (
            survey["moderator"],
            f"/kyselyt/osio/{slug}?jako=region&vastasi={survey['questions'][0].id}_0_1",
        ),
        "matrix": (survey["moderator"], "/mallit/matriisi"),
        "section as moderator": (survey["moderator"], f"/osio/{slug}"),
        "section as participant": (participant, f"/osio/{slug}"),
        "questions index": (survey["moderator"], "/kyselyt/"),
    }

    def counts() -> dict[str, int]:
        found = {}
        for name, (client, path) in pages.items():
            client.get(path)  # the session's own first-request work out of the way
            app.extensions.pop("valuma_results_cache", None)  # every count is a cold one
            with count_queries() as counter:
                response = client.get(path)
            assert response.status_code == 200, (name, response.status_code)
            found[name] = counter.count
        return found

    add_respondents(survey, 0, 5)
    few = counts()
    add_respondents(survey, 5, 2000)
    assert db.session.scalar(select(db.func.count(Answer.id))) == 20_000
    many = counts()
    assert many == few, {name: (few[name], many[name]) for name in few if few[name] != many[name]}
    # The results page's own work is small: what every page does, and a few queries for the
    # questions, the counts, the free texts and their themes.
    assert few["results"] <= 16, few
    html = survey["moderator"].get(f"/kyselyt/osio/{slug}").get_data(as_text=True)
    assert "2000 vastaajaa" in html or "2 000 vastaajaa" in html
