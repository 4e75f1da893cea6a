"""Who takes part in which cohort, and who is an alumnus: the one rule every cohort-life app uses.

A person takes part in a cohort through an organisation they belong to (Membership) that is a
member of the cohort (CohortMembership). When the cohort's end date has passed, they are its
alumni: nothing is stored, so ending a cohort needs no job and cannot be half-done.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from datacollab.network.models import Award, Cohort, CohortMembership
from datacollab.organisations.models import User


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def _today() -> datetime.date:
    return timezone.localdate()


def cohort_ids_of(user: Any) -> frozenset[int]:
    """Every cohort the person has taken part in, current or ended (cached on the user)."""
    if not _authenticated(user):
        return frozenset()
    cached = getattr(user, "_cohort_ids_cache", None)
    if cached is None:
        # The same query says whether the cohort's organisation holds an award there, so the
        # menu's "My grants" costs no query of its own (see holds_an_award), and when each
        # cohort ends, so alumni and current cohorts cost none either (the menu asks both).
        rows = CohortMembership.objects.filter(organisation__memberships__user=user).annotate(
            awarded=Exists(
                Award.objects.filter(
                    cohort=OuterRef("cohort"), organisation=OuterRef("organisation")
                )
            )
        )
        found = list(rows.values_list("cohort_id", "awarded", "cohort__ends_on"))
        cached = frozenset(cohort for cohort, _awarded, _ends in found)
        user._cohort_ids_cache = cached
        user._holds_award_cache = any(awarded for _cohort, awarded, _ends in found)
        user._cohort_ends_cache = {cohort: ends for cohort, _awarded, ends in found}
    return cached


def holds_an_award(user: Any) -> bool:
    """Does one of the person's organisations hold an award? Awards go only to cohort members
    (services/grants.py refuses others), so the cohort query answers it."""
    if not cohort_ids_of(user):
        return False
    return bool(getattr(user, "_holds_award_cache", False))


def alumni_cohort_ids(user: Any) -> frozenset[int]:
    """The person's cohorts whose end date has passed (today: the date is read each call)."""
    if not cohort_ids_of(user):
        return frozenset()
    today = _today()
    return frozenset(cohort for cohort, ends in user._cohort_ends_cache.items() if ends < today)


def current_cohort_ids(user: Any) -> frozenset[int]:
    return cohort_ids_of(user) - alumni_cohort_ids(user)


def is_alumnus(user: Any) -> bool:
    return bool(alumni_cohort_ids(user))


def cohort_people(cohort: Cohort) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True, memberships__organisation__cohort_memberships__cohort=cohort
    ).distinct()


def alumni_people() -> QuerySet[User]:
    return User.objects.filter(
        is_active=True,
        memberships__organisation__cohort_memberships__cohort__ends_on__lt=_today(),
    ).distinct()


def ended_cohorts() -> QuerySet[Cohort]:
    return Cohort.objects.filter(ends_on__lt=_today())
