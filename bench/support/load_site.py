"""The site bench/load.py runs against, set up inside the deployment (production settings).

Run as a one-shot process of the stack, like `migrate`: loads the demo network (so pages have
real content), publishes one large open dataset for the rows API (ROWS rows, a Parquet file
in the datasets storage, S3 in the stack), sets its API tiers with quotas wide enough for the
run (metering and the quota checks still run on every request), makes API keys on the
community and enterprise tiers, one upload target per client, and prints the plan of the run
as JSON on its last line: every path below comes from `reverse` on a real object, never from
a guess.
"""

from __future__ import annotations

import json
import sys
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import django

django.setup()

import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402
from django.urls import reverse  # noqa: E402

from datacollab.api.services.tiers import set_tiers, start_enterprise_plan  # noqa: E402
from datacollab.api.services.tokens import create_token  # noqa: E402
from datacollab.api.throttle import LIMIT_FIELDS  # noqa: E402
from datacollab.datasets.models import Dataset, DatasetVersion, Spectrum  # noqa: E402
from datacollab.datasets.services.datasets import create_dataset  # noqa: E402
from datacollab.datasets.services.versions import publish_parquet  # noqa: E402
from datacollab.datasets.validation import connect, infer_schema, validate  # noqa: E402
from datacollab.demo import content, current  # noqa: E402
from datacollab.demo.builder import load_demo  # noqa: E402
from datacollab.demo.people import email  # noqa: E402
from datacollab.learnings.models import Learning  # noqa: E402
from datacollab.network.models import Call, Cohort  # noqa: E402
from datacollab.organisations.models import Membership, Organisation, User  # noqa: E402
from datacollab.reports.models import CohortReport  # noqa: E402

ROWS_SLUG = "load-readings"
ZONES = [f"zone-{i:02d}" for i in range(40)]
FIRMS = ["Pedal Post", "Green Wheels", "Urbike"]
# Wide enough that no request of a 300 s run is refused; a 429 counts as an error.
LIMIT = 1_000_000_000
KEYS_PER_TIER = 5
SEARCH_WORDS = [
    "data",
    "cargo",
    "bike",
    "health",
    "labour",
    "open",
    "learning",
    "privacy",
    "sensor",
    "roundtable",
    "agreement",
    "cohort",
    "city",
    "emissions",
    "women",
    "lending",
    "screening",
    "collaboration",
    "spectrum",
    "zone",
]


def readings(rows: int) -> pa.Table:
    rng = np.random.default_rng(20261206)
    start = np.datetime64("2026-05-01T00:00:00")
    return pa.table(
        {
            "id": np.arange(1, rows + 1, dtype=np.int64),
            "firm": pa.array(rng.choice(FIRMS, rows)),
            "zone": pa.array(rng.choice(ZONES, rows)),
            "recorded_at": start + rng.integers(0, 7 * 86400, rows).astype("timedelta64[s]"),
            "speed": np.round(rng.gamma(6.0, 2.5, rows), 2),
        }
    )


def ensure_rows_dataset(steward: User, owner: Organisation, rows: int) -> DatasetVersion:
    dataset = Dataset.objects.filter(slug=ROWS_SLUG).first() or create_dataset(
        actor=steward,
        owner=owner,
        slug=ROWS_SLUG,
        title="Load test: cargo bike readings",
        description="Synthetic readings (fixed seed) for bench/load.py.",
        licence="CC0-1.0",
        spectrum=Spectrum.OPEN,
    )
    version = dataset.versions.order_by("-number").first()
    if version is not None:
        return version
    with tempfile.TemporaryDirectory() as folder, connect() as con:
        path = Path(folder) / "readings.parquet"
        con.register("readings", readings(rows))
        con.execute(
            f"COPY (SELECT * FROM readings) TO '{path}' "  # noqa: S608 - our own path
            "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)"
        )
        schema = infer_schema(path, fmt="parquet", con=con)
        report = validate(path, schema, fmt="parquet", con=con)
        return publish_parquet(
            actor=steward,
            dataset=dataset,
            parquet=path,
            schema=schema,
            report=report,
            source_name="readings.parquet",
            source_format="parquet",
            detected={"format": "parquet"},
        )


def api_keys(steward: User, owner: Organisation, dataset: Dataset) -> dict[str, list[str]]:
    set_tiers(
        actor=steward,
        scope=dataset,
        limits={name: LIMIT for name in LIMIT_FIELDS},
        enterprise_price=Decimal("100.00"),
    )
    keys: dict[str, list[str]] = {"community": [], "enterprise": []}
    for tier in keys:
        for number in range(KEYS_PER_TIER):
            user = User.objects.create_user(email=f"api-{tier}-{number}@load.example.org")
            keys[tier].append(create_token(actor=user, name=f"load {tier}")[1])
            if tier == "enterprise":
                start_enterprise_plan(actor=steward, scope=dataset, account=user.email)
    return keys


def upload_targets(steward: User, owner: Organisation, clients: int) -> list[str]:
    """One dataset per client: a client's uploads are published in turn, never racing
    another's for the next version number (that race has its own refusal and test)."""
    slugs = []
    for number in range(clients):
        slug = f"load-uploads-{number:03d}"
        if not Dataset.objects.filter(slug=slug).exists():
            create_dataset(
                actor=steward,
                owner=owner,
                slug=slug,
                title=f"Load test uploads {number}",
                spectrum=Spectrum.CLOSED,
            )
        slugs.append(slug)
    return slugs


def pages() -> dict[str, list[str]]:
    call = Call.objects.filter(status=Call.Status.OPEN).order_by("pk").first()
    assert call is not None, "the demo has an open call"
    cohorts = list(Cohort.objects.order_by("pk"))
    learnings = Learning.objects.filter(status="published", visibility="public").order_by("pk")
    reports = CohortReport.objects.filter(status="published").select_related("cohort")
    datasets = Dataset.objects.filter(spectrum=Spectrum.OPEN).exclude(
        slug__startswith="load-uploads-"
    )
    anonymous = [
        reverse("home"),
        reverse("call-detail", args=[call.slug]),
        reverse("dataset-catalog"),
        reverse("learning-list"),
        reverse("challenge-list"),
        *(reverse("cohort-detail", args=[c.slug]) for c in cohorts),
        *(reverse("dataset-detail", args=[d.slug]) for d in datasets),
        *(reverse("learning-detail", args=[learning.slug]) for learning in learnings[:10]),
        *(reverse("cohort-report", args=[r.cohort.slug]) for r in reports),
    ]
    participant = [
        reverse("home"),
        reverse("session-list"),
        reverse("support-home"),
        reverse("my-applications"),
        reverse("learning-list"),
        reverse("profile"),
        *(reverse("cohort-detail", args=[c.slug]) for c in cohorts),
    ]
    convener = [
        reverse("convener-home"),
        reverse("call-applications", args=[call.slug]),
        reverse("call-scores", args=[call.slug]),
        reverse("call-assignments", args=[call.slug]),
        reverse("network-dashboard"),
        *(reverse("cohort-dashboard", args=[c.slug]) for c in cohorts),
    ]
    downloads = [
        reverse("dataset-download-csv", args=[v.dataset.slug, v.number])
        for v in DatasetVersion.objects.filter(
            dataset__spectrum=Spectrum.OPEN, row_count__lte=10_000
        ).select_related("dataset")
    ] + [reverse("dataset-download-parquet", args=[ROWS_SLUG, 1])]
    return {
        "anonymous": anonymous,
        "participant": participant,
        "convener": convener,
        "downloads": downloads,
    }


def main(rows: int, clients: int) -> dict[str, Any]:
    load_demo()
    owner = Organisation.objects.filter(slug="load-bench").first() or Organisation.objects.create(
        slug="load-bench", name="Load bench", kind="company", country="GB"
    )
    steward = User.objects.filter(email="steward@load.example.org").first()
    if steward is None:
        steward = User.objects.create_user(email="steward@load.example.org")
        Membership.objects.create(user=steward, organisation=owner, role="admin")
    version = ensure_rows_dataset(steward, owner, rows)
    return {
        "pages": pages(),
        "password": content.PASSWORD,
        "participant": current.PARTICIPANT.email,
        "convener": email("convener"),
        "search_words": SEARCH_WORDS,
        "rows": {
            "slug": ROWS_SLUG,
            "version": version.number,
            "row_count": version.row_count,
            "zones": ZONES,
        },
        "keys": api_keys(steward, owner, version.dataset),
        "upload_token": create_token(actor=steward, name="load uploads")[1],
        "upload_datasets": upload_targets(steward, owner, clients),
    }


if __name__ == "__main__":
    print(json.dumps(main(rows=int(sys.argv[1]), clients=int(sys.argv[2]))))
