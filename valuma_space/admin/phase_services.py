"""The study's phases on the home page's timeline: moderators add, edit, order and remove them."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from valuma_space.auth.models import User
from valuma_space.extensions import db
from valuma_space.refusals import Refused
from valuma_space.urls import is_link_target
from valuma_space.workspaces.models import Phase, Workspace
from valuma_space.workspaces.services import workspace_phases


def _apply(phase: Phase, data: dict[str, Any]) -> None:
    starts_on, ends_on = data["starts_on"], data["ends_on"]
    if ends_on < starts_on:
        raise Refused(_l("Vaihe voi päättyä aikaisintaan alkamispäivänään."))
    link = (data.get("link") or "").strip()
    if link and not is_link_target(link):
        raise Refused(_l("Linkki ei kelpaa: käytä osoitetta, joka alkaa / tai https://."))
    phase.title = data["title"].strip()
    phase.description = (data.get("description") or "").strip()
    phase.starts_on, phase.ends_on, phase.link = starts_on, ends_on, link


def add_phase(workspace: Workspace, actor: User, data: dict[str, Any]) -> Phase:
    """A new phase, last on the timeline."""
    last = db.session.scalar(
        select(func.max(Phase.position)).where(Phase.workspace_id == workspace.id)
    )
    phase = Phase(workspace_id=workspace.id, position=(last or 0) + 1)
    _apply(phase, data)
    db.session.add(phase)
    db.session.flush()
    return phase


def update_phase(phase: Phase, actor: User, data: dict[str, Any]) -> None:
    _apply(phase, data)
    db.session.flush()


def delete_phase(phase: Phase, actor: User) -> None:
    db.session.delete(phase)
    db.session.flush()


def move_phase(phase: Phase, actor: User, step: int) -> None:
    """One place earlier (step -1) or later (+1); the first stays first, the last last. The
    positions are renumbered 1, 2, 3… so that gaps and ties left by deletions do not matter."""
    phases = workspace_phases(phase.workspace)
    index = phases.index(phase)
    target = index + step
    if 0 <= target < len(phases):
        phases[index], phases[target] = phases[target], phases[index]
    for position, item in enumerate(phases, start=1):
        item.position = position
    db.session.flush()
