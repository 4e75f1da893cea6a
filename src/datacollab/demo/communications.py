"""Issue 13 in the demo: the public information webinar before the third call's deadline,
with a few registrations, and a message the convener sent to the second cohort.

Written as rows, like the rest of the demo (nothing is mailed while loading); re-running
the loader updates them in place.
"""

from __future__ import annotations

import secrets
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q

from datacollab.communications.compose import render_for
from datacollab.communications.groups import recipients, resolve
from datacollab.communications.models import MailPreference, Message
from datacollab.demo import content
from datacollab.events.models import PublicListing, Registration, Session, SessionKind
from datacollab.network.models import Call, Cohort, Network, OutgoingMail
from datacollab.organisations.models import User

WEBINAR_SLUG = "webinar-applying-to-the-third-call"
WEBINAR_CAPACITY = 100
# Synthetic people (example.org addresses), three confirmed and one awaiting confirmation.
REGISTRANTS = [
    ("Nadia Haddad", "nadia.haddad@example.org", "Tunis city transport office", "confirmed"),
    ("Tomás Ferreira", "tomas.ferreira@example.org", "Universidade do Porto", "confirmed"),
    ("Grace Wanjiru", "grace.wanjiru@example.org", "", "confirmed"),
    ("Liu Yang", "liu.yang@example.org", "Open Mobility Lab", "pending"),
]
MESSAGE_SUBJECT = "Your output report draft, {name}"
MESSAGE_BODY = (
    "Dear {name},\n\n"
    "Thank you for the four roundtables of {cohort}. The draft of the cohort's output report "
    "is ready: please check what it says about {organisation} before we publish it.\n\n"
    "{site_link}\n\nCara, for the convening team"
)


def ensure_communications(*, network: Network, convener: User, call: Call, now: datetime) -> None:
    _webinar(network=network, convener=convener, call=call, now=now)
    _cohort_message(convener=convener, now=now)


def _webinar(*, network: Network, convener: User, call: Call, now: datetime) -> Session:
    # A week before the deadline at 14:00 London, or tomorrow if the deadline is closer.
    london = ZoneInfo("Europe/London")
    day = max(call.deadline - timedelta(days=7), now + timedelta(days=1)).astimezone(london).date()
    starts_at = datetime.combine(day, time(14), tzinfo=london)
    session, _created = Session.objects.update_or_create(
        slug=WEBINAR_SLUG,
        defaults={
            "network": network,
            "audience": "network",
            "cohort": None,
            "kind": SessionKind.WORKSHOP,
            "title": f"Information webinar: applying to {call.title}",
            "theme": "How to apply",
            "description": (
                "An hour with the convening team before the deadline: who the call is for, "
                "what a strong application looks like, how reviews and selection work, and "
                "your questions. Open to anyone; registration needed."
            ),
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(hours=1),
            "timezone": "Europe/London",
            "video_url": "https://video.example.org/plndc-webinar",
            "created_by": convener,
        },
    )
    PublicListing.objects.update_or_create(
        session=session,
        defaults={"is_public": True, "capacity": WEBINAR_CAPACITY, "updated_by": convener},
    )
    for name, address, organisation, status in REGISTRANTS:
        Registration.objects.update_or_create(
            session=session,
            email=address,
            defaults={
                "name": name,
                "organisation": organisation,
                "status": status,
                "confirmed_at": now if status == "confirmed" else None,
            },
            # A secret like any other: a demo put online must not hand out cancel links.
            create_defaults={
                "name": name,
                "organisation": organisation,
                "status": status,
                "confirmed_at": now if status == "confirmed" else None,
                "token": secrets.token_urlsafe(32),
            },
        )
    return session


def _cohort_message(*, convener: User, now: datetime) -> Message:
    cohort = Cohort.objects.get(slug=content.SECOND.slug)
    message, _created = Message.objects.update_or_create(
        subject=MESSAGE_SUBJECT,
        defaults={
            "groups": [f"cohort:{cohort.pk}"],
            "category": Message.Category.ANNOUNCEMENT,
            "body": MESSAGE_BODY,
            "status": Message.Status.SENT,
            "created_by": convener,
            "sent_by": convener,
            "sent_at": now - timedelta(days=2),
        },
    )
    groups = resolve(message.groups)
    people = recipients(groups)
    for person in people:
        MailPreference.objects.get_or_create(
            user_id=person.user_id, defaults={"token": secrets.token_urlsafe(32)}
        )
    tokens = dict(
        MailPreference.objects.filter(user_id__in=[p.user_id for p in people]).values_list(
            "user_id", "token"
        )
    )
    # Re-running replaces the mails: the message's outbox matches today's rendering.
    OutgoingMail.objects.filter(Q(group_messages=message)).delete()
    mails = []
    for person in people:
        rendered = render_for(message, groups, person, token=tokens[person.user_id])
        mails.append(
            OutgoingMail(
                kind="message",
                to=[rendered.to],
                subject=rendered.subject,
                body=rendered.body,
                headers=rendered.headers,
                status=OutgoingMail.Status.SENT,
                sent_at=message.sent_at,
            )
        )
    message.mails.set(OutgoingMail.objects.bulk_create(mails))
    message.recipient_count = len(mails)
    message.save(update_fields=["recipient_count"])
    return message
