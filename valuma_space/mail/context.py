"""Where mail is written: outside any request, so links come from BASE_URL (never from a Host
header somebody sent) and texts are in the recipient's language."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app
from flask_babel import force_locale


@contextmanager
def writing_mail(locale: str) -> Iterator[None]:
    base_url = current_app.config["BASE_URL"]
    with current_app.test_request_context("/", base_url=base_url), force_locale(locale):
        yield
