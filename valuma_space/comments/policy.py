"""Who may know of a comment, read its text and act on it: decided here and nowhere else.

Three questions, asked of a comment and a viewer (a signed-in user, or None for a visitor):

- **may know** that it exists: it stands in a thread, a permalink leads to it, a count
  includes it. Everyone who may read its section knows of a published comment, even one
  hidden or deleted since (a notice stands in its place); a comment waiting for approval, or
  rejected before anyone else saw it, is known only to its author and moderators.
- **may read** its text: everyone who knows of it while it is visible; its author while it
  waits for approval; moderators and admins always. Nobody else reads what a moderator hid or
  rejected, or what an author deleted — the author included: their own data download
  (auth/services.my_data) is the one place where they get back what they wrote.
- **may act** on it: reply, agree and report only on a visible comment (and agree and report
  only on somebody else's); edit one's own while it is visible or waiting; delete one's own
  until it is deleted; moderate, as a moderator.

Each answer comes twice: as a Python function for one comment a page shows, and as an SQL
expression for the lists, so that a list filters with exactly the rule a single page checks.
Whether the workspace takes comments at the moment (its period, closing by hand) is the
workspace's rule, checked by the comment services on top of these.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, false, or_, select, true

from valuma_space.auth.models import User
from valuma_space.comments.models import Comment, Visibility
from valuma_space.extensions import db
from valuma_space.materials.models import Page, Section
from valuma_space.materials.services import section_readable
from valuma_space.workspaces.models import ReadingAccess, Workspace

SHOWS_TEXT = frozenset({Visibility.VISIBLE, Visibility.PENDING})
"""States whose text stands in a thread; the others show a notice in its place."""


class Action(StrEnum):
    REPLY = "reply"
    AGREE = "agree"
    REPORT = "report"
    EDIT = "edit"
    DELETE = "delete"
    MODERATE = "moderate"


class CommentState(NamedTuple):
    """What the rules look at, so that a cached thread can ask them without the comment row."""

    visibility: Visibility
    published: bool
    """Everyone could see it at some point: published_at is set."""
    author_id: int | None


def state_of(comment: Comment) -> CommentState:
    return CommentState(comment.visibility, comment.published_at is not None, comment.author_id)


def _signed_in(viewer: Any) -> User | None:
    """The viewer as a user, or None for a visitor (Flask-Login's anonymous user included)."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return None
    return viewer  # type: ignore[no-any-return]


def _is_staff(user: User | None) -> bool:
    return user is not None and user.is_moderator


# --- the states, on their own ------------------------------------------------------------------


Published = datetime | str | bool | None
"""When everyone could first see the comment, or whether they could: a datetime, the driver's
raw text of one (exports read rows as plain tuples), a flag, or None for never."""


def exists_publicly(visibility: Visibility | str, published: Published) -> bool:
    """Published once and not waiting: everyone who reads its section knows of it."""
    return visibility != Visibility.PENDING and bool(published)


def text_is_public(visibility: Visibility | str, published: Published) -> bool:
    """Everyone who reads its section reads its text."""
    return visibility == Visibility.VISIBLE and bool(published)


def shows_text(comment: Comment) -> bool:
    """Its text stands in the thread for whoever is shown the comment there; moderators read
    removed texts on the moderation page, never in the discussion."""
    return comment.visibility in SHOWS_TEXT


def is_rejected(comment: Comment) -> bool:
    """Hidden before anyone else saw it."""
    return comment.visibility == Visibility.HIDDEN and comment.published_at is None


def removed_label(comment: Comment) -> str:
    """What stands in the place of the author's name when the text is withheld."""
    if comment.visibility == Visibility.DELETED:
        return str(_l("Poistettu kommentti"))
    if is_rejected(comment):
        return str(_l("Hylätty kommentti"))
    return str(_l("Piilotettu kommentti"))


def removed_notice(comment: Comment) -> str:
    """What stands in the place of a text the viewer may not read."""
    reason = comment.moderation_reason
    if comment.visibility == Visibility.DELETED:
        return str(_l("Kirjoittaja poisti tämän kommentin."))
    if is_rejected(comment):
        if reason:
            return str(_l("Moderaattori hylkäsi kommentin: %(reason)s", reason=reason))
        return str(_l("Moderaattori hylkäsi kommentin."))
    if comment.visibility == Visibility.HIDDEN:
        if reason:
            return str(_l("Moderaattori piilotti kommentin: %(reason)s", reason=reason))
        return str(_l("Moderaattori piilotti tämän kommentin."))
    return str(_l("Kommentti odottaa moderaattorin hyväksyntää."))


# --- one comment, one viewer -------------------------------------------------------------------


def workspace_readable(workspace: Workspace | None, viewer: Any) -> bool:
    if workspace is None or workspace.reading_access == ReadingAccess.PUBLIC:
        return True
    return _signed_in(viewer) is not None


def known_from(state: CommentState, viewer: Any) -> bool:
    """`may_know` for a comment in a section the viewer may read."""
    user = _signed_in(viewer)
    if exists_publicly(state.visibility, state.published) or _is_staff(user):
        return True
    return user is not None and state.author_id == user.id


def may_know(comment: Comment, viewer: Any) -> bool:
    """Whether the viewer may know that the comment exists (its text may still be withheld)."""
    section = comment.section
    return (
        workspace_readable(db.session.get(Workspace, section.workspace_id), viewer)
        and section_readable(section, viewer)
        and known_from(state_of(comment), viewer)
    )


def may_read(comment: Comment, viewer: Any) -> bool:
    """Whether the viewer may read the comment's text."""
    return may_know(comment, viewer) and (shows_text(comment) or _is_staff(_signed_in(viewer)))


def allowed_from(state: CommentState, viewer: Any) -> frozenset[Action]:
    """`actions` for a comment the viewer knows of."""
    user = _signed_in(viewer)
    if user is None:
        return frozenset()
    allowed: set[Action] = set()
    own = state.author_id == user.id
    if text_is_public(state.visibility, state.published):
        allowed.add(Action.REPLY)
        if not own:
            allowed |= {Action.AGREE, Action.REPORT}
    if own and state.visibility in SHOWS_TEXT:
        allowed.add(Action.EDIT)
    if own and state.visibility != Visibility.DELETED:
        allowed.add(Action.DELETE)
    if _is_staff(user):
        allowed.add(Action.MODERATE)
    return frozenset(allowed)


def actions(comment: Comment, viewer: Any) -> frozenset[Action]:
    """What the viewer may do with the comment."""
    if not may_know(comment, viewer):
        return frozenset()
    return allowed_from(state_of(comment), viewer)


def allows(comment: Comment, viewer: Any, action: Action) -> bool:
    return action in actions(comment, viewer)


# --- the same rules for lists ------------------------------------------------------------------


def exists_publicly_sql() -> ColumnElement[bool]:
    return (Comment.visibility != Visibility.PENDING) & Comment.published_at.is_not(None)


def text_is_public_sql(visibility: Any = None, published_at: Any = None) -> ColumnElement[bool]:
    """`text_is_public` in SQL, on the comments' columns or on another text's that follows the
    same rule (a free-text answer to a question: polls/results.py)."""
    visibility = Comment.visibility if visibility is None else visibility
    published_at = Comment.published_at if published_at is None else published_at
    return (visibility == Visibility.VISIBLE) & published_at.is_not(None)


def took_part_sql() -> ColumnElement[bool]:
    """A comment that makes its author one of a thread's participants: published, and not
    withdrawn by them (a hidden one still does)."""
    return exists_publicly_sql() & (Comment.visibility != Visibility.DELETED)


def section_public_sql() -> ColumnElement[bool]:
    """The comment's section (and its page) are published."""
    return Comment.section_id.in_(
        select(Section.id)
        .join(Page, Page.id == Section.page_id)
        .where(Section.is_published.is_(True), Page.is_published.is_(True))
    )


def _workspace_public_sql() -> ColumnElement[bool]:
    return Comment.section_id.in_(
        select(Section.id)
        .join(Workspace, Workspace.id == Section.workspace_id)
        .where(Workspace.reading_access == ReadingAccess.PUBLIC)
    )


def known_to_readers() -> ColumnElement[bool]:
    """What everyone who may read the comment's section knows of: the part of a thread that
    is the same for all its readers."""
    return and_(section_public_sql(), exists_publicly_sql())


def known_to(viewer: Any) -> ColumnElement[bool]:
    """`may_know` as a condition on Comment."""
    user = _signed_in(viewer)
    if _is_staff(user):
        return true()
    if user is None:
        return and_(_workspace_public_sql(), known_to_readers())
    return and_(section_public_sql(), or_(exists_publicly_sql(), Comment.author_id == user.id))


def readable_by(viewer: Any) -> ColumnElement[bool]:
    """`may_read` as a condition on Comment."""
    user = _signed_in(viewer)
    if _is_staff(user):
        return true()
    own_waiting = (
        (Comment.author_id == user.id) & (Comment.visibility == Visibility.PENDING)
        if user is not None
        else false()
    )
    return and_(known_to(user), or_(text_is_public_sql(), own_waiting))


def readable_by_participants() -> ColumnElement[bool]:
    """What every signed-in participant reads: a visible comment in a published section. For
    what is told to many people at once (digests, counts, notifications of others' comments)."""
    return and_(section_public_sql(), text_is_public_sql())


def own_known_sql(author_id: ColumnElement[int] | int) -> ColumnElement[bool]:
    """The person's own comments in published sections, which they always know of; `author_id`
    may be a column, so that the condition can ride along a query of many people."""
    return and_(section_public_sql(), Comment.author_id == author_id)
