"""What happens to comments, for the domains above to react to: notifications tell people, and
the thread cache's version follows every change that a thread shows (the subscriber below), so
that no writer bumps it by hand.

Each signal's sender is the comment. Senders send after flushing, inside the caller's
transaction; subscribers only write in that same transaction.
"""

from __future__ import annotations

from typing import Any

from blinker import Namespace

from valuma_space.auth.signals import account_deleting, name_changed

_signals = Namespace()

comment_written = _signals.signal("comment-written")
"""A comment was added or its text edited; `created` tells which."""
comment_deleted = _signals.signal("comment-deleted")
"""Its author deleted it."""
comment_agreed = _signals.signal("comment-agreed")
"""Someone marked or unmarked "Samaa mieltä"."""
comment_moderated = _signals.signal("comment-moderated")
"""A moderator approved, rejected, hid or restored it: `moderator`, `outcome`, `reason`, and
`decision_id`, which names this decision among the comment's others (its log entry)."""


def _comment_changed(comment: Any, **_details: Any) -> None:
    from valuma_space.comments.services import bump_discussion

    bump_discussion(comment.section_id)


def _person_changed(user: Any, **_details: Any) -> None:
    from valuma_space.comments.services import bump_discussions_of

    bump_discussions_of(user)


def _account_deleting(user: Any, delete_comments: bool = False, **_details: Any) -> None:
    from valuma_space.comments.services import forget_author

    forget_author(user, delete_comments)


for _signal in (comment_written, comment_deleted, comment_agreed, comment_moderated):
    _signal.connect(_comment_changed)
name_changed.connect(_person_changed)
account_deleting.connect(_account_deleting)
