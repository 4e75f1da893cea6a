"""Reads for the grants pages and the 360Giving export. Conveners only."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils.translation import gettext as _

from datacollab.core.errors import NotAllowed, NotFound
from datacollab.network.models import Application, Award, Cohort, Instalment
from datacollab.organisations.models import Organisation
from datacollab.organisations.rules import is_convener


def _require_convener(actor: Any) -> None:
    if not is_convener(actor):
        raise NotAllowed(_("Only a convener can see a cohort's grants."))


def cohort_by_slug(slug: str) -> Cohort:
    cohort = Cohort.objects.filter(slug=slug).select_related("network").first()
    if cohort is None:
        raise NotFound(_("There is no cohort %(slug)r.") % {"slug": slug})
    return cohort


@dataclass(frozen=True)
class CohortGrants:
    cohort: Cohort
    awards: list[Award]
    committed: Decimal
    paid: Decimal

    @property
    def budget(self) -> Decimal:
        return self.cohort.budget

    @property
    def remaining(self) -> Decimal:
        return self.cohort.budget - self.committed

    @property
    def unpaid(self) -> Decimal:
        return self.committed - self.paid


def _awards(cohort: Cohort) -> QuerySet[Award]:
    return (
        Award.objects.filter(cohort=cohort)
        .select_related("organisation", "application")
        .prefetch_related(
            Prefetch(
                "instalments",
                queryset=Instalment.objects.select_related("report").order_by("position"),
            )
        )
        .order_by("organisation__name", "pk")
    )


def cohort_grants(*, actor: Any, cohort: Cohort) -> CohortGrants:
    """Every award of the cohort with its instalments, and the budget committed and paid."""
    _require_convener(actor)
    awards = list(_awards(cohort))
    committed = sum((award.amount for award in awards), Decimal(0))
    paid = sum(
        (part.amount for award in awards for part in award.instalments.all() if part.is_paid),
        Decimal(0),
    )
    return CohortGrants(cohort=cohort, awards=awards, committed=committed, paid=paid)


def awards_for_export(*, actor: Any, cohort: Cohort) -> list[Award]:
    """The awards to publish. `actor=None` is the command line: a trusted local operator."""
    if actor is not None:
        _require_convener(actor)
    return list(_awards(cohort))


def members_without_award(*, actor: Any, cohort: Cohort) -> QuerySet[Organisation]:
    """The cohort's member organisations that have no award yet: who can still be awarded."""
    _require_convener(actor)
    return (
        Organisation.objects.filter(cohort_memberships__cohort=cohort)
        .exclude(Exists(Award.objects.filter(cohort=cohort, organisation=OuterRef("pk"))))
        .order_by("name")
    )


def application_in_cohort(*, cohort: Cohort, organisation: Organisation) -> Application | None:
    """The organisation's application to one of the cohort's calls (the selected one first)."""
    applications = Application.objects.filter(
        call__cohort=cohort, organisation=organisation
    ).select_related("call")
    selected = [app for app in applications if app.decision == Application.Decision.SELECTED]
    return selected[0] if selected else next(iter(applications), None)
