"""Reading optional query parameters: a value that does not parse is treated as not given."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import TypeVar

E = TypeVar("E", bound=StrEnum)


def enum_param(enum_class: type[E], value: str | None) -> E | None:
    try:
        return enum_class(value) if value else None
    except ValueError:
        return None


def date_param(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


MAX_ID = 2**31 - 1
"""The largest id a table holds (PostgreSQL's integer): a larger number names nothing."""
MAX_PAGE = 100_000


def _whole_number(value: str | None) -> int | None:
    """Digits 0-9 only: not a sign, a space, or other scripts' digits that int() would take."""
    if not value or not value.isascii() or not value.isdecimal():
        return None
    return int(value)


def id_param(value: str | None) -> int | None:
    """An id from a form or a query: a whole number that a row could have, else None."""
    number = _whole_number(value)
    return number if number is not None and 0 < number <= MAX_ID else None


def ids_param(values: list[str]) -> list[int]:
    return [number for number in map(id_param, values) if number is not None]


def page_param(value: str | None) -> int:
    """A page number: 1 unless a sensible one was given."""
    number = _whole_number(value)
    return 1 if number is None else min(max(number, 1), MAX_PAGE)
