"""The direct approach: the convener invites an organisation, interviews it, recommends.

This is how the network's second cohort was chosen: the conveners approached open data
stewards alongside the open call. An approach owns an application of source `direct`, so the
candidate is selected, mailed and awarded like any other. It enters the selection once an
interview is recorded, with merit from the interviewer's recommendation
(selectors/direct.py), unless the recommendation is "do not recommend".
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import Any

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from datacollab.core import audit
from datacollab.core.errors import Conflict, DomainError
from datacollab.core.mail_language import in_language_of
from datacollab.core.templatetags.datacollab import money
from datacollab.network.models import (
    Application,
    Call,
    DirectApproach,
    Recommendation,
    SelectionProposal,
)
from datacollab.network.services.setup import require_convener
from datacollab.organisations.models import Organisation


def _invitation(call: Call, organisation: Organisation, message: str) -> tuple[str, str]:
    subject = _("%(call)s: an invitation to talk") % {"call": call.title}
    body = _(
        "Dear %(org)s team,\n\n"
        "We would like to talk with you about joining %(cohort)s. %(message)s\n\n"
        "Please reply to this mail to arrange an interview.\n"
    ) % {"org": organisation.name, "cohort": call.cohort.name, "message": message.strip()}
    return subject, body


def approach_refusal(call: Call) -> str:
    """Why no organisation can be approached for `call` now; "" while one can. The page asks
    this too, so it offers the invitation form only when the service would accept it."""
    # A decided call is closed for good (services/call_lifecycle.py), even one decided
    # without a stored proposal (a call of the time, loaded by the demo).
    confirmed = (
        call.status == Call.Status.DECIDED
        or SelectionProposal.objects.filter(
            call=call, status=SelectionProposal.Status.CONFIRMED
        ).exists()
    )
    if confirmed:
        return _("The selection for this call is confirmed; no new candidate can join it.")
    return ""


def _require_selection_pending(call: Call) -> None:
    refusal = approach_refusal(call)
    if refusal:
        raise Conflict(refusal)


def deliver_approach_invitation(*, approach_id: int) -> int:
    """Mail the invitation to an interview (task work, once the approach is committed)."""
    approach = DirectApproach.objects.select_related(
        "application__call__cohort", "application__organisation"
    ).get(pk=approach_id)
    application = approach.application
    # The contact's language if they have an account here, else the network's default.
    with in_language_of(approach.contact_email):
        subject, body = _invitation(application.call, application.organisation, approach.message)
    return send_mail(subject, body, None, [approach.contact_email])


@transaction.atomic
def approach_organisation(
    *,
    actor: Any,
    call: Call,
    organisation: Organisation,
    contact_email: str,
    message: str = "",
    now: datetime | None = None,
) -> DirectApproach:
    """Invite `organisation` to an interview for `call`; a mail goes to `contact_email`."""
    from datacollab.network.tasks import send_direct_invitation

    now = now or timezone.now()
    require_convener(actor)
    _require_selection_pending(call)
    if not contact_email.strip():
        raise DomainError(_("Give the address the invitation goes to."), field="contact_email")
    if Application.objects.filter(call=call, organisation=organisation).exists():
        raise Conflict(
            _("%(org)s already has an application to this call; it is a candidate already.")
            % {"org": organisation.name},
            field="organisation",
        )
    try:
        with transaction.atomic():
            application = Application.objects.create(
                call=call,
                organisation=organisation,
                created_by=actor,
                title=_("Direct approach: %(org)s") % {"org": organisation.name},
                requested_amount=Decimal("0.00"),
                source=Application.Source.DIRECT,
            )
    except IntegrityError as exc:  # the organisation started an application meanwhile
        raise Conflict(_("%(org)s has just applied.") % {"org": organisation.name}) from exc
    approach = DirectApproach.objects.create(
        application=application,
        contact_email=contact_email.strip(),
        message=message.strip(),
        invited_by=actor,
        invited_at=now,
    )
    transaction.on_commit(partial(send_direct_invitation.enqueue, approach.pk))
    audit.record(
        action="direct_approach.invited",
        actor=actor,
        obj=application,
        details={"call": call.slug, "organisation": organisation.slug, "to": contact_email},
    )
    return approach


@transaction.atomic
def record_interview(
    *,
    actor: Any,
    approach: DirectApproach,
    notes: str,
    recommendation: str,
    title: str,
    requested_amount: Decimal,
    now: datetime | None = None,
) -> DirectApproach:
    """Record the interview. The application becomes a submitted, eligible candidate; a
    later interview replaces the notes while no decision is made."""
    now = now or timezone.now()
    require_convener(actor)
    approach = DirectApproach.objects.select_for_update().get(pk=approach.pk)
    application = (
        Application.objects.select_for_update()
        .select_related("call__cohort", "organisation")
        .get(pk=approach.application_id)
    )
    cohort = application.call.cohort
    _require_selection_pending(application.call)
    if application.decision != Application.Decision.PENDING:
        raise Conflict(_("A decision is made on this candidate; the interview is closed."))
    if not notes.strip():
        raise DomainError(_("Write what you learned in the interview."), field="notes")
    if recommendation not in Recommendation.values:
        raise DomainError(_("Choose a recommendation."), field="recommendation")
    if not title.strip():
        raise DomainError(_("Name the project."), field="title")
    if not Decimal(0) < requested_amount <= cohort.award_cap:
        raise DomainError(
            _("The amount must be above zero and at most the cap of %(cap)s per award.")
            % {"cap": money(cohort.award_cap, cohort.currency)},
            field="requested_amount",
        )
    approach.interview_notes = notes.strip()
    approach.recommendation = recommendation
    approach.interviewed_at = now
    approach.interviewed_by = actor
    approach.status = DirectApproach.Status.INTERVIEWED
    approach.save()
    application.title = title.strip()
    application.requested_amount = requested_amount
    application.status = Application.Status.SUBMITTED
    application.submitted_at = application.submitted_at or now
    # The open call's eligibility questions were never asked; the convener's invitation and
    # interview stand in for them, and the reason says so wherever eligibility is shown.
    application.eligible = True
    application.eligibility_reasons = [_("Approached directly and interviewed by the convener")]
    application.save()
    audit.record(
        action="direct_approach.interviewed",
        actor=actor,
        obj=application,
        details={
            "recommendation": recommendation,
            "requested_amount": requested_amount,
            "notes_chars": len(approach.interview_notes),
        },
    )
    return approach
