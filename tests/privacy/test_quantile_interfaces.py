"""Quantiles through the page, the API and the command: answers and clear refusals."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from datacollab.privacy import services
from datacollab.privacy.models import LedgerEntry
from tests.datasets.factories_access import datasets_storage  # noqa: F401
from tests.factories import make_user
from tests.privacy.factories import pooled_dataset

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("datasets_storage")]

API = "/api/v1/privacy/datasets/{slug}/aggregate"
BAD_Q = (
    "A quantile's q must be a number strictly between 0 and 1 (0.5 the median, 0.9 the 90th "
    "percentile), not “1.5”."
)
FORM_BAD_Q = (
    "Write each q as a number strictly between 0 and 1, separated by commas, or by semicolons "
    "with decimal commas (0.5 the median, 0.9 the 90th percentile)."
)
NO_BOUNDS = (
    "A quantile needs a column the owner declared as a measure with bounds: “zone” has none."
)


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _planner(dataset, owner_user):
    planner = make_user()
    services.grant_aggregates(actor=owner_user, dataset=dataset, user=planner)
    return planner


def _median(q=0.5, column="speed"):
    return {
        "dimensions": [{"column": "zone"}],
        "measures": [{"function": "quantile", "column": column, "q": q}],
    }


def test_api_answers_a_median_within_the_bounds_and_debits_epsilon_once():
    dataset, owner_user = pooled_dataset(public_dimensions=True)
    planner = _planner(dataset, owner_user)

    response = _client(planner).post(
        API.format(slug=dataset.slug), _median(), content_type="application/json"
    )

    body = response.json()
    assert response.status_code == 200
    assert body["measures"] == ["p50(speed)"]
    assert body["epsilon"] == pytest.approx(1.0)
    assert LedgerEntry.objects.filter(account__user=planner).count() == 1
    for cell in body["cells"]:
        if cell["suppressed"] is None and cell["values"]["p50(speed)"] is not None:
            assert 0 <= cell["values"]["p50(speed)"] <= 30


@pytest.mark.parametrize(
    ("query", "message"), [(_median(q=1.5), BAD_Q), (_median(column="zone"), NO_BOUNDS)]
)
def test_api_refuses_a_bad_quantile_with_422_and_spends_nothing(query, message):
    dataset, owner_user = pooled_dataset()
    planner = _planner(dataset, owner_user)

    response = _client(planner).post(
        API.format(slug=dataset.slug), query, content_type="application/json"
    )

    body = response.json()
    assert response.status_code == 422
    assert (body["error"], body["message"]) == ("invalid_input", message)
    assert body["detail"] == [{"type": "query_refused", "loc": ["body", "query"], "msg": message}]
    assert LedgerEntry.objects.count() == 0


def test_page_refuses_a_q_out_of_range_on_the_form():
    dataset, owner_user = pooled_dataset(dp=False)
    planner = _planner(dataset, owner_user)

    response = _client(planner).post(
        reverse("privacy-query", args=[dataset.slug]),
        {"dimensions": ["0"], "quantiles_0": "0.5, 1.5"},
    )

    assert response.status_code == 400
    assert escape(FORM_BAD_Q) in response.text
    assert LedgerEntry.objects.count() == 0


@pytest.mark.parametrize(("q", "message"), [(1.5, BAD_Q), (0.5, NO_BOUNDS)])
def test_command_refuses_a_bad_quantile_and_exits_1(tmp_path, q, message):
    dataset, owner_user = pooled_dataset()
    query = tmp_path / "q.json"
    query.write_text(json.dumps(_median(q=q, column="speed" if q != 0.5 else "zone")))

    with pytest.raises(CommandError) as refused:
        call_command("aggregate", dataset=dataset.slug, query=str(query), email=owner_user.email)

    assert str(refused.value) == message
    assert refused.value.returncode == 1


def test_owner_sees_utility_for_a_quantile_query():
    dataset, owner_user = pooled_dataset(dp=False)
    query = {
        "dimensions": [{"column": "zone"}],
        "measures": [{"function": "count"}, {"function": "quantile", "column": "speed", "q": 0.5}],
    }
    answer = services.run_aggregate_query(actor=owner_user, dataset=dataset, query=query)

    utility = services.utility(actor=owner_user, dataset=dataset, answer=answer)

    released = [c for c in answer.result.cells if c.suppressed is None]
    assert utility.released == len(released) == 3
    # Counts are exact without noise; a median read from 32 bins over 0-30 is within one
    # bin (0.94) of the exact one: its relative error is small but not zero.
    assert utility.median_relative_error is not None
    assert 0 <= utility.median_relative_error < 0.05


def test_api_answers_a_median_on_the_stored_pattern_path_without_noise():
    # Without a privacy unit, queries are read off the stored lattice pattern; the quantiles
    # still need the file's histograms (a merge once dropped them on this path).
    dataset, owner_user = pooled_dataset(dp=False)
    planner = _planner(dataset, owner_user)

    response = _client(planner).post(
        API.format(slug=dataset.slug), _median(), content_type="application/json"
    )

    body = response.json()
    assert response.status_code == 200
    assert body["measures"] == ["p50(speed)"]
    released = [cell for cell in body["cells"] if cell["suppressed"] is None]
    assert released != []
    for cell in released:
        assert "p50(speed)" in cell["values"]
        median = cell["values"]["p50(speed)"]
        assert median is None or 0 <= median <= 30
