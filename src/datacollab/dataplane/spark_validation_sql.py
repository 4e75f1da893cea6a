"""The SQL and the row layout of Spark validation's worker pass (spark_validation.py).

The checks are the DuckDB scan's own SQL (checks.py, cells.py), written over a table
`dc_parts(_j, parts)` of one batch of lines split into cells.
"""

# ruff: noqa: S608 -- this module writes SQL from the plan's own SQL and generated names.

from __future__ import annotations

import pyarrow as pa

from datacollab.datasets.validation.checks import Plan

# A DuckDB type of a key value -> (Spark type name, Arrow type). TIME has no Spark type:
# its keys travel as text (DuckDB writes a time one way only, so equal times stay equal).
_TYPES: dict[str, tuple[str, pa.DataType]] = {
    "BIGINT": ("bigint", pa.int64()),
    "INTEGER": ("int", pa.int32()),
    "DOUBLE": ("double", pa.float64()),
    "DATE": ("date", pa.date32()),
    "TIMESTAMP": ("timestamp_ntz", pa.timestamp("us")),
    "BOOLEAN": ("boolean", pa.bool_()),
    "VARCHAR": ("string", pa.string()),
    "TIME": ("string", pa.string()),
}


def check_sql(plan: Plan) -> tuple[str, ...]:
    """The DuckDB scan's SQL over a table dc_parts(_j, parts): as engine._Run.scan for text,
    the cheap suspect test over every row, then the exact flags of the suspect rows."""
    n, width = plan.n, plan.width
    cells = [f"c{i}" for i in range(1, width + 1)]
    split = ", ".join(f"parts[{i}] AS c{i}" for i in range(1, width + 1))
    broken = [f"({plan.suspect_sql()})", f"c{n} IS NULL", f"c{n + 1} IS NOT NULL"]
    if not any(check.required for check in plan.checks):
        broken.append(plan.blank_sql())
    scan = ", ".join(["_j", *plan.key_sql(), f"({' OR '.join(broken)}) AS _bad"])
    every = f"(SELECT _j, {split} FROM dc_parts)"
    flagged = ", ".join(
        ["_j", *cells] + [f"{check.sql} AS f{q}" for q, check in enumerate(plan.checks)]
    )
    flags = ", ".join([*(f"f{q}" for q in range(len(plan.checks))), plan.blank_sql()])
    suspects = (
        f"(SELECT p._j, {split} FROM dc_parts AS p SEMI JOIN dc_scan AS s "
        "ON p._j = s._j AND s._bad)"
    )
    keys = [
        f"CAST(s.{k} AS VARCHAR) AS {k}" if plan.cells[i - 1].duck_type == "TIME" else f"s.{k}"
        for k, i in plan.keys.items()
    ]
    return (
        f"CREATE OR REPLACE TEMP TABLE dc_scan AS SELECT {scan} FROM ({plan.layer1(every)})",
        f"CREATE OR REPLACE TEMP TABLE dc_flags AS SELECT _j, [{flags}] AS _flags "
        f"FROM (SELECT {flagged} FROM ({plan.layer1(suspects)}))",
        f"SELECT {', '.join(['s._j', *keys, 's._bad'])}, "
        "CASE WHEN s._bad THEN p.parts END AS _cells, f._flags FROM dc_scan AS s "
        "LEFT JOIN dc_flags AS f ON f._j = s._j "
        "LEFT JOIN dc_parts AS p ON s._bad AND p._j = s._j",
    )


def _key_types(plan: Plan) -> list[tuple[str, str, pa.DataType]]:
    return [(k, *_TYPES[plan.cells[i - 1].duck_type]) for k, i in plan.keys.items()]


def arrow_schema(plan: Plan) -> pa.Schema:
    return pa.schema(
        [("_j", pa.int64())]
        + [(k, arrow) for k, _, arrow in _key_types(plan)]
        + [
            ("_bad", pa.bool_()),
            ("_cells", pa.list_(pa.string())),
            ("_flags", pa.list_(pa.bool_())),
        ]
    )


def spark_schema(plan: Plan) -> str:
    keys = [f"{k} {spark_type}" for k, spark_type, _ in _key_types(plan)]
    return ", ".join(
        ["_j bigint", *keys, "_bad boolean", "_cells array<string>", "_flags array<boolean>"]
    )
