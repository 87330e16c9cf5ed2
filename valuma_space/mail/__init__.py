"""Outgoing mail: an outbox in the database and a sender that delivers it, retrying, so that no
mail is lost when the mail server has a bad moment."""
