"""Log entries as people read them: who acted by the name they are shown by, and what changed
in words of the reader's language ("Uusi → Luettu", "Ennakkomoderointi: päällä"), never the
stored codes."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from valuma_space.auth.models import ROLE_LABELS
from valuma_space.auth.names import public_name
from valuma_space.comments.models import TRIAGE_LABELS, VISIBILITY_LABELS
from valuma_space.moderation.models import LogAction, ModerationLogEntry

SWITCH_LABELS = {"true": _l("päällä"), "false": _l("pois päältä")}

_VALUE_LABELS: dict[LogAction, Mapping[str, object]] = {
    LogAction.VISIBILITY: VISIBILITY_LABELS,
    LogAction.TRIAGE: TRIAGE_LABELS,
    LogAction.ROLE: ROLE_LABELS,
    LogAction.PRE_MODERATION: SWITCH_LABELS,
}


def register_log_values(action: LogAction, labels: Mapping[str, object]) -> None:
    """For a domain above this one that logs its own values (exports log their format)."""
    _VALUE_LABELS[action] = labels


def _word(action: LogAction, value: str) -> str:
    return str(_VALUE_LABELS.get(action, {}).get(value, value))


def change_text(entry: ModerationLogEntry) -> str:
    """What changed: "Uusi → Luettu", a single value where there was nothing before
    ("Raportti (Word)"), or nothing for an action that is its own description."""
    before, after = entry.from_value, entry.to_value
    if not before and not after:
        return ""
    if not before:
        return _word(entry.action, after)
    return _(
        "%(before)s → %(after)s",
        before=_word(entry.action, before),
        after=_word(entry.action, after),
    )


def actor_name(entry: ModerationLogEntry) -> str:
    """The moderator as others see them; the stored address only once their account is gone."""
    if entry.actor is not None:
        return public_name(entry.actor)
    return entry.actor_email
