"""API tokens for tests, made through the service (so the secret is real)."""

from __future__ import annotations

from datacollab.api.models import ApiToken
from datacollab.api.services.tokens import create_token
from datacollab.organisations.models import User


def make_token(user: User, name: str = "script") -> tuple[ApiToken, str]:
    return create_token(actor=user, name=name)


def bearer(secret: str) -> dict[str, str]:
    """Client keyword arguments sending the token."""
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
