"""The access rule of `datasets.rules` as a query: for lists, search results, counts, feeds."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from datacollab.datasets.models import Dataset, Spectrum
from datacollab.organisations.models import Membership


def visible_datasets(user: Any) -> QuerySet[Dataset]:
    """Every dataset whose existence this person may learn; keep in step with rules.can_see."""
    shown = Q(spectrum=Spectrum.OPEN)
    if getattr(user, "is_authenticated", False):
        orgs = Membership.objects.filter(user=user).values("organisation_id")
        shown |= Q(spectrum=Spectrum.PUBLIC)
        shown |= Q(owner_id__in=orgs)
        shown |= Q(spectrum=Spectrum.GROUP, collaboration__memberships__organisation_id__in=orgs)
        shown |= Q(spectrum=Spectrum.NAMED, grants__user=user)
        shown |= Q(spectrum=Spectrum.NAMED, grants__organisation_id__in=orgs)
        shown |= Q(listed=True, spectrum__in=[Spectrum.NAMED, Spectrum.GROUP])
    return Dataset.objects.filter(pk__in=Dataset.objects.filter(shown).values("pk"))
