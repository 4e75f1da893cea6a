"""Who may run aggregate queries on a dataset. Never a reason to read rows: see the models."""

from __future__ import annotations

from typing import Any

from datacollab.collaborations.selectors import has_accepted_current
from datacollab.datasets.models import Dataset
from datacollab.datasets.rules import _authenticated, _org_ids, data_access, is_owner
from datacollab.privacy.models import AggregateGrant, ProtectionSettings


def has_aggregate_grant(user: Any, dataset: Dataset) -> bool:
    if not _authenticated(user):
        return False
    grants = AggregateGrant.objects.filter(dataset=dataset)
    return (
        grants.filter(user=user).exists()
        or grants.filter(organisation_id__in=_org_ids(user)).exists()
    )


def can_query_aggregates(user: Any, dataset: Dataset) -> bool:
    """Owners, people who may read the rows anyway, and aggregates-only grantees."""
    if not _authenticated(user):
        return False
    if not ProtectionSettings.objects.filter(dataset=dataset).exists():
        return False
    if is_owner(user, dataset) or data_access(user, dataset).allowed:
        return True
    if not has_aggregate_grant(user, dataset):
        return False
    agreement = dataset.agreement
    return agreement is None or has_accepted_current(user, agreement)


def can_manage_protection(user: Any, dataset: Dataset) -> bool:
    return is_owner(user, dataset)
