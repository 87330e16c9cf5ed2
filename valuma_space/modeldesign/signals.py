"""What happens in the model design, for notifications to tell its authors."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

comment_linked = _signals.signal("comment-linked")
"""A moderator linked a comment (the sender) to an alternative: `moderator`, `used_in`, and
`link_id`, which names this link among the comment's others."""
