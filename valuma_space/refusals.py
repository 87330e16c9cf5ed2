"""The one error for "the rules do not allow this": every domain raises it, every view shows it."""

from __future__ import annotations


class Refused(Exception):
    """An action the rules do not allow. `message` tells the user why, in their language (a
    lazy string); `status` is the HTTP code the page comes back with."""

    status = 400

    def __init__(self, message: object, status: int | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        if status is not None:
            self.status = status
