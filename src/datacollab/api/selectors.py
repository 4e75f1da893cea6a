"""Reads for the API tokens page."""

from __future__ import annotations

from typing import Any

from datacollab.api.models import ApiToken


def tokens_of(user: Any) -> list[ApiToken]:
    """The person's tokens, newest first, active before revoked."""
    tokens = ApiToken.objects.filter(user_id=user.pk).order_by("-created_at", "-pk")
    return sorted(tokens, key=lambda t: t.revoked_at is not None)
