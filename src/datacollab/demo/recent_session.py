"""A session of the current cohort held a few days before loading, so that an attendee can
give session feedback in the demo (issue 13, "an attendee gives session feedback").

Without it every session was either of the ended cohorts (feedback closed and given) or still
to come, and /feedback/ told every demo login "No session is waiting for your feedback". Its
dates follow the day of loading, like the current cohort's; the participant and the three
contacts said they would come and no attendance is recorded, so the form is open to them.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from datacollab.demo import current
from datacollab.demo.people import email
from datacollab.events.models import Audience, Invitation, Session, SessionKind
from datacollab.network.models import Cohort, Network
from datacollab.organisations.models import User

SLUG = "city-data-peer-clinic-mapping-routes-and-risks"
TITLE = "Peer clinic: mapping routes, sensors and risks with volunteers"
DESCRIPTION = (
    "The interim cohort's second peer clinic: Lagos showed how volunteer mappers record "
    "minibus routes, Leeds and Bogotá how citizen science reports and low-cost sensors sit "
    "beside official monitoring. Each organisation left with one question for an alumnus."
)
DAYS_AGO = 4
STARTS = time(14, 0)
LENGTH = timedelta(hours=1, minutes=30)


def ensure_recent_session(*, network: Network, convener: User, now: datetime) -> Session:
    cohort = Cohort.objects.get(slug=current.SLUG)
    day = timezone.localdate(now) - timedelta(days=DAYS_AGO)
    starts_at = timezone.make_aware(datetime.combine(day, STARTS), timezone.get_current_timezone())
    session, _ = Session.objects.update_or_create(
        slug=SLUG,
        defaults={
            "network": network,
            "audience": Audience.COHORT,
            "cohort": cohort,
            "kind": SessionKind.WORKSHOP,
            "title": TITLE,
            "theme": "Citizen science and volunteer mapping",
            "description": DESCRIPTION,
            "starts_at": starts_at,
            "ends_at": starts_at + LENGTH,
            "timezone": "Europe/London",
            "status": Session.Status.SCHEDULED,
            "created_by": convener,
        },
    )
    invited = User.objects.filter(
        email__in=[current.PARTICIPANT.email, *(email(m.slug) for m in current.MEMBERS)]
    ).order_by("email")
    answered_at = starts_at - timedelta(days=3)
    existing = set(Invitation.objects.filter(session=session).values_list("user_id", flat=True))
    Invitation.objects.bulk_create(
        [
            Invitation(
                session=session,
                user=person,
                response=Invitation.Response.YES,
                responded_at=answered_at,
            )
            for person in invited
            if person.pk not in existing
        ]
    )
    return session
