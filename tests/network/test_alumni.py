from __future__ import annotations

import pytest
from django.urls import reverse

from datacollab.network.selectors import alumni as selectors
from tests.factories import make_org, make_user
from tests.factories_matching import current_cohort, ended_cohort

pytestmark = pytest.mark.django_db


@pytest.fixture
def alumni():
    first = ended_cohort(name="Cohort One", slug="cohort-one")
    second = ended_cohort(name="Cohort Two", slug="cohort-two")
    running = current_cohort(name="Cohort Three", slug="cohort-three")
    ada = make_user(display_name="Ada Lovelace")
    nameless = make_user(display_name="")
    grace = make_user(display_name="Grace Hopper")
    gone = make_user(display_name="Gone Person", is_active=False)
    cargo = make_org(name="Data Cargo", kind="company", country="GB", members=[ada, nameless])
    maas = make_org(name="MaaS Peer", kind="non_profit", country="KE", members=[grace, gone])
    labs = make_org(name="Lima Labs", kind="research", country="PE")
    newcomer = make_org(name="Newcomer", kind="company", country="GB")
    first.members.add(cargo, maas)
    second.members.add(cargo, labs)
    running.members.add(newcomer, maas)
    return {
        "first": first,
        "second": second,
        "running": running,
        "cargo": cargo,
        "maas": maas,
        "labs": labs,
        "newcomer": newcomer,
        "ada": ada,
    }


def _names(response) -> list[str]:
    return [entry.organisation.name for entry in response.context["entries"]]


def test_alumni_directory_lists_organisations_of_ended_cohorts(alumni, login):
    response = login(alumni["ada"]).get(reverse("alumni-directory"))

    assert response.status_code == 200
    assert _names(response) == ["Data Cargo", "Lima Labs", "MaaS Peer"]
    cargo, _, maas = response.context["entries"]
    assert [c.name for c in cargo.cohorts] == ["Cohort One", "Cohort Two"]
    assert cargo.people == ["Ada Lovelace"]
    assert cargo.unnamed == 1
    assert cargo.region == "Europe"
    # Only its ended cohort: MaaS Peer is also in the running cohort.
    assert [c.name for c in maas.cohorts] == ["Cohort One"]
    assert maas.people == ["Grace Hopper"]
    content = response.content.decode()
    assert "Gone Person" not in content
    assert "1 person without a public name" in content


def test_alumni_directory_filters_by_cohort_region_kind_and_name(alumni, login):
    client = login(alumni["ada"])
    url = reverse("alumni-directory")

    by_cohort = client.get(url, {"cohort": "cohort-two"})
    by_region = client.get(url, {"region": "Africa"})
    by_kind = client.get(url, {"kind": "research"})
    by_org_name = client.get(url, {"q": "cargo"})
    by_person = client.get(url, {"q": "hopper"})
    combined = client.get(url, {"cohort": "cohort-one", "region": "Europe", "kind": "company"})

    assert _names(by_cohort) == ["Data Cargo", "Lima Labs"]
    assert _names(by_region) == ["MaaS Peer"]
    assert _names(by_kind) == ["Lima Labs"]
    assert _names(by_org_name) == ["Data Cargo"]
    assert _names(by_person) == ["MaaS Peer"]
    assert _names(combined) == ["Data Cargo"]


def test_alumni_directory_person_search_ignores_inactive_people(alumni, login):
    response = login(alumni["ada"]).get(reverse("alumni-directory"), {"q": "Gone"})

    assert _names(response) == []
    assert "No alumni organisation matches" in response.content.decode()


def test_alumni_directory_bad_filter_shows_the_error(alumni, login):
    response = login(alumni["ada"]).get(
        reverse("alumni-directory"), {"cohort": "cohort-three", "kind": "pirate"}
    )

    assert response.status_code == 400
    assert response.context["filters"].errors.keys() == {"cohort", "kind"}
    assert _names(response) == ["Data Cargo", "Lima Labs", "MaaS Peer"]


@pytest.mark.parametrize("who", ["current participant", "expert", "convener"])
def test_alumni_directory_open_to_the_network(alumni, login, who):
    if who == "current participant":
        user = make_user()
        alumni["newcomer"].memberships.create(user=user)
    else:
        user = make_user(roles=[who])

    response = login(user).get(reverse("alumni-directory"))

    assert response.status_code == 200


@pytest.mark.parametrize("roles", [[], ["reviewer"], ["participant"]])
def test_alumni_directory_refuses_outsiders(alumni, login, roles):
    outsider = make_user(roles=roles)
    make_org(members=[outsider])

    response = login(outsider).get(reverse("alumni-directory"))

    assert response.status_code == 403
    assert "The alumni directory is for the network&#x27;s people" in response.content.decode()


def test_alumni_directory_anonymous_is_sent_to_log_in(client):
    response = client.get(reverse("alumni-directory"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_alumni_directory_pages(alumni, login):
    for n in range(selectors.PAGE_SIZE):
        alumni["first"].members.add(make_org(name=f"Zeta {n:02d}"))
    client = login(alumni["ada"])

    first = client.get(reverse("alumni-directory"), {"kind": "", "page": "1"})
    second = client.get(reverse("alumni-directory"), {"kind": "", "page": "2"})
    bogus = client.get(reverse("alumni-directory"), {"page": "many"})

    assert _names(first)[:3] == ["Data Cargo", "Lima Labs", "MaaS Peer"]
    assert len(_names(first)) == selectors.PAGE_SIZE
    assert _names(second) == ["Zeta 47", "Zeta 48", "Zeta 49"]
    assert _names(bogus) == _names(first)
    assert 'href="?kind=&amp;page=2"' in first.content.decode()


def test_alumni_directory_query_count(alumni, login, django_assert_max_num_queries):
    for n in range(10):
        people = [make_user(display_name=f"Person {n}-{i}") for i in range(3)]
        org = make_org(name=f"Alumni {n}", members=people)
        alumni["first"].members.add(org)
        alumni["second"].members.add(org)
    client = login(alumni["ada"])

    with django_assert_max_num_queries(
        10
    ):  # +1: the menu asks whether the person books 1:1 support
        response = client.get(reverse("alumni-directory"))

    assert len(response.context["entries"]) == 13
