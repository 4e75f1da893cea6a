"""Trusted aggregation in the demo: the Data Cargo sensors' protections and the open summaries.

The pooled sensor data (`data-cargo-sensors`, group level) gets the owner's protections: the
firm as contributor (k 3, dominance 50 %, 5 rows), without noise, so queries read one
suppression pattern over the lattice zone x day. The open `data-cargo-zone-summaries` are
that lattice's zone x day cells, computed by the same engine with the same settings: the
open table is part of what any planner's query may release, never a cell it would hide.
A city planner gets "aggregates only": protected answers, never a row.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from datacollab.demo import ecargo
from datacollab.demo.people import People, Person, email
from datacollab.privacy.engine import AggregateQuery, MeasureBounds, Protection, TableSpec
from datacollab.privacy.engine.lattice import run_lattice_query

CONTRIBUTOR = "firm"
DIMENSIONS = ["zone", "started_at"]
MEASURES: list[dict[str, Any]] = [
    {"column": "distance_km", "lower": 0.0, "upper": 40.0},
    {"column": "avg_speed_kmh", "lower": 0.0, "upper": 30.0},
    {"column": "payload_kg", "lower": 0.0, "upper": 150.0},
]
LATTICE = [{"column": "zone"}, {"column": "started_at", "bucket": "day"}]
CITY_PLANNER = email("city-planner")

# The example queries the guide and the planner's first visit start from, saved on the
# dataset as its example queries (title -> description, query). Each reads the lattice.
EXAMPLE_QUERIES: dict[str, dict[str, Any]] = {
    "trips and speed by zone": {
        "dimensions": [{"column": "zone"}],
        "measures": [
            {"function": "count"},
            {"function": "mean", "column": "avg_speed_kmh"},
            {"function": "quantile", "column": "avg_speed_kmh", "q": 0.5},
            {"function": "quantile", "column": "avg_speed_kmh", "q": 0.75},
        ],
    },
    "mean speed by zone and day": {
        "dimensions": [{"column": "zone"}, {"column": "started_at", "bucket": "day"}],
        "measures": [{"function": "mean", "column": "avg_speed_kmh"}, {"function": "count"}],
    },
    "trips and distance by day": {
        "dimensions": [{"column": "started_at", "bucket": "day"}],
        "measures": [{"function": "count"}, {"function": "sum", "column": "distance_km"}],
    },
    "trips and weight by zone and day": {
        "dimensions": [{"column": "zone"}, {"column": "started_at", "bucket": "day"}],
        "measures": [{"function": "count"}, {"function": "sum", "column": "payload_kg"}],
    },
}
EXAMPLE_DESCRIPTIONS = {
    "trips and speed by zone": "Where bikes are slow: trips, mean, median and upper quartile "
    "speed per zone over the four weeks.",
    "mean speed by zone and day": "A heat map of mean speed, zone by day: congestion as it "
    "moves through the month.",
    "trips and distance by day": "Cargo-bike activity across the city, day by day.",
    "trips and weight by zone and day": "How much the bikes carry where: payload per zone and day.",
}

TYPES = {"string": "string", "timestamp[s, tz=UTC]": "datetime", "double": "number"}


def table_spec() -> TableSpec:
    return TableSpec.from_table_schema(
        {
            "fields": [
                {"name": f.name, "type": TYPES.get(str(f.type), "integer")} for f in ecargo.SCHEMA
            ]
        }
    )


def protection() -> Protection:
    return Protection(
        contributor=CONTRIBUTOR,
        dimensions=tuple(DIMENSIONS),
        measures=tuple(
            MeasureBounds(str(m["column"]), float(m["lower"]), float(m["upper"])) for m in MEASURES
        ),
        lattice=tuple((d["column"], d.get("bucket"), None) for d in LATTICE),
    )


ZONE_DAY = AggregateQuery.from_dict(
    {
        "dimensions": [{"column": "started_at", "bucket": "day"}, {"column": "zone"}],
        "measures": [
            {"function": "count"},
            {"function": "sum", "column": "distance_km"},
            {"function": "mean", "column": "avg_speed_kmh"},
            {"function": "sum", "column": "payload_kg"},
        ],
    }
)


def zone_daily_totals(sensors: pa.Table) -> pa.Table:
    """The zone x day cells the protections release; suppressed cells are left out."""
    with tempfile.TemporaryDirectory(prefix="datacollab-demo-") as folder:
        path = Path(folder) / "sensors.parquet"
        pq.write_table(sensors, path)
        result = run_lattice_query(
            path, table_spec(), protection(), ZONE_DAY, version_key=f"demo:{sensors.num_rows}"
        )
    released = [cell for cell in result.cells if cell.suppressed is None]

    def value(cell: Any, label: str) -> float:
        return round(float(cell.values[label] or 0), 1)

    return pa.table(
        {
            "date": pa.array([cell.key[0].date() for cell in released], pa.date32()),
            "zone": pa.array([cell.key[1] for cell in released], pa.string()),
            "trips": pa.array([cell.values["count"] for cell in released], pa.int64()),
            "distance_km": pa.array(
                [value(cell, "sum(distance_km)") for cell in released], pa.float64()
            ),
            "mean_speed_kmh": pa.array(
                [value(cell, "mean(avg_speed_kmh)") for cell in released], pa.float64()
            ),
            "payload_kg": pa.array(
                [value(cell, "sum(payload_kg)") for cell in released], pa.float64()
            ),
        }
    )


def ensure_privacy(*, datasets: dict[str, Any], people: People, owner: Any) -> None:
    """Protections on the pooled sensors and an aggregates-only city planner (idempotent)."""
    from datacollab.collaborations.selectors import has_accepted_current
    from datacollab.collaborations.services.agreements import accept_agreement
    from datacollab.privacy.models import AggregateGrant, ProtectionSettings

    sensors = datasets["data-cargo-sensors"]
    ProtectionSettings.objects.update_or_create(
        dataset=sensors,
        defaults={
            "contributor": CONTRIBUTOR,
            "dimensions": DIMENSIONS,
            "measures": MEASURES,
            "lattice": LATTICE,
            "updated_by": owner,
        },
    )
    _ensure_examples(sensors, owner)
    planner = people.ensure([Person(CITY_PLANNER, "Cyd City-Planner", "Europe/London")])[
        CITY_PLANNER
    ]
    AggregateGrant.objects.get_or_create(
        dataset=sensors, user=planner, organisation=None, defaults={"granted_by": owner}
    )
    # Aggregates-only grantees accept the dataset's agreement too (for themselves: their
    # office is not a member of the collaboration, so this admits to no row).
    agreement = sensors.agreement
    if agreement is not None and not has_accepted_current(planner, agreement):
        version = agreement.versions.order_by("-number").first()
        accept_agreement(actor=planner, agreement=agreement, expected_hash=version.text_hash)


def _ensure_examples(sensors: Any, owner: Any) -> None:
    from datacollab.privacy.examples import example_queries, save_example_query

    saved = set(example_queries(sensors).values_list("title", flat=True))
    for title, query in EXAMPLE_QUERIES.items():
        if title not in saved:
            save_example_query(
                actor=owner,
                dataset=sensors,
                title=title,
                description=EXAMPLE_DESCRIPTIONS[title],
                query=query,
            )
