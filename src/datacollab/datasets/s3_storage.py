"""django-storages' S3 backend, with one botocore loader per process.

django-storages gives each thread its own boto3 session (sessions are not thread-safe), and
each new session parses botocore's JSON description of the S3 API again: about 60 ms of CPU
on an idle machine, several hundred under load, paid by the first request of every app
thread that touches the store (a publish, a download), again after each worker's recycling.
The loader only reads those files and keeps what it parsed, so the process's sessions share
one: a thread's session then costs about 20 ms, once (docs/benchmarks.md, "`bench/load.py`").
"""

from __future__ import annotations

import threading
from typing import Any

import boto3
from botocore.loaders import Loader, create_loader
from storages.backends.s3 import S3Storage as DjangoStoragesS3

_lock = threading.Lock()
_loader: Loader | None = None


def shared_loader() -> Loader:
    global _loader
    with _lock:
        if _loader is None:
            _loader = create_loader()
        return _loader


class S3Storage(DjangoStoragesS3):  # type: ignore[misc]
    def _create_session(self) -> Any:
        session: boto3.Session = super()._create_session()
        session._session.register_component("data_loader", shared_loader())
        return session


def warm() -> None:
    """Parse the S3 API's description into the shared loader now (gunicorn's master calls it
    before forking, so every worker starts with it parsed); no client, nothing sent."""
    loader = shared_loader()
    loader.load_service_model("s3", "service-2")
    loader.load_service_model("s3", "endpoint-rule-set-1")
    loader.load_data("endpoints")
    loader.load_data("partitions")
