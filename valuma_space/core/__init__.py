"""Site-wide pages: language choice, health check and the accessibility statement."""
