from __future__ import annotations

from dataclasses import dataclass

import pytest

from datacollab.discussion.models import Channel
from datacollab.discussion.services import ensure_channels
from datacollab.organisations.models import User
from tests import factories
from tests.factories_discussion import make_participant


@dataclass
class World:
    channel: Channel  # cohort A's channel
    other: Channel  # cohort B's channel
    everyone: Channel  # the network channel
    alice: User  # in cohort A
    bob: User  # in cohort A
    outsider: User  # in cohort B
    convener: User


@pytest.fixture
def world(convener) -> World:
    network = factories.make_network()
    a = factories.make_cohort(slug="cohort-a", name="Cohort A")
    b = factories.make_cohort(slug="cohort-b", name="Cohort B")
    ensure_channels(network=network)
    return World(
        channel=Channel.objects.get(cohort=a),
        other=Channel.objects.get(cohort=b),
        everyone=Channel.objects.get(scope="network"),
        alice=make_participant(a, email="alice@example.org", display_name="Alice Adeyemi"),
        bob=make_participant(a, email="bob@example.org", display_name="Bob Brown"),
        outsider=make_participant(b, email="olga@example.org", display_name="Olga Ortiz"),
        convener=convener,
    )
