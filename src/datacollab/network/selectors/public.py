"""Reads for the public pages: what anyone, logged in or not, may see."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from datacollab.network.models import Award, Call, Cohort, CohortMembership, Network
from datacollab.organisations import rules
from datacollab.organisations.models import Organisation


@dataclass(frozen=True)
class CohortTotals:
    awards: int
    awarded: Decimal


def current_network() -> Network | None:
    """The network this site runs. One site runs one network; the oldest row is it."""
    return Network.objects.order_by("id").first()


def open_calls() -> QuerySet[Call]:
    """Open calls whose deadline is still ahead, the soonest deadline first."""
    return (
        Call.objects.filter(status=Call.Status.OPEN, deadline__gt=timezone.now())
        .select_related("cohort")
        .order_by("deadline", "id")
    )


def _memberships() -> Prefetch:
    return Prefetch(
        "memberships",
        queryset=CohortMembership.objects.select_related("organisation").order_by(
            "organisation__name"
        ),
    )


def cohorts_with_members(network: Network | None) -> QuerySet[Cohort]:
    """Every cohort of the network, newest first, with its participating organisations."""
    cohorts = Cohort.objects.all() if network is None else network.cohorts.all()
    return cohorts.order_by("-starts_on", "id").prefetch_related(_memberships())


def cohort_by_slug(slug: str) -> Cohort:
    cohort = (
        Cohort.objects.filter(slug=slug)
        .select_related("network")
        .prefetch_related(_memberships())
        .first()
    )
    if cohort is None:
        raise Http404(_("There is no cohort at this address."))
    return cohort


def cohort_totals(cohort: Cohort) -> CohortTotals:
    totals = Award.objects.filter(cohort=cohort).aggregate(count=Count("id"), total=Sum("amount"))
    return CohortTotals(awards=totals["count"], awarded=totals["total"] or Decimal("0.00"))


def awards_by_organisation(cohort: Cohort) -> dict[int, Award]:
    return {award.organisation_id: award for award in Award.objects.filter(cohort=cohort)}


def call_for_viewer(slug: str, viewer: Any) -> Call:
    """A call that has been opened for anyone; a draft only for conveners (everyone else gets a 404,
    so the existence of a draft does not leak)."""
    call = (
        Call.objects.filter(slug=slug)
        .select_related("cohort")
        .prefetch_related("criteria", "questions")
        .first()
    )
    if call is None or (not call.is_public and not rules.is_convener(viewer)):
        raise Http404(_("There is no open call at this address."))
    return call


def participating_organisations() -> QuerySet[Organisation]:
    """Organisations that are or were members of a cohort, by name, each with its cohorts."""
    return (
        Organisation.objects.filter(
            pk__in=CohortMembership.objects.values("organisation_id"),
        )
        .order_by("name", "pk")
        .prefetch_related(
            Prefetch(
                "cohort_memberships",
                queryset=CohortMembership.objects.select_related("cohort").order_by(
                    "-cohort__starts_on", "cohort_id"
                ),
            )
        )
    )
