"""Impact pages: who sees what, the figures they show, the CSV, and their query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from datacollab.datasets.models import Dataset
from datacollab.impact.models import Kind
from datacollab.impact.selectors.periods import period_of
from datacollab.impact.selectors.usage import usage
from datacollab.impact.services import counters
from tests.factories import make_org, make_user
from tests.factories_data import make_collaboration, make_dataset

pytestmark = pytest.mark.django_db


def _today() -> dt.date:
    return timezone.now().date()


def _ago(days: int) -> dt.date:
    return _today() - dt.timedelta(days=days)


@pytest.fixture
def owner():
    return make_user(email="owner@example.org")


@pytest.fixture
def org(owner):
    return make_org(name="Data Cargo", members=[owner])


def _only(dataset) -> QuerySet[Dataset]:
    return Dataset.objects.filter(pk=dataset.pk)


def _reads(dataset, *, days: int = 1, readers=(), kinds=tuple(Kind.values)) -> None:
    for back in range(days):
        for kind in kinds:
            counters.record(dataset=dataset, kind=kind, day=_ago(back), count=2)
            for person in readers:
                counters.record(dataset=dataset, kind=kind, user=person, day=_ago(back))


def test_usage_totals_readers_organisations_and_countries():
    dataset = make_dataset(spectrum="open")
    kenyans = [make_user(countries=["KE"]) for _ in range(3)]
    make_org(country="KE", members=kenyans[:2])
    lone = make_user(countries=["AR"])
    _reads(dataset, readers=[*kenyans, lone], kinds=[Kind.DOWNLOAD])
    counters.record(dataset=dataset, kind=Kind.VIEW, day=_ago(1))

    figures = usage(_only(dataset), period_of("30d"))

    assert figures.totals == {"view": 1, "download": 6, "api": 0, "query": 0}
    assert (figures.anonymous, figures.readers, figures.organisations) == (3, 4, 1)
    assert (figures.countries, figures.other_countries, figures.country_count) == (
        [("Kenya", 3)],
        1,
        2,
    )


def test_usage_period_leaves_out_older_days_and_fills_gaps():
    dataset = make_dataset(spectrum="open")
    counters.record(dataset=dataset, kind=Kind.VIEW, day=_ago(40))
    counters.record(dataset=dataset, kind=Kind.VIEW, day=_ago(2))

    figures = usage(_only(dataset), period_of("30d"))

    assert figures.totals["view"] == 1
    assert len(figures.buckets) == 30
    assert [b.counts["view"] for b in figures.buckets[-3:]] == [1, 0, 0]


def test_dataset_impact_owner_sees_trend_charts_and_csv(owner, org, login):
    dataset = make_dataset(owner=org, spectrum="closed", slug="sensors")
    _reads(dataset, days=3, readers=[owner])

    response = login(owner).get("/impact/datasets/sensors/?period=30d")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="chart-figure"') == 3
    assert "/impact/datasets/sensors/usage.csv?period=30d" in html


def test_dataset_impact_visitor_sees_headline_of_open_data_only(owner, org):
    make_dataset(owner=org, spectrum="open", slug="zones")

    response = Client().get("/impact/datasets/zones/")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="chart-figure"') == 0
    assert "usage.csv" not in html


def test_dataset_impact_of_non_open_data_hidden_from_other_people(owner, org, login):
    make_dataset(owner=org, spectrum="public", slug="packaging")

    response = login(make_user()).get("/impact/datasets/packaging/")

    assert response.status_code == 404


def test_dataset_csv_refused_to_visitor_of_open_data(owner, org):
    make_dataset(owner=org, spectrum="open", slug="zones")

    response = Client().get("/impact/datasets/zones/usage.csv")

    assert response.status_code == 404


def test_dataset_csv_has_one_row_per_bucket(owner, org, login):
    dataset = make_dataset(owner=org, spectrum="open", slug="zones")
    counters.record(dataset=dataset, kind=Kind.API, day=_ago(1), count=5)
    counters.record(dataset=dataset, kind=Kind.VIEW, user=owner, day=_ago(1))

    response = login(owner).get("/impact/datasets/zones/usage.csv?period=30d")

    lines = response.content.decode().splitlines()
    assert response.status_code == 200
    assert lines[0] == "period_start,view,download,api,query,signed_in_readers"
    assert len(lines) == 31
    assert lines[-2] == f"{_ago(1).isoformat()},1,0,5,0,1"


def test_organisation_impact_visitor_counts_open_datasets_only(owner, org):
    _reads(make_dataset(owner=org, spectrum="open"), kinds=[Kind.VIEW])
    _reads(make_dataset(owner=org, spectrum="closed"), kinds=[Kind.VIEW])

    response = Client().get(f"/impact/organisations/{org.slug}/")

    assert response.status_code == 200
    assert response.context["usage"].totals["view"] == 2
    assert "charts" not in response.context


def test_collaboration_impact_member_sees_every_visible_dataset(owner, org, login):
    collaboration = make_collaboration(lead=org, slug="cargo")
    _reads(make_dataset(owner=org, collaboration=collaboration, spectrum="open"), kinds=["view"])
    _reads(make_dataset(owner=org, collaboration=collaboration, spectrum="group"), kinds=["view"])

    response = login(owner).get("/impact/collaborations/cargo/")

    assert response.status_code == 200
    assert response.context["usage"].totals["view"] == 4
    assert len(response.context["per_dataset"]) == 2


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("kind", ["dataset", "organisation", "collaboration"])
def test_impact_page_query_count_does_not_grow_with_data(kind, owner, org, login):
    collaboration = make_collaboration(lead=org, slug="cargo")
    first = make_dataset(owner=org, collaboration=collaboration, spectrum="open", slug="first")
    slug = {"dataset": "first", "organisation": org.slug, "collaboration": "cargo"}[kind]
    url = f"/impact/{kind}s/{slug}/?period=90d"
    client = login(owner)
    _reads(first, days=1, readers=[owner])
    small = _queries(client, url)

    for _ in range(3):
        more = make_dataset(owner=org, collaboration=collaboration, spectrum="open")
        _reads(more, days=20, readers=[make_user(countries=["KE"]) for _ in range(3)])

    assert _queries(client, url) == small
