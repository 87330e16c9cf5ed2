"""The answers to the sections' questions as export data: a row per answer for the spreadsheet
formats, the questions with their answers for JSON, and each question's results as tables for
the reports.

The questions of the whole export, their wordings and (for the reports) their results are read
once, in a few queries; each section's answers then in two more (the answers, their items),
however many questions and answers it has. Names come from the same `Authors` as the comments'
rows, so that a person is named alike, and a pseudonym numbered alike, throughout one export.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple

from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import Connection, select

from valuma_space.comments import policy
from valuma_space.comments.models import Visibility
from valuma_space.extensions import db
from valuma_space.materials.models import Page, Section
from valuma_space.modeldesign.models import Alternative
from valuma_space.polls.models import (
    QUESTION_KIND_LABELS,
    Answer,
    AnswerItem,
    Question,
    QuestionKind,
    QuestionVersion,
)
from valuma_space.polls.results import Result, Tally, compute
from valuma_space.polls.services import Design, Wording, questions_of

if TYPE_CHECKING:
    from valuma_space.exports.rows import Authors, ExportFilters, Labels, LocalTimes


class AnswerRow(NamedTuple):
    """One answer as the spreadsheet formats write it."""

    answer_id: int
    page: str
    section: str
    question_id: int
    question_prompt: str
    """The wording the person answered."""
    question_kind: str
    question_kind_code: str
    question_version: int
    """The wording answered (1 first); answers to an earlier wording are counted apart."""
    question_current_version: int
    respondent: str
    """As the person chose to be named, exactly as beside their comments in the same export."""
    organisation: str
    organisation_type: str
    organisation_type_code: str
    region: str
    region_code: str
    answer: str
    """The answer as text: the options' labels, the scale's point, "1. X; 2. Y" for a ranking,
    "row: column" for a matrix, "alternative / criterion: +1" for ratings, or the free text."""
    answered_at: str
    """When it was last given or changed, Helsinki time, ISO 8601."""
    visibility: str
    """Free text only (counted answers are always visible, their counts alone shown)."""
    visibility_code: str
    moderation_reason: str


ANSWER_COLUMNS: list[str] = list(AnswerRow._fields)
ANSWER_FREE_TEXT = frozenset(
    {"page", "section", "question_prompt", "respondent", "organisation", "answer"}
    | {"moderation_reason"}
)
"""The cells that hold what people typed or named (see formats.neutralise)."""
KIND_CODE = AnswerRow._fields.index("question_kind_code")
ANSWER = AnswerRow._fields.index("answer")
SEPARATOR = "; "

# An answer as read for the export, in this order (the driver's own values, as in rows._raw).
READ_FROM_ANSWER = (
    Answer.id,
    Answer.question_id,
    Answer.question_version,
    Answer.user_id,
    Answer.text,
    Answer.visibility,
    Answer.published_at,
    Answer.updated_at,
    Answer.moderation_reason,
)


def signed(value: int) -> str:
    """A rating as the assessment matrix writes it: +1, 0, -2."""
    return f"{value:+d}" if value else "0"


class Labelled:
    """A wording's options and rows by key, for writing keys as words."""

    def __init__(self, wording: Wording, fallback: Mapping[int, str] | None = None) -> None:
        self.wording = wording
        self.options = {choice.key: choice.label for choice in wording.options}
        self.rows = {choice.key: choice.label for choice in wording.rows}
        self.option_order = {choice.key: n for n, choice in enumerate(wording.options)}
        self.row_order = {choice.key: n for n, choice in enumerate(wording.rows)}
        self.fallback = fallback or {}

    def option(self, key: int) -> str:
        return self.options.get(key) or f"#{key}"

    def row(self, key: int) -> str:
        return self.rows.get(key) or self.fallback.get(key) or f"#{key}"

    def uses_rows(self) -> bool:
        return self.wording.kind in (QuestionKind.MATRIX, QuestionKind.RATE_ALTERNATIVES)

    def uses_columns(self) -> bool:
        return self.wording.kind != QuestionKind.SCALE


Item = tuple[int, int, int]
"""An answer item as (row_key, column_key, value)."""


def readable(kind: QuestionKind, items: list[Item], text: str, labels: Labelled) -> str:
    """The answer as one line of text (see AnswerRow.answer)."""
    if kind == QuestionKind.TEXT:
        return text
    last = len(labels.option_order) + len(labels.row_order) + 1
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        chosen = sorted(items, key=lambda i: (labels.option_order.get(i[1], last), i[1]))
        return SEPARATOR.join(labels.option(column) for _, column, _ in chosen)
    if kind == QuestionKind.SCALE:
        return SEPARATOR.join(str(value) for _, _, value in items)
    if kind == QuestionKind.RANKING:
        return SEPARATOR.join(
            f"{rank}. {labels.option(column)}"
            for _, column, rank in sorted(items, key=lambda i: (i[2], i[1]))
        )

    def by_row_and_column(item: Item) -> tuple[int, int, int, int]:
        row, column, _ = item
        return (
            labels.row_order.get(row, last),
            row,
            labels.option_order.get(column, last),
            column,
        )

    ordered = sorted(items, key=by_row_and_column)
    if kind == QuestionKind.MATRIX:
        return SEPARATOR.join(f"{labels.row(row)}: {labels.option(col)}" for row, col, _ in ordered)
    return SEPARATOR.join(
        f"{labels.row(row)} / {labels.option(col)}: {signed(value)}" for row, col, value in ordered
    )


def item_data(items: list[Item], labels: Labelled) -> list[dict[str, Any]]:
    """The answer's parts as data, keys beside their words (see polls.models' table)."""
    rows, columns = labels.uses_rows(), labels.uses_columns()
    return [
        {
            "row_key": row,
            "row": labels.row(row) if rows else None,
            "column_key": column,
            "column": labels.option(column) if columns else None,
            "value": value,
        }
        for row, column, value in items
    ]


def _choices_data(choices: Iterable[Any]) -> list[dict[str, Any]]:
    return [{"key": choice.key, "label": choice.label} for choice in choices]


@dataclass
class QuestionAnswers:
    """A question of a section, with the answers the export takes and (for the reports) its
    results among everyone who answered."""

    question: Question
    kind_label: str
    wording: Wording
    """The current wording."""
    versions: list[tuple[int, str]]
    """Every wording's number and prompt, first first."""
    cells: list[tuple[Any, ...]] = field(default_factory=list)
    """The rows in AnswerRow's order, as plain tuples."""
    items: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    """Answer id -> its parts as data, for JSON."""
    texts: dict[int, str] = field(default_factory=dict)
    """Answer id -> the free text as written."""
    result: Result | None = None

    @property
    def rows(self) -> list[AnswerRow]:
        return list(map(AnswerRow._make, self.cells))

    def data(self) -> dict[str, Any]:
        """The question and its answers, for JSON."""
        question, wording = self.question, self.wording
        scale = None
        if question.kind == QuestionKind.SCALE:
            scale = {
                "min": wording.scale_min,
                "max": wording.scale_max,
                "min_label": wording.min_label,
                "max_label": wording.max_label,
            }
        counted = question.kind != QuestionKind.TEXT
        return {
            "id": question.id,
            "kind": self.kind_label,
            "kind_code": question.kind.value,
            "prompt": question.prompt,
            "help_text": question.help_text,
            "required": question.required,
            "position": question.position,
            "version": question.version,
            "versions": [{"number": n, "prompt": prompt} for n, prompt in self.versions],
            "options": _choices_data(wording.options),
            "rows": _choices_data(wording.rows),
            "max_choices": wording.max_choices,
            "scale": scale,
            "answers": [
                {
                    "id": row.answer_id,
                    "question_version": row.question_version,
                    "question_prompt": row.question_prompt,
                    "respondent": row.respondent,
                    "organisation": row.organisation,
                    "organisation_type": row.organisation_type,
                    "organisation_type_code": row.organisation_type_code,
                    "region": row.region,
                    "region_code": row.region_code,
                    "answer": row.answer,
                    "text": self.texts.get(row.answer_id, ""),
                    "items": self.items.get(row.answer_id, []),
                    "answered_at": row.answered_at,
                    "visibility": None if counted else row.visibility,
                    "visibility_code": None if counted else row.visibility_code,
                    "moderation_reason": row.moderation_reason,
                }
                for row in self.rows
            ],
        }

    @cached_property
    def tables(self) -> list[ResultTable]:
        """The results as tables in the export's language (worked out when first written,
        inside the export's locale)."""
        return result_tables(self)


class AnswerReader:
    """Reads the answers of the export's sections; one per export."""

    def __init__(
        self,
        connection: Connection,
        labels: Labels,
        authors: Authors,
        local: LocalTimes,
        filters: ExportFilters,
        workspace_id: int,
        section_ids: list[int],
        with_results: bool,
    ) -> None:
        self.connection = connection
        self.labels = labels
        self.authors = authors
        self.local = local
        self.filters = filters
        self.workspace_id = workspace_id
        self.included = policy.exists_publicly if filters.include_hidden else policy.text_is_public
        self.kind_labels = {str(kind): str(label) for kind, label in QUESTION_KIND_LABELS.items()}
        self.design = Design(workspace_id)
        self.questions = questions_of(section_ids)
        everything = [q for questions in self.questions.values() for q in questions]
        self.versions: dict[int, list[QuestionVersion]] = defaultdict(list)
        if everything:
            for version in db.session.scalars(
                select(QuestionVersion)
                .where(QuestionVersion.question_id.in_([q.id for q in everything]))
                .order_by(QuestionVersion.question_id, QuestionVersion.number)
            ):
                self.versions[version.question_id].append(version)
        self.results = (
            compute(everything, self.design, for_participants=False)
            if with_results and everything
            else {}
        )
        self._labelled: dict[tuple[int, int], Labelled] = {}
        self._alternatives: dict[int, str] | None = None

    def _all_alternatives(self) -> dict[int, str]:
        """Every alternative's title: a rating of an alternative since taken off the
        participants' list keeps its name (one query, only if one is met)."""
        if self._alternatives is None:
            self._alternatives = dict(
                self.connection.execute(
                    select(Alternative.id, Alternative.title).where(
                        Alternative.workspace_id == self.workspace_id
                    )
                ).all()
            )
        return self._alternatives

    def labelled(self, question: Question, number: int) -> Labelled:
        key = (question.id, number)
        found = self._labelled.get(key)
        if found is None:
            version = next((v for v in self.versions[question.id] if v.number == number), None)
            if version is None or number == question.version:
                wording = self.design.wording(question)
            else:
                wording = self.design.version_wording(question, version)
            found = self._labelled[key] = Labelled(wording)
        return found

    def read(self, page: Page, section: Section) -> list[QuestionAnswers]:
        questions = self.questions.get(section.id, [])
        if not questions:
            return []
        by_id = {question.id: question for question in questions}
        blocks = {
            question.id: QuestionAnswers(
                question,
                self.kind_labels.get(question.kind.value, question.kind.value),
                self.labelled(question, question.version).wording,
                [(v.number, v.prompt) for v in self.versions[question.id]],
                result=self.results.get(question.id),
            )
            for question in questions
        }
        connection = self.connection
        answers = connection.execute(
            select(*READ_FROM_ANSWER)
            .where(Answer.question_id.in_(by_id))
            .order_by(Answer.question_id, Answer.question_version, Answer.updated_at, Answer.id)
        ).all()
        if not answers:
            return list(blocks.values())
        items: dict[int, list[Item]] = defaultdict(list)
        for answer_id, row, column, value in connection.execute(
            select(
                AnswerItem.answer_id, AnswerItem.row_key, AnswerItem.column_key, AnswerItem.value
            )
            .where(AnswerItem.question_id.in_(by_id))
            .order_by(AnswerItem.answer_id, AnswerItem.id)
        ):
            items[answer_id].append((row, column, value))
        self.authors.read_ids(answer.user_id for answer in answers)
        filters, local, authors = self.filters, self.local, self.authors
        visibility_labels = self.labels.visibility
        since = filters.since.isoformat() if filters.since else None
        until = filters.until.isoformat() if filters.until else None
        for (
            answer_id,
            question_id,
            number,
            user_id,
            text,
            visibility,
            published_at,
            updated_at,
            reason,
        ) in answers:
            question = by_id[question_id]
            free_text = question.kind == QuestionKind.TEXT
            if free_text and not self.included(visibility, published_at):
                continue
            if filters.visibility and visibility != filters.visibility:
                continue
            answered_at = local(updated_at)
            if (since and answered_at[:10] < since) or (until and answered_at[:10] > until):
                continue
            labelled = self.labelled(question, number)
            if question.kind == QuestionKind.RATE_ALTERNATIVES and not labelled.fallback:
                labelled.fallback = self._all_alternatives()
            parts = items.get(answer_id, [])
            block = blocks[question_id]
            code = Visibility(visibility).value if free_text else ""
            block.cells.append(
                (  # in AnswerRow's order
                    answer_id,
                    page.title,
                    section.heading,
                    question_id,
                    labelled.wording.prompt,
                    block.kind_label,
                    question.kind.value,
                    number,
                    question.version,
                    *authors(user_id),
                    readable(question.kind, parts, text, labelled),
                    answered_at,
                    visibility_labels.get(code, code) if free_text else "",
                    code,
                    reason if free_text else "",
                )
            )
            block.items[answer_id] = item_data(parts, labelled)
            if free_text:
                block.texts[answer_id] = text
        return list(blocks.values())


# --- results as tables, for the reports -------------------------------------------------------


@dataclass
class ResultTable:
    """A question's figures as a table: the first cell of each row names it."""

    caption: str
    header: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)


def _decimal(value: float | None, sign: bool = False) -> str:
    if value is None:
        return "–"
    text = format_decimal(value, format="0.0")
    return f"+{text}" if sign and value > 0 else text


def _percent(share: float) -> str:
    return f"{round(100 * share)} %"


def tally_table(tally: Tally, caption: str) -> ResultTable:
    """The tally of one wording as a table, whatever the question's kind."""
    wording, kind = tally.wording, tally.wording.kind
    respondents = _("Vastaajia: %(n)s", n=tally.respondents)
    caption = f"{caption} ({respondents})" if caption else respondents
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        return ResultTable(
            caption,
            [_("Vaihtoehto"), _("Vastaajia"), _("Osuus")],
            [
                [o.choice.label, str(o.counted.count), _percent(o.counted.share)]
                for o in tally.options
            ],
        )
    if kind == QuestionKind.SCALE:
        ends = {wording.scale_min: wording.min_label, wording.scale_max: wording.max_label}
        return ResultTable(
            caption,
            [_("Kohta"), _("Vastaajia"), _("Osuus")],
            [
                [
                    f"{point} ({ends[point]})" if ends.get(point) else str(point),
                    str(counted.count),
                    _percent(counted.share),
                ]
                for point, counted in tally.distribution
            ],
            [
                _("Mediaani: %(value)s", value=_decimal(tally.median)),
                _("Keskiarvo: %(value)s", value=_decimal(tally.mean)),
            ],
        )
    if kind == QuestionKind.RANKING:
        return ResultTable(
            caption,
            [_("Vaihtoehto"), _("Keskimääräinen sija"), _("Borda-pisteet"), _("Ensimmäisenä")],
            [
                [o.choice.label, _decimal(o.mean_rank), str(o.borda or 0), str(o.counted.count)]
                for o in tally.ranked
            ],
            [_("Järjestetty keskimääräisen sijan mukaan; pienin ensin.")],
        )
    rows = [[row.label] for row in wording.rows]
    for cells, row in zip(rows, wording.rows, strict=True):
        for column in wording.options:
            cell = tally.cell(row.key, column.key)
            if kind == QuestionKind.MATRIX:
                cells.append(str(cell.count))
            else:
                cells.append(f"{_decimal(cell.mean, sign=True)} (n = {cell.count})")
    notes = []
    if kind == QuestionKind.RATE_ALTERNATIVES:
        notes.append(_("Arvioiden keskiarvo asteikolla −2…+2 ja arvioiden määrä."))
    return ResultTable(caption, ["", *(c.label for c in wording.options)], rows, notes)


def result_tables(block: QuestionAnswers) -> list[ResultTable]:
    """The question's results: the current wording's, then each earlier wording's apart. Free
    text: the answers the export takes, with who wrote them."""
    if block.question.kind == QuestionKind.TEXT:
        rows = block.rows
        return [
            ResultTable(
                _("Vastaajia: %(n)s", n=len(rows)),
                [_("Vastaaja"), _("Vastaus")],
                [
                    [
                        row.respondent,
                        row.answer
                        if row.visibility_code == "visible"
                        else f"{row.answer} ({row.visibility})",
                    ]
                    for row in rows
                ],
            )
        ]
    if block.result is None:
        return []
    tables = [tally_table(block.result.tally, "")]
    prompts = dict(block.versions)
    for earlier in block.result.earlier:
        caption = _("Aiempi muotoilu (versio %(n)s)", n=earlier.number)
        prompt = prompts.get(earlier.number)
        if prompt and prompt != block.question.prompt:
            caption = f"{caption}: {prompt}"
        tables.append(tally_table(earlier.tally, caption))
    return tables
