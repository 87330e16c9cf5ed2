"""The discussion: threaded comments per section, with replies, quotes, agreement and edits."""
