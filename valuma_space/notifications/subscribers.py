"""Notifications listen to what happens elsewhere: the domains below them never call them."""

from __future__ import annotations

from typing import Any

from valuma_space.auth.login import load_with_user
from valuma_space.comments.signals import comment_moderated, comment_written
from valuma_space.modeldesign.signals import comment_linked
from valuma_space.notifications import services


@comment_written.connect
def _written(comment: Any, **_details: Any) -> None:
    services.comment_published(comment)


@comment_moderated.connect
def _moderated(
    comment: Any, moderator: Any, outcome: Any, decision_id: int, reason: str = "", **_: Any
) -> None:
    services.comment_moderated(comment, moderator, outcome, decision_id, reason)


@comment_linked.connect
def _linked(comment: Any, moderator: Any, used_in: str, link_id: int, **_details: Any) -> None:
    services.input_linked(comment, moderator, used_in, link_id)


# The header shows the unread count on every page: fetched with the user, it costs nothing.
load_with_user("unread_notifications", services.unread_count_of)
