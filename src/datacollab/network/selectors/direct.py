"""Reads for direct approaches, and the merit they bring to the selection."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from datacollab.core.errors import NotAllowed, NotFound
from datacollab.network.models import Call, DirectApproach, Recommendation
from datacollab.network.selectors.reviews import ApplicationMerit
from datacollab.organisations.rules import is_convener

# A recommendation stands in for reviews: a raw score at a share of the way up the call's
# scale (on 1-5: 5, 4, 3) and a normalised merit in reviewer z-score units, so it ranks beside
# reviewed applications (+1: one standard deviation better than a reviewer's average).
RECOMMENDATION_MERIT: dict[str, tuple[float, float]] = {
    Recommendation.STRONG: (1.0, 1.0),
    Recommendation.RECOMMEND: (0.75, 0.5),
    Recommendation.RESERVE: (0.5, -0.5),
}


def require_convener(actor: Any) -> None:
    if not is_convener(actor):
        raise NotAllowed(_("Only conveners can see direct approaches."))


def direct_merit(call: Call) -> dict[int, ApplicationMerit]:
    """Merit of interviewed direct candidates; "do not recommend" ones are not candidates."""
    rows = DirectApproach.objects.filter(
        application__call=call,
        status=DirectApproach.Status.INTERVIEWED,
        recommendation__in=list(RECOMMENDATION_MERIT),
    ).values_list("application_id", "recommendation")
    return {
        app: ApplicationMerit(
            application_id=app,
            reviews=0,
            raw_mean=call.score_min
            + RECOMMENDATION_MERIT[rec][0] * (call.score_max - call.score_min),
            normalised_mean=RECOMMENDATION_MERIT[rec][1],
        )
        for app, rec in rows
    }


def approaches_of(*, actor: Any, call: Call) -> QuerySet[DirectApproach]:
    require_convener(actor)
    return (
        DirectApproach.objects.filter(application__call=call)
        .select_related("application__organisation", "invited_by", "interviewed_by")
        .order_by("application__organisation__name", "id")
    )


def approach_for(*, actor: Any, call: Call, pk: int) -> DirectApproach:
    require_convener(actor)
    approach = (
        DirectApproach.objects.select_related("application__organisation", "application__call")
        .filter(pk=pk, application__call=call)
        .first()
    )
    if approach is None:
        raise NotFound(_("There is no such direct approach for this call."))
    return approach
