"""Notifications listen to what happens elsewhere: the domains below them never call them."""

from __future__ import annotations

from typing import Any

from flask_babel import ngettext

from valuma_space.auth.login import load_with_user
from valuma_space.comments.services import register_text_check
from valuma_space.comments.signals import comment_moderated, comment_written
from valuma_space.modeldesign.signals import comment_linked
from valuma_space.notifications import services
from valuma_space.notifications.mentions import MENTION_START, unmatched_mentions


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


@register_text_check
def _mentions_naming_nobody(text: str, earlier_text: str, writer: Any) -> list[str]:
    """A mention that names no participant tells nobody: the writer hears of it before sending,
    once per mention (an edit is not asked again about what the comment already said)."""
    said_before = {match.group(0) for match in MENTION_START.finditer(earlier_text)}
    unmatched = [m for m in unmatched_mentions(text, writer.id) if m not in said_before]
    if not unmatched:
        return []
    return [
        ngettext(
            "%(names)s ei vastaa kenenkään keskusteluun osallistuneen nimeä, joten maininta ei "
            "ehkä tavoita ketään. Korjaa nimi tai lähetä silti.",
            "%(names)s eivät vastaa kenenkään keskusteluun osallistuneen nimeä, joten maininnat "
            "eivät ehkä tavoita ketään. Korjaa nimet tai lähetä silti.",
            len(unmatched),
            names=", ".join(unmatched),
        )
    ]
