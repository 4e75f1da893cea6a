from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from datacollab.core.errors import NotAllowed
from datacollab.core.models import AuditEntry
from datacollab.discussion import rules, selectors
from datacollab.discussion.models import Channel
from datacollab.discussion.services import ensure_channels
from tests import factories
from tests.factories_discussion import (
    make_channel,
    make_ended_cohort,
    make_participant,
    make_post,
    make_thread,
)

pytestmark = pytest.mark.django_db


def test_ensure_channels_makes_network_alumni_and_one_per_cohort():
    network = factories.make_network()
    older = factories.make_cohort(slug="first", name="First", starts_on=date(2026, 1, 1))
    newer = factories.make_cohort(slug="second", name="Second", starts_on=date(2027, 1, 1))

    channels = ensure_channels(network=network)

    assert [(c.scope, c.cohort, c.slug) for c in channels] == [
        ("network", None, "plndc-all"),
        ("alumni", None, "plndc-alumni"),
        ("cohort", newer, "second"),
        ("cohort", older, "first"),
    ]
    assert AuditEntry.objects.filter(action="discussion.channels_created").count() == 1


def test_ensure_channels_twice_changes_nothing():
    network = factories.make_network()
    factories.make_cohort()
    first = ensure_channels(network=network)

    second = ensure_channels(network=network)

    assert second == first
    assert Channel.objects.count() == 3
    assert AuditEntry.objects.filter(action="discussion.channels_created").count() == 1


def test_ensure_channels_adds_a_new_cohort_channel_later():
    network = factories.make_network()
    ensure_channels(network=network)
    cohort = factories.make_cohort()

    channels = ensure_channels(network=network)

    assert [c.cohort for c in channels] == [None, None, cohort]


def test_ensure_channels_avoids_a_taken_slug():
    network = factories.make_network()
    make_channel(scope="cohort", slug="plndc-alumni")

    channels = ensure_channels(network=network)

    assert channels[1].slug == "plndc-alumni-2"


def test_ensure_channels_refused_to_a_non_convener(applicant):
    with pytest.raises(NotAllowed) as refusal:
        ensure_channels(network=factories.make_network(), actor=applicant)

    assert refusal.value.message == "Only a convener can create discussion channels."


@pytest.fixture
def world(convener):
    """A current cohort A, another current cohort B, an ended cohort C, and their channels."""
    network = factories.make_network()
    a = factories.make_cohort(slug="a")
    b = factories.make_cohort(slug="b")
    c = make_ended_cohort(slug="c")
    ensure_channels(network=network)
    people = {
        "convener": convener,
        "in_a": make_participant(a),
        "in_b": make_participant(b),
        "alumnus": make_participant(c),
        "expert": factories.make_user(roles=["expert"]),
        "reviewer": factories.make_user(roles=["reviewer"]),
        "applicant": factories.make_user(roles=["participant"]),
    }
    channels = {c.slug: c for c in Channel.objects.all()}
    return people, channels


READS = {
    "convener": {"plndc-all", "plndc-alumni", "a", "b", "c"},
    "in_a": {"plndc-all", "a"},
    "in_b": {"plndc-all", "b"},
    "alumnus": {"plndc-all", "plndc-alumni", "c"},
    "expert": {"plndc-all"},
    "reviewer": set(),
    "applicant": set(),
}


@pytest.mark.parametrize("who", sorted(READS))
def test_readable_channels_follow_the_rule(world, who):
    people, channels = world
    user = people[who]

    by_rule = {slug for slug, channel in channels.items() if rules.can_read_channel(user, channel)}
    by_selector = set(selectors.readable_channels(user).values_list("slug", flat=True))

    assert by_rule == READS[who]
    assert by_selector == READS[who]


def test_channel_readers_match_the_rule(world):
    people, channels = world
    for slug, channel in channels.items():
        readers = set(selectors.channel_readers(channel))
        expected = {user for who, user in people.items() if slug in READS[who]}
        assert readers == expected, slug


def test_readable_channels_empty_for_anonymous():
    assert list(selectors.readable_channels(AnonymousUser())) == []
    assert list(selectors.visible_posts(AnonymousUser())) == []


def test_visible_posts_excludes_hidden_and_unreadable(world, convener):
    people, channels = world
    in_a = people["in_a"]
    mine = make_thread(channel=channels["a"], author=in_a, body="Visible")
    make_post(thread=mine, author=in_a, body="Hidden", hidden_at=timezone.now())
    make_thread(channel=channels["b"], author=people["in_b"], body="Other cohort")
    make_thread(channel=channels["plndc-all"], author=people["in_b"], body="All")

    visible = set(selectors.visible_posts(in_a).values_list("body", flat=True))

    assert visible == {"Visible", "All"}
    assert set(selectors.visible_posts(convener).values_list("body", flat=True)) == {
        "Visible",
        "Other cohort",
        "All",
    }
