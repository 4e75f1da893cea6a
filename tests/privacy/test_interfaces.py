from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from datacollab.privacy import services
from datacollab.privacy.models import LedgerEntry
from tests.datasets.factories_access import datasets_storage  # noqa: F401
from tests.factories import make_user
from tests.privacy.factories import BY_ZONE, BY_ZONE_SPEED, pooled_dataset

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("datasets_storage")]

URL = "/api/v1/privacy/datasets/{slug}/aggregate"


def _grantee(dataset, owner_user):
    planner = make_user(email="planner@example.org")
    services.grant_aggregates(actor=owner_user, dataset=dataset, user=planner)
    return planner


def _client(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_api_runs_a_query_and_reports_epsilon_and_budget():
    dataset, owner_user = pooled_dataset()
    planner = _grantee(dataset, owner_user)

    response = _client(planner).post(
        URL.format(slug=dataset.slug), BY_ZONE_SPEED, content_type="application/json"
    )

    body = response.json()
    assert response.status_code == 200
    assert body["dimensions"] == ["zone"]
    assert body["measures"] == ["count", "mean(speed)"]
    assert body["epsilon_spent_now"] == pytest.approx(1.0)
    assert body["budget_left"] == pytest.approx(9.0)
    assert body["cells_released"] == sum(1 for c in body["cells"] if c["suppressed"] is None)


def test_api_refuses_an_exhausted_budget_with_409():
    dataset, owner_user = pooled_dataset(budget_person=1.0)
    planner = _grantee(dataset, owner_user)
    client = _client(planner)
    client.post(URL.format(slug=dataset.slug), BY_ZONE, content_type="application/json")

    response = client.post(
        URL.format(slug=dataset.slug), BY_ZONE_SPEED, content_type="application/json"
    )

    assert response.status_code == 409
    assert response.json()["message"].startswith("Your privacy budget for this dataset is spent")


def test_api_answers_anonymous_401_and_strangers_404():
    dataset, _owner_user = pooled_dataset()
    url = URL.format(slug=dataset.slug)

    anonymous = _client().post(url, BY_ZONE, content_type="application/json")
    stranger = _client(make_user()).post(url, BY_ZONE, content_type="application/json")

    assert anonymous.status_code == 401
    assert stranger.status_code == 404


def test_api_describes_what_may_be_asked():
    dataset, owner_user = pooled_dataset()
    planner = _grantee(dataset, owner_user)

    body = _client(planner).get(URL.format(slug=dataset.slug)).json()

    assert body["queryable"] is True
    assert body["dimensions"] == [
        {"column": "zone", "type": "string"},
        {"column": "recorded_at", "type": "datetime"},
    ]
    assert body["measures"] == [{"column": "speed", "lower": 0, "upper": 30}]
    assert body["budget_left"] == 10.0


def test_command_prints_the_answer_as_json_and_debits_the_person(tmp_path):
    dataset, owner_user = pooled_dataset()
    planner = _grantee(dataset, owner_user)
    query = tmp_path / "q.json"
    query.write_text(json.dumps(BY_ZONE))
    out = StringIO()

    call_command(
        "aggregate",
        dataset=dataset.slug,
        query=str(query),
        email=planner.email,
        json=True,
        stdout=out,
    )

    body = json.loads(out.getvalue())
    assert body["dimensions"] == ["zone"]
    assert list(LedgerEntry.objects.values_list("account__user", flat=True)) == [planner.pk]


def test_command_refuses_a_person_without_access(tmp_path):
    dataset, _owner_user = pooled_dataset()
    make_user(email="nobody@example.org")
    query = tmp_path / "q.json"
    query.write_text(json.dumps(BY_ZONE))

    with pytest.raises(CommandError) as refused:
        call_command(
            "aggregate", dataset=dataset.slug, query=str(query), email="nobody@example.org"
        )

    assert str(refused.value) == "You may not run aggregate queries on this dataset."
