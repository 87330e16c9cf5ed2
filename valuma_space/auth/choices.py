"""The lists a profile chooses from; they live in valuma_space.choices (invitations use them
too, and workspaces stand below auth)."""

from valuma_space.choices import (
    ORGANISATION_TYPE_LABELS,
    REGION_LABELS,
    OrganisationType,
    Region,
)

__all__ = ["ORGANISATION_TYPE_LABELS", "REGION_LABELS", "OrganisationType", "Region"]
