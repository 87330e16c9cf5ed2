"""The study's materials: pages and their sections, read by everyone the workspace admits."""
