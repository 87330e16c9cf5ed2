"""What every request's input goes through before a view sees it."""

from __future__ import annotations

from typing import Any

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter, PathConverter, UnicodeConverter

from valuma_space.params import MAX_ID


class BoundedIntegerConverter(IntegerConverter):
    """`<int:...>` up to the largest id a table holds: /kommentit/99999999999999999999 is a
    404 like any other missing page, not a database error."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


class NulFreeStringConverter(UnicodeConverter):
    """`<slug>`, `<token>`: a NUL in a path segment matches no route (a 404), since no slug or
    token holds one and PostgreSQL could not even look it up."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(map, *args, **kwargs)
        self.regex = self.regex.replace("[^/]", "[^/\x00]")


class NulFreePathConverter(PathConverter):
    regex = "[^/\x00][^\x00]*?"


CONVERTERS = {
    "int": BoundedIntegerConverter,
    "default": NulFreeStringConverter,
    "string": NulFreeStringConverter,
    "path": NulFreePathConverter,
}


def _clean(value: str) -> str:
    return value.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")


class _CleanParameters(ImmutableMultiDict):
    """Query and form values with NUL characters taken out (no form needs one, PostgreSQL
    cannot store one, and a text that carried one comes back as it was meant), and lines ending
    in a line feed alone: browsers send a textarea's lines ending in CR LF, which would go
    into differences and spreadsheet cells as stray carriage returns."""

    def __init__(self, mapping: Any = None) -> None:
        if mapping is None:
            super().__init__()
            return
        items = mapping.items(multi=True) if hasattr(mapping, "items") else mapping
        super().__init__(
            (
                _clean(key),
                _clean(value) if isinstance(value, str) else value,
            )
            for key, value in items
        )


class ValumaRequest(Request):
    parameter_storage_class = _CleanParameters
