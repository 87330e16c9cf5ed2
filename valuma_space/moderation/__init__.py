"""Moderation: the triage queue, pre-moderation, reports, hiding with reasons, notes and the log."""
