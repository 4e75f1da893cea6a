"""The access line's `cpu_ms`: the CPU the request's thread spent on it, a streamed body's
included (bench/load.py reads it to share the app's CPU among the kinds of its mix)."""

from __future__ import annotations

import time
from collections.abc import Iterator

from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory

from datacollab.ops.request_id import RequestIdMiddleware

SPIN_SECONDS = 0.05


def spin() -> None:
    """Spend SPIN_SECONDS of this thread's CPU (CPU, not wall-clock: a busy machine only makes
    it take longer)."""
    until = time.thread_time() + SPIN_SECONDS
    while time.thread_time() < until:
        pass


def access_lines(json_log) -> list[dict]:
    return [e for e in json_log.entries() if e["logger"] == "datacollab.request"]


def test_access_line_cpu_ms_holds_the_views_cpu(json_log):
    def view(request):
        spin()
        return HttpResponse(b"ok")

    RequestIdMiddleware(view)(RequestFactory().get("/page", HTTP_X_REQUEST_ID="req-c"))
    (line,) = access_lines(json_log)
    assert (line["request_id"], line["status"], line["cpu_ms"] >= SPIN_SECONDS * 1000) == (
        "req-c",
        200,
        True,
    )


def test_streamed_response_access_line_is_written_once_its_body_is_sent(json_log):
    def body() -> Iterator[bytes]:
        yield b"a"
        spin()  # the body costs CPU after the view has returned, as a download's does
        yield b"b"

    def view(request):
        return StreamingHttpResponse(body())

    request = RequestFactory().get("/download", HTTP_X_REQUEST_ID="req-s")
    response = RequestIdMiddleware(view)(request)
    before = access_lines(json_log)
    sent = b"".join(response.streaming_content)
    # What the WSGI server does once the body is sent (without Django's request_finished).
    for closer in response._resource_closers:
        closer()
    (line,) = access_lines(json_log)
    assert (before, sent) == ([], b"ab")
    assert (line["request_id"], line["method"], line["path"], line["status"]) == (
        "req-s",
        "GET",
        "/download",
        200,
    )
    assert line["cpu_ms"] >= SPIN_SECONDS * 1000
