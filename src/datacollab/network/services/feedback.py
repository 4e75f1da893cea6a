"""The convener's choice of review comments for an applicant's decision mail."""

from __future__ import annotations

from collections.abc import Collection

from django.db import transaction
from django.utils.translation import gettext as _

from datacollab.core import audit
from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.network.models import Application, OutgoingMail, Review, ReviewScore
from datacollab.network.selectors.selection import mail_templates
from datacollab.network.services.decisions import render_decision
from datacollab.organisations.models import User
from datacollab.organisations.rules import is_convener


@transaction.atomic
def choose_feedback(
    *,
    actor: User,
    application: Application,
    review_ids: Collection[int],
    score_ids: Collection[int],
) -> list[OutgoingMail]:
    """Share exactly these overall comments (`review_ids`) and criterion comments
    (`score_ids`) of the application's submitted reviews; every other comment is withheld.

    An unsent decision mail of the application is re-drafted from its template, so it carries
    the new choice; returns the re-drafted mails.
    """
    if not is_convener(actor):
        raise NotAllowed(_("Only conveners choose the feedback sent to applicants."))
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.outgoing_mails.filter(status=OutgoingMail.Status.SENT).exists():
        raise Conflict(
            _("The decision mail to %(org)s was already sent: its feedback can no longer change.")
            % {"org": application.organisation.name}
        )
    reviews = Review.objects.filter(assignment__application=application, submitted_at__isnull=False)
    scores = ReviewScore.objects.filter(review__in=reviews)
    known_reviews = set(reviews.exclude(comment="").values_list("pk", flat=True))
    known_scores = set(scores.exclude(comment="").values_list("pk", flat=True))
    chosen_reviews, chosen_scores = set(review_ids), set(score_ids)
    if not chosen_reviews <= known_reviews or not chosen_scores <= known_scores:
        raise DomainError(_("Only comments of this application's submitted reviews can be shared."))
    reviews.update(share_comment=False)
    reviews.filter(pk__in=chosen_reviews).update(share_comment=True)
    scores.update(share_comment=False)
    scores.filter(pk__in=chosen_scores).update(share_comment=True)
    redrafted = _redraft(actor=actor, application=application)
    audit.record(
        action="reviews.feedback_chosen",
        actor=actor,
        obj=application,
        details={
            "reviews": sorted(chosen_reviews),
            "scores": sorted(chosen_scores),
            "redrafted": [m.pk for m in redrafted],
        },
    )
    return redrafted


def _redraft(*, actor: User, application: Application) -> list[OutgoingMail]:
    drafts = list(
        OutgoingMail.objects.select_for_update().filter(
            application=application, status=OutgoingMail.Status.DRAFT
        )
    )
    if not drafts:
        return []
    application = Application.objects.select_related(
        "organisation", "call__cohort", "created_by"
    ).get(pk=application.pk)
    templates = mail_templates(application.call)
    for mail in drafts:
        mail.subject, mail.body = render_decision(
            application=application, template=templates[mail.kind], convener=actor
        )
    OutgoingMail.objects.bulk_update(drafts, ["subject", "body"])
    return drafts
