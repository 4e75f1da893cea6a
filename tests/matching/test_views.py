from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from datacollab.core.models import AuditEntry
from datacollab.events.models import Invitation, Session
from datacollab.learnings.models import Visibility
from tests.factories import make_org, make_user
from tests.factories_data import make_collaboration
from tests.factories_learnings import make_learning
from tests.factories_matching import cohort_org, current_cohort, ended_cohort

pytestmark = pytest.mark.django_db

MOBILITY = "Bus ridership counts and transit routes shared with the city mobility team."


@pytest.fixture
def world():
    """A current cohort with three organisations, an ended one with an alumnus."""
    cohort = current_cohort(name="Cohort Two")
    old = ended_cohort(name="Cohort One")
    mover, mover_people = cohort_org(
        cohort, name="Mover", country="GB", application=MOBILITY, people=2
    )
    transit, transit_people = cohort_org(
        cohort,
        name="Transit Lab",
        country="FR",
        application="Private plan: ridership forecasting for tram routes, bus depots.",
    )
    make_collaboration(
        lead=transit, challenge="Transit routes and bus ridership for commuters in the city."
    )
    clinic, _ = cohort_org(
        cohort, name="Clinic", country="KE", application="Maternal health records and clinics."
    )
    alumnus, alumni_people = cohort_org(old, name="Old Movers", country="KE")
    make_learning(
        cohort=old,
        visibility=Visibility.PUBLIC,
        contributors=[alumnus],
        title="Bus ridership",
        body="Transit routes of the city mobility team changed with ridership counts.",
    )
    return {
        "cohort": cohort,
        "old": old,
        "mover": mover,
        "mover_people": mover_people,
        "transit": transit,
        "transit_people": transit_people,
        "clinic": clinic,
        "alumnus": alumnus,
        "alumni_people": alumni_people,
    }


def _names(response) -> list[list[str]]:
    return [[s.peer.organisation.name for s in row.suggestions] for row in response.context["rows"]]


def test_peer_suggestions_participant_sees_peers_and_alumni_with_reasons(world, login):
    client = login(world["mover_people"][0])

    response = client.get(reverse("peer-suggestions"))

    assert response.status_code == 200
    assert _names(response) == [["Old Movers", "Transit Lab"]]
    first = response.context["rows"][0].suggestions[0]
    assert first.shared_terms == (
        "ridership counts",
        "city mobility",
        "team",
        "bus",
        "transit routes",
    )
    assert b"You both write about:" in response.content


def test_peer_suggestions_reason_hides_words_of_a_private_application(world, login):
    client = login(world["mover_people"][0])

    response = client.get(reverse("peer-suggestions"))

    transit = next(
        s
        for s in response.context["rows"][0].suggestions
        if s.peer.organisation.name == "Transit Lab"
    )
    # "ridership" and "transit routes" are in the peer's public collaboration; "forecasting"
    # and "depots" only in its application, which the viewer may not read.
    assert set(transit.shared_terms) == {"bus ridership", "transit routes", "city"}
    assert b"forecasting" not in response.content
    assert b"Private plan" not in response.content


def test_peer_suggestions_reason_hides_a_cohort_only_learning_of_another_cohort(world, login):
    other = ended_cohort()
    hidden, _ = cohort_org(other, name="Hidden")
    make_learning(
        cohort=other,
        visibility=Visibility.COHORT,
        contributors=[hidden],
        title="Cohort only",
        body="Bus ridership counts and transit routes shared with the city mobility team.",
    )
    client = login(world["mover_people"][0])

    response = client.get(reverse("peer-suggestions"))

    suggestion = next(
        s for s in response.context["rows"][0].suggestions if s.peer.organisation.name == "Hidden"
    )
    assert suggestion.shared_terms == ()
    assert b"What you share is in text you may not read" in response.content


def test_peer_suggestions_never_suggests_own_organisations(world, login):
    person = world["mover_people"][0]
    second = make_org(name="Mover Two", members=[person])
    world["cohort"].members.add(second)
    client = login(person)

    response = client.get(reverse("peer-suggestions"))

    rows = {row.entry.organisation.name: row for row in response.context["rows"]}
    assert sorted(rows) == ["Mover", "Mover Two"]
    assert all(
        s.peer.organisation.name not in {"Mover", "Mover Two"}
        for row in rows.values()
        for s in row.suggestions
    )


def test_peer_suggestions_favouring_other_regions_moves_the_other_region_up(world, login):
    # The same texts in the viewer's region (Europe) and in Africa: the bonus decides.
    cohort_org(world["cohort"], name="Near", country="DE", application=MOBILITY)
    cohort_org(world["cohort"], name="Far", country="NG", application=MOBILITY)
    client = login(world["mover_people"][0])

    plain = client.get(reverse("peer-suggestions"))
    favoured = client.get(reverse("peer-suggestions"), {"favour_other_regions": "on"})

    assert _names(plain) == [["Near", "Far", "Old Movers"]]
    assert _names(favoured) == [["Far", "Old Movers", "Near"]]
    assert [s.cross_region for s in favoured.context["rows"][0].suggestions] == [True, True, False]
    assert favoured.context["favour"] is True
    assert b'id="id_favour_other_regions" checked' in favoured.content
    assert b'id="id_favour_other_regions">' in plain.content


def test_peer_suggestions_refuses_a_person_of_no_cohort(db, login):
    outsider = make_user(roles=["participant"])
    make_org(members=[outsider])

    response = login(outsider).get(reverse("peer-suggestions"))

    assert response.status_code == 403
    assert "Your organisations are in none" in response.content.decode()


def test_peer_suggestions_anonymous_is_sent_to_log_in(client):
    response = client.get(reverse("peer-suggestions"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_peer_suggestions_convener_sees_the_cohorts(world, convener, login):
    response = login(convener).get(reverse("peer-suggestions"))

    assert response.status_code == 200
    assert response.context["rows"] == []
    assert [c.name for c in response.context["cohorts"]] == ["Cohort Two", "Cohort One"]


def test_peer_suggestions_query_count_does_not_grow_with_organisations(
    world, login, django_assert_max_num_queries
):
    for n in range(6):
        org, _ = cohort_org(world["cohort"], name=f"Extra {n}", application=MOBILITY)
        make_collaboration(lead=org, challenge="Bus ridership.")
        make_learning(cohort=world["cohort"], contributors=[org], body="Transit routes.")
    client = login(world["mover_people"][0])

    # +1: the menu asks whether the person books 1:1 support; +2: the people pool.
    with django_assert_max_num_queries(18):
        response = client.get(reverse("peer-suggestions"))

    assert response.status_code == 200


def test_peer_cohort_convener_sees_every_organisation_with_pairs(world, convener, login):
    response = login(convener).get(reverse("peer-cohort", args=[world["cohort"].slug]))

    assert response.status_code == 200
    rows = {row.entry.organisation.name: choices for row, choices in response.context["rows"]}
    assert sorted(rows) == ["Clinic", "Mover", "Transit Lab"]
    mover, transit = world["mover"], world["transit"]
    pair = f"{min(mover.pk, transit.pk)}-{max(mover.pk, transit.pk)}"
    assert pair in [value for _, value, _ in rows["Mover"]]
    # The convener may read everything, so private words can be the reason.
    transit_row = next(s for s, _, _ in rows["Mover"] if s.peer.organisation.name == "Transit Lab")
    assert "ridership" in " ".join(transit_row.shared_terms)


def test_peer_cohort_refuses_a_participant(world, login):
    response = login(world["mover_people"][0]).get(
        reverse("peer-cohort", args=[world["cohort"].slug])
    )

    assert response.status_code == 403
    assert "Only a convener" in response.content.decode()


def test_peer_cohort_unknown_cohort_is_404(convener, login):
    response = login(convener).get(reverse("peer-cohort", args=["no-such-cohort"]))

    assert response.status_code == 404


def test_peer_cohort_query_count(world, convener, login, django_assert_max_num_queries):
    for n in range(6):
        org, _ = cohort_org(world["cohort"], name=f"Extra {n}", application=MOBILITY)
        make_learning(cohort=world["cohort"], contributors=[org], body="Transit routes.")
    client = login(convener)

    with django_assert_max_num_queries(13):
        response = client.get(reverse("peer-cohort", args=[world["cohort"].slug]))

    assert response.status_code == 200


def _pair(a, b) -> str:
    return f"{min(a.pk, b.pk)}-{max(a.pk, b.pk)}"


def test_peer_sessions_create_makes_one_networking_session_per_pair(world, convener, login):
    mover, alumnus, transit, clinic = (
        world["mover"],
        world["alumnus"],
        world["transit"],
        world["clinic"],
    )

    response = login(convener).post(
        reverse("peer-sessions-create", args=[world["cohort"].slug]),
        {
            "pair": [_pair(mover, alumnus), _pair(transit, clinic)],
            "starts_at": "2027-03-01T10:00",
            "minutes": "45",
            "video_url": "https://meet.example.org/peers",
        },
    )

    assert response.status_code == 302
    sessions = list(Session.objects.order_by("pk"))
    assert [s.kind for s in sessions] == ["networking", "networking"]
    first = sessions[0]
    assert first.title == "1:1 networking: Mover and Old Movers"
    assert first.audience == "cohort"
    assert first.cohort == world["cohort"]
    assert first.starts_at == datetime(2027, 3, 1, 10, 0, tzinfo=ZoneInfo("UTC"))
    assert (first.ends_at - first.starts_at).total_seconds() == 45 * 60
    # The alumnus is of another cohort: invited, but not a contributor of this cohort's session.
    assert list(first.contributors.all()) == [mover]
    invited = set(Invitation.objects.filter(session=first).values_list("user_id", flat=True))
    assert invited == {u.pk for u in world["mover_people"] + world["alumni_people"]}
    assert first.description.startswith("Suggested by peer matching: you both write about ")
    assert "ridership counts" in first.description
    entry = AuditEntry.objects.filter(action="matching.pair_sessions").get()
    assert entry.details["sessions"] == [s.slug for s in sessions]


def test_peer_sessions_create_refuses_an_organisation_in_two_pairs(world, convener, login):
    mover = world["mover"]

    response = login(convener).post(
        reverse("peer-sessions-create", args=[world["cohort"].slug]),
        {
            "pair": [_pair(mover, world["alumnus"]), _pair(mover, world["transit"])],
            "starts_at": "2027-03-01T10:00",
            "minutes": "45",
        },
    )

    assert response.status_code == 400
    assert "Mover is in two of the chosen pairs" in response.content.decode()
    assert Session.objects.count() == 0
    ticked = [v for _, choices in response.context["rows"] for _, v, checked in choices if checked]
    assert _pair(mover, world["alumnus"]) in ticked


def test_peer_sessions_create_refuses_no_pair_and_bad_input(world, convener, login):
    client = login(convener)
    url = reverse("peer-sessions-create", args=[world["cohort"].slug])

    none = client.post(url, {"starts_at": "2027-03-01T10:00", "minutes": "45"})
    garbled = client.post(url, {"pair": "x-1", "starts_at": "2027-03-01T10:00", "minutes": "45"})
    no_time = client.post(url, {"pair": _pair(world["mover"], world["clinic"]), "minutes": "45"})

    assert none.status_code == 400
    assert "Choose at least one pair to meet." in none.content.decode()
    assert garbled.status_code == 400
    assert "could not be read" in garbled.content.decode()
    assert no_time.status_code == 400
    assert Session.objects.count() == 0


def test_peer_sessions_create_refuses_a_pair_outside_the_cohort(world, convener, login):
    stranger = make_org(name="Stranger")
    other = ended_cohort()
    elsewhere, _ = cohort_org(other, name="Elsewhere")
    client = login(convener)
    url = reverse("peer-sessions-create", args=[world["cohort"].slug])
    data = {"starts_at": "2027-03-01T10:00", "minutes": "45"}

    no_cohort = client.post(url, {**data, "pair": _pair(world["mover"], stranger)})
    both_outside = client.post(url, {**data, "pair": _pair(world["alumnus"], elsewhere)})
    unknown = client.post(url, {**data, "pair": f"{world['mover'].pk}-999999"})

    assert no_cohort.status_code == 400
    assert "Stranger is in no cohort of this network" in no_cohort.content.decode()
    assert both_outside.status_code == 400
    assert "Neither Old Movers nor Elsewhere is in Cohort Two" in both_outside.content.decode()
    assert unknown.status_code == 400
    assert "no longer exists" in unknown.content.decode()
    assert Session.objects.count() == 0


def test_peer_sessions_create_refuses_a_participant(world, login):
    response = login(world["mover_people"][0]).post(
        reverse("peer-sessions-create", args=[world["cohort"].slug]),
        {
            "pair": _pair(world["mover"], world["transit"]),
            "starts_at": "2027-03-01T10:00",
            "minutes": "45",
        },
    )

    assert response.status_code == 403
    assert Session.objects.count() == 0
