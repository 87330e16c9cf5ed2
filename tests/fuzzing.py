"""Property-based fuzzing of every route: each form's fields and each view's query parameters get
values from hypothesis, and no answer may be a server error.

Shared by tests/test_fuzz.py (a few examples per target, in CI) and bench/fuzz.py (a thousand
or more, on both engines). The targets come from the app itself: every rule in its URL map, its
path arguments filled from a seeded workspace (or fuzzed), and the field names each view reads
(its forms' fields and the names its module reads from request.form and request.args).
"""

from __future__ import annotations

import inspect
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from flask import Flask
from flask.testing import FlaskClient
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.factories import make_comment, make_page, make_section, make_user, make_workspace
from tests.helpers import csrf_token, login_as
from valuma_space.auth.models import Role
from valuma_space.extensions import db

# Routes left out, each for a reason: they end the fuzzing client's session or account, or serve
# files rather than take input.
SKIPPED = {
    "auth.logout": "signs the fuzzing client out",
    "auth.delete_account": "deletes the fuzzing client's account",
    "static": "serves files",
}

_READS = re.compile(r"""(?:request\.)?(?:form|args)\.(?:get|getlist)\(\s*["']([\w-]+)["']""")
_FORMS = re.compile(r"\b([A-Z]\w*Form)\(")

# Values a careless or hostile client sends: numbers out of every range, markup, NULs and
# other control characters, very long text, wrong types.
NASTY = [
    "",
    " ",
    "0",
    "-1",
    "1",
    "2147483648",
    "99999999999999999999",
    "1e309",
    "abc",
    "٣",
    "\x00",
    "a\x00b",
    "line\nbreak",
    "\r\n",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "../../etc/passwd",
    "//evil.example",
    "2026-13-45",
    "2026-02-30T25:61",
    "true",
    "on",
    "y",
    "x" * 300,
    "y" * 5000,
    "=1+1",
    "\ud7ff\ufeff\u202e",
]


@dataclass
class Target:
    endpoint: str
    method: str
    rule: str
    path_args: dict[str, list[str]]
    """Each path argument with the real values it can take; fuzzed text is tried too."""
    fields: list[str]
    client: str
    """"admin" (sees every route) or "anonymous"."""

    @property
    def name(self) -> str:
        return f"{self.method} {self.rule} as {self.client}"


@dataclass
class World:
    """A workspace with something behind every kind of id, and signed-in clients."""

    values: dict[str, list[str]]
    clients: dict[str, FlaskClient]
    tokens: dict[str, str] = field(default_factory=dict)


def build_world(app: Flask) -> World:
    from valuma_space.materials.models import Attachment
    from valuma_space.modeldesign.models import AlternativeKind, AlternativeStatus, Stance
    from valuma_space.modeldesign.services import (
        add_criterion,
        add_theme,
        link_comment,
        save_alternative,
    )
    from valuma_space.moderation.services import hide
    from valuma_space.notifications.models import Notification

    workspace = make_workspace("VALUMA")
    page = make_page(workspace, "Tausta")
    section = make_section(page, "Tavoitteet", "Selvitys kartoittaa vaihtoehdot.")
    admin = make_user("fuzz-admin@valuma.fi", Role.ADMIN, profile_completed=True)
    author = make_user("fuzz-author@kunta.fi", display_name="Kaisa", profile_completed=True)
    root = make_comment(section, author, "Juuri.")
    reply = make_comment(section, admin, "Vastaus @Kaisa", parent=root)
    hidden = make_comment(section, author, "Piilotettava.")
    hide(hidden, admin, "Syy")
    alternative = save_alternative(
        workspace, None, AlternativeKind.OPERATING_MODEL, "Malli A", "", AlternativeStatus.DRAFT
    )
    criterion = add_criterion(workspace, "Kustannukset")
    add_theme(workspace, "Rahoitus")
    link = link_comment(root, admin, alternative, criterion, Stance.SUPPORTS, "")
    db.session.commit()
    notification = db.session.scalars(db.select(Notification.id)).first()
    attachment = db.session.scalars(db.select(Attachment.id)).first()
    values = {
        "comment_id": [str(root.id), str(reply.id), str(hidden.id)],
        "slug": [section.slug, page.slug],
        "section_id": [str(section.id)],
        "page_id": [str(page.id)],
        "item_id": [str(section.id), str(page.id)],
        "kind": ["sections", "pages", "osio", "sivu"],
        "alternative_id": [str(alternative.id)],
        "criterion_id": [str(criterion.id)],
        "link_id": [str(link.id)],
        "notification_id": [str(notification or 1)],
        "attachment_id": [str(attachment or 1)],
        "filename": ["liite.pdf"],
        "old": ["1"],
        "new": ["1", "2"],
        "token": ["x" * 43],
        "code": ["fi", "sv", "en"],
    }
    clients = {"admin": app.test_client(), "anonymous": app.test_client()}
    login_as(clients["admin"], admin.email)
    world = World(values, clients)
    for name, client in clients.items():
        page_with_form = "/profiili" if name == "admin" else "/kirjaudu"
        world.tokens[name] = csrf_token(client.get(page_with_form).get_data(as_text=True))
    return world


def _form_fields(view: Callable[..., Any]) -> set[str]:
    module = sys.modules[view.__module__]
    source = inspect.getsource(view)
    names: set[str] = set()
    for form_name in _FORMS.findall(source):
        form_class = getattr(module, form_name, None)
        if isinstance(form_class, type) and issubclass(form_class, FlaskForm):
            names |= {name for name, _unbound in form_class()._unbound_fields} - {"submit"}
    return names


def targets(app: Flask) -> list[Target]:
    """Every route and method of the app, as the admin, and the public ones also signed out."""
    from valuma_space.access import Access, access_level_of

    found: list[Target] = []
    with app.test_request_context():
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if rule.endpoint in SKIPPED:
                continue
            view = app.view_functions[rule.endpoint]
            module_source = inspect.getsource(sys.modules[view.__module__])
            read = set(_READS.findall(module_source))
            fields = sorted(read | _form_fields(view))
            level = access_level_of(rule.endpoint)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                for client in ("admin", "anonymous") if level == Access.PUBLIC else ("admin",):
                    found.append(Target(rule.endpoint, method, rule.rule, {}, fields, client))
    return found


def _values(real: list[str] | None = None) -> st.SearchStrategy[str]:
    options = [st.sampled_from(NASTY), st.text(max_size=200), st.integers().map(str)]
    if real:
        options.insert(0, st.sampled_from(real))
    return st.one_of(*options)


def _path(target: Target, world: World, draw: st.DrawFn) -> str:
    path = target.rule
    for argument in re.findall(r"<(?:\w+:)?(\w+)>", target.rule):
        real = world.values.get(argument, ["1"])
        value = draw(st.one_of(st.sampled_from(real), st.sampled_from(real), _values()))
        path = re.sub(rf"<(?:\w+:)?{argument}>", quote(value, safe="") or "x", path, count=1)
    return path


@dataclass
class Outcome:
    examples: int = 0
    server_errors: list[str] = field(default_factory=list)


def fuzz(target: Target, world: World, examples: int, outcome: Outcome) -> None:
    """Send `examples` requests to the target; record each answer of 500 or more."""
    client = world.clients[target.client]
    field_values = {name: _values(world.values.get(name)) for name in target.fields}
    field_values.setdefault("csrf_token", st.just(world.tokens[target.client]))

    @st.composite
    def requests(draw: st.DrawFn) -> tuple[str, dict[str, str], dict[str, str]]:
        path = _path(target, world, draw)
        chosen = draw(st.lists(st.sampled_from(sorted(field_values)), unique=True))
        data = {name: draw(field_values[name]) for name in chosen}
        if draw(st.booleans()):  # a valid token most of the time: past the form's first check
            data["csrf_token"] = world.tokens[target.client]
        query = data if target.method == "GET" else {}
        form = data if target.method != "GET" else {}
        return path, query, form

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=False,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(requests())
    def run(request: tuple[str, dict[str, str], dict[str, str]]) -> None:
        path, query, form = request
        outcome.examples += 1
        try:
            response = client.open(
                path, method=target.method, query_string=query or None, data=form or None
            )
        except Exception as error:  # testing propagates exceptions: each one is a 500
            outcome.server_errors.append(f"{target.name}: {path} {query or form!r} → {error!r}")
            db.session.rollback()
            return
        if response.status_code >= 500:
            outcome.server_errors.append(
                f"{target.name}: {path} {query or form!r} → {response.status_code}"
            )

    run()


def fuzz_app(app: Flask, examples: int, report: Callable[[str], None] | None = None) -> Outcome:
    world = build_world(app)
    outcome = Outcome()
    for target in targets(app):
        before = len(outcome.server_errors)
        fuzz(target, world, examples, outcome)
        if report is not None:
            report(f"{target.name}: {len(outcome.server_errors) - before} server errors")
    return outcome
