"""The result table names its columns in the reader's words; the API and the published
open data keep the engine's stable machine labels (docs/guide/privacy.md promises them)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from datacollab.privacy.engine.query import Measure
from datacollab.privacy.labels import measure_name
from tests.datasets.factories_access import datasets_storage  # noqa: F401
from tests.privacy.factories import pooled_dataset

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("datasets_storage")]

QUERY = {
    "dimensions": [{"column": "zone"}, {"column": "recorded_at", "bucket": "hour"}],
    "measures": [
        {"function": "count"},
        {"function": "mean", "column": "speed"},
        {"function": "sum", "column": "speed"},
        {"function": "quantile", "column": "speed", "q": 0.5},
        {"function": "quantile", "column": "speed", "q": 0.9},
    ],
}


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_result_table_headers_are_readable_names():
    dataset, owner_user = pooled_dataset(dp=False)

    response = _client(owner_user).post(
        reverse("privacy-query", args=[dataset.slug]),
        {
            "dimensions": ["0", "1"],
            "measures": ["count", "mean:speed", "sum:speed"],
            "quantiles_0": "0.5, 0.9",
        },
    )

    thead = re.search(r"<thead>(.*?)</thead>", response.text, re.S).group(1)
    assert re.findall(r'<th scope="col">([^<]*)</th>', thead) == [
        "zone",
        "recorded_at by hour",
        "Number of rows",
        "Mean of speed",
        "Sum of speed",
        "Median of speed",
        "Percentile 90 of speed",
    ]


def test_api_keeps_the_machine_labels_in_any_language():
    dataset, owner_user = pooled_dataset(dp=False)

    response = _client(owner_user).post(
        f"/api/v1/privacy/datasets/{dataset.slug}/aggregate",
        QUERY,
        content_type="application/json",
        headers={"accept-language": "fr"},
    )

    assert response.status_code == 200
    assert response.json()["dimensions"] == ["zone", "recorded_at (hour)"]
    assert response.json()["measures"] == [
        "count",
        "mean(speed)",
        "sum(speed)",
        "p50(speed)",
        "p90(speed)",
    ]


def test_a_percentile_name_writes_its_decimals_in_the_readers_format():
    with translation.override("en"):
        english = measure_name(Measure("quantile", "speed", 0.995))
    with translation.override("fr"):
        french = measure_name(Measure("quantile", "speed", 0.995))

    assert english == "Percentile 99.5 of speed"
    assert "99,5" in french
