"""The alumni directory: organisations of ended cohorts, across cohorts, with their people.

Who is an alumnus comes from `participation` (a cohort whose end date has passed); this
module only lists them. The directory is for people of the network: participants and alumni
of any cohort, experts and conveners. Reviewers and applicants who were not selected are not
in the network's circle of peers, so they do not see it (the same circle as the network-wide
discussion channel).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from datacollab.core import countries, country_names
from datacollab.core.errors import NotAllowed
from datacollab.network.models import Cohort, CohortMembership
from datacollab.network.selectors.participation import cohort_ids_of, ended_cohorts
from datacollab.organisations.models import Membership, Organisation, Role
from datacollab.organisations.rules import has_role, is_convener

PAGE_SIZE = 50


def can_see_alumni_directory(user: Any) -> bool:
    return bool(cohort_ids_of(user) or is_convener(user) or has_role(user, Role.EXPERT))


def require_alumni_directory(user: Any) -> None:
    if not can_see_alumni_directory(user):
        raise NotAllowed(
            _(
                "The alumni directory is for the network's people: participants and alumni of "
                "a cohort, experts and conveners. Ask a convener if you should be one of them."
            )
        )


def regions() -> list[str]:
    """UN M49 regions that have countries, in alphabetical order."""
    return sorted({c.region for c in countries.all_countries() if c.region})


def alumni_cohorts() -> QuerySet[Cohort]:
    """Ended cohorts, newest first: the cohort filter's choices."""
    return ended_cohorts().order_by("-ends_on", "pk")


@dataclass(frozen=True)
class AlumniEntry:
    organisation: Organisation
    cohorts: list[Cohort]
    people: list[str]
    # Members who gave no name are counted, not listed: an email address is not a name.
    unnamed: int

    @property
    def region(self) -> str:
        return country_names.region(countries.region_of(self.organisation.country))


def alumni_organisations(
    *,
    viewer: Any,
    cohort: Cohort | None = None,
    region: str = "",
    kind: str = "",
    query: str = "",
) -> QuerySet[Organisation]:
    """Organisations of at least one ended cohort, filtered, by name; each carries
    `alumni_ties` (its ended cohorts) and `directory_members` (active people)."""
    require_alumni_directory(viewer)
    ended = alumni_cohorts()
    organisations = Organisation.objects.filter(cohort_memberships__cohort__in=ended)
    if cohort is not None:
        organisations = organisations.filter(cohort_memberships__cohort=cohort)
    if region:
        codes = [c.alpha2 for c in countries.all_countries() if c.region == region]
        organisations = organisations.filter(country__in=codes)
    if kind:
        organisations = organisations.filter(kind=kind)
    query = query.strip()
    if query:
        named = Membership.objects.filter(
            user__is_active=True, user__display_name__icontains=query
        ).values("organisation_id")
        organisations = organisations.filter(Q(name__icontains=query) | Q(pk__in=named))
    return (
        organisations.distinct()
        .order_by("name", "pk")
        .prefetch_related(
            Prefetch(
                "cohort_memberships",
                queryset=CohortMembership.objects.filter(cohort__in=ended)
                .select_related("cohort")
                .order_by("-cohort__ends_on", "cohort_id"),
                to_attr="alumni_ties",
            ),
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(user__is_active=True)
                .select_related("user")
                .order_by("user__display_name", "user_id"),
                to_attr="directory_members",
            ),
        )
    )


def entries(organisations: list[Organisation]) -> list[AlumniEntry]:
    """Directory rows of a page of `alumni_organisations`."""
    rows = []
    for organisation in organisations:
        members = organisation.directory_members  # type: ignore[attr-defined]
        names = [m.user.display_name for m in members if m.user.display_name.strip()]
        rows.append(
            AlumniEntry(
                organisation=organisation,
                cohorts=[tie.cohort for tie in organisation.alumni_ties],  # type: ignore[attr-defined]
                people=names,
                unnamed=len(members) - len(names),
            )
        )
    return rows
