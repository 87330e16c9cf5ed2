"""The workspace: the study being consulted on, its comment period and who may read it."""
