"""Markdown to safe HTML: markdown-it-py renders, nh3 removes anything not on the allow-list."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

# Raw HTML in the source is escaped by the renderer, and nh3 is the second line of defence
# for whatever a renderer bug might let through.
_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_renderer.enable("table")

MATERIAL_TAGS = {
    "p",
    "br",
    "hr",
    "em",
    "strong",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


# Comments take a small subset: paragraphs, emphasis, lists, quotes and links.
COMMENT_TAGS = {"p", "br", "em", "strong", "code", "blockquote", "ul", "ol", "li", "a"}


def render_markdown(
    source: str, tags: set[str] = MATERIAL_TAGS, link_rel: str = "noopener noreferrer"
) -> str:
    html = _renderer.render(source)
    return nh3.clean(
        html,
        tags=tags,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=link_rel,
    )


def render_comment_markdown(source: str) -> str:
    """A participant's text: the comment subset, and links marked as user-generated."""
    return render_markdown(source, tags=COMMENT_TAGS, link_rel="nofollow ugc noopener")
