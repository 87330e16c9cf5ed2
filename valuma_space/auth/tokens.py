"""Emailed links: creation, expiry and single use, all in one place.

A link carries a random token of 256 bits from `secrets`; the database keeps only its SHA-256
hash. A token is created when its mail is sent (not when it is asked for), so a mail that goes
out late still gives the full lifetime. Using one is a single conditional UPDATE, which makes
"works once" hold under concurrent requests on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import ForeignKey, String, delete, select, update
from sqlalchemy.orm import Mapped, mapped_column

from valuma_space.db import UTCDateTime, str_enum, utcnow
from valuma_space.extensions import db

TOKEN_BYTES = 32


class TokenPurpose(StrEnum):
    SIGN_IN = "sign_in"
    CHANGE_EMAIL = "change_email"


class LinkToken(db.Model):
    """One emailed link. The link itself is never stored, only its hash."""

    __tablename__ = "link_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    """SHA-256 of the token in the link, hex."""
    purpose: Mapped[TokenPurpose] = mapped_column(str_enum(TokenPurpose))
    email: Mapped[str] = mapped_column(String(254), index=True)
    """Where the link was sent: the address signing in, or the new address being confirmed."""
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    """For an email change: whose address changes. Sign-in links name no user, since the
    account is created only when the link is used."""
    next_url: Mapped[str] = mapped_column(String(500), default="/")
    """The local path to open after signing in."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """Set once, when the link is used or when a later sign-in makes it obsolete."""
    from_invitation: Mapped[bool] = mapped_column(default=False)
    """Sent in an invitation, read hours or days later: it lives for days
    (INVITATION_LINK_DAYS), and once expired it offers a new sign-in link to the same
    address, to the same place."""


class TokenProblem(StrEnum):
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"


@dataclass(frozen=True)
class TokenCheck:
    token: LinkToken | None
    problem: TokenProblem | None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(
    purpose: TokenPurpose,
    email: str,
    max_age_seconds: int,
    next_url: str = "/",
    user_id: int | None = None,
    now: datetime | None = None,
    from_invitation: bool = False,
) -> str:
    """Create a link token and return it; only its hash is stored."""
    now = now or utcnow()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    db.session.add(
        LinkToken(
            token_hash=hash_token(token),
            purpose=purpose,
            email=email,
            user_id=user_id,
            next_url=next_url,
            created_at=now,
            expires_at=now + timedelta(seconds=max_age_seconds),
            from_invitation=from_invitation,
        )
    )
    db.session.flush()
    return token


def check_token(token: str, purpose: TokenPurpose, now: datetime | None = None) -> TokenCheck:
    """Look a token up without using it: what the confirm page shows on GET and HEAD."""
    now = now or utcnow()
    found = db.session.scalars(
        select(LinkToken)
        .where(LinkToken.token_hash == hash_token(token), LinkToken.purpose == purpose)
        # Fresh from the database: after a lost race in use_token, a copy loaded earlier in
        # this session would still say "unused".
        .execution_options(populate_existing=True)
    ).first()
    if found is None:
        return TokenCheck(None, TokenProblem.UNKNOWN)
    if found.used_at is not None:
        return TokenCheck(found, TokenProblem.USED)
    if found.expires_at <= now:
        return TokenCheck(found, TokenProblem.EXPIRED)
    return TokenCheck(found, None)


def use_token(token: str, purpose: TokenPurpose, now: datetime | None = None) -> TokenCheck:
    """Use a token once. Of any number of simultaneous attempts, exactly one succeeds."""
    now = now or utcnow()
    token_hash = hash_token(token)
    result = db.session.execute(
        update(LinkToken)
        .where(
            LinkToken.token_hash == token_hash,
            LinkToken.purpose == purpose,
            LinkToken.used_at.is_(None),
            LinkToken.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return check_token(token, purpose, now)
    found = db.session.scalars(select(LinkToken).where(LinkToken.token_hash == token_hash)).one()
    return TokenCheck(found, None)


def retire_outstanding_tokens(
    email: str, purpose: TokenPurpose, now: datetime | None = None
) -> None:
    """Signing in makes the user's other unused links worthless."""
    db.session.execute(
        update(LinkToken)
        .where(LinkToken.email == email, LinkToken.purpose == purpose, LinkToken.used_at.is_(None))
        .values(used_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )


def discard_token_of(link: str) -> None:
    """Forget the token in a link whose mail could not be sent."""
    token = link.rstrip("/").rsplit("/", 1)[-1]
    db.session.execute(delete(LinkToken).where(LinkToken.token_hash == hash_token(token)))
