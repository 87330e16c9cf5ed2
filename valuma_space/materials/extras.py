"""What domains above the materials add to a page's head: a link from the published
alternatives to the assessment matrix, for one. Each registers a function of the page and the
viewer that returns (label, address) pairs; the page template asks them all."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask

PageLinks = Callable[[Any, Any], list[tuple[str, str]]]
_PAGE_LINKS: list[PageLinks] = []


def register_page_links(links: PageLinks) -> None:
    _PAGE_LINKS.append(links)


def page_links(page: Any, viewer: Any) -> list[tuple[str, str]]:
    return [link for links in _PAGE_LINKS for link in links(page, viewer)]


def init_app(app: Flask) -> None:
    app.jinja_env.globals["page_links"] = page_links
