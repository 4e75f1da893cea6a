"""A call's review options: the review deadline and blind review."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from datacollab.core import audit
from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.network.models import Call, ReviewAssignment
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


def _require_no_reviewer_yet(call: Call, blind_review: bool) -> None:
    """Blind review is a promise about what every reviewer saw: once one is assigned, they may
    already have read the application with its names (or without them), so turning blind review
    on would make the convener's pages say something untrue, and turning it off would show
    names to reviewers who started blind."""
    assigned = ReviewAssignment.objects.filter(application__call=call).count()
    if not assigned:
        return
    if blind_review:
        message = ngettext(
            "%(n)d reviewer assignment of “%(call)s” exists and its reviewer may have read the "
            "application with its names: blind review can no longer be turned on. Remove the "
            "assignment first if its reviewer has not started.",
            "%(n)d reviewer assignments of “%(call)s” exist and their reviewers may have read "
            "the applications with their names: blind review can no longer be turned on. Remove "
            "the assignments first if no reviewer has started.",
            assigned,
        )
    else:
        message = ngettext(
            "%(n)d reviewer assignment of “%(call)s” exists and its reviewer is reading the "
            "application blind: blind review can no longer be turned off.",
            "%(n)d reviewer assignments of “%(call)s” exist and their reviewers are reading the "
            "applications blind: blind review can no longer be turned off.",
            assigned,
        )
    raise Conflict(message % {"n": assigned, "call": call.title}, field="blind_review")


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
    if blind_review != call.blind_review:
        _require_no_reviewer_yet(call, blind_review)
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
