"""What happens to accounts, for the domains above (the discussion, notifications) to react to.
The sender is the user; subscribers write in the caller's transaction."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

name_changed = _signals.signal("name-changed")
"""How the person is named to others may have changed (their profile was saved)."""
account_deleting = _signals.signal("account-deleting")
"""The account is about to go; `delete_comments` says whether its comments go with it. Sent
before the row is deleted, so that subscribers still see what hangs on it."""
