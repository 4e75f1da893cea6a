"""`datacollab demo --large`: millions of Data Cargo sensor rows, the pooled data's latest version.

The rows come from `ecargo.write_large` (fixed seed, numpy, written to Parquet a chunk at a
time) and are published as an upload's version is: schema inferred, validated, every column
cast to its schema type by DuckDB, then `publish_parquet`. The lattice pattern of the new
version is computed and stored last, so a planner's first query reads it at once. Running it
again with the same number of rows does nothing. The open zone summaries stay those of the
small demo table.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from datacollab.datasets.models import Dataset, DatasetVersion
from datacollab.datasets.services.versions import publish_parquet
from datacollab.datasets.validation import connect, infer_schema, typed_select, validate
from datacollab.datasets.validation.sql import lit
from datacollab.demo import ecargo
from datacollab.demo.datasets import SENSOR_FIELDS
from datacollab.privacy.engine import TableSpec
from datacollab.privacy.models import ProtectionSettings
from datacollab.privacy.patterns import lattice_pattern
from datacollab.privacy.services import engine_protection

SENSORS = "data-cargo-sensors"


@dataclass(frozen=True)
class LargeBuild:
    version: DatasetVersion
    built: bool  # False: the version was already there
    seconds: float


def source_name(rows: int) -> str:
    return f"ecargo-trips-2021-03-large-{rows}.parquet"


def ensure_large_sensors(*, rows: int = ecargo.LARGE_ROWS, console: Console) -> LargeBuild:
    """Publish `rows` generated trips as the sensors' latest version, unless already there."""
    started = time.perf_counter()
    dataset = Dataset.objects.get(slug=SENSORS)
    latest = dataset.versions.order_by("-number").first()
    if latest is not None and latest.source_name == source_name(rows):
        return LargeBuild(latest, False, time.perf_counter() - started)
    actor = dataset.owner.memberships.order_by("pk").first().user  # type: ignore[union-attr]
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn()]
    with (
        tempfile.TemporaryDirectory(prefix="datacollab-demo-large-") as folder,
        Progress(*columns, TimeElapsedColumn(), console=console) as progress,
    ):
        raw = Path(folder) / source_name(rows)
        generating = progress.add_task("Generating trips", total=rows)
        ecargo.write_large(
            raw, rows=rows, progress=lambda done: progress.update(generating, completed=done)
        )
        steps = progress.add_task("Validating and publishing", total=4)
        con = connect()
        try:
            schema = infer_schema(raw, fmt="parquet", con=con)
            for column in schema["fields"]:
                column["description"] = SENSOR_FIELDS.get(column["name"], "")
            progress.advance(steps)
            report = validate(raw, schema, fmt="parquet", con=con)
            progress.advance(steps)
            types = [str(t) for t in con.read_parquet(str(raw)).dtypes]
            typed = Path(folder) / f"typed-{raw.name}"
            select = typed_select(raw, schema, fmt="parquet", column_types=types)
            con.execute(
                f"COPY ({select}) TO {lit(str(typed))} "
                "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)"
            )
            progress.advance(steps)
        finally:
            con.close()
        version = publish_parquet(
            actor=actor,
            dataset=dataset,
            parquet=typed,
            schema=schema,
            report=report,
            source_name=raw.name,
            source_format="parquet",
            detected={"format": "parquet"},
        )
        settings = ProtectionSettings.objects.filter(dataset=dataset).first()
        if settings is not None:
            lattice_pattern(
                version=version,
                table=TableSpec.from_table_schema(version.schema),
                protection=engine_protection(settings),
            )
        progress.advance(steps)
    return LargeBuild(version, True, time.perf_counter() - started)
