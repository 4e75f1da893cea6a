"""The privacy engine's exact aggregates computed by Spark.

The statements are the ones `privacy/engine/sql.py` built for DuckDB (one AST), rendered for
Spark by `spark_sql`. Spark reads the version's Parquet where it is (`location`: a path the
executors can read, or an `s3a://` URL: dataplane/spark_source.py) and answers only the
small per-(cell, contributor) and per-cell tables; the disclosure rules and the noise then
run in this process exactly as after DuckDB.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlglot import exp

from datacollab.dataplane import spark, spark_source, spark_sql
from datacollab.privacy.engine import sql
from datacollab.privacy.engine.query import Scalar
from datacollab.privacy.engine.spec import TableSpec


def collect(frame: Any) -> list[tuple[Any, ...]]:
    """A DataFrame's rows as tuples, through Arrow: timestamps arrive in UTC, aware when the
    column is (`collect()` would turn them into naive local times)."""
    table = frame.toArrow()
    columns = [column.to_pylist() for column in table.columns]
    return list(zip(*columns, strict=True)) if columns else []


def fetch(
    location: str, statements: sql.Statements, table: TableSpec
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]] | None]:
    """The per-(cell, contributor) rows and, with DP, the bounded per-cell rows."""
    session = spark.session()
    suffix = uuid.uuid4().hex
    names = {sql.SOURCE: f"source_{suffix}", sql.BASE: f"privacy_base_{suffix}"}
    spark_source.read(location, row_index=False).createOrReplaceTempView(names[sql.SOURCE])
    base = None
    try:
        # The one scan of the file, kept in memory for the two small statements after it.
        base = session.sql(
            spark_sql.render(statements.base, table, names), args=list(statements.parameters)
        ).cache()
        base.createOrReplaceTempView(names[sql.BASE])
        per_contributor = collect(
            session.sql(spark_sql.render(statements.contributors, table, names))
        )
        bounded = (
            collect(session.sql(spark_sql.render(statements.bounded, table, names)))
            if statements.bounded is not None
            else None
        )
    finally:
        if base is not None:
            base.unpersist()
        session.catalog.dropTempView(names[sql.BASE])
        session.catalog.dropTempView(names[sql.SOURCE])
    return per_contributor, bounded


def fetch_all(
    location: str,
    statements: Sequence[tuple[exp.Expression, Sequence[Scalar]]],
    table: TableSpec,
) -> list[list[tuple[Any, ...]]]:
    """Each statement's rows, read from the version's Parquet where it is (the quantiles'
    histograms: privacy/engine/quantile.py)."""
    session = spark.session()
    names = {sql.SOURCE: f"source_{uuid.uuid4().hex}"}
    spark_source.read(location, row_index=False).createOrReplaceTempView(names[sql.SOURCE])
    try:
        return [
            collect(session.sql(spark_sql.render(statement, table, names), args=list(parameters)))
            for statement, parameters in statements
        ]
    finally:
        session.catalog.dropTempView(names[sql.SOURCE])
