"""Factories for the selection and decisions tests: a call whose applications are scored."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from datacollab.network.models import Application, Call, Review, ReviewAssignment
from datacollab.organisations.models import User
from tests.factories import make_application, make_call, make_cohort, make_org, make_user


def add_review(application: Application, reviewer: User, score: str | float) -> Review:
    """A submitted review with the given weighted score (1..5)."""
    assignment = ReviewAssignment.objects.create(application=application, reviewer=reviewer)
    return Review.objects.create(
        assignment=assignment, weighted_score=Decimal(str(score)), submitted_at=timezone.now()
    )


def scored_call(
    specs: list[dict[str, Any]], *, capacity: int = 2, budget: str = "40000.00", **call: Any
) -> tuple[Call, list[Application]]:
    """One application per spec (name, country, score, kind, amount, eligible, reviewed),
    all scored by one reviewer, so the ranking by normalised merit is the ranking by score."""
    cohort = make_cohort(capacity=capacity, budget=Decimal(budget))
    # One reviewer scores each application, so the call asks for one review each.
    call.setdefault("reviews_per_application", 1)
    the_call = make_call(cohort=cohort, open=False, **call)
    reviewer = make_user(roles=["reviewer"])
    apps = []
    for spec in specs:
        member = make_user(roles=["participant"], email=spec.get("email"))
        org = make_org(
            name=spec["name"],
            country=spec.get("country", "GB"),
            kind=spec.get("kind", "non_profit"),
            members=[member],
        )
        app = make_application(
            call=the_call,
            organisation=org,
            user=member,
            amount=spec.get("amount", "20000.00"),
            eligible=spec.get("eligible", True),
            submitted=spec.get("submitted", True),
            title=spec.get("title", f"Project of {spec['name']}"),
        )
        if spec.get("reviewed", True) and "score" in spec:
            add_review(app, reviewer, spec["score"])
        apps.append(app)
    return the_call, apps


GS_SPECS: list[dict[str, Any]] = [
    {"name": "Alpha Data", "country": "GB", "score": 5},
    {"name": "Beta Data", "country": "GB", "score": 4},
    {"name": "Kenya Commons", "country": "KE", "score": 3},
    {"name": "Delta Data", "country": "FR", "score": 2},
]
