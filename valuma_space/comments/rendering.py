"""The thread of a section as HTML, fast.

A thread is rendered once per (section, discussion version, language, order, open or closed,
audience) and kept in a worker's cache, bounded in bytes; every change to the discussion bumps
the section's version, so a stale rendering is never used, in any worker. What differs between
viewers (the agree button's state, the author's own edit and delete links) is left out of the
cached HTML as marked slots, filled in once as for a stranger and then, per request, only for
the viewer's own comments and those they agreed with, with plain string operations.
Moderators share a rendering of their own, which holds what only they see. A participant with
comments waiting for approval sees those too, in a rendering kept for them alone (under their
id), assembled from the same rendered comments."""

from __future__ import annotations

import re
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from html import unescape
from typing import Any, Protocol

from flask import current_app, get_template_attribute, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup

from valuma_space.auth.models import User
from valuma_space.auth.names import public_name
from valuma_space.comments import policy
from valuma_space.comments.models import COMMENT_KIND_LABELS
from valuma_space.comments.policy import Action
from valuma_space.comments.services import (
    ThreadComment,
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
    comment: ThreadComment
    depth: int
    parent: ThreadComment | None
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
    filled: dict[bool, list[str]] = field(default_factory=dict, compare=False, repr=False)
    """The thread with every slot filled as for a viewer who wrote and agreed with none of its
    comments, segments and actions in turn, by whether the viewer may act (signed in, the
    discussion open). Filled on first use; each viewer then re-fills only the slots of their
    own comments and of those they agreed with."""
    encoded: dict[tuple[bool, bool], bytes] = field(default_factory=dict, compare=False, repr=False)
    """That filling joined and encoded, whole and shortened: what a viewer with no comment and
    no agreement of their own in the thread is served, as it is."""

    @cached_property
    def slot_of(self) -> dict[int, int]:
        """Each comment's slot."""
        return {comment_id: index for index, comment_id in enumerate(self.slots)}

    @cached_property
    def slots_by_author(self) -> dict[int, list[int]]:
        slots: dict[int, list[int]] = {}
        for index, comment_id in enumerate(self.slots):
            author_id = self.states[comment_id].author_id
            if author_id is not None:
                slots.setdefault(author_id, []).append(index)
        return slots

    @cached_property
    def size(self) -> int:
        """Bytes held, with room for the fillings and their encoding: what the cache's bound
        counts."""
        text = sum(sys.getsizeof(segment) for segment in self.segments)
        return 3 * text + 200 * len(self.slots)


@dataclass(frozen=True)
class ThreadView:
    """A thread as one viewer sees it."""

    body: bytes
    """The thread's HTML, encoded as UTF-8: the section page puts it in the page as it is."""
    count: int
    shown: int
    threads: int = 0
    """All the discussion's threads, also when only the first ones are in `html`."""
    shortened: bool = False
    """`html` holds only the first FIRST_THREADS threads."""

    @cached_property
    def html(self) -> Markup:
        """For a template that shows the thread among other things (a page of the materials)."""
        return Markup(self.body.decode())  # noqa: S704 (sanitised at save time; the rest is ours, escaped)


class BoundedCache:
    """A least-recently-used store of versioned values, bounded in bytes, shared by a worker's
    threads. Each key holds one value, of the version it was made for: a newer version
    replaces it at once, so nothing superseded stays behind."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self._items: OrderedDict[object, tuple[object, object, int]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: object, version: object) -> Any:
        with self._lock:
            item = self._items.get(key)
            if item is None or item[0] != version:
                return None
            self._items.move_to_end(key)
            return item[1]

    def get_many(self, wanted: list[tuple[object, object]]) -> list[Any]:
        """`get` of each (key, version), under one lock: a thread asks for a thousand."""
        found = []
        with self._lock:
            items = self._items
            for key, version in wanted:
                item = items.get(key)
                if item is None or item[0] != version:
                    found.append(None)
                else:
                    items.move_to_end(key)
                    found.append(item[1])
        return found

    def put(self, key: object, version: object, value: object, size: int) -> None:
        self.put_many([(key, version, value, size)])

    def put_many(self, items: list[tuple[object, object, object, int]]) -> None:
        """`put` of each (key, version, value, size), under one lock."""
        with self._lock:
            for key, version, value, size in items:
                self._put(key, version, value, size)

    def _put(self, key: object, version: object, value: object, size: int) -> None:
        """Under the lock."""
        if size > self.max_bytes:
            return
        old = self._items.pop(key, None)
        if old is not None:
            self.bytes -= old[2]
        self._items[key] = (version, value, size)
        self.bytes += size
        while self.bytes > self.max_bytes:
            _key, (_version, _value, evicted) = self._items.popitem(last=False)
            self.bytes -= evicted


class PieceStore(Protocol):
    """Where rendered comments are kept by (key, fingerprint): a BoundedCache, or the shared one
    in Redis (comments/shared_cache.py)."""

    def get_many(self, wanted: list[tuple[object, object]]) -> list[Any]: ...

    def put_many(self, items: list[tuple[object, object, object, int]]) -> None: ...


class RenderingCache(Protocol):
    """What thread_html needs of a cache: threads by (key, version) and the comments' pieces."""

    @property
    def comments(self) -> PieceStore: ...

    def get(self, key: tuple, version: tuple) -> RenderedThread | None: ...

    def put(self, key: tuple, version: tuple, value: RenderedThread) -> None: ...


class ThreadCache:
    """A worker's rendered threads and the rendered comments they are assembled from.

    A thread is kept per (section, language, order, open or closed, audience) at its version;
    a write makes a new version, and the next reader assembles it from the comments already
    rendered, rendering only the new or changed ones. Half the bound is for threads, half for
    comments.
    """

    def __init__(self, max_bytes: int) -> None:
        self.threads = BoundedCache(max_bytes // 2)
        self.comments = BoundedCache(max_bytes - max_bytes // 2)

    def __len__(self) -> int:
        return len(self.threads)

    @property
    def bytes(self) -> int:
        return self.threads.bytes + self.comments.bytes

    @property
    def max_bytes(self) -> int:
        return self.threads.max_bytes + self.comments.max_bytes

    def get(self, key: tuple, version: tuple) -> RenderedThread | None:
        return self.threads.get(key, version)

    def put(self, key: tuple, version: tuple, value: RenderedThread) -> None:
        self.threads.put(key, version, value, value.size)


def order_thread(
    comments: list[ThreadComment],
    order: Order,
    agreed_by: dict[int, list[str]],
    section_text: str = "",
) -> list[ThreadEntry]:
    """Top-level comments in the chosen order, each followed by its replies, oldest first."""
    by_id = {comment.id: comment for comment in comments}
    children: dict[int | None, list[ThreadComment]] = {}
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


def _fingerprint(entry: ThreadEntry) -> tuple:
    """Everything a comment's rendering depends on besides the section and the language: equal
    fingerprints render the same HTML. The comment is a plain value (ThreadComment), all of
    whose fields count."""
    parent = entry.parent
    return (
        entry.comment,
        entry.depth,
        entry.quote_found,
        tuple(entry.agreed_by),
        None
        if parent is None
        else (parent.id, parent.visibility, parent.published_at, parent.author),
    )


@dataclass(frozen=True)
class Piece:
    """One rendered comment, split at its actions slot (tail is None: it has none)."""

    head: str
    tail: str | None

    @property
    def size(self) -> int:
        return sys.getsizeof(self.head) + (sys.getsizeof(self.tail) if self.tail else 0)


class _Assembly:
    """The thread's segments and slots, built piece by piece."""

    def __init__(self) -> None:
        self.segments: list[str] = []
        self.slots: list[int] = []
        self.current: list[str] = ['\n<div class="thread">']
        self.length = len(self.current[0])
        self.cut: tuple[int, int] | None = None

    def add(self, text: str) -> None:
        self.current.append(text)
        self.length += len(text)

    def add_piece(self, comment_id: int, piece: Piece) -> None:
        self.add(piece.head)
        if piece.tail is not None:
            self.segments.append("".join(self.current))
            self.slots.append(comment_id)
            self.current, self.length = [piece.tail], len(piece.tail)

    def mark_cut(self) -> None:
        self.cut = (len(self.segments), self.length)

    def finish(self) -> tuple[tuple[str, ...], tuple[int, ...]]:
        self.add("\n</div>")
        return (*self.segments, "".join(self.current)), tuple(self.slots)


def render_thread(
    section: Section,
    order: Order,
    locale: str,
    viewer: User | None = None,
    comments: list[ThreadComment] | None = None,
    agreeing: dict[int, list[User]] | None = None,
    *,
    pieces: PieceStore,
) -> RenderedThread:
    """The thread as `viewer` may see it; None renders the public view, which may be cached.
    A page of several sections passes the comments and agreements it loaded for all at once.
    Comments found in `pieces` at their fingerprint are not rendered again."""
    if comments is None:
        comments = discussion_comments(section, viewer)
    if agreeing is None:
        agreeing = agreeing_users(c.id for c in comments if c.agree_count)
    agreed_by = {
        comment_id: [public_name(user) for user in users] for comment_id, users in agreeing.items()
    }
    entries = order_thread(comments, order, agreed_by, plain_text(section.body_html))
    groups = group_threads(entries)
    moderator_view = viewer is not None and viewer.is_moderator
    context = (locale, moderator_view, section.slug, section.heading, section.version)
    rendered = _render_pieces(section, entries, context, pieces, moderator_view)
    assembly = _Assembly()
    for index, group in enumerate(groups):
        if index == FIRST_THREADS:
            assembly.mark_cut()
        for entry in (group.root, *group.first_replies):
            assembly.add_piece(entry.comment.id, rendered[entry.comment.id])
        if group.later_replies:
            count = len(group.later_replies)
            summary = ngettext("Näytä %(num)d muu vastaus", "Näytä %(num)d muuta vastausta", count)
            assembly.add(
                '\n<details class="more-replies" data-more-replies>\n'
                f"  <summary>{summary}</summary>"
            )
            for entry in group.later_replies:
                assembly.add_piece(entry.comment.id, rendered[entry.comment.id])
            assembly.add("\n</details>")
    segments, slots = assembly.finish()
    return RenderedThread(
        segments=segments,
        slots=slots,
        states={c.id: policy.state_of(c) for c in comments},
        count=sum(1 for c in comments if policy.text_is_public(c.visibility, c.published_at)),
        shown=len(entries),
        threads=len(groups),
        cut=assembly.cut,
    )


def _render_pieces(
    section: Section,
    entries: list[ThreadEntry],
    context: tuple,
    store: PieceStore,
    moderator_view: bool,
) -> dict[int, Piece]:
    """Each entry's rendered comment: from the store when its fingerprint is unchanged, else
    rendered now (comments/_comment.html, one module for all of them) and stored."""
    result: dict[int, Piece] = {}
    new: list[tuple[object, object, object, int]] = []
    module = None
    wanted = [((entry.comment.id, context), _fingerprint(entry)) for entry in entries]
    for entry, (key, fingerprint), piece in zip(
        entries, wanted, store.get_many(wanted), strict=True
    ):
        comment_id = entry.comment.id
        if piece is None:
            if module is None:
                module = current_app.jinja_env.get_template("comments/_comment.html").make_module(
                    {
                        "section": section,
                        "kind_labels": COMMENT_KIND_LABELS,
                        "permalink": url_for("comments.permalink", comment_id=int(_ID)),
                        "section_url": url_for("materials.section", slug=section.slug),
                        "history_url": url_for(
                            "authoring.difference", slug=section.slug, old=int(_ID), new=0
                        ),
                        "id_placeholder": _ID,
                        "moderator_view": moderator_view,
                    }
                )
            head, marker, tail = str(module.comment(entry)).partition(
                f"<!--actions:{comment_id}-->"
            )
            piece = Piece(head, tail if marker else None)
            size = piece.size + sys.getsizeof(entry.comment.body_html) + 400
            new.append((key, fingerprint, piece, size))
        result[comment_id] = piece
    if new:
        # At once: one round trip to a shared store, however many comments were new.
        store.put_many(new)
    return result


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
        stranger: bool = False,
    ) -> None:
        """`stranger`: the actions as for a viewer who wrote none of the comments."""
        self.viewer = viewer if viewer is not None and viewer.is_authenticated else None
        self.viewer_id = self.viewer.id if self.viewer is not None and not stranger else None
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
            # Not the viewer's own: asked as if no one's, which it is to a stranger too.
            asked = state if own else state._replace(author_id=None)
            allowed = self.allowed[kind] = policy.allowed_from(asked, self.viewer) - {
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


class Audience(StrEnum):
    """Whose rendering of a thread a viewer reads: each is shared by everyone in it."""

    READERS = "readers"
    """What every reader of the section knows of the thread."""
    MODERATORS = "moderators"
    """All of it, waiting and removed comments with their texts, and the moderation links."""


def _audience(viewer: User | None, state: ViewerState) -> str:
    """An Audience, or for a participant with comments here that only they (and moderators)
    see, an audience of one: their thread is theirs alone, kept under their id."""
    if viewer is None or not viewer.is_authenticated:
        return Audience.READERS
    if viewer.is_moderator:
        return Audience.MODERATORS
    return f"author:{viewer.id}" if state.has_private else Audience.READERS


def _cache_key(
    section: Section, order: Order, locale: str, accepts_comments: bool, audience: str
) -> tuple:
    return (section.id, locale, order.value, accepts_comments, str(audience))


def _version(section: Section) -> tuple:
    # updated_at: an edited section text changes which quoted passages still stand in it.
    return (section.discussion_version, section.updated_at)


def _view(
    rendered: RenderedThread, viewer: User | None, state: ViewerState, accepts: bool, full: bool
) -> ThreadView:
    """Fill the viewer's actions into the rendering, up to the cut unless `full`."""
    actions = _Actions(viewer, state, accepts, state.usage)
    pieces = rendered.filled.get(actions.active)
    if pieces is None:
        pieces = rendered.filled[actions.active] = _filled_for_stranger(rendered, actions)
    # Only the viewer's own comments and those they agreed with differ from the filling.
    personal = set(rendered.slots_by_author.get(actions.viewer_id, ()))
    personal.update(rendered.slot_of[c] for c in actions.agreed if c in rendered.slot_of)
    shortened = not full and rendered.cut is not None
    if personal:
        pieces = list(pieces)
        for index in personal:
            comment_id = rendered.slots[index]
            pieces[2 * index + 1] = actions.html(comment_id, rendered.states[comment_id])
        body = _joined(rendered, pieces, shortened)
    else:
        body = rendered.encoded.get((actions.active, shortened))
        if body is None:
            body = rendered.encoded[actions.active, shortened] = _joined(
                rendered, pieces, shortened
            )
    return ThreadView(body, rendered.count, rendered.shown, rendered.threads, shortened)


def _joined(rendered: RenderedThread, pieces: list[str], shortened: bool) -> bytes:
    if shortened:
        index, offset = rendered.cut  # type: ignore[misc]
        pieces = [*pieces[: 2 * index], rendered.segments[index][:offset] + "</div>"]
    return "".join(pieces).encode()


def _filled_for_stranger(rendered: RenderedThread, actions: _Actions) -> list[str]:
    """Segments and slots in turn, each slot as for a viewer with no part in its comment."""
    stranger = _Actions(
        actions.viewer, ViewerState(frozenset(), False), actions.active, {}, stranger=True
    )
    pieces = [rendered.segments[0]]
    states = rendered.states
    # Only visible comments have a slot: removed and pending ones take no actions.
    for comment_id, segment in zip(rendered.slots, rendered.segments[1:], strict=True):
        pieces.append(stranger.html(comment_id, states[comment_id]))
        pieces.append(segment)
    return pieces


def thread_html(
    section: Section,
    viewer: User | None,
    order: Order,
    locale: str,
    accepts_comments: bool,
    cache: RenderingCache,
    full: bool = True,
) -> ThreadView:
    """The section's thread for this viewer, with how many comments everyone sees in it and how
    many this viewer does; without `full`, only its first FIRST_THREADS threads."""
    state = viewer_state(section, viewer)
    audience = _audience(viewer, state)
    key = _cache_key(section, order, locale, accepts_comments, audience)
    rendered = cache.get(key, _version(section))
    if rendered is None:
        rendered = render_thread(
            section,
            order,
            locale,
            None if audience == Audience.READERS else viewer,
            pieces=cache.comments,
        )
        cache.put(key, _version(section), rendered)
    return _view(rendered, viewer, state, accepts_comments, full)


def threads_html(
    sections: list[Section],
    viewer: User | None,
    order: Order,
    locale: str,
    accepts: Callable[[Section], bool],
    cache: RenderingCache,
) -> dict[int, ThreadView]:
    """The first threads of several sections' discussions (a page of the materials), in a fixed
    number of queries however many sections there are: what the viewer's actions need, and the
    comments and agreements of every section not already cached, each loaded once for all."""
    states = viewer_states(sections, viewer)
    audiences = {section.id: _audience(viewer, states[section.id]) for section in sections}
    renderings: dict[int, RenderedThread] = {}
    missing: list[Section] = []
    for section in sections:
        key = _cache_key(section, order, locale, accepts(section), audiences[section.id])
        rendered = cache.get(key, _version(section))
        if rendered is None:
            missing.append(section)
        else:
            renderings[section.id] = rendered
    if missing:
        for_readers = [s for s in missing if audiences[s.id] == Audience.READERS]
        for_viewer = [s for s in missing if audiences[s.id] != Audience.READERS]
        comments = {
            **discussion_comments_of(for_readers, None),
            **discussion_comments_of(for_viewer, viewer),
        }
        agreeing = agreeing_users(
            c.id for section in missing for c in comments.get(section.id, []) if c.agree_count
        )
        for section in missing:
            own = comments.get(section.id, [])
            rendered = render_thread(
                section,
                order,
                locale,
                None if section in for_readers else viewer,
                comments=own,
                agreeing={c.id: agreeing[c.id] for c in own if c.id in agreeing},
                pieces=cache.comments,
            )
            cache.put(
                _cache_key(section, order, locale, accepts(section), audiences[section.id]),
                _version(section),
                rendered,
            )
            renderings[section.id] = rendered
    return {
        section.id: _view(
            renderings[section.id], viewer, states[section.id], accepts(section), full=False
        )
        for section in sections
    }
