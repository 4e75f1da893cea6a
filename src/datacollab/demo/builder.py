"""Load the demo network, idempotently, in one transaction.

This is a loader, like `loaddata`: it writes through the ORM (bulk where it counts) rather
than through the services, because it restores a known state instead of acting for a person.
Rows are found by natural keys (slugs, emails, identifiers), so a second run changes nothing
and a run on a later day only moves the open call's dates along. The services are used where
they are the one source of a rule: eligibility and reviewer assignment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from datacollab.demo import applicants as synthetic
from datacollab.demo import content, seeds
from datacollab.demo.challenges import ensure_challenge
from datacollab.demo.cohort_life import ensure_cohort_life
from datacollab.demo.cohorts import ensure_cohort
from datacollab.demo.collaborations import ensure_collaborations
from datacollab.demo.communications import ensure_communications
from datacollab.demo.current import ensure_current_cohort
from datacollab.demo.datasets import ensure_datasets
from datacollab.demo.diversity import ensure_diversity
from datacollab.demo.feedback import ensure_feedback
from datacollab.demo.grants import ensure_grant_obligations
from datacollab.demo.impact import ensure_impact
from datacollab.demo.logins import LOGINS, DemoLogin
from datacollab.demo.opencall import ensure_open_call
from datacollab.demo.peer_profiles import ensure_peer_profiles
from datacollab.demo.people import People, Person, email, ensure_memberships
from datacollab.demo.privacy import ensure_privacy
from datacollab.demo.recent_session import ensure_recent_session
from datacollab.demo.reviews import ensure_reviews
from datacollab.demo.stages import ensure_two_stage_call
from datacollab.demo.translations import ensure_translations
from datacollab.network.models import Network
from datacollab.organisations.models import Organisation, Role
from datacollab.search import index as search_index

REVIEWER_ZONES = [
    "Africa/Lagos",
    "America/Argentina/Buenos_Aires",
    "Asia/Kolkata",
    "Europe/London",
    "Asia/Shanghai",
    "Europe/Oslo",
]
# Alumni often review for the next cohort; their organisations steer the optimiser's
# preference for reviewers from another country.
REVIEWER_ORGANISATIONS = {3: "ikure", 6: "its-norway"}


@dataclass(frozen=True)
class DemoSummary:
    network: Network
    logins: list[DemoLogin]


def load_demo(*, now: datetime | None = None) -> DemoSummary:
    """Load (or refresh) the demo network. `now` fixes "today" for the open call's dates."""
    now = now or timezone.now()
    text = seeds.read_seed_texts()
    people = People()
    with transaction.atomic():
        network, _ = Network.objects.update_or_create(
            slug=content.NETWORK_SLUG,
            defaults={"name": content.NETWORK_NAME, "description": content.NETWORK_DESCRIPTION},
        )
        people.ensure(
            [Person(email("admin"), "Demo administrator", "Europe/London", superuser=True)]
        )[email("admin")]
        convener = people.ensure(
            [Person(email("convener"), "Cara Convener", "Europe/London", staff=True)],
            roles=[Role.CONVENER],
        )[email("convener")]
        reviewer_people = [
            Person(email(f"reviewer{i}"), name, REVIEWER_ZONES[i - 1])
            for i, name in enumerate(synthetic.REVIEWER_NAMES, start=1)
        ]
        by_email = people.ensure(reviewer_people, roles=[Role.REVIEWER])
        reviewers = [by_email[p.email] for p in reviewer_people]

        ensure_cohort(
            network=network,
            spec=content.FIRST,
            members=seeds.first_cohort(text),
            facts=content.FIRST_COHORT_FACTS,
            convener=convener,
            people=people,
        )
        ensure_cohort(
            network=network,
            spec=content.SECOND,
            members=seeds.second_cohort(text),
            facts=content.SECOND_COHORT_FACTS,
            convener=convener,
            people=people,
        )
        alumni = Organisation.objects.in_bulk(
            list(REVIEWER_ORGANISATIONS.values()), field_name="slug"
        )
        ensure_memberships(
            (reviewers[number - 1], alumni[slug], "member")
            for number, slug in REVIEWER_ORGANISATIONS.items()
            if slug in alumni
        )
        ensure_current_cohort(network=network, people=people, today=timezone.localdate(now))
        opened = ensure_open_call(network=network, now=now, people=people)
        ensure_reviews(opened=opened, reviewers=reviewers, convener=convener)
        ensure_two_stage_call(now=now, people=people, convener=convener)
        collabs = ensure_collaborations(people=people, convener=convener)
        datasets = ensure_datasets(collabs=collabs)
        ensure_privacy(datasets=datasets, people=people, owner=collabs.contacts["data-cargo"])
        ensure_impact(datasets=datasets, now=now)
        ensure_cohort_life(network=network, people=people, convener=convener, now=now)
        ensure_grant_obligations(convener=convener, today=timezone.localdate(now))
        ensure_communications(network=network, convener=convener, call=opened.call, now=now)
        ensure_feedback(cohort_slug=content.SECOND.slug)
        ensure_challenge(people=people, convener=convener, now=now)
        ensure_recent_session(network=network, convener=convener, now=now)
        # Last, so that no earlier `People.ensure` of a contact blanks its profile.
        ensure_peer_profiles()
        ensure_diversity()
        ensure_translations()
        # Everything above was written by the demo, not through the services: index it all.
        search_index.rebuild()
    logins = list(LOGINS)
    return DemoSummary(network=network, logins=logins)
