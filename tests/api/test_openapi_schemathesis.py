"""schemathesis, with all its checks, against the whole /api/v1/ document through the WSGI app.

Two callers: anonymous, and the owner of the datasets holding a personal API token. The
datasets (open, group, closed, each with a version) are made before each operation's run;
schemathesis generates requests from the document (valid and invalid ones) and checks every
answer: no server error, a documented status code, a documented content type, a body that
matches the documented schema, documented headers, invalid input refused, valid accepted.
The example counts are bounded so the run takes a minute or two.
"""

from __future__ import annotations

import datetime as dt
import zlib
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings

from tests.datasets.factories_access import make_version
from tests.datasets.factories_ingest import ingest_dirs_fixture  # noqa: F401 - used by name
from tests.factories import make_org, make_user
from tests.factories_api import make_token
from tests.factories_data import make_collaboration, make_dataset

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 25
APP = get_wsgi_application()
# "odd-columns": a version with a column named file_row_number (finding 8: its rows API
# once answered 500 on every call).
SLUGS = ["open-air", "pooled", "internal", "odd-columns"]


# The slugs that exist, per kind of path: datasets, and the network's public face.
NETWORK_SLUGS = {
    "/cohorts/": ["first", "second"],
    "/reports/": ["first", "second"],
    "/learnings/": ["public-learning", "cohort-learning"],
    "/sessions/": ["2027-01-15-roundtable"],
}


def _slugs_for(path: str) -> list[str]:
    for part, slugs in NETWORK_SLUGS.items():
        if part in path:
            return slugs
    return SLUGS


def _aim(case: Any) -> Any:
    """Point most cases at things that exist, so the answers are not all 404.

    The choice hangs on the generated value (no randomness of our own): most of the time the
    slug becomes one that exists (a dataset, a cohort, a learning, a session, by the path),
    and a whole version number one that exists.
    """
    params = case.path_parameters or {}
    for name in ("slug", "cohort_slug"):
        slug = params.get(name)
        if not isinstance(slug, str):
            continue
        choices = _slugs_for(case.path)
        pick = zlib.crc32(slug.encode("utf-8", "surrogatepass")) % (len(choices) + 1)
        if pick < len(choices):
            params[name] = choices[pick]
            version = params.get("version")
            if isinstance(version, int) and not isinstance(version, bool):
                params["version"] = 1 + version % 2
    return case


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Any:
    """As Django's test client does: the WSGI handler would close the test's connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


ODD_SCHEMA = {
    "fields": [{"name": "file_row_number", "type": "integer"}, {"name": "rowid", "type": "string"}]
}


@pytest.fixture
def owner_secret(ingest_dirs: Any) -> str:
    owner = make_user(email="owner@example.org")
    org = make_org(name="Data Cargo", members=[owner])
    collab = make_collaboration(lead=org)
    for slug, level in (("open-air", "open"), ("pooled", "group"), ("internal", "closed")):
        dataset = make_dataset(
            owner=org,
            slug=slug,
            spectrum=level,
            licence="CC-BY-4.0" if level == "open" else "",
            collaboration=collab if level == "group" else None,
        )
        make_version(dataset)
        make_version(dataset)
    odd = make_dataset(owner=org, slug="odd-columns", spectrum="open", licence="CC-BY-4.0")
    for _ in range(2):
        make_version(odd, {"file_row_number": [3, 1, 2], "rowid": ["a", "b", "c"]}, ODD_SCHEMA)
    _network(org)
    return make_token(owner)[1]


def _network(org: Any) -> None:
    """Cohorts (the owner's organisation in the current one), a session of it, a public and a
    cohort-only learning, and a published report: so the public face answers 200 too."""
    from datacollab.learnings.models import Visibility
    from datacollab.network.models import CohortMembership
    from datacollab.reports.services.cohort_reports import publish_report
    from tests.factories import make_cohort
    from tests.factories_events import make_session
    from tests.factories_learnings import make_learning

    convener = make_user(roles=["convener"])
    today = timezone.localdate()
    first = make_cohort(slug="first", starts_on=today - dt.timedelta(days=30))
    make_cohort(slug="second")
    CohortMembership.objects.create(cohort=first, organisation=org)
    starts = dt.datetime(2027, 1, 15, 14, tzinfo=dt.UTC)  # its slug: 2027-01-15-roundtable
    make_session(actor=convener, cohort=first, title="Roundtable", starts_at=starts)
    make_learning(cohort=first, slug="public-learning", visibility=Visibility.PUBLIC)
    make_learning(cohort=first, slug="cohort-learning", visibility=Visibility.COHORT)
    publish_report(actor=convener, cohort=first)


# The document as /api/v1/openapi.json serves it, read at collection (no database needed).
# schemathesis.pytest.from_fixture would fetch it at run time, but fails under pytest 9.
#
# Two allowances, both for inputs whose validity JSON Schema cannot state, so a request the
# document calls well formed may still be refused with 400 naming the parameter:
# - rows: `sort`, `fields` and the filters name the dataset's columns, which differ per
#   dataset (the document can only say "a string");
# - upload: the `schema` part must be a usable Table Schema (unique field names, keys that
#   name fields, constraints that fit the types).
# Every other check, and every other operation, keeps schemathesis's defaults.
def _accepts_400(operation: str) -> dict[str, Any]:
    statuses = ["2xx", "400", "401", "403", "404", "409", "413"]
    return {
        "include-operation-id": f"datacollab_datasets_api_{operation}",
        "checks": {"positive_data_acceptance": {"expected-statuses": statuses}},
    }


CONFIG = schemathesis.config.SchemathesisConfig.from_dict(
    {"operations": [_accepts_400("version_rows"), _accepts_400("upload_create")]}
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", APP, config=CONFIG)

_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@schema.parametrize()
@_SETTINGS
def test_api_conforms_to_its_document_for_anonymous_callers(case: Any, owner_secret: str) -> None:
    _aim(case).call_and_validate(app=APP)


@schema.parametrize()
@_SETTINGS
def test_api_conforms_to_its_document_for_a_token_holding_owner(
    case: Any, owner_secret: str
) -> None:
    _aim(case).call_and_validate(app=APP, headers={"Authorization": f"Bearer {owner_secret}"})


# Finding 8's replays, as schemathesis cases: each answer must also match the document.
ROWS = "/api/v1/datasets/{slug}/versions/{version}/rows"
ROW_REPLAYS = [
    ("open-air", {"offset": "9999999999999999999"}, 400),
    ("open-air", {"offset": str(10**15)}, 200),
    ("odd-columns", {}, 200),
    ("odd-columns", {"sort": "-file_row_number", "file_row_number__gte": "2"}, 200),
    ("odd-columns", {"offset": "9999999999999999999", "fields": "rowid"}, 400),
]


@pytest.mark.parametrize(("slug", "query", "status"), ROW_REPLAYS)
def test_rows_replays_answer_as_documented(owner_secret, slug, query, status):
    case = schema[ROWS]["GET"].Case(path_parameters={"slug": slug, "version": 1}, query=query)

    response = case.call_and_validate(app=APP)

    assert response.status_code == status


def _nested(depth: int) -> str:
    return '{"fields": [' + "[" * depth + "]" * depth + "]}"


@pytest.mark.parametrize("depth", [33, 100_000])
def test_upload_with_a_nested_schema_answers_400_as_documented(owner_secret, depth):
    case = schema["/api/v1/datasets/{slug}/uploads"]["POST"].Case(
        path_parameters={"slug": "open-air"},
        body={"file": b"id\n1\n", "schema": _nested(depth)},
        media_type="multipart/form-data",
    )

    response = case.call_and_validate(app=APP, headers={"Authorization": f"Bearer {owner_secret}"})

    assert (response.status_code, response.json()["parameter"]) == (400, "schema")
