"""Small tools the tests share: reading pages the way a user sees them, and posting forms."""

from __future__ import annotations

import html as htmllib
import re
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po
from flask import Flask, current_app
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from valuma_space.extensions import db
from valuma_space.mail.sender import deliver_due
from valuma_space.mail.transports import OutgoingMail
from valuma_space.materials.models import Section
from valuma_space.notifications.digests import queue_digests

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


TRANSLATIONS = Path(__file__).resolve().parent.parent / "valuma_space" / "translations"


def catalog(language: str) -> Catalog:
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po)


def _msgid(message: Message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def finnish_left_in(html: str, language: str) -> list[str]:
    """Finnish interface strings still on a page shown in another language."""
    translated = catalog(language)
    # Strings that read the same in both languages (place names, "ELY") are not a failure.
    same_in_both = {
        _msgid(m)
        for m in translated
        if m.id and (m.string if isinstance(m.string, str) else m.string[0]) == _msgid(m)
    }
    finnish = {_msgid(m) for m in translated if m.id} - same_in_both
    text = interface_text(html, language)
    return [s for s in finnish if "%(" not in s and len(s) > 3 and s in text]


def sent_mails(app: Flask) -> list[OutgoingMail]:
    """What the app has sent through the test mail transport, oldest first."""
    return app.extensions["valuma_mail_transport"].sent


def link_path(link: str) -> str:
    return urlsplit(link).path


def request_link(client: FlaskClient, email: str, next_url: str = "/") -> str:
    """Ask for a sign-in link as a user would, let the sender deliver it, return its path."""
    response = post_form(client, "/kirjaudu", email=email, next=next_url)
    assert response.status_code == 302, response.get_data(as_text=True)
    deliver_due()
    app = current_app._get_current_object()
    mails = [mail for mail in sent_mails(app) if mail.recipient == email.lower()]
    assert mails, f"no mail reached {email}"
    return link_path(mails[-1].link)


def confirm_link(client: FlaskClient, path: str, remember: bool = False) -> TestResponse:
    """Open an emailed link and press its button. A used or expired link shows no button; the
    POST is then made with a token from the sign-in form, as a determined client would."""
    page = client.get(path)
    html = (
        page.get_data(as_text=True)
        if page.status_code == 200
        else client.get("/kirjaudu").get_data(as_text=True)
    )
    data = {"csrf_token": csrf_token(html)}
    if remember:
        data["remember"] = "y"
    return client.post(path, data=data)


def login_as(
    client: FlaskClient, email: str, next_url: str = "/", remember: bool = False
) -> TestResponse:
    """Sign in through the real front door: the form, the outbox, the emailed link, the
    confirm button."""
    response = confirm_link(client, request_link(client, email, next_url), remember=remember)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


class _FormReader(HTMLParser):
    """The fields of one form, as a browser would send them."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form" and attributes.get("id") == self.form_id:
            self.inside, self.action = True, attributes.get("action")
        if not self.inside or "name" not in attributes:
            return
        if tag == "textarea":
            self._textarea = attributes["name"]
            self.fields[self._textarea] = ""
        elif tag == "input":
            kind = attributes.get("type", "text")
            if kind in {"radio", "checkbox"} and "checked" not in attributes:
                return
            if kind != "submit":
                self.fields[attributes["name"]] = attributes.get("value", "")

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None:
            value = self.fields[self._textarea]
            self.fields[self._textarea] = (
                value[2:] if value.startswith("\r\n") else value.removeprefix("\n")
            )
            self._textarea = None
        if tag == "form":
            self.inside = False


def moderate(client: FlaskClient, comment_id: int, action: str, **fields: str) -> TestResponse:
    """Press one of the action buttons on a comment's moderation page."""
    path = f"/moderointi/kommentit/{comment_id}"
    token = csrf_token(client.get(path).get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, "action": action, **fields})


def send_as(
    client: FlaskClient, method: str, path: str, signed_in: bool, **data: str
) -> TestResponse:
    """A GET, or a POST with a CSRF token valid for the client's session, as an authorisation
    matrix sends one request to every route for every kind of visitor."""
    if method == "GET":
        return client.get(path)
    token = csrf_token(client.get("/profiili" if signed_in else "/kirjaudu").get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, **data})


def submit_form(client: FlaskClient, page_url: str, form_id: str, **changes: str) -> TestResponse:
    """Open a page and send one of its forms with what it holds, plus `changes`."""
    return submit_again(client, client.get(page_url), form_id, **changes)


def submit_again(
    client: FlaskClient, page: TestResponse, form_id: str, **changes: str
) -> TestResponse:
    """Send one of the forms of a page already open (a form shown again) as it stands."""
    reader = _FormReader(form_id)
    reader.feed(page.get_data(as_text=True))
    assert reader.action is not None, f"no form #{form_id} on {page.request.path}"
    return client.post(reader.action, data={**reader.fields, **changes})


def send_digests(now: datetime | None = None) -> int:
    """Queue the digests that are due, committing each as `flask valuma send-digests` does."""
    count = 0
    for _person in queue_digests(now):
        db.session.commit()
        count += 1
    return count


def save_section(
    client: FlaskClient,
    section: Section,
    action: str,
    heading: str,
    body: str,
    base: int | None = None,
):
    """Save or publish (`action`) a section's text through its editor, as a moderator does."""
    page = client.get(f"/hallinta/aineisto/osiot/{section.id}").get_data(as_text=True)
    revision = (
        base
        if base is not None
        else int(re.search(r'name="base_revision" value="(\d+)"', page).group(1))
    )
    return client.post(
        f"/hallinta/aineisto/osiot/{section.id}",
        data={
            "csrf_token": csrf_token(page),
            "heading": heading,
            "body": body,
            "base_revision": revision,
            "action": action,
        },
    )


def submit_form_by_name(client: FlaskClient, url: str, changes: dict[str, str]):
    """The settings form as it stands, with some fields changed and unticked boxes left out."""
    html = client.get(url).get_data(as_text=True)
    data = {"csrf_token": csrf_token(html)}
    for name in ("title", "allowed_email_domains", "accent_color", "cover_alt"):
        value = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html)
        data[name] = htmllib.unescape(value.group(1)) if value else ""
    for name in ("summary", "organisers", "partners"):
        value = re.search(rf'<textarea[^>]*name="{name}"[^>]*>\s*([^<]*)</textarea>', html)
        data[name] = htmllib.unescape(value.group(1)) if value else ""
    data["reading_access"] = "public"
    data.update(changes)
    return client.post(url, data=data)


def run_export(app: Flask, fmt: str, folder: Path, *options: str) -> Path:
    """`flask valuma export` in `fmt` with `options`, as the consortium runs it; the file written."""
    out = folder / f"export.{fmt}"
    result = app.test_cli_runner().invoke(
        args=["valuma", "export", "--format", fmt, "--out", str(out), *options]
    )
    assert result.exit_code == 0, result.output
    return out
