"""The S3 backend's sessions share one botocore loader per process (datasets/s3_storage.py):
each app thread's first use of the store parsed the S3 API's description again before."""

from __future__ import annotations

import threading

from datacollab.datasets import s3_storage
from datacollab.datasets.s3_storage import S3Storage, shared_loader, warm


def test_s3_connections_of_two_threads_share_the_process_loader():
    storage = S3Storage(
        bucket_name="datacollab-test",
        endpoint_url="http://127.0.0.1:9",  # never contacted: a client is made, not used
        access_key="testing",
        secret_key="testing",
        region_name="us-east-1",
    )
    loaders = []

    def connect() -> None:
        loaders.append(storage.connection.meta.client._loader)

    threads = [threading.Thread(target=connect) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (len(loaders), loaders[0] is shared_loader(), loaders[1] is shared_loader()) == (
        2,
        True,
        True,
    )


def test_warm_parses_the_s3_description_into_the_shared_loader(monkeypatch):
    monkeypatch.setattr(s3_storage, "_loader", None)  # as a process that has parsed nothing

    warm()

    # botocore's loader keeps each answer in its instance cache, keyed by method and
    # arguments: what a session's first S3 client asks is there before any client is made.
    parsed = {key[:3] for key in shared_loader()._cache}
    assert {
        ("load_service_model", "s3", "service-2"),
        ("load_service_model", "s3", "endpoint-rule-set-1"),
        ("load_data_with_path", "endpoints"),
        ("load_data_with_path", "partitions"),
    } <= parsed
