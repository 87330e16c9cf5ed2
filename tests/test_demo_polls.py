"""The demo's questions: placed in the study's sections, answered by its invented people as the
invented discussion has them think (demo/questions.py, demo/polls.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import func, select

from tests.helpers import login_as
from valuma_space.auth.models import User
from valuma_space.comments.models import Comment, Visibility
from valuma_space.demo import discussion, questions
from valuma_space.demo.polls import ratings
from valuma_space.extensions import db
from valuma_space.materials.models import Section, SectionVersion
from valuma_space.modeldesign.models import Alternative, Assessment, Criterion
from valuma_space.polls import results
from valuma_space.polls.models import Answer, AnswerItem, Question, QuestionKind
from valuma_space.polls.services import Design, placed_ids
from valuma_space.workspaces.models import Workspace

PEOPLE = {p.key: p for p in (*discussion.STAKEHOLDERS, *questions.RESPONDENTS)}


def _run_demo(app: Flask) -> str:
    result = app.test_cli_runner().invoke(args=["valuma", "demo"])
    assert result.exit_code == 0, result.output
    return result.output


def _questions() -> list[Question]:
    return list(db.session.scalars(select(Question).order_by(Question.id)))


def test_the_data_names_people_and_options_that_exist() -> None:
    """Without a database: every answer is by a known person and fits its question."""
    assert len({p.email for p in PEOPLE.values()}) == len(PEOPLE)
    assert not {p.key for p in questions.RESPONDENTS} & {p.key for p in discussion.STAKEHOLDERS}
    for data in questions.QUESTIONS:
        assert set(data.answers) <= set(PEOPLE), data.key
        assert set(data.pending) <= set(data.answers)
        assert 0 <= data.day < discussion.DAYS_BEFORE_BUILD
        for given in data.answers.values():
            if data.kind == QuestionKind.MULTIPLE:
                assert 1 <= len(given) <= data.settings["max_choices"]
                assert set(given) <= set(range(1, len(data.options) + 1))
            elif data.kind == QuestionKind.RANKING:
                assert sorted(given) == list(range(1, len(data.options) + 1))
            elif data.kind == QuestionKind.MATRIX:
                assert len(given) == len(data.rows)
                assert set(given) <= set(range(1, len(data.options) + 1))
            elif data.kind == QuestionKind.SINGLE:
                assert 1 <= given <= len(data.options)


def test_the_demo_asks_questions_of_every_kind_and_people_answer_them(app: Flask) -> None:
    output = _run_demo(app)
    assert "7 questions in the sections (3 placed in the text)" in output
    workspace = db.session.scalars(select(Workspace)).one()
    asked = _questions()
    assert {q.kind for q in asked} == set(QuestionKind)
    sections = {q.section_id: q.section for q in asked}
    assert len(sections) >= 4

    # Placed in the text: the section's published Markdown carries the placeholder line, as a
    # new version of the text dated when the question was added.
    placed = [q for q in asked if q.id in placed_ids(q.section.body_markdown)]
    assert len(placed) >= 2
    assert any(q.kind == QuestionKind.RATE_ALTERNATIVES for q in placed)
    for question in placed:
        section = question.section
        assert f"\n\n{question.placeholder}\n" in section.body_markdown
        assert section.version >= 2
        latest = db.session.scalars(
            select(SectionVersion).where(
                SectionVersion.section_id == section.id,
                SectionVersion.number == section.version,
            )
        ).one()
        assert latest.body_markdown == section.body_markdown
        assert latest.published_at == question.created_at

    # Answered by the demo's invented people, 13–40 per question, each after it was asked
    # and before the build; nobody answers twice.
    demo_emails = {p.email for p in PEOPLE.values()}
    answers = list(db.session.scalars(select(Answer)))
    by_question: dict[int, list[Answer]] = {}
    for answer in answers:
        by_question.setdefault(answer.question_id, []).append(answer)
    now = datetime.now(UTC)
    for question in asked:
        given = by_question[question.id]
        assert (13 if question.kind == QuestionKind.TEXT else 20) <= len(given) <= 40
        assert len({a.user_id for a in given}) == len(given)
        assert all(question.created_at < a.created_at < now for a in given)
    assert all(workspace.comments_open_at <= q.created_at < now for q in asked)
    authors = set(db.session.scalars(select(User.email).join(Answer, Answer.user_id == User.id)))
    assert authors <= demo_emails  # not the moderator's, nor anybody real

    # Free text: some answers, one waiting for a moderator as the pending comments do.
    texts = [a for a in answers if a.text]
    assert len(texts) >= 10
    pending = [a for a in texts if a.visibility == Visibility.PENDING]
    assert len(pending) == 1 and pending[0].published_at is None
    assert all(a.published_at == a.created_at for a in texts if a not in pending)
    assert not workspace.pre_moderation


def test_the_demo_results_break_down_and_match_the_discussion(app: Flask) -> None:
    _run_demo(app)
    workspace = db.session.scalars(select(Workspace)).one()
    asked = {q.kind: q for q in _questions()}
    design = Design(workspace.id)
    computed = results.compute(list(asked.values()), design, for_participants=False)

    themes = computed[asked[QuestionKind.MULTIPLE].id].tally
    counts = {o.choice.label: o.counted.count for o in themes.options}
    assert sum(counts.values()) > themes.respondents >= 30  # several themes each
    assert max(counts, key=counts.__getitem__) == "Osaajien saatavuus ja houkuttelu"

    model = computed[asked[QuestionKind.SINGLE].id].tally
    chosen = {o.choice.label: o.counted.count for o in model.options}
    # Olli's two-level proposal, which six others agreed with, is what most chose.
    assert max(chosen, key=chosen.__getitem__).startswith("Kaksi tasoa")

    scale = computed[asked[QuestionKind.SCALE].id].tally
    assert scale.median is not None and 3 <= scale.median <= 5
    ranking = computed[asked[QuestionKind.RANKING].id].tally
    assert ranking.ranked[0].choice.label == "Koordinaation ja sihteeristön perusrahoitus"
    matrix = computed[asked[QuestionKind.MATRIX].id].tally
    assert matrix.cell(2, 4).count > matrix.respondents / 2  # funding: decided nationally

    # Broken down by organisation type, some groups are large enough for participants to see.
    shown = results.compute(
        list(asked.values()), design, for_participants=True, breakdown="organisation_type"
    )
    for kind in (QuestionKind.MULTIPLE, QuestionKind.SINGLE, QuestionKind.RATE_ALTERNATIVES):
        groups = shown[asked[kind].id].groups
        assert sum(not g.tally.suppressed for g in groups) >= 2, kind
        assert any(g.tally.suppressed for g in groups), kind  # and small ones say "alle 5"
    support = {g.key: g.tally for g in shown[asked[QuestionKind.SCALE].id].groups}
    assert support["municipality"].median > support["regional_council"].median

    # Rate the alternatives: every published alternative on every criterion, beside the
    # moderators' assessments, and each person's ratings follow what they said.
    rated = computed[asked[QuestionKind.RATE_ALTERNATIVES].id].tally
    shown_alternatives = list(
        db.session.scalars(select(Alternative).where(Alternative.shown_to_participants))
    )
    criteria = list(db.session.scalars(select(Criterion)))
    assert {row.key for row in rated.wording.rows} == {a.id for a in shown_alternatives}
    for alternative in shown_alternatives:
        for criterion in criteria:
            assert rated.cell(alternative.id, criterion.id).count >= 15
    by_key = {a.title: a for a in shown_alternatives}
    names = {c.name: c for c in criteria}
    forum = by_key["Kevyt yhteistyöfoorumi"]
    lightness, effect = names["Hallinnollinen keveys"], names["Vaikuttavuus"]
    assert rated.cell(forum.id, lightness.id).mean > rated.cell(forum.id, effect.id).mean
    for assessment in db.session.scalars(select(Assessment)):
        mean = rated.cell(assessment.alternative_id, assessment.criterion_id).mean
        if mean is not None:
            assert abs(mean - assessment.score) < 1.5

    # Tuomas said the model must gather what exists (linked: supports the forum's lightness);
    # Antti said information exchange alone does not reach companies (opposes its effect).
    tuomas, antti = ratings(PEOPLE[discussion.TUOMAS]), ratings(PEOPLE[discussion.ANTTI])
    assert tuomas.get(("foorumi", "keveys"), 2) == 2
    assert antti.get(("foorumi", "vaikuttavuus"), -2) < 0
    assert ratings(PEOPLE[discussion.AINO]) == ratings(PEOPLE[discussion.AINO])  # seeded


def test_the_answers_are_the_peoples_own(app: Flask) -> None:
    """A person's stored answer is what demo/questions.py gives them."""
    _run_demo(app)
    question = next(q for q in _questions() if q.kind == QuestionKind.MULTIPLE)
    aino = db.session.scalars(select(User).where(User.email == PEOPLE[discussion.AINO].email)).one()
    answer = db.session.scalars(
        select(Answer).where(Answer.question_id == question.id, Answer.user_id == aino.id)
    ).one()
    chosen = set(
        db.session.scalars(select(AnswerItem.column_key).where(AnswerItem.answer_id == answer.id))
    )
    assert chosen == set(questions.THEMES.answers[discussion.AINO])


def test_running_the_demo_again_adds_no_questions_or_answers(app: Flask) -> None:
    first = _run_demo(app)
    assert f"({len(questions.RESPONDENTS)} new)" in first
    counts = [db.session.scalar(select(func.count(m.id))) for m in (Question, Answer, User)]
    section = db.session.scalars(
        select(Section).where(Section.slug == questions.THEMES.section)
    ).one()
    text, version = section.body_markdown, section.version
    second = _run_demo(app)
    assert "questions" not in second
    db.session.expire_all()
    assert counts == [db.session.scalar(select(func.count(m.id))) for m in (Question, Answer, User)]
    section = db.session.get(Section, section.id)
    assert (section.body_markdown, section.version) == (text, version)


def test_comments_written_after_a_question_was_placed_are_on_the_new_text(app: Flask) -> None:
    _run_demo(app)
    question = next(q for q in _questions() if q.kind == QuestionKind.RATE_ALTERNATIVES)
    section = question.section
    comments = list(db.session.scalars(select(Comment).where(Comment.section_id == section.id)))
    assert comments
    for comment in comments:
        later = comment.created_at >= question.created_at
        assert comment.section_version == (section.version if later else section.version - 1)


def test_questions_come_back_without_changing_the_texts_moderators_published(app: Flask) -> None:
    """A workspace whose questions a moderator deleted gets the demo's again on the next run,
    after the texts: a text a moderator has published (here, each with a question placed in it)
    is not changed, and neither are the comments on it."""
    _run_demo(app)
    for question in _questions():
        db.session.delete(question)
    db.session.commit()
    texts = {s.id: (s.body_markdown, s.version) for s in db.session.scalars(select(Section))}
    on_versions = dict(db.session.execute(select(Comment.id, Comment.section_version)).all())

    output = _run_demo(app)
    assert "7 questions in the sections (0 placed in the text)" in output
    assert "(0 new)" in output
    db.session.expire_all()
    assert texts == {
        s.id: (s.body_markdown, s.version) for s in db.session.scalars(select(Section))
    }
    assert on_versions == dict(
        db.session.execute(select(Comment.id, Comment.section_version)).all()
    )
    assert db.session.scalar(select(func.count(Answer.id))) >= 150


def test_the_demo_questions_show_in_the_pages(app: Flask) -> None:
    """The sections show each placed question where its line stands, a participant sees their
    own answer, and moderators read the results and see the ratings beside the assessments."""
    _run_demo(app)
    placed = next(q for q in _questions() if q.kind == QuestionKind.MULTIPLE)
    slug = placed.section.slug
    participant = app.test_client()
    login_as(participant, PEOPLE[discussion.AINO].email)
    html = participant.get(f"/osio/{slug}").get_data(as_text=True)
    assert "[[kysymys:" not in html
    assert placed.prompt in html and "Osaajien saatavuus ja houkuttelu" in html

    moderator = app.test_client()
    login_as(moderator, "moderaattori@valuma.example")
    assert moderator.get("/kyselyt/").status_code == 200
    for section_id in {q.section_id for q in _questions()}:
        section = db.session.get(Section, section_id)
        response = moderator.get(f"/kyselyt/osio/{section.slug}?jako=organisation_type")
        assert response.status_code == 200, section.slug
    rated = next(q for q in _questions() if q.kind == QuestionKind.RATE_ALTERNATIVES)
    results_html = moderator.get(f"/kyselyt/osio/{rated.section.slug}").get_data(as_text=True)
    assert "Kevyt yhteistyöfoorumi" in results_html
    matrix = moderator.get("/mallit/matriisi").get_data(as_text=True)
    assert matrix.count('class="participants-rating"') >= 25  # 5 alternatives × 5 criteria
    assert "alle 5 arviota" not in matrix
