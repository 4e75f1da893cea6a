"""Fault trial 1 (issue 15): kill -9 of the ingest worker part-way, N trials.

Each trial uploads a sensor CSV (its size varies), starts a runner process that parses it and
publishes it (process_upload then publish_upload, as the task worker and the owner would), and
sends SIGKILL to the runner's whole process group (the runner and its parsing worker) at a
random moment of a randomly chosen phase: reading (check-text), converting (validate), writing
the Parquet (write), its checksum, or committing the version (publish). Then it checks:

* 0 partial versions: every version row has its complete file (the stored file's sha256 is the
  row's checksum), and the dataset's current version is the one before or the complete new one;
* files without a row (a publish killed between the file and the commit) are counted, are
  never reachable (readers find versions through rows), and `datasets-gc` removes them;
* the retry succeeds: the upload is parsed again (or, a draft, published again) into a version
  whose checksum is that of a clean ingest of the same file, and no upload is left processing.

PostgreSQL is a throwaway cluster on 127.0.0.1 (bench/_faults.py). Bounded: --trials and
--max-seconds. Run from the repository root:
    .venv/bin/python bench/faults_worker.py [--trials 100] [--seed 15]
Ends with `bench faults_worker: trials=... partial_versions=0 retries_ok=... ...`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _faults import PYTHON, Cluster, setup_django

PHASES = ("check-text", "validate", "write", "checksum", "publish")
PHASE_NAMES = {
    "check-text": "reading",
    "validate": "converting",
    "write": "writing Parquet",
    "checksum": "checksum",
    "publish": "committing",
    "done": "after the commit",  # the kill came as the runner was exiting
}
SIZES = (50_000, 100_000, 200_000)  # rows; about 2, 4 and 8 MB of CSV


def _child(upload_id: int) -> int:
    """The runner: parse, then publish, announcing each phase on stdout for the parent."""
    import django

    django.setup()  # the parent gave this process the trial's environment
    from datacollab.datasets.services.upload_lifecycle import publish_upload
    from datacollab.datasets.services.uploads import process_upload

    def say(phase: str) -> None:
        sys.stdout.write(f"@@ {phase}\n")
        sys.stdout.flush()

    draft = process_upload(upload_id=upload_id, on_progress=say)
    say("publish")
    publish_upload(actor=draft.created_by, upload=draft)
    say("done")
    return 0


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def check_versions(dataset: Any, store: Path) -> tuple[int, int, int]:
    """(partial versions, files without a row, temporary files) of the dataset."""
    from datacollab.datasets.models import DatasetVersion
    from datacollab.datasets.storage import TEMP_PREFIX

    partial = 0
    keys = set()
    for version in DatasetVersion.objects.filter(dataset=dataset):
        keys.add(version.storage_key)
        path = store / version.storage_key
        if not path.is_file() or _sha256(path) != version.checksum:
            partial += 1
    folder = store / "datasets" / str(dataset.pk)
    files = [p for p in folder.iterdir() if p.is_file()] if folder.is_dir() else []
    temps = [p for p in files if p.name.startswith(TEMP_PREFIX)]
    orphans = [p for p in files if p not in temps and f"datasets/{dataset.pk}/{p.name}" not in keys]
    return partial, len(orphans), len(temps)


class Killer:
    """Reads the runner's phase lines; kills its group at `delay` s into `phase`."""

    def __init__(self, popen: subprocess.Popen[bytes], phase: str, delay: float) -> None:
        self.popen, self.phase, self.delay = popen, phase, delay
        self.seen: list[str] = []
        self.landed = ""  # the last phase announced before the kill
        self.killed = False
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.popen.stdout is not None
        for raw in self.popen.stdout:
            line = raw.decode(errors="replace").strip()
            if line.startswith("@@ "):
                self.seen.append(line[3:])

    def run(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self.phase not in self.seen and self.popen.poll() is None:
            if time.monotonic() > deadline:
                break
            time.sleep(0.005)
        if self.popen.poll() is None:
            time.sleep(self.delay)
        if self.popen.poll() is None:
            self.landed = self.seen[-1] if self.seen else "start"
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.killed = True
        self.popen.wait()
        self._reader.join(timeout=5)


def retry(upload: Any) -> Any:
    """What the owner does after the kill: parse again (or publish the draft again)."""
    from datacollab.datasets.models import DatasetVersion, Upload
    from datacollab.datasets.services.upload_lifecycle import publish_upload, reparse_upload
    from datacollab.datasets.services.uploads import process_upload

    upload.refresh_from_db()
    if upload.status == Upload.Status.PUBLISHED:
        return DatasetVersion.objects.filter(upload=upload).first()  # the kill came too late
    if upload.status != Upload.Status.DRAFT:
        reparse_upload(actor=upload.created_by, upload=upload, enqueue=False)
        upload = process_upload(upload_id=upload.pk)
    return publish_upload(actor=upload.created_by, upload=upload)


def trial(
    *,
    number: int,
    rng: random.Random,
    dataset: Any,
    files: dict[int, Path],
    reference: dict[int, str],
    env: dict[str, str],
    store: Path,
) -> dict[str, Any]:
    from datacollab.datasets.models import DatasetVersion, Upload
    from datacollab.datasets.services.upload_lifecycle import current_version
    from datacollab.datasets.services.uploads import receive_upload

    rows = SIZES[number % len(SIZES)]
    phase = PHASES[rng.randrange(len(PHASES))]
    # Since the fork server (datasets/ingest/forkserver.py) a phase lasts tens of milliseconds:
    # a later kill would mostly land after the commit, or after the runner has finished.
    delay = rng.uniform(0.0, 0.04)
    before = current_version(dataset)
    with files[rows].open("rb") as handle:
        upload = receive_upload(
            actor=dataset.created_by,
            dataset=dataset,
            stream=handle,
            name=f"t{number}.csv",
            enqueue=False,
        )
    runner = subprocess.Popen(  # noqa: S603 - this script, in its child mode
        [PYTHON, str(Path(__file__).resolve()), "--child", str(upload.pk)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    killer = Killer(runner, phase, delay)
    killer.run(timeout=300)
    partial, orphans, temps = check_versions(dataset, store)
    now = current_version(dataset)
    upload.refresh_from_db()
    allowed = {before.pk if before else None}
    if upload.status == Upload.Status.PUBLISHED:
        allowed = {DatasetVersion.objects.get(upload=upload).pk}
    if (now.pk if now else None) not in allowed:
        partial += 1
    version = retry(upload)
    upload.refresh_from_db()
    retried_ok = (
        version is not None
        and upload.status == Upload.Status.PUBLISHED
        and version.checksum == reference[rows]
        and version.row_count == rows
    )
    stuck = Upload.objects.filter(dataset=dataset, status=Upload.Status.PROCESSING).count()
    partial_after, _, _ = check_versions(dataset, store)
    from datacollab.datasets.services.versions import remove_orphan_files

    remove_orphan_files(older_than=dt.timedelta(0))
    _, orphans_after_gc, temps_after_gc = check_versions(dataset, store)
    return {
        "rows": rows,
        "target": phase,
        "landed": killer.landed if killer.killed else "finished",
        "killed": killer.killed,
        "partial": partial + partial_after,
        "orphans": orphans + temps,
        "left_after_gc": orphans_after_gc + temps_after_gc,
        "retry_ok": retried_ok,
        "stuck": stuck,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--max-seconds", type=float, default=1800)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return _child(args.child)
    from rich.console import Console
    from rich.table import Table

    rng = random.Random(args.seed)
    folder = Path(tempfile.mkdtemp(prefix="datacollab-faults-worker."))
    cluster = Cluster()
    started = time.monotonic()
    try:
        cluster.start()
        cluster.create_database()
        env = setup_django(folder, cluster.url)
        from datacollab.datasets.services.upload_lifecycle import publish_upload
        from datacollab.datasets.services.uploads import process_upload, receive_upload
        from tests.datasets.factories_ingest import owner_and_dataset, sensor_csv
        from tests.factories_data import make_dataset

        def ingest(dataset: Any, path: Path) -> Any:
            with path.open("rb") as handle:
                upload = receive_upload(
                    actor=dataset.created_by,
                    dataset=dataset,
                    stream=handle,
                    name=path.name,
                    enqueue=False,
                )
            draft = process_upload(upload_id=upload.pk)
            return publish_upload(actor=draft.created_by, upload=draft)

        files = {rows: sensor_csv(folder / f"rows-{rows}.csv", rows) for rows in SIZES}
        first = sensor_csv(folder / "first.csv", 100)
        owner, dataset = owner_and_dataset()
        reference_set = make_dataset(owner=dataset.owner, creator=owner)
        ingest(dataset, first)
        ingest(reference_set, first)
        # A clean ingest of each file, against the same current schema as the trials'.
        reference = {rows: ingest(reference_set, path).checksum for rows, path in files.items()}
        results = []
        for number in range(args.trials):
            if time.monotonic() - started > args.max_seconds:
                break
            results.append(
                trial(
                    number=number,
                    rng=rng,
                    dataset=dataset,
                    files=files,
                    reference=reference,
                    env=env,
                    store=folder / "store",
                )
            )
        seconds = time.monotonic() - started
    finally:
        cluster.remove()
        shutil.rmtree(folder, ignore_errors=True)
    table = Table(title=f"kill -9 of the ingest runner and its worker ({len(results)} trials)")
    for column in (
        "phase killed in",
        "trials",
        "partial versions",
        "files left for gc",
        "left after gc",
        "retries ok",
        "stuck leases",
    ):
        table.add_column(column, justify="right")
    by_phase: dict[str, list[dict[str, Any]]] = {}
    for result in results:
        by_phase.setdefault(result["landed"], []).append(result)
    order = [*PHASE_NAMES, "start", "finished"]
    for landed, group in sorted(by_phase.items(), key=lambda item: order.index(item[0])):
        table.add_row(
            PHASE_NAMES.get(landed, landed),
            str(len(group)),
            str(sum(r["partial"] for r in group)),
            str(sum(r["orphans"] for r in group)),
            str(sum(r["left_after_gc"] for r in group)),
            str(sum(r["retry_ok"] for r in group)),
            str(sum(r["stuck"] for r in group)),
        )
    Console(width=120).print(table)
    sizes = Counter(r["rows"] for r in results)
    print("rows per trial: " + ", ".join(f"{k}: {v}" for k, v in sorted(sizes.items())))
    print(
        f"bench faults_worker: trials={len(results)} "
        f"killed={sum(r['killed'] for r in results)} "
        f"partial_versions={sum(r['partial'] for r in results)} "
        f"retries_ok={sum(r['retry_ok'] for r in results)} "
        f"stuck_leases={sum(r['stuck'] for r in results)} "
        f"unreferenced_files={sum(r['orphans'] for r in results)} "
        f"left_after_gc={sum(r['left_after_gc'] for r in results)} "
        f"seconds={seconds:.0f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
