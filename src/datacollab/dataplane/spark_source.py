"""How Spark reads a version: its Parquet where it is, with the file's row order.

- A path (local storage, or a folder every executor mounts): Spark's own Parquet reader.
- `s3a://bucket/key` (S3-compatible storage): Spark's S3A connector needs the hadoop-aws
  jar and the AWS SDK bundle, which pyspark does not ship and this project cannot fetch
  (Maven is not reachable from its machines). Instead a Python data source
  (`pyspark.sql.datasource`, Spark 4) reads the object's row groups with pyarrow's
  S3 filesystem *inside the executors*: one partition per row group, only the columns
  asked for, nothing copied through the web host. The driver reads the footer only (the
  schema and the row groups' sizes).

Either way the frame has a `ROW_INDEX` column: the row's position in the file (DuckDB's
`file_row_number`), which the rows query pages and breaks ties by.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from pyspark.sql.datasource import DataSource, DataSourceReader, InputPartition

from datacollab.dataplane import spark

ROW_INDEX = "__datacollab_row_index"
FORMAT = "datacollab_s3_parquet"
# Option names Spark's default `spark.redaction.regex` hides from plans and logs.
_ACCESS_KEY, _SECRET = "aws.access.key", "aws.secret"


def read(location: str, *, row_index: bool = True) -> Any:
    """A DataFrame of the version's columns and (`row_index`) its ROW_INDEX."""
    session = spark.session()
    if not location.startswith("s3a://"):
        from pyspark.sql import functions as F

        frame = session.read.parquet(location)
        if not row_index:
            return frame
        return frame.select("*", F.col("_metadata.row_index").alias(ROW_INDEX))
    import pyarrow as pa
    import pyarrow.parquet as pq
    from pyspark.sql.pandas.types import from_arrow_schema

    options = _s3_options(location)
    with _filesystem(options).open_input_file(_object(location)) as handle:
        metadata = pq.ParquetFile(handle).metadata
    arrow_schema = metadata.schema.to_arrow_schema().append(pa.field(ROW_INDEX, pa.int64()))
    starts, offset = [], 0
    for i in range(metadata.num_row_groups):
        starts.append(str(offset))
        offset += metadata.row_group(i).num_rows
    _register(session)
    return (
        session.read.format(FORMAT)
        .schema(from_arrow_schema(arrow_schema))
        .options(**options, location=location, starts=",".join(starts))
        .load()
    )


def _s3_options(location: str) -> dict[str, str]:
    """The endpoint and credentials the web process's version storage uses (django-storages'
    settings, else boto's environment variables), handed to the executors as options whose
    names Spark redacts."""
    from datacollab.datasets import storage

    stored = storage.version_storage()
    return {
        "endpoint": getattr(stored, "endpoint_url", None)
        or os.environ.get("AWS_S3_ENDPOINT_URL", ""),
        "region": getattr(stored, "region_name", None)
        or os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
        _ACCESS_KEY: getattr(stored, "access_key", None) or os.environ.get("AWS_ACCESS_KEY_ID", ""),
        _SECRET: getattr(stored, "secret_key", None) or os.environ.get("AWS_SECRET_ACCESS_KEY", ""),
    }


def _object(location: str) -> str:
    parts = urlsplit(location)
    return f"{parts.netloc}/{parts.path.lstrip('/')}"


def _filesystem(options: dict[str, str]) -> Any:
    from pyarrow import fs

    endpoint = urlsplit(options["endpoint"]) if options.get("endpoint") else None
    return fs.S3FileSystem(
        access_key=options.get(_ACCESS_KEY) or None,
        secret_key=options.get(_SECRET) or None,
        region=options.get("region") or None,
        endpoint_override=endpoint.netloc if endpoint else None,
        scheme=endpoint.scheme if endpoint else "https",
    )


_registered: set[int] = set()


def _register(session: Any) -> None:
    if id(session) not in _registered:
        # The executors' Python workers receive the reader's code itself (pickled by value),
        # so they need pyarrow but not this project installed.
        from pyspark import cloudpickle

        cloudpickle.register_pickle_by_value(sys.modules[__name__])
        session.dataSource.register(S3Parquet)
        _registered.add(id(session))


class S3Parquet(DataSource):
    @classmethod
    def name(cls) -> str:
        return FORMAT

    def reader(self, schema: Any) -> DataSourceReader:
        return _Reader(dict(self.options), [f.name for f in schema.fields])


class _RowGroup(InputPartition):
    def __init__(self, index: int, start: int) -> None:
        super().__init__(index)
        self.index, self.start = index, start


class _Reader(DataSourceReader):
    def __init__(self, options: dict[str, str], columns: list[str]) -> None:
        self.options, self.columns = options, columns

    def partitions(self) -> list[InputPartition]:
        starts = [int(s) for s in self.options["starts"].split(",") if s]
        return [_RowGroup(i, start) for i, start in enumerate(starts)]

    def read(self, partition: InputPartition) -> Iterator[Any]:
        # Runs in an executor's Python worker: it opens the object itself.
        import pyarrow as pa
        import pyarrow.parquet as pq

        assert isinstance(partition, _RowGroup)
        wanted = [c for c in self.columns if c != ROW_INDEX]
        with _filesystem(self.options).open_input_file(_object(self.options["location"])) as f:
            group = pq.ParquetFile(f).read_row_group(partition.index, columns=wanted)
        positions = pa.array(range(partition.start, partition.start + group.num_rows), pa.int64())
        table = group.append_column(ROW_INDEX, positions).select(self.columns)
        yield from table.to_batches()
