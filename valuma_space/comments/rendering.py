"""The thread of a section as HTML, fast.

A thread is rendered once per (section, discussion version, language, order, open or closed)
and kept in a small in-process cache; every change to the discussion bumps the section's
version, so a stale rendering is never used, in any worker. What differs between viewers (the
agree button's state, the author's own edit and delete links) is left out of the cached HTML
as marked slots and filled in per request with plain string operations.
Moderators, and authors who have comments waiting for approval, see more than the public and
get a rendering of their own, uncached.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from html import unescape

from flask import get_template_attribute, render_template, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from valuma_space.auth.models import User
from valuma_space.auth.names import public_name
from valuma_space.comments import policy
from valuma_space.comments.models import COMMENT_KIND_LABELS, Comment
from valuma_space.comments.policy import Action
from valuma_space.comments.services import (
    ViewerState,
    agreeing_users,
    discussion_comments,
    discussion_comments_of,
    viewer_state,
    viewer_states,
)
from valuma_space.materials.models import Section

MAX_INDENT = 4
FIRST_THREADS = 20
"""Threads (a top-level comment with its replies) a discussion opens with; the rest are one
link away (`?kaikki=1`)."""
FIRST_REPLIES = 3
"""Replies of a thread shown at once; later ones wait in a <details> (or, with JavaScript,
behind a button)."""
_ACTIONS_SLOT = re.compile(r"<!--actions:(\d+)-->")
_ID = "999999999"  # stands in for a comment id in URLs built once per request


class Order(StrEnum):
    OLDEST = "oldest"
    NEWEST = "newest"
    AGREED = "agreed"


_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def plain_text(html: str) -> str:
    """Text as a reader sees it, for finding quoted passages: tags out, entities decoded."""
    return _SPACE.sub(" ", unescape(_TAG.sub(" ", html))).strip().casefold()


@dataclass(frozen=True)
class ThreadEntry:
    comment: Comment
    depth: int
    parent: Comment | None
    agreed_by: list[str]
    quote_found: bool = True
    """The quoted passage still stands in the section's text."""

    @property
    def indent(self) -> int:
        return min(self.depth, MAX_INDENT)

    @property
    def shows_text(self) -> bool:
        return policy.shows_text(self.comment)

    @property
    def parent_shows_text(self) -> bool:
        return self.parent is not None and policy.shows_text(self.parent)

    @property
    def takes_actions(self) -> bool:
        """Only comments whose text everyone reads get an actions slot (replies, agreeing,
        reporting, and the author's edit and delete): removed and waiting ones take none here."""
        return policy.text_is_public(self.comment.visibility, self.comment.published_at)

    @property
    def removed_label(self) -> str:
        return policy.removed_label(self.comment)

    @property
    def removed_notice(self) -> str:
        return policy.removed_notice(self.comment)


@dataclass(frozen=True)
class RenderedThread:
    segments: tuple[str, ...]
    """Static HTML; an action slot stands between each two."""
    slots: tuple[int, ...]
    """The comment id whose actions go into each slot."""
    states: dict[int, policy.CommentState]
    """What the policy needs of each comment that has a slot, to tell each viewer's actions."""
    count: int
    """Comments whose text everyone reads: the discussion's count."""
    shown: int
    """Comments the thread holds for its viewer, placeholders for removed ones and the
    viewer's own waiting ones included: none, and the page says there is nothing yet."""
    threads: int = 0
    """Top-level comments: the threads of the discussion."""
    cut: tuple[int, int] | None = None
    """Where the first FIRST_THREADS threads end: (segment, offset in it); None when the
    discussion holds no more threads than that. The shortened view is cut from the same
    rendering, so it costs no rendering of its own."""


@dataclass(frozen=True)
class ThreadView:
    """A thread as one viewer sees it."""

    html: Markup
    count: int
    shown: int
    threads: int = 0
    """All the discussion's threads, also when only the first ones are in `html`."""
    shortened: bool = False
    """`html` holds only the first FIRST_THREADS threads."""


class ThreadCache:
    """A small LRU of rendered threads, shared by a worker's threads."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._items: OrderedDict[tuple, RenderedThread] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> RenderedThread | None:
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def put(self, key: tuple, value: RenderedThread) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def order_thread(
    comments: list[Comment], order: Order, agreed_by: dict[int, list[str]], section_text: str = ""
) -> list[ThreadEntry]:
    """Top-level comments in the chosen order, each followed by its replies, oldest first."""
    by_id = {comment.id: comment for comment in comments}
    children: dict[int | None, list[Comment]] = {}
    for comment in comments:  # already oldest first
        parent_id = comment.parent_id if comment.parent_id in by_id else None
        children.setdefault(parent_id, []).append(comment)
    roots = children.get(None, [])
    if order == Order.NEWEST:
        roots = sorted(roots, key=lambda c: (c.created_at, c.id), reverse=True)
    elif order == Order.AGREED:
        roots = sorted(roots, key=lambda c: (-c.agree_count, c.created_at, c.id))
    entries: list[ThreadEntry] = []
    stack = [(root, 0) for root in reversed(roots)]
    while stack:
        comment, depth = stack.pop()
        parent = by_id.get(comment.parent_id) if comment.parent_id else None
        found = (
            not comment.quote or _SPACE.sub(" ", comment.quote).strip().casefold() in section_text
        )
        entries.append(ThreadEntry(comment, depth, parent, agreed_by.get(comment.id, []), found))
        stack.extend((child, depth + 1) for child in reversed(children.get(comment.id, [])))
    return entries


@dataclass(frozen=True)
class ThreadGroup:
    """A top-level comment and its replies, as the page shows them."""

    root: ThreadEntry
    replies: list[ThreadEntry]

    @property
    def first_replies(self) -> list[ThreadEntry]:
        return self.replies[:FIRST_REPLIES]

    @property
    def later_replies(self) -> list[ThreadEntry]:
        return self.replies[FIRST_REPLIES:]


def group_threads(entries: list[ThreadEntry]) -> list[ThreadGroup]:
    groups: list[ThreadGroup] = []
    for entry in entries:
        if entry.depth == 0 or not groups:
            groups.append(ThreadGroup(entry, []))
        else:
            groups[-1].replies.append(entry)
    return groups


_CUT = "<!--cut-->"


def render_thread(
    section: Section,
    order: Order,
    viewer: User | None = None,
    comments: list[Comment] | None = None,
    agreeing: dict[int, list[User]] | None = None,
) -> RenderedThread:
    """The thread as `viewer` may see it; None renders the public view, which may be cached.
    A page of several sections passes the comments and agreements it loaded for all at once."""
    if comments is None:
        comments = discussion_comments(section, viewer)
    if agreeing is None:
        agreeing = agreeing_users(c.id for c in comments if c.agree_count)
    agreed_by = {
        comment_id: [public_name(user) for user in users] for comment_id, users in agreeing.items()
    }
    entries = order_thread(comments, order, agreed_by, plain_text(section.body_html))
    groups = group_threads(entries)
    html = render_template(
        "comments/_thread.html",
        groups=groups,
        first_threads=FIRST_THREADS,
        cut_marker=Markup(_CUT),  # noqa: S704 (our own constant)
        section=section,
        kind_labels=COMMENT_KIND_LABELS,
        permalink=url_for("comments.permalink", comment_id=int(_ID)),
        section_url=url_for("materials.section", slug=section.slug),
        history_url=url_for("authoring.difference", slug=section.slug, old=int(_ID), new=0),
        id_placeholder=_ID,
        moderator_view=viewer is not None and viewer.is_moderator,
    )
    parts = _ACTIONS_SLOT.split(html)
    segments = parts[0::2]
    cut = None
    for index, segment in enumerate(segments):
        offset = segment.find(_CUT)
        if offset >= 0:
            segments[index] = segment.replace(_CUT, "", 1)
            cut = (index, offset)
            break
    return RenderedThread(
        segments=tuple(segments),
        slots=tuple(int(part) for part in parts[1::2]),
        states={c.id: policy.state_of(c) for c in comments},
        count=sum(1 for c in comments if policy.text_is_public(c.visibility, c.published_at)),
        shown=len(entries),
        threads=len(groups),
        cut=cut,
    )


class _Actions:
    """The per-viewer buttons and links of one page (comments/_actions.html).

    Each combination of what the viewer may do with a comment is rendered once per page with a
    placeholder id, and each slot then gets a copy with its comment's id: a page of a thousand
    comments renders a handful of macros, not a thousand. Agree buttons carry their own
    `formaction` and belong to one form around the whole thread (see materials/section.html), so
    that the CSRF token appears once per page, not per comment.
    """

    def __init__(
        self,
        viewer: User | None,
        state: ViewerState,
        accepts_comments: bool,
        usage: dict[int, list[str]],
    ) -> None:
        self.viewer = viewer if viewer is not None and viewer.is_authenticated else None
        self.viewer_id = self.viewer.id if self.viewer is not None else None
        self.active = self.viewer is not None and accepts_comments
        self.agreed = state.agreed
        self.usage = usage
        self.macros = get_template_attribute("comments/_actions.html", "actions")
        self.notes = get_template_attribute("comments/_actions.html", "usage_note")
        self.rendered: dict[tuple[frozenset[Action], bool], str] = {}
        self.allowed: dict[tuple[object, bool, bool], frozenset[Action]] = {}

    def html(self, comment_id: int, state: policy.CommentState) -> str:
        used = self.usage.get(comment_id)
        own = state.author_id is not None and state.author_id == self.viewer_id
        note = (
            str(self.notes(_("Huomioitu mallityössä: %(uses)s", uses="; ".join(used))))
            if used and own
            else ""
        )
        if not self.active:
            return note
        # What a viewer may do depends on the state and on whose comment it is, and a thread
        # has only a few such combinations: the policy is asked once for each, not per comment.
        kind = (state.visibility, state.published, own)
        allowed = self.allowed.get(kind)
        if allowed is None:
            allowed = self.allowed[kind] = policy.allowed_from(state, self.viewer) - {
                Action.MODERATE
            }
        if not allowed:
            return note
        key = (allowed, Action.AGREE in allowed and comment_id in self.agreed)
        template = self.rendered.get(key)
        if template is None:
            template = self.rendered[key] = str(
                self.macros({action.value for action in allowed}, key[1], int(_ID))
            )
        return note + template.replace(_ID, str(comment_id))


def _cache_key(section: Section, order: Order, locale: str, accepts_comments: bool) -> tuple:
    # updated_at: an edited section text changes which quoted passages still stand in it.
    return (
        section.id,
        section.discussion_version,
        section.updated_at,
        locale,
        order.value,
        accepts_comments,
    )


def _is_personal(viewer: User | None, state: ViewerState) -> bool:
    return bool(
        viewer is not None
        and viewer.is_authenticated
        and (viewer.is_moderator or state.has_private)
    )


def _view(
    rendered: RenderedThread, viewer: User | None, state: ViewerState, accepts: bool, full: bool
) -> ThreadView:
    """Fill the viewer's actions into the rendering, up to the cut unless `full`."""
    actions = _Actions(viewer, state, accepts, state.usage)
    segments, slots = rendered.segments, rendered.slots
    shortened = not full and rendered.cut is not None
    if shortened:
        index, offset = rendered.cut  # type: ignore[misc]
        segments = (*segments[:index], segments[index][:offset] + "</div>")
        slots = slots[:index]
    pieces = [segments[0]]
    # Only visible comments have a slot: removed and pending ones take no actions.
    for comment_id, segment in zip(slots, segments[1:], strict=True):
        pieces.append(actions.html(comment_id, rendered.states[comment_id]))
        pieces.append(segment)
    html = Markup("".join(pieces))  # noqa: S704 (sanitised at save time; the rest is ours, escaped)
    return ThreadView(html, rendered.count, rendered.shown, rendered.threads, shortened)


def thread_html(
    section: Section,
    viewer: User | None,
    order: Order,
    locale: str,
    accepts_comments: bool,
    cache: ThreadCache,
    full: bool = True,
) -> ThreadView:
    """The section's thread for this viewer, with how many comments everyone sees in it and how
    many this viewer does; without `full`, only its first FIRST_THREADS threads."""
    state = viewer_state(section, viewer)
    personal = _is_personal(viewer, state)
    key = _cache_key(section, order, locale, accepts_comments)
    rendered = None if personal else cache.get(key)
    if rendered is None:
        rendered = render_thread(section, order, viewer if personal else None)
        if not personal:
            cache.put(key, rendered)
    return _view(rendered, viewer, state, accepts_comments, full)


def threads_html(
    sections: list[Section],
    viewer: User | None,
    order: Order,
    locale: str,
    accepts: Callable[[Section], bool],
    cache: ThreadCache,
) -> dict[int, ThreadView]:
    """The first threads of several sections' discussions (a page of the materials), in a fixed
    number of queries however many sections there are: what the viewer's actions need, and the
    comments and agreements of every section not already cached, each loaded once for all."""
    states = viewer_states(sections, viewer)
    renderings: dict[int, RenderedThread] = {}
    missing: list[Section] = []
    for section in sections:
        state = states[section.id]
        rendered = None
        if not _is_personal(viewer, state):
            rendered = cache.get(_cache_key(section, order, locale, accepts(section)))
        if rendered is None:
            missing.append(section)
        else:
            renderings[section.id] = rendered
    if missing:
        personal = [s for s in missing if _is_personal(viewer, states[s.id])]
        public = [s for s in missing if not _is_personal(viewer, states[s.id])]
        comments = {
            **discussion_comments_of(public, None),
            **discussion_comments_of(personal, viewer),
        }
        agreeing = agreeing_users(
            c.id for section in missing for c in comments.get(section.id, []) if c.agree_count
        )
        for section in missing:
            own = comments.get(section.id, [])
            rendered = render_thread(
                section,
                order,
                viewer if section in personal else None,
                comments=own,
                agreeing={c.id: agreeing[c.id] for c in own if c.id in agreeing},
            )
            if section in public:
                cache.put(_cache_key(section, order, locale, accepts(section)), rendered)
            renderings[section.id] = rendered
    return {
        section.id: _view(
            renderings[section.id], viewer, states[section.id], accepts(section), full=False
        )
        for section in sections
    }
