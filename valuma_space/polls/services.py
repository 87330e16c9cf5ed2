"""Questions in the materials: moderators write them, participants answer them. Every operation
takes the acting person and never the request; services flush, their callers commit."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update

from valuma_space.auth.models import User
from valuma_space.auth.services import register_data_part
from valuma_space.auth.signals import account_deleting, name_changed
from valuma_space.comments.models import Visibility
from valuma_space.db import insert_unless_present, utcnow
from valuma_space.extensions import db
from valuma_space.materials.models import Section
from valuma_space.modeldesign.models import Alternative, Criterion, Theme
from valuma_space.modeldesign.services import criteria as all_criteria
from valuma_space.polls.models import (
    Answer,
    AnswerDraft,
    AnswerItem,
    AnswerLink,
    AnswerTheme,
    Question,
    QuestionKind,
    QuestionVersion,
    ResultsShown,
)
from valuma_space.refusals import Refused
from valuma_space.validators import is_single_line
from valuma_space.workspaces.models import Workspace

PROMPT_LENGTH = 500
OPTION_LENGTH = 200
MAX_OPTIONS = 30
TEXT_ANSWER_LENGTH = 2000
SCALE_LIMITS = (-10, 10)
RATING_SCALE = (-2, -1, 0, 1, 2)
"""The assessment matrix's scale, which rate-the-alternatives answers share."""
DRAFT_LIFETIME = timedelta(days=7)
PLACEHOLDER = re.compile(r"\[\[kysymys:(\d+)\]\]")
"""The line that places a question in a section's Markdown, as Question.placeholder writes it."""

KINDS_WITH_OPTIONS = frozenset(
    {QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.RANKING, QuestionKind.MATRIX}
)


@dataclass(frozen=True)
class Choice:
    key: int
    label: str


@dataclass
class Wording:
    """What a question asks and what it offers, from its settings (or a version's)."""

    kind: QuestionKind
    prompt: str
    options: list[Choice]
    """The options; a matrix's columns."""
    rows: list[Choice]
    """A matrix's rows; rate-the-alternatives: the alternatives shown to participants."""
    max_choices: int | None = None
    scale_min: int = 1
    scale_max: int = 5
    min_label: str = ""
    max_label: str = ""

    @property
    def scale(self) -> list[int]:
        if self.kind == QuestionKind.RATE_ALTERNATIVES:
            return list(RATING_SCALE)
        return list(range(self.scale_min, self.scale_max + 1))


def _choices(raw: Iterable[Mapping[str, Any]]) -> list[Choice]:
    return [Choice(int(item["key"]), str(item["label"])) for item in raw]


def wording_of(
    kind: QuestionKind,
    prompt: str,
    settings: Mapping[str, Any],
    alternatives: list[Alternative] | None = None,
    criteria: list[Criterion] | None = None,
) -> Wording:
    if kind == QuestionKind.RATE_ALTERNATIVES:
        return Wording(
            kind,
            prompt,
            [Choice(c.id, c.name) for c in criteria or []],
            [Choice(a.id, a.title) for a in alternatives or []],
        )
    return Wording(
        kind,
        prompt,
        _choices(settings.get("options", [])),
        _choices(settings.get("rows", [])),
        settings.get("max_choices"),
        int(settings.get("scale_min", 1)),
        int(settings.get("scale_max", 5)),
        str(settings.get("min_label", "")),
        str(settings.get("max_label", "")),
    )


def shown_alternatives(workspace_id: int) -> list[Alternative]:
    """The rows of rate-the-alternatives: alternatives published for participants."""
    return list(
        db.session.scalars(
            select(Alternative)
            .where(
                Alternative.workspace_id == workspace_id,
                Alternative.shown_to_participants.is_(True),
                Alternative.section_id.is_not(None),
            )
            .order_by(Alternative.kind, Alternative.position, Alternative.id)
        )
    )


class Design:
    """The alternatives and criteria that rate-the-alternatives questions show, loaded once per
    page (two queries) and only when such a question is on it."""

    def __init__(self, workspace_id: int) -> None:
        self.workspace_id = workspace_id
        self._loaded: tuple[list[Alternative], list[Criterion]] | None = None

    def load(self) -> tuple[list[Alternative], list[Criterion]]:
        if self._loaded is None:
            workspace = db.session.get(Workspace, self.workspace_id)
            assert workspace is not None
            self._loaded = (shown_alternatives(self.workspace_id), all_criteria(workspace))
        return self._loaded

    def wording(self, question: Question) -> Wording:
        if question.kind == QuestionKind.RATE_ALTERNATIVES:
            alternatives, criteria = self.load()
            return wording_of(question.kind, question.prompt, {}, alternatives, criteria)
        return wording_of(question.kind, question.prompt, question.config)

    def version_wording(self, question: Question, version: QuestionVersion) -> Wording:
        if question.kind == QuestionKind.RATE_ALTERNATIVES:
            return self.wording(question)
        return wording_of(question.kind, version.prompt, version.config)


# --- open and closed --------------------------------------------------------------------------


def is_open(question: Question, workspace: Workspace, now: datetime | None = None) -> bool:
    """Takes answers now: with the comment period, or between its own dates."""
    now = now or utcnow()
    if question.section.withdrawn_at is not None:
        return False
    if question.with_comment_period:
        return workspace.accepts_comments(now)
    if question.opens_at is not None and now < question.opens_at:
        return False
    return not (question.closes_at is not None and now >= question.closes_at)


def has_closed(question: Question, workspace: Workspace, now: datetime | None = None) -> bool:
    """Closed for good, as opposed to not yet open: results shown "after closing" appear."""
    now = now or utcnow()
    if is_open(question, workspace, now):
        return False
    opens = workspace.comments_open_at if question.with_comment_period else question.opens_at
    return opens is None or now >= opens


def opens_later(
    question: Question, workspace: Workspace, now: datetime | None = None
) -> datetime | None:
    """When a question that is not open yet opens; None when it is open or has closed."""
    now = now or utcnow()
    opens = workspace.comments_open_at if question.with_comment_period else question.opens_at
    return opens if opens is not None and now < opens else None


# --- writing questions ------------------------------------------------------------------------


@dataclass
class QuestionInput:
    """A question as the editor's form gives it."""

    kind: QuestionKind
    prompt: str
    help_text: str = ""
    required: bool = False
    results_shown: ResultsShown = ResultsShown.AFTER_ANSWERING
    with_comment_period: bool = True
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    options: tuple[str, ...] = ()
    rows: tuple[str, ...] = ()
    max_choices: int | None = None
    scale_min: int = 1
    scale_max: int = 5
    min_label: str = ""
    max_label: str = ""


class NeedsConfirmation(Refused):
    """The change rewords a question that already has answers: the moderator confirms first."""

    def __init__(self, answers: int) -> None:
        super().__init__(
            _l(
                "Kysymykseen on jo %(n)s vastausta. Muutos tekee siitä uuden version: aiemmat "
                "vastaukset säilyvät sen version vastauksina ja näytetään tuloksissa erikseen. "
                "Vahvista muutos.",
                n=answers,
            ),
            status=409,
        )
        self.answers = answers


def _keyed(labels: tuple[str, ...], previous: list[Choice]) -> list[dict[str, Any]]:
    """The options with their keys: an option keeps the key of the one in its place before, so
    that rewording it does not make it another option; added ones get new keys."""
    next_key = max((c.key for c in previous), default=0) + 1
    keyed = []
    for index, label in enumerate(labels):
        if index < len(previous):
            key = previous[index].key
        else:
            key, next_key = next_key, next_key + 1
        keyed.append({"key": key, "label": label})
    return keyed


def _clean_lines(lines: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(line.strip() for line in lines if line.strip())


def _check(data: QuestionInput) -> QuestionInput:
    prompt = data.prompt.strip()
    if not prompt:
        raise Refused(_l("Kirjoita kysymys."))
    if len(prompt) > PROMPT_LENGTH:
        raise Refused(_l("Kysymys on liian pitkä (enintään %(n)s merkkiä).", n=PROMPT_LENGTH))
    options, rows = _clean_lines(data.options), _clean_lines(data.rows)
    for line in (*options, *rows):
        if len(line) > OPTION_LENGTH:
            raise Refused(
                _l("Vaihtoehto on liian pitkä (enintään %(n)s merkkiä).", n=OPTION_LENGTH)
            )
        if not is_single_line(line):
            raise Refused(_l("Kirjoita kukin vaihtoehto omalle rivilleen."))
    if len(options) > MAX_OPTIONS or len(rows) > MAX_OPTIONS:
        raise Refused(_l("Vaihtoehtoja voi olla enintään %(n)s.", n=MAX_OPTIONS))
    if len(set(options)) != len(options) or len(set(rows)) != len(rows):
        raise Refused(_l("Sama vaihtoehto on annettu kahdesti."))
    if data.kind in KINDS_WITH_OPTIONS and len(options) < 2:
        raise Refused(_l("Anna vähintään kaksi vaihtoehtoa, kukin omalle rivilleen."))
    if data.kind == QuestionKind.MATRIX and not rows:
        raise Refused(_l("Anna matriisin rivit, kukin omalle rivilleen."))
    max_choices = data.max_choices if data.kind == QuestionKind.MULTIPLE else None
    if max_choices is not None and not 1 <= max_choices <= len(options):
        raise Refused(
            _l("Valintojen enimmäismäärän pitää olla 1–%(n)s.", n=len(options)),
        )
    if data.kind == QuestionKind.SCALE:
        low, high = SCALE_LIMITS
        if not (low <= data.scale_min < data.scale_max <= high):
            raise Refused(
                _l(
                    "Asteikon alun pitää olla pienempi kuin sen lopun, ja molempien välillä "
                    "%(low)s…%(high)s.",
                    low=low,
                    high=high,
                )
            )
    dated = not data.with_comment_period and data.opens_at and data.closes_at
    if dated and data.closes_at <= data.opens_at:  # type: ignore[operator]
        raise Refused(_l("Kysymyksen pitää sulkeutua vasta avautumisensa jälkeen."))
    return QuestionInput(
        data.kind,
        prompt,
        data.help_text.strip(),
        data.required,
        data.results_shown,
        data.with_comment_period,
        data.opens_at if not data.with_comment_period else None,
        data.closes_at if not data.with_comment_period else None,
        options if data.kind in KINDS_WITH_OPTIONS else (),
        rows if data.kind == QuestionKind.MATRIX else (),
        max_choices,
        data.scale_min if data.kind == QuestionKind.SCALE else 1,
        data.scale_max if data.kind == QuestionKind.SCALE else 5,
        data.min_label.strip()[:120] if data.kind == QuestionKind.SCALE else "",
        data.max_label.strip()[:120] if data.kind == QuestionKind.SCALE else "",
    )


def _settings(data: QuestionInput, previous: Mapping[str, Any]) -> str:
    settings: dict[str, Any] = {}
    if data.kind in KINDS_WITH_OPTIONS:
        settings["options"] = _keyed(data.options, _choices(previous.get("options", [])))
    if data.kind == QuestionKind.MATRIX:
        settings["rows"] = _keyed(data.rows, _choices(previous.get("rows", [])))
    if data.max_choices is not None:
        settings["max_choices"] = data.max_choices
    if data.kind == QuestionKind.SCALE:
        settings |= {
            "scale_min": data.scale_min,
            "scale_max": data.scale_max,
            "min_label": data.min_label,
            "max_label": data.max_label,
        }
    return json.dumps(settings, ensure_ascii=False, sort_keys=True)


def _apply_details(question: Question, data: QuestionInput) -> None:
    question.help_text = data.help_text
    question.required = data.required
    question.results_shown = data.results_shown
    question.with_comment_period = data.with_comment_period
    question.opens_at = data.opens_at
    question.closes_at = data.closes_at


def add_question(section: Section, moderator: User, data: QuestionInput) -> Question:
    data = _check(data)
    last = db.session.scalar(
        select(func.max(Question.position)).where(Question.section_id == section.id)
    )
    question = Question(
        section_id=section.id,
        workspace_id=section.workspace_id,
        kind=data.kind,
        prompt=data.prompt,
        settings=_settings(data, {}),
        position=(last or 0) + 1,
    )
    _apply_details(question, data)
    db.session.add(question)
    db.session.flush()
    db.session.add(
        QuestionVersion(
            question_id=question.id,
            number=1,
            prompt=question.prompt,
            settings=question.settings,
            created_by_id=moderator.id,
        )
    )
    _touch(section)
    db.session.flush()
    return question


def answer_count(question: Question, version: int | None = None) -> int:
    return (
        db.session.scalar(
            select(func.count(Answer.id)).where(
                Answer.question_id == question.id,
                Answer.question_version == (version or question.version),
            )
        )
        or 0
    )


def change_question(
    question: Question, moderator: User, data: QuestionInput, confirmed: bool = False
) -> Question:
    """Save the editor's changes. A new wording of a question with answers is a new version,
    and only once the moderator has confirmed it; details (help, dates, results) change in
    place."""
    if data.kind != question.kind:
        raise Refused(_l("Kysymyksen tyyppiä ei voi vaihtaa. Lisää uusi kysymys."))
    data = _check(data)
    settings = _settings(data, question.config)
    reworded = data.prompt != question.prompt or settings != question.settings
    if reworded:
        answers = answer_count(question)
        current = db.session.scalar(
            select(QuestionVersion).where(
                QuestionVersion.question_id == question.id,
                QuestionVersion.number == question.version,
            )
        )
        if answers and not confirmed:
            raise NeedsConfirmation(answers)
        if answers or current is None:
            question.version += 1
            db.session.add(
                QuestionVersion(
                    question_id=question.id,
                    number=question.version,
                    prompt=data.prompt,
                    settings=settings,
                    created_by_id=moderator.id,
                )
            )
        else:
            current.prompt, current.settings = data.prompt, settings
        question.prompt, question.settings = data.prompt, settings
        question.answers_revision += 1
    _apply_details(question, data)
    _touch(question.section)
    db.session.flush()
    return question


def delete_question(question: Question, moderator: User) -> None:
    _touch(question.section)
    db.session.delete(question)
    db.session.flush()


def move_question(question: Question, moderator: User, step: int) -> None:
    siblings = list(
        db.session.scalars(
            select(Question)
            .where(Question.section_id == question.section_id)
            .order_by(Question.position, Question.id)
        )
    )
    index = siblings.index(question)
    other = index + step
    if 0 <= other < len(siblings):
        siblings[index], siblings[other] = siblings[other], siblings[index]
        for position, item in enumerate(siblings, start=1):
            item.position = position
        _touch(question.section)
    db.session.flush()


def _touch(section: Section) -> None:
    """A section's questions changed: its page shows them at once (the cached thread is apart
    from them, but the page's own validators and caches key on updated_at)."""
    section.updated_at = utcnow()


def questions_of(section_ids: list[int]) -> dict[int, list[Question]]:
    """Each section's questions in order: one query."""
    found: dict[int, list[Question]] = {section_id: [] for section_id in section_ids}
    if not section_ids:
        return found
    for question in db.session.scalars(
        select(Question)
        .where(Question.section_id.in_(section_ids))
        .order_by(Question.section_id, Question.position, Question.id)
    ):
        found[question.section_id].append(question)
    return found


def questions_on_page(page_id: int) -> dict[int, list[Question]]:
    """The questions of every section on a page, by section id, in order: one query."""
    found: dict[int, list[Question]] = {}
    for question in db.session.scalars(
        select(Question)
        .join(Section, Section.id == Question.section_id)
        .where(Section.page_id == page_id)
        .order_by(Question.section_id, Question.position, Question.id)
    ):
        found.setdefault(question.section_id, []).append(question)
    return found


def workspace_questions(workspace: Workspace) -> list[tuple[Section, list[Question]]]:
    """Every section with questions, in the materials' order, with its questions: one query."""
    from valuma_space.materials.models import Page

    listed: dict[int, tuple[Section, list[Question]]] = {}
    for question, section in db.session.execute(
        select(Question, Section)
        .join(Section, Section.id == Question.section_id)
        .join(Page, Page.id == Section.page_id)
        .where(Question.workspace_id == workspace.id)
        .order_by(Page.position, Section.position, Question.position, Question.id)
    ):
        listed.setdefault(section.id, (section, []))[1].append(question)
    return list(listed.values())


def answer_counts(questions: list[Question]) -> dict[int, int]:
    """Answers to each question's current wording, by question id: one query."""
    if not questions:
        return {}
    found = dict.fromkeys((q.id for q in questions), 0)
    versions = {q.id: q.version for q in questions}
    for question_id, version, n in db.session.execute(
        select(Answer.question_id, Answer.question_version, func.count())
        .where(Answer.question_id.in_(versions))
        .group_by(Answer.question_id, Answer.question_version)
    ):
        if versions[question_id] == version:
            found[question_id] = n
    return found


def rating_questions(workspace: Workspace) -> list[Question]:
    return list(
        db.session.scalars(
            select(Question)
            .where(
                Question.workspace_id == workspace.id,
                Question.kind == QuestionKind.RATE_ALTERNATIVES,
            )
            .order_by(Question.id)
        )
    )


def placed_ids(markdown: str) -> list[int]:
    return [int(m) for m in PLACEHOLDER.findall(markdown or "")]


def question_in(workspace: Workspace, question_id: int) -> Question | None:
    question = db.session.get(Question, question_id)
    if question is None or question.workspace_id != workspace.id:
        return None
    return question


# --- answering --------------------------------------------------------------------------------


class InvalidAnswer(Refused):
    """The answer cannot be saved as sent; `message` says why, the form comes back filled."""


@dataclass
class Parsed:
    items: list[tuple[int, int, int]]
    text: str = ""

    @property
    def empty(self) -> bool:
        return not self.items and not self.text


FormValues = Mapping[str, list[str]]
"""A question form's fields as sent: name → every value given for it."""


def _ints(values: list[str]) -> list[int]:
    found = []
    for value in values:
        try:
            found.append(int(value))
        except (TypeError, ValueError):
            raise InvalidAnswer(_l("Vastauksessa oli tuntematon valinta.")) from None
    return found


def parse(wording: Wording, values: FormValues) -> Parsed:
    """The form's fields as an answer to the wording, or a refusal saying what is wrong."""
    kind = wording.kind
    option_keys = {c.key for c in wording.options}
    if kind == QuestionKind.TEXT:
        text = "\n".join(values.get("text", [])).strip()
        if len(text) > TEXT_ANSWER_LENGTH:
            raise InvalidAnswer(
                _l("Vastaus on liian pitkä (enintään %(n)s merkkiä).", n=TEXT_ANSWER_LENGTH)
            )
        return Parsed([], text)
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        chosen = sorted(set(_ints([v for v in values.get("option", []) if v])))
        if any(key not in option_keys for key in chosen):
            raise InvalidAnswer(_l("Vastauksessa oli tuntematon valinta."))
        if kind == QuestionKind.SINGLE and len(chosen) > 1:
            raise InvalidAnswer(_l("Valitse yksi vaihtoehto."))
        if wording.max_choices is not None and len(chosen) > wording.max_choices:
            raise InvalidAnswer(_l("Valitse enintään %(n)s vaihtoehtoa.", n=wording.max_choices))
        return Parsed([(0, key, 1) for key in chosen])
    if kind == QuestionKind.SCALE:
        given = [v for v in values.get("value", []) if v]
        if not given:
            return Parsed([])
        (point,) = _ints(given[:1])
        if point not in wording.scale:
            raise InvalidAnswer(_l("Valitse kohta asteikolta."))
        return Parsed([(0, 0, point)])
    if kind == QuestionKind.RANKING:
        ranks: dict[int, int] = {}
        for option in wording.options:
            given = [v for v in values.get(f"rank-{option.key}", []) if v]
            if given:
                (ranks[option.key],) = _ints(given[:1])
        if not ranks:
            return Parsed([])
        if len(ranks) != len(wording.options):
            raise InvalidAnswer(_l("Anna jokaiselle vaihtoehdolle oma sijansa."))
        if sorted(ranks.values()) != list(range(1, len(wording.options) + 1)):
            raise InvalidAnswer(_l("Käytä kutakin sijaa 1–%(n)s kerran.", n=len(wording.options)))
        return Parsed([(0, key, rank) for key, rank in sorted(ranks.items())])
    if kind == QuestionKind.MATRIX:
        items = []
        for row in wording.rows:
            given = [v for v in values.get(f"row-{row.key}", []) if v]
            if given:
                (column,) = _ints(given[:1])
                if column not in option_keys:
                    raise InvalidAnswer(_l("Vastauksessa oli tuntematon valinta."))
                items.append((row.key, column, 1))
        return Parsed(items)
    # Rate the alternatives: one score per alternative and criterion, each cell optional.
    items = []
    for row in wording.rows:
        for column in wording.options:
            given = [v for v in values.get(f"cell-{row.key}-{column.key}", []) if v]
            if given:
                (score,) = _ints(given[:1])
                if score not in RATING_SCALE:
                    raise InvalidAnswer(_l("Arvioi asteikolla −2…+2."))
                items.append((row.key, column.key, score))
    return Parsed(items)


class QuestionClosed(Refused):
    def __init__(self) -> None:
        super().__init__(_l("Kysymykseen ei voi enää vastata: se on suljettu."), status=409)


def answer(
    question: Question,
    person: User,
    workspace: Workspace,
    values: FormValues,
    design: Design | None = None,
    pre_moderation: bool | None = None,
) -> Answer | None:
    """Save the person's answer to the question's current wording, replacing their earlier
    one; an empty answer withdraws it (not allowed for a required question). Returns the
    answer, or None when it was withdrawn."""
    if not is_open(question, workspace):
        raise QuestionClosed()
    wording = (design or Design(workspace.id)).wording(question)
    parsed = parse(wording, values)
    mine = _own_answer(question, person, lock=True)
    if parsed.empty:
        if question.required:
            raise InvalidAnswer(_l("Tähän kysymykseen on vastattava."))
        if mine is not None:
            # A statement, not the ORM's delete: a second withdrawal at the same moment then
            # deletes nothing instead of failing; the database takes the items with it.
            db.session.execute(delete(Answer).where(Answer.id == mine.id))
            db.session.expunge(mine)
            _answered(question)
        db.session.flush()
        return None
    if mine is None:
        mine = _insert_answer(question, person)
    if mine.text != parsed.text:
        _set_text(mine, parsed.text, person, workspace, pre_moderation)
    # The answer's row is locked (on PostgreSQL; SQLite has one writer at a time), so two
    # changes at once replace the items one after the other, never leaving both sets.
    db.session.execute(delete(AnswerItem).where(AnswerItem.answer_id == mine.id))
    db.session.add_all(
        AnswerItem(
            answer_id=mine.id,
            question_id=question.id,
            question_version=question.version,
            row_key=row,
            column_key=column,
            value=value,
        )
        for row, column, value in parsed.items
    )
    db.session.expire(mine, ["items"])
    mine.updated_at = utcnow()
    _answered(question)
    db.session.flush()
    return mine


def _own_answer(question: Question, person: User, lock: bool = False) -> Answer | None:
    query = select(Answer).where(
        Answer.question_id == question.id,
        Answer.question_version == question.version,
        Answer.user_id == person.id,
    )
    if lock:
        query = query.with_for_update()
    return db.session.scalar(query)


def _insert_answer(question: Question, person: User) -> Answer:
    """The person's answer row, made now; if a second request of theirs made it first (two
    tabs sending at once), the constraint keeps theirs, and this request rewrites it."""
    insert_unless_present(
        db.session,
        Answer,
        {
            "question_id": question.id,
            "question_version": question.version,
            "user_id": person.id,
            "created_at": utcnow(),
            "updated_at": utcnow(),
        },
    )
    made = _own_answer(question, person, lock=True)
    assert made is not None
    return made


def _set_text(
    answer_row: Answer, text: str, person: User, workspace: Workspace, pre: bool | None
) -> None:
    """A free-text answer follows the comments' rule: under pre-moderation it waits for a
    moderator (again, when changed); moderators' own answers never wait."""
    answer_row.text = text
    waits = workspace.pre_moderation if pre is None else pre
    if waits and not person.is_moderator:
        answer_row.visibility = Visibility.PENDING
    elif answer_row.visibility == Visibility.PENDING or answer_row.published_at is None:
        answer_row.visibility = Visibility.VISIBLE
        answer_row.published_at = answer_row.published_at or utcnow()


def _answered(question: Question) -> None:
    """Results key their cache on this counter: bumped in the answer's own transaction, with
    one UPDATE, so that two answers at once both count."""
    db.session.execute(
        update(Question)
        .where(Question.id == question.id)
        .values(answers_revision=Question.answers_revision + 1)
    )
    db.session.expire(question, ["answers_revision"])


def own_answers(questions: list[Question], person: User | None) -> dict[int, Answer]:
    """The person's answers to the current wordings, by question id: one query, two with
    their items."""
    if person is None or not questions:
        return {}
    found: dict[int, Answer] = {}
    by_id = {q.id: q for q in questions}
    for row in db.session.scalars(
        select(Answer).where(Answer.question_id.in_(by_id), Answer.user_id == person.id)
    ):
        if row.question_version == by_id[row.question_id].version:
            found[row.question_id] = row
    if found:
        items: dict[int, list[AnswerItem]] = {a.id: [] for a in found.values()}
        for item in db.session.scalars(
            select(AnswerItem).where(AnswerItem.answer_id.in_(items)).order_by(AnswerItem.id)
        ):
            items[item.answer_id].append(item)
        for answer_row in found.values():
            db.session.info.setdefault("answer_items", {})[answer_row.id] = items[answer_row.id]
    return found


def items_of(answer_row: Answer) -> list[AnswerItem]:
    """The answer's items as own_answers loaded them (no query), or from the database."""
    loaded = db.session.info.get("answer_items", {}).get(answer_row.id)
    return loaded if loaded is not None else list(answer_row.items)


def form_values(answer_row: Answer | None, kind: QuestionKind) -> dict[str, list[str]]:
    """An answer as the form's fields, for showing it in the form again."""
    if answer_row is None:
        return {}
    items = items_of(answer_row)
    if kind == QuestionKind.TEXT:
        return {"text": [answer_row.text]}
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        return {"option": [str(i.column_key) for i in items]}
    if kind == QuestionKind.SCALE:
        return {"value": [str(i.value) for i in items]}
    if kind == QuestionKind.RANKING:
        return {f"rank-{i.column_key}": [str(i.value)] for i in items}
    if kind == QuestionKind.MATRIX:
        return {f"row-{i.row_key}": [str(i.column_key)] for i in items}
    return {f"cell-{i.row_key}-{i.column_key}": [str(i.value)] for i in items}


# --- answers kept over a sign-in --------------------------------------------------------------


def stash_answer(question: Question, values: FormValues) -> AnswerDraft:
    kept = {
        name: [value[: TEXT_ANSWER_LENGTH * 2] for value in given[: MAX_OPTIONS * MAX_OPTIONS]]
        for name, given in values.items()
        if name not in ("csrf_token",)
    }
    draft = AnswerDraft(
        id=secrets.token_urlsafe(24),
        question_id=question.id,
        values=json.dumps(kept, ensure_ascii=False),
    )
    db.session.add(draft)
    db.session.execute(
        delete(AnswerDraft).where(AnswerDraft.created_at < utcnow() - DRAFT_LIFETIME)
    )
    db.session.flush()
    return draft


def find_answer_draft(draft_id: str | None, questions: list[Question]) -> AnswerDraft | None:
    if not draft_id:
        return None
    draft = db.session.get(AnswerDraft, draft_id)
    if draft is None or draft.question_id not in {q.id for q in questions}:
        return None
    return draft


def draft_values(draft: AnswerDraft) -> dict[str, list[str]]:
    loaded = json.loads(draft.values or "{}")
    return {str(k): [str(v) for v in vs] for k, vs in loaded.items() if isinstance(vs, list)}


def discard_answer_draft(draft_id: str | None) -> None:
    if draft_id:
        db.session.execute(delete(AnswerDraft).where(AnswerDraft.id == draft_id))


# --- moderating free-text answers -------------------------------------------------------------


def moderate_answer(answer_row: Answer, moderator: User, visible: bool, reason: str = "") -> None:
    """Approve or hide a free-text answer; a hidden one shows its reason in its place."""
    if visible:
        answer_row.visibility = Visibility.VISIBLE
        answer_row.moderation_reason = ""
        answer_row.published_at = answer_row.published_at or utcnow()
    else:
        answer_row.visibility = Visibility.HIDDEN
        answer_row.moderation_reason = reason.strip()[:500]
    db.session.execute(
        update(Question)
        .where(Question.id == answer_row.question_id)
        .values(answers_revision=Question.answers_revision + 1)
    )
    db.session.flush()


def themes_of_answers(answer_ids: list[int]) -> dict[int, list[Theme]]:
    """Each free-text answer's themes, by answer id: one query."""
    found: dict[int, list[Theme]] = {answer_id: [] for answer_id in answer_ids}
    if not answer_ids:
        return found
    for answer_id, theme in db.session.execute(
        select(AnswerTheme.answer_id, Theme)
        .join(Theme, Theme.id == AnswerTheme.theme_id)
        .where(AnswerTheme.answer_id.in_(answer_ids))
        .order_by(Theme.name)
    ):
        found[answer_id].append(theme)
    return found


def set_answer_themes(answer_row: Answer, theme_ids: set[int], workspace: Workspace) -> None:
    """Tag a free-text answer with the workspace's themes, as a comment is tagged."""
    allowed = set(
        db.session.scalars(
            select(Theme.id).where(Theme.workspace_id == workspace.id, Theme.id.in_(theme_ids))
        )
    )
    db.session.execute(delete(AnswerTheme).where(AnswerTheme.answer_id == answer_row.id))
    for theme_id in sorted(allowed):
        db.session.add(AnswerTheme(answer_id=answer_row.id, theme_id=theme_id))
    db.session.flush()


def link_answer(answer_row: Answer, alternative: Alternative, moderator: User) -> None:
    """Use a free-text answer as evidence for an alternative, as a comment can be; a second
    link to the same alternative adds nothing."""
    if alternative.workspace_id != db.session.get(Question, answer_row.question_id).workspace_id:
        raise Refused(_l("Vaihtoehtoa ei löytynyt."), status=404)
    insert_unless_present(
        db.session,
        AnswerLink,
        {
            "answer_id": answer_row.id,
            "alternative_id": alternative.id,
            "created_by_id": moderator.id,
            "created_at": utcnow(),
        },
    )
    db.session.flush()


def unlink_answer(answer_row: Answer, alternative_id: int) -> None:
    db.session.execute(
        delete(AnswerLink).where(
            AnswerLink.answer_id == answer_row.id, AnswerLink.alternative_id == alternative_id
        )
    )
    db.session.flush()


def links_of_answers(answer_ids: list[int]) -> dict[int, list[Alternative]]:
    """The alternatives each free-text answer is linked to, by answer id: one query."""
    found: dict[int, list[Alternative]] = {answer_id: [] for answer_id in answer_ids}
    if not answer_ids:
        return found
    for answer_id, alternative in db.session.execute(
        select(AnswerLink.answer_id, Alternative)
        .join(Alternative, Alternative.id == AnswerLink.alternative_id)
        .where(AnswerLink.answer_id.in_(answer_ids))
        .order_by(Alternative.position, Alternative.id)
    ):
        found[answer_id].append(alternative)
    return found


def answers_linked_to(alternative: Alternative) -> list[tuple[Answer, Question, User]]:
    """The free-text answers linked to an alternative, newest first: one query."""
    return [
        (answer_row, question, person)
        for answer_row, question, person in db.session.execute(
            select(Answer, Question, User)
            .join(AnswerLink, AnswerLink.answer_id == Answer.id)
            .join(Question, Question.id == Answer.question_id)
            .join(User, User.id == Answer.user_id)
            .where(AnswerLink.alternative_id == alternative.id)
            .order_by(Answer.updated_at.desc(), Answer.id)
        )
    ]


def describe_only(questions: list[Question], design: Design, only: Any) -> str:
    """Who the results are filtered to, in words: "Kysymys: vaihtoehto", "Kysymys: rivi –
    sarake", "Kysymys: 4"."""
    question = next(q for q in questions if q.id == only.question_id)
    wording = design.wording(question)
    if only.value is not None:
        return f"{question.prompt}: {only.value}"
    option = next((c.label for c in wording.options if c.key == only.column), "?")
    row_label = next((r.label for r in wording.rows if r.key == only.row), "")
    return f"{question.prompt}: {row_label + ' – ' if row_label else ''}{option}"


def results_visible_to(
    question: Question, workspace: Workspace, viewer: User | None, answered: bool
) -> bool:
    """Whether the viewer sees the question's results: moderators always; participants as the
    moderators chose."""
    if viewer is not None and viewer.is_moderator:
        return True
    if question.results_shown == ResultsShown.NEVER:
        return False
    if question.results_shown == ResultsShown.AFTER_ANSWERING and answered:
        return True
    # After closing, results are for whoever reads the section, visitors included.
    return has_closed(question, workspace)


# --- what the account's changes do to results -------------------------------------------------


def _recount_answers_of(person: User, **_: Any) -> None:
    """The person's answers count under their profile's groups, and go with their account:
    the results of every question they answered are computed afresh on the next load."""
    db.session.execute(
        update(Question)
        .where(Question.id.in_(select(Answer.question_id).where(Answer.user_id == person.id)))
        .values(answers_revision=Question.answers_revision + 1)
        .execution_options(synchronize_session=False)
    )


account_deleting.connect(_recount_answers_of)
name_changed.connect(_recount_answers_of)


def own_answers_data(person: User) -> list[dict[str, Any]]:
    """The person's answers for their own data download: each question as they saw it and
    their answer in words."""
    rows = db.session.execute(
        select(Answer, Question, QuestionVersion, Section)
        .join(Question, Question.id == Answer.question_id)
        .join(
            QuestionVersion,
            (QuestionVersion.question_id == Answer.question_id)
            & (QuestionVersion.number == Answer.question_version),
        )
        .join(Section, Section.id == Question.section_id)
        .where(Answer.user_id == person.id)
        .order_by(Answer.id)
    ).all()
    items: dict[int, list[AnswerItem]] = {row[0].id: [] for row in rows}
    if items:
        for item in db.session.scalars(
            select(AnswerItem).where(AnswerItem.answer_id.in_(items)).order_by(AnswerItem.id)
        ):
            items[item.answer_id].append(item)
    designs: dict[int, Design] = {}
    found = []
    for answer_row, question, version, section in rows:
        design = designs.setdefault(question.workspace_id, Design(question.workspace_id))
        wording = design.version_wording(question, version)
        found.append(
            {
                "section": section.heading,
                "question": version.prompt,
                "answer": describe_answer(wording, answer_row.text, items[answer_row.id]),
                "answered_at": answer_row.updated_at.isoformat(),
            }
        )
    return found


def describe_answer(wording: Wording, text: str, items: list[AnswerItem]) -> str:
    """An answer in words: the options chosen, the point, the order, the rows' choices."""
    options = {c.key: c.label for c in wording.options}
    rows = {r.key: r.label for r in wording.rows}
    kind = wording.kind
    if kind == QuestionKind.TEXT:
        return text
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        return "; ".join(options.get(i.column_key, "?") for i in items)
    if kind == QuestionKind.SCALE:
        return "; ".join(str(i.value) for i in items)
    if kind == QuestionKind.RANKING:
        ranked = sorted(items, key=lambda i: i.value)
        return "; ".join(f"{i.value}. {options.get(i.column_key, '?')}" for i in ranked)
    if kind == QuestionKind.MATRIX:
        return "; ".join(
            f"{rows.get(i.row_key, '?')}: {options.get(i.column_key, '?')}" for i in items
        )
    return "; ".join(
        f"{rows.get(i.row_key, '?')} / {options.get(i.column_key, '?')}: {i.value:+d}"
        for i in items
    )


register_data_part("answers", own_answers_data)
