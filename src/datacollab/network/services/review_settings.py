"""A call's review options: the review deadline and blind review."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from datacollab.core import audit
from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.network.models import Call
from datacollab.network.selectors import reviews as selectors
from datacollab.network.selectors.applications import format_in_zone
from datacollab.organisations.models import User
from datacollab.organisations.rules import is_convener


def check_review_deadline(
    *, deadline: datetime, zone: str, review_deadline: datetime | None
) -> None:
    """Reviews start when applications stop: a review deadline at or before the call's
    deadline would leave reviewers no time at all."""
    if review_deadline is not None and review_deadline <= deadline:
        raise DomainError(
            _("The review deadline must come after the call closes to applications, %(deadline)s.")
            % {"deadline": format_in_zone(deadline, zone)},
            field="review_deadline",
        )


@transaction.atomic
def update_review_settings(
    *, actor: User, call: Call, review_deadline: datetime | None, blind_review: bool
) -> Call:
    if not is_convener(actor):
        raise NotAllowed(_("Only conveners can change how a call is reviewed."))
    call = Call.objects.select_for_update().get(pk=call.pk)
    if selectors.selection_confirmed(call):
        raise Conflict(
            _(
                "The selection for “%(call)s” is confirmed: its review settings can no longer "
                "change."
            )
            % {"call": call.title}
        )
    check_review_deadline(
        deadline=call.deadline, zone=call.timezone, review_deadline=review_deadline
    )
    before = {"review_deadline": call.review_deadline, "blind_review": call.blind_review}
    call.review_deadline = review_deadline
    call.blind_review = blind_review
    call.save(update_fields=["review_deadline", "blind_review"])
    audit.record(
        action="reviews.settings_changed",
        actor=actor,
        obj=call,
        details={
            "before": before,
            "after": {"review_deadline": review_deadline, "blind_review": blind_review},
        },
    )
    return call
