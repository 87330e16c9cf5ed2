"""What domains above the materials add to the materials' pages: links in a page's head (the
published alternatives link the assessment matrix), the questions placed in a section's text,
and panels in the section editor. Each domain registers its functions; the templates ask them."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import Flask
from markupsafe import Markup

PageLinks = Callable[[Any, Any], list[tuple[str, str]]]
_PAGE_LINKS: list[PageLinks] = []


def register_page_links(links: PageLinks) -> None:
    _PAGE_LINKS.append(links)


def page_links(page: Any, viewer: Any) -> list[tuple[str, str]]:
    return [link for links in _PAGE_LINKS for link in links(page, viewer)]


def init_app(app: Flask) -> None:
    app.jinja_env.globals["page_links"] = page_links
    app.jinja_env.globals["section_body"] = section_body
    app.jinja_env.globals["editor_panels"] = editor_panels


# --- a section's text with what other domains place in it --------------------------------------

QUESTION_LINE = re.compile(r"<p>\[\[kysymys:(\d+)\]\]</p>\n?")
"""A question placed in a section's text: the Markdown line `[[kysymys:12]]` as rendered."""


def question_line(question_id: int) -> str:
    """The Markdown line that places a question in a section's text."""
    return f"[[kysymys:{question_id}]]"


SectionBody = Callable[[Any, Any, bool], Markup]
"""(section, viewer, compact) → the section's text as shown, with what the domain adds."""
_SECTION_BODY: list[SectionBody] = []
EditorPanel = Callable[[Any], Markup]
_EDITOR_PANELS: list[EditorPanel] = []


def register_section_body(body: SectionBody) -> None:
    _SECTION_BODY.append(body)


def register_editor_panel(panel: EditorPanel) -> None:
    _EDITOR_PANELS.append(panel)


def section_body(section: Any, viewer: Any = None, compact: bool = False) -> Markup:
    """The section's published text; with the polls domain, its questions in their places."""
    if _SECTION_BODY:
        return _SECTION_BODY[-1](section, viewer, compact)
    return Markup(QUESTION_LINE.sub("", section.body_html))  # noqa: S704 (sanitised when saved)


def editor_panels(section: Any) -> Markup:
    return Markup("").join(panel(section) for panel in _EDITOR_PANELS)
