"""Counting the answers: every question of a page in two GROUP BY queries, whatever their
kinds, broken down by a person's organisation type or region when asked, and shown to
participants only in groups of at least five people.

Each option is counted on its own (three people choosing {A, B}, {A} and {B, C} give A 2, B 2,
C 1), the scale gives its distribution and median, a ranking its mean rank and Borda points,
a matrix its counts per cell. Only each person's answer to the current wording counts; answers
to an earlier wording are counted apart, under that wording.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from threading import Lock
from typing import Any, NamedTuple

from flask import current_app
from sqlalchemy import ColumnElement, and_, func, literal, select, tuple_

from valuma_space.auth.models import User
from valuma_space.choices import ORGANISATION_TYPE_LABELS, REGION_LABELS
from valuma_space.comments import policy
from valuma_space.extensions import db
from valuma_space.polls.models import Answer, AnswerItem, Question, QuestionKind, QuestionVersion
from valuma_space.polls.services import Choice, Design, Wording

SMALLEST_GROUP = 5
"""Participants never see a figure about fewer people than this ("alle 5")."""

BREAKDOWNS: dict[str, tuple[Any, dict[Any, Any]]] = {
    "organisation_type": (User.organisation_type, ORGANISATION_TYPE_LABELS),
    "region": (User.region, REGION_LABELS),
}


@dataclass
class Counted:
    """A figure with the group it is about; `shown` is None where it would single out people."""

    count: int
    of: int
    """The respondents it is a share of."""
    suppressed: bool = False

    @property
    def share(self) -> float:
        return self.count / self.of if self.of else 0.0

    @property
    def percent(self) -> int:
        """Rounded half up, as people round (12.5 → 13), not to even."""
        return int(100 * self.share + 0.5)


@dataclass
class OptionResult:
    choice: Choice
    counted: Counted
    mean_rank: float | None = None
    borda: int | None = None


@dataclass
class CellResult:
    count: int = 0
    total: int = 0
    """The sum of scores (rate-the-alternatives), for the mean."""
    suppressed: bool = False

    @property
    def mean(self) -> float | None:
        return self.total / self.count if self.count else None


@dataclass
class Tally:
    """The results of one wording among one group of respondents."""

    wording: Wording
    respondents: int
    suppressed: bool = False
    """Fewer respondents than SMALLEST_GROUP, shown to a participant: no figures at all."""
    options: list[OptionResult] = field(default_factory=list)
    distribution: list[tuple[int, Counted]] = field(default_factory=list)
    median: float | None = None
    mean: float | None = None
    cells: dict[tuple[int, int], CellResult] = field(default_factory=dict)

    def cell(self, row: int, column: int) -> CellResult:
        return self.cells.get((row, column), CellResult())

    @property
    def ranked(self) -> list[OptionResult]:
        return sorted(
            self.options,
            key=lambda o: (o.mean_rank is None, o.mean_rank or 0.0, o.choice.key),
        )


@dataclass
class Group:
    key: str
    label: str
    tally: Tally


@dataclass
class Earlier:
    """Answers to an earlier wording, shown apart."""

    number: int
    tally: Tally


@dataclass
class Result:
    question: Question
    tally: Tally
    groups: list[Group] = field(default_factory=list)
    earlier: list[Earlier] = field(default_factory=list)


Counts = dict[tuple[int, str], dict[tuple[int, int, int], int]]
"""(version, group) → (row, column, value) → people."""


def _tally(
    wording: Wording,
    respondents: int,
    counts: dict[tuple[int, int, int], int],
    for_participants: bool,
) -> Tally:
    hide = for_participants
    tally = Tally(wording, respondents, suppressed=hide and respondents < SMALLEST_GROUP)

    def counted(n: int, of: int) -> Counted:
        return Counted(n, of, suppressed=hide and 0 < n < SMALLEST_GROUP)

    kind = wording.kind
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        for choice in wording.options:
            n = counts.get((0, choice.key, 1), 0)
            tally.options.append(OptionResult(choice, counted(n, respondents)))
    elif kind == QuestionKind.SCALE:
        points: list[int] = []
        for point in wording.scale:
            n = counts.get((0, 0, point), 0)
            tally.distribution.append((point, counted(n, respondents)))
            points.extend([point] * n)
        if points:
            tally.median = statistics.median(points)
            tally.mean = statistics.fmean(points)
    elif kind == QuestionKind.RANKING:
        size = len(wording.options)
        for choice in wording.options:
            ranks = {rank: counts.get((0, choice.key, rank), 0) for rank in range(1, size + 1)}
            people = sum(ranks.values())
            mean_rank = sum(r * n for r, n in ranks.items()) / people if people else None
            borda = sum((size - r) * n for r, n in ranks.items())
            first = counted(ranks.get(1, 0), respondents)
            tally.options.append(OptionResult(choice, first, mean_rank, borda))
    elif kind in (QuestionKind.MATRIX, QuestionKind.RATE_ALTERNATIVES):
        for (row, column, value), n in counts.items():
            cell = tally.cells.setdefault((row, column), CellResult())
            cell.count += n
            cell.total += value * n
        if hide:
            for cell in tally.cells.values():
                cell.suppressed = 0 < cell.count < SMALLEST_GROUP
        for choice in wording.options:
            n = sum(c.count for (_, col), c in tally.cells.items() if col == choice.key)
            tally.options.append(OptionResult(choice, counted(n, respondents)))
    return tally


class Only(NamedTuple):
    """The people who gave one part of an answer to a question's current wording: an option
    (row 0 and its key), a matrix cell (its row and column), or a point of a scale (its value)."""

    question_id: int
    row: int
    column: int
    value: int | None = None

    @property
    def param(self) -> str:
        parts = [self.question_id, self.row, self.column]
        return "_".join(str(p) for p in (parts if self.value is None else [*parts, self.value]))


def _people_filter(only: Only | None) -> ColumnElement[bool] | None:
    if only is None:
        return None
    current = select(Question.version).where(Question.id == only.question_id).scalar_subquery()
    conditions = [
        AnswerItem.question_id == only.question_id,
        AnswerItem.question_version == current,
        AnswerItem.row_key == only.row,
        AnswerItem.column_key == only.column,
    ]
    if only.value is not None:
        conditions.append(AnswerItem.value == only.value)
    return Answer.user_id.in_(
        select(Answer.user_id)
        .join(AnswerItem, AnswerItem.answer_id == Answer.id)
        .where(*conditions)
    )


def _count(
    questions: list[Question], breakdown: str | None, only: Only | None
) -> tuple[dict[int, Counts], dict[int, dict[tuple[int, str], int]]]:
    """Items and respondents per question, wording and group: two queries for any number of
    questions. Without a breakdown or a filter the items are counted on their own index, with
    no join; a breakdown joins the people, a filter the answers."""
    ids = [q.id for q in questions]
    group_column: Any = BREAKDOWNS[breakdown][0] if breakdown else literal("")
    people = _people_filter(only)
    item_columns = (
        AnswerItem.question_id,
        AnswerItem.question_version,
        group_column,
        AnswerItem.row_key,
        AnswerItem.column_key,
        AnswerItem.value,
    )
    query = select(*item_columns, func.count()).where(AnswerItem.question_id.in_(ids))
    respondents_query = select(
        Answer.question_id, Answer.question_version, group_column, func.count()
    ).where(Answer.question_id.in_(ids))
    if breakdown or people is not None:
        query = query.join(Answer, Answer.id == AnswerItem.answer_id)
    if people is not None:
        query, respondents_query = query.where(people), respondents_query.where(people)
    if breakdown:
        query = query.join(User, User.id == Answer.user_id)
        respondents_query = respondents_query.join(User, User.id == Answer.user_id)
    query = query.group_by(*item_columns)
    respondents_query = respondents_query.group_by(
        Answer.question_id, Answer.question_version, group_column
    )
    item_counts: dict[int, Counts] = defaultdict(lambda: defaultdict(dict))
    for question_id, version, group, row, column, value, n in db.session.execute(query):
        item_counts[question_id][(version, str(group or ""))][(row, column, value)] = n
    respondents: dict[int, dict[tuple[int, str], int]] = defaultdict(dict)
    for question_id, version, group, n in db.session.execute(respondents_query):
        respondents[question_id][(version, str(group or ""))] = n
    return item_counts, respondents


def _summed(counts: Counts, version: int) -> dict[tuple[int, int, int], int]:
    total: dict[tuple[int, int, int], int] = defaultdict(int)
    for (v, _), cells in counts.items():
        if v == version:
            for key, n in cells.items():
                total[key] += n
    return total


def _earlier_wordings(questions: list[Question]) -> dict[tuple[int, int], QuestionVersion]:
    changed = [q.id for q in questions if q.version > 1]
    if not changed:
        return {}
    return {
        (v.question_id, v.number): v
        for v in db.session.scalars(
            select(QuestionVersion).where(QuestionVersion.question_id.in_(changed))
        )
    }


def compute(
    questions: list[Question],
    design: Design,
    for_participants: bool,
    breakdown: str | None = None,
    only: Only | None = None,
) -> dict[int, Result]:
    """The results of the questions, by question id: two queries (three when a question has
    had earlier wordings; two more for rate-the-alternatives' rows and columns)."""
    counted = [q for q in questions if q.kind != QuestionKind.TEXT]
    if breakdown not in BREAKDOWNS:
        breakdown = None
    item_counts, respondents = _count(questions, breakdown, only) if questions else ({}, {})
    earlier_wordings = _earlier_wordings(questions)
    labels = BREAKDOWNS[breakdown][1] if breakdown else {}
    results: dict[int, Result] = {}
    for question in questions:
        wording = design.wording(question)
        counts = item_counts.get(question.id, {})
        people = respondents.get(question.id, {})
        total = sum(n for (v, _), n in people.items() if v == question.version)
        result = Result(
            question, _tally(wording, total, _summed(counts, question.version), for_participants)
        )
        if breakdown and question in counted:
            for key, label in labels.items():
                group = str(key.value)
                result.groups.append(
                    Group(
                        group,
                        str(label),
                        _tally(
                            wording,
                            people.get((question.version, group), 0),
                            counts.get((question.version, group), {}),
                            for_participants,
                        ),
                    )
                )
            unknown = people.get((question.version, ""), 0)
            if unknown:
                result.groups.append(
                    Group(
                        "",
                        "",
                        _tally(
                            wording,
                            unknown,
                            counts.get((question.version, ""), {}),
                            for_participants,
                        ),
                    )
                )
        earlier_numbers = sorted({v for (v, _) in people if v != question.version}, reverse=True)
        for number in earlier_numbers:
            version = earlier_wordings.get((question.id, number))
            if version is None:
                continue
            result.earlier.append(
                Earlier(
                    number,
                    _tally(
                        design.version_wording(question, version),
                        sum(n for (v, _), n in people.items() if v == number),
                        _summed(counts, number),
                        for_participants,
                    ),
                )
            )
        results[question.id] = result
    return results


# --- free-text answers ------------------------------------------------------------------------


TEXTS_SHOWN = 20
"""The newest free-text answers a results page lists per question."""


def text_answers(
    questions: list[Question], moderator: bool, limit: int = TEXTS_SHOWN, only: Only | None = None
) -> dict[int, list[tuple[Answer, User]]]:
    """The newest free-text answers to the current wordings, by question id: one query for
    all questions. Participants get only what everyone may read."""
    texts = [q for q in questions if q.kind == QuestionKind.TEXT]
    found: dict[int, list[tuple[Answer, User]]] = {q.id: [] for q in texts}
    if not texts:
        return found
    numbered = (
        select(
            Answer.id.label("answer_id"),
            func.row_number()
            .over(partition_by=Answer.question_id, order_by=(Answer.updated_at.desc(), Answer.id))
            .label("n"),
        )
        .where(
            tuple_(Answer.question_id, Answer.question_version).in_(
                [(q.id, q.version) for q in texts]
            ),
            Answer.text != "",
            *(() if only is None else (_people_filter(only),)),
            # Participants read what the comments' rule lets everyone read.
            *(
                ()
                if moderator
                else (policy.text_is_public_sql(Answer.visibility, Answer.published_at),)
            ),
        )
        .subquery()
    )
    rows = db.session.execute(
        select(Answer, User)
        .join(numbered, and_(numbered.c.answer_id == Answer.id, numbered.c.n <= limit))
        .join(User, User.id == Answer.user_id)
        .order_by(Answer.updated_at.desc(), Answer.id)
    )
    for answer_row, user in rows:
        found[answer_row.question_id].append((answer_row, user))
    return found


# --- the cache --------------------------------------------------------------------------------


class ResultsCache:
    """Computed results by the questions' answer revisions: an answer bumps its question's
    revision in its own transaction, so a page never shows results one answer behind."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._items: dict[tuple[Any, ...], Any] = {}
        self._lock = Lock()

    def peek(self, key: tuple[Any, ...]) -> Any:
        with self._lock:
            if key in self._items:
                value = self._items.pop(key)
                self._items[key] = value
                return value
        return None

    def put(self, key: tuple[Any, ...], value: Any) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.pop(next(iter(self._items)))

    def get(self, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._items:
                value = self._items.pop(key)
                self._items[key] = value
                return value
        value = make()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.pop(next(iter(self._items)))
        return value


def results_cache() -> ResultsCache:
    cache = current_app.extensions.get("valuma_results_cache")
    if cache is None:
        cache = current_app.extensions.setdefault("valuma_results_cache", ResultsCache())
    return cache  # type: ignore[no-any-return]


def cache_key(questions: list[Question], *rest: Any) -> tuple[Any, ...]:
    return (tuple((q.id, q.version, q.answers_revision) for q in questions), *rest)
