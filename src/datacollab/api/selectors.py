"""Reads for the API keys, tiers and usage pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from datacollab.api.models import ApiTiers, ApiToken, EnterprisePlan, Tier, UsageDay
from datacollab.collaborations.models import DataCollaboration
from datacollab.datasets.models import Dataset
from datacollab.organisations.models import Membership, Organisation


def tokens_of(user: Any) -> list[ApiToken]:
    """The person's tokens, newest first, active before revoked."""
    tokens = ApiToken.objects.filter(user_id=user.pk).order_by("-created_at", "-pk")
    return sorted(tokens, key=lambda t: t.revoked_at is not None)


def keys_of(organisation: Organisation) -> list[ApiToken]:
    """The organisation's keys, newest first, active before revoked, with who made each."""
    keys = (
        ApiToken.objects.filter(organisation=organisation)
        .select_related("created_by")
        .order_by("-created_at", "-pk")
    )
    return sorted(keys, key=lambda t: t.revoked_at is not None)


def administered_organisations(user: Any) -> list[Organisation]:
    """The organisations whose keys this person manages."""
    return list(
        Organisation.objects.filter(
            memberships__user_id=user.pk, memberships__role=Membership.Role.ADMIN
        ).order_by("name")
    )


def stewarded(user: Any) -> tuple[list[Dataset], list[DataCollaboration]]:
    """The datasets and collaborations whose API tiers and usage this person manages."""
    admin_of = Membership.objects.filter(user_id=user.pk, role=Membership.Role.ADMIN).values(
        "organisation_id"
    )
    datasets = list(Dataset.objects.filter(owner_id__in=admin_of).order_by("title"))
    collaborations = list(DataCollaboration.objects.filter(lead_id__in=admin_of).order_by("name"))
    return datasets, collaborations


def plans_of(tiers: ApiTiers | None) -> list[EnterprisePlan]:
    if tiers is None:
        return []
    return list(EnterprisePlan.objects.filter(tiers=tiers).select_related("user", "organisation"))


def _usage_rows(scope: Dataset | DataCollaboration) -> QuerySet[UsageDay]:
    if isinstance(scope, Dataset):
        return UsageDay.objects.filter(dataset_id=scope.pk)
    datasets = Dataset.objects.filter(collaboration=scope).values("pk")
    return UsageDay.objects.filter(Q(collaboration_id=scope.pk) | Q(dataset_id__in=datasets))


@dataclass(frozen=True)
class Usage:
    by_day: list[dict[str, Any]]
    by_account: list[dict[str, Any]]
    by_endpoint: list[dict[str, Any]]
    total_calls: int
    total_refused: int
    monthly_revenue: Decimal
    currency: str
    active_plans: int


def _grouped(rows: QuerySet[UsageDay], *fields: str) -> list[dict[str, Any]]:
    return list(
        rows.values(*fields)
        .annotate(calls_sum=Sum("calls"), refused_sum=Sum("refused"))
        .order_by(*fields)
    )


def _labels(accounts: set[str], key_ids: set[int]) -> dict[str, str]:
    """Readable names for `user:1`, `org:2` and key ids, in two queries."""
    from django.contrib.auth import get_user_model

    labels = {"anon": _("anonymous")}
    user_ids = [int(a[5:]) for a in accounts if a.startswith("user:")]
    org_ids = [int(a[4:]) for a in accounts if a.startswith("org:")]
    for pk, email in get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "email"):
        labels[f"user:{pk}"] = email
    for pk, name in Organisation.objects.filter(pk__in=org_ids).values_list("pk", "name"):
        labels[f"org:{pk}"] = name
    for pk, name, prefix in ApiToken.objects.filter(pk__in=key_ids).values_list(
        "pk", "name", "prefix"
    ):
        labels[f"key:{pk}"] = f"{name} ({prefix}…)"
    return labels


def usage_of(scope: Dataset | DataCollaboration, *, since: dt.date) -> Usage:
    """Calls by day, by account and key, by endpoint since `since`; the plans' revenue."""
    rows = _usage_rows(scope).filter(day__gte=since)
    by_account = _grouped(rows, "account", "key_id", "tier")
    labels = _labels({r["account"] for r in by_account}, {r["key_id"] for r in by_account})
    tier_names = {value: str(label) for value, label in Tier.choices}
    for row in by_account:
        row["account_label"] = labels.get(row["account"], row["account"])
        row["key_label"] = labels.get(f"key:{row['key_id']}", "") if row["key_id"] else ""
        row["tier_label"] = tier_names.get(row["tier"], row["tier"])
    by_day = _grouped(rows, "day")
    by_day.reverse()
    totals = rows.aggregate(calls=Sum("calls"), refused=Sum("refused"))
    tiers = (
        ApiTiers.objects.filter(dataset=scope).first()
        if isinstance(scope, Dataset)
        else ApiTiers.objects.filter(collaboration=scope).first()
    )
    active = 0 if tiers is None else tiers.plans.filter(ended_at__isnull=True).count()
    price = Decimal("0.00") if tiers is None else tiers.enterprise_price
    return Usage(
        by_day=by_day,
        by_account=by_account,
        by_endpoint=_grouped(rows, "endpoint"),
        total_calls=totals["calls"] or 0,
        total_refused=totals["refused"] or 0,
        monthly_revenue=price * active,
        currency="GBP" if tiers is None else tiers.currency,
        active_plans=active,
    )


def usage_csv_rows(scope: Dataset | DataCollaboration, *, since: dt.date) -> list[list[Any]]:
    """Every metering row since `since`, for the CSV export, with readable account names."""
    rows = list(
        _usage_rows(scope)
        .filter(day__gte=since)
        .order_by("day", "dataset_id", "account", "key_id", "endpoint")
        .values_list(
            "day", "dataset_id", "account", "key_id", "tier", "endpoint", "calls", "refused"
        )
    )
    labels = _labels({r[2] for r in rows}, {r[3] for r in rows})
    slugs = dict(Dataset.objects.filter(pk__in={r[1] for r in rows}).values_list("pk", "slug"))
    return [
        [
            day.isoformat(),
            slugs.get(dataset_id, ""),
            labels.get(account, account),
            labels.get(f"key:{key_id}", "") if key_id else "",
            tier,
            endpoint,
            calls,
            refused,
        ]
        for day, dataset_id, account, key_id, tier, endpoint, calls, refused in rows
    ]
