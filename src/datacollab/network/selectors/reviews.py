"""Reads about reviews: scores, per-reviewer normalisation."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from datacollab.network.models import Call, Review


@dataclass(frozen=True)
class ApplicationMerit:
    application_id: int
    reviews: int
    raw_mean: float | None          # mean weighted score, 1..5
    normalised_mean: float | None   # mean of the reviewers' z-scores


def merit_by_application(call: Call) -> dict[int, ApplicationMerit]:
    """Raw and normalised merit of every reviewed application of a call.

    Each reviewer's weighted scores are turned into z-scores over that reviewer's own
    reviews of this call, so a harsh and a generous reviewer count alike. A reviewer with a
    single review, or with identical scores throughout, has no spread: their z-score is 0.
    """
    rows = list(
        Review.objects.filter(
            assignment__application__call=call, submitted_at__isnull=False,
            weighted_score__isnull=False,
        ).values_list("assignment__application_id", "assignment__reviewer_id", "weighted_score")
    )
    by_reviewer: dict[int, list[float]] = {}
    for _app, reviewer, score in rows:
        by_reviewer.setdefault(reviewer, []).append(float(score))
    stats: dict[int, tuple[float, float]] = {}
    for reviewer, scores in by_reviewer.items():
        mean = statistics.fmean(scores)
        sd = statistics.pstdev(scores) if len(scores) > 1 else 0.0
        stats[reviewer] = (mean, sd)
    raw: dict[int, list[float]] = {}
    z: dict[int, list[float]] = {}
    for app, reviewer, score in rows:
        mean, sd = stats[reviewer]
        raw.setdefault(app, []).append(float(score))
        z.setdefault(app, []).append((float(score) - mean) / sd if sd > 0 else 0.0)
    return {
        app: ApplicationMerit(
            application_id=app, reviews=len(raw[app]), raw_mean=statistics.fmean(raw[app]),
            normalised_mean=statistics.fmean(z[app]),
        )
        for app in raw
    }
