"""The arrow scan: a CSV read by Arrow's reader and proven good in bulk, row batch by
row batch, with only the rows not proven left to the exact SQL.

The DuckDB scan (engine.py) evaluates every rule as SQL over every cell; most of its time
goes into reading each cell as its type. Here Arrow's CSV reader splits the file (on one
thread, beside the byte scan of records.py and the batch checks), the bulk proofs of
bulk.py clear nearly every row with a few vectorised kernels per column, and the rows
they do not clear (suspects: a cell not proven, a short or long record, a blank row) go
through the very SQL of the DuckDB scan, as the suspects of that scan do. The tables it
leaves are those of the DuckDB scan: the rows view (_j, keys) and the broken rows' table
(_j, _cells, _flags), so the report is built by the same code.

It is used only where it reads the file as DuckDB does: UTF-8 text, a one-byte delimiter,
no initial spaces to skip, a header, every field with a bulk proof, and plain quoting
(records.py checks it in the byte scan that runs anyway, so a file that turns out not to
be plain is scanned again by DuckDB). Records are numbered as DuckDB numbers them: Arrow's
reader, on one thread, numbers the records it cannot use (too few or too many cells) the
same way, empty lines skipped; those are read back by Python's csv module, as
frictionless reads them, and are suspects.
"""

# ruff: noqa: S608 -- this module writes SQL; every value in it goes through sql.lit/ident.

from __future__ import annotations

import uuid
from bisect import bisect_right
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from datacollab.datasets.validation.bulk import FieldProver, field_prover
from datacollab.datasets.validation.records import RecordMap, read_records

if TYPE_CHECKING:
    from datacollab.datasets.validation.checks import Plan
    from datacollab.datasets.validation.source import Source

# Arrow's read block; a record longer than this makes the reader fail, and DuckDB reads
# the file instead.
_BLOCK = 1 << 22
# Records Arrow cannot use are read back one by one: beyond this many, DuckDB scans.
_MAX_ODD_RECORDS = 10_000
# Batches read but not yet proven, at most.
_IN_FLIGHT = 4


class NotPlain(Exception):
    """The file is not one the arrow scan reads as DuckDB does: scan it with DuckDB."""


def provers(src: Source, plan: Plan) -> list[FieldProver] | None:
    """A bulk proof per field when the arrow scan can read this file, else None."""
    if not src.is_text or src.encoding != "utf-8" or src.skip_initial_space:
        return None
    if len(src.delimiter.encode()) != 1 or plan.n < 2 or not src.labels:
        return None
    keyed = set(plan.keys.values())
    found = []
    for i, f in enumerate(plan.fields, start=1):
        prover = field_prover(f, need_value=i in keyed)
        if prover is None:
            return None
        found.append(prover)
    return found


@dataclass
class _Batch:
    """One batch's outcome: per row whether it is proven good, and the keys."""

    rows: int
    good: np.ndarray
    keys: list[pa.Array]
    suspects: pa.RecordBatch | None = None


@dataclass
class Scanned:
    """The arrow scan's outcome: the suspect rows and their ordinals among the records
    Arrow used, the ordinals and key values of the good rows, and the numbers of the
    records Arrow could not use."""

    ordinals: np.ndarray  # record ordinal (0 = first usable record) of each suspect
    suspects: pa.Table
    good_ordinals: np.ndarray
    keys: list[pa.Array]
    odd: list[int] = field(default_factory=list)  # DuckDB record numbers (1 = header)
    good_count: int = 0
    header_good: bool = False  # the first record (the header) is among the good rows


def read(src: Source, plan: Plan, checks: list[FieldProver]) -> Scanned:
    """Read and prove the whole file; raise NotPlain when Arrow cannot read it."""
    names = [f"c{i}" for i in range(1, plan.n + 1)]
    odd: list[int] = []

    def invalid(row: pacsv.InvalidRow) -> str:
        if row.number is None or len(odd) >= _MAX_ODD_RECORDS:
            raise NotPlain
        odd.append(int(row.number))
        return "skip"

    try:
        reader = pacsv.open_csv(
            src.path,
            read_options=pacsv.ReadOptions(
                column_names=names, use_threads=False, block_size=_BLOCK
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=src.delimiter,
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=True,
                ignore_empty_lines=True,
                invalid_row_handler=invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        key_fields = list(plan.keys.values())
        blank = not any(f.required for f in plan.fields)
        # Arrow's reader runs on this thread; the batches are proven on two others, a few
        # at a time (the reader waits rather than hold the file in memory).
        done: list[_Batch] = []
        with ThreadPoolExecutor(max_workers=2) as pool:
            pending: deque[Future[_Batch]] = deque()
            for batch in reader:
                pending.append(pool.submit(_prove, batch, checks, key_fields, blank))
                if len(pending) > _IN_FLIGHT:
                    done.append(pending.popleft().result())
            done += [future.result() for future in pending]
    except (pa.ArrowException, NotPlain) as error:
        # A record longer than a block, bytes that are not UTF-8, too many odd records.
        raise NotPlain from error
    return _gather(done, plan, odd)


def _prove(
    batch: pa.RecordBatch, checks: list[FieldProver], key_fields: list[int], blank: bool
) -> _Batch:
    good = np.ones(batch.num_rows, dtype=bool)
    every_missing = np.ones(batch.num_rows, dtype=bool) if blank else None
    values: dict[int, pa.Array | None] = {}
    for i, check in enumerate(checks, start=1):
        cell_good, value, missing = check.prove(batch.column(i - 1))
        good &= cell_good
        if every_missing is not None:
            every_missing &= missing
        if i in key_fields:
            values[i] = value
    if every_missing is not None:
        # A blank row: every cell missing, which no required field can hide.
        good &= ~every_missing
    keys = [values[i] for i in key_fields]  # type: ignore[misc]
    suspects = batch.filter(pa.array(~good)) if not good.all() else None
    return _Batch(batch.num_rows, good, keys, suspects)


def _gather(done: list[_Batch], plan: Plan, odd: list[int]) -> Scanned:
    ordinals, suspects, good_ordinals = [], [], []
    keys: list[list[pa.Array]] = [[] for _ in plan.keys]
    base = good_count = 0
    for batch in done:
        numbers = np.arange(base, base + batch.rows, dtype=np.int64)
        good_count += int(batch.good.sum())
        if plan.keys:
            # The good rows' numbers matter for their keys only: without keys, a count.
            good_ordinals.append(numbers[batch.good])
            selected = pa.array(batch.good)
            for k, value in enumerate(batch.keys):
                keys[k].append(value.filter(selected))
        if batch.suspects is not None:
            ordinals.append(numbers[~batch.good])
            suspects.append(batch.suspects)
        base += batch.rows
    names = [f"c{i}" for i in range(1, plan.n + 1)]
    schema = pa.schema([(name, pa.string()) for name in names])
    return Scanned(
        ordinals=np.concatenate(ordinals) if ordinals else np.zeros(0, np.int64),
        suspects=pa.Table.from_batches(suspects, schema=schema),
        good_ordinals=np.concatenate(good_ordinals) if good_ordinals else np.zeros(0, np.int64),
        keys=[pa.concat_arrays(parts) if parts else pa.array([]) for parts in keys],
        odd=sorted(odd),
        good_count=good_count,
        header_good=bool(done and done[0].rows and done[0].good[0]) and 1 not in odd,
    )


def record_numbers(ordinals: np.ndarray, odd: list[int]) -> np.ndarray:
    """DuckDB's record number (1 = header) of each usable record ordinal: the ordinal-th
    number that is not an odd record's."""
    if not odd:
        return ordinals + 1
    skipped = np.asarray(odd, dtype=np.int64)
    before = skipped - np.arange(len(skipped)) - 1  # usable records before each odd one
    return ordinals + 1 + np.searchsorted(before, ordinals, side="right")


@dataclass
class Tables:
    """What the engine needs from a scan: the rows view and the broken rows' table."""

    rows: str
    bad: str


def build(
    con: duckdb.DuckDBPyConnection,
    src: Source,
    plan: Plan,
    scanned: Scanned,
    records: RecordMap,
    name: Callable[..., str],
    headless: bool = False,
) -> Tables:
    """The rows view and the broken rows' table in DuckDB, as engine.scan leaves them."""
    first = 0 if headless else 1
    width = plan.width
    numbers = record_numbers(scanned.ordinals, scanned.odd)
    columns: dict[str, pa.Array] = {"_j": pa.array(numbers, pa.int64())}
    for i in range(1, width + 1):
        if i <= plan.n:
            columns[f"c{i}"] = scanned.suspects.column(i - 1).combine_chunks()
        else:
            columns[f"c{i}"] = pa.nulls(len(numbers), pa.string())
    suspects = pa.table(columns)
    odd = _odd_rows(src, plan, scanned.odd, records)
    if odd is not None:
        suspects = pa.concat_tables([suspects, odd])
    tag = uuid.uuid4().hex[:12]
    kept, good = f"dc_arrow_kept_{tag}", f"dc_arrow_good_{tag}"
    bad, rows = name("bad"), name("rows", view=True)
    cells = [f"c{i}" for i in range(1, width + 1)]
    flags = [f"f{q}" for q in range(len(plan.checks))]
    key_list = "".join(f", {key}" for key in plan.keys)
    flagged = ", ".join(
        ["_j", *cells, *plan.key_sql()]
        + [f"{check.sql} AS f{q}" for q, check in enumerate(plan.checks)]
    )
    base = f"(SELECT _j, {', '.join(cells)} FROM {kept} WHERE _j > {first})"
    con.register(kept, suspects)
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {bad} AS "
            f"SELECT _j, [{', '.join(cells)}] AS _cells, "
            f"[{', '.join([*flags, plan.blank_sql()])}] AS _flags{key_list} "
            f"FROM (SELECT {flagged} FROM ({plan.layer1(base)}))"
        )
    finally:
        con.unregister(kept)
    if not plan.keys:
        # No key to check: the good rows are only counted (the header left out).
        count = scanned.good_count - (1 if first and scanned.header_good else 0)
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW {rows} AS SELECT NULL::BIGINT AS _j FROM range({count}) "
            f"UNION ALL SELECT _j FROM {bad}"
        )
        return Tables(rows, bad)
    good_columns = {"_j": pa.array(record_numbers(scanned.good_ordinals, scanned.odd))}
    for key, values in zip(plan.keys, scanned.keys, strict=True):
        good_columns[key] = values
    good_table = name("good")
    con.register(good, pa.table(good_columns))
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {good_table} AS SELECT * FROM {good} WHERE _j > {first}"
        )
    finally:
        con.unregister(good)
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {rows} AS SELECT _j{key_list} FROM {good_table} "
        f"UNION ALL SELECT _j{key_list} FROM {bad}"
    )
    return Tables(rows, bad)


def _odd_rows(src: Source, plan: Plan, odd: list[int], records: RecordMap) -> pa.Table | None:
    """The records Arrow could not use, read back as frictionless reads them (their DuckDB
    number is their record number once the empty lines before them are counted)."""
    if not odd:
        return None
    shift = [e - k for k, e in enumerate(records.empties)]
    wanted = {j + bisect_right(shift, j): j for j in odd}
    read = read_records(
        src.path,
        src.encoding,
        src.delimiter,
        sorted(wanted),
        src.skip_initial_space,
        marks=records.marks,
    )
    width = plan.width
    rows = [read[record] for record in sorted(wanted)]
    columns: dict[str, pa.Array] = {
        "_j": pa.array([wanted[record] for record in sorted(wanted)], pa.int64())
    }
    for i in range(1, width + 1):
        columns[f"c{i}"] = pa.array(
            [row[i - 1] if len(row) >= i else None for row in rows], pa.string()
        )
    return pa.table(columns)
