"""Questions and polls inside the materials: moderators put questions in a section's text,
participants answer them in place, and the results stand beside the discussion."""
