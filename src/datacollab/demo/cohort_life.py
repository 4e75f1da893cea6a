"""The second cohort's life in the demo: an expert, the roundtables and upcoming sessions,
1:1 support slots, discussion, learnings and resources (issue 3). One call from the builder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from datacollab.demo import content
from datacollab.demo.discussion import ensure_discussion
from datacollab.demo.learnings import ensure_learnings
from datacollab.demo.people import People, Person, email
from datacollab.demo.report import ensure_report
from datacollab.demo.sessions import DemoSessions, ensure_sessions
from datacollab.network.models import Cohort, Network
from datacollab.organisations.models import Role, User

EXPERT = Person(
    email("expert"),
    "Eli Expert",
    "Africa/Accra",
    expertise="data licensing, open data policy, data trusts",
    languages="English, French, Twi",
    bio="Advises data stewards on licences and governance; ten years with open data "
    "programmes in West Africa.",
)


@dataclass(frozen=True)
class CohortLife:
    expert: User
    sessions: DemoSessions


def ensure_cohort_life(
    *, network: Network, people: People, convener: User, now: datetime
) -> CohortLife:
    """Run inside the loader's transaction, after the cohorts, the open call (its cohort gets
    a channel too) and the collaborations."""
    expert = people.ensure([EXPERT], roles=[Role.EXPERT])[EXPERT.email]
    cohort = Cohort.objects.get(slug=content.SECOND.slug)
    sessions = ensure_sessions(
        network=network, cohort=cohort, convener=convener, expert=expert, now=now
    )
    ensure_discussion(network=network, cohort=cohort, now=now)
    ensure_learnings(convener=convener, sessions=sessions.roundtables)
    ensure_report(cohort=cohort, convener=convener)
    return CohortLife(expert=expert, sessions=sessions)
