"""The rows API's query on Spark: the same filters, sort, paging, fields and JSON values as
DuckDB's (datasets/rows.py), for versions the chooser routes to Spark.

The query is built with the DataFrame API, never SQL text: the request's values are typed
by `rows.parse_query` and become literals. The file's order is spark_source's ROW_INDEX
(the row's position in its Parquet file; a version is one file), as DuckDB's
`file_row_number` is: unsorted pages come in file order and the file order breaks ties of
a sort, so pages never overlap or skip rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from datacollab.dataplane import spark_source
from datacollab.dataplane.spark_aggregate import collect
from datacollab.datasets import rows

_POSITION = spark_source.ROW_INDEX


def fetch_rows(location: str, schema: Mapping[str, Any], query: rows.RowsQuery) -> rows.RowsPage:
    from pyspark.sql import functions as F

    types = rows._field_types(schema)
    frame = spark_source.read(location)
    frame = frame.select(*[F.col(_name(c)) for c in types], F.col(_POSITION))
    condition = None
    for item in query.filters:
        clause = _clause(F.col(_name(item.column)), item, types[item.column])
        condition = clause if condition is None else condition & clause
    if condition is not None:
        frame = frame.filter(condition)
    total = frame.count()
    order = [
        F.col(_name(c)).desc_nulls_last() if desc else F.col(_name(c)).asc_nulls_last()
        for c, desc in query.sort
    ]
    order.append(F.col(_POSITION).asc())
    if condition is None and not query.sort:
        # A page in file order: the rows by position, so Spark reads only the row groups
        # that hold them.
        position = F.col(_POSITION)
        frame = frame.filter((position >= query.offset) & (position < query.offset + query.limit))
        page = frame.orderBy(*order)
    else:
        page = frame.orderBy(*order).offset(query.offset).limit(query.limit)
    values = collect(page.select(*[F.col(_name(c)) for c in query.fields]))
    converted = [
        dict(zip(query.fields, [rows.json_safe(v) for v in row], strict=True)) for row in values
    ]
    return rows.RowsPage(total=int(total), fields=query.fields, rows=converted)


def _name(column: str) -> str:
    # Backticks make any column name (dots, spaces) one identifier to Spark.
    return "`" + column.replace("`", "``") + "`"


def _clause(column: Any, item: rows.Filter, ftype: str) -> Any:
    from pyspark.sql import functions as F

    native = ftype in rows._ORDERED_TYPES or ftype == "boolean"
    target = column if native else column.cast("string")
    if item.op == "contains":
        return target.contains(F.lit(item.value))
    if item.op == "in":
        return target.isin([_literal(v) for v in item.value])
    value = F.lit(_literal(item.value))
    if item.op == "ne":
        # "not equal" keeps empty cells: NULL differs from any value (IS DISTINCT FROM).
        return ~target.eqNullSafe(value)
    operators = {
        "eq": target.__eq__,
        "gt": target.__gt__,
        "gte": target.__ge__,
        "lt": target.__lt__,
        "lte": target.__le__,
    }
    return operators[item.op](value)


def _literal(value: Any) -> Any:
    # DuckDB reads a time without a zone as UTC (rows.connect sets TimeZone); pyspark would
    # read it in this process's local zone, so it is made explicit here.
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value
