"""Who sees which session: the query (visible_sessions) and the predicate agree."""

from __future__ import annotations

import pytest

from datacollab.events.models import Audience
from datacollab.events.rules import can_view_session
from datacollab.events.selectors import visible_sessions
from datacollab.events.services.invitations import add_invitations
from tests import factories
from tests.factories_events import (
    current_cohort,
    ended_cohort,
    make_expert,
    make_participant,
    make_session,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(convener):
    cohort = current_cohort(name="Cohort 3")
    other = current_cohort(name="Cohort 4")
    old = ended_cohort(name="Cohort 2")
    people = {
        "participant": make_participant(cohort),
        "other_participant": make_participant(other),
        "alumnus": make_participant(old),
        "expert": make_expert(),
        "reviewer": factories.make_user(roles=["reviewer"]),
        "applicant": factories.make_user(roles=["participant"]),
        "invited_outsider": factories.make_user(),
        "convener": convener,
    }
    sessions = {
        "cohort": make_session(actor=convener, cohort=cohort, title="Cohort 3 roundtable"),
        "alumni": make_session(actor=convener, audience=Audience.ALUMNI, title="Alumni meetup"),
        "network": make_session(actor=convener, audience=Audience.NETWORK, title="Network day"),
        "old": make_session(actor=convener, cohort=old, title="Cohort 2 roundtable"),
    }
    add_invitations(session=sessions["cohort"], users=[people["invited_outsider"]])
    return people, sessions


EXPECTED = {
    "participant": {"cohort", "network"},
    "other_participant": {"network"},
    "alumnus": {"alumni", "network", "old"},
    "expert": {"cohort", "network", "old"},
    "reviewer": {"network"},
    "applicant": set(),
    "invited_outsider": {"cohort"},
    "convener": {"cohort", "alumni", "network", "old"},
}


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_visible_sessions_follow_audience_rule(world, who):
    people, sessions = world
    names = {name for name, s in sessions.items() if s in visible_sessions(people[who])}
    assert names == EXPECTED[who]


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_can_view_session_agrees_with_visible_sessions(world, who):
    people, sessions = world
    names = {name for name, s in sessions.items() if can_view_session(people[who], s)}
    assert names == EXPECTED[who]


def test_visible_sessions_anonymous_sees_none(world):
    from django.contrib.auth.models import AnonymousUser

    assert list(visible_sessions(AnonymousUser())) == []


def test_visible_sessions_no_duplicates_when_invited_and_member(world):
    people, sessions = world
    add_invitations(session=sessions["cohort"], users=[people["participant"]])
    assert list(visible_sessions(people["participant"]).filter(audience="cohort")) == [
        sessions["cohort"]
    ]
