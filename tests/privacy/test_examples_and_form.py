"""Saved example queries (service, page, API) and a query form that offers only what the
protections can answer."""

from __future__ import annotations

import itertools
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from datacollab.core.errors import Conflict, NotAllowed
from datacollab.core.models import AuditEntry
from datacollab.privacy import examples, services
from datacollab.privacy.messages import QueryRefused
from datacollab.privacy.models import ExampleQuery, Release
from tests.datasets.factories_access import datasets_storage  # noqa: F401
from tests.factories import make_user
from tests.privacy.factories import BY_ZONE, BY_ZONE_SPEED, pooled_dataset

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("datasets_storage")]


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _planner(dataset, owner_user):
    planner = make_user()
    services.grant_aggregates(actor=owner_user, dataset=dataset, user=planner)
    return planner


def _url(dataset):
    return reverse("privacy-query", args=[dataset.slug])


# --- The service -----------------------------------------------------------------------


def test_owner_saves_an_example_query_and_it_is_audited():
    dataset, owner_user = pooled_dataset(dp=False)

    example = examples.save_example_query(
        actor=owner_user, dataset=dataset, title=" By zone ", description="Trips", query=BY_ZONE
    )

    assert example.title == "By zone"
    assert example.query == {**BY_ZONE, "filters": []}
    entry = AuditEntry.objects.get(action="privacy.example.saved")
    assert entry.details == {"example": example.pk, "title": "By zone", "query": example.query}


def test_only_the_owner_saves_example_queries():
    dataset, owner_user = pooled_dataset(dp=False)
    planner = _planner(dataset, owner_user)

    with pytest.raises(NotAllowed):
        examples.save_example_query(actor=planner, dataset=dataset, title="Mine", query=BY_ZONE)

    assert ExampleQuery.objects.count() == 0


def test_an_example_the_lattice_cannot_answer_is_refused():
    dataset, owner_user = pooled_dataset(dp=False)
    by_day = {
        "dimensions": [{"column": "recorded_at", "bucket": "day"}],
        "measures": [{"function": "count"}],
    }

    with pytest.raises(QueryRefused) as refused:
        examples.save_example_query(actor=owner_user, dataset=dataset, title="Day", query=by_day)

    assert refused.value.message.startswith("“recorded_at (day)” is not one of the groupings")
    assert ExampleQuery.objects.count() == 0


def test_an_example_title_is_used_once_per_dataset():
    dataset, owner_user = pooled_dataset(dp=False)
    examples.save_example_query(actor=owner_user, dataset=dataset, title="Zones", query=BY_ZONE)

    with pytest.raises(Conflict):
        examples.save_example_query(
            actor=owner_user, dataset=dataset, title="Zones", query=BY_ZONE_SPEED
        )

    assert ExampleQuery.objects.count() == 1


def test_owner_removes_an_example_and_others_may_not():
    dataset, owner_user = pooled_dataset(dp=False)
    planner = _planner(dataset, owner_user)
    example = examples.save_example_query(
        actor=owner_user, dataset=dataset, title="Zones", query=BY_ZONE
    )

    with pytest.raises(NotAllowed):
        examples.delete_example_query(actor=planner, dataset=dataset, example_id=example.pk)
    examples.delete_example_query(actor=owner_user, dataset=dataset, example_id=example.pk)

    assert ExampleQuery.objects.count() == 0
    entry = AuditEntry.objects.get(action="privacy.example.deleted")
    assert entry.details == {"example": example.pk, "title": "Zones"}


# --- The page --------------------------------------------------------------------------


def test_planner_runs_an_example_with_one_click():
    dataset, owner_user = pooled_dataset(dp=False)
    planner = _planner(dataset, owner_user)
    example = examples.save_example_query(
        actor=owner_user, dataset=dataset, title="Speed by zone", query=BY_ZONE_SPEED
    )

    page = _client(planner).get(_url(dataset))
    response = _client(planner).post(_url(dataset), {"example": str(example.pk)})

    assert "Run “Speed by zone”" in page.text
    assert "Remove “Speed by zone”" not in page.text
    assert response.status_code == 200
    assert '<th scope="col">Mean of speed</th>' in response.text
    assert "Your query (from “Speed by zone”)" in response.text


def test_an_example_link_fills_the_form_without_running_it():
    dataset, owner_user = pooled_dataset(dp=False)
    planner = _planner(dataset, owner_user)
    example = examples.save_example_query(
        actor=owner_user,
        dataset=dataset,
        title="Two zones",
        query={**BY_ZONE_SPEED, "filters": [{"column": "zone", "op": "in", "values": ["Z0"]}]},
    )

    response = _client(planner).get(_url(dataset), {"example": example.pk})

    checked = re.findall(
        r'<input type="checkbox" name="(\w+)" value="([^"]+)"[^>]*checked', response.text
    )
    assert sorted(checked) == [
        ("dimensions", "0"),
        ("measures", "count"),
        ("measures", "mean:speed"),
    ]
    assert 'name="filter_0" value="Z0"' in response.text
    assert "Result" not in response.text
    assert Release.objects.count() == 0


def test_owner_saves_the_query_under_a_result_as_an_example():
    dataset, owner_user = pooled_dataset(dp=False)
    answer = services.run_aggregate_query(actor=owner_user, dataset=dataset, query=BY_ZONE)

    response = _client(owner_user).post(
        reverse("privacy-example-save", args=[dataset.slug, answer.release.pk]),
        {"title": "Trips by zone", "description": "Where the bikes ride"},
    )

    example = ExampleQuery.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{_url(dataset)}?example={example.pk}"
    assert (example.title, example.description) == ("Trips by zone", "Where the bikes ride")
    assert example.query == answer.release.query


def test_query_page_with_examples_makes_the_same_number_of_queries():
    dataset, owner_user = pooled_dataset(dp=False)
    planner = _planner(dataset, owner_user)
    examples.save_example_query(actor=owner_user, dataset=dataset, title="A", query=BY_ZONE)
    client = _client(planner)
    client.get(_url(dataset))
    with CaptureQueriesContext(connection) as one:
        client.get(_url(dataset))
    for title in ("B", "C", "D"):
        examples.save_example_query(actor=owner_user, dataset=dataset, title=title, query=BY_ZONE)

    with CaptureQueriesContext(connection) as four:
        response = client.get(_url(dataset))

    assert response.text.count("Fill the form with it") == 4
    assert len(four) == len(one)


def test_lattice_form_offers_only_the_lattice_groupings():
    dataset, owner_user = pooled_dataset(dp=False)
    planner = _planner(dataset, owner_user)

    response = _client(planner).get(_url(dataset))

    groupings = re.findall(r'name="dimensions" value="(\d)"[^>]*>\s*([^<]+)</label>', response.text)
    assert [label.strip() for _value, label in groupings] == ["zone", "recorded_at by hour"]
    assert 'name="bucket_1"' not in response.text
    assert 'name="from_1"' not in response.text
    assert 'name="filter_0"' in response.text
    assert 'name="filter_1"' not in response.text


@pytest.mark.parametrize("chosen", [["0"], ["1"], ["0", "1"]])
def test_every_grouping_the_lattice_form_offers_is_answered(chosen):
    dataset, owner_user = pooled_dataset(dp=False)
    planner = _planner(dataset, owner_user)

    response = _client(planner).post(
        _url(dataset), {"dimensions": chosen, "measures": ["count"], "quantiles_0": "0.5"}
    )

    assert response.status_code == 200
    assert "cells released" in response.text


def test_a_lattice_filter_groups_by_its_dimension_too():
    dataset, owner_user = pooled_dataset(dp=False)
    planner = _planner(dataset, owner_user)

    response = _client(planner).post(
        _url(dataset), {"dimensions": ["1"], "measures": ["count"], "filter_0": "Z0, Z1"}
    )

    assert response.status_code == 200
    assert '<th scope="col">zone</th><th scope="col">recorded_at by hour</th>' in response.text


def test_the_form_offers_every_grouping_the_service_answers():
    """One source of truth: what the form lists is exactly what the lattice check accepts."""
    dataset, owner_user = pooled_dataset(dp=False)
    from datacollab.privacy import selectors

    settings = selectors.protection_of(dataset)
    groupings = selectors.allowed_groupings(settings)
    for size in (1, 2):
        for chosen in itertools.combinations(groupings, size):
            query = {
                "dimensions": [d.to_dict() for d in chosen],
                "measures": [{"function": "count"}],
            }
            services.run_aggregate_query(actor=owner_user, dataset=dataset, query=query)

    assert [d.label for d in groupings] == ["zone", "recorded_at (hour)"]


# --- The API ---------------------------------------------------------------------------


def test_api_lists_the_example_queries_to_people_who_may_query():
    dataset, owner_user = pooled_dataset(dp=False)
    planner = _planner(dataset, owner_user)
    example = examples.save_example_query(
        actor=owner_user, dataset=dataset, title="Zones", description="All", query=BY_ZONE
    )
    url = f"/api/v1/privacy/datasets/{dataset.slug}/examples"

    body = _client(planner).get(url).json()
    stranger = _client(make_user()).get(url)

    assert body == [
        {"id": example.pk, "title": "Zones", "description": "All", "query": example.query}
    ]
    assert stranger.status_code == 404


def test_api_example_list_makes_the_same_number_of_queries():
    dataset, owner_user = pooled_dataset(dp=False)
    planner = _planner(dataset, owner_user)
    client = _client(planner)
    url = f"/api/v1/privacy/datasets/{dataset.slug}/examples"
    examples.save_example_query(actor=owner_user, dataset=dataset, title="A", query=BY_ZONE)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for title in ("B", "C"):
        examples.save_example_query(actor=owner_user, dataset=dataset, title=title, query=BY_ZONE)

    with CaptureQueriesContext(connection) as three:
        body = client.get(url).json()

    assert [e["title"] for e in body] == ["A", "B", "C"]
    assert len(three) == len(one)
