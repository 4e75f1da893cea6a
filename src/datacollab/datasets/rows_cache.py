"""The rows API's per-process DuckDB: kept between requests, with hot versions in memory.

A version's Parquet file never changes, so a process may keep what it read from it:
- one in-memory DuckDB database per process (each thread reads through its own cursor), with
  the Parquet metadata cache on, so a footer is parsed once, not per request;
- the versions read most recently as DuckDB tables in memory, within
  DATASETS_ROWS_CACHE_MB per process (least recently used dropped first): a page is then a
  lookup in memory (about a millisecond) instead of decompressing a row group of the file;
- beside each such table, the same rows as an Arrow table when every column is of a plain
  type (numbers, text, booleans, dates, times without a zone): a page in file order, neither
  filtered nor sorted (the first page, or any page by offset), is then a slice of it (about
  0.2 ms for 100 rows) instead of a DuckDB query (about 1.3 ms: parsing, planning and the
  scan of a row group cost more than the page). Filtered and sorted pages stay with DuckDB,
  which answers them faster than a scan of the Arrow table would;
- the totals of filtered queries, which otherwise scan the file for every page.

Only the stored file itself (local storage) is kept; a temporary copy from S3 is read once
with a private connection. Keys hold the file's size and modification time, so a file
replaced in place (it should never be) is never answered from an old copy.
"""

from __future__ import annotations

import collections
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings

# The row's position in the file, as a column of a table held in memory. A schema that names
# a column so is read from the file instead (see `hot_table`).
POSITION = "__datacollab_row"
# DuckDB holds about this many bytes per cell of a table in memory (measured: 73 MB for
# 1,000,000 rows of 7 columns); the estimate decides what fits in the budget.
BYTES_PER_CELL = 12
TOTALS_KEPT = 4096

_lock = threading.Lock()
_database: duckdb.DuckDBPyConnection | None = None
_local = threading.local()


@dataclass(frozen=True)
class Hot:
    """A version held in memory: its DuckDB table and, for plain columns, its Arrow table."""

    table: str
    arrow: pa.Table | None
    size: int


_tables: collections.OrderedDict[tuple[Any, ...], Hot] = collections.OrderedDict()
_totals: collections.OrderedDict[tuple[Any, ...], int] = collections.OrderedDict()
_names = iter(range(1, 2**62))


def _file_key(parquet: Path) -> tuple[Any, ...]:
    stat = parquet.stat()
    return (str(parquet), stat.st_size, stat.st_mtime_ns)


def cursor() -> duckdb.DuckDBPyConnection:
    """This thread's cursor on the process's database (made at first use, after a fork)."""
    global _database
    con = getattr(_local, "cursor", None)
    if con is not None:
        return con
    with _lock:
        if _database is None:
            _database = duckdb.connect()
            _database.execute("SET parquet_metadata_cache = true")
            # One thread per query: the app runs several processes (and threads) already,
            # and a page of a kept version is too small to share out.
            _database.execute("SET threads = 1")
        con = _database.cursor()
    # Times with a zone come back in UTC, whatever the server's.
    con.execute("SET TimeZone = 'UTC'")
    _local.cursor = con
    return con


def _budget() -> int:
    return int(getattr(settings, "DATASETS_ROWS_CACHE_MB", 256)) * 1024 * 1024


def plain(arrow_type: pa.DataType) -> bool:
    """Whether Arrow gives this type's values to Python as DuckDB does (rows.py converts both
    the same way): anything else is read through DuckDB only."""
    return (
        pa.types.is_integer(arrow_type)
        or pa.types.is_floating(arrow_type)
        or pa.types.is_boolean(arrow_type)
        or pa.types.is_string(arrow_type)
        or pa.types.is_large_string(arrow_type)
        or pa.types.is_date32(arrow_type)
        # Without a zone (DuckDB gives zoned times in UTC, Arrow in the file's zone) and to
        # the microsecond (Python's datetime holds no nanoseconds).
        or (
            pa.types.is_timestamp(arrow_type)
            and arrow_type.tz is None
            and arrow_type.unit in ("s", "ms", "us")
        )
    )


def _arrow(parquet: Path, columns: list[str]) -> pa.Table | None:
    schema = pq.read_schema(parquet)
    if not set(columns) <= set(schema.names):
        return None
    if not all(plain(schema.field(name).type) for name in columns):
        return None
    return pq.read_table(parquet, columns=columns)


def hot_table(con: duckdb.DuckDBPyConnection, parquet: Path, columns: list[str]) -> Hot | None:
    """The version's rows held in memory (loaded now if they fit), or None: read the file.
    The DuckDB table has the file's columns, plus POSITION (0, 1, 2, ... in file order), its
    rows stored in file order; the Arrow table (when kept) has `columns` in file order."""
    budget = _budget()
    if budget <= 0 or POSITION in columns:
        return None
    key = _file_key(parquet)
    with _lock:
        if key in _tables:
            _tables.move_to_end(key)
            return _tables[key]
        metadata = pq.read_metadata(parquet)
        estimate = metadata.num_rows * (metadata.num_columns + 1) * BYTES_PER_CELL
        if estimate > budget:
            return None
        # Room for the Arrow copy too (about as large) when both fit; else the DuckDB table.
        with_arrow = 2 * estimate <= budget
        need = 2 * estimate if with_arrow else estimate
        while _tables and sum(h.size for h in _tables.values()) + need > budget:
            _old, old = _tables.popitem(last=False)
            con.execute(f'DROP TABLE IF EXISTS "{old.table}"')
        name = f"version_rows_{next(_names)}"
        # Loaded under the lock: two requests for a cold file load it once.
        con.execute(
            f'CREATE TABLE "{name}" AS SELECT *, file_row_number AS "{POSITION}" '  # noqa: S608
            f"FROM read_parquet(?) ORDER BY file_row_number",
            [str(parquet)],
        )
        arrow = _arrow(parquet, columns) if with_arrow else None
        hot = Hot(name, arrow, estimate + (arrow.nbytes if arrow is not None else 0))
        _tables[key] = hot
        return hot


def cached_total(parquet: Path, where: str, params: list[Any], count: Callable[[], int]) -> int:
    key = (*_file_key(parquet), where, tuple(map(repr, params)))
    with _lock:
        if key in _totals:
            _totals.move_to_end(key)
            return _totals[key]
    total = count()
    with _lock:
        _totals[key] = total
        while len(_totals) > TOTALS_KEPT:
            _totals.popitem(last=False)
    return total
