"""Notifications: replies, mentions, moderation outcomes and uses of a participant's input, in
the app and by mail, and the digests of what is new."""
