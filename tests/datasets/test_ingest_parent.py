"""The parse worker tells a dead parent from a parent that is PID 1 (found running the task
worker as a container's first process: every upload was refused as "stopped before it
finished")."""

from __future__ import annotations

import os

from datacollab.datasets.ingest import runner
from datacollab.datasets.ingest.worker import _parent_gone


def test_parent_pid_1_that_started_the_worker_is_alive() -> None:
    assert _parent_gone(1, "1") is False


def test_reparented_worker_sees_its_parent_gone() -> None:
    assert _parent_gone(1, "4242") is True


def test_without_the_parents_pid_pid_1_means_gone() -> None:
    assert (_parent_gone(1, None), _parent_gone(77, None)) == (True, False)


def test_the_runner_tells_the_worker_its_pid() -> None:
    assert runner._child_environment()["DATACOLLAB_INGEST_PARENT"] == str(os.getpid())
