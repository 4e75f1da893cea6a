"""`datacollab backup` then `datacollab restore` in one process.

The populated deployment is built inside a savepoint; once the archive is written the savepoint
rolls back, which leaves this test's database empty and migrated (a new deployment), and the
file settings move to new folders, so every row and file seen afterwards came from the archive.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from datacollab.core.backup import tables
from datacollab.core.models import AuditEntry
from datacollab.organisations.models import User
from tests.ops.backup_world import (
    CSV_WAITING,
    PDF,
    World,
    domain_rows,
    download_attachment,
    files_under,
    members,
    populate,
    restore,
    row_counts,
    version_checksums,
    waiting_upload_bytes,
)

pytestmark = pytest.mark.django_db


def test_backup_undone_leaves_an_empty_deployment(made):
    assert (domain_rows(), made["archive"].is_file()) == (0, True)


def test_restore_gives_the_same_rows(made, new_folders):
    restore(made["archive"])

    counts = row_counts()
    # The restore appends its own audit entry, and the search index is rebuilt from the
    # restored rows (the factories wrote the dataset without indexing it); the rest is as it was.
    assert counts == {
        **made["counts"],
        "core.AuditEntry": made["counts"]["core.AuditEntry"] + 1,
        "search.Document": 1,
    }
    assert AuditEntry.objects.order_by("-seq").values_list("action", flat=True)[0] == (
        "backup.restored"
    )


def test_restore_ends_with_an_audit_log_that_verifies(made, new_folders):
    import io

    restore(made["archive"])
    out = io.StringIO()
    call_command("audit", "verify", stdout=out, stderr=io.StringIO())

    entries = AuditEntry.objects.count()
    assert out.getvalue().startswith(f"audit log OK: {entries} entries")


def test_restore_brings_every_version_with_its_checksum(made, new_folders):
    output = restore(made["archive"])

    assert version_checksums() == made["checksums"]
    assert all(row == stored for row, stored in version_checksums().values())
    assert "2 version checksums match" in output
    assert files_under(new_folders / "datasets") == sorted(
        f"datasets/{made['world'].dataset_id}/{name}"
        for name in [p.name for p in (new_folders / "datasets").rglob("*.parquet")]
    )


def test_restored_attachment_downloads(made, new_folders):
    restore(made["archive"])

    assert download_attachment(made["world"]) == (200, PDF)


def test_restored_waiting_upload_lives_in_this_deployments_upload_folder(made, new_folders):
    restore(made["archive"])

    assert waiting_upload_bytes() == CSV_WAITING
    assert files_under(new_folders / "uploads")[0].startswith(f"{made['world'].dataset_id}/")


def test_backup_reports_counts_and_leaves_orphans_out(tmp_path, settings):
    populate()
    stray = Path(settings.STORAGES["datasets"]["OPTIONS"]["location"]) / "datasets/9/v1-x.parquet"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"not named by any row")
    archive = tmp_path / "b.tar.gz"
    out = io.StringIO()

    call_command("backup", "-o", str(archive), stdout=out, stderr=io.StringIO())

    from tests.ops.backup_world import members

    names = members(archive)
    manifest = json.loads(names["manifest.json"])
    assert manifest["orphans"]["datasets"] == 1
    assert "files/datasets/datasets/9/v1-x.parquet" not in names
    assert sorted(n.split("/")[1] for n in names if n.startswith("files/")) == [
        "datasets",
        "datasets",
        "media",
        "uploads",
    ]
    assert manifest["counts"] == {k: v for k, v in row_counts().items()} | {
        "core.AuditEntry": manifest["counts"]["core.AuditEntry"],
        "core.AuditHead": 1,
    }
    # Published uploads' received files stay until datasets-gc's retention: not named, not kept.
    received = len(files_under(Path(settings.DATASETS_UPLOAD_DIR))) - 1
    assert f"orphans left out: datasets 1, media 0, uploads {received}" in out.getvalue()


def test_backup_records_itself_in_the_audit_log(tmp_path):
    populate()

    call_command("backup", "-o", str(tmp_path / "b.tar.gz"), stdout=io.StringIO())

    last = AuditEntry.objects.order_by("-seq").first()
    assert last is not None
    assert (last.action, last.details["file"]) == ("backup.created", "b.tar.gz")


def test_backup_refuses_to_overwrite_without_force(tmp_path):
    archive = tmp_path / "b.tar.gz"
    archive.write_bytes(b"an older backup")

    with pytest.raises(CommandError) as refused:
        call_command("backup", "-o", str(archive), stdout=io.StringIO())

    assert str(refused.value) == (
        f"backup FAILED: {archive} exists: give another name, or --force to replace it."
    )
    assert archive.read_bytes() == b"an older backup"


def test_backup_with_force_replaces_the_file(tmp_path):
    archive = tmp_path / "b.tar.gz"
    archive.write_bytes(b"an older backup")

    call_command("backup", "-o", str(archive), "--force", stdout=io.StringIO())

    assert archive.read_bytes()[:2] == b"\x1f\x8b"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_backup_fails_when_a_named_file_is_gone_and_writes_no_archive(tmp_path, settings):
    populate()
    from datacollab.datasets.models import DatasetVersion
    from datacollab.datasets.storage import version_storage

    version = DatasetVersion.objects.order_by("pk").first()
    assert version is not None
    version_storage().delete(version.storage_key)
    archive = tmp_path / "b.tar.gz"

    with pytest.raises(CommandError) as refused:
        call_command("backup", "-o", str(archive), stdout=io.StringIO())

    assert str(refused.value).startswith(
        f"backup FAILED: The file datasets: {version.storage_key}, named by a row of the "
        "database, vanished while the backup ran, twice"
    )
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".gz") == []


def test_restore_refuses_a_deployment_that_holds_data(made, new_folders):
    factory_world: World = populate()
    before = (row_counts(), files_under(new_folders))

    with pytest.raises(CommandError) as refused:
        restore(made["archive"])

    assert "restore FAILED: This deployment is not empty: " in str(refused.value)
    assert "Nothing was changed." in str(refused.value)
    assert (row_counts(), files_under(new_folders)) == before
    assert download_attachment(factory_world)[0] == 200


def test_restore_goes_into_a_deployment_whose_worker_already_beats(made, new_folders):
    # Found in the compose stack: the worker started with the app wrote its heartbeat, and
    # the restore took the deployment for one that holds data.
    from django.utils import timezone

    from datacollab.ops.models import WorkerHeartbeat

    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id="w-1", hostname="app", pid=7, started_at=now, beat_at=now
    )

    restore(made["archive"])

    assert row_counts()["organisations.User"] == made["counts"]["organisations.User"]
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["w-1"]


def test_tables_list_every_model_once():
    ordered = tables.models_in_order()

    assert len(ordered) == len(set(ordered))


def test_restored_deployment_takes_new_rows_after_the_restored_ids(made, new_folders):
    from tests.datasets.factories_ingest import owner_and_dataset

    restore(made["archive"])
    newest = max(User.objects.values_list("pk", flat=True))

    owner, dataset = owner_and_dataset()

    # On PostgreSQL the sequences were moved past the restored ids, or this would collide.
    assert (owner.pk > newest, dataset.pk > made["world"].dataset_id) == (True, True)


def test_restore_again_after_a_crash_reuses_or_replaces_the_files_left_behind(made, new_folders):
    # What a restore killed after writing files leaves: files no row names, one cut short.
    stored = {
        name.removeprefix("files/datasets/"): data
        for name, data in members(made["archive"]).items()
        if name.startswith("files/datasets/")
    }
    (whole_key, whole), (cut_key, cut) = sorted(stored.items())
    for key, data in ((whole_key, whole), (cut_key, cut[: len(cut) // 2])):
        (new_folders / "datasets" / key).parent.mkdir(parents=True, exist_ok=True)
        (new_folders / "datasets" / key).write_bytes(data)

    output = restore(made["archive"])

    assert " bytes; 1 already there, 1 leftovers replaced); audit log OK" in output
    assert version_checksums() == made["checksums"]


def test_backup_that_cannot_write_its_file_fails_with_a_message(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()

    with pytest.raises(CommandError) as refused:
        call_command(
            "backup",
            "-o",
            str(folder / ("b" * 250 + ".tar.gz")),
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )

    assert str(refused.value).startswith("backup FAILED: [Errno 36] File name too long")
    assert str(refused.value).endswith("; no archive was written")
    assert list(folder.iterdir()) == []
