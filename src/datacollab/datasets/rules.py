"""Who may see a dataset and who may read its data, by Data Spectrum level.

One rule for every channel: pages, previews, downloads, the API, search, feeds and exports
all ask these functions (or `selectors.visible_datasets`, the same rule as a query).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from datacollab.collaborations.selectors import has_accepted_current
from datacollab.datasets.models import AccessGrant, Dataset, Spectrum
from datacollab.organisations.models import Membership
from datacollab.organisations.rules import has_verified_email


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def _org_ids(user: Any) -> set[int]:
    if not _authenticated(user):
        return set()
    cache = getattr(user, "_org_ids_cache", None)
    if cache is None:
        cache = set(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))
        user._org_ids_cache = cache
    return cache


def is_owner(user: Any, dataset: Dataset) -> bool:
    """Members of the owning organisation manage the dataset and always read its data."""
    return dataset.owner_id in _org_ids(user)


def is_group_member(user: Any, dataset: Dataset) -> bool:
    if dataset.collaboration_id is None:
        return False
    orgs = _org_ids(user)
    if not orgs:
        return False
    return dataset.collaboration.memberships.filter(organisation_id__in=orgs).exists()  # type: ignore[union-attr]


def is_named_grantee(user: Any, dataset: Dataset) -> bool:
    if not _authenticated(user):
        return False
    # An ended grant is as if absent (AccessGrant.ends_on).
    grants = AccessGrant.objects.active().filter(dataset=dataset)
    # A grant to a person was made by their address: it counts only once they have proved
    # it, or anyone who signed up with that address first would hold it (red team finding 4).
    personal = has_verified_email(user) and grants.filter(user=user).exists()
    return personal or (grants.filter(organisation_id__in=_org_ids(user)).exists())


def _in_audience(user: Any, dataset: Dataset) -> bool:
    """Whether the spectrum level admits this person at all (agreements aside)."""
    level = dataset.spectrum
    if level == Spectrum.OPEN:
        return True
    if is_owner(user, dataset):
        return True
    if level == Spectrum.PUBLIC:
        return _authenticated(user)
    if level == Spectrum.GROUP:
        # An approved access request to group data admits the requester by a grant.
        return is_group_member(user, dataset) or is_named_grantee(user, dataset)
    if level == Spectrum.NAMED:
        return is_named_grantee(user, dataset)
    return False


def can_see(user: Any, dataset: Dataset) -> bool:
    """May this person learn that the dataset exists (title, description, in lists and counts)?"""
    if _in_audience(user, dataset):
        return True
    # Listed named/group data shows its metadata to registered people, so they can ask.
    return (
        dataset.listed
        and dataset.spectrum in (Spectrum.NAMED, Spectrum.GROUP)
        and _authenticated(user)
    )


@dataclass(frozen=True)
class DataAccess:
    allowed: bool
    reason: str
    # What the person can do about a refusal: "login", "accept" (the agreement),
    # "request" (access from the owner), or "" (nothing).
    action: str = ""


def data_access(user: Any, dataset: Dataset) -> DataAccess:
    """May this person read the data (preview, download, rows API, exports)?"""
    if dataset.spectrum == Spectrum.OPEN:
        return DataAccess(True, _("Open data: anyone may use it."))
    if is_owner(user, dataset):
        return DataAccess(True, _("You are a member of the owning organisation."))
    if not _authenticated(user):
        return DataAccess(False, _("Log in to use this dataset."), "login")
    if not _in_audience(user, dataset):
        if dataset.spectrum in (Spectrum.NAMED, Spectrum.GROUP):
            return DataAccess(
                False, _("This dataset is shared only with people the owner admits."), "request"
            )
        return DataAccess(False, _("This dataset is not shared."))
    agreement = dataset.agreement
    if agreement is not None and not has_accepted_current(user, agreement):
        return DataAccess(
            False,
            _("Accept the current version of the data use agreement “%(title)s” first.")
            % {"title": agreement.title},
            "accept",
        )
    return DataAccess(True, _("You have access under the dataset's terms."))
