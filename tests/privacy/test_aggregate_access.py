"""'Aggregates only' never reads a row: every dataset route answers an aggregates-only grantee
exactly as it answers a registered stranger, and no body shows a value of the data.

Beside the permission matrix (tests/datasets/test_permission_matrix.py), which crawls the
same routes for the row-level roles.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from datacollab.datasets.rules import can_see, data_access
from datacollab.privacy import services
from datacollab.privacy.rules import can_query_aggregates
from tests.datasets.factories_access import datasets_storage, make_version  # noqa: F401
from tests.datasets.test_permission_matrix import QUERY, _body, _params, dataset_routes
from tests.factories import make_org, make_user
from tests.factories_data import make_collaboration, make_dataset
from tests.privacy.factories import SCHEMA

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("datasets_storage")]

SECRET_BIKE = "bike-zzsecret"
LEVELS = ["named", "group", "named-listed", "group-listed"]


@pytest.fixture
def world():
    owner_user = make_user()
    owner = make_org(members=[owner_user])
    city = make_org()
    collab = make_collaboration(lead=owner)
    planner, colleague, stranger = make_user(), make_user(), make_user()
    city.memberships.create(user=colleague, role="member")
    datasets, ids = {}, {}
    for level in LEVELS:
        dataset = make_dataset(
            owner=owner,
            collaboration=collab,
            spectrum=level.removesuffix("-listed"),
            listed=level.endswith("-listed"),
            slug=f"pooled-{level}",
            title=f"Pooled {level}",
        )
        columns = {
            "firm": ["A", "B", "C"] * 4,
            "bike_id": [SECRET_BIKE] * 12,
            "zone": ["Z1"] * 12,
            "recorded_at": ["2024-05-01T08:00:00+00:00"] * 12,
            "speed": [17.77] * 12,
        }
        make_version(dataset, columns, SCHEMA)
        make_version(dataset, columns, SCHEMA)
        services.set_protection(
            actor=owner_user,
            dataset=dataset,
            contributor="firm",
            dimensions=["zone"],
            lattice=[{"column": "zone"}],
        )
        services.grant_aggregates(actor=owner_user, dataset=dataset, user=planner)
        services.grant_aggregates(actor=owner_user, dataset=dataset, organisation=city)
        datasets[level] = dataset
        ids[level] = {"grant_id": 1, "request_id": 1, "upload_id": 1}
    return {
        "datasets": datasets,
        "ids": ids,
        "planner": planner,
        "colleague": colleague,
        "stranger": stranger,
    }


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_aggregates_only_grants_admit_to_queries_and_to_no_row(world):
    for dataset in world["datasets"].values():
        for who in ("planner", "colleague"):
            user = world[who]
            assert can_query_aggregates(user, dataset)
            assert not data_access(user, dataset).allowed
            assert can_see(user, dataset) == can_see(world["stranger"], dataset)


@pytest.mark.parametrize("who", ["planner", "colleague"])
def test_every_dataset_route_answers_a_grantee_as_a_stranger(world, who):
    grantee, stranger = _client(world[who]), _client(world["stranger"])
    failures = []
    for route in dataset_routes():
        if not route.params:
            continue
        for level in world["datasets"]:
            url = reverse(route.name, kwargs=_params(route, level, world))
            query = QUERY.get(route.name, {})
            got, baseline = grantee.get(url, query), stranger.get(url, query)
            body = _body(got)
            if route.name == "api:aggregate":
                if got.status_code != 200 or got.json()["queryable"] is not True:
                    failures.append(f"{url}: {got.status_code} {body[:80]}")
                continue
            if route.name == "api:aggregate-examples":
                # Example queries are for people with aggregate access: names, no data.
                if got.status_code != 200:
                    failures.append(f"{url}: {got.status_code} {body[:80]}")
                continue
            if got.status_code != baseline.status_code:
                failures.append(f"{url}: {got.status_code}, a stranger gets {baseline.status_code}")
            if SECRET_BIKE in body or "17.77" in body:
                failures.append(f"{url}: shows a value of the data")
    assert failures == []


def test_search_shows_a_grantee_no_more_than_a_stranger(world):
    grantee, stranger = _client(world["planner"]), _client(world["stranger"])

    got = grantee.get(reverse("search"), {"q": "Pooled"})
    baseline = stranger.get(reverse("search"), {"q": "Pooled"})

    assert got.status_code == baseline.status_code
    for level in ("named", "group"):
        assert (f"Pooled {level}<" in _body(got)) == (f"Pooled {level}<" in _body(baseline))
