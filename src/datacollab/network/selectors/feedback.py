"""The review comments a convener chose for an applicant's decision mail, without names."""

from __future__ import annotations

from django.utils.translation import gettext as _

from datacollab.network.models import Application, Review, ReviewScore


def feedback_text(application: Application) -> str:
    """The `{{ feedback }}` of a decision mail: chosen comments as a list, or "" if none.

    Reviewers are never named, not even as "Reviewer 2": the applicant reads what was said,
    not who said it, and a number would let them match comments across calls.
    """
    reviews = Review.objects.filter(
        assignment__application=application, submitted_at__isnull=False
    ).order_by("assignment__created_at", "assignment_id")
    lines: list[str] = []
    scores = ReviewScore.objects.filter(review__in=reviews, share_comment=True).select_related(
        "criterion"
    )
    by_review: dict[int, list[ReviewScore]] = {}
    for score in scores.order_by("criterion__position", "criterion_id"):
        by_review.setdefault(score.review_id, []).append(score)
    for review in reviews:
        for score in by_review.get(review.pk, []):
            if score.comment.strip():
                lines.append(f"- {score.criterion.name}: {_one_line(score.comment)}")
        if review.share_comment and review.comment.strip():
            lines.append(f"- {_one_line(review.comment)}")
    if not lines:
        return ""
    return _("Feedback from the reviewers:") + "\n" + "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    # A comment's own line breaks would break the list in a plain-text mail.
    return " ".join(text.split())
