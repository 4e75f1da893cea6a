"""Who read a dataset's non-open data, from the audit log: for the dataset's owners only.

Every read of non-open data is one `dataset.accessed` audit entry (services/audit_access.py)
with its channel. This turns those entries into rows (when, person, their organisations,
channel), filtered by person or organisation, channel group and date range. Organisations are
the person's memberships now (the entry records the person, not on whose behalf they read).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from datacollab.core.models import AuditEntry
from datacollab.datasets.models import Dataset
from datacollab.datasets.selectors.access import require_owner
from datacollab.datasets.services.audit_access import ACTION
from datacollab.organisations.models import Membership

PAGE_SIZE = 50
# Channel groups an owner filters by, and the recorded channels each covers (by prefix).
CHANNELS: dict[str, Any] = {
    "page": _("Web page (preview, comparison)"),
    "download": _("Download"),
    "api": _("API"),
    "export": _("Export (Data Package, command line)"),
}
_PREFIXES = {
    "page": ("preview", "page.", "diff"),
    "download": ("download",),
    "api": ("api.",),
    "export": ("datapackage", "cli"),
}


def channel_group(channel: str) -> str:
    for group, prefixes in _PREFIXES.items():
        if channel.startswith(prefixes):
            return group
    return ""


@dataclass(frozen=True)
class AccessFilters:
    who: str = ""  # part of a person's email or name, or of an organisation's name or slug
    channel: str = ""  # a key of CHANNELS, or "" for all
    since: dt.date | None = None
    until: dt.date | None = None  # inclusive


@dataclass(frozen=True)
class AccessRow:
    when: dt.datetime
    person: str  # the email at the time of the read; "" for the server operator (CLI)
    organisations: list[str]
    channel: str
    channel_group: str
    version: int | None

    @property
    def channel_label(self) -> str:
        return str(CHANNELS.get(self.channel_group, self.channel))


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def access_entries(actor: Any, dataset: Dataset, filters: AccessFilters) -> QuerySet[AuditEntry]:
    """The dataset's read entries, newest first, filtered; 404/403 unless `actor` owns it."""
    require_owner(actor, dataset)
    entries = AuditEntry.objects.filter(
        action=ACTION, object_type=Dataset._meta.label_lower, object_id=str(dataset.pk)
    )
    if filters.channel in _PREFIXES:
        match = Q()
        for prefix in _PREFIXES[filters.channel]:
            match |= Q(details__channel__startswith=prefix)
        entries = entries.filter(match)
    if filters.since is not None:
        entries = entries.filter(created_at__gte=_day_start(filters.since))
    if filters.until is not None:
        entries = entries.filter(created_at__lt=_day_start(filters.until + dt.timedelta(days=1)))
    who = filters.who.strip()
    if who:
        members = Membership.objects.filter(
            Q(organisation__name__icontains=who) | Q(organisation__slug__iexact=who)
        ).values("user_id")
        entries = entries.filter(Q(actor_label__icontains=who) | Q(actor_id__in=members))
    return entries.order_by("-seq")


def access_rows(entries: Iterable[AuditEntry]) -> list[AccessRow]:
    """Rows for one page of entries: one more query for everyone's organisations."""
    entries = list(entries)
    people = {e.actor_id for e in entries if e.actor_id is not None}
    orgs: dict[int, list[str]] = {}
    memberships = (
        Membership.objects.filter(user_id__in=people)
        .order_by("organisation__name")
        .values_list("user_id", "organisation__name")
    )
    for user_id, name in memberships:
        orgs.setdefault(user_id, []).append(name)
    return [
        AccessRow(
            when=e.created_at,
            person=e.actor_label if e.actor_id is not None else "",
            organisations=orgs.get(e.actor_id, []) if e.actor_id is not None else [],
            channel=str(e.details.get("channel", "")),
            channel_group=channel_group(str(e.details.get("channel", ""))),
            version=e.details.get("version"),
        )
        for e in entries
    ]


def iter_access_rows(entries: QuerySet[AuditEntry], batch: int = 1000) -> Iterator[AccessRow]:
    """Every row, a batch of entries at a time (for the CSV export: constant memory)."""
    last: int | None = None
    while True:
        chunk = entries if last is None else entries.filter(seq__lt=last)
        found = list(chunk[:batch])
        if not found:
            return
        yield from access_rows(found)
        last = found[-1].seq
