"""`datacollab worker`: django-tasks' database worker, with a heartbeat for /health/ready."""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from datacollab.ops.heartbeat import HeartbeatThread


class Command(DbWorkerCommand):
    help = (
        "Run the background task worker (django-tasks' db_worker, same options) and record a "
        "heartbeat every WORKER_HEARTBEAT_SECONDS for /health/ready."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        heartbeat = HeartbeatThread(worker_id=options["worker_id"])
        # The first beat before the first task, so readiness turns ok as soon as it starts.
        heartbeat.beat()
        heartbeat.start()
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stop()
