"""Exports: the discussion as data first (rows.py), then written in the chosen format
(formats.py), streaming, so that 100,000 comments fit in a small, steady amount of memory."""
