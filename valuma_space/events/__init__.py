"""Seminars and workshops: events of the workspace, registration with on-site seats, a waiting
list and the remote option, and their calendar files."""
