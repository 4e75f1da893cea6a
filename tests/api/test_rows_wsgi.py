"""The rows API served beside Django's handler (api/rows_wsgi.py): for a session-less GET the
same status, body and headers as Django's full handler (every header, the middleware's
included, but the request id's value), refusals answered by the full handler, counted once;
anything else left to Django."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from datacollab.api.models import QuotaCounter, UsageDay
from datacollab.api.rows_wsgi import RowsApp
from datacollab.api.services.tokens import revoke_token
from datacollab.impact.models import DailyCount
from tests.api.test_rows_fast import QUERIES, _open_version, _url
from tests.datasets.factories_formats import datasets_storage  # noqa: F401
from tests.factories import make_user
from tests.factories_api import make_token

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("datasets_storage")]


VARYING = frozenset({"X-Request-ID", "X-RateLimit-Remaining", "X-Quota-Remaining"})


class Served:
    def __init__(self, status: str, headers: list[tuple[str, str]], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def code(self) -> int:
        return int(self.status.split()[0])

    def answer(self) -> tuple[str, set[tuple[str, str]], Any]:
        """Status, every header (the name only of those that differ from one request to the
        next: the request id, what remains of the quota), body."""
        headers = {(name, "<>" if name in VARYING else value) for name, value in self.headers}
        return self.status, headers, json.loads(self.body)


def _call(app: Any, path: str, method: str = "GET", **headers: str) -> Served:
    """As a WSGI server would, with the connection kept (the test's transaction), as
    Django's test client does."""
    environ = RequestFactory().generic(method, path, **headers).environ
    got: list[Any] = []

    def start_response(status: str, response_headers: list[tuple[str, str]]) -> None:
        got.extend([status, response_headers])

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        body = app(environ, start_response)
        content = b"".join(body)
        body.close()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    return Served(got[0], got[1], content)


def _apps() -> tuple[RowsApp, WSGIHandler]:
    django = WSGIHandler()
    return RowsApp(django), django


def _bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.mark.parametrize("query", QUERIES)
def test_rows_wsgi_answers_as_django_every_header(query):
    version = _open_version()
    lean, django = _apps()
    fast = _call(lean, _url(version, query))
    full = _call(django, _url(version, query))
    assert (fast.answer(), fast.code) == (full.answer(), 200)


def test_rows_wsgi_answers_a_key_as_django_every_header():
    version = _open_version()
    _token, secret = make_token(make_user())
    lean, django = _apps()
    fast = _call(lean, _url(version), **_bearer(secret))
    full = _call(django, _url(version), **_bearer(secret))
    assert (fast.answer(), dict(fast.headers)["X-API-Tier"]) == (full.answer(), "community")


def test_rows_wsgi_answers_in_the_language_asked_as_django():
    version = _open_version(month=1)
    lean, django = _apps()
    _call(lean, _url(version))
    fast = _call(lean, _url(version), HTTP_ACCEPT_LANGUAGE="fr")
    full = _call(django, _url(version), HTTP_ACCEPT_LANGUAGE="fr")
    assert (fast.answer(), fast.code, dict(fast.headers)["Content-Language"]) == (
        full.answer(),
        429,
        "fr",
    )


@pytest.mark.parametrize(("wsgi", "through_django"), [(True, 0), (False, 1)])
def test_rows_wsgi_skips_djangos_handler_unless_off(settings, monkeypatch, wsgi, through_django):
    version = _open_version()
    lean, _django = _apps()
    settings.API_ROWS_WSGI = wsgi
    calls: list[str] = []
    full = WSGIHandler.get_response

    def counted(self: WSGIHandler, request: Any) -> Any:
        calls.append(request.path)
        return full(self, request)

    monkeypatch.setattr(WSGIHandler, "get_response", counted)
    served = _call(lean, _url(version))
    assert (served.code, len(calls)) == (200, through_django)


@pytest.mark.parametrize(
    ("number", "query", "status", "counted"),
    [
        (1, "?zone__near=1", 400, 1),  # an unknown operator
        (1, "?api_key=abc", 400, None),  # a key in the query string: refused before counting
        (99, "", 404, 1),  # no such version
    ],
)
def test_rows_wsgi_refusals_answered_by_django_counted_once(number, query, status, counted):
    version = _open_version(month=1000)
    url = f"/api/v1/datasets/{version.dataset.slug}/versions/{number}/rows{query}"
    lean, django = _apps()
    fast = _call(lean, url)
    used = QuotaCounter.objects.values_list("used", flat=True).first()
    full = _call(django, url)
    assert (fast.answer(), fast.code, used) == (full.answer(), status, counted)


def test_rows_wsgi_counts_the_call_the_meter_and_the_read():
    version = _open_version()
    lean, _django = _apps()
    for _ in range(3):
        _call(lean, _url(version))
    day = UsageDay.objects.get()
    reads = DailyCount.objects.get(dataset=version.dataset, kind="api")
    assert (day.calls, day.refused, day.endpoint, reads.count) == (
        3,
        0,
        "GET /api/v1/datasets/<slug>/versions/<version>/rows",
        3,
    )


def test_rows_wsgi_quota_refusal_answers_as_django():
    version = _open_version(month=1)
    lean, django = _apps()
    _call(lean, _url(version))
    fast = _call(lean, _url(version))
    full = _call(django, _url(version))
    day = UsageDay.objects.get()
    assert (fast.answer(), fast.code, day.calls, day.refused) == (full.answer(), 429, 1, 2)


def test_rows_wsgi_revoked_key_fails_on_the_next_request():
    version = _open_version()
    user = make_user()
    token, secret = make_token(user)
    lean, _django = _apps()
    before = _call(lean, _url(version), **_bearer(secret))
    revoke_token(actor=user, token_id=token.pk)
    after = _call(lean, _url(version), **_bearer(secret))
    assert (before.code, after.code, json.loads(after.body)["error"]) == (
        200,
        401,
        "invalid_token",
    )


def test_rows_wsgi_leaves_a_session_to_django(client):
    version = _open_version()
    user = make_user()
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    lean, _django = _apps()
    served = _call(lean, _url(version), HTTP_COOKIE=cookie)
    accounts = list(QuotaCounter.objects.values_list("account", flat=True))
    assert (served.code, dict(served.headers)["X-API-Tier"], accounts) == (
        200,
        "community",
        [f"user:{user.pk}"],
    )


def test_rows_wsgi_leaves_other_methods_to_django():
    version = _open_version()
    lean, django = _apps()
    fast = _call(lean, _url(version), method="POST")
    full = _call(django, _url(version), method="POST")
    assert (fast.answer(), fast.code) == (full.answer(), 405)


def test_rows_wsgi_is_two_statements_on_postgresql():
    version = _open_version(month=1000)
    lean, _django = _apps()
    _call(lean, _url(version))
    with CaptureQueriesContext(connection) as queries:
        served = _call(lean, _url(version))
    expected = 2 if connection.vendor == "postgresql" else 4
    assert (served.code, len(queries)) == (200, expected)


def test_rows_wsgi_writes_the_access_line_with_its_request_id(caplog):
    version = _open_version()
    lean, _django = _apps()
    with caplog.at_level(logging.INFO, logger="datacollab.request"):
        served = _call(lean, _url(version), HTTP_X_REQUEST_ID="trace-42")
    lines = [(r.getMessage(), r.status, r.request_id) for r in caplog.records]
    assert (dict(served.headers)["X-Request-ID"], lines) == (
        "trace-42",
        [(f"GET {_url(version)} 200", 200, "trace-42")],
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
def test_rows_wsgi_statements_prepared_on_postgresql_only_its_own():
    version = _open_version(month=1000)
    lean, _django = _apps()
    for _ in range(3):
        _call(lean, _url(version))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = sorted(row[0].split()[0] for row in cursor.fetchall())
    # The lookup (SELECT) and the quota with its metering and usage counter (WITH): no other.
    assert prepared == ["SELECT", "WITH"]
