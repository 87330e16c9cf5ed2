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
