from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from valuma_space.auth.choices import OrganisationType, Region
from valuma_space.db import UTCDateTime, str_enum, utcnow
from valuma_space.extensions import db


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class Role(StrEnum):
    PARTICIPANT = "participant"
    MODERATOR = "moderator"
    ADMIN = "admin"


ROLE_LABELS = {
    Role.PARTICIPANT: _l("Osallistuja"),
    Role.MODERATOR: _l("Moderaattori"),
    Role.ADMIN: _l("Ylläpitäjä"),
}


class NameDisplay(StrEnum):
    """How a person's name appears on the site and in exports alike."""

    FULL_NAME = "full_name"
    ORGANISATION = "organisation"
    PSEUDONYM = "pseudonym"


NAME_DISPLAY_LABELS = {
    NameDisplay.FULL_NAME: _l("Koko nimeni"),
    NameDisplay.ORGANISATION: _l("Vain organisaationi"),
    NameDisplay.PSEUDONYM: _l("Nimimerkki"),
}

# Each role may do what the roles before it may.
ROLE_RANK = {Role.PARTICIPANT: 0, Role.MODERATOR: 1, Role.ADMIN: 2}


class DigestFrequency(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    NEVER = "never"


DIGEST_FREQUENCY_LABELS = {
    DigestFrequency.DAILY: _l("Päivittäin"),
    DigestFrequency.WEEKLY: _l("Viikoittain"),
    DigestFrequency.NEVER: _l("Ei koskaan"),
}


class User(UserMixin, db.Model):
    """A person with an account: a stakeholder, a moderator or an administrator."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    """Normalised (see auth.emails.normalise_email), so that one address is one account."""
    display_name: Mapped[str] = mapped_column(String(120), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    organisation_type: Mapped[OrganisationType | None] = mapped_column(str_enum(OrganisationType))
    region: Mapped[Region | None] = mapped_column(str_enum(Region))
    role: Mapped[Role] = mapped_column(str_enum(Role), default=Role.PARTICIPANT)
    name_display: Mapped[NameDisplay] = mapped_column(
        str_enum(NameDisplay), default=NameDisplay.FULL_NAME
    )
    """Which of the name fields others see; see auth.names.public_name."""
    pseudonym: Mapped[str] = mapped_column(String(80), default="")
    locale: Mapped[str] = mapped_column(String(8), default="fi")
    """The interface language last used, for mail sent when the person is not on the site."""
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    """Part of every session and remember cookie; changing it signs the user out everywhere."""
    profile_completed: Mapped[bool] = mapped_column(default=False)
    """The first-sign-in profile step was shown (its fields may still be empty: all are optional)."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """The latest request of the current visit."""
    previous_visit_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When the visit before this one ended: "new since your previous visit" counts from here."""
    mail_replies: Mapped[bool] = mapped_column(default=True)
    mail_mentions: Mapped[bool] = mapped_column(default=True)
    mail_moderation: Mapped[bool] = mapped_column(default=True)
    mail_input_used: Mapped[bool] = mapped_column(default=True)
    """Whether "how your input was used" notifications are mailed (the app lists them anyway)."""
    digest: Mapped[DigestFrequency] = mapped_column(
        str_enum(DigestFrequency), default=DigestFrequency.WEEKLY
    )
    digest_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """The next digest tells what is new after this: the end of the previous one, or when the
    person chose to get them. None: since the account was created."""

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def end_all_sessions(self) -> None:
        self.session_token = new_session_token()

    def has_role(self, role: Role) -> bool:
        return ROLE_RANK[self.role] >= ROLE_RANK[role]

    @property
    def is_moderator(self) -> bool:
        return self.has_role(Role.MODERATOR)

    @property
    def is_admin(self) -> bool:
        return self.has_role(Role.ADMIN)
