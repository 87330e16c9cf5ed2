"""Word-level differences between two texts, marked so that they read without colour."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

_TOKENS = re.compile(r"\s+|\S+\s*")


@dataclass(frozen=True)
class Piece:
    kind: str
    """"same", "added" or "removed"."""
    text: str


def word_diff(old: str, new: str) -> list[Piece]:
    """The new text as pieces: unchanged words, added words and removed words in place."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    pieces: list[Piece] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            pieces.append(Piece("same", "".join(a[i1:i2])))
            continue
        if tag in {"replace", "delete"}:
            pieces.append(Piece("removed", "".join(a[i1:i2])))
        if tag in {"replace", "insert"}:
            pieces.append(Piece("added", "".join(b[j1:j2])))
    return pieces
