"""Session feedback: one response per attendee per session, editable while the form is open."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from datacollab.core import audit
from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.evaluation import rules
from datacollab.evaluation.models import SessionFeedback
from datacollab.events.models import Session

MAX_TEXT = 2000


@transaction.atomic
def give_feedback(
    *,
    actor: Any,
    session: Session,
    rating: int,
    useful: str = "",
    change: str = "",
    now: datetime | None = None,
) -> SessionFeedback:
    """Record or replace the actor's feedback on the session."""
    now = now or timezone.now()
    if not rules.is_attendee(actor, session):
        raise NotAllowed(_("Only people who attended this session can give feedback on it."))
    if not rules.feedback_open(session, now):
        if now < session.ends_at:
            raise Conflict(_("Feedback opens once the session has ended."))
        raise Conflict(_("Feedback on this session has closed."))
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise DomainError(_("Choose a rating from 1 to 5."), field="rating")
    useful, change = useful.strip(), change.strip()
    if len(useful) > MAX_TEXT or len(change) > MAX_TEXT:
        raise DomainError(_("Keep each answer under %(n)d characters.") % {"n": MAX_TEXT})
    feedback, created = SessionFeedback.objects.update_or_create(
        session=session,
        user=actor,
        defaults={"rating": rating, "useful": useful, "change": change},
    )
    # The audit names the session, not the answers: results are shown without names.
    audit.record(
        action="feedback.given" if created else "feedback.changed",
        actor=actor,
        obj=session,
        details={"session": session.slug},
    )
    return feedback
