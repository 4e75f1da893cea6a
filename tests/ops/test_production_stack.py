"""The production setup of docs/operations.md, run: PostgreSQL, S3, two app servers, a worker.

Slow (about three minutes on the shared 2-core machine), still run in CI: it is the
executable version of the runbook.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.ops.stack import (
    PYTHON,
    get_json,
    multipart,
    production_stack,
    request,
    start_worker,
    wait_for,
)

pytestmark = [pytest.mark.slow]

CSV = b"id,vehicle,speed\n1,bike-1,12.5\n2,bike-2,20.0\n3,bike-3,7.25\n"

SETUP = """
import django
django.setup()
from datacollab.api.services.tokens import create_token
from tests import factories
from tests.factories_data import make_dataset
owner = factories.make_user(email="steward@example.org")
dataset = make_dataset(
    owner=factories.make_org(members=[owner]), creator=owner, slug="bikes", spectrum="open",
    licence="CC0-1.0",
)
print(create_token(actor=owner, name="stack test")[1])
"""


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    if os.environ.get("ALLOW_NO_POSTGRES") == "1" and not list(
        Path("/usr/lib/postgresql").glob("*/bin/initdb")
    ):
        pytest.skip("PostgreSQL is not installed and ALLOW_NO_POSTGRES=1 (CI never sets it)")
    with production_stack(tmp_path_factory.mktemp("stack")) as running:
        yield running
    # Stopped, with every process group gone (gunicorn's workers and the parse workers too).
    assert [p.name for p in running.processes if p.group_alive()] == []
    assert running.postgres is not None and running.postgres.poll() is not None


def _ready(port: int) -> dict | None:
    try:
        status, body = get_json(port, "/health/ready")
    except OSError:  # not listening yet
        return None
    return body if status == 200 else None


def test_stack_is_ready_on_both_app_servers(stack):
    for port in stack.app_ports:
        body = wait_for(f"/health/ready on {port}", lambda p=port: _ready(p), stack)
        assert {k: body[k] for k in ("status", "database", "storage", "worker")} == {
            "status": "ok",
            "database": "ok",
            "storage": "ok",
            "worker": "ok",
        }


def test_upload_ingested_by_the_worker_into_s3_is_read_from_the_other_app(stack):
    import boto3

    app_a, app_b = stack.app_ports
    for port in stack.app_ports:
        wait_for("ready", lambda p=port: _ready(p), stack)
    token = stack.run(PYTHON, "-c", SETUP).strip().splitlines()[-1]
    auth = {"Authorization": f"Bearer {token}"}
    body, boundary = multipart({"file": ("bikes.csv", CSV)})

    status, _headers, answer = request(
        app_a,
        "POST",
        "/api/v1/datasets/bikes/uploads",
        body=body,
        headers={
            **auth,
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "X-Request-ID": "stack-upload-1",
        },
    )
    assert status == 202, answer
    upload_id = json.loads(answer)["id"]

    def drafted() -> dict | None:
        _status, upload = get_json(
            app_a, f"/api/v1/datasets/bikes/uploads/{upload_id}", headers=auth
        )
        return upload if upload["status"] not in ("received", "processing") else None

    upload = wait_for("the worker to parse the upload", drafted, stack)
    assert upload["status"] == "draft", upload
    status, _headers, answer = request(
        app_a, "POST", f"/api/v1/datasets/bikes/uploads/{upload_id}/publish", headers=auth
    )
    assert status == 201, answer

    s3 = boto3.client(
        "s3",
        endpoint_url=stack.s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="stack-test",
        aws_secret_access_key="stack-test",
    )
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=stack.bucket).get("Contents", [])]
    status, rows = get_json(app_b, "/api/v1/datasets/bikes/versions/1/rows", headers=auth)
    assert (status, [r["vehicle"] for r in rows["rows"]]) == (200, ["bike-1", "bike-2", "bike-3"])
    assert len([k for k in keys if k.endswith(".parquet")]) == 1

    # The logs: JSON lines; the upload's under the id its caller gave, the worker's with a task.
    app_lines = [
        json.loads(line) for line in stack.process("app-a").lines() if line.startswith("{")
    ]
    upload_lines = [e for e in app_lines if e.get("request_id") == "stack-upload-1"]
    assert [e["status"] for e in upload_lines if e["logger"] == "datacollab.request"] == [202], (
        stack.report()
    )
    worker_lines = [
        json.loads(line)
        for process in stack.processes
        if process.name.startswith("worker")
        for line in process.lines()
        if line.startswith("{")
    ]
    assert any(e.get("task_id") for e in worker_lines), stack.report()
    # Nothing went wrong on the way: no error and no traceback in any app or worker line.
    app_b_lines = [
        json.loads(line) for line in stack.process("app-b").lines() if line.startswith("{")
    ]
    troubles = [
        e
        for e in app_lines + app_b_lines + worker_lines
        if e["level"] in ("ERROR", "CRITICAL") or "exception" in e
    ]
    shown = [(e["logger"], e["message"][:300], e.get("exception", "")[-600:]) for e in troubles]
    assert troubles == [], shown[:6]


def test_ready_turns_503_while_no_worker_runs_and_back_when_one_starts(stack):
    app = stack.app_ports[0]
    wait_for("ready", lambda: _ready(app), stack)
    stack.process("worker").stop()

    def worker_state() -> tuple[int, str] | None:
        status, body = get_json(app, "/health/ready")
        return (status, body["worker"]) if body["worker"] != "ok" else None

    assert wait_for("the worker to go stale", worker_state, stack) == (503, "stale")
    start_worker(stack, name="worker-2")
    assert wait_for("ready again", lambda: _ready(app), stack)["worker"] == "ok"
