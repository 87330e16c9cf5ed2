"""Workspace settings and invitations: what moderators set up for a consultation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from valuma_space.auth.emails import InvalidEmail, normalise_email
from valuma_space.auth.models import User
from valuma_space.choices import (
    ORGANISATION_TYPE_LABELS,
    REGION_LABELS,
    OrganisationType,
    Region,
    parse_choice,
)
from valuma_space.comments.models import Comment
from valuma_space.db import utcnow
from valuma_space.extensions import db
from valuma_space.i18n import local_to_utc
from valuma_space.mail.models import MailKind
from valuma_space.mail.outbox import enqueue
from valuma_space.materials.uploads import IDENTITY_PREFIX, save_identity_image
from valuma_space.moderation.services import set_pre_moderation
from valuma_space.refusals import Refused
from valuma_space.storage import Storage
from valuma_space.workspaces.colours import accent_problem
from valuma_space.workspaces.models import Invitation, ReadingAccess, Workspace


def update_settings(
    workspace: Workspace,
    actor: User,
    data: dict,
    storage: Storage | None = None,
    max_image_bytes: int = 10 * 1024 * 1024,
) -> None:
    opens, closes = (
        local_to_utc(data.get("comments_open_at")),
        local_to_utc(data.get("comments_close_at")),
    )
    if opens and closes and closes <= opens:
        raise Refused(_l("Kommentoinnin pitää päättyä vasta alkamisen jälkeen."))
    domains = []
    for raw in (data.get("allowed_email_domains") or "").replace(";", ",").split(","):
        domain = raw.strip().lower().lstrip("@")
        if domain:
            if "." not in domain or " " in domain:
                raise Refused(_l("Tarkista verkkotunnukset: esimerkiksi kunta.fi, liitto.fi."))
            domains.append(domain)
    workspace.title = data["title"].strip()
    workspace.summary = (data.get("summary") or "").strip()
    workspace.comments_open_at, workspace.comments_close_at = opens, closes
    workspace.closed_by_hand = bool(data.get("closed_by_hand"))
    workspace.reading_access = ReadingAccess(data.get("reading_access") or ReadingAccess.PUBLIC)
    workspace.allowed_email_domains = ", ".join(domains)
    workspace.invited_only = bool(data.get("invited_only"))
    set_pre_moderation(workspace, actor, bool(data.get("pre_moderation")))
    _update_identity(workspace, data, storage, max_image_bytes)
    db.session.flush()


def _has_file(upload: Any) -> bool:
    return upload is not None and bool(getattr(upload, "filename", ""))


def _update_identity(
    workspace: Workspace, data: dict, storage: Storage | None, max_image_bytes: int
) -> None:
    """The accent colour, the logo, the cover picture and its text, the organisers."""
    accent = (data.get("accent_color") or "").strip().lower()
    problem = accent_problem(accent)
    if problem:
        raise Refused(problem)
    alt = (data.get("cover_alt") or "").strip()
    logo, cover = data.get("logo"), data.get("cover")
    keeps_cover = bool(workspace.cover_image) and not data.get("remove_cover")
    if (_has_file(cover) or keeps_cover) and not alt:
        raise Refused(_l("Kirjoita kansikuvalle tekstivastine: kerro lyhyesti, mitä kuvassa on."))
    old: list[str] = []
    if data.get("remove_logo") and workspace.logo_image:
        old.append(workspace.logo_image)
        workspace.logo_image = ""
    if data.get("remove_cover") and workspace.cover_image:
        old.append(workspace.cover_image)
        workspace.cover_image = ""
    if _has_file(logo) or _has_file(cover):
        if storage is None:
            raise ValueError("pictures need the upload storage")
        if _has_file(logo):
            old.append(workspace.logo_image)
            workspace.logo_image = save_identity_image(
                storage, logo.stream, max_image_bytes, widest=False
            )
        if _has_file(cover):
            old.append(workspace.cover_image)
            workspace.cover_image = save_identity_image(
                storage, cover.stream, max_image_bytes, widest=True
            )
    workspace.accent_color = accent
    workspace.cover_alt = alt
    workspace.organisers = _lines(data.get("organisers"))
    workspace.partners = _lines(data.get("partners"))
    if storage is not None:
        for name in old:
            if name and name.startswith(IDENTITY_PREFIX):
                storage.delete(name)


def _lines(text: str | None) -> str:
    return "\n".join(line.strip() for line in (text or "").splitlines() if line.strip())


@dataclass
class InvitationResult:
    invited: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)


@dataclass
class InvitationLine:
    email: str
    name: str = ""
    organisation: str = ""
    organisation_type: OrganisationType | None = None
    region: Region | None = None


def read_invitation_lines(pasted: str) -> tuple[list[InvitationLine], list[str], list[str]]:
    """One line per person: "address", optionally followed by ", name, organisation,
    organisation type, region" (or tabs, as pasted from a spreadsheet). The type and region are
    read as their codes or Finnish labels in any case. Returns the people, the addresses that
    could not be read, and a message for each line whose type or region is unknown."""
    people: list[InvitationLine] = []
    invalid: list[str] = []
    problems: list[str] = []
    for number, line in enumerate(pasted.splitlines(), start=1):
        parts = [part.strip() for part in line.replace("\t", ",").replace(";", ",").split(",")]
        if not parts or not parts[0]:
            continue
        try:
            email = normalise_email(parts[0])
        except InvalidEmail:
            invalid.append(parts[0])
            continue
        parts += [""] * (5 - len(parts))
        person = InvitationLine(email, parts[1][:120], parts[2][:200])
        try:
            person.organisation_type = parse_choice(
                OrganisationType, ORGANISATION_TYPE_LABELS, parts[3]
            )
        except ValueError:
            problems.append(
                str(
                    _l(
                        "Rivi %(line)d: organisaation tyyppiä ”%(value)s” ei tunneta. "
                        "Käytä jotakin näistä: %(choices)s.",
                        line=number,
                        value=parts[3],
                        choices=_finnish(ORGANISATION_TYPE_LABELS.values()),
                    )
                )
            )
        try:
            person.region = parse_choice(Region, REGION_LABELS, parts[4])
        except ValueError:
            problems.append(
                str(
                    _l(
                        "Rivi %(line)d: aluetta ”%(value)s” ei tunneta. "
                        "Kirjoita maakunnan nimi, esimerkiksi Pirkanmaa, tai Valtakunnallinen.",
                        line=number,
                        value=parts[4],
                    )
                )
            )
        people.append(person)
    return people, invalid, problems


def _finnish(labels: Iterable[object]) -> str:
    """The labels as the list accepts them, in Finnish whatever the page's language."""
    with force_locale("fi"):
        return ", ".join(str(label) for label in labels)


class InvitationLinesRefused(Refused):
    """Some lines name an organisation type or region that is not on the lists: nobody is
    invited until they are fixed, so that a corrected paste does not invite anyone twice."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


def invite(workspace: Workspace, actor: User, pasted: str, locale: str) -> InvitationResult:
    """Invite everyone on the pasted lines (see read_invitation_lines); raises
    InvitationLinesRefused, inviting nobody, if a line's type or region is unknown."""
    people, invalid, problems = read_invitation_lines(pasted)
    if problems:
        raise InvitationLinesRefused(problems)
    result = InvitationResult(invalid=invalid)
    existing = set(
        db.session.scalars(
            select(Invitation.email).where(
                Invitation.workspace_id == workspace.id,
                Invitation.email.in_([p.email for p in people]),
            )
        )
    )
    for person in people:
        if person.email in existing or person.email in result.invited:
            result.already.append(person.email)
            continue
        db.session.add(
            Invitation(
                workspace_id=workspace.id,
                email=person.email,
                name=person.name,
                organisation=person.organisation,
                organisation_type=person.organisation_type,
                region=person.region,
                invited_by_id=actor.id,
            )
        )
        enqueue(MailKind.INVITATION, person.email, locale, "/")
        result.invited.append(person.email)
    db.session.flush()
    return result


@dataclass
class InvitationRow:
    invitation: Invitation
    signed_in: bool
    comments: int


def invitation_rows(workspace: Workspace) -> list[InvitationRow]:
    """Who was invited, who has signed in and who has commented: one query."""
    comment_counts = (
        select(Comment.author_id, func.count(Comment.id).label("n"))
        .group_by(Comment.author_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Invitation, User.last_login_at, func.coalesce(comment_counts.c.n, 0))
        .outerjoin(User, User.email == Invitation.email)
        .outerjoin(comment_counts, comment_counts.c.author_id == User.id)
        .where(Invitation.workspace_id == workspace.id)
        .order_by(Invitation.created_at.desc(), Invitation.email)
    ).all()
    return [
        InvitationRow(invitation, last_login is not None, count)
        for invitation, last_login, count in rows
    ]


def remind(workspace: Workspace, locale: str) -> int:
    """Send the invitation again to everyone invited who has not signed in yet."""
    count = 0
    for row in invitation_rows(workspace):
        if not row.signed_in:
            enqueue(MailKind.INVITATION, row.invitation.email, locale, "/")
            row.invitation.reminders += 1
            row.invitation.last_sent_at = utcnow()
            count += 1
    db.session.flush()
    return count
