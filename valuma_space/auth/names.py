"""How a person is named wherever others see them: comments, "who agreed" lists, mentions, exports."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from valuma_space.auth.models import NameDisplay, User

REMOVED_USER = _l("Poistettu käyttäjä")
UNNAMED = _l("Nimetön osallistuja")


def public_name(user: User | None) -> str:
    """The name as the person chose to show it; never their email address."""
    if user is None:
        return str(REMOVED_USER)
    if user.name_display == NameDisplay.PSEUDONYM and user.pseudonym.strip():
        return user.pseudonym.strip()
    if user.name_display == NameDisplay.ORGANISATION and user.organisation.strip():
        return user.organisation.strip()
    if user.name_display == NameDisplay.FULL_NAME and user.display_name.strip():
        return user.display_name.strip()
    return str(UNNAMED)
