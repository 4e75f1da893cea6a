"""A person's profile (bio, expertise, countries): edited on /accounts/profile/,
shown on their page and in the 1:1 expert directory, and used by peer matching."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from datacollab.core.errors import DomainError
from datacollab.matching import selectors as matching
from datacollab.organisations import services
from datacollab.organisations.models import User
from tests.factories import make_user
from tests.factories_events import current_cohort, make_participant
from tests.factories_matching import cohort_org

pytestmark = pytest.mark.django_db


def test_profile_page_saves_bio_expertise_and_countries(login):
    user = make_user()
    response = login(user).post(
        "/accounts/profile/",
        {
            "display_name": "Wanjiru K",
            "timezone": "Africa/Nairobi",
            "bio": "I map informal transport.",
            "expertise": "GIS,  matatu routes",
            "countries": ["KE", "TZ"],
        },
    )
    assert response.status_code == 302
    user = User.objects.get(pk=user.pk)
    assert (user.bio, user.expertise, user.countries) == (
        "I map informal transport.",
        "GIS, matatu routes",
        ["KE", "TZ"],
    )


def test_profile_page_unknown_country_is_400(login):
    response = login(make_user()).post(
        "/accounts/profile/", {"display_name": "A", "countries": ["XX"]}
    )
    assert response.status_code == 400


def test_set_profile_unknown_country_code_is_refused():
    with pytest.raises(DomainError, match="not an ISO 3166-1 country code"):
        services.set_profile(
            user=make_user(), display_name="A", timezone="", countries_worked=["ZZ"]
        )


def test_person_page_shows_the_profile_to_people_logged_in(client, login):
    person = make_user(display_name="Wanjiru K")
    services.set_profile(
        user=person,
        display_name="Wanjiru K",
        timezone="",
        bio="I map **informal** transport.",
        expertise="GIS, matatu routes",
        countries_worked=["KE"],
    )
    page = login(make_user()).get(f"/accounts/people/{person.pk}/").content.decode()
    assert "<strong>informal</strong>" in page
    assert "GIS, matatu routes" in page
    assert "Kenya" in page
    assert client.get(f"/accounts/people/{person.pk}/").status_code == 302  # to log in


def test_expert_directory_lists_experts_with_their_profiles(login):
    cohort = current_cohort()
    participant = make_participant(cohort)
    expert = make_user(display_name="Esi Expert", roles=["expert"], expertise="data trusts")
    services.set_profile(
        user=expert,
        display_name="Esi Expert",
        timezone="",
        countries_worked=["GH"],
    )
    make_user(display_name="Not An Expert", roles=["reviewer"])
    client = login(participant)
    assert 'href="/sessions/support/experts/"' in client.get("/sessions/support/").content.decode()
    page = client.get("/sessions/support/experts/").content.decode()
    assert f'<a href="/accounts/people/{expert.pk}/">Esi Expert</a>: data trusts' in page
    assert "Works in Ghana" in page
    assert "Not An Expert" not in page


def test_expert_directory_queries_do_not_grow_with_experts(login):
    client = login(make_user())
    make_user(roles=["expert"], expertise="a")
    with CaptureQueriesContext(connection) as small:
        client.get("/sessions/support/experts/")
    for n in range(10):
        make_user(roles=["expert"], expertise=f"topic {n}", countries=["KE"])
    with CaptureQueriesContext(connection) as large:
        response = client.get("/sessions/support/experts/")
    assert (len(response.context["experts"]), len(large)) == (11, len(small))


def test_peer_matching_uses_members_profiles():
    cohort = current_cohort()
    _first, first_people = cohort_org(cohort, name="First", application="Clinic records.")
    _second, second_people = cohort_org(cohort, name="Second", application="Farm yields.")
    cohort_org(cohort, name="Third", application="Clinic records and farms.")
    for person in (first_people[0], second_people[0]):
        services.set_profile(
            user=person,
            display_name=person.display_name,
            timezone="",
            expertise="cargo bike telemetry",
            bio="Cargo bike telemetry for city logistics.",
        )
    rows = matching.suggestions_for_participant(viewer=first_people[0])
    best = rows[0].suggestions[0]
    # Without the profiles, "Third" (clinic records too) would come first.
    assert (best.peer.organisation.name, best.shared_terms) == (
        "Second",
        ("bike telemetry", "cargo", "city logistics"),
    )
