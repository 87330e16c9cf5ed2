"""Email addresses: validation with email-validator and one normal form per address."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email


class InvalidEmail(ValueError):
    pass


def normalise_email(address: str) -> str:
    """The stored form: validated syntax, IDNA domain, and lower case throughout.

    Mail systems treat the local part case-insensitively in practice, so "Maija@Kunta.fi"
    and "maija@kunta.fi" are one person and must be one account.
    """
    try:
        result = validate_email(address.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidEmail(str(error)) from None
    return result.normalized.lower()


def masked(address: str) -> str:
    """Enough of an address for its owner to recognise it, too little for anyone else to read it
    off a forwarded link's page: "a•••@example.fi"."""
    local, _at, domain = address.rpartition("@")
    return f"{local[:1]}•••@{domain}" if local else address
