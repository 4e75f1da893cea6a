"""Reads of the privacy app."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from datacollab.core.errors import DomainError, NotFound
from datacollab.datasets.models import Dataset
from datacollab.datasets.rules import can_see
from datacollab.privacy import rules
from datacollab.privacy.engine import Dimension, lattice
from datacollab.privacy.models import (
    AggregateGrant,
    BudgetAccount,
    LedgerEntry,
    ProtectionSettings,
)
from datacollab.privacy.services import engine_protection, period_start


class LoginRequired(DomainError):
    status = 401


def dataset_for_aggregates(user: Any, slug: str) -> tuple[Dataset, bool]:
    """The dataset and whether this person may query it; 404 if they may not even know of it."""
    dataset = Dataset.objects.select_related("owner", "agreement").filter(slug=slug).first()
    if dataset is None:
        raise NotFound(_("There is no such dataset."))
    if rules.can_query_aggregates(user, dataset):
        return dataset, True
    if can_see(user, dataset):
        return dataset, False
    raise NotFound(_("There is no such dataset."))


def protection_of(dataset: Dataset) -> ProtectionSettings | None:
    return ProtectionSettings.objects.filter(dataset=dataset).first()


def ledger(dataset: Dataset) -> QuerySet[LedgerEntry]:
    """Every debit on the dataset, newest first: who spent what, on which query."""
    return (
        LedgerEntry.objects.filter(account__dataset=dataset)
        .select_related("account__user", "account__organisation", "release", "actor")
        .order_by("-created_at", "-id")
    )


def spent_this_period(dataset: Dataset) -> list[dict[str, Any]]:
    """Per person and organisation: epsilon spent in the current period."""
    settings = protection_of(dataset)
    if settings is None:
        return []
    start = period_start(settings, timezone.localdate())
    rows = (
        BudgetAccount.objects.filter(dataset=dataset, period_start=start)
        .select_related("user", "organisation")
        .annotate(spent=Sum("entries__epsilon"))
        .order_by("organisation__name", "user__email")
    )
    return [
        {
            "who": str(row.user or row.organisation),
            "organisation": row.organisation_id is not None,
            "spent": float(row.spent or 0.0),
            "left": max(
                0.0,
                (settings.budget_organisation if row.organisation_id else settings.budget_person)
                - float(row.spent or 0.0),
            ),
        }
        for row in rows
    ]


def column_types(dataset: Dataset) -> dict[str, str]:
    """Column name -> Table Schema type, from the latest version."""
    version = dataset.versions.order_by("-number").first()
    fields = (version.schema if version else {}).get("fields", [])
    return {str(f["name"]): str(f.get("type") or "string") for f in fields if isinstance(f, dict)}


def aggregate_grants(dataset: Dataset) -> QuerySet[AggregateGrant]:
    return (
        AggregateGrant.objects.filter(dataset=dataset)
        .select_related("user", "organisation", "granted_by")
        .order_by("-created_at", "-id")
    )


def allowed_groupings(settings: ProtectionSettings) -> list[Dimension] | None:
    """Without a privacy unit: the lattice's groupings, the only ones a query may use.

    The same list `engine/lattice.py` checks queries against, so the form offers nothing it
    would refuse. With a privacy unit: None (any dimension, bucket or bin).
    """
    protection = engine_protection(settings)
    return None if protection.unit else list(lattice.dimensions(protection))
