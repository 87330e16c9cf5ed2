"""The export's data: comments in thread order, section by section, with what the consortium
needs for analysis and nothing a participant did not agree to show."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from typing import Any, NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import Connection, Row, Select, select, type_coerce
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import NullType

from valuma_space.auth.choices import ORGANISATION_TYPE_LABELS, REGION_LABELS
from valuma_space.auth.models import NameDisplay, User
from valuma_space.auth.names import REMOVED_USER
from valuma_space.comments import policy
from valuma_space.comments.models import (
    COMMENT_KIND_LABELS,
    TRIAGE_LABELS,
    VISIBILITY_LABELS,
    Comment,
    CommentKind,
    TriageStatus,
    Visibility,
)
from valuma_space.exports.answers import AnswerReader, QuestionAnswers
from valuma_space.extensions import db
from valuma_space.i18n import local_zone
from valuma_space.materials.models import Page, Section
from valuma_space.modeldesign.models import (
    STANCE_LABELS,
    Alternative,
    CommentLink,
    Criterion,
    Theme,
    comment_themes,
)
from valuma_space.moderation.models import ModeratorNote
from valuma_space.workspaces.models import Workspace

REMOVED = "removed"


class ExportRow(NamedTuple):
    """One comment as every format writes it. A placeholder for a left-out comment whose replies
    are in has the visibility "removed" and empty cells where its content would be."""

    id: int
    permalink: str
    page: str
    section: str
    section_version: int
    quote: str
    parent_id: int | None
    """None for a comment that starts a thread (an empty cell in CSV, null in JSON)."""
    root_id: int
    depth: int
    position: int
    created_at: str
    edited_at: str
    author: str
    organisation: str
    """As the author shows it beside their comments: with their full name or as the name, never
    beside a pseudonym."""
    organisation_type: str
    organisation_type_code: str
    region: str
    region_code: str
    agree_count: int | str
    kind: str
    kind_code: str
    visibility: str
    visibility_code: str
    triage_status: str
    triage_status_code: str
    moderation_reason: str
    """The reason a moderator gave for hiding or rejecting it."""
    themes: str
    model_links: str
    moderator_reply: str
    text: str
    """Plain text, as readers read it."""
    text_markdown: str
    """The text as its author wrote it, in Markdown."""
    internal_notes: str = ""
    """Written only when an export includes moderators' notes."""


COLUMNS: list[str] = [name for name in ExportRow._fields if name != "internal_notes"]

PLACEHOLDER = ExportRow(*[""] * len(ExportRow._fields))._replace(visibility_code=REMOVED)
"""A placeholder's cells are empty but for where it stands in its thread."""

Cells = tuple[Any, ...]
"""A row's values in ExportRow's order as a plain tuple (see SectionBlock.cells), or a comment's
as read from the database."""


@dataclass
class ExportFilters:
    section_slug: str | None = None
    since: date | None = None
    until: date | None = None
    visibility: Visibility | None = None
    triage: TriageStatus | None = None
    kind: CommentKind | None = None
    theme: str | None = None
    alternative: str | None = None
    include_hidden: bool = False
    include_notes: bool = False

    def narrows(self) -> bool:
        """Whether anything beyond the comment's visibility decides if it is in."""
        return any(
            (
                self.since,
                self.until,
                self.visibility,
                self.triage,
                self.kind,
                self.theme,
                self.alternative,
            )
        )


def iso(moment: datetime | None) -> str:
    return moment.astimezone(local_zone()).isoformat(timespec="seconds") if moment else ""


class LocalTimes:
    """Stored moments as Helsinki ISO 8601 text, the same as `iso` gives.

    Converting each of 100,000 moments through zoneinfo costs more than reading them. Helsinki's
    offset is a whole number of hours and changes only on the hour, so each UTC hour is one local
    hour: that is worked out once and the minutes and seconds are copied from the stored text.
    """

    def __init__(self) -> None:
        self._hours: dict[str, tuple[str, str]] = {}

    def __call__(self, stored: str | datetime | None) -> str:
        """`stored` is the driver's value of a UTC column: SQLite's text
        ("2027-01-05 12:03:00.000000") or PostgreSQL's naive datetime."""
        if stored is None:
            return ""
        text = stored if isinstance(stored, str) else stored.isoformat(" ")
        hour = self._hours.get(text[:13])
        if hour is None:
            local = iso(datetime.fromisoformat(text[:13] + ":00").replace(tzinfo=UTC))
            hour = self._hours[text[:13]] = (local[:13], local[19:])
        return hour[0] + text[13:19] + hour[1]


def _raw(column: Any) -> ColumnElement[Any]:
    """The driver's own value: turning every cell into an enum member or an aware datetime would
    cost more than the rest of the export. Enums come as their values; see LocalTimes for times."""
    return type_coerce(column, NullType())


# A comment as read for the export, declared once: the query reads these columns in this order,
# and the positions the loops below index by come from the same list.
READ_FROM_COMMENT = {
    "id": Comment.id,
    "parent_id": Comment.parent_id,
    "visibility": Comment.visibility,
    "published_at": Comment.published_at,
    "created_at": Comment.created_at,
    "edited_at": Comment.edited_at,
    "section_version": Comment.section_version,
    "quote": Comment.quote,
    "kind": Comment.kind,
    "agree_count": Comment.agree_count,
    "triage_status": Comment.triage_status,
    "by_moderator": Comment.by_moderator,
    "moderation_reason": Comment.moderation_reason,
    "text": Comment.body_text,
    "markdown": Comment.body_markdown,
    "author_id": Comment.author_id,
}
COMMENT_COLUMNS = [_raw(column) for column in READ_FROM_COMMENT.values()]
_POSITION = {name: position for position, name in enumerate(READ_FROM_COMMENT)}
ID, PARENT_ID, VISIBILITY, PUBLISHED_AT, AUTHOR_ID = (
    _POSITION[name] for name in ("id", "parent_id", "visibility", "published_at", "author_id")
)
CREATED_AT, KIND, TRIAGE_STATUS = (
    _POSITION[name] for name in ("created_at", "kind", "triage_status")
)


class ModelLink(NamedTuple):
    """A comment's link to an alternative, as data: the filters compare its title exactly, the
    summary counts it, and only the cell writes it as text."""

    alternative: str
    criterion: str | None
    stance: str

    def label(self, stances: dict[str, str]) -> str:
        stance = stances.get(self.stance, self.stance)
        if self.criterion:
            return f"{self.alternative} – {self.criterion} ({stance})"
        return f"{self.alternative} ({stance})"

    def data(self, stances: dict[str, str]) -> dict[str, str | None]:
        return {
            "alternative": self.alternative,
            "criterion": self.criterion,
            "stance": stances.get(self.stance, self.stance),
            "stance_code": self.stance,
        }


class Labels:
    """Codes as words in the export's language, worked out once per export (the export runs in
    that language; see services.chunks) so that each row costs a dictionary lookup."""

    def __init__(self) -> None:
        def words(labels: dict[Any, Any]) -> dict[str, str]:
            return {str(code): str(label) for code, label in labels.items()}

        self.kind = words(COMMENT_KIND_LABELS)
        self.visibility = words(VISIBILITY_LABELS) | {REMOVED: str(_l("Poistettu"))}
        self.triage = words(TRIAGE_LABELS)
        self.organisation_type = words(ORGANISATION_TYPE_LABELS)
        self.region = words(REGION_LABELS)
        self.stance = words(STANCE_LABELS)
        self.yes, self.no = str(_l("kyllä")), str(_l("ei"))
        self.removed_user = str(REMOVED_USER)
        self.participant = str(_l("Osallistuja"))
        self.states: dict[tuple[str, str, str], tuple[str, ...]] = {}
        """(kind, visibility, triage status) -> their six cells, labels beside codes: a few
        dozen combinations serve 100,000 rows with one lookup each."""

    def state(self, kind: str, visibility: str, triage: str) -> tuple[str, ...]:
        cells = self.states[kind, visibility, triage] = (
            self.kind.get(kind, kind),
            kind,
            self.visibility.get(visibility, visibility),
            visibility,
            self.triage.get(triage, triage),
            triage,
        )
        return cells


PERSON_COLUMNS = [
    _raw(column)
    for column in (
        User.id,
        User.name_display,
        User.organisation,
        User.display_name,
        User.organisation_type,
        User.region,
    )
]


PersonCells = tuple[str, str, str, str, str, str]


class Authors:
    """Authors as they chose to be named, with their organisation type and region. Pseudonyms
    become "Osallistuja N", the same N for the same person throughout one export and unrelated to
    anything else, numbered in the order people first appear in the export."""

    def __init__(self, connection: Connection, labels: Labels) -> None:
        self.connection = connection
        self.labels = labels
        self.unnamed: dict[int, Row[Any]] = {}
        self.cells: dict[int | None, PersonCells] = {
            None: (labels.removed_user, "", "", "", "", "")
        }
        self.pseudonyms = 0

    def read(self, comments: list[Cells]) -> None:
        """Read the authors of `comments` not met before, a batch of them per query."""
        self.read_ids(comment[AUTHOR_ID] for comment in comments)

    def read_ids(self, people: Iterable[int]) -> None:
        """Read the people not met before (authors, respondents), a batch of them per query."""
        new = sorted(set(people) - self.cells.keys() - self.unnamed.keys())
        for start in range(0, len(new), 500):  # SQLite takes a limited number of parameters
            for person in self.connection.execute(
                select(*PERSON_COLUMNS).where(User.id.in_(new[start : start + 500]))
            ):
                self.unnamed[person.id] = person

    def __call__(self, author_id: int | None) -> PersonCells:
        """The author, organisation, organisation type and region cells (labels and codes)."""
        cells = self.cells.get(author_id)
        if cells is None:
            cells = self.cells[author_id] = self._name(author_id)
        return cells

    def _name(self, author_id: int | None) -> PersonCells:
        person = self.unnamed.pop(author_id, None)
        if person is None:  # the account was deleted after its comments were read
            return self.cells[None]
        organisation = (person.organisation or "").strip()
        if person.name_display == NameDisplay.ORGANISATION and organisation:
            name = organisation
        elif person.name_display == NameDisplay.FULL_NAME and (person.display_name or "").strip():
            name = person.display_name.strip()
        else:
            self.pseudonyms += 1
            name = f"{self.labels.participant} {self.pseudonyms}"
            organisation = ""  # beside a pseudonym it would say who wrote
        organisation_type, region = person.organisation_type or "", person.region or ""
        return (
            name,
            organisation,
            self.labels.organisation_type.get(organisation_type, organisation_type),
            organisation_type,
            self.labels.region.get(region, region),
            region,
        )


@dataclass
class SectionBlock:
    page: Page
    section: Section
    cells: list[Cells] = field(default_factory=list)
    """The rows as plain tuples, which is all CSV needs. The garbage collector lets a tuple of
    text and numbers be, but keeps tracking a named one: 100,000 of those would have it sweep the
    whole application's objects again and again."""
    themes: dict[int, list[str]] = field(default_factory=dict)
    """Comment id -> its themes, as data for JSON (the cells hold them joined)."""
    links: dict[int, list[ModelLink]] = field(default_factory=dict)
    """Comment id -> its model links, as data for JSON and the reports' summary."""
    labels: Labels | None = None
    questions: list[QuestionAnswers] = field(default_factory=list)
    """The section's questions with their answers, in the section's order."""

    @cached_property
    def rows(self) -> list[ExportRow]:
        """The rows with their cells named, for the formats that pick cells by name."""
        return list(map(ExportRow._make, self.cells))

    @property
    def answer_cells(self) -> list[Cells]:
        """Every answer row of the section, question by question (see answers.AnswerRow)."""
        return [cells for question in self.questions for cells in question.cells]


def _plain(connection: Connection, query: Select[Any]) -> list[Cells]:
    """The query's rows as the driver's own tuples: not ORM objects, nor even Core rows, which
    cost as much again as reading them and keep the garbage collector busy (SectionBlock.cells)."""
    result = connection.execute(query)
    with result:
        return result.cursor.fetchall()


def _grouped(pairs: Iterable[tuple[int, str]]) -> dict[int, list[str]]:
    grouped: dict[int, list[str]] = defaultdict(list)
    for comment_id, text in pairs:
        grouped[comment_id].append(text)
    return grouped


def _joined(grouped: dict[int, list[str]], separator: str) -> dict[int, str]:
    return {comment_id: separator.join(texts) for comment_id, texts in grouped.items()}


def _thread_order(comments: list[Cells]) -> Iterator[tuple[Cells, int, int]]:
    """(comment, depth, root id) depth first, replies oldest first under their parent. A reply
    whose parent is not among `comments` starts a thread of its own."""
    ids = {comment[ID] for comment in comments}
    # Threads linked by position in `comments` rather than a list of replies per comment: whole
    # numbers are no work for the garbage collector, thousands of small lists are.
    first_reply: dict[int | None, int] = {}
    next_sibling = [-1] * len(comments)
    for position in range(len(comments) - 1, -1, -1):
        parent_id = comments[position][PARENT_ID]
        key = parent_id if parent_id in ids else None
        next_sibling[position] = first_reply.get(key, -1)
        first_reply[key] = position
    resume: list[int] = []  # where each open level of replies goes on
    position = first_reply.get(None, -1)
    root_id = 0
    while position >= 0:
        comment = comments[position]
        depth = len(resume)
        if not depth:
            root_id = comment[ID]
        yield comment, depth, root_id
        reply = first_reply.get(comment[ID], -1)
        if reply >= 0:
            resume.append(next_sibling[position])
            position = reply
        else:
            position = next_sibling[position]
            while position < 0 and resume:
                position = resume.pop()


def _with_picked_replies(comments: list[Cells], picked: set[int]) -> set[int]:
    """The comments with a picked reply at any depth below them."""
    parents = {comment[ID]: comment[PARENT_ID] for comment in comments}
    found: set[int] = set()
    for comment_id in picked:
        parent = parents.get(comment_id)
        while parent in parents and parent not in found:
            found.add(parent)
            parent = parents[parent]
    return found


class RowReader:
    """Reads a section's comments and gives its rows; one per export, so that names and times
    are worked out once for the whole export."""

    def __init__(self, filters: ExportFilters, base_url: str) -> None:
        self.filters = filters
        self.permalink = f"{base_url}/kommentit/"
        self.connection = db.session.connection()
        self.labels = Labels()
        self.authors = Authors(self.connection, self.labels)
        self.local = LocalTimes()
        # Moderators may read every text; the export takes what participants read, and with
        # include_hidden what was hidden or deleted after everyone saw it, too.
        self.included = policy.exists_publicly if filters.include_hidden else policy.text_is_public

    def block(self, page: Page, section: Section) -> SectionBlock:
        """The section's rows, with the themes and model links of its comments as data."""
        rows, themes, links = self.cells(page, section)
        return SectionBlock(page, section, rows, themes, links, self.labels)

    def cells(
        self, page: Page, section: Section
    ) -> tuple[list[Cells], dict[int, list[str]], dict[int, list[ModelLink]]]:
        """The section's rows, and the themes and model links of its comments (as data)."""
        comments = _plain(
            self.connection,
            select(*COMMENT_COLUMNS)
            .where(Comment.section_id == section.id)
            .order_by(Comment.created_at, Comment.id),
        )
        if not comments:
            return [], {}, {}
        self.authors.read(comments)
        themes, links, notes = self._labels(section.id)
        narrowed = self.filters.narrows()
        picked = {
            comment[ID]
            for comment in comments
            if self.included(comment[VISIBILITY], comment[PUBLISHED_AT])
            and (not narrowed or self._matches(comment, themes, links))
        }
        parents = _with_picked_replies(comments, picked) if len(picked) < len(comments) else set()
        # Locals, not attributes, in the loop below: it runs once for every comment exported.
        local, authors, labels = self.local, self.authors, self.labels
        states, named = labels.states, authors.cells
        yes, no = labels.yes, labels.no
        permalink, page_title, heading = self.permalink, page.title, section.heading
        theme_text, note_text = _joined(themes, "; "), _joined(notes, " | ")
        link_text = {
            comment_id: "; ".join(link.label(labels.stance) for link in comment_links)
            for comment_id, comment_links in links.items()
        }
        rows: list[Cells] = []
        append, position = rows.append, 0
        for comment, depth, root_id in _thread_order(comments):
            (
                comment_id,
                parent_id,
                visibility,
                published_at,
                created_at,
                edited_at,
                section_version,
                quote,
                kind,
                agree_count,
                triage_status,
                by_moderator,
                moderation_reason,
                text,
                markdown,
                author_id,
            ) = comment
            if comment_id in picked:
                position += 1
                append(
                    (  # in ExportRow's order
                        comment_id,
                        f"{permalink}{comment_id}",
                        page_title,
                        heading,
                        section_version,
                        quote,
                        parent_id,
                        root_id,
                        depth,
                        position,
                        local(created_at),
                        local(edited_at) if edited_at else "",
                        *(named.get(author_id) or authors(author_id)),
                        agree_count,
                        *(
                            states.get((kind, visibility, triage_status))
                            or labels.state(kind, visibility, triage_status)
                        ),
                        moderation_reason,
                        theme_text.get(comment_id, ""),
                        link_text.get(comment_id, ""),
                        yes if by_moderator else no,
                        text,
                        markdown,
                        note_text.get(comment_id, ""),
                    )
                )
            elif comment_id in parents and policy.exists_publicly(visibility, published_at):
                # Left out, but its replies are in: a placeholder keeps their parent.
                position += 1
                append(
                    PLACEHOLDER._replace(
                        id=comment_id,
                        page=page_title,
                        section=heading,
                        section_version=section_version,
                        parent_id=parent_id,
                        root_id=root_id,
                        depth=depth,
                        position=position,
                        created_at=local(created_at),
                        kind=labels.kind.get(kind, kind),
                        kind_code=kind,
                        visibility=labels.visibility[REMOVED],
                    )
                )
        return rows, themes, links

    def _labels(
        self, section_id: int
    ) -> tuple[dict[int, list[str]], dict[int, list[ModelLink]], dict[int, list[str]]]:
        """Themes, model links and (when asked for) moderators' notes per comment id."""
        connection = self.connection
        themes = _grouped(
            _plain(
                connection,
                select(comment_themes.c.comment_id, Theme.name)
                .join(Theme, Theme.id == comment_themes.c.theme_id)
                .join(Comment, Comment.id == comment_themes.c.comment_id)
                .where(Comment.section_id == section_id)
                .order_by(Theme.name),
            )
        )
        links: dict[int, list[ModelLink]] = defaultdict(list)
        for comment_id, title, criterion, stance in _plain(
            connection,
            select(
                CommentLink.comment_id,
                Alternative.title,
                Criterion.name,
                _raw(CommentLink.stance),
            )
            .join(Alternative, Alternative.id == CommentLink.alternative_id)
            .outerjoin(Criterion, Criterion.id == CommentLink.criterion_id)
            .join(Comment, Comment.id == CommentLink.comment_id)
            .where(Comment.section_id == section_id)
            .order_by(CommentLink.id),
        ):
            links[comment_id].append(ModelLink(title, criterion, stance))
        notes: dict[int, list[str]] = {}
        if self.filters.include_notes:
            notes = _grouped(
                _plain(
                    connection,
                    select(ModeratorNote.comment_id, ModeratorNote.body)
                    .join(Comment, Comment.id == ModeratorNote.comment_id)
                    .where(Comment.section_id == section_id)
                    .order_by(ModeratorNote.created_at),
                )
            )
        return themes, links, notes

    def _matches(
        self, comment: Cells, themes: dict[int, list[str]], links: dict[int, list[ModelLink]]
    ) -> bool:
        comment_id, visibility = comment[ID], comment[VISIBILITY]
        created_at, kind, triage_status = comment[CREATED_AT], comment[KIND], comment[TRIAGE_STATUS]
        filters = self.filters
        local_day = self.local(created_at)[:10]
        if filters.since and local_day < filters.since.isoformat():
            return False
        if filters.until and local_day > filters.until.isoformat():
            return False
        if filters.visibility and visibility != filters.visibility:
            return False
        if filters.triage and triage_status != filters.triage:
            return False
        if filters.kind and kind != filters.kind:
            return False
        if filters.theme and filters.theme not in themes.get(comment_id, ()):
            return False
        return not filters.alternative or any(
            link.alternative == filters.alternative for link in links.get(comment_id, ())
        )


def section_blocks(
    workspace: Workspace,
    filters: ExportFilters,
    base_url: str,
    comments: bool = True,
    answers: bool = True,
    results: bool = False,
) -> Iterator[SectionBlock]:
    """One block per section, in reading order; each section's comments are read in a few queries,
    so memory stays the size of the largest section, not of the whole discussion.

    With `answers`, each block carries its questions and the answers the export takes (two
    queries a section, and a few for the whole export; see answers.AnswerReader); with
    `results` too, each question's results among everyone who answered, for the reports.
    Of the filters, the section, the dates (of answering), the visibility (of free-text
    answers; counted ones are always visible) and include_hidden apply to answers; the others
    describe comments alone."""
    query = (
        select(Section, Page)
        .join(Page, Page.id == Section.page_id)
        .where(Section.workspace_id == workspace.id)
        .order_by(Page.position, Section.position)
    )
    if filters.section_slug:
        query = query.where(Section.slug == filters.section_slug)
    reader = RowReader(filters, base_url)
    sections = db.session.execute(query).all()
    answer_reader = None
    if answers:
        answer_reader = AnswerReader(
            reader.connection,
            reader.labels,
            reader.authors,
            reader.local,
            filters,
            workspace.id,
            [section.id for section, _ in sections],
            with_results=results,
        )
    for section, page in sections:
        if comments:
            block = reader.block(page, section)
        else:
            block = SectionBlock(page, section, labels=reader.labels)
        if answer_reader is not None:
            block.questions = answer_reader.read(page, section)
        yield block


def model_design(workspace: Workspace) -> dict[str, object]:
    from valuma_space.modeldesign.services import alternatives, criteria, matrix, themes

    data = matrix(workspace)
    return {
        "themes": [t.name for t in themes(workspace)],
        "criteria": [{"id": c.id, "name": c.name} for c in criteria(workspace)],
        "alternatives": [
            {
                "id": a.id,
                "kind": a.kind.value,
                "title": a.title,
                "status": a.status.value,
                "description": a.description_markdown,
            }
            for a in alternatives(workspace)
        ],
        "assessments": [
            {
                "alternative_id": alternative_id,
                "criterion_id": criterion_id,
                "supports": cell.supports,
                "opposes": cell.opposes,
                "score": cell.assessment.score if cell.assessment else None,
                "reason": cell.assessment.reason if cell.assessment else "",
            }
            for (alternative_id, criterion_id), cell in sorted(data.cells.items())
        ],
    }
