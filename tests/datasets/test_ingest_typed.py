"""The typed Parquet a version stores holds the values validation read, cell by cell."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow.parquet as pq
from dateutil.parser import isoparse

from datacollab.datasets.validation import connect, typed_select

DATETIMES = [
    "2021-03-04 05:06:07",
    "2021-03-04T05:06:07",
    "2021-03-04T05:06:07.5",
    "2021-03-04T05:06:07.123456",
    "2021-03-04T05:06:07Z",
    "2021-03-04T05:06:07.25Z",
    "2021-03-04T05:06:07+05:30",
    "2021-03-04T05:06:07.123-02:00",
    "2021-12-31T23:59:59-00:00",
    "2021-03-04T05:06:07,5",  # the exact rule, not the fast path
    "2021-03-04T24:00:00",
]


def _utc(cell: str) -> dt.datetime:
    """The reading frictionless gives (dateutil), as the UTC wall clock Parquet stores."""
    value = isoparse(cell.replace(",", "."))
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def test_typed_parquet_holds_every_datetime_spelling_as_utc(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("at\n" + "".join(f'"{cell}"\n' for cell in DATETIMES), encoding="utf-8")
    schema = {"fields": [{"name": "at", "type": "datetime"}]}
    sql = typed_select(path, schema, fmt="csv")
    con = connect()

    con.execute(f"COPY ({sql}) TO '{tmp_path / 'out.parquet'}' (FORMAT parquet)")

    assert pq.read_table(tmp_path / "out.parquet").column("at").to_pylist() == [
        _utc(cell) for cell in DATETIMES
    ]
