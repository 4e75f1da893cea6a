"""The task worker's heartbeat: a row per worker, renewed by a thread beside the worker loop.

A thread rather than the loop itself, so a long task (a large ingest) does not look like a dead
worker; a worker whose process is gone, or whose database is unreachable, stops beating.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from datacollab.ops.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

# Rows of workers silent this long are removed at each beat (worker ids are random per start).
FORGET_AFTER = dt.timedelta(days=1)


@transaction.atomic
def record_heartbeat(*, worker_id: str, started_at: dt.datetime) -> WorkerHeartbeat:
    now = timezone.now()
    beat, _created = WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": started_at,
            "beat_at": now,
        },
    )
    WorkerHeartbeat.objects.filter(beat_at__lt=now - FORGET_AFTER).delete()
    return beat


def latest_beat() -> dt.datetime | None:
    return WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()


class HeartbeatThread(threading.Thread):
    """Beats every `interval` seconds until `stop()`."""

    def __init__(self, *, worker_id: str, interval: float | None = None) -> None:
        super().__init__(name="datacollab-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.interval = interval if interval is not None else settings.WORKER_HEARTBEAT_SECONDS
        self.started_at = timezone.now()
        self._stopping = threading.Event()

    def beat(self) -> None:
        close_old_connections()
        try:
            record_heartbeat(worker_id=self.worker_id, started_at=self.started_at)
        except Exception:  # the database may be down: say so, keep trying
            logger.exception("worker heartbeat failed")
            connection.close()

    def run(self) -> None:
        try:
            # The first beat is the caller's (before the worker starts); then one per interval.
            while not self._stopping.wait(self.interval):
                self.beat()
        finally:
            connection.close()

    def stop(self) -> None:
        self._stopping.set()
