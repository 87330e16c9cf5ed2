"""Account operations shared by the views, the CLI and the tests. None reads the request."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select

from valuma_space.auth.choices import OrganisationType, Region
from valuma_space.auth.emails import normalise_email
from valuma_space.auth.models import NameDisplay, Role, User
from valuma_space.auth.signals import account_deleting, name_changed
from valuma_space.auth.tokens import (
    LinkToken,
    TokenCheck,
    TokenProblem,
    TokenPurpose,
    check_token,
    retire_outstanding_tokens,
    use_token,
)
from valuma_space.db import insert_unless_present, utcnow
from valuma_space.extensions import db
from valuma_space.mail.models import MailKind, OutboxMessage
from valuma_space.mail.outbox import enqueue


def find_user_by_email(address: str) -> User | None:
    return db.session.scalars(select(User).where(User.email == normalise_email(address))).first()


def ensure_user(address: str, role: Role | None = None) -> tuple[User, bool]:
    """The account for an address, created if missing; a given role replaces the current one.

    Returns the user and whether it was created.
    """
    email = normalise_email(address)
    user = db.session.scalars(select(User).where(User.email == email)).first()
    created = user is None
    if user is None:
        user = User(email=email, role=role or Role.PARTICIPANT)
        db.session.add(user)
    elif role is not None:
        user.role = role
    db.session.flush()
    return user, created


# --- signing in -------------------------------------------------------------------------------


def request_sign_in(email: str, locale: str, next_url: str) -> None:
    """Queue a sign-in link. Looks nothing up, so known and unknown addresses cost the same."""
    enqueue(MailKind.SIGN_IN, normalise_email(email), locale, next_url)


def expired_invitation(token: str) -> LinkToken | None:
    """The invitation link's token, if that is what `token` is and it has expired unused:
    its address and destination serve a new link."""
    check = check_token(token, TokenPurpose.SIGN_IN)
    if check.problem == TokenProblem.EXPIRED and check.token is not None:
        return check.token if check.token.from_invitation else None
    return None


def renew_invitation_link(token: str, locale: str) -> bool:
    """A new sign-in link to the address an expired invitation went to, opening where the
    invitation would have. The expired link then serves no second renewal."""
    found = expired_invitation(token)
    if found is None:
        return False
    found.used_at = utcnow()
    request_sign_in(found.email, locale, found.next_url)
    db.session.flush()
    return True


@dataclass(frozen=True)
class SignInResult:
    check: TokenCheck
    user: User | None = None
    created: bool = False

    @property
    def next_url(self) -> str:
        return self.check.token.next_url if self.check.token is not None else "/"


def complete_sign_in(token: str, locale: str) -> SignInResult:
    """Use a sign-in link: the account is created now, at the first confirmed sign-in."""
    check = use_token(token, TokenPurpose.SIGN_IN)
    if check.problem is not None or check.token is None:
        return SignInResult(check)
    email = check.token.email
    # Two first sign-ins of one address at the same moment, through different links: whichever
    # inserts first creates the account, and both sign in to it.
    created = insert_unless_present(db.session, User, {"email": email, "locale": locale})
    user = db.session.scalars(select(User).where(User.email == email)).one()
    now = utcnow()
    user.last_login_at = now
    user.locale = locale
    db.session.flush()
    retire_outstanding_tokens(email, TokenPurpose.SIGN_IN, now)
    return SignInResult(check, user, created)


VISIT_GAP = timedelta(minutes=30)
"""Longer than this without a request, and the next request starts a new visit."""
SEEN_RESOLUTION = timedelta(minutes=5)


def record_visit(user: User, now: datetime | None = None) -> bool:
    """Keep the marker "new since your previous visit" counts from. Returns whether it changed
    (it changes at most every few minutes, so that reading pages rarely writes)."""
    now = now or utcnow()
    last = user.last_seen_at
    if last is not None and now - last < SEEN_RESOLUTION:
        return False
    if last is None or now - last >= VISIT_GAP:
        user.previous_visit_at = last
    user.last_seen_at = now
    db.session.flush()
    return True


def sign_out_everywhere(user: User) -> None:
    """Invalidate every session and remember cookie the user has, copies included."""
    user.end_all_sessions()
    db.session.flush()


# --- profile ----------------------------------------------------------------------------------


def update_profile(user: User, fields: dict[str, Any]) -> User:
    user.display_name = (fields.get("display_name") or "").strip()
    user.organisation = (fields.get("organisation") or "").strip()
    user.organisation_type = (
        OrganisationType(fields["organisation_type"]) if fields.get("organisation_type") else None
    )
    user.region = Region(fields["region"]) if fields.get("region") else None
    user.name_display = NameDisplay(fields.get("name_display") or NameDisplay.FULL_NAME)
    user.pseudonym = (fields.get("pseudonym") or "").strip()
    user.profile_completed = True
    db.session.flush()
    name_changed.send(user)  # the name shows in every discussion the person took part in
    return user


def mark_profile_seen(user: User) -> None:
    user.profile_completed = True
    db.session.flush()


# --- changing the address ---------------------------------------------------------------------


def request_email_change(user: User, new_email: str, locale: str) -> None:
    """Queue a confirmation link to the new address. Whether it is taken is told only to
    whoever controls that address, when they open the link."""
    enqueue(MailKind.CHANGE_EMAIL, normalise_email(new_email), locale, user_id=user.id)


class EmailTaken(Exception):
    pass


def confirm_email_change(token: str) -> tuple[TokenCheck, User | None]:
    check = use_token(token, TokenPurpose.CHANGE_EMAIL)
    if check.problem is not None or check.token is None or check.token.user_id is None:
        return check, None
    user = db.session.get(User, check.token.user_id)
    if user is None:
        return check, None
    new_email = check.token.email
    if db.session.scalar(select(User.id).where(User.email == new_email, User.id != user.id)):
        raise EmailTaken(new_email)
    # Sign-in links still on their way to the old address must not open a new account there.
    retire_outstanding_tokens(user.email, TokenPurpose.SIGN_IN)
    user.email = new_email
    db.session.flush()
    return check, user


# --- the person's own data --------------------------------------------------------------------


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def export_user_data(user: User) -> dict[str, Any]:
    """Everything kept about the person, for the "download my data" button."""
    return {
        "profile": {
            "email": user.email,
            "display_name": user.display_name,
            "organisation": user.organisation,
            "organisation_type": user.organisation_type.value if user.organisation_type else None,
            "region": user.region.value if user.region else None,
            "name_display": user.name_display.value,
            "pseudonym": user.pseudonym,
            "language": user.locale,
            "role": user.role.value,
            "created_at": _iso(user.created_at),
            "last_login_at": _iso(user.last_login_at),
        },
        "notification_settings": {
            "mail_replies": user.mail_replies,
            "mail_mentions": user.mail_mentions,
            "mail_moderation": user.mail_moderation,
            "mail_input_used": user.mail_input_used,
            "digest": user.digest.value,
        },
    } | {name: gather(user) for name, gather in DATA_PARTS.items()}


DATA_PARTS: dict[str, Callable[[User], Any]] = {}
"""What the domains above keep about a person, each under its own name in the download."""


def register_data_part(name: str, gather: Callable[[User], Any]) -> None:
    DATA_PARTS[name] = gather


PROFILE_PARTS: dict[str, Callable[[User], Any]] = {}
"""What the domains above show on a person's profile page: a template each, given what its
function gathers for the person as `part` (e.g. events: the person's registrations)."""


def register_profile_part(template: str, gather: Callable[[User], Any]) -> None:
    PROFILE_PARTS[template] = gather


def profile_parts(user: User) -> list[tuple[str, Any]]:
    """(template, what it shows) for each registered part, in the order they registered."""
    return [(template, gather(user)) for template, gather in PROFILE_PARTS.items()]


class LastAdmin(Exception):
    """The only administrator cannot delete their account."""


def delete_account(user: User, delete_comments: bool) -> None:
    """Remove the account. Comments stay as "removed user" unless the person asks otherwise."""
    if user.role == Role.ADMIN:
        admins = db.session.scalar(select(db.func.count(User.id)).where(User.role == Role.ADMIN))
        if (admins or 0) <= 1:
            raise LastAdmin
    db.session.execute(
        delete(OutboxMessage).where(
            or_(OutboxMessage.user_id == user.id, OutboxMessage.recipient == user.email)
        )
    )
    db.session.execute(delete(LinkToken).where(LinkToken.email == user.email))
    # The discussion takes the person's comments with it if asked, and follows the agreements
    # and names that the database removes with the account.
    account_deleting.send(user, delete_comments=delete_comments)
    db.session.delete(user)
    db.session.flush()


@dataclass
class PurgeReport:
    accounts: int
    mails: int
    links: int


def purge_before(moment: datetime, dry_run: bool = False) -> PurgeReport:
    """After a finished study: remove participants not seen since `moment`, and every outbox
    row and link older than it. Moderators and administrators stay."""
    last_seen = db.func.coalesce(User.last_login_at, User.created_at)
    users = list(
        db.session.scalars(select(User).where(User.role == Role.PARTICIPANT, last_seen < moment))
    )
    mails = (
        db.session.scalar(
            select(db.func.count(OutboxMessage.id)).where(OutboxMessage.created_at < moment)
        )
        or 0
    )
    links = (
        db.session.scalar(select(db.func.count(LinkToken.id)).where(LinkToken.created_at < moment))
        or 0
    )
    if not dry_run:
        for user in users:
            delete_account(user, delete_comments=False)
        db.session.execute(delete(OutboxMessage).where(OutboxMessage.created_at < moment))
        db.session.execute(delete(LinkToken).where(LinkToken.created_at < moment))
        db.session.flush()
    return PurgeReport(accounts=len(users), mails=mails, links=links)
