"""The network's public face under /api/v1/: cohorts, organisations, sessions, learnings,
reports. Each shows exactly what its page shows the same caller (the owning app's selector)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from datacollab.events.models import Audience
from datacollab.learnings.models import Visibility
from datacollab.network.models import CohortMembership
from datacollab.reports.services.cohort_reports import publish_report
from tests import factories
from tests.factories_api import bearer, make_token
from tests.factories_events import current_cohort, make_participant, make_session
from tests.factories_learnings import make_learning

pytestmark = pytest.mark.django_db


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_cohorts_list_their_organisations_by_name():
    cohort = factories.make_cohort(slug="second", name="Second cohort")
    for name in ("Wikimedia", "GBIF"):
        org = factories.make_org(name=name, country="GB")
        CohortMembership.objects.create(cohort=cohort, organisation=org)

    body = Client().get("/api/v1/cohorts").json()

    assert body["count"] == 1
    assert [o["name"] for o in body["results"][0]["organisations"]] == ["GBIF", "Wikimedia"]
    assert body["results"][0]["api_url"] == "http://testserver/api/v1/cohorts/second"


def test_cohort_unknown_is_a_json_404():
    response = Client().get("/api/v1/cohorts/nowhere")

    assert response.status_code == 404
    assert response.json() == {
        "error": "not_found",
        "message": "There is no cohort at this address.",
    }


def test_cohorts_list_takes_a_fixed_number_of_queries():
    for n in range(3):
        cohort = factories.make_cohort()
        for _ in range(n + 1):
            org = factories.make_org()
            CohortMembership.objects.create(cohort=cohort, organisation=org)

    with CaptureQueriesContext(connection) as few:
        Client().get("/api/v1/cohorts?limit=1")
    with CaptureQueriesContext(connection) as many:
        Client().get("/api/v1/cohorts")

    assert len(few) == len(many)


def test_organisations_are_those_in_a_cohort_with_their_cohorts():
    cohort = factories.make_cohort(slug="first", name="First cohort")
    member = factories.make_org(name="Data Cargo")
    CohortMembership.objects.create(cohort=cohort, organisation=member)
    factories.make_org(name="Not in the network")

    body = Client().get("/api/v1/organisations").json()

    assert [(o["name"], o["cohorts"]) for o in body["results"]] == [
        ("Data Cargo", [{"slug": "first", "name": "First cohort"}])
    ]


def test_organisations_list_takes_a_fixed_number_of_queries():
    for _ in range(3):
        cohort = factories.make_cohort()
        CohortMembership.objects.create(cohort=cohort, organisation=factories.make_org())

    with CaptureQueriesContext(connection) as few:
        Client().get("/api/v1/organisations?limit=1")
    with CaptureQueriesContext(connection) as many:
        Client().get("/api/v1/organisations")

    assert len(few) == len(many)


def test_list_limit_out_of_range_is_a_400_naming_it():
    response = Client().get("/api/v1/cohorts?limit=0")

    assert response.status_code == 400
    assert response.json()["parameter"] == "limit"


def test_sessions_show_what_the_events_app_shows_each_caller():
    cohort = current_cohort()
    participant = make_participant(cohort)
    roundtable = make_session(cohort=cohort, title="Roundtable")
    alumni = make_session(audience=Audience.ALUMNI, title="Alumni")

    anonymous = Client().get("/api/v1/sessions").json()
    member = _login(participant).get("/api/v1/sessions").json()

    assert anonymous["count"] == 0
    assert [s["slug"] for s in member["results"]] == [roundtable.slug]
    assert Client().get(f"/api/v1/sessions/{roundtable.slug}").status_code == 404
    assert _login(participant).get(f"/api/v1/sessions/{alumni.slug}").status_code == 404


def test_sessions_reach_a_token_as_its_person():
    cohort = current_cohort()
    participant = make_participant(cohort)
    session = make_session(cohort=cohort, title="By token")
    secret = make_token(participant)[1]

    response = Client().get(f"/api/v1/sessions/{session.slug}", **bearer(secret))

    assert response.status_code == 200
    assert response.json()["cohort"] == cohort.slug


def test_sessions_list_takes_a_fixed_number_of_queries():
    cohort = current_cohort()
    participant = make_participant(cohort)
    for n in range(3):
        make_session(cohort=cohort, title=f"Session {n}")
    client = _login(participant)

    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/sessions?limit=1")
    with CaptureQueriesContext(connection) as many:
        client.get("/api/v1/sessions")

    assert len(few) == len(many)


def test_learnings_anonymous_read_only_published_public_ones():
    cohort = factories.make_cohort()
    make_learning(cohort=cohort, slug="public", visibility=Visibility.PUBLIC)
    make_learning(cohort=cohort, slug="cohort-only", visibility=Visibility.COHORT)
    make_learning(cohort=cohort, slug="draft", visibility=Visibility.PUBLIC, published=False)

    body = Client().get("/api/v1/learnings").json()

    assert (body["count"], [item["slug"] for item in body["results"]]) == (1, ["public"])
    assert Client().get("/api/v1/learnings/cohort-only").status_code == 404
    assert Client().get("/api/v1/learnings/draft").status_code == 404


def test_learnings_list_takes_a_fixed_number_of_queries():
    cohort = factories.make_cohort()
    for n in range(3):
        learning = make_learning(cohort=cohort, visibility=Visibility.PUBLIC)
        learning.contributors.add(factories.make_org(name=f"Org {n}"))

    with CaptureQueriesContext(connection) as few:
        Client().get("/api/v1/learnings?limit=1")
    with CaptureQueriesContext(connection) as many:
        Client().get("/api/v1/learnings")

    assert len(few) == len(many)


def test_reports_show_only_published_ones():
    convener = factories.make_user(roles=["convener"])
    published = factories.make_cohort(slug="published", name="Published cohort")
    factories.make_cohort(slug="unpublished")
    publish_report(actor=convener, cohort=published)

    listed = Client().get("/api/v1/reports").json()
    one = Client().get("/api/v1/reports/published").json()

    assert [r["cohort"]["slug"] for r in listed["results"]] == ["published"]
    assert (one["revision"], one["markdown"].startswith("# ")) == (1, True)
    assert Client().get("/api/v1/reports/unpublished").status_code == 404
    # A convener's draft is on the page, not in the API.
    assert _login(convener).get("/api/v1/reports/unpublished").status_code == 404
