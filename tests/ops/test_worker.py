"""`datacollab worker`: django-tasks' worker with a heartbeat, its lines carrying the task id."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from datacollab.core.tasks import write_audit_checkpoint
from datacollab.ops.models import WorkerHeartbeat


@pytest.fixture
def database_tasks(audit_triggers_lifted, transactional_db, settings):
    # Transactional: the worker closes and reopens its connection between tasks, as it does
    # in production, which a test wrapped in one transaction would not survive.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _run_worker() -> None:
    call_command("worker", batch=True, startup_delay=False, reload=False, worker_id="test-worker-1")


def test_worker_beats_before_running_tasks(database_tasks):
    _run_worker()
    beat = WorkerHeartbeat.objects.get()
    assert (beat.worker_id, beat.beat_at >= beat.started_at) == ("test-worker-1", True)


def test_worker_runs_queued_tasks(database_tasks):
    result = write_audit_checkpoint.enqueue()
    _run_worker()
    assert DBTaskResult.objects.get(pk=result.id).status == "SUCCESSFUL"


def test_worker_log_lines_carry_the_task_id(database_tasks, json_log):
    result = write_audit_checkpoint.enqueue()
    _run_worker()
    finished = [e for e in json_log.entries() if "state=SUCCESSFUL" in e["message"]]
    assert [e.get("task_id") for e in finished] == [str(result.id)]
