"""The privacy engine's SQLGlot statements, adjusted so Spark computes what DuckDB computes.

`privacy/engine/sql.py` builds one AST; `render(statement, "spark")` is enough for most of
it, and this module rewrites the few nodes where the two engines' functions differ:
- `hash(...)`: DuckDB's is 64-bit, Spark's `hash` only 32-bit (about a hundred unit
  collisions among a million units); `xxhash64` keeps the collisions as rare as DuckDB's.
  It only groups rows by unit, where the two engines need not agree on the number;
- the portable hash that chooses which cells and rows a unit keeps (sql.py's
  `PortableHash`): the same MD5 hex digits, read with `conv` instead of DuckDB's `0x` cast,
  and `epoch_us` (the text form of a time) as `unix_micros`, so both engines keep the same
  cells and rows when the bounds bind;
- the ISO day of the week: SQLGlot renders `(DAYOFWEEK(x) % 7) + 1`, which numbers Sunday 2;
  Spark's `WEEKDAY(x)` is 0 for Monday, so `WEEKDAY(x) + 1` is DuckDB's `isodow`;
- truncating a date column: both return a timestamp, DuckDB's without a time zone, Spark's
  with the session's (UTC); a cast to `TIMESTAMP_NTZ` makes them the same naive midnight;
- the table names, so that concurrent queries in one SparkSession use their own views.
"""

from __future__ import annotations

from sqlglot import exp

from datacollab.privacy.engine import sql
from datacollab.privacy.engine.spec import TableSpec


def for_spark(
    statement: exp.Expression, table: TableSpec | None, names: dict[str, str]
) -> exp.Expression:
    """A copy of `statement` for Spark, with the tables in `names` renamed."""

    def rewrite(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Anonymous) and str(node.this).lower() == "hash":
            return exp.Anonymous(this="xxhash64", expressions=[e.copy() for e in node.expressions])
        if isinstance(node, sql.PortableHash):
            # The replacement's own nodes are not visited again: rewrite its text first.
            text = node.this.copy().transform(rewrite, copy=False)
            return sql.spark_hash(sql.PortableHash(this=text))
        if isinstance(node, exp.Anonymous) and str(node.this).lower() == "epoch_us":
            # A truncated date is TIMESTAMP_NTZ here; the session's zone is UTC (spark.py),
            # so the cast reads it as DuckDB's epoch_us does.
            moment = exp.Cast(this=node.expressions[0].copy(), to=exp.DataType.build("TIMESTAMP"))
            return exp.Anonymous(this="unix_micros", expressions=[moment])
        if isinstance(node, exp.DayOfWeekIso):
            weekday = exp.Anonymous(this="weekday", expressions=[node.this.copy()])
            return exp.paren(exp.Add(this=weekday, expression=exp.Literal.number(1)))
        if isinstance(node, exp.TimestampTrunc) and _is_date(node.this, table):
            return exp.Cast(
                this=node.copy(), to=exp.DataType.build("TIMESTAMP_NTZ", dialect="spark")
            )
        if isinstance(node, exp.Table) and node.name in names:
            return exp.to_table(names[node.name])
        return node

    return statement.copy().transform(rewrite, copy=False)


def render(statement: exp.Expression, table: TableSpec | None, names: dict[str, str]) -> str:
    return for_spark(statement, table, names).sql(dialect="spark")


def _is_date(node: exp.Expression, table: TableSpec | None) -> bool:
    if table is None or not isinstance(node, exp.Column):
        return False
    spec = table.column(node.name)
    return spec is not None and spec.type == "date"
