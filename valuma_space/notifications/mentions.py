"""@mentions: finding the people a comment names, and the names offered while typing one.

A mention is "@" followed by a person's name exactly as they chose to show it (auth/names.py),
so that a mention typed by hand works as well as one picked from the suggestions, and so that
nobody can be found by a name they chose not to show.
"""

from __future__ import annotations

import re

from sqlalchemy import or_, select

from valuma_space.auth.models import NameDisplay, User
from valuma_space.auth.names import UNNAMED, public_name
from valuma_space.comments import policy
from valuma_space.comments.models import Comment
from valuma_space.extensions import db

MENTION_START = re.compile(r"(?<![\w@])@(\w+)")
MAX_MENTIONS = 20
SUGGESTION_LIMIT = 8


def _like_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _ends_a_word(text: str, position: int) -> bool:
    return position >= len(text) or not (text[position].isalnum() or text[position] == "_")


def mentioned_users(text: str, author_id: int | None) -> list[User]:
    """The people the text mentions, the author left out."""
    starts = [(match.start(), match.group(1)) for match in MENTION_START.finditer(text)]
    if not starts:
        return []
    words = {word for _start, word in starts[:MAX_MENTIONS]}
    # SQLite folds only ASCII case, so ask for the spellings a writer is likely to use.
    spellings = {variant for word in words for variant in (word, word.lower(), word.capitalize())}
    candidates = db.session.scalars(
        select(User).where(or_(*(_shown_name_like(f"{_like_escaped(s)}%") for s in spellings)))
    )
    found: dict[int, User] = {}
    for user in candidates:
        name = public_name(user)
        if user.id == author_id or name == str(UNNAMED):
            continue
        folded = name.casefold()
        for start, _word in starts:
            end = start + 1 + len(name)
            if text[start + 1 : end].casefold() == folded and _ends_a_word(text, end):
                found[user.id] = user
                break
    return list(found.values())


def unmatched_mentions(text: str, writer_id: int | None) -> list[str]:
    """Each "@word" of the text (as written, once) that does not start a participant's name
    written out in full, as they show it: the people the suggestions offer (the writer left
    out), and no one else, so that asking reveals no more than the suggestions do."""
    starts = [(match.start(), match.group(1)) for match in MENTION_START.finditer(text)]
    starts = starts[:MAX_MENTIONS]
    if not starts:
        return []
    spellings = {
        variant for _start, word in starts for variant in (word, word.lower(), word.capitalize())
    }
    candidates = db.session.scalars(
        select(User).where(
            User.id != (writer_id or 0),
            _took_part(),
            or_(*(_shown_name_like(f"{_like_escaped(s)}%") for s in spellings)),
        )
    )
    names = {public_name(user) for user in candidates} - {str(UNNAMED)}
    unmatched: list[str] = []
    for start, word in starts:
        named = any(
            text[start + 1 : start + 1 + len(name)].casefold() == name.casefold()
            and _ends_a_word(text, start + 1 + len(name))
            for name in names
        )
        if not named and f"@{word}" not in unmatched:
            unmatched.append(f"@{word}")
    return unmatched


def _took_part():
    """The person wrote a comment that other participants can read."""
    return (
        select(Comment.id)
        .where(Comment.author_id == User.id, policy.readable_by_participants())
        .exists()
    )


def _shown_name_like(pattern: str):
    """People whose name as shown to others matches; what they keep hidden is never searched."""
    return or_(
        (User.name_display == NameDisplay.FULL_NAME)
        & User.display_name.ilike(pattern, escape="\\"),
        (User.name_display == NameDisplay.ORGANISATION)
        & User.organisation.ilike(pattern, escape="\\"),
        (User.name_display == NameDisplay.PSEUDONYM) & User.pseudonym.ilike(pattern, escape="\\"),
    )


def name_suggestions(typed: str, viewer_id: int) -> list[str]:
    """Names of the discussion's participants (people whose comments others can read) that
    begin with what was typed after "@", or have a word that does, as each person shows it."""
    typed = typed.strip()[:60]
    if not typed:
        return []
    folded = typed.casefold()
    rows = db.session.scalars(
        select(User)
        .where(User.id != viewer_id, _took_part(), _shown_name_like(f"%{_like_escaped(typed)}%"))
        .limit(200)
    )
    names: set[str] = set()
    for user in rows:
        name = public_name(user)
        if name == str(UNNAMED):
            continue
        if name.casefold().startswith(folded) or any(
            word.casefold().startswith(folded) for word in name.split()
        ):
            names.add(name)
    return sorted(names, key=str.casefold)[:SUGGESTION_LIMIT]
