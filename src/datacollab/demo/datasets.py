"""The demo's datasets, one per Data Spectrum level and more, with real Parquet versions.

Datasets are created and kept up to date through the datasets services (the one place for
their rules: open data needs an open licence, group data a collaboration, and so on); each
version goes through `publish_parquet`, so its file sits in the datasets storage with the
row. A version is published only when the dataset has fewer versions than listed here, so a
second run neither duplicates a version nor writes a file. Schemas are inferred and reports
made by the validation module, as for an upload.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from datacollab.datasets.models import AccessGrant, Dataset, DatasetVersion, Spectrum
from datacollab.datasets.services.access import add_grant
from datacollab.datasets.services.datasets import create_dataset, update_dataset
from datacollab.datasets.services.versions import publish_parquet
from datacollab.datasets.validation import connect, infer_schema, typed_select, validate
from datacollab.datasets.validation.sql import lit
from datacollab.demo import tables
from datacollab.demo.agreements import POOLED_SLUG, REUSE_SLUG
from datacollab.demo.collaborations import RESEARCHERS, DemoCollaborations

SYNTHETIC = "Synthetic data, made up for the demo with a fixed random seed."


@dataclass(frozen=True)
class VersionSpec:
    source_name: str
    table: Callable[[], pa.Table]


@dataclass(frozen=True)
class DatasetSpec:
    slug: str
    title: str
    description: str
    owner: str  # organisation slug
    spectrum: str
    versions: list[VersionSpec]
    fields: dict[str, str]  # column -> description, added to the inferred schema
    keywords: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    licence: str = ""
    collaboration: str | None = None
    agreement: str | None = None
    temporal: tuple[date, date] | None = None
    spatial: str = ""
    update_frequency: str = ""
    granted_to: list[str] = field(default_factory=list)  # organisation slugs (named data)
    listed: bool = False  # named/group data: metadata in the catalog, so outsiders can ask


SENSOR_FIELDS = {
    "firm": "The delivery firm whose bike made the trip.",
    "bike_id": "The bike, as the firm numbers it.",
    "trip_id": "One trip segment; unique.",
    "started_at": "When the trip started (UTC).",
    "zone": "The London borough the trip started in.",
    "lat": "Latitude of the start (WGS 84), rounded to about 1 m.",
    "lon": "Longitude of the start (WGS 84).",
    "distance_km": "Distance ridden, in kilometres.",
    "duration_min": "Time ridden, in minutes.",
    "avg_speed_kmh": "Average speed while moving, in km/h.",
    "payload_kg": "Weight carried, in kilograms.",
    "battery_pct": "Battery left at the end of the trip, in percent.",
}

DATASETS = [
    DatasetSpec(
        slug="data-cargo-sensors",
        title="Data Cargo eCargo-bike sensor readings",
        description=(
            "Trip by trip readings from the sensors on the eCargo bikes of three London "
            "delivery firms (Pedal Post, Green Courier Co and CargoCycle Logistics), pooled "
            "by Data Cargo for the borough's transport planners. Shared only with the "
            f"collaboration's members, under the pooled sensor data agreement.\n\n{SYNTHETIC}"
        ),
        owner="data-cargo",
        spectrum=Spectrum.GROUP,
        listed=True,
        versions=[
            VersionSpec("ecargo-trips-2021-03-01-to-14.parquet", tables.sensors_first_weeks),
            VersionSpec("ecargo-trips-2021-03-01-to-28.parquet", tables.sensors),
        ],
        fields=SENSOR_FIELDS,
        keywords=["eCargo bikes", "last-mile delivery", "sensors", "trips"],
        themes=["transport", "mobility"],
        licence="LicenseRef-DataCargo-Pooled-Terms",
        collaboration="data-cargo",
        agreement=POOLED_SLUG,
        temporal=(date(2021, 3, 1), date(2021, 3, 28)),
        spatial="Central London",
        update_frequency="weekly",
    ),
    DatasetSpec(
        slug="data-cargo-zone-summaries",
        title="Daily eCargo-bike deliveries per London zone",
        description=(
            "Trips, distance and weight carried per zone and day, totalled across the Data "
            "Cargo firms: no firm, bike or trip appears. Published as open data under "
            "clause 8 of the pooled sensor data agreement, through the privacy engine: a "
            "zone and day is listed only with at least 3 firms and 5 trips and no firm "
            "above half of its trips, distance, speed or weight (clamped to 0-40 km, "
            "0-30 km/h and 0-150 kg); the rest are left out, and none can be recomputed "
            f"from the rows listed or from any protected query on the sensors.\n\n{SYNTHETIC}"
        ),
        owner="data-cargo",
        spectrum=Spectrum.OPEN,
        versions=[VersionSpec("zone-daily-totals-2021-03.parquet", tables.zone_daily_totals)],
        fields={
            "date": "The day (UTC).",
            "zone": "The London borough.",
            "trips": "Trips that started in the zone that day.",
            "distance_km": "Total distance ridden, in kilometres.",
            "mean_speed_kmh": "Mean of the trips' average speeds, in km/h.",
            "payload_kg": "Total weight carried, in kilograms.",
        },
        keywords=["eCargo bikes", "last-mile delivery", "open data"],
        themes=["transport", "mobility"],
        licence="CC-BY-4.0",
        collaboration="data-cargo",
        temporal=(date(2021, 3, 1), date(2021, 3, 28)),
        spatial="Central London",
        update_frequency="weekly",
    ),
    DatasetSpec(
        slug="packaging-reuse-events",
        title="Packaging reuse events in Scotland",
        description=(
            "Each time a reusable cup, container, bottle, tub or crate is issued, returned, "
            "washed or retired by one of five reuse schemes in Scottish cities. Open licence; "
            f"accept the agreement once to register as a user.\n\n{SYNTHETIC}"
        ),
        owner="reath",
        spectrum=Spectrum.PUBLIC,
        versions=[VersionSpec("reuse-events-2021-q1.parquet", tables.reuse_events)],
        fields={
            "event_id": "The event; unique.",
            "occurred_on": "The day it happened.",
            "scheme": "The reuse scheme (names invented).",
            "city": "Where the scheme runs.",
            "item": "What kind of packaging.",
            "material": "What it is made of.",
            "event": "issued, returned, washed or retired.",
            "uses_so_far": "How many times the item has been used, this one included.",
            "weight_g": "The item's weight, in grams.",
        },
        keywords=["reuse", "packaging", "returns", "waste"],
        themes=["environment", "circular economy"],
        licence="CC-BY-4.0",
        collaboration="packaging-reuse-data",
        agreement=REUSE_SLUG,
        temporal=(date(2021, 1, 4), date(2021, 4, 3)),
        spatial="Scotland",
        update_frequency="monthly",
    ),
    DatasetSpec(
        slug="ikure-ncd-screening-counts",
        title="NCD screening counts per clinic, West Bengal, 2021",
        description=(
            "How many people each iKure clinic screened for hypertension, type 2 diabetes and "
            "COPD every month, how many screened positive and how many were referred. Counts "
            "only, no patients; shared with the research partners iKure names.\n\n"
            f"{SYNTHETIC}"
        ),
        owner="ikure",
        spectrum=Spectrum.NAMED,
        versions=[VersionSpec("ncd-screening-2021.parquet", tables.ncd_screening)],
        fields={
            "month": "The month (its first day).",
            "clinic_id": "The clinic.",
            "district": "The district the clinic serves.",
            "condition": "What was screened for.",
            "screened": "People screened.",
            "screened_women": "Women among them.",
            "positive": "People who screened positive.",
            "referred": "People referred for diagnosis and care.",
        },
        keywords=["screening", "hypertension", "diabetes", "COPD", "clinics"],
        themes=["health"],
        licence="CC-BY-NC-4.0",
        collaboration="open-data-for-non-communicable-diseases",
        temporal=(date(2021, 1, 1), date(2021, 12, 31)),
        spatial="West Bengal, India",
        update_frequency="monthly",
        granted_to=[RESEARCHERS],
    ),
    DatasetSpec(
        slug="buenos-aires-labour-market-by-sex",
        title="Employment and pay by sex and sector, Buenos Aires",
        description=(
            "Quarterly employment (thousands) and median hourly pay (ARS) of women and men "
            f"in ten sectors, 2016–2020, with the pay gap.\n\n{SYNTHETIC}"
        ),
        owner="open-data-charter",
        spectrum=Spectrum.OPEN,
        versions=[VersionSpec("labour-by-sex-2016-2020.parquet", tables.labour_gaps)],
        fields={
            "quarter": "The quarter, as YYYY-Qn.",
            "sector": "The sector of activity.",
            "employed_women_thousands": "Women employed, in thousands.",
            "employed_men_thousands": "Men employed, in thousands.",
            "median_hourly_pay_women_ars": "Women's median hourly pay, in pesos.",
            "median_hourly_pay_men_ars": "Men's median hourly pay, in pesos.",
            "pay_gap_pct": "How much less women earn than men, in percent of men's pay.",
        },
        keywords=["gender pay gap", "employment", "care work"],
        themes=["labour", "gender equality"],
        licence="CC-BY-4.0",
        collaboration="caring-for-equality-in-buenos-aires-labour-market",
        temporal=(date(2016, 1, 1), date(2020, 12, 31)),
        spatial="Buenos Aires, Argentina",
        update_frequency="quarterly",
    ),
    DatasetSpec(
        slug="shanghai-sme-lending",
        title="SME lending by district and industry, Shanghai, 2020 (internal)",
        description=(
            "Loans to small and medium enterprises per month, district and industry: count, "
            "volume, mean rate and share overdue. Working data of Open Data China, not shared."
            f"\n\n{SYNTHETIC}"
        ),
        owner="open-data-china",
        spectrum=Spectrum.CLOSED,
        versions=[VersionSpec("sme-lending-2020.parquet", tables.sme_credit)],
        fields={
            "month": "The month (its first day).",
            "district": "The district of Shanghai.",
            "industry": "The borrowers' industry.",
            "loans": "Loans made.",
            "volume_cny_m": "Amount lent, in millions of yuan.",
            "mean_rate_pct": "Mean annual interest rate, in percent.",
            "overdue_pct": "Share of loans overdue, in percent.",
        },
        keywords=["SME finance", "credit", "lending"],
        themes=["finance"],
        collaboration="shanghai-fintech-innovation-data-collaboration",
        temporal=(date(2020, 1, 1), date(2020, 12, 31)),
        spatial="Shanghai, China",
        update_frequency="monthly",
    ),
]


def ensure_datasets(*, collabs: DemoCollaborations) -> dict[str, Dataset]:
    """Run inside the loader's transaction, after `ensure_collaborations`."""
    datasets: dict[str, Dataset] = {}
    con: duckdb.DuckDBPyConnection | None = None
    try:
        with tempfile.TemporaryDirectory(prefix="datacollab-demo-") as folder:
            for spec in DATASETS:
                actor = collabs.contacts[spec.owner]
                dataset = _ensure_dataset(spec, collabs)
                have = DatasetVersion.objects.filter(dataset=dataset).count()
                for version in spec.versions[have:]:
                    # One DuckDB connection for all versions: opening one costs more than
                    # validating a small table.
                    con = con or connect()
                    _publish(spec, version, dataset, actor, Path(folder), con)
                for slug in spec.granted_to:
                    organisation = collabs.organisations[slug]
                    if not AccessGrant.objects.filter(dataset=dataset, organisation=organisation):
                        add_grant(actor=actor, dataset=dataset, organisation=organisation)
                datasets[spec.slug] = dataset
    finally:
        if con is not None:
            con.close()
    return datasets


def _values(spec: DatasetSpec, collabs: DemoCollaborations) -> dict[str, Any]:
    start, end = spec.temporal or (None, None)
    return {
        "title": spec.title,
        "description": spec.description,
        "keywords": spec.keywords,
        "themes": spec.themes,
        "licence": spec.licence,
        "spectrum": spec.spectrum,
        "listed": spec.listed,
        "collaboration": collabs.collaborations[spec.collaboration] if spec.collaboration else None,
        "agreement": collabs.agreements[spec.agreement] if spec.agreement else None,
        "temporal_start": start,
        "temporal_end": end,
        "spatial": spec.spatial,
        "update_frequency": spec.update_frequency,
        "contact_email": collabs.contacts[spec.owner].email,
    }


def _ensure_dataset(spec: DatasetSpec, collabs: DemoCollaborations) -> Dataset:
    """Create it, or put back the demo's values (the service audits only real changes)."""
    actor = collabs.contacts[spec.owner]
    values = _values(spec, collabs)
    dataset = Dataset.objects.filter(slug=spec.slug).first()
    if dataset is None:
        return create_dataset(
            actor=actor, owner=collabs.organisations[spec.owner], slug=spec.slug, **values
        )
    return update_dataset(actor=actor, dataset=dataset, **values)


def _publish(
    spec: DatasetSpec,
    version: VersionSpec,
    dataset: Dataset,
    actor: Any,
    folder: Path,
    con: duckdb.DuckDBPyConnection,
) -> DatasetVersion:
    raw = folder / version.source_name
    pq.write_table(version.table(), raw, compression="zstd")
    schema = infer_schema(raw, fmt="parquet", con=con)
    for column in schema["fields"]:
        if column["name"] in spec.fields:
            column["description"] = spec.fields[column["name"]]
    report = validate(raw, schema, fmt="parquet", con=con)
    for task in report.get("tasks", []):
        # The report names the temporary file: name the source instead.
        task["place"] = version.source_name
    # Stored as an upload's version is: every column cast to its schema type by DuckDB
    # (datetimes become UTC timestamps without a zone, as ingest writes them).
    types = [str(t) for t in con.read_parquet(str(raw)).dtypes]
    path = folder / f"typed-{version.source_name}"
    select = typed_select(raw, schema, fmt="parquet", column_types=types)
    con.execute(
        f"COPY ({select}) TO {lit(str(path))} "
        "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)"
    )
    return publish_parquet(
        actor=actor,
        dataset=dataset,
        parquet=path,
        schema=schema,
        report=report,
        source_name=version.source_name,
        source_format="parquet",
        detected={"format": "parquet"},
    )
