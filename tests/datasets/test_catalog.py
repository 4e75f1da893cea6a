"""The catalog: only visible datasets, search, facets counted over visible ones, pages."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from datacollab.datasets.selectors.catalog import search_catalog
from tests.datasets.factories_access import datasets_storage, make_version  # noqa: F401
from tests.factories import make_org, make_user
from tests.factories_data import make_collaboration, make_dataset

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("datasets_storage")]


@pytest.fixture
def cargo():
    return make_org(name="Data Cargo")


@pytest.fixture
def city():
    return make_org(name="City Council")


@pytest.fixture
def shelf(cargo, city):
    """Four visible datasets and one closed one that shares their theme and words."""
    bikes = make_dataset(
        owner=cargo,
        title="Cargo bike sensors",
        description="Speed and load of delivery bikes.",
        keywords=["speed", "load"],
        themes=["transport"],
        licence="CC-BY-4.0",
        spectrum="open",
    )
    make_version(bikes, source_format="parquet")
    air = make_dataset(
        owner=city,
        title="Air quality",
        description="PM2.5 by station.",
        keywords=["pm25"],
        themes=["environment", "health"],
        licence="CC0-1.0",
        spectrum="open",
    )
    make_version(air, source_format="csv")
    make_version(air, source_format="xlsx")
    make_dataset(
        owner=city,
        title="Road works",
        description="Where the roads are dug up.",
        themes=["transport"],
        licence="ODbL-1.0",
        spectrum="public",
    )
    make_dataset(
        owner=cargo,
        title="Bike parking",
        description="Racks.",
        themes=["transport"],
        licence="CC-BY-4.0",
        spectrum="open",
    )
    make_dataset(
        owner=cargo,
        title="Secret cargo routes",
        description="Speed and load of delivery bikes, per route.",
        themes=["transport"],
        licence="CC-BY-4.0",
        spectrum="closed",
    )


def _titles(result) -> list[str]:
    return [ds.title for ds in result.page]


def _facet(result, name: str) -> dict[str, int]:
    facet = next(f for f in result.facets if f.name == name)
    return {v.value: v.count for v in facet.values}


def test_catalog_anonymous_sees_open_only_and_counts_only_those(shelf):
    result = search_catalog(None)
    assert _titles(result) == ["Air quality", "Bike parking", "Cargo bike sensors"]
    assert result.total == 3
    assert _facet(result, "theme") == {"transport": 2, "environment": 1, "health": 1}
    assert _facet(result, "spectrum") == {"open": 3}
    assert _facet(result, "licence") == {"CC-BY-4.0": 2, "CC0-1.0": 1}
    assert _facet(result, "format") == {"parquet": 1, "xlsx": 1}


def test_catalog_registered_also_sees_public(shelf):
    result = search_catalog(make_user())
    assert result.total == 4
    assert _facet(result, "spectrum") == {"open": 3, "public": 1}
    assert _facet(result, "theme")["transport"] == 3


def test_catalog_owner_member_sees_own_closed_data(shelf, cargo):
    member = make_user()
    cargo.memberships.create(user=member)
    result = search_catalog(member)
    assert "Secret cargo routes" in _titles(result)
    assert _facet(result, "theme")["transport"] == 4


def test_catalog_search_matches_every_word_in_any_field(shelf):
    # Ranked differently by vendor (PostgreSQL by relevance), so compared as a set.
    assert sorted(_titles(search_catalog(None, q="bike"))) == ["Bike parking", "Cargo bike sensors"]
    assert _titles(search_catalog(None, q="delivery SPEED")) == ["Cargo bike sensors"]
    # Owner name, keywords and themes are searched too.
    assert _titles(search_catalog(None, q="council")) == ["Air quality"]
    assert _titles(search_catalog(None, q="pm25")) == ["Air quality"]
    assert _titles(search_catalog(None, q="health")) == ["Air quality"]
    assert _titles(search_catalog(None, q="bike nothing")) == []
    # A word finds longer words it starts (both vendors).
    assert _titles(search_catalog(None, q="sensor")) == ["Cargo bike sensors"]


def test_catalog_search_never_finds_invisible_data(shelf):
    result = search_catalog(None, q="route")
    assert (_titles(result), result.total) == ([], 0)
    assert all(not facet.values for facet in result.facets)


def test_catalog_facets_combine_or_within_and_across(shelf):
    both = search_catalog(None, filters={"theme": ["transport", "health"]})
    assert _titles(both) == ["Air quality", "Bike parking", "Cargo bike sensors"]
    narrowed = search_catalog(None, filters={"theme": ["transport"], "licence": ["CC-BY-4.0"]})
    assert _titles(narrowed) == ["Bike parking", "Cargo bike sensors"]
    # A facet's counts ignore its own choice, so the alternatives stay visible.
    assert _facet(narrowed, "theme") == {"transport": 2}
    by_format = search_catalog(None, filters={"format": ["parquet"]})
    assert _titles(by_format) == ["Cargo bike sensors"]


def test_catalog_filter_on_invisible_value_counts_zero(shelf):
    result = search_catalog(None, filters={"spectrum": ["closed"]})
    assert (_titles(result), _facet(result, "spectrum")) == ([], {"open": 3, "closed": 0})


def test_catalog_pages(cargo):
    for n in range(5):
        make_dataset(owner=cargo, title=f"Set {n}", spectrum="open", licence="CC0-1.0")
    second = search_catalog(None, page=2, page_size=2)
    assert (_titles(second), second.total) == (["Set 2", "Set 3"], 5)
    assert _titles(search_catalog(None, page="junk", page_size=2)) == ["Set 0", "Set 1"]


def test_catalog_page_renders_results_facets_and_links(client, shelf):
    response = client.get("/datasets/", {"q": "bike", "theme": "transport"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Cargo bike sensors" in body
    assert "Secret cargo routes" not in body
    assert "?q=bike&amp;theme=transport&amp;licence=CC-BY-4.0" in body
    assert re.search(r"2 datasets", body)


def test_catalog_page_too_long_query_is_400(client, shelf):
    assert client.get("/datasets/", {"q": "x" * 500}).status_code == 400


def _queries(client, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/datasets/", params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("params", [{}, {"q": "readings"}, {"theme": "transport", "page": "2"}])
def test_catalog_page_queries_constant_in_rows(login, params):
    org = make_org()
    collab = make_collaboration(lead=org)
    client = login(make_user())

    def add(n: int) -> None:
        for i in range(n):
            ds = make_dataset(
                owner=make_org(),
                title=f"Readings {i}",
                themes=["transport"],
                licence="CC0-1.0",
                spectrum=["open", "public", "group"][i % 3],
                collaboration=collab,
                listed=True,
            )
            make_version(ds)

    add(25)
    few = _queries(client, params)
    add(50)
    assert _queries(client, params) == few


# --- Listed named and group data: findable, so it can be asked for ------------------------------


def test_new_group_dataset_is_listed_unless_the_owner_says_not(cargo):
    from datacollab.datasets.services.datasets import create_dataset

    author = make_user()
    cargo.memberships.create(user=author, role="member")
    collab = make_collaboration(lead=cargo)

    listed = create_dataset(
        actor=author, owner=cargo, title="Pooled", spectrum="group", collaboration=collab
    )
    hidden = create_dataset(
        actor=author, owner=cargo, title="Hidden", spectrum="named", listed=False
    )
    closed = create_dataset(actor=author, owner=cargo, title="Closed", spectrum="closed")

    assert (listed.listed, hidden.listed, closed.listed) == (True, False, False)


def test_new_dataset_form_ticks_listed(login, cargo):
    author = make_user()
    cargo.memberships.create(user=author, role="member")

    body = login(author).get("/datasets/new/").content.decode()

    tag = re.search(r'<input[^>]*name="listed"[^>]*>', body)
    assert tag is not None
    assert " checked" in tag.group(0)


def test_listed_group_data_is_in_an_outsiders_catalog_with_its_level(login, cargo):
    collab = make_collaboration(lead=cargo)
    make_dataset(owner=cargo, spectrum="group", collaboration=collab, listed=True, title="Pooled")
    make_dataset(owner=cargo, spectrum="group", collaboration=collab, title="Unlisted pool")

    body = login(make_user()).get("/datasets/").content.decode()

    assert "Pooled" in body
    assert "Group: members of the collaboration" in body
    assert "Unlisted pool" not in body


def test_listed_data_page_shows_field_names_not_constraints_to_outsiders(login, cargo):
    dataset = make_dataset(owner=cargo, spectrum="named", listed=True, slug="clinics")
    schema = {
        "fields": [
            {
                "name": "clinic",
                "type": "string",
                "description": "The clinic.",
                "constraints": {"enum": ["Howrah North", "Sealdah"]},
            },
            {"name": "screened", "type": "integer", "constraints": {"maximum": 4242}},
        ]
    }
    make_version(dataset, {"clinic": ["Sealdah"], "screened": [12]}, schema)
    outsider = login(make_user())

    body = outsider.get("/datasets/clinics/").content.decode()

    assert "<code>clinic</code>" in body
    assert "<code>screened</code>" in body
    assert "The clinic." in body
    assert "Howrah North" not in body
    assert "4242" not in body
    assert 'href="/datasets/clinics/request/"' in body
    assert outsider.get("/datasets/clinics/v1/preview/").status_code == 403
    assert outsider.get("/api/v1/datasets/clinics/versions/1/rows").status_code == 403
    assert "schema" not in outsider.get("/api/v1/datasets/clinics").json()["versions"][0]


def test_unlisted_named_data_stays_invisible_to_outsiders(login, client, cargo):
    make_dataset(owner=cargo, spectrum="named", slug="secret", title="Secret")
    outsider = login(make_user())

    assert outsider.get("/datasets/secret/").status_code == 404
    assert outsider.get("/datasets/secret/request/").status_code == 404
    assert "Secret" not in outsider.get("/datasets/").content.decode()
    assert outsider.get("/api/v1/datasets/secret").status_code == 404
