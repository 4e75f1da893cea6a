"""An example query fills the form with every one of its measures, and the filled form,
submitted, asks exactly the example's query (a review walk lost the median of an example
with two quantiles: the form held one q)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from datacollab.datasets.models import Dataset
from datacollab.demo import privacy as demo_privacy
from datacollab.demo.builder import load_demo
from datacollab.organisations.models import User
from datacollab.privacy import examples, selectors, services
from datacollab.privacy.forms import QueryForm
from datacollab.privacy.models import Release
from tests.datasets.factories_access import datasets_storage  # noqa: F401
from tests.privacy.factories import pooled_dataset

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("datasets_storage")]

TWO_QUANTILES = {
    "dimensions": [{"column": "zone"}],
    "measures": [
        {"function": "mean", "column": "speed"},
        {"function": "quantile", "column": "speed", "q": 0.5},
        {"function": "count"},
        {"function": "quantile", "column": "speed", "q": 0.75},
    ],
    "filters": [],
}


class _QueryFormValues(HTMLParser):
    """What a browser would send from the page's query form (the one with "dimensions")."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[list[tuple[str, str]]] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append([])
        elif tag == "input" and a.get("name") and self.forms:
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            if a.get("type") not in ("submit", "button"):
                self.forms[-1].append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.forms[-1].append((self._select, a.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def _filled_form(html: str) -> dict[str, list[str]]:
    parser = _QueryFormValues()
    parser.feed(html)
    form = next(f for f in parser.forms if any(name == "dimensions" for name, _v in f))
    data: dict[str, list[str]] = {}
    for name, value in form:
        data.setdefault(name, []).append(value)
    return data


def test_form_filled_from_an_example_with_two_quantiles_asks_the_same_query():
    dataset, _owner = pooled_dataset(dp=False)
    settings = selectors.protection_of(dataset)
    kwargs = {
        "settings": settings,
        "types": selectors.column_types(dataset),
        "groupings": selectors.allowed_groupings(settings),
    }
    initial = QueryForm(**kwargs).initial_for(TWO_QUANTILES)

    form = QueryForm(initial, **kwargs)

    assert initial["quantiles_0"] == "0.5, 0.75"
    assert form.is_valid(), form.errors
    assert form.to_query() == TWO_QUANTILES


def test_form_asks_every_quantile_written_in_its_field():
    dataset, owner_user = pooled_dataset(dp=False)
    url = reverse("privacy-query", args=[dataset.slug])
    client = Client()
    client.force_login(owner_user)

    response = client.post(
        url, {"dimensions": ["0"], "measures": ["count"], "quantiles_0": "0.5, 0.9, 0.5"}
    )

    assert response.status_code == 200
    assert Release.objects.get().query["measures"] == [
        {"function": "count"},
        {"function": "quantile", "column": "speed", "q": 0.5},
        {"function": "quantile", "column": "speed", "q": 0.9},
    ]


def test_form_reads_decimal_commas_between_semicolons():
    dataset, owner_user = pooled_dataset(dp=False)
    client = Client()
    client.force_login(owner_user)

    response = client.post(
        reverse("privacy-query", args=[dataset.slug]),
        {"dimensions": ["0"], "quantiles_0": "0,5; 0,75"},
    )

    assert response.status_code == 200
    assert [m["q"] for m in Release.objects.get().query["measures"]] == [0.5, 0.75]


def test_form_without_any_measure_says_so_on_the_form():
    dataset, owner_user = pooled_dataset(dp=False)
    client = Client()
    client.force_login(owner_user)

    response = client.post(reverse("privacy-query", args=[dataset.slug]), {"dimensions": ["0"]})

    assert response.status_code == 400
    assert "Choose at least one measure or quantile." in response.text
    assert Release.objects.count() == 0


def test_each_demo_example_filled_and_submitted_runs_exactly_its_query():
    load_demo()
    sensors = Dataset.objects.get(slug="data-cargo-sensors")
    client = Client()
    client.force_login(User.objects.get(email=demo_privacy.CITY_PLANNER))
    url = reverse("privacy-query", args=[sensors.slug])
    saved = list(examples.example_queries(sensors))
    assert sorted(e.title for e in saved) == sorted(demo_privacy.EXAMPLE_QUERIES)

    for example in saved:
        filled = _filled_form(client.get(url, {"example": example.pk}).text)
        response = client.post(url, filled)
        by_button = services.run_aggregate_query(
            actor=example.created_by, dataset=sensors, query=example.query
        )

        assert response.status_code == 200, example.title
        answer = response.context["answer"]
        assert answer.release.query == example.query, example.title
        assert answer.release.query == {
            "filters": [],
            **demo_privacy.EXAMPLE_QUERIES[example.title],
        }
        assert answer.result.measures == by_button.result.measures, example.title
        assert [c.to_dict() for c in answer.result.cells] == [
            c.to_dict() for c in by_button.result.cells
        ], example.title
