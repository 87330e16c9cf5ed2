"""How many sign-in links may be asked for, and by whom: nobody can keep another person out,
and no address is flooded with mail.

The threat: an attacker on any number of other networks asks for links for a victim's address,
to fill the victim's inbox or to use up the victim's allowance so that the victim's own request
is refused. The rule, applied only to requests that passed validation (a request without a valid
CSRF token or address counts for nothing):

1. **Per client** (the IP address, as PROXY_FIX_HOPS allows): LOGIN_RATE_PER_IP. Over it: 429.
2. **Per address and client together**: LOGIN_RATE_PER_ADDRESS. Over it: 429, for that client
   only; nobody elsewhere uses up this allowance.
3. **Per address, from anywhere**: LOGIN_MAILS_PER_ADDRESS mails. A request over this cap gets
   the same "check your email" page as any other, and no mail, unless:
4. **A client the address trusts**: one that completed a sign-in to this address before, told by
   a signed cookie the browser got then (30 days) or by its network (the same IP, 30 days). It
   has an allowance of its own, LOGIN_TRUSTED_MAILS_PER_ADDRESS, that the attacker elsewhere
   cannot touch.

So one address receives at most LOGIN_MAILS_PER_ADDRESS + LOGIN_TRUSTED_MAILS_PER_ADDRESS mails
per window (with the defaults, 10 + 10 an hour), whatever the attacker does, and a person on
their own network or browser gets their link while the attack goes on.

What it cannot prevent: a person who has never signed in (or whose browser and network are both
new) can be kept waiting until the attacker stops and the hour passes; an attacker on the same
network (a shared office address) shares its trust. Addresses are counted without their
+tag ("nimi+1@kunta.fi" is "nimi@kunta.fi"), so tags do not multiply the caps.
"""

from __future__ import annotations

import hashlib
from enum import StrEnum

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from limits import parse

from valuma_space.extensions import limiter

KNOWN_COOKIE = "valuma_known"
TRUST_DAYS = 30
KNOWN_LIMIT = 5
"""Addresses a browser remembers having signed in with."""


class Verdict(StrEnum):
    SEND = "send"
    SILENT = "silent"
    """Answered like any request, without a mail."""
    TOO_MANY = "too_many"


def counted_address(email: str) -> str:
    """The address as the caps count it: its +tag dropped."""
    local, _at, domain = email.rpartition("@")
    return f"{local.split('+', 1)[0]}@{domain}"


def _digest(address: str) -> str:
    # The cookie and the limiter's keys name an address by a keyed hash, never in clear.
    key = current_app.config["SECRET_KEY"].encode()
    return hashlib.blake2b(address.encode(), key=key[:64], digest_size=16).hexdigest()


def _trust_window():
    return parse(f"1 per {TRUST_DAYS} days")


def verdict(email: str, client: str, cookie: str | None) -> Verdict:
    """Whether a valid request for `email` from `client` gets a mail, and records it."""
    strategy = limiter.limiter
    config = current_app.config
    address = _digest(counted_address(email))
    if not strategy.hit(parse(config["LOGIN_RATE_PER_IP"]), "signin-client", client):
        return Verdict.TOO_MANY
    if not strategy.hit(parse(config["LOGIN_RATE_PER_ADDRESS"]), "signin-pair", address, client):
        return Verdict.TOO_MANY
    if strategy.hit(parse(config["LOGIN_MAILS_PER_ADDRESS"]), "signin-address", address):
        return Verdict.SEND
    trusted = address in _known(cookie) or not strategy.test(
        _trust_window(), "signin-trusted", address, client
    )
    if trusted and strategy.hit(
        parse(config["LOGIN_TRUSTED_MAILS_PER_ADDRESS"]), "signin-trusted-mails", address
    ):
        return Verdict.SEND
    return Verdict.SILENT


def trust(email: str, client: str, cookie: str | None) -> str:
    """After a completed sign-in: remember the client's network for the address, and return
    the browser's cookie value, which now names the address too."""
    address = _digest(counted_address(email))
    strategy = limiter.limiter
    strategy.clear(_trust_window(), "signin-trusted", address, client)
    strategy.hit(_trust_window(), "signin-trusted", address, client)
    known = [address, *(item for item in _known(cookie) if item != address)][:KNOWN_LIMIT]
    return _serializer().dumps(known)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="valuma-known-browser")


def _known(cookie: str | None) -> list[str]:
    if not cookie:
        return []
    try:
        known = _serializer().loads(cookie)
    except BadSignature:
        return []
    return [item for item in known if isinstance(item, str)] if isinstance(known, list) else []
