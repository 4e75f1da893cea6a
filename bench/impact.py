"""The cost of counting a read: impact counters against an audit entry per read.

Open data reads are counted by one upsert into a daily counter (impact/services/counters.py).
The peer is what the issue rules out: one audit-log entry per read (core/audit.py, the
hash-chained log that non-open reads already go to). Both run in the same process on the same
fresh SQLite database (WAL, as in production without PostgreSQL), each call in autocommit as a
request would make it, over the same reads: READS reads by a mix of anonymous people and
SIGNED_IN signed-in people over DAYS days. Reported: microseconds per read (median of 3 runs)
and the rows each leaves in the database.

Run from the repository root: .venv/bin/python bench/impact.py [--reads N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

READS = 5_000
SIGNED_IN = 200
DAYS = 30
RUNS = 3
SEED = 7


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reads", type=int, default=READS)
    reads = parser.parse_args().reads
    with tempfile.TemporaryDirectory(prefix="bench-impact-") as folder:
        run(reads, folder)


def run(reads: int, folder: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "datacollab.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from datacollab.core import audit
    from datacollab.core.models import AuditEntry
    from datacollab.datasets.models import Dataset
    from datacollab.impact.models import DailyCount
    from datacollab.impact.services import counters
    from datacollab.organisations.models import Organisation, User

    call_command("migrate", verbosity=0)
    owner = User.objects.create_user(email="owner@example.org", password="x")  # noqa: S106
    org = Organisation.objects.create(slug="o", name="O", kind="other", country="GB")
    people = [
        User.objects.create_user(email=f"p{i}@example.org", password="x")  # noqa: S106
        for i in range(SIGNED_IN)
    ]
    rng = random.Random(SEED)
    start = dt.date(2026, 1, 1)
    plan = [
        (
            start + dt.timedelta(days=rng.randrange(DAYS)),
            rng.choice(("view", "download", "api")),
            rng.choice(people) if rng.random() < 0.3 else None,
        )
        for _ in range(reads)
    ]

    def ours(dataset: Dataset) -> None:
        for day, kind, person in plan:
            counters.record(dataset=dataset, kind=kind, user=person, day=day)

    def peer(dataset: Dataset) -> None:
        for day, kind, person in plan:
            audit.record(
                action="dataset.accessed",
                actor=person,
                obj=dataset,
                details={"channel": kind, "day": day.isoformat()},
            )

    timings: dict[str, list[float]] = {"ours": [], "peer": []}
    rows: dict[str, int] = {}
    for run in range(RUNS):
        for name, work in (("ours", ours), ("peer", peer)):
            dataset = Dataset.objects.create(
                slug=f"{name}-{run}", title=name, owner=org, created_by=owner, spectrum="open"
            )
            before = AuditEntry.objects.count()
            started = time.perf_counter()
            work(dataset)
            timings[name].append((time.perf_counter() - started) / reads * 1e6)
            rows[name] = (
                DailyCount.objects.filter(dataset=dataset).count()
                if name == "ours"
                else AuditEntry.objects.count() - before
            )
    ours_us, peer_us = statistics.median(timings["ours"]), statistics.median(timings["peer"])
    print(f"{reads:,} reads over {DAYS} days, {SIGNED_IN} signed-in people (30 % of reads)")
    print(f"impact counters:      {ours_us:8.1f} µs per read, {rows['ours']:,} rows")
    print(f"audit entry per read: {peer_us:8.1f} µs per read, {rows['peer']:,} rows")
    print(
        f"bench impact: record_us={ours_us:.1f} audit_us={peer_us:.1f} "
        f"ratio={peer_us / ours_us:.1f} counter_rows={rows['ours']} audit_rows={rows['peer']}"
    )


if __name__ == "__main__":
    main()
