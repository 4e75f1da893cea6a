"""Reads about collaborations and agreements."""

from __future__ import annotations

from typing import Any

from datacollab.collaborations.models import Acceptance, Agreement, AgreementVersion


def current_version(agreement: Agreement) -> AgreementVersion | None:
    return agreement.versions.order_by("-number").first()


def has_accepted_current(user: Any, agreement: Agreement) -> bool:
    """Whether the user, or an organisation they belong to, accepted the agreement's current text.

    A new text version needs a new acceptance: older acceptances do not carry over.
    """
    if not getattr(user, "is_authenticated", False):
        return False
    version = current_version(agreement)
    if version is None:
        return False
    return (
        Acceptance.objects.filter(version=version, text_hash=version.text_hash)
        .filter(accepted_by=user, organisation__isnull=True)
        .exists()
        or Acceptance.objects.filter(
            version=version, text_hash=version.text_hash, organisation__memberships__user=user
        ).exists()
    )
