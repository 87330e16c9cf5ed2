"""The demo workspace: the VALUMA study's own description, arranged as pages and sections."""
