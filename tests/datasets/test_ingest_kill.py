"""kill -9 of the parsing worker, or of the process running it, part-way: no version, no partial
file, and a retry succeeds (at once, for a killed runner)."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from django.test import Client
from django.utils import timezone

import datacollab
from datacollab.core.errors import Conflict
from datacollab.core.models import AuditEntry
from datacollab.datasets.ingest import forkclient
from datacollab.datasets.ingest.lease import this_process
from datacollab.datasets.models import DatasetVersion, Upload
from datacollab.datasets.selectors.uploads import worker_stopped
from datacollab.datasets.services.upload_lifecycle import (
    publish_upload,
    reparse_upload,
    retry_upload,
)
from datacollab.datasets.services.uploads import process_upload
from tests.datasets.factories_ingest import (
    ingest_dirs_fixture,  # noqa: F401 - a fixture, used by name
    owner_and_dataset,
    parse_and_publish,
    sensor_csv,
    upload_file,
)
from tests.factories_api import bearer, make_token

ROWS = 200_000


def _worker_pids() -> list[int]:
    """The parsing workers: children of the fork server, or fresh worker processes."""
    server = forkclient.running()
    found = []
    for child in psutil.Process().children(recursive=True):
        try:
            if (server is not None and child.ppid() == server.pid) or (
                "datacollab.datasets.ingest.worker" in " ".join(child.cmdline())
            ):
                found.append(child.pid)
        except psutil.Error:  # a zombie, or a process that ended, left by an earlier test
            continue
    return found


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


@pytest.mark.django_db
@pytest.mark.parametrize("fork_server", [True, False], ids=["forked", "fresh"])
@pytest.mark.parametrize("phase", ["check-text", "validate", "write"])
def test_sigkill_of_the_worker_leaves_no_version_and_a_retry_succeeds(
    ingest_dirs, settings, phase, fork_server
):
    settings.DATASETS_INGEST_FORK_SERVER = fork_server
    owner, dataset = owner_and_dataset()
    upload = upload_file(
        actor=owner, dataset=dataset, path=sensor_csv(ingest_dirs / "big.csv", ROWS)
    )
    killed: list[int] = []

    def kill_when(reached: str) -> None:
        # Runs in the parent as the worker announces each phase: the child is mid-work.
        if reached == phase and not killed:
            for pid in _worker_pids():
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)

    status = process_upload(upload_id=upload.pk, on_progress=kill_when).status
    assert (killed != [], status) == (True, "failed")

    assert len(killed) == 1
    upload.refresh_from_db()
    assert upload.status == Upload.Status.FAILED
    assert upload.error == (
        "The worker stopped before it finished (SIGKILL). Nothing was published; try again."
    )
    assert DatasetVersion.objects.filter(dataset=dataset).count() == 0
    assert _files(ingest_dirs / "store") == []
    # The received file waits for the retry; the worker's half-written files are gone.
    assert _files(ingest_dirs / "uploads") == [Path(upload.path)]

    reparse_upload(actor=owner, upload=upload, enqueue=False)
    version = parse_and_publish(upload)

    upload.refresh_from_db()
    assert upload.status == Upload.Status.PUBLISHED
    assert (version.number, version.row_count) == (1, ROWS)
    assert _files(ingest_dirs / "store") == [ingest_dirs / "store" / version.storage_key]


# --- Red-team finding 11: kill -9 of the process that runs the worker (the task worker) -------
# The upload stayed "processing" and a retry was refused for about 31 minutes. Now the runner
# records its host, pid and start time and renews a lease: a dead runner shows at once.


def _wait_for(condition, what: str, seconds: float = 240.0):
    # Generous: on a loaded machine a fresh `datacollab ingest` process takes long to start.
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _descendants(pid: int) -> list[int]:
    try:
        return [child.pid for child in psutil.Process(pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _database_url(db: dict) -> str:
    """The test database (SQLite file or PostgreSQL), for a process of its own."""
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def shared_db(audit_triggers_lifted: None, transactional_db: None) -> None:
    """Committed rows, so the runner in another process sees them (triggers lifted first:
    the test ends by emptying every table)."""


def test_sigkill_of_the_task_worker_shows_failed_and_allows_a_retry_at_once(
    shared_db, ingest_dirs, settings, django_capture_on_commit_callbacks
):
    owner, dataset = owner_and_dataset()
    _, secret = make_token(owner)
    data = sensor_csv(ingest_dirs / "big.csv", ROWS)
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(settings.DATABASES["default"]),
        "DATASETS_UPLOAD_DIR": str(ingest_dirs / "uploads"),
        "DATASETS_ROOT": str(ingest_dirs / "store"),
        "DATASETS_WORKER_CPU_SECONDS": "120",
        # This checkout's code, as the test's own.
        "PYTHONPATH": str(Path(datacollab.__file__).resolve().parent.parent),
    }
    # The ingest command runs the worker in the foreground, as a task worker would.
    command = ["ingest", str(data), "--dataset", dataset.slug, "--as", owner.email]
    runner = subprocess.Popen(
        [sys.executable, "-m", "datacollab", *command],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        upload = _wait_for(
            lambda: Upload.objects.filter(dataset=dataset, status="processing").first(),
            "the upload to be processing",
        )
        # The fork server and the worker it forked.
        workers = _wait_for(
            lambda: found if len(found := _descendants(runner.pid)) >= 2 else None,
            "the fork server and the parsing worker",
        )
        runner.send_signal(signal.SIGKILL)
        runner.wait(timeout=30)
    finally:
        if runner.poll() is None:
            runner.kill()
    # The fork server dies with the task worker and the parsing worker with the fork server
    # (PR_SET_PDEATHSIG, each): no orphan parses on.
    for worker in workers:
        _wait_for(lambda w=worker: not psutil.pid_exists(w) or _zombie(w), "the worker to die")
    upload.refresh_from_db()
    assert (upload.status, upload.runner_pid) == ("processing", runner.pid)

    shown = Client().get(f"/api/v1/datasets/{dataset.slug}/uploads/{upload.pk}", **bearer(secret))
    assert (shown.json()["status"], shown.json()["refusal"]) == (
        "failed",
        "The worker stopped before it finished (its process was killed or its machine "
        "restarted). Nothing was published: retry the upload.",
    )

    with django_capture_on_commit_callbacks(execute=True):
        retry_upload(actor=owner, upload=upload)

    upload.refresh_from_db()
    assert upload.status == Upload.Status.DRAFT
    version = publish_upload(actor=owner, upload=upload)
    assert (version.number, version.row_count) == (1, ROWS)
    entry = AuditEntry.objects.filter(action="dataset.upload_retried").get()
    assert entry.details == {"upload": upload.pk, "options": {}, "worker_stopped": True}


def _zombie(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def _processing(upload: Upload, **runner: object) -> Upload:
    Upload.objects.filter(pk=upload.pk).update(status=Upload.Status.PROCESSING, **runner)
    upload.refresh_from_db()
    return upload


@pytest.mark.django_db
def test_retry_of_an_upload_whose_runner_is_alive_is_refused(ingest_dirs):
    owner, dataset = owner_and_dataset()
    upload = upload_file(actor=owner, dataset=dataset, path=sensor_csv(ingest_dirs / "a.csv", 5))
    me = this_process()
    upload = _processing(
        upload,
        runner_host=me.host,
        runner_pid=me.pid,
        runner_started=me.started,
        lease_expires_at=timezone.now() - dt.timedelta(minutes=5),
    )

    with pytest.raises(Conflict) as caught:
        retry_upload(actor=owner, upload=upload)

    assert caught.value.message == (
        "This upload is parsing: only a draft, or a refused upload whose file is kept, can be "
        "parsed again."
    )


@pytest.mark.django_db
def test_an_upload_whose_pid_was_reused_counts_as_stopped(ingest_dirs):
    owner, dataset = owner_and_dataset()
    upload = upload_file(actor=owner, dataset=dataset, path=sensor_csv(ingest_dirs / "a.csv", 5))
    me = this_process()
    # Same pid, another start time: the pid now belongs to another process.
    upload = _processing(
        upload,
        runner_host=me.host,
        runner_pid=me.pid,
        runner_started=(me.started or 0) + 1,
        lease_expires_at=timezone.now() + dt.timedelta(minutes=5),
    )

    assert worker_stopped(upload) is True


@pytest.mark.django_db
def test_an_upload_on_another_host_is_stopped_once_its_lease_runs_out(ingest_dirs):
    owner, dataset = owner_and_dataset()
    upload = upload_file(actor=owner, dataset=dataset, path=sensor_csv(ingest_dirs / "a.csv", 5))
    upload = _processing(
        upload,
        runner_host="elsewhere.invalid",
        runner_pid=4242,
        runner_started=1,
        lease_expires_at=timezone.now() + dt.timedelta(seconds=30),
    )
    assert worker_stopped(upload) is False

    later = timezone.now() + dt.timedelta(seconds=31)

    assert worker_stopped(upload, now=later) is True


@pytest.mark.django_db
def test_a_killed_runner_not_yet_reaped_counts_as_stopped(ingest_dirs):
    # Found replaying the kill by hand: a `datacollab worker` killed under a parent that had
    # not reaped it yet (a shell, a slow supervisor) is a zombie with its pid and start time
    # unchanged, and the upload read "processing" until the parent reaped it.
    owner, dataset = owner_and_dataset()
    upload = upload_file(actor=owner, dataset=dataset, path=sensor_csv(ingest_dirs / "a.csv", 5))
    runner = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        ticks = _wait_for(lambda: _start_ticks(runner.pid), "the runner's start time")
        upload = _processing(
            upload,
            runner_host=this_process().host,
            runner_pid=runner.pid,
            runner_started=ticks,
            lease_expires_at=timezone.now() + dt.timedelta(minutes=5),
        )
        assert worker_stopped(upload) is False

        os.kill(runner.pid, signal.SIGKILL)
        _wait_for(lambda: _zombie(runner.pid) or None, "the runner to be a zombie")

        assert worker_stopped(upload) is True
    finally:
        runner.kill()
        runner.wait()


def _start_ticks(pid: int) -> int | None:
    from datacollab.datasets.ingest.lease import start_ticks

    return start_ticks(pid)
