"""Writing and reading the discussion. Every function takes the acting user as an argument."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, delete, func, or_, select, update
from sqlalchemy.orm import joinedload

from valuma_space.auth.models import NameDisplay, User
from valuma_space.auth.services import register_data_part
from valuma_space.comments import policy, signals
from valuma_space.comments.models import (
    Agreement,
    Comment,
    CommentDraft,
    CommentKind,
    CommentRevision,
    Visibility,
)
from valuma_space.comments.policy import Action
from valuma_space.db import insert_unless_present, utcnow
from valuma_space.extensions import db
from valuma_space.materials.markdown import render_comment_markdown
from valuma_space.materials.models import Section
from valuma_space.materials.plaintext import plain_text
from valuma_space.materials.services import WhatsNew, recently_changed
from valuma_space.refusals import Refused
from valuma_space.shared import DISCUSSION_ONLY
from valuma_space.workspaces.models import Workspace

MAX_BODY_LENGTH = 5000
MAX_QUOTE_LENGTH = 1000
DRAFT_LIFETIME = timedelta(days=2)


class CommentingClosed(Refused):
    status = 403

    def __init__(self) -> None:
        super().__init__(_l("Kommentointi on suljettu. Voit yhä lukea aineistoa ja keskustelua."))


class NotYours(Refused):
    status = 403

    def __init__(self) -> None:
        super().__init__(_l("Voit muokata ja poistaa vain omia kommenttejasi."))


class CannotReply(Refused):
    def __init__(self) -> None:
        super().__init__(
            _l("Tähän kommenttiin ei voi vastata: se on poistettu, piilotettu tai eri osiosta.")
        )


class CannotAgree(Refused):
    def __init__(self) -> None:
        super().__init__(
            _l("Voit merkitä samaa mieltä vain muiden näkyvissä oleviin kommentteihin.")
        )


def _workspace_of(section: Section) -> Workspace:
    return db.session.get(Workspace, section.workspace_id)  # type: ignore[return-value]


class SectionWithdrawn(Refused):
    def __init__(self) -> None:
        super().__init__(
            _l("Tämä osio on vedetty pois keskustelusta, eikä siihen voi enää kommentoida.")
        )


def _ensure_open(section: Section) -> None:
    if section.withdrawn_at is not None:
        raise SectionWithdrawn
    if not _workspace_of(section).accepts_comments():
        raise CommentingClosed


def bump_discussion(*section_ids: int) -> None:
    """Mark sections' discussions changed, so that cached renderings are not used again."""
    ids = [section_id for section_id in section_ids if section_id is not None]
    if ids:
        _bump(Section.id.in_(ids))


def bump_discussions_of(user: User) -> None:
    """A change to how a person is named shows in every discussion they took part in."""
    written = select(Comment.section_id).where(Comment.author_id == user.id)
    agreed = (
        select(Comment.section_id)
        .join(Agreement, Agreement.comment_id == Comment.id)
        .where(Agreement.user_id == user.id)
    )
    _bump(or_(Section.id.in_(written), Section.id.in_(agreed)))


BUMPED = "valuma_bumped_discussions"
"""session.info: {section id: its new discussion version}, made known to the other servers
once the transaction commits (comments/live.py)."""


def _bump(where: ColumnElement[bool]) -> None:
    rows = db.session.execute(
        update(Section)
        .where(where)
        .values(discussion_version=Section.discussion_version + 1)
        # The new versions, read in the same statement: what the live status publishes after
        # the commit, without asking again.
        .returning(Section.id, Section.discussion_version)
        .execution_options(synchronize_session=False, **{DISCUSSION_ONLY: True})
    )
    bumped = db.session.info.setdefault(BUMPED, {})
    for section_id, version in rows:
        bumped[section_id] = max(version, bumped.get(section_id, 0))


def add_comment(
    section: Section,
    author: User,
    body: str,
    kind: CommentKind = CommentKind.COMMENT,
    quote: str = "",
    parent: Comment | None = None,
    idempotency_key: str | None = None,
) -> tuple[Comment, bool]:
    """Add a comment or a reply. Returns it and whether it is new: a repeated send of one form
    (the same idempotency key) returns the comment the first send created."""
    # A key no form of ours would send (too long for its column) is as good as none.
    key = idempotency_key if idempotency_key and len(idempotency_key) <= 64 else None
    key = key or secrets.token_hex(16)
    existing = db.session.scalars(select(Comment).where(Comment.idempotency_key == key)).first()
    if existing is not None and existing.author_id == author.id:
        return existing, False
    if existing is not None:
        key = secrets.token_hex(16)  # somebody else's key: never let it reveal or block theirs
    _ensure_open(section)
    workspace = _workspace_of(section)
    if parent is not None and (
        parent.section_id != section.id or not policy.allows(parent, author, Action.REPLY)
    ):
        raise CannotReply
    waits = workspace.pre_moderation and not author.is_moderator
    values = {
        "section_id": section.id,
        "section_version": section.version,
        "parent_id": parent.id if parent is not None else None,
        "author_id": author.id,
        "kind": kind,
        "body_markdown": body,
        "body_html": render_comment_markdown(body),
        "body_text": plain_text(body),
        "quote": quote.strip(),
        "visibility": Visibility.PENDING if waits else Visibility.VISIBLE,
        "published_at": None if waits else utcnow(),
        "by_moderator": author.is_moderator,
        "idempotency_key": key,
    }
    # The same form sent twice at once: whichever request inserts first creates the comment,
    # and the other returns it.
    created = insert_unless_present(db.session, Comment, values)
    comment = db.session.scalars(select(Comment).where(Comment.idempotency_key == key)).one()
    if not created:
        return comment, False
    signals.comment_written.send(comment, created=True)
    return comment, True


def edit_comment(
    comment: Comment, actor: User, body: str, kind: CommentKind, quote: str
) -> Comment:
    if comment.author_id != actor.id:
        raise NotYours
    if not policy.allows(comment, actor, Action.EDIT):
        raise Refused(_l("Poistettua tai piilotettua kommenttia ei voi muokata."))
    _ensure_open(comment.section)
    if (body, kind, quote.strip()) == (comment.body_markdown, comment.kind, comment.quote):
        return comment
    db.session.add(
        CommentRevision(
            comment_id=comment.id,
            kind=comment.kind,
            body_markdown=comment.body_markdown,
            quote=comment.quote,
            written_at=comment.edited_at or comment.created_at,
        )
    )
    comment.body_markdown = body
    comment.body_html = render_comment_markdown(body)
    comment.body_text = plain_text(body)
    comment.kind = kind
    comment.quote = quote.strip()
    comment.edited_at = utcnow()
    if _workspace_of(comment.section).pre_moderation and not actor.is_moderator:
        comment.visibility = Visibility.PENDING  # an approved text changed: approve it again
    db.session.flush()
    signals.comment_written.send(comment, created=False)  # tells whoever an edit newly mentions
    return comment


def delete_comment(comment: Comment, actor: User) -> None:
    """The author removes their comment; its replies stay and a notice takes its place."""
    if comment.author_id != actor.id:
        raise NotYours
    if comment.visibility == Visibility.DELETED:
        return
    comment.visibility = Visibility.DELETED
    db.session.flush()
    signals.comment_deleted.send(comment)


def set_agreement(comment: Comment, user: User, agree: bool) -> None:
    """Mark or unmark "Samaa mieltä". Asking twice for the same state changes nothing."""
    if not policy.allows(comment, user, Action.AGREE):
        raise CannotAgree
    _ensure_open(comment.section)
    exists = db.session.get(Agreement, (comment.id, user.id)) is not None
    if agree and not exists:
        # The same click twice at once: the other request's row is as good as ours.
        if not insert_unless_present(
            db.session, Agreement, {"comment_id": comment.id, "user_id": user.id}
        ):
            return
    elif not agree and exists:
        db.session.execute(
            delete(Agreement).where(
                Agreement.comment_id == comment.id, Agreement.user_id == user.id
            )
        )
    else:
        return
    # Recount rather than increment, so that the counter can never drift from the rows.
    comment.agree_count = (
        db.session.scalar(
            select(func.count()).select_from(Agreement).where(Agreement.comment_id == comment.id)
        )
        or 0
    )
    db.session.flush()
    signals.comment_agreed.send(comment)


# --- reading ----------------------------------------------------------------------------------


def get_comment(comment_id: int, workspace: Workspace) -> Comment | None:
    return db.session.scalars(
        select(Comment)
        .join(Section, Section.id == Comment.section_id)
        .where(Comment.id == comment_id, Section.workspace_id == workspace.id)
        .options(joinedload(Comment.section).joinedload(Section.page), joinedload(Comment.author))
    ).first()


def comment_counts(workspace: Workspace) -> dict[int, int]:
    """Comments anyone may read, per section: for tables of contents and the home page."""
    rows = db.session.execute(
        select(Comment.section_id, func.count(Comment.id))
        .join(Section, Section.id == Comment.section_id)
        .where(Section.workspace_id == workspace.id, policy.text_is_public_sql())
        .group_by(Comment.section_id)
    )
    return dict(rows.all())  # type: ignore[arg-type]


def comment_counts_for(section: Section) -> int:
    return public_comment_count(section.id)


def public_comment_count(section_id: int) -> int:
    """Comments of the section whose text everyone reads."""
    return (
        db.session.scalar(
            select(func.count(Comment.id)).where(
                Comment.section_id == section_id, policy.text_is_public_sql()
            )
        )
        or 0
    )


@dataclass(frozen=True, slots=True)
class ThreadAuthor:
    """What a thread shows of a comment's author (see auth/names.public_name)."""

    id: int
    name_display: NameDisplay
    pseudonym: str
    display_name: str
    organisation: str


@dataclass(frozen=True, slots=True)
class ThreadComment:
    """A comment as its thread shows it, read as a plain row: a thread may hold thousands, and
    building an ORM object for each was most of the cost of rendering one. Two equal values
    render the same HTML (comments/rendering.py keeps each rendering by its value)."""

    id: int
    section_id: int
    parent_id: int | None
    author_id: int | None
    kind: CommentKind
    body_html: str
    quote: str
    section_version: int
    visibility: Visibility
    agree_count: int
    moderation_reason: str
    published_at: datetime | None
    by_moderator: bool
    created_at: datetime
    edited_at: datetime | None
    author: ThreadAuthor | None


_THREAD_COLUMNS = (
    Comment.id,
    Comment.section_id,
    Comment.parent_id,
    Comment.author_id,
    Comment.kind,
    Comment.body_html,
    Comment.quote,
    Comment.section_version,
    Comment.visibility,
    Comment.agree_count,
    Comment.moderation_reason,
    Comment.published_at,
    Comment.by_moderator,
    Comment.created_at,
    Comment.edited_at,
)
_AUTHOR_COLUMNS = (
    User.id,
    User.name_display,
    User.pseudonym,
    User.display_name,
    User.organisation,
)


def _thread_comments(*conditions: ColumnElement[bool]) -> list[ThreadComment]:
    width = len(_THREAD_COLUMNS)
    authors: dict[int, ThreadAuthor] = {}
    comments = []
    for row in db.session.execute(
        select(*_THREAD_COLUMNS, *_AUTHOR_COLUMNS)
        .outerjoin(User, User.id == Comment.author_id)
        .where(*conditions)
        .order_by(Comment.created_at, Comment.id)
    ):
        author = None
        if row[width] is not None:
            author = authors.get(row[width])
            if author is None:
                author = authors[row[width]] = ThreadAuthor(*row[width:])
        comments.append(ThreadComment(*row[:width], author))
    return comments


def discussion_comments(section: Section, viewer: User | None = None) -> list[ThreadComment]:
    """The section's comments the viewer may see, with their authors, in one query, oldest
    first: the public ones, plus a moderator's view of all, or an author's own waiting and
    rejected ones."""
    # No viewer: the view every reader of the section shares (the route checked who reads it).
    known = policy.known_to_readers() if viewer is None else policy.known_to(viewer)
    return _thread_comments(Comment.section_id == section.id, known)


def discussion_comments_of(
    sections: Iterable[Section], viewer: User | None = None
) -> dict[int, list[ThreadComment]]:
    """`discussion_comments` of several sections in one query, by section id."""
    ids = [section.id for section in sections]
    if not ids:
        return {}
    known = policy.known_to_readers() if viewer is None else policy.known_to(viewer)
    result: dict[int, list[ThreadComment]] = {section_id: [] for section_id in ids}
    for comment in _thread_comments(Comment.section_id.in_(ids), known):
        result[comment.section_id].append(comment)
    return result


def thread_position(comment: Comment, viewer: User | None) -> int | None:
    """Where the thread that holds `comment` stands among the threads of its section's
    discussion as the viewer knows it, oldest first (0 for the first); None if not there."""
    rows = db.session.execute(
        select(Comment.id, Comment.parent_id)
        .where(Comment.section_id == comment.section_id, policy.known_to(viewer))
        .order_by(Comment.created_at, Comment.id)
    ).all()
    parents = dict(rows)
    roots = [comment_id for comment_id, parent_id in rows if parent_id not in parents]
    current: int | None = comment.id
    seen: set[int] = set()
    while current in parents and parents[current] in parents and current not in seen:
        seen.add(current)
        current = parents[current]
    try:
        return roots.index(current)  # type: ignore[arg-type]
    except ValueError:
        return None


def agreeing_users(comment_ids: Iterable[int]) -> dict[int, list[User]]:
    """Who agreed with each comment, in one query."""
    ids = list(comment_ids)
    result: dict[int, list[User]] = {}
    if not ids:
        return result
    rows = db.session.execute(
        select(Agreement.comment_id, User)
        .join(User, User.id == Agreement.user_id)
        .where(Agreement.comment_id.in_(ids))
        .order_by(Agreement.created_at)
    )
    for comment_id, user in rows:
        result.setdefault(comment_id, []).append(user)
    return result


@dataclass(frozen=True)
class ViewerState:
    agreed: frozenset[int]
    has_private: bool
    """The viewer wrote comments here that only they (and moderators) can see."""
    usage: dict[int, list[str]] = field(default_factory=dict)
    """How the viewer's own comments here were used in the model design."""


def viewer_state(section: Section, viewer: User | None) -> ViewerState:
    return viewer_states([section], viewer)[section.id]


def viewer_states(sections: Iterable[Section], viewer: User | None) -> dict[int, ViewerState]:
    """What a viewer's actions need in each section's thread, in a fixed number of queries."""
    ids = [section.id for section in sections]
    if viewer is None or not viewer.is_authenticated or not ids:
        return {section_id: ViewerState(frozenset(), has_private=False) for section_id in ids}
    agreed: dict[int, set[int]] = {section_id: set() for section_id in ids}
    for section_id, comment_id in db.session.execute(
        select(Comment.section_id, Agreement.comment_id)
        .join(Comment, Comment.id == Agreement.comment_id)
        .where(Comment.section_id.in_(ids), Agreement.user_id == viewer.id)
    ):
        agreed[section_id].add(comment_id)
    private = set(
        db.session.scalars(
            select(Comment.section_id)
            .where(
                Comment.section_id.in_(ids),
                Comment.author_id == viewer.id,
                ~policy.exists_publicly_sql(),
            )
            .distinct()
        )
    )
    usage: dict[int, list[str]] = {}
    for notes in OWN_COMMENT_NOTES:
        for comment_id, lines in notes(ids, viewer.id).items():
            usage.setdefault(comment_id, []).extend(lines)
    # Comment ids are unique across sections: each section's state may hold all the notes.
    return {
        section_id: ViewerState(
            frozenset(agreed[section_id]), has_private=section_id in private, usage=usage
        )
        for section_id in ids
    }


OwnCommentNotes = Callable[[list[int], int], dict[int, list[str]]]
OWN_COMMENT_NOTES: list[OwnCommentNotes] = []
"""What the domains above tell an author about their own comments in some sections (the model
design: how each was used), as `notes(section_ids, author_id) -> {comment_id: [line, ...]}`."""


def register_own_comment_notes(notes: OwnCommentNotes) -> OwnCommentNotes:
    OWN_COMMENT_NOTES.append(notes)
    return notes


TEXT_CHECKS: list[Callable[[str, str, User], list[str]]] = []
"""What the domains above would point out to a writer before their text is saved, as
`check(text, earlier_text, writer) -> [warning, ...]` (notifications: an @mention that names
nobody). A warning is a question, not a refusal: the writer may fix the text or send it anyway."""


def register_text_check(
    check: Callable[[str, str, User], list[str]],
) -> Callable[[str, str, User], list[str]]:
    TEXT_CHECKS.append(check)
    return check


def text_warnings(text: str, writer: User, earlier_text: str = "") -> list[str]:
    """What the writer should know of `text` before it is saved (an edit names `earlier_text`,
    so that what the comment said before is not asked about again)."""
    return [warning for check in TEXT_CHECKS for warning in check(text, earlier_text, writer)]


def comments_of(user: User) -> list[Comment]:
    return list(
        db.session.scalars(
            select(Comment)
            .where(Comment.author_id == user.id)
            .options(joinedload(Comment.section))
            .order_by(Comment.created_at)
        )
    )


def comment_data_of(user: User) -> list[dict[str, object]]:
    """The person's comments, whatever became of them, for their own data download."""
    return [
        {
            "id": comment.id,
            "section": comment.section.heading,
            "section_address": f"/osio/{comment.section.slug}",
            "reply_to": comment.parent_id,
            "kind": comment.kind.value,
            "text": comment.body_markdown,
            "quote": comment.quote,
            "visibility": comment.visibility.value,
            "agreements": comment.agree_count,
            "created_at": comment.created_at.isoformat(),
            "edited_at": comment.edited_at.isoformat() if comment.edited_at else None,
        }
        for comment in comments_of(user)
    ]


register_data_part("comments", comment_data_of)


def forget_author(user: User, delete_comments: bool) -> None:
    """Before an account goes: its comments go too if asked; the database then removes the
    person's agreements and turns their comments into "removed user", and the counters and the
    threads' versions follow."""
    if delete_comments:
        delete_all_comments_of(user)
    agreed = select(Agreement.comment_id).where(Agreement.user_id == user.id)
    db.session.execute(
        update(Comment)
        .where(Comment.id.in_(agreed))
        .values(agree_count=Comment.agree_count - 1)
        .execution_options(synchronize_session=False)
    )
    bump_discussions_of(user)


def delete_all_comments_of(user: User) -> None:
    """For an account deleted with its comments: each shows as removed, replies stay. The
    threads' versions follow in forget_author, which calls this."""
    db.session.execute(
        update(Comment)
        .where(Comment.author_id == user.id)
        .values(
            visibility=Visibility.DELETED, body_markdown="", body_html="", body_text="", quote=""
        )
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        delete(CommentRevision).where(
            CommentRevision.comment_id.in_(select(Comment.id).where(Comment.author_id == user.id))
        )
    )


# --- drafts that outlive a session ------------------------------------------------------------


def stash_draft(
    section: Section,
    body: str,
    kind: str,
    quote: str,
    idempotency_key: str,
    parent_id: int | None = None,
    comment_id: int | None = None,
) -> CommentDraft:
    draft = CommentDraft(
        id=secrets.token_urlsafe(24),
        section_id=section.id,
        parent_id=parent_id,
        comment_id=comment_id,
        kind=kind if kind in {k.value for k in CommentKind} else CommentKind.COMMENT.value,
        body_markdown=body[: MAX_BODY_LENGTH * 2],
        quote=quote[: MAX_QUOTE_LENGTH * 2],
        idempotency_key=idempotency_key[:64],
    )
    db.session.add(draft)
    db.session.execute(
        delete(CommentDraft).where(CommentDraft.created_at < utcnow() - DRAFT_LIFETIME)
    )
    db.session.flush()
    return draft


def find_draft(draft_id: str | None, section: Section) -> CommentDraft | None:
    if not draft_id:
        return None
    draft = db.session.get(CommentDraft, draft_id)
    if draft is None or draft.section_id != section.id:
        return None
    return draft


def discard_draft(draft_id: str | None) -> None:
    if draft_id:
        db.session.execute(delete(CommentDraft).where(CommentDraft.id == draft_id))


def new_since(workspace: Workspace, since: datetime) -> WhatsNew:
    """What changed in the materials and the discussion since the person's previous visit."""
    counts = dict(
        db.session.execute(
            select(Comment.section_id, func.count(Comment.id))
            .join(Section, Section.id == Comment.section_id)
            .where(
                Section.workspace_id == workspace.id,
                policy.readable_by_participants(),
                Comment.published_at > since,
            )
            .group_by(Comment.section_id)
        ).all()
    )
    return WhatsNew(since, recently_changed(workspace, since, limit=20), counts)  # type: ignore[arg-type]
