"""The consortium's own pages: the workspace at a glance, and (for admins) accounts and roles."""
