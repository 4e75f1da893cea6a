"""Fault trial 3 (issue 15): disk full during an upload, N trials.

A tmpfs of 4 MiB is mounted as the upload folder and the version storage (needs root): writing
past it fails with a real ENOSPC. Each trial sends a file larger than the free space through the
upload page and through the API, and checks: the answer is 507 with the message that says what
is wrong and what to do (never a 500); no upload row, no audit entry and no file are left; the
free space is back to what it was; a file that fits is then accepted. Every fourth trial also
fills the disk under a parsed draft and publishes it: 507, no version row, no file, the draft
kept; and it publishes once there is room.

Django runs in this process against a SQLite file (the fault is the disk's, not the
database's). Bounded by --trials. Run from the repository root, as root:
    .venv/bin/python bench/faults_disk.py [--trials 20]
Ends with `bench faults_disk: trials=... refused_clearly=... half_written=0 ...`.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _faults import ROOT, setup_django

DISK_KB = 4096


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from tests.ops.faults_helpers import files_under, free_bytes, noise_csv, small_disk

    rng = random.Random(args.seed)
    folder = Path(tempfile.mkdtemp(prefix="datacollab-faults-disk."))
    started = time.monotonic()
    with small_disk(folder / "disk", DISK_KB) as disk:
        setup_django(folder, f"sqlite:///{folder / 'db.sqlite3'}")
        from django.conf import settings

        settings.DATASETS_UPLOAD_DIR = disk / "uploads"
        settings.STORAGES["datasets"]["OPTIONS"] = {"location": str(disk / "store")}
        settings.DATASETS_MAX_UPLOAD_BYTES = 64 * 1024 * 1024
        settings.DATASETS_QUOTA_PERSON_BYTES = 1024 * 1024 * 1024
        settings.DATASETS_QUOTA_COLLABORATION_BYTES = 1024 * 1024 * 1024
        from django.core.files.storage import storages

        storages._storages.pop("datasets", None)  # built again from the settings above
        results = [
            trial(n, rng, disk, folder, files_under, free_bytes, noise_csv)
            for n in range(args.trials)
        ]
    shutil.rmtree(folder, ignore_errors=True)  # unmounted above
    seconds = time.monotonic() - started
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"disk full during an upload ({len(results)} trials, {DISK_KB} KiB disk)")
    for column in (
        "path",
        "refusals",
        "507 with the message",
        "rows left",
        "files left",
        "space given back",
        "next upload ok",
    ):
        table.add_column(column, justify="right")
    for path in ("page", "api", "publish"):
        group = [r for r in results for r in r if r["path"] == path]
        table.add_row(
            path,
            str(len(group)),
            str(sum(r["clear"] for r in group)),
            str(sum(r["rows"] for r in group)),
            str(sum(r["files"] for r in group)),
            str(sum(r["space_back"] for r in group)),
            str(sum(r["next_ok"] for r in group)),
        )
    Console(width=120).print(table)
    flat = [r for trial_results in results for r in trial_results]
    print(
        f"bench faults_disk: trials={len(results)} refusals={len(flat)} "
        f"refused_clearly={sum(r['clear'] for r in flat)} "
        f"half_written={sum(r['rows'] + r['files'] for r in flat)} "
        f"space_given_back={sum(r['space_back'] for r in flat)} "
        f"next_ok={sum(r['next_ok'] for r in flat)} seconds={seconds:.0f}"
    )
    return 0


def trial(
    number: int,
    rng: random.Random,
    disk: Path,
    folder: Path,
    files_under: Any,
    free_bytes: Any,
    noise_csv: Any,
) -> list[dict[str, Any]]:
    from django.test import Client
    from django.urls import reverse
    from django.utils.html import escape

    from datacollab.core.models import AuditEntry
    from datacollab.datasets.models import DatasetVersion, Upload
    from datacollab.datasets.services.upload_lifecycle import publish_upload
    from datacollab.datasets.services.uploads import process_upload
    from datacollab.datasets.storage import (
        StorageFull,
        publish_no_space_message,
        upload_no_space_message,
    )
    from tests.datasets.factories_ingest import owner_and_dataset, sensor_csv, upload_file
    from tests.factories_api import bearer, make_token

    owner, dataset = owner_and_dataset()
    _, secret = make_token(owner)
    client = Client(raise_request_exception=False)
    client.force_login(owner)
    big = noise_csv(folder / f"big-{number}.csv", rng.randrange(5, 13) * 1024 * 1024)
    small = noise_csv(folder / "small.csv", 64 * 1024)
    results = []

    def send(path: Path, via: str) -> Any:
        with path.open("rb") as handle:
            if via == "page":
                return client.post(reverse("dataset-upload", args=[dataset.slug]), {"file": handle})
            return client.post(
                f"/api/v1/datasets/{dataset.slug}/uploads", {"file": handle}, **bearer(secret)
            )

    for via in ("page", "api"):
        before_files, before_free = files_under(disk), free_bytes(disk)
        rows_before = Upload.objects.count()
        audits_before = AuditEntry.objects.filter(action="dataset.upload_received").count()
        response = send(big, via)
        text = response.content.decode()
        message = upload_no_space_message()
        clear = response.status_code == 507 and (
            escape(message) in text if via == "page" else response.json()["message"] == message
        )
        rows = Upload.objects.count() - rows_before
        rows += AuditEntry.objects.filter(action="dataset.upload_received").count() - audits_before
        left = len(files_under(disk)) - len(before_files)
        space_back = free_bytes(disk) == before_free
        fits = send(small, via)
        next_ok = fits.status_code in (302, 202)
        for upload in Upload.objects.filter(dataset=dataset):  # keep the disk for the next trial
            Path(upload.path).unlink(missing_ok=True)
        results.append(
            {
                "path": via,
                "clear": clear,
                "rows": rows,
                "files": left,
                "space_back": space_back,
                "next_ok": next_ok,
            }
        )
    if number % 4 == 0:
        upload = upload_file(
            actor=owner, dataset=dataset, path=sensor_csv(folder / "rows.csv", 20_000)
        )
        draft = process_upload(upload_id=upload.pk)
        filler = disk / "filler"
        with filler.open("wb") as sink:
            sink.write(b"\0" * max(0, free_bytes(disk) - 1024))
        kept, before_free = files_under(disk), free_bytes(disk)
        try:
            publish_upload(actor=owner, upload=draft)
            clear = False
        except StorageFull as exc:
            clear = exc.status == 507 and exc.message == publish_no_space_message()
        draft.refresh_from_db()
        rows = DatasetVersion.objects.filter(dataset=dataset).count()
        rows += draft.status != Upload.Status.DRAFT
        left = len(files_under(disk)) - len(kept)
        space_back = free_bytes(disk) == before_free
        filler.unlink()
        version = publish_upload(actor=owner, upload=draft)
        next_ok = version.row_count == 20_000
        Path(settings_store(disk) / version.storage_key).unlink(missing_ok=True)
        results.append(
            {
                "path": "publish",
                "clear": clear,
                "rows": rows,
                "files": left,
                "space_back": space_back,
                "next_ok": next_ok,
            }
        )
    return results


def settings_store(disk: Path) -> Path:
    return disk / "store"


if __name__ == "__main__":
    sys.exit(main())
