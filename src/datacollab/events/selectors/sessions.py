"""Reads of sessions: who may see which, the list pages, a session's page."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from datacollab.core.errors import NotFound
from datacollab.events.models import Audience, Invitation, Session
from datacollab.events.rules import is_expert, is_network_person
from datacollab.network.models import Cohort
from datacollab.network.selectors.participation import alumni_cohort_ids, cohort_ids_of
from datacollab.organisations.rules import is_convener


def visible_sessions(user: Any) -> QuerySet[Session]:
    """Every session `user` may see (cancelled ones included), without duplicates.

    - cohort audience: that cohort's participants and alumni, experts, conveners;
    - alumni audience: alumni of any cohort, conveners;
    - network audience: any person of the network (participants, alumni, experts, reviewers,
      conveners);
    - and, whatever the audience, the people invited to it.
    Anonymous people see none. Same rule as `rules.can_view_session`.
    """
    if not getattr(user, "is_authenticated", False):
        return Session.objects.none()
    if is_convener(user):
        return Session.objects.all()
    rule = Q(pk__in=Invitation.objects.filter(user=user).values("session_id"))
    cohorts = cohort_ids_of(user)
    if is_expert(user):
        rule |= Q(audience=Audience.COHORT)
    elif cohorts:
        rule |= Q(audience=Audience.COHORT, cohort_id__in=cohorts)
    if alumni_cohort_ids(user):
        rule |= Q(audience=Audience.ALUMNI)
    if is_network_person(user):
        rule |= Q(audience=Audience.NETWORK)
    return Session.objects.filter(rule)


def session_for(user: Any, slug: str) -> Session:
    """The session with this slug if `user` may see it; NotFound (404) otherwise."""
    session = (
        visible_sessions(user)
        .select_related("cohort", "network", "created_by")
        .filter(slug=slug)
        .first()
    )
    if session is None:
        raise NotFound(
            _("There is no session %(slug)r, or it is not open to you.") % {"slug": slug}
        )
    return session


def session_list(
    user: Any,
    *,
    past: bool = False,
    cohort: Cohort | None = None,
    kind: str = "",
) -> QuerySet[Session]:
    """Upcoming (not yet ended, soonest first) or past (most recent first) visible sessions."""
    now = timezone.now()
    sessions = visible_sessions(user).select_related("cohort").prefetch_related("contributors")
    if past:
        sessions = sessions.filter(ends_at__lte=now).order_by("-starts_at", "-pk")
    else:
        sessions = sessions.filter(ends_at__gt=now).order_by("starts_at", "pk")
    if cohort is not None:
        sessions = sessions.filter(cohort=cohort)
    if kind:
        sessions = sessions.filter(kind=kind)
    return sessions


def cohorts_with_sessions(user: Any) -> QuerySet[Cohort]:
    """The cohorts the list page offers as a filter: those of the user's visible sessions."""
    return Cohort.objects.filter(
        pk__in=visible_sessions(user).filter(cohort__isnull=False).values("cohort_id")
    ).order_by("-starts_on")


def invitation_of(user: Any, session: Session) -> Invitation | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Invitation.objects.filter(session=session, user=user).first()


def invitations_to(session: Session) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(session=session)
        .select_related("user")
        .order_by("user__display_name", "user__email")
    )


def answer_counts(session: Session) -> dict[str, int]:
    """How many invitees answered yes, maybe, no, or not yet."""
    counts = dict.fromkeys(Invitation.Response.values, 0)
    for response, n in (
        Invitation.objects.filter(session=session)
        .values_list("response")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[response] = n
    return counts


def cohort_by_slug(slug: str) -> Cohort:
    cohort = Cohort.objects.filter(slug=slug).first()
    if cohort is None:
        raise NotFound(_("There is no cohort %(slug)r.") % {"slug": slug})
    return cohort
