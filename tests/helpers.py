"""Small tools the tests share: reading pages the way a user sees them, and posting forms."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

_CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def csrf_token(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1) or match.group(2)


def post_form(
    client: FlaskClient, page_url: str, action: str | None = None, **data: str
) -> TestResponse:
    """Open a page, take its CSRF token and post `data` to its form, as a browser would."""
    page = client.get(page_url)
    data.setdefault("csrf_token", csrf_token(page.get_data(as_text=True)))
    return client.post(action or page_url, data=data)


class _InterfaceText(HTMLParser):
    """Collects the text a user reads, leaving out study content (marked lang="fi") and the
    language switcher (each language names itself in its own language)."""

    SKIP_TAGS = {"script", "style"}
    VOID = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }

    def __init__(self, page_language: str) -> None:
        super().__init__()
        self.page_language = page_language
        self.stack: list[bool] = []
        self.chunks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        skip = bool(self.stack and self.stack[-1])
        lang = attributes.get("lang")
        if tag == "html":
            lang = None
        if tag in self.SKIP_TAGS or attributes.get("hreflang"):
            skip = True
        elif lang is not None:
            skip = lang != self.page_language
        if not skip:
            for name in ("aria-label", "title", "placeholder", "alt"):
                if attributes.get(name):
                    self.chunks.append(attributes[name] or "")
        if tag not in self.VOID:
            self.stack.append(skip)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1]) and data.strip():
            self.chunks.append(" ".join(data.split()))


def interface_text(html: str, page_language: str) -> str:
    parser = _InterfaceText(page_language)
    parser.feed(html)
    return "\n".join(parser.chunks)


def login_as(client: FlaskClient, email: str) -> None:
    """Sign a user in. Replaced by the real email-link flow once sign-in lands."""
    from valuma_space.auth.services import find_user_by_email

    user = find_user_by_email(email)
    assert user is not None
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
