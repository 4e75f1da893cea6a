"""Reminder mails to reviewers with unfinished reviews.

A request (or `datacollab remind-reviewers`) only queues one task per reviewer due; the task
worker sends the mail. The task re-checks everything under a lock on the call and records
the reminder in the same transaction, so a button pressed twice, a command run beside it or
a task run twice sends one mail per reviewer per `REVIEW_REMINDER_INTERVAL_HOURS`.
"""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from datacollab.core import audit
from datacollab.core.errors import Conflict, NotAllowed
from datacollab.core.mail_language import in_language_of
from datacollab.network.models import Call, ReviewAssignment, ReviewReminder
from datacollab.network.selectors import blind
from datacollab.network.selectors import reviews as selectors
from datacollab.network.selectors.applications import format_in_zone
from datacollab.network.selectors.review_progress import (
    reminder_interval,
    reviewers_to_remind,
    unfinished_assignments,
)
from datacollab.organisations.models import User
from datacollab.organisations.rules import is_convener


@transaction.atomic
def remind_reviewers(*, actor: User | None, call: Call) -> int:
    """Queue a reminder for every reviewer due one; returns how many were queued.

    `actor=None` is the operator on the command line.
    """
    from datacollab.network.tasks import send_review_reminder

    if actor is not None and not is_convener(actor):
        raise NotAllowed(_("Only conveners can remind reviewers."))
    if selectors.selection_confirmed(call):
        raise Conflict(
            _("The selection for “%(call)s” is confirmed: its reviews can no longer change.")
            % {"call": call.title}
        )
    due = reviewers_to_remind(call)
    for reviewer in due:
        transaction.on_commit(partial(send_review_reminder.enqueue, call.pk, reviewer.pk))
    if due:
        audit.record(
            action="reviews.reminders_queued",
            actor=actor,
            obj=call,
            details={"reviewers": [r.pk for r in due], "count": len(due)},
        )
    return len(due)


def _reminder_body(call: Call, reviewer: User, assignments: list[ReviewAssignment]) -> str:
    lines = [
        _("Dear %(name)s,") % {"name": reviewer.display_name or reviewer.email},
        "",
        ngettext(
            "You have %(n)d unfinished review for “%(call)s”:",
            "You have %(n)d unfinished reviews for “%(call)s”:",
            len(assignments),
        )
        % {"n": len(assignments), "call": call.title},
        "",
    ]
    for assignment in assignments:
        # Titles go through the blind-review rule: a reviewer's mail is a reviewer's page.
        title = blind.shown_title(assignment.application)
        link = settings.SITE_URL + reverse("review-edit", args=[assignment.pk])
        lines.append(f"- {title}: {link}")
    lines.append("")
    if call.review_deadline is not None:
        lines.append(
            _("Reviews are due by %(when)s.")
            % {"when": format_in_zone(call.review_deadline, call.timezone)}
        )
    lines.append(_("Thank you for reviewing."))
    return "\n".join(lines) + "\n"


@transaction.atomic
def deliver_reminder(*, call_id: int, reviewer_id: int) -> bool:
    """Send one reviewer's reminder unless they were reminded within the interval or have
    nothing left to do; record it. Safe to run twice."""
    # The call's row lock serialises every reminder of the call, so two tasks cannot both
    # find "not reminded yet".
    call = Call.objects.select_for_update().filter(pk=call_id).first()
    reviewer = User.objects.filter(pk=reviewer_id, is_active=True).first()
    if call is None or reviewer is None or selectors.selection_confirmed(call):
        return False
    now = timezone.now()
    if ReviewReminder.objects.filter(
        call=call, reviewer=reviewer, sent_at__gt=now - reminder_interval()
    ).exists():
        return False
    assignments = list(
        ReviewAssignment.objects.filter(unfinished_assignments(call), reviewer=reviewer)
        .select_related("application__call", "application__organisation", "application__created_by")
        .order_by("application__title", "id")
    )
    if not assignments:
        return False
    with in_language_of(reviewer):
        subject = ngettext(
            "Reminder: %(n)d review to finish for %(call)s",
            "Reminder: %(n)d reviews to finish for %(call)s",
            len(assignments),
        ) % {
            "n": len(assignments),
            "call": call.title,
        }
        body = _reminder_body(call, reviewer, assignments)
    EmailMessage(subject=subject, body=body, to=[reviewer.email]).send()
    reminder = ReviewReminder.objects.create(
        call=call, reviewer=reviewer, sent_at=now, unfinished=len(assignments)
    )
    audit.record(
        action="reviews.reminder_sent",
        actor=None,
        obj=reminder,
        details={"call": call.pk, "reviewer": reviewer.pk, "unfinished": len(assignments)},
    )
    return True
