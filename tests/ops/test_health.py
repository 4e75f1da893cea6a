"""/health/live and /health/ready: what a load balancer and a deployment ask."""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from django.test import Client
from django.utils import timezone
from moto.server import ThreadedMotoServer

from datacollab.ops.heartbeat import record_heartbeat
from datacollab.ops.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@pytest.fixture
def datasets_folder(settings) -> Path:
    folder = Path(settings.STORAGES["datasets"]["OPTIONS"]["location"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _beat(seconds_ago: float = 0) -> None:
    record_heartbeat(worker_id="w1", started_at=timezone.now())
    WorkerHeartbeat.objects.update(beat_at=timezone.now() - dt.timedelta(seconds=seconds_ago))


def test_live_answers_ok_without_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = Client().get("/health/live")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_live_answers_any_host_and_sets_no_cookie(settings):
    settings.ALLOWED_HOSTS = ["datacollab.example"]
    response = Client(HTTP_HOST="10.0.0.7:8000").get("/health/live")
    assert (response.status_code, dict(response.cookies)) == (200, {})
    assert response["Cache-Control"] == "no-store"


def test_ready_is_200_when_database_storage_and_worker_are_ok(datasets_folder):
    _beat(seconds_ago=5)
    response = Client().get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "storage": "ok",
        "worker": "ok",
        "worker_beat_age_seconds": pytest.approx(5, abs=2),
    }


def test_ready_is_503_when_no_worker_ever_beat(datasets_folder):
    response = Client().get("/health/ready")
    assert (response.status_code, response.json()["status"], response.json()["worker"]) == (
        503,
        "unavailable",
        "missing",
    )


def test_ready_calls_a_worker_silent_past_the_threshold_stale(datasets_folder, settings):
    settings.WORKER_HEARTBEAT_STALE_SECONDS = 60
    _beat(seconds_ago=61)
    response = Client().get("/health/ready")
    assert (response.status_code, response.json()["worker"]) == (503, "stale")


def test_ready_names_a_missing_datasets_folder(settings):
    _beat()
    response = Client().get("/health/ready")
    assert (response.status_code, response.json()["storage"]) == (
        503,
        "error: the datasets folder does not exist",
    )


def test_ready_makes_two_queries_and_sets_no_cookie(datasets_folder, django_assert_num_queries):
    _beat()
    # SELECT 1, and the youngest heartbeat; nothing for sessions, users or counters.
    with django_assert_num_queries(2):
        response = Client().get("/health/ready")
    assert (response.status_code, dict(response.cookies)) == (200, {})


def test_health_refuses_other_methods():
    response = Client().post("/health/live")
    assert (response.status_code, response["Allow"]) == (405, "GET, HEAD")


def test_heartbeat_forgets_workers_silent_for_a_day():
    record_heartbeat(worker_id="old", started_at=timezone.now())
    WorkerHeartbeat.objects.update(beat_at=timezone.now() - dt.timedelta(days=2))
    record_heartbeat(worker_id="new", started_at=timezone.now())
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["new"]


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def _s3_settings(settings, monkeypatch, endpoint: str, bucket: str) -> None:
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = {
        **settings.STORAGES,
        "datasets": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": bucket, "endpoint_url": endpoint},
        },
    }


def test_ready_checks_the_s3_bucket(s3_endpoint, settings, monkeypatch):
    _s3_settings(settings, monkeypatch, s3_endpoint, "health-bucket")
    boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1").create_bucket(
        Bucket="health-bucket"
    )
    _beat()
    response = Client().get("/health/ready")
    assert (response.status_code, response.json()["storage"]) == (200, "ok")


def test_ready_names_an_unreachable_bucket_by_its_error_kind_only(
    s3_endpoint, settings, monkeypatch
):
    _s3_settings(settings, monkeypatch, s3_endpoint, "no-such-bucket")
    _beat()
    response = Client().get("/health/ready")
    assert (response.status_code, response.json()["storage"]) == (503, "error: ClientError")


def test_live_is_not_redirected_to_https(settings):
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get("/health/live")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_live_answers_head_without_a_body():
    response = Client().head("/health/live")
    assert (response.status_code, response.content) == (200, b"")


def test_ready_names_an_s3_endpoint_that_does_not_answer(settings, monkeypatch):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there now
    _s3_settings(settings, monkeypatch, f"http://127.0.0.1:{port}", "any-bucket")
    _beat()
    response = Client().get("/health/ready")
    assert (response.status_code, response.json()["storage"]) == (
        503,
        "error: EndpointConnectionError",
    )
