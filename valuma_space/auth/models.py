from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from valuma_space.auth.choices import OrganisationType, Region
from valuma_space.db import UTCDateTime, str_enum, utcnow
from valuma_space.extensions import db


class Role(StrEnum):
    PARTICIPANT = "participant"
    MODERATOR = "moderator"
    ADMIN = "admin"


ROLE_LABELS = {
    Role.PARTICIPANT: _l("Osallistuja"),
    Role.MODERATOR: _l("Moderaattori"),
    Role.ADMIN: _l("Ylläpitäjä"),
}

# Each role may do what the roles before it may.
ROLE_RANK = {Role.PARTICIPANT: 0, Role.MODERATOR: 1, Role.ADMIN: 2}


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
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def has_role(self, role: Role) -> bool:
        return ROLE_RANK[self.role] >= ROLE_RANK[role]

    @property
    def is_moderator(self) -> bool:
        return self.has_role(Role.MODERATOR)

    @property
    def is_admin(self) -> bool:
        return self.has_role(Role.ADMIN)
