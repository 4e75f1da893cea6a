"""Invitations and answers (RSVP)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from datacollab.core import audit
from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.events.models import Invitation, Session
from datacollab.events.rules import can_manage_sessions, can_view_session
from datacollab.network.models import Cohort
from datacollab.network.selectors.participation import alumni_people, cohort_people
from datacollab.organisations.models import User


def add_invitations(*, session: Session, users: Iterable[User]) -> int:
    """Invite the people not yet invited; returns how many were added. No permission check:
    the calling service has made it."""
    wanted = {user.pk for user in users if user is not None and user.is_active}
    if not wanted:
        return 0
    already = set(
        Invitation.objects.filter(session=session, user_id__in=wanted).values_list(
            "user_id", flat=True
        )
    )
    new = [Invitation(session=session, user_id=pk) for pk in sorted(wanted - already)]
    Invitation.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


@transaction.atomic
def invite(
    *,
    actor: Any,
    session: Session,
    people: Iterable[User] = (),
    cohort: Cohort | None = None,
    alumni: bool = False,
) -> int:
    """Invite chosen people, and/or every person of `cohort`, and/or every alumnus.

    People already invited keep their answer. Returns how many new invitations were made.
    """
    if not can_manage_sessions(actor):
        raise NotAllowed(_("Only a convener can invite people to a session."))
    if session.status == Session.Status.CANCELLED:
        raise Conflict(
            _("%(title)s was cancelled: nobody can be invited to it.") % {"title": session.title}
        )
    users: list[User] = list(people)
    if cohort is not None:
        users += list(cohort_people(cohort))
    if alumni:
        users += list(alumni_people())
    if not users:
        raise DomainError(
            _("Nobody to invite: choose people, a cohort with members, or the alumni.")
        )
    added = add_invitations(session=session, users=users)
    audit.record(
        action="session.invite",
        actor=actor,
        obj=session,
        details={"added": added, "cohort": cohort.slug if cohort else None, "alumni": alumni},
    )
    return added


@transaction.atomic
def respond(*, actor: Any, session: Session, response: str) -> Invitation:
    """The person's answer: yes, maybe or no. Anyone who may see the session may answer;
    answering a session one was not invited to invites oneself."""
    if response not in (Invitation.Response.YES, Invitation.Response.MAYBE, Invitation.Response.NO):
        raise DomainError(_("Answer yes, maybe or no."), field="response")
    if not can_view_session(actor, session):
        raise NotAllowed(
            _("%(title)s is not open to you, so you cannot answer its invitation.")
            % {"title": session.title}
        )
    if session.status == Session.Status.CANCELLED:
        raise Conflict(
            _("%(title)s was cancelled: there is nothing to answer.") % {"title": session.title}
        )
    if session.starts_at <= timezone.now():
        raise DomainError(
            _("%(title)s has already started: answers are closed.") % {"title": session.title}
        )
    invitation, _created = Invitation.objects.select_for_update().get_or_create(
        session=session, user=actor
    )
    invitation.response = response
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["response", "responded_at"])
    return invitation
