"""Request ids and JSON log lines: what an operator greps for when something went wrong."""

from __future__ import annotations

import json
import logging
import re
import sys

import pytest
from django.core.handlers.exception import convert_exception_to_response
from django.test import Client

from datacollab.ops.log_context import RequestContext, current_task_id, handling_request
from datacollab.ops.log_format import ContextFilter, JsonFormatter, TextFormatter
from datacollab.ops.request_id import RequestIdMiddleware, request_id_from
from tests import factories

pytestmark = pytest.mark.django_db

HEX32 = re.compile(r"[0-9a-f]{32}")


def test_request_id_from_the_caller_is_kept_and_sent_back():
    response = Client().get("/health/live", HTTP_X_REQUEST_ID="lb-7f3a.42")
    assert response["X-Request-ID"] == "lb-7f3a.42"


@pytest.mark.parametrize(
    "given",
    ["", "a" * 129, "abc\ndef", 'x" injected', "-leading-dash", "é"],
)
def test_request_id_unsafe_or_too_long_is_replaced(given):
    assert HEX32.fullmatch(request_id_from(given))


def test_request_id_is_made_when_none_is_given():
    first = Client().get("/health/live")["X-Request-ID"]
    second = Client().get("/health/live")["X-Request-ID"]
    assert (bool(HEX32.fullmatch(first)), first != second) == (True, True)


def test_every_line_of_a_request_carries_its_id(json_log):
    response = Client().get("/datasets/no-such-dataset/", HTTP_X_REQUEST_ID="req-1")
    lines = [e for e in json_log.entries() if e["logger"].endswith(".request")]
    # Django's "Not Found" warning, written deep inside, and the access line at the end.
    assert [(e["logger"], e["request_id"], e["method"], e["path"]) for e in lines] == [
        ("django.request", "req-1", "GET", "/datasets/no-such-dataset/"),
        ("datacollab.request", "req-1", "GET", "/datasets/no-such-dataset/"),
    ]
    assert (lines[-1]["status"], response.status_code) == (404, 404)
    assert isinstance(lines[-1]["duration_ms"], float)


def test_access_line_names_the_user_by_id_never_by_email(json_log, login):
    user = factories.make_user(email="someone@example.org")
    login(user).get("/", HTTP_X_REQUEST_ID="req-2")
    (access,) = [e for e in json_log.entries() if e["logger"] == "datacollab.request"]
    assert (access["user_id"], access["status"]) == (user.pk, 200)
    assert "someone@example.org" not in json_log.stream.getvalue()


def test_health_probes_stay_out_of_the_access_log(json_log):
    Client().get("/health/live")
    assert [e for e in json_log.entries() if e["logger"] == "datacollab.request"] == []


def test_json_line_holds_the_exception_and_leaves_objects_out():
    record = logging.LogRecord("app", logging.ERROR, __file__, 1, "failed %s", ("x",), None)
    try:
        raise ValueError("boom")
    except ValueError:
        record.exc_info = sys.exc_info()
    record.request = object()  # as django.request passes it: never serialised
    record.rows = 3
    ContextFilter().filter(record)
    entry = json.loads(JsonFormatter().format(record))
    assert sorted(entry) == ["exception", "level", "logger", "message", "rows", "time"]
    assert (entry["message"], entry["level"], entry["rows"]) == ("failed x", "ERROR", 3)
    assert entry["exception"].splitlines()[-1] == "ValueError: boom"


def test_filter_gives_records_the_current_task_id():
    record = logging.LogRecord("app", logging.INFO, __file__, 1, "parsing", None, None)
    token = current_task_id.set("task-9")
    try:
        ContextFilter().filter(record)
    finally:
        current_task_id.reset(token)
    assert (record.task_id, record.request_id) == ("task-9", None)


def test_text_format_shows_the_request_id():
    record = logging.LogRecord("app", logging.WARNING, __file__, 1, "slow", None, None)
    with handling_request(RequestContext("req-3", "GET", "/", None)):
        ContextFilter().filter(record)
    assert TextFormatter().format(record).endswith(" WARNING app [req-3]: slow")


def test_a_crash_is_logged_once_with_its_id_and_traceback(json_log, rf):
    def crash(request):
        raise RuntimeError("the disk is on fire")

    handler = RequestIdMiddleware(convert_exception_to_response(crash))
    response = handler(rf.get("/boom", HTTP_X_REQUEST_ID="req-500"))
    lines = [e for e in json_log.entries() if e["logger"].endswith(".request")]
    assert (response.status_code, response["X-Request-ID"]) == (500, "req-500")
    assert [(e["logger"], e["level"], e["request_id"]) for e in lines] == [
        ("django.request", "ERROR", "req-500"),
        ("datacollab.request", "INFO", "req-500"),
    ]
    assert lines[0]["exception"].splitlines()[-1] == "RuntimeError: the disk is on fire"
