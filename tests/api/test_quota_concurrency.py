"""The monthly quota holds under concurrent requests: threads of one process, and two app
processes (runserver) sharing the database. The issue's figures: 300 requests, 100 at once,
against a quota of 50; no more than 50 are admitted, the rest answer 429."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connections
from django.test import Client

import datacollab
from datacollab.api.models import QuotaCounter, UsageDay
from datacollab.api.services.tiers import set_tiers
from datacollab.datasets.models import Spectrum
from tests.api.test_quota import limits
from tests.datasets.test_ingest_kill import _database_url
from tests.factories import make_org, make_user
from tests.factories_api import bearer, make_token
from tests.factories_data import make_dataset
from tests.network.test_grants_concurrency import _race, race_db  # noqa: F401

REQUESTS = 300
AT_ONCE = 100
QUOTA = 50


def _open_dataset_with_quota() -> tuple[str, str]:
    steward = make_user()
    dataset = make_dataset(owner=make_org(admins=[steward]), spectrum=Spectrum.OPEN)
    set_tiers(
        actor=steward,
        scope=dataset,
        limits=limits(
            anonymous_per_month=QUOTA, community_per_minute=QUOTA, community_per_month=QUOTA
        ),
        enterprise_price=Decimal("0"),
    )
    _, secret = make_token(make_user())
    return dataset.slug, secret


def _statuses_in_threads(call) -> list[int]:
    statuses: list[int] = []
    for _round in range(REQUESTS // AT_ONCE):
        statuses += _race([call] * AT_ONCE)
    return statuses


@pytest.mark.usefixtures("race_db")
def test_quota_admits_no_more_than_its_limit_under_concurrent_requests():
    slug, secret = _open_dataset_with_quota()

    def call() -> int:
        return Client().get(f"/api/v1/datasets/{slug}", **bearer(secret)).status_code

    statuses = _statuses_in_threads(call)

    assert (statuses.count(200), statuses.count(429)) == (QUOTA, REQUESTS - QUOTA), statuses
    connections.close_all()
    assert list(QuotaCounter.objects.values_list("used", flat=True)) == [QUOTA]
    day = UsageDay.objects.get()
    assert (day.calls, day.refused) == (QUOTA, REQUESTS - QUOTA)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# runserver answers each request in a new thread; with the site's persistent connections
# (CONN_MAX_AGE) each finished thread would leave its connection open until PostgreSQL runs
# out of them. Closing it at the end of each request, as a worker pool's reuse would, keeps
# the test about the quota.
SERVER = """
import os, sys, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "datacollab.config.settings")
django.setup()
from django.conf import settings
settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
from django.core.management import call_command
call_command("runserver", sys.argv[1], use_reloader=False, skip_checks=True)
"""


def _start_server(port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", SERVER, f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _get(url: str, secret: str) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {secret}"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310 - 127.0.0.1
            return int(answer.status)
    except urllib.error.HTTPError as refused:
        return int(refused.code)


def _wait_until_serving(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the app process on port {port} exited")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"the app process on port {port} did not start")


@pytest.mark.usefixtures("race_db")
def test_quota_admits_no_more_than_its_limit_across_two_app_processes(settings):
    slug, secret = _open_dataset_with_quota()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(settings.DATABASES["default"]),
        "PYTHONPATH": str(Path(datacollab.__file__).resolve().parent.parent),
        "DATACOLLAB_ENV": "development",
    }
    ports = [_free_port(), _free_port()]
    servers = [_start_server(port, env) for port in ports]
    try:
        for port, server in zip(ports, servers, strict=True):
            _wait_until_serving(port, server)
        urls = [f"http://127.0.0.1:{port}/api/v1/datasets/{slug}" for port in ports]
        # Alternate the processes, 100 requests in flight at a time.
        with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
            statuses = list(pool.map(lambda n: _get(urls[n % 2], secret), range(REQUESTS)))
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)

    assert (statuses.count(200), statuses.count(429)) == (QUOTA, REQUESTS - QUOTA), statuses
    assert list(QuotaCounter.objects.values_list("used", flat=True)) == [QUOTA]
