"""People who share my expertise: person profiles matched across cohorts (issue 13)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from datacollab.matching.people import suggestions_for_person
from datacollab.organisations.models import User
from tests.factories import make_user
from tests.factories_matching import cohort_org, current_cohort, ended_cohort

pytestmark = pytest.mark.django_db


def _profile(user: User, **fields: object) -> User:
    User.objects.filter(pk=user.pk).update(**fields)
    user.refresh_from_db()
    return user


@pytest.fixture
def people():
    now, old = current_cohort(name="Now"), ended_cohort(name="Before")
    _gbif, (viewer, colleague) = cohort_org(now, name="GBIF", country="DK", people=2)
    _osm, (peer,) = cohort_org(now, name="OSM", country="GB")
    _museum, (curator,) = cohort_org(old, name="Museum", country="KE")
    _viewer = _profile(
        viewer,
        display_name="Vera",
        expertise="biodiversity, species occurrence records",
        bio="I run the common role of data publishing for our users.",
        working_languages=["en", "da"],
    )
    _profile(colleague, expertise="biodiversity, species occurrence records")
    _profile(peer, expertise="street maps, volunteers", bio="Our common role and users.")
    _profile(
        curator,
        display_name="Kamau",
        expertise="museum specimens",
        bio="Species occurrence records of biodiversity collections.",
        working_languages=["sw", "en"],
        countries=["KE"],
    )
    expert = make_user(
        display_name="Eli",
        roles=["expert"],
        expertise="species records, biodiversity standards",
        countries=["BR"],
    )
    make_user(display_name="Nobody", expertise="")  # no organisation in a cohort, no role
    return {
        "viewer": viewer,
        "colleague": colleague,
        "peer": peer,
        "curator": curator,
        "expert": expert,
    }


def test_people_suggestions_come_from_other_cohorts_and_experts_never_colleagues(people):
    result = suggestions_for_person(viewer=people["viewer"])

    assert [str(s.person) for s in result] == ["Kamau", "Eli"]
    assert result[0].shared_terms == ("occurrence records", "biodiversity", "species")
    # "common role", "users" and "data" are shared with the OSM peer but say nothing.
    assert all(s.person != people["peer"] for s in result)


def test_people_suggestions_favour_other_regions_marks_them(people):
    result = suggestions_for_person(viewer=people["viewer"], favour_other_regions=True)

    assert [(str(s.person), s.cross_region) for s in result] == [("Kamau", True), ("Eli", True)]


def test_people_suggestions_empty_for_a_person_without_profile(people):
    bare = cohort_org(current_cohort(), name="Bare")[1][0]

    assert suggestions_for_person(viewer=bare) == []


def test_peers_page_shows_people_with_reasons_as_words(people, login):
    response = login(people["viewer"]).get(reverse("peer-suggestions"))

    assert response.status_code == 200
    assert [str(s.person) for s in response.context["people"]] == ["Kamau", "Eli"]
    page = response.content.decode()
    assert "People who share your expertise" in page
    assert "<strong>occurrence records</strong>" in page
    assert "You both speak" not in page  # working languages are private
    assert f'href="{reverse("person-detail", args=[people["curator"].pk])}"' in page


def test_peers_page_asks_for_a_profile_when_there_is_none(login):
    cohort = current_cohort()
    _org, (person,) = cohort_org(cohort, name="Org A", application="Bus ridership routes.")
    cohort_org(cohort, name="Org B", application="Bus ridership routes.")

    response = login(person).get(reverse("peer-suggestions"))

    assert response.context["people"] == []
    assert "Write your expertise" in response.content.decode()
