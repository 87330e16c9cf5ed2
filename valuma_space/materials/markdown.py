"""Markdown to safe HTML: markdown-it-py renders, nh3 removes anything not on the allow-list."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import nh3
from flask_babel import lazy_gettext as _l
from markdown_it import MarkdownIt
from markdown_it.token import Token

from valuma_space.refusals import Refused


def _commonmark() -> MarkdownIt:
    """CommonMark with tables, raw HTML escaped: every parser here reads Markdown alike."""
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    return parser.enable("table")


# Raw HTML in the source is escaped by the renderer, and nh3 is the second line of defence
# for whatever a renderer bug might let through.
_renderer = _commonmark()


def parse(source: str) -> list[Token]:
    """The tokens the renderer makes of `source`, for reading its text (plaintext.py)."""
    return _renderer.parse(source)


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


# --- Pictures in the materials ------------------------------------------------------------------
# `![alt text](attachment:12 "caption")`, a paragraph of its own, shows the section's own uploaded
# picture as a figure. Anything else written as a picture is refused when the text is saved,
# never silently dropped.

FIGURE_SIZES = "(min-width: 48rem) 46rem, calc(100vw - 2rem)"
"""How wide the picture is drawn: the text column (.prose) on a wide screen, else the screen."""
FIGURE_TAGS = {"figure", "figcaption", "img"}
FIGURE_ATTRIBUTES = {
    **ALLOWED_ATTRIBUTES,
    "img": {"src", "srcset", "sizes", "alt", "width", "height", "loading", "decoding"},
}


@dataclass(frozen=True)
class Picture:
    """An uploaded picture as the text shows it: its name for messages, its addresses by width."""

    name: str
    src: str
    srcset: str
    width: int
    height: int


@dataclass(frozen=True)
class PictureReference:
    """`![alt](target "caption")` as written in a text."""

    target: str
    alt: str
    caption: str
    alone: bool
    """Whether it is a paragraph of its own, as a figure must be."""
    token: Token


_material_renderer = _commonmark()


def _render_figure(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    picture: Picture | None = token.meta.get("picture")
    if picture is None:  # only pictures checked by render_material are drawn
        return ""
    alt = self.renderInlineAsText(token.children or [], options, env).strip()
    caption = (token.attrGet("title") or "").strip()
    figcaption = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return (
        f'<figure><img src="{html.escape(picture.src)}" srcset="{html.escape(picture.srcset)}" '
        f'sizes="{FIGURE_SIZES}" alt="{html.escape(alt)}" width="{picture.width}" '
        f'height="{picture.height}" loading="lazy" decoding="async">{figcaption}</figure>'
    )


_material_renderer.add_render_rule("image", _render_figure)


def _references(tokens: list[Token]) -> Iterator[tuple[int, PictureReference]]:
    for index, token in enumerate(tokens):
        children = token.children or []
        pictures = [child for child in children if child.type == "image"]
        if token.type != "inline" or not pictures:
            continue
        alone = (
            len(pictures) == 1
            and index > 0
            and tokens[index - 1].type == "paragraph_open"
            and all(
                child.type in {"image", "softbreak"}
                or (child.type == "text" and not child.content.strip())
                for child in children
            )
        )
        for picture in pictures:
            alt = _material_renderer.renderer.renderInlineAsText(
                picture.children or [], _material_renderer.options, {}
            )
            yield (
                index,
                PictureReference(
                    target=unquote(str(picture.attrGet("src") or "")),
                    alt=alt.strip(),
                    caption=str(picture.attrGet("title") or "").strip(),
                    alone=alone,
                    token=picture,
                ),
            )


def picture_references(source: str) -> list[PictureReference]:
    """Every picture a text refers to, in order."""
    return [reference for _, reference in _references(_material_renderer.parse(source))]


def _our_pictures_only(element: str, attribute: str, value: str) -> str | None:
    """A second line of defence: a picture's addresses are paths on this site, nothing else."""
    if element == "img" and attribute in {"src", "srcset"}:
        urls = [part.strip().split(" ")[0] for part in value.split(",")]
        if not all(url.startswith("/") and not url.startswith("//") for url in urls):
            return None
    return value


def render_material(source: str, resolve: Callable[[str], Picture | None]) -> str:
    """A section's text as safe HTML, its pictures as figures. Refused, naming the picture, when
    a picture is not one of `resolve`'s, has no alt text or is not a paragraph of its own."""
    env: dict[str, Any] = {}
    tokens = _material_renderer.parse(source, env)
    for index, reference in _references(tokens):
        picture = resolve(reference.target)
        if picture is None:
            raise Refused(
                _l(
                    "Kuvaa ei voi näyttää: %(image)s. Tekstiin voi lisätä vain tämän osion liitteeksi ladatun PNG-, JPEG- tai WebP-kuvan.",
                    image=reference.target or "()",
                )
            )
        if not reference.alt:
            raise Refused(
                _l(
                    "Kuvalta puuttuu vaihtoehtoinen teksti: %(image)s. Kirjoita hakasulkeisiin lyhyesti, mitä kuva esittää.",
                    image=picture.name,
                )
            )
        if not reference.alone:
            raise Refused(
                _l(
                    "Kuva on kirjoitettava omaksi kappaleekseen, tyhjien rivien väliin: %(image)s.",
                    image=picture.name,
                )
            )
        tokens[index - 1].hidden = tokens[index + 1].hidden = True  # the figure replaces the <p>
        reference.token.meta["picture"] = picture
    rendered = _material_renderer.renderer.render(tokens, _material_renderer.options, env)
    return nh3.clean(
        rendered,
        tags=MATERIAL_TAGS | FIGURE_TAGS,
        attributes=FIGURE_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        attribute_filter=_our_pictures_only,
    )


def picture_markdown(target: str, alt: str, caption: str = "") -> str:
    """The Markdown that shows a picture, its alt text and caption escaped."""

    def one_line(text: str) -> str:
        return " ".join(text.split())

    alt_text = one_line(alt).replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    title = one_line(caption).replace("\\", "\\\\").replace('"', '\\"')
    return f'![{alt_text}]({target} "{title}")' if title else f"![{alt_text}]({target})"
