"""Questions in the reading pages: each question stands where its line is in the section's text
(or after the text), as a form that works without JavaScript, with the reader's own answer in
it and, when the moderators allow it, the results under it.

A page of the materials asks for each of its sections' text in turn; the first ask loads the
questions of every section on the page, the reader's answers and the results at once, so that a
page shows any number of questions in a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import g, render_template, request
from flask_babel import get_locale
from markupsafe import Markup

from valuma_space.auth.models import User
from valuma_space.extensions import db
from valuma_space.materials.extras import QUESTION_LINE, register_section_body
from valuma_space.materials.models import Section
from valuma_space.modeldesign.services import ParticipantRating, register_cell_ratings
from valuma_space.polls import figures, results, services
from valuma_space.polls.models import (
    QUESTION_KIND_LABELS,
    Answer,
    Question,
    QuestionKind,
)
from valuma_space.workspaces.models import Workspace


@dataclass
class Submitted:
    """A form sent back with a problem: shown as it was sent, the problem beside it."""

    values: dict[str, list[str]]
    problem: str | None = None


@dataclass
class Shown:
    """What one question's block needs."""

    question: Question
    wording: services.Wording
    open: bool
    answer: Answer | None
    values: dict[str, list[str]]
    problem: str | None = None
    draft_id: str | None = None
    results_html: Markup | None = None
    """The results under the form, when the reader may see them."""
    saved: bool = False
    """Just saved (the block shown in reply to a script's send)."""
    opens_later: datetime | None = None
    """When a question not yet open opens."""


def _signed_in(viewer: Any) -> User | None:
    return viewer if viewer is not None and getattr(viewer, "is_authenticated", False) else None


def submitted() -> dict[int, Submitted]:
    """Forms this request shows again, by question id (set by the answer view)."""
    if "poll_submitted" not in g:
        g.poll_submitted = {}
    return g.poll_submitted  # type: ignore[no-any-return]


def blocks_for(
    workspace: Workspace, questions: list[Question], viewer: Any, saved: int | None = None
) -> dict[int, Shown]:
    """Every question's block for the viewer: their answers (two queries), the alternatives
    and criteria if any question rates them (two), and the results they may see (two, or
    none from the cache), whatever the number of questions."""
    person = _signed_in(viewer)
    design = services.Design(workspace.id)
    mine = services.own_answers(questions, person)
    kept = submitted()
    draft_id = request.args.get("vastaus") if request else None
    draft = services.find_answer_draft(draft_id, questions) if person is not None else None
    shown: dict[int, Shown] = {}
    for question in questions:
        own = mine.get(question.id)
        values = services.form_values(own, question.kind)
        problem = None
        kept_here = kept.get(question.id)
        if kept_here is not None:
            values, problem = kept_here.values, kept_here.problem
        elif draft is not None and draft.question_id == question.id:
            values = services.draft_values(draft)
        shown[question.id] = Shown(
            question,
            design.wording(question),
            services.is_open(question, workspace),
            own,
            values,
            problem,
            draft.id if draft is not None and draft.question_id == question.id else None,
            saved=saved == question.id,
            opens_later=services.opens_later(question, workspace),
        )
    moderator = person is not None and person.is_moderator
    visible = [
        q for q in questions if services.results_visible_to(q, workspace, person, q.id in mine)
    ]
    for question_id, html in _results_html(workspace, visible, design, not moderator).items():
        shown[question_id].results_html = html
    return shown


def _fingerprint(questions: list[Question], design: services.Design) -> tuple[Any, ...]:
    """What rate-the-alternatives results also depend on: the rows' and columns' names."""
    if not any(q.kind == QuestionKind.RATE_ALTERNATIVES for q in questions):
        return ()
    alternatives, criteria = design.load()
    return (
        tuple((a.id, a.title) for a in alternatives),
        tuple((c.id, c.name) for c in criteria),
    )


def _results_html(
    workspace: Workspace, questions: list[Question], design: services.Design, participant: bool
) -> dict[int, Markup]:
    """Each question's results as the reading page shows them, rendered once per change: the
    same for every participant, so kept by the question's answer counter like the figures
    (the counter also moves when a moderator hides or shows a free-text answer)."""
    if not questions:
        return {}
    cache = results.results_cache()
    fingerprint = _fingerprint(questions, design)
    locale = str(get_locale())
    keys = {
        q.id: (
            "block",
            q.id,
            q.version,
            q.answers_revision,
            fingerprint if q.kind == QuestionKind.RATE_ALTERNATIVES else (),
            participant,
            locale,
        )
        for q in questions
    }
    found = {q.id: cache.peek(keys[q.id]) for q in questions}
    missing = [q for q in questions if found[q.id] is None]
    if missing:
        computed = cached_results(workspace, missing, design, for_participants=participant)
        texts = results.text_answers(missing, moderator=False, limit=10)
        for question in missing:
            html = Markup(  # noqa: S704 (an autoescaped template)
                render_template(
                    "polls/_result_block.html",
                    t=computed[question.id].tally,
                    id=f"q{question.id}-r",
                    participant=participant,
                    texts=texts.get(question.id, []),
                )
            )
            cache.put(keys[question.id], html)
            found[question.id] = html
    return found  # type: ignore[return-value]


def cached_results(
    workspace: Workspace,
    questions: list[Question],
    design: services.Design,
    for_participants: bool,
    breakdown: str | None = None,
    only: results.Only | None = None,
) -> dict[int, results.Result]:
    """The questions' results, from the cache when no answer has come since: the key holds
    each question's answer counter, so what is served is never one answer behind."""
    fingerprint = _fingerprint(questions, design)
    key = results.cache_key(
        questions, fingerprint, for_participants, breakdown, only, str(get_locale())
    )
    parts = results.results_cache().get(
        key,
        lambda: {
            question_id: (result.tally, result.groups, result.earlier)
            for question_id, result in results.compute(
                questions, design, for_participants, breakdown, only
            ).items()
        },
    )
    by_id = {q.id: q for q in questions}
    return {
        question_id: results.Result(by_id[question_id], tally, groups, earlier)
        for question_id, (tally, groups, earlier) in parts.items()
    }


def render_block(shown: Shown, workspace: Workspace, compact: bool = False) -> Markup:
    return Markup(  # noqa: S704 (an autoescaped template)
        render_template(
            "polls/_question.html",
            s=shown,
            q=shown.question,
            w=shown.wording,
            workspace=workspace,
            compact=compact,
            kind_labels=QUESTION_KIND_LABELS,
            Kind=QuestionKind,
            smallest=results.SMALLEST_GROUP,
        )
    )


def _page_blocks(section: Section, viewer: Any) -> tuple[dict[int, list[Question]], dict, Any]:
    """The questions of every section on the section's page and their blocks, made on the
    first ask of a request and kept for the page's other sections."""
    cache = g.setdefault("poll_pages", {})
    if section.page_id not in cache:
        by_section = services.questions_on_page(section.page_id)
        questions = [q for qs in by_section.values() for q in qs]
        workspace = db.session.get(Workspace, section.workspace_id)
        blocks = blocks_for(workspace, questions, viewer) if questions else {}
        cache[section.page_id] = (by_section, blocks, workspace)
    return cache[section.page_id]  # type: ignore[no-any-return]


def section_body(section: Section, viewer: Any, compact: bool = False) -> Markup:
    """The section's text with its questions: each where its line stands, the rest after."""
    by_section, blocks, workspace = _page_blocks(section, viewer)
    questions = by_section.get(section.id, [])
    if not questions:
        return Markup(QUESTION_LINE.sub("", section.body_html))  # noqa: S704 (sanitised when saved)
    own = {q.id for q in questions}
    placed: set[int] = set()

    def place(match: Any) -> str:
        question_id = int(match.group(1))
        if question_id not in own or question_id in placed:
            return ""
        placed.add(question_id)
        return str(render_block(blocks[question_id], workspace, compact))

    text = QUESTION_LINE.sub(place, section.body_html)
    rest = [q for q in questions if q.id not in placed]
    if rest:
        text += str(
            Markup('<div class="section-questions">{}</div>').format(
                Markup("").join(render_block(blocks[q.id], workspace, compact) for q in rest)
            )
        )
    return Markup(text)  # noqa: S704 (sanitised text and autoescaped templates)


def question_block(question: Question, viewer: Any, saved: bool = False) -> Markup:
    """One question's block on its own, for the script that sends an answer without a reload."""
    workspace = db.session.get(Workspace, question.workspace_id)
    assert workspace is not None
    blocks = blocks_for(workspace, [question], viewer, saved=question.id if saved else None)
    return render_block(blocks[question.id], workspace)


register_section_body(section_body)


def matrix_ratings(
    workspace: Workspace, for_participants: bool
) -> dict[tuple[int, int], ParticipantRating]:
    """Participants' ratings of each alternative on each criterion, from every
    rate-the-alternatives question of the workspace (their current wordings), for the
    assessment matrix: two queries, or one when there are no such questions."""
    questions = services.rating_questions(workspace)
    if not questions:
        return {}
    design = services.Design(workspace.id)
    computed = cached_results(workspace, questions, design, for_participants=False)
    totals: dict[tuple[int, int], list[int]] = {}
    for result in computed.values():
        for key, cell in result.tally.cells.items():
            count_total = totals.setdefault(key, [0, 0])
            count_total[0] += cell.count
            count_total[1] += cell.total
    ratings = {}
    for key, (count, total) in totals.items():
        mean = total / count if count else None
        ratings[key] = ParticipantRating(
            mean,
            count,
            suppressed=for_participants and count < results.SMALLEST_GROUP,
            text=figures.signed(mean),
            css=figures.score_class(mean),
        )
    return ratings


register_cell_ratings(matrix_ratings)


def figures_html(
    workspace: Workspace,
    section: Section,
    questions: list[Question],
    design: services.Design,
    breakdown: str | None,
    only: results.Only | None,
) -> tuple[dict[int, results.Result], dict[int, Markup]]:
    """The results page's figures of each question (its charts, tables, groups and earlier
    wordings), rendered once per change of the question's answers and kept like the counts:
    the same for every moderator, and holding no form."""
    computed = cached_results(workspace, questions, design, False, breakdown, only)
    cache = results.results_cache()
    fingerprint = _fingerprint(questions, design)
    locale = str(get_locale())
    rendered: dict[int, Markup] = {}
    for question in questions:
        key = (
            "figures",
            question.id,
            question.version,
            question.answers_revision,
            fingerprint if question.kind == QuestionKind.RATE_ALTERNATIVES else (),
            section.slug,
            breakdown,
            only,
            locale,
        )
        html = cache.peek(key)
        if html is None:
            html = Markup(  # noqa: S704 (an autoescaped template)
                render_template(
                    "polls/_figures.html",
                    q=question,
                    r=computed[question.id],
                    slug=section.slug,
                    breakdown=breakdown,
                    only=only,
                )
            )
            cache.put(key, html)
        rendered[question.id] = html
    return computed, rendered
