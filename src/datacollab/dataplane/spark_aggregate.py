"""The privacy engine's exact aggregates computed by Spark.

The statements are the ones `privacy/engine/sql.py` built for DuckDB (one AST), rendered for
Spark by `spark_sql`. Spark reads the version's Parquet where it is (`location`: a path the
executors can read, or an `s3a://` URL: dataplane/spark_source.py) and answers only the
small per-(cell, contributor) and per-cell tables; the disclosure rules and the noise then
run in this process exactly as after DuckDB.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
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


class _SparkReader:
    """run.Reader on Spark: statements rendered by spark_sql against this reading's views."""

    def __init__(self, session: Any, table: TableSpec, location: str) -> None:
        self.session, self.table = session, table
        # Names of this reading alone: other requests read other files in the same session.
        self.suffix = uuid.uuid4().hex
        self.names = {sql.SOURCE: f"source_{self.suffix}"}
        self.kept: list[Any] = []
        spark_source.read(location, row_index=False).createOrReplaceTempView(self.names[sql.SOURCE])

    def keep(self, name: str, statement: exp.Expression, parameters: Sequence[Scalar]) -> None:
        # Kept in memory for the statements after it: the file is scanned once.
        frame = self.session.sql(
            spark_sql.render(statement, self.table, self.names), args=list(parameters)
        ).cache()
        self.kept.append(frame)
        self.names[name] = f"{name}_{self.suffix}"
        frame.createOrReplaceTempView(self.names[name])

    def rows(
        self, statement: exp.Expression, parameters: Sequence[Scalar] = ()
    ) -> list[tuple[Any, ...]]:
        return collect(
            self.session.sql(
                spark_sql.render(statement, self.table, self.names), args=list(parameters)
            )
        )


@contextmanager
def reader(location: str, table: TableSpec) -> Iterator[_SparkReader]:
    """The version's Parquet where it is, as the view the statements name `sql.SOURCE`; the
    views and kept tables go when the reading ends (privacy/engine/run.py's `reader`)."""
    session = spark.session()
    on_spark = _SparkReader(session, table, location)
    try:
        yield on_spark
    finally:
        for frame in on_spark.kept:
            frame.unpersist()
        for view in reversed(on_spark.names.values()):
            session.catalog.dropTempView(view)
