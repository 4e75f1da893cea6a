"""Backup and restore with dataset versions on S3-compatible storage (moto's server on the
loopback, as in tests/datasets/test_storage_s3.py): the versions are read from one bucket and
restored into another, empty one."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import uuid
from typing import Any

import boto3
import pytest
from django.core.management import call_command
from django.db import transaction
from moto.server import ThreadedMotoServer

import datacollab.config.settings as real_settings
from tests.ops.backup_world import populate, restore, version_checksums

pytestmark = pytest.mark.django_db

CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


@pytest.fixture(scope="module")
def s3_endpoint() -> Any:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def buckets(s3_endpoint, settings, monkeypatch) -> Any:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", CREDENTIALS["aws_access_key_id"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", CREDENTIALS["aws_secret_access_key"])
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", **CREDENTIALS)

    def use(bucket: str) -> None:
        """Point the `datasets` storage at `bucket`, through the settings' own S3 branch."""
        for name, value in {
            "DATASETS_STORAGE": "s3",
            "AWS_STORAGE_BUCKET_NAME": bucket,
            "AWS_S3_ENDPOINT_URL": s3_endpoint,
        }.items():
            monkeypatch.setenv(name, value)
        spec = importlib.util.spec_from_file_location("settings_s3_backup", real_settings.__file__)
        assert spec is not None and spec.loader is not None
        probe = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(probe)
        settings.STORAGES = {**settings.STORAGES, "datasets": probe.STORAGES["datasets"]}

    names = [f"datacollab-{uuid.uuid4().hex[:12]}" for _ in range(2)]
    for name in names:
        client.create_bucket(Bucket=name)
    return client, names, use


def _objects(client: Any, bucket: str) -> dict[str, str]:
    listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {
        o["Key"]: hashlib.sha256(
            client.get_object(Bucket=bucket, Key=o["Key"])["Body"].read()
        ).hexdigest()
        for o in listed
    }


class _Undo(Exception):
    pass


def test_backup_reads_versions_from_s3_and_restore_writes_them_to_an_empty_bucket(
    buckets, tmp_path, settings
):
    client, (first, second), use = buckets
    use(first)
    archive = tmp_path / "b.tar.gz"
    try:
        with transaction.atomic():
            populate()
            checksums = version_checksums()
            client.put_object(Bucket=first, Key="datasets/99/v1-stray.parquet", Body=b"stray")
            out = io.StringIO()
            call_command("backup", "-o", str(archive), stdout=out, stderr=io.StringIO())
            raise _Undo
    except _Undo:
        pass
    use(second)
    settings.MEDIA_ROOT = tmp_path / "media-restored"

    output = restore(archive)

    assert "orphans left out: datasets 1," in out.getvalue()
    assert version_checksums() == checksums
    assert _objects(client, second) == {
        key: digest
        for key, digest in _objects(client, first).items()
        if key != "datasets/99/v1-stray.parquet"
    }
    assert "2 version checksums match" in output
