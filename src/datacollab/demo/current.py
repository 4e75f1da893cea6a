"""A cohort running on the day of loading, so current participants' pages can be tried.

Synthetic. The real programme's cohorts ended in 2021 and 2022 and the third is still
recruiting, so without this cohort nobody in the demo could book the expert's 1:1 slots
(issue 8, problem 8). Its dates are computed from the day of loading, like the open call's:
it started eight weeks ago and ends in eighteen weeks, and a later load moves them along.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from datacollab.demo.content import OrgFacts
from datacollab.demo.people import People, Person, email, ensure_memberships
from datacollab.demo.rows import upsert
from datacollab.network.models import Cohort, CohortMembership, Network
from datacollab.organisations.models import Organisation, Role

SLUG = "interim-city-data"
NAME = "Interim cohort: city data collaborations"
FOCUS = "data collaborations about cities"
DESCRIPTION = (
    "Synthetic, for the demo: three city data collaborations approached directly by the "
    "conveners while the third cohort's call is open. It runs as the demo is loaded (its "
    "dates follow the day of loading), so its people are **current participants**: they book "
    "1:1 support, go to sessions and talk in the cohort's channel."
)
STARTED_DAYS_AGO = 56
ENDS_IN_DAYS = 126

MEMBERS = [
    OrgFacts("lagos-urban-mobility", "Lagos Urban Mobility Data Commons", "non_profit", "NG"),
    OrgFacts("bogota-air-quality", "Bogotá Air Quality Data Trust", "research", "CO"),
    OrgFacts("leeds-flood-data", "Leeds Flood Data Partnership", "government", "GB"),
]
# A colleague (member) beside each organisation's administrator (its `<slug>@` contact).
PARTICIPANT = Person(email("participant"), "Pélagie Participant", "Africa/Lagos")


def dates(today: date) -> tuple[date, date]:
    return today - timedelta(days=STARTED_DAYS_AGO), today + timedelta(days=ENDS_IN_DAYS)


def ensure_current_cohort(*, network: Network, people: People, today: date) -> Cohort:
    starts_on, ends_on = dates(today)
    cohort, _ = Cohort.objects.update_or_create(
        slug=SLUG,
        defaults={
            "network": network,
            "name": NAME,
            "focus": FOCUS,
            "description": DESCRIPTION,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "capacity": len(MEMBERS),
            "budget": Decimal("60000.00"),
            "award_cap": Decimal("20000.00"),
            "currency": "GBP",
        },
    )
    orgs_by_slug, _ = upsert(
        Organisation,
        key=("slug",),
        rows=[
            {
                "slug": f.slug,
                "name": f.name,
                "kind": f.kind,
                "country": f.country,
                "website": f.website,
                "description": f"A synthetic data collaboration of the demo's {NAME.lower()}.",
            }
            for f in MEMBERS
        ],
        existing=Organisation.objects.filter(slug__in=[f.slug for f in MEMBERS]),
    )
    orgs = [orgs_by_slug[(f.slug,)] for f in MEMBERS]
    admins = people.ensure(
        [Person(email(o.slug), f"{o.name} contact") for o in orgs], roles=[Role.PARTICIPANT]
    )
    participant = people.ensure([PARTICIPANT], roles=[Role.PARTICIPANT])[PARTICIPANT.email]
    ensure_memberships(
        [
            *((admins[email(o.slug)], o, "admin") for o in orgs),
            (participant, orgs[0], "member"),
        ]
    )
    upsert(
        CohortMembership,
        key=("cohort_id", "organisation_id"),
        rows=[{"cohort_id": cohort.pk, "organisation_id": o.pk} for o in orgs],
        existing=CohortMembership.objects.filter(cohort=cohort),
    )
    return cohort
