"""The second cohort's direct approaches, replayed through the services.

The seeds say the network chose its second cohort "following an extensive interview and user
research process": the conveners approached organisations alongside the open call. Three of
the seven members are recorded here as approached and interviewed (services/direct.py), so the
convener's Direct approach page and the selection show that way in, next to the applicants.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction

from datacollab.network.models import Application, Call, Recommendation
from datacollab.network.services.direct import approach_organisation, record_interview
from datacollab.organisations.models import Organisation, User

LONDON = ZoneInfo("Europe/London")
AMOUNT = Decimal("20000.00")


@dataclass(frozen=True)
class Approach:
    slug: str
    message: str
    notes: str
    recommendation: str
    invited_at: datetime
    interviewed_at: datetime


APPROACHES = [
    Approach(
        "wikimedia-foundation",
        "Your work on Wikimedia Enterprise is exactly the kind of revenue experiment we would "
        "like the cohort to learn from.",
        "Launched the Enterprise API this year: paid access for large reusers, while every "
        "dump and API stays free. Keen to compare notes on keeping data open while charging "
        "for service levels. Can give a day a month; the product lead will join roundtables.",
        Recommendation.STRONG,
        datetime(2021, 8, 9, 10, 0, tzinfo=LONDON),
        datetime(2021, 8, 24, 14, 0, tzinfo=LONDON),
    ),
    Approach(
        "open-apparel-registry",
        "We often cite the registry as a neutral open database of facilities; we would value "
        "your experience in the network.",
        "A small team with a large community of contributors (brands, unions, auditors). Open "
        "IDs for facilities are their answer to duplicate records. Wants to learn about "
        "governance and funding models from larger stewards; brings collaborative data "
        "maintenance.",
        Recommendation.STRONG,
        datetime(2021, 8, 9, 10, 30, tzinfo=LONDON),
        datetime(2021, 8, 26, 11, 0, tzinfo=LONDON),
    ),
    Approach(
        "openstreetmap-foundation",
        "OpenStreetMap is the reference for collaborative data collection; we would like to "
        "talk about joining the second cohort.",
        "A volunteer board; staff time is scarce, so one board member and a working-group "
        "chair would share the sessions. Strong on collaborative collection and licensing; "
        "less on revenue. Recommend, with a lighter time commitment agreed up front.",
        Recommendation.RECOMMEND,
        datetime(2021, 8, 10, 9, 0, tzinfo=LONDON),
        datetime(2021, 9, 2, 16, 0, tzinfo=LONDON),
    ),
]


def contact_email(organisation: Organisation) -> str:
    from datacollab.demo.people import email

    return email(organisation.slug)


def ensure_direct_approaches(
    *, call: Call, organisations: Iterable[Organisation], convener: User
) -> set[int]:
    """Approach and interview the chosen members that have no application yet; return the ids
    of every organisation whose application to `call` is a direct approach."""
    by_slug = {o.slug: o for o in organisations}
    started = set(
        Application.objects.filter(call=call, organisation__slug__in=by_slug).values_list(
            "organisation__slug", flat=True
        )
    )
    pending = [a for a in APPROACHES if a.slug in by_slug and a.slug not in started]
    if pending:
        _replay(call=call, approaches=pending, by_slug=by_slug, convener=convener)
    return set(
        Application.objects.filter(call=call, source=Application.Source.DIRECT).values_list(
            "organisation_id", flat=True
        )
    )


def _replay(
    *, call: Call, approaches: list[Approach], by_slug: dict[str, Organisation], convener: User
) -> None:
    # The approaches happened in August 2021, while the call was open: replay them in that
    # state, then give the call back the decided state the loader gives every past call.
    decided = call.status
    Call.objects.filter(pk=call.pk).update(status=Call.Status.OPEN)
    call.status = Call.Status.OPEN
    connection = transaction.get_connection()
    queued = len(connection.run_on_commit)
    for spec in approaches:
        organisation = by_slug[spec.slug]
        approach = approach_organisation(
            actor=convener,
            call=call,
            organisation=organisation,
            contact_email=contact_email(organisation),
            message=spec.message,
            now=spec.invited_at,
        )
        record_interview(
            actor=convener,
            approach=approach,
            notes=spec.notes,
            recommendation=spec.recommendation,
            title=organisation.name,
            requested_amount=AMOUNT,
            now=spec.interviewed_at,
        )
    # The invitations were sent in 2021: drop the mails the services queued for this commit,
    # so loading the demo mails nobody.
    del connection.run_on_commit[queued:]
    Call.objects.filter(pk=call.pk).update(status=decided)
    call.status = decided
