"""Writes demo/questions.py into the demo workspace through the polls' own services: the
moderator adds each question (placing some in the section's text, published as a new version),
the invented people answer them.

Only while the workspace has no questions (a moderator's own, or the demo's edited, are left
alone), and only while it takes comments, as the questions follow its comment period. The
services stamp everything "now"; as with the discussion (demo/replay.py), each question, its
placing and its answers are then given the moment of the demo's timeline they belong to.

The rate-the-alternatives answers are worked out from the discussion, so that they match it: a
person whose comment the moderators linked as supporting an alternative on a criterion rates it
higher there, one who opposed it lower, those who agreed with the comment somewhat so; beside
that, each organisation type leans its own way, and every rating starts from the moderators'
own assessment. A seeded spread keeps them from all agreeing, the same on every build.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from valuma_space.auth.choices import OrganisationType as Org
from valuma_space.auth.models import User
from valuma_space.comments.models import Comment
from valuma_space.demo import discussion, questions
from valuma_space.demo.replay import Clock, ensure_person
from valuma_space.extensions import db
from valuma_space.materials.authoring import publish_text
from valuma_space.materials.models import Section, SectionVersion
from valuma_space.modeldesign import services as design
from valuma_space.modeldesign.models import Stance
from valuma_space.polls import services as polls
from valuma_space.polls.models import Question, QuestionKind
from valuma_space.workspaces.models import Workspace


@dataclass
class PollReport:
    questions: int = 0
    placed: int = 0
    answers: int = 0
    respondents: int = 0
    new_respondents: int = 0
    pending: int = 0
    skipped: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        lines = []
        if self.questions:
            lines.append(
                f"Added {self.questions} questions in the sections ({self.placed} placed in the "
                f"text) and {self.answers} invented answers from {self.respondents} people "
                f"({self.new_respondents} new)"
                + (f"; {self.pending} free-text waiting for approval." if self.pending else ".")
            )
        return lines + [f"  {reason}" for reason in self.skipped]


STANCE_WEIGHT = {
    Stance.SUPPORTS: 1.0,
    Stance.OPPOSES: -1.0,
    Stance.PROPOSES_CHANGE: -0.4,
    Stance.ASKS: -0.2,
}
"""How a comment linked to an alternative moves its writer's rating of it (those who agreed
with the comment move half as far)."""

LEANINGS: dict[Org, dict[str, float]] = {
    Org.MUNICIPALITY: {"foorumi": 0.5, "maararaha": 0.5, "yhteis": -0.5},
    Org.REGIONAL_COUNCIL: {"aluetasot": 0.6, "yhteis": 0.3},
    Org.ELY_CENTRE: {"aluetasot": 0.3, "teemat": 0.3},
    Org.MINISTRY: {"yhteis": 0.6, "maararaha": -0.4, "foorumi": 0.3},
    Org.DEVELOPMENT_COMPANY: {"teemat": 0.7, "foorumi": -0.5},
    Org.RESEARCH: {"teemat": 0.4},
    Org.ASSOCIATION: {"foorumi": 0.5, "yhteis": -0.8},
    Org.COMPANY: {"teemat": 0.7, "foorumi": -0.6},
    Org.NETWORK: {"aluetasot": 0.3, "teemat": 0.3},
}
"""Each organisation type's own leaning on each alternative, on every criterion."""

SKIPPED_CELL = 0.1
"""The share of cells a respondent leaves empty ("jätä tyhjäksi, mitä et osaa arvioida")."""


def _stances() -> tuple[dict[tuple[str, str], float], dict[tuple[str, str, str], float]]:
    """From the discussion's links: (person, alternative) → leaning on every criterion, and
    (person, alternative, criterion) → leaning on that criterion."""
    on_alternative: dict[tuple[str, str], float] = defaultdict(float)
    on_cell: dict[tuple[str, str, str], float] = defaultdict(float)
    for say in discussion.all_comments():
        for link in say.links:
            weight = STANCE_WEIGHT[link.stance]
            for person, share in ((say.by, 1.0), *((key, 0.5) for key in say.agree)):
                on_alternative[(person, link.alternative)] += 0.5 * weight * share
                if link.criterion:
                    on_cell[(person, link.alternative, link.criterion)] += weight * share
    return on_alternative, on_cell


def ratings(person: discussion.Stakeholder) -> dict[tuple[str, str], int]:
    """The person's ratings, (alternative key, criterion key) → −2…+2, of the alternatives
    shown to participants."""
    assessed = {(a, c): score for a, c, score, _reason in discussion.ASSESSMENTS}
    on_alternative, on_cell = _stances()
    leaning = LEANINGS.get(person.organisation_type, {})
    rng = random.Random(f"valuma-demo-rating:{person.key}")  # noqa: S311  (the same each build)
    found = {}
    for alternative in discussion.ALTERNATIVES:
        if not alternative.shown:
            continue
        for criterion in discussion.CRITERIA:
            spread = rng.uniform(-0.7, 0.7)
            if rng.random() < SKIPPED_CELL:
                continue
            score = (
                assessed.get((alternative.key, criterion), 0)
                + leaning.get(alternative.key, 0.0)
                + on_alternative.get((person.key, alternative.key), 0.0)
                + on_cell.get((person.key, alternative.key, criterion), 0.0)
                + spread
            )
            found[(alternative.key, criterion)] = max(-2, min(2, round(score)))
    return found


def _input(data: questions.QuestionData) -> polls.QuestionInput:
    return polls.QuestionInput(
        kind=data.kind,
        prompt=data.prompt,
        help_text=data.help_text,
        required=data.required,
        results_shown=data.results_shown,
        options=data.options,
        rows=data.rows,
        **data.settings,
    )


def _values(
    data: questions.QuestionData,
    given: object,
    person: discussion.Stakeholder,
    rows: dict[str, int],
    columns: dict[str, int],
) -> dict[str, list[str]]:
    """The answer as the question's form would send it."""
    kind = data.kind
    if kind == QuestionKind.TEXT:
        return {"text": [str(given)]}
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        chosen = given if isinstance(given, tuple) else (given,)
        return {"option": [str(key) for key in chosen]}
    if kind == QuestionKind.SCALE:
        return {"value": [str(given)]}
    if kind == QuestionKind.RANKING:
        assert isinstance(given, tuple)
        return {f"rank-{key}": [str(rank)] for rank, key in enumerate(given, start=1)}
    if kind == QuestionKind.MATRIX:
        assert isinstance(given, tuple)
        return {f"row-{row}": [str(column)] for row, column in enumerate(given, start=1)}
    return {
        f"cell-{rows[alternative]}-{columns[criterion]}": [str(score)]
        for (alternative, criterion), score in ratings(person).items()
        if alternative in rows and criterion in columns
    }


def _place(
    section: Section,
    question: Question,
    after: str,
    moderator: User,
    moment: datetime,
    with_discussion: bool,
) -> bool:
    """Put the question's placeholder line after the paragraph that starts so, publishing the
    text as a new version (dated `moment`); False if the text no longer has that paragraph."""
    paragraphs = section.body_markdown.rstrip("\n").split("\n\n")
    index = next((i for i, p in enumerate(paragraphs) if p.startswith(after)), None)
    if index is None:
        return False
    paragraphs.insert(index + 1, question.placeholder)
    publish_text(section, section.heading, "\n\n".join(paragraphs) + "\n", moderator)
    db.session.flush()
    version = db.session.scalars(
        select(SectionVersion).where(
            SectionVersion.section_id == section.id, SectionVersion.number == section.version
        )
    ).one()
    version.published_at = moment
    if with_discussion:
        # The discussion written in this run: its comments dated after the question were
        # written on this version of the text. (Comments that were there are left alone.)
        db.session.execute(
            update(Comment)
            .where(Comment.section_id == section.id, Comment.created_at >= moment)
            .values(section_version=section.version)
        )
    return True


def _commented_at(clock: Clock) -> dict[tuple[str, str], datetime]:
    """When each person first commented in each section (by slug), in the discussion."""
    first: dict[tuple[str, str], datetime] = {}
    for slug, threads in discussion.DISCUSSION.items():
        for thread in threads:
            for say in discussion.walk(thread):
                moment = clock.at(say.day, say.at)
                key = (say.by, slug)
                first[key] = min(first.get(key, moment), moment)
    return first


def _answered_at(
    clock: Clock,
    data: questions.QuestionData,
    person: str,
    commented: dict[tuple[str, str], datetime],
) -> datetime:
    """A person who commented in the section after the question came answered it then; the
    others on a day of their own after it."""
    asked = clock.at(data.day, data.at)
    rng = random.Random(f"valuma-demo-answer:{data.key}:{person}")  # noqa: S311
    said = commented.get((person, data.section))
    if said is not None and said > asked:
        moment = said + timedelta(minutes=rng.randint(5, 40))
    else:
        day = rng.randint(data.day, discussion.DAYS_BEFORE_BUILD - 1)
        moment = clock.at(day, f"{rng.randint(7, 20):02d}:{rng.randint(0, 59):02d}")
        if moment <= asked:
            moment = asked + timedelta(minutes=rng.randint(10, 600))
    return min(moment, clock.now - timedelta(minutes=1))


def build_polls(workspace: Workspace, moderator: User, with_discussion: bool) -> PollReport:
    """The questions and their answers; `with_discussion` says this run wrote the discussion
    too. A question is placed in a text only while no moderator has published that text."""
    report = PollReport()
    if db.session.scalar(
        select(func.count(Question.id)).where(Question.workspace_id == workspace.id)
    ):
        return report  # questions are there, maybe edited since: leave them
    if not workspace.accepts_comments():
        report.skipped.append("Answering is closed in the demo workspace: no questions added.")
        return report
    clock = Clock(workspace)
    sections = {
        section.slug: section
        for section in db.session.scalars(
            select(Section).where(Section.workspace_id == workspace.id)
        )
    }
    edited = set(
        db.session.scalars(
            select(SectionVersion.section_id)
            .join(Section, Section.id == SectionVersion.section_id)
            .where(
                Section.workspace_id == workspace.id, SectionVersion.published_by_id.is_not(None)
            )
        )
    )
    people_data = {p.key: p for p in (*discussion.STAKEHOLDERS, *questions.RESPONDENTS)}
    commented = _commented_at(clock)
    moments = {
        (data.key, key): _answered_at(clock, data, key, commented)
        for data in questions.QUESTIONS
        for key in data.answers
    }
    users: dict[str, User] = {}
    for key, person in people_data.items():
        first = min((m for (_q, k), m in moments.items() if k == key), default=None)
        if first is None:
            continue
        existing = db.session.scalar(select(User).where(User.email == person.email))
        if existing is None:
            existing, _ = ensure_person(person, first - timedelta(minutes=15))
            report.new_respondents += 1
        users[key] = existing
    db.session.flush()

    # The rate-the-alternatives rows and columns, by the keys of demo/discussion.py: the
    # alternatives and criteria of the workspace that still have the demo's names.
    titles = {a.title: a.key for a in discussion.ALTERNATIVES}
    rows = {
        titles[a.title]: a.id for a in polls.shown_alternatives(workspace.id) if a.title in titles
    }
    names = {name: key for key, name in discussion.CRITERIA.items()}
    columns = {names[c.name]: c.id for c in design.criteria(workspace) if c.name in names}

    shared = polls.Design(workspace.id)
    answered: list[tuple[datetime, questions.QuestionData, Question, str]] = []
    for data in questions.QUESTIONS:
        section = sections.get(data.section)
        if section is None or section.withdrawn_at is not None:
            report.skipped.append(f"No section {data.section}: its question was not added.")
            continue
        if data.kind == QuestionKind.RATE_ALTERNATIVES and not (rows and columns):
            report.skipped.append("No alternatives to rate: that question was not added.")
            continue
        asked = clock.at(data.day, data.at)
        changed = section.updated_at
        question = polls.add_question(section, moderator, _input(data))
        question.created_at = asked
        for version in question.versions:
            version.created_at = asked
        report.questions += 1
        if (
            data.placed_after
            and section.id not in edited
            and _place(section, question, data.placed_after, moderator, asked, with_discussion)
        ):
            report.placed += 1
        section.updated_at = max(changed, asked)
        answered += [(moments[(data.key, key)], data, question, key) for key in data.answers]

    # Given in the order they were given, so that ids follow time.
    answered.sort(key=lambda row: (row[0], row[2].id, row[3]))
    respondents = set()
    for moment, data, question, key in answered:
        if key not in users:
            continue
        values = _values(data, data.answers[key], people_data[key], rows, columns)
        pending = key in data.pending
        row = polls.answer(
            question, users[key], workspace, values, design=shared, pre_moderation=pending or None
        )
        if row is None:
            continue
        row.created_at = row.updated_at = moment
        if row.published_at is not None:
            row.published_at = moment
        report.answers += 1
        report.pending += pending
        respondents.add(key)
    report.respondents = len(respondents)
    db.session.flush()
    return report
