"""The access rule of `datasets.rules` as a query: for lists, search results, counts, feeds."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Q, QuerySet, When
from django.utils.translation import gettext as _

from datacollab.core.errors import NotAllowed, NotFound
from datacollab.datasets.models import AccessGrant, AccessRequest, Dataset, Spectrum
from datacollab.datasets.rules import can_see, is_owner
from datacollab.organisations.models import Membership


def visible_datasets(user: Any) -> QuerySet[Dataset]:
    """Every dataset whose existence this person may learn; keep in step with rules.can_see."""
    shown = Q(spectrum=Spectrum.OPEN)
    if getattr(user, "is_authenticated", False):
        orgs = Membership.objects.filter(user=user).values("organisation_id")
        shown |= Q(spectrum=Spectrum.PUBLIC)
        shown |= Q(owner_id__in=orgs)
        shown |= Q(spectrum=Spectrum.GROUP, collaboration__memberships__organisation_id__in=orgs)
        # Ended grants count for nothing (AccessGrant.ends_on), as in rules.is_named_grantee;
        # a personal grant counts only for a verified address (red team finding 4).
        personal = Q(user=user) if user.email_verified_at is not None else Q(pk__in=[])
        granted = AccessGrant.objects.active().filter(personal | Q(organisation_id__in=orgs))
        shown |= Q(spectrum__in=[Spectrum.NAMED, Spectrum.GROUP], pk__in=granted.values("dataset"))
        shown |= Q(listed=True, spectrum__in=[Spectrum.NAMED, Spectrum.GROUP])
    return Dataset.objects.filter(pk__in=Dataset.objects.filter(shown).values("pk"))


def require_owner(actor: Any, dataset: Dataset) -> None:
    """Strangers learn nothing (404); those who may see the dataset are told why not (403)."""
    if is_owner(actor, dataset):
        return
    if not can_see(actor, dataset):
        raise NotFound(_("There is no such dataset."))
    raise NotAllowed(_("Only members of the organisation that owns this dataset may do this."))


def grants_of(actor: Any, dataset: Dataset) -> list[AccessGrant]:
    """The dataset's grants, for its owner's members only."""
    require_owner(actor, dataset)
    return list(
        dataset.grants.select_related("user", "organisation", "granted_by").order_by("created_at")
    )


def requests_for(actor: Any, dataset: Dataset) -> QuerySet[AccessRequest]:
    """Access requests to the dataset, pending first, for its owner's members only."""
    require_owner(actor, dataset)
    return (
        dataset.access_requests.select_related("requester", "organisation", "decided_by")
        .annotate(is_pending=Case(When(status="pending", then=0), default=1))
        .order_by("is_pending", "-created_at")
    )


def requests_of(user: Any) -> QuerySet[AccessRequest]:
    """A person's own requests, on datasets they may still see (an unlisted one drops out)."""
    return (
        AccessRequest.objects.filter(requester=user, dataset__in=visible_datasets(user))
        .select_related("dataset", "organisation")
        .order_by("-created_at")
    )
