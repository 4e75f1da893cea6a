"""Attendance recorded by the convener, person by person, with the organisation they came for."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from datacollab.core import audit
from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.events.models import Attendance, Session
from datacollab.events.rules import can_manage_sessions
from datacollab.events.selectors.attendance import expected_people, organisations_for
from datacollab.organisations.models import User


@transaction.atomic
def record_attendance(*, actor: Any, session: Session, attended: Mapping[User, bool]) -> int:
    """Record, for each person given, whether they came. People not given keep what was
    recorded. Each record keeps the organisation the person came for (see
    `selectors.attendance.organisations_for`). Returns how many were present."""
    if not can_manage_sessions(actor):
        raise NotAllowed(_("Only a convener can record attendance."))
    locked = Session.objects.select_for_update().get(pk=session.pk)
    if locked.status == Session.Status.CANCELLED:
        raise Conflict(
            _("%(title)s was cancelled: there is no attendance to record.")
            % {"title": locked.title}
        )
    if locked.starts_at > timezone.now():
        raise DomainError(
            _("%(title)s has not started yet: record attendance once it has.")
            % {"title": locked.title}
        )
    if not attended:
        raise DomainError(_("Nobody to record: the sheet lists no one."))
    listed = set(expected_people(locked).values_list("pk", flat=True))
    strangers = sorted(str(user) for user in attended if user.pk not in listed)
    if strangers:
        raise DomainError(
            ngettext(
                "%(names)s is neither invited nor in the session's cohort: invite them "
                "first, then record their attendance.",
                "%(names)s are neither invited nor in the session's cohort: invite them "
                "first, then record their attendance.",
                len(strangers),
            )
            % {"names": ", ".join(strangers)}
        )
    orgs = organisations_for(locked, attended)
    now = timezone.now()
    Attendance.objects.bulk_create(
        [
            Attendance(
                session=locked,
                user=user,
                organisation=orgs[user.pk],
                attended=bool(came),
                recorded_by=actor,
                recorded_at=now,
            )
            for user, came in attended.items()
        ],
        update_conflicts=True,
        unique_fields=["session", "user"],
        # The organisation stays the one first recorded, even if the person has moved since.
        update_fields=["attended", "recorded_by", "recorded_at"],
    )
    present = sum(1 for came in attended.values() if came)
    audit.record(
        action="session.attendance",
        actor=actor,
        obj=locked,
        details={"present": present, "absent": len(attended) - present},
    )
    return present
