"""Liveness and readiness, answered before anything else in the middleware stack.

`/health/live`: the process answers (no database). `/health/ready`: the database answers a
query, the datasets storage is reachable, and a task worker has beaten recently. Answered by
the first middleware after the request id, so a probe by IP address passes the host check and
the HTTPS redirect, and gets no session, CSRF or language cookie, and no impact counter.
A failed check shows only the error's kind; the details go to the log, under the request id.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

from botocore.config import Config
from django.conf import settings
from django.core.files.storage import storages
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from datacollab.ops.heartbeat import latest_beat

logger = logging.getLogger(__name__)

OK = "ok"


def _failure(check: str, exc: Exception) -> str:
    logger.warning("readiness check %s failed", check, exc_info=exc)
    return f"error: {type(exc).__name__}"


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return _failure("database", exc)
    return OK


def check_storage() -> str:
    """A look at the datasets storage that writes nothing: its folder, or its bucket."""
    try:
        storage: Any = storages["datasets"]
        location = getattr(storage, "location", None)
        if getattr(storage, "bucket_name", None):
            _probe_client(storage).head_bucket(Bucket=storage.bucket_name)
        elif location is not None:
            if not os.path.isdir(location):
                return "error: the datasets folder does not exist"
            if not os.access(location, os.W_OK | os.X_OK):
                return "error: the datasets folder is not writable"
        else:
            storage.listdir("")
    except Exception as exc:
        return _failure("storage", exc)
    return OK


# A probe must answer within the load balancer's timeout: one attempt, short timeouts, where
# the storage's own client retries for minutes.
PROBE_CONFIG = Config(connect_timeout=2, read_timeout=3, retries={"max_attempts": 1})


def _probe_client(storage: Any) -> Any:
    """The S3 client the probe uses, made once per storage (boto3 clients are thread-safe):
    the storage's credentials, endpoint and settings, with PROBE_CONFIG's timeouts."""
    client = getattr(storage, "_datacollab_probe_client", None)
    if client is None:
        client = storage._create_session().client(
            "s3",
            region_name=storage.region_name,
            use_ssl=storage.use_ssl,
            endpoint_url=storage.endpoint_url,
            config=storage.client_config.merge(PROBE_CONFIG),
            verify=storage.verify,
        )
        storage._datacollab_probe_client = client
    return client


def check_worker() -> tuple[str, float | None]:
    """`ok` when a worker beat within WORKER_HEARTBEAT_STALE_SECONDS, else `stale` or
    `missing`; with the age of the last beat in seconds."""
    try:
        beat = latest_beat()
    except Exception as exc:
        return _failure("worker", exc), None
    if beat is None:
        return "missing", None
    age = max(0.0, (timezone.now() - beat).total_seconds())
    return (OK if age <= settings.WORKER_HEARTBEAT_STALE_SECONDS else "stale"), round(age, 1)


def readiness() -> dict[str, Any]:
    worker, age = check_worker()
    checks: dict[str, Any] = {
        "database": check_database(),
        "storage": check_storage(),
        "worker": worker,
    }
    ready = all(value == OK for value in checks.values())
    return {"status": OK if ready else "unavailable", **checks, "worker_beat_age_seconds": age}


def _json(payload: dict[str, Any], status: int) -> HttpResponse:
    response = JsonResponse(payload, status=status)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def live(request: HttpRequest) -> HttpResponse:
    return _json({"status": OK}, 200)


def ready(request: HttpRequest) -> HttpResponse:
    payload = readiness()
    return _json(payload, 200 if payload["status"] == OK else 503)


ROUTES: dict[str, Callable[[HttpRequest], HttpResponse]] = {
    "/health/live": live,
    "/health/ready": ready,
}


class HealthMiddleware:
    """Answers the two probe paths itself (GET or HEAD); every other request goes on."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        view = ROUTES.get(request.path_info)
        if view is None:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            response = _json({"status": "method not allowed"}, 405)
            response["Allow"] = "GET, HEAD"
            return response
        response = view(request)
        if request.method == "HEAD":
            response.content = b""
        return response
