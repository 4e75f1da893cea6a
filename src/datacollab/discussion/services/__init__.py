"""Every write of the discussion app. Import the functions from here."""

from datacollab.discussion.services.channels import ensure_channels

__all__ = ["ensure_channels"]
