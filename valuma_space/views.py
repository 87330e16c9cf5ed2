"""How views turn the rules' refusals into the page they show again: one way for all of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from valuma_space.extensions import db
from valuma_space.refusals import Refused

T = TypeVar("T")


@dataclass
class Attempt(Generic[T]):
    result: T | None = None
    refused: Refused | None = None

    @property
    def problem(self) -> str | None:
        """The reason, in the user's language, for the page that shows the form again."""
        return str(self.refused.message) if self.refused is not None else None

    @property
    def status(self) -> int:
        return self.refused.status if self.refused is not None else 200


def attempt(action: Callable[[], T]) -> Attempt[T]:
    """Run a service call for the request. If the rules refuse it, what the request wrote is
    rolled back (the request owns its transaction) and the refusal is kept for the page."""
    try:
        return Attempt(result=action())
    except Refused as refused:
        db.session.rollback()
        return Attempt(refused=refused)


def form_status(form: Any) -> int:
    """A form shown again with errors answers 400; shown for the first time, 200."""
    return 400 if form.errors else 200
