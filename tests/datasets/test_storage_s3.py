"""Dataset versions on S3-compatible storage (DATASETS_STORAGE=s3, through django-storages).

A real S3 API, served by moto on 127.0.0.1 (a server in this process's threads, no network
beyond the loopback), stands in for the production object store: the settings' own `s3`
configuration is used, a file goes through the ingest path into the bucket, and the version
is read back through the storage interface, the rows API and a download.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import uuid
from pathlib import Path
from typing import Any

import boto3
import pytest
from django.test import Client
from moto.server import ThreadedMotoServer

import datacollab.config.settings as real_settings
from datacollab.datasets.services.versions import remove_orphan_files
from datacollab.datasets.storage import is_local, local_copy, version_storage
from tests.datasets.factories_ingest import (
    ingest_dirs_fixture,  # noqa: F401 - a fixture, used by name
    owner_and_dataset,
    parse_and_publish,
    upload_bytes,
)

pytestmark = pytest.mark.django_db

CSV = b"id,vehicle,speed\n1,bike-1,12.5\n2,bike-2,20.0\n3,bike-3,7.25\n"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


@pytest.fixture(scope="module")
def s3_endpoint() -> Any:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def _settings_for(environment: dict[str, str], monkeypatch: Any) -> Any:
    """Run settings.py afresh under `environment`, as a separate module (Django's own
    settings stay as they are)."""
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("settings_s3_probe", real_settings.__file__)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def s3_bucket(s3_endpoint, ingest_dirs, settings, monkeypatch) -> Any:
    bucket = f"datacollab-{uuid.uuid4().hex[:12]}"
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", CREDENTIALS["aws_access_key_id"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", CREDENTIALS["aws_secret_access_key"])
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    probe = _settings_for(
        {
            "DATASETS_STORAGE": "s3",
            "AWS_STORAGE_BUCKET_NAME": bucket,
            "AWS_S3_ENDPOINT_URL": s3_endpoint,
        },
        monkeypatch,
    )
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", **CREDENTIALS)
    client.create_bucket(Bucket=bucket)
    settings.STORAGES = {**settings.STORAGES, "datasets": probe.STORAGES["datasets"]}
    return client, bucket


def _objects(client: Any, bucket: str) -> dict[str, bytes]:
    listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {o["Key"]: client.get_object(Bucket=bucket, Key=o["Key"])["Body"].read() for o in listed}


def _publish(dataset_spectrum: str = "open") -> Any:
    owner, dataset = owner_and_dataset(spectrum=dataset_spectrum)
    upload = upload_bytes(actor=owner, dataset=dataset, data=CSV, name="bikes.csv")
    version = parse_and_publish(upload)
    return owner, dataset, version


def test_settings_choose_s3_storage(s3_bucket):
    _, bucket = s3_bucket
    storage = version_storage()
    assert (type(storage).__name__, storage.bucket_name, is_local(storage)) == (
        "S3Storage",
        bucket,
        False,
    )


def test_ingest_publishes_the_version_into_the_bucket(s3_bucket):
    client, bucket = s3_bucket
    _, dataset, version = _publish()
    objects = _objects(client, bucket)
    assert list(objects) == [version.storage_key]
    assert version.storage_key == f"datasets/{dataset.pk}/v1-{version.checksum[:12]}.parquet"
    assert hashlib.sha256(objects[version.storage_key]).hexdigest() == version.checksum
    assert len(objects[version.storage_key]) == version.byte_size


def test_version_reads_back_through_the_storage_interface(s3_bucket):
    _, _, version = _publish()
    with local_copy(version) as path:
        copied = Path(path)
        assert hashlib.sha256(copied.read_bytes()).hexdigest() == version.checksum
    assert not copied.exists()  # the downloaded copy is temporary


def test_rows_api_and_download_read_from_the_bucket(s3_bucket):
    _, dataset, _ = _publish()
    client = Client()
    rows = client.get(f"/api/v1/datasets/{dataset.slug}/versions/1/rows?sort=-speed&limit=1").json()
    assert (rows["total"], rows["rows"]) == (3, [{"id": 2, "vehicle": "bike-2", "speed": 20.0}])
    response = client.get(f"/datasets/{dataset.slug}/v1/download.csv")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode().splitlines() == [
        '"id","vehicle","speed"',
        '1,"bike-1",12.5',
        '2,"bike-2",20',
        '3,"bike-3",7.25',
    ]


def test_second_version_gets_its_own_object(s3_bucket):
    client, bucket = s3_bucket
    owner, dataset, first = _publish()
    upload = upload_bytes(actor=owner, dataset=dataset, data=CSV + b"4,bike-4,9.5\n")
    second = parse_and_publish(upload)
    assert (second.number, second.row_count) == (2, 4)
    assert sorted(_objects(client, bucket)) == sorted([first.storage_key, second.storage_key])


def test_orphan_objects_are_collected_and_versions_kept(s3_bucket):
    client, bucket = s3_bucket
    _, dataset, version = _publish()
    stray = f"datasets/{dataset.pk}/v9-abandoned.parquet"
    client.put_object(Bucket=bucket, Key=stray, Body=b"PAR1 half written")
    removed = remove_orphan_files(older_than=dt.timedelta(0))
    assert [line for line in removed if line.startswith("storage:")] == [f"storage: {stray}"]
    assert list(_objects(client, bucket)) == [version.storage_key]
