"""Checks that input of many forms shares: a single-line field holds one line of text."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import Length, StopValidation, ValidationError

# Line breaks, tabs and the other C0 and C1 control characters, and Unicode's line and
# paragraph separators: none belongs in a title, a name or a subject line.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")

NOT_ONE_LINE = _l("Kirjoita tämä yhdelle riville: rivinvaihdot ja ohjausmerkit eivät käy.")


def is_single_line(value: str) -> bool:
    return _CONTROL.search(value) is None


class SingleLine:
    """WTForms validator for titles, names and other one-line fields (they end up in mail
    subjects and headers, where a line break would start a header of its own)."""

    def __call__(self, form: Any, field: Any) -> None:
        if field.data and not is_single_line(str(field.data)):
            raise ValidationError(str(NOT_ONE_LINE))


class NotBlank:
    """Required, and more than spaces: a title of " " is no title (InputRequired lets it pass,
    and the service would then refuse it with no form to show the message in)."""

    field_flags = {"required": True}

    def __init__(self, message: object) -> None:
        self.message = message

    def __call__(self, form: Any, field: Any) -> None:
        if not str(field.data or "").strip():
            field.errors[:] = []
            raise StopValidation(str(self.message))


def title_field(label: object, missing: object, max_length: int = 200) -> Any:
    """A title's or heading's field: given, one line, and no longer than its column."""
    return StringField(label, validators=[NotBlank(missing), Length(max=max_length), SingleLine()])
