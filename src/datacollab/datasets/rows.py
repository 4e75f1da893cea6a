"""The rows API's query layer: paging, filters, sorting and field selection over one Parquet file.

Pure (no ORM): the caller has already checked access and hands over a local Parquet path and
the version's Table Schema. Identifiers in the SQL come from the schema only (quoted); every
value from the request is a DuckDB parameter. Nothing the user types is ever put in the SQL.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import math
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import orjson
import pyarrow as pa
from django.utils.translation import gettext as _

from datacollab.core.errors import DomainError
from datacollab.datasets import rows_cache

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
# Far past any version's rows (DATASETS_MAX_ROWS_LIMIT) and inside DuckDB's BIGINT: a larger
# offset failed the INT64 conversion (a 500) instead of answering an empty page.
MAX_OFFSET = 10**15
# DuckDB's BIGINT: an integer filter value past it cannot equal any cell.
_INT64 = (-(2**63), 2**63 - 1)
# The virtual column DuckDB adds to every Parquet scan: the row's position in the file.
_FILE_ROW = "file_row_number"
# The row number WITH ORDINALITY gives (from 1) when a column takes the name above.
_ORDINAL = "row_position"
RESERVED = frozenset({"limit", "offset", "sort", "fields"})
OPERATORS = ("eq", "ne", "gt", "gte", "lt", "lte", "contains", "in")
_SQL_OPERATORS = {"eq": "=", "ne": "<>", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
# Types whose values we parse and compare natively; any other type compares as text.
# (yearmonth is stored as text 'YYYY-MM', which sorts as its months do.)
_ORDERED_TYPES = {"integer", "number", "date", "datetime", "time", "year", "yearmonth", "string"}
_INTEGER = re.compile(r"[+-]?\d+")
# More significant digits than any 64-bit integer has: the number is out of range, not malformed.
_INT64_DIGITS = 19
_YEARMONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


class QueryError(DomainError):
    """A bad rows query (400); `parameter` names the query-string key at fault."""

    def __init__(self, message: str, *, parameter: str) -> None:
        super().__init__(message, field=parameter)
        self.parameter = parameter


@dataclass(frozen=True)
class Filter:
    column: str
    op: str
    value: Any  # a typed value, or a list of them for `in`


@dataclass(frozen=True)
class RowsQuery:
    fields: list[str]
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    sort: list[tuple[str, bool]] = field(default_factory=list)  # (column, descending)
    filters: list[Filter] = field(default_factory=list)


@dataclass(frozen=True)
class RowsPage:
    total: int
    fields: list[str]
    # Values `dumps` writes as JSON: floats that are not finite, dates and times as they are.
    rows: list[dict[str, Any]]


def quote(identifier: str) -> str:
    """A DuckDB quoted identifier (double quotes doubled): only ever called on schema names."""
    return '"' + identifier.replace('"', '""') + '"'


def _field_types(schema: Mapping[str, Any]) -> dict[str, str]:
    return {f["name"]: f.get("type", "any") for f in schema.get("fields", [])}


def _parse_int(text: str, *, what: str, parameter: str) -> int:
    if not _INTEGER.fullmatch(text.strip()):
        raise QueryError(
            _("%(parameter)s: “%(value)s” is not a whole number (%(what)s).")
            % {"parameter": parameter, "value": text, "what": what},
            parameter=parameter,
        )
    sign, digits = (-1 if text.strip().startswith("-") else 1), text.strip().lstrip("+-")
    if len(digits.lstrip("0")) > _INT64_DIGITS:
        # A stand-in past every bound the callers check (64-bit, limit, offset), so each says
        # its own "out of range" message; int() of a thousand-digit text is never computed.
        return sign * 10**_INT64_DIGITS
    return int(text)


def _typed(text: str, ftype: str, *, column: str, parameter: str) -> Any:
    """The request's text as the column's type, or a QueryError saying what was expected."""
    try:
        if ftype in ("integer", "year"):
            whole = _parse_int(text, what=_("column %(c)s") % {"c": column}, parameter=parameter)
            if not _INT64[0] <= whole <= _INT64[1]:
                raise QueryError(
                    _("%(parameter)s: %(value)s is beyond the largest whole number stored.")
                    % {"parameter": parameter, "value": text},
                    parameter=parameter,
                )
            return whole
        if ftype == "number":
            number = float(text)
            if not math.isfinite(number):
                raise ValueError(text)
            return number
        if ftype == "boolean":
            lowered = text.strip().lower()
            if lowered in ("true", "1"):
                return True
            if lowered in ("false", "0"):
                return False
            raise ValueError(text)
        if ftype == "date":
            return dt.date.fromisoformat(text)
        if ftype == "datetime":
            return dt.datetime.fromisoformat(text)
        if ftype == "time":
            return dt.time.fromisoformat(text)
        if ftype == "yearmonth":
            if not _YEARMONTH.fullmatch(text.strip()):
                raise ValueError(text)
            return text.strip()
    except ValueError:
        examples = {
            "number": "3.25",
            "boolean": "true",
            "date": "2024-05-31",
            "datetime": "2024-05-31T13:45:00",
            "time": "13:45:00",
            "yearmonth": "2024-05",
        }
        raise QueryError(
            _(
                "%(parameter)s: “%(value)s” is not a valid %(type)s for column %(column)s "
                "(e.g. %(example)s)."
            )
            % {
                "parameter": parameter,
                "value": text,
                "type": ftype,
                "column": column,
                "example": examples.get(ftype, ""),
            },
            parameter=parameter,
        ) from None
    return text


def _split_key(key: str, types: Mapping[str, str]) -> tuple[str, str]:
    """`col` -> (col, eq); `col__op` -> (col, op); a column named with `__` wins as a whole."""
    if key in types:
        return key, "eq"
    column, sep, op = key.rpartition("__")
    if not sep or column not in types:
        raise QueryError(
            _("Unknown column “%(column)s”. Columns: %(columns)s.")
            % {"column": column if sep else key, "columns": ", ".join(types)},
            parameter=key,
        )
    if op not in OPERATORS:
        raise QueryError(
            _("Unknown operator “%(op)s” in %(key)s. Operators: %(ops)s.")
            % {"op": op, "key": key, "ops": ", ".join(OPERATORS)},
            parameter=key,
        )
    return column, op


def _filter(key: str, text: str, types: Mapping[str, str]) -> Filter:
    column, op = _split_key(key, types)
    ftype = types[column]
    if op == "contains" and ftype != "string":
        raise QueryError(
            _("%(key)s: “contains” works on text columns only; %(column)s is %(type)s.")
            % {"key": key, "column": column, "type": ftype},
            parameter=key,
        )
    if op in ("gt", "gte", "lt", "lte") and ftype not in _ORDERED_TYPES:
        raise QueryError(
            _("%(key)s: %(column)s is %(type)s, which has no order; use eq, ne or in.")
            % {"key": key, "column": column, "type": ftype},
            parameter=key,
        )
    if op == "in":
        values = [_typed(v, ftype, column=column, parameter=key) for v in text.split(",")]
        return Filter(column, op, values)
    return Filter(column, op, _typed(text, ftype, column=column, parameter=key))


def _names(text: str, types: Mapping[str, str], *, parameter: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise QueryError(_("%(p)s is empty.") % {"p": parameter}, parameter=parameter)
    for name in names:
        bare = name.removeprefix("-") if parameter == "sort" else name
        if bare not in types:
            raise QueryError(
                _("%(parameter)s: unknown column “%(column)s”. Columns: %(columns)s.")
                % {"parameter": parameter, "column": bare, "columns": ", ".join(types)},
                parameter=parameter,
            )
    return names


def parse_query(schema: Mapping[str, Any], params: Mapping[str, Sequence[str]]) -> RowsQuery:
    """Read a query string (key -> list of values, as `QueryDict.lists()` gives) against a schema.

    Raises QueryError naming the parameter for unknown columns or operators and bad values.
    """
    types = _field_types(schema)
    single: dict[str, str] = {}
    for key in RESERVED & params.keys():
        values = list(params[key])
        if len(values) != 1:
            raise QueryError(_("Give %(p)s once.") % {"p": key}, parameter=key)
        single[key] = values[0]
    limit = DEFAULT_LIMIT
    if "limit" in single:
        limit = _parse_int(single["limit"], what="limit", parameter="limit")
        if not 1 <= limit <= MAX_LIMIT:
            raise QueryError(
                _("limit must be between 1 and %(max)s.") % {"max": MAX_LIMIT}, parameter="limit"
            )
    offset = 0
    if "offset" in single:
        offset = _parse_int(single["offset"], what="offset", parameter="offset")
        if offset < 0:
            raise QueryError(_("offset cannot be negative."), parameter="offset")
        if offset > MAX_OFFSET:
            raise QueryError(
                _("offset must be at most %(max)s.") % {"max": MAX_OFFSET}, parameter="offset"
            )
    fields = list(types)
    if "fields" in single:
        fields = list(dict.fromkeys(_names(single["fields"], types, parameter="fields")))
    sort = []
    if "sort" in single:
        for name in _names(single["sort"], types, parameter="sort"):
            sort.append((name.removeprefix("-"), name.startswith("-")))
    filters = [
        _filter(key, text, types)
        for key, values in params.items()
        if key not in RESERVED
        for text in values
    ]
    return RowsQuery(fields=fields, limit=limit, offset=offset, sort=sort, filters=filters)


def _where(
    query: RowsQuery, types: Mapping[str, str], column_sql: Mapping[str, str]
) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    for f in query.filters:
        column = column_sql[f.column]
        native = types[f.column] in _ORDERED_TYPES or types[f.column] == "boolean"
        target = column if native else f"CAST({column} AS VARCHAR)"
        if f.op == "contains":
            clauses.append(f"contains({target}, ?)")
            params.append(f.value)
        elif f.op == "in":
            clauses.append(f"{target} IN ({', '.join('?' for _ in f.value)})")
            params.extend(f.value)
        elif f.op == "ne":
            # "not equal" keeps empty cells: NULL differs from any value.
            clauses.append(f"{target} IS DISTINCT FROM ?")
            params.append(f.value)
        else:
            clauses.append(f"{target} {_SQL_OPERATORS[f.op]} ?")
            params.append(f.value)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def json_safe(value: Any) -> Any:
    """A DuckDB value as JSON: ISO dates and times, finite numbers, text for the rest."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return str(value)


def connect() -> duckdb.DuckDBPyConnection:
    """A private in-memory DuckDB; times with a zone come back in UTC, whatever the server's."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    return con


def one(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None
) -> tuple[Any, ...]:
    """The single row of an aggregate query (fetched whole: DuckDB 2 refuses new work on a
    connection while a result is still open)."""
    rows = con.execute(sql, params or []).fetchall()
    return tuple(rows[0])


@dataclass(frozen=True)
class _Source:
    """How to read a version: the FROM clause, each column's SQL, and the file-order column."""

    sql: str
    columns: dict[str, str]
    position: str
    params: list[Any]


def _source(con: duckdb.DuckDBPyConnection, parquet: Path, types: Mapping[str, str]) -> _Source:
    """The scan, with any column name readable.

    DuckDB's virtual `file_row_number` keeps pages stable. A column of the data may carry
    that very name (a version whose rows API then always failed): then the scan numbers its
    rows WITH ORDINALITY and every column is renamed by position, so no name can collide.
    """
    if _FILE_ROW not in types:
        return _Source(
            "read_parquet(?)", {name: quote(name) for name in types}, _FILE_ROW, [str(parquet)]
        )
    described = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(parquet)]).fetchall()
    names = [str(row[0]) for row in described]
    aliases = [f"c{i}" for i in range(len(names))]
    sql = f"read_parquet(?) WITH ORDINALITY AS t({', '.join(aliases)}, {_ORDINAL})"
    return _Source(sql, dict(zip(names, aliases, strict=True)), _ORDINAL, [str(parquet)])


def fetch_rows(
    parquet: Path | str,
    schema: Mapping[str, Any],
    query: RowsQuery,
    *,
    immutable: bool = False,
    engine: str = "duckdb",
) -> RowsPage:
    """One page of rows and the total matching the filters.

    `immutable`: the path is the version's own stored file (local storage), never rewritten:
    the process then keeps it (rows_cache: its rows in memory within a budget, its totals).
    `engine` spark (dataplane/engine.py): the same page from Spark, which reads `parquet`
    where it is (a path or URL its executors can read).
    """
    if engine == "spark":
        from datacollab.dataplane import spark_rows

        return spark_rows.fetch_rows(str(parquet), schema, query)
    parquet = Path(parquet)
    types = _field_types(schema)
    if not immutable:
        with connect() as con:
            return _page(con, _source(con, parquet, types), types, query, None)
    con = rows_cache.cursor()
    hot = None if _FILE_ROW in types else rows_cache.hot_table(con, parquet, list(types))
    if hot is None:
        source = _source(con, parquet, types)
    elif hot.arrow is not None and query.fields and not query.filters and not query.sort:
        return _slice(hot.arrow, query)
    else:
        columns = {name: quote(name) for name in types}
        source = _Source(quote(hot.table), columns, quote(rows_cache.POSITION), [])
    return _page(con, source, types, query, parquet)


def _slice(arrow: pa.Table, query: RowsQuery) -> RowsPage:
    """A page in file order from the version's Arrow table in memory (rows_cache): the same
    rows and values as the DuckDB query, without one."""
    page = arrow.slice(min(query.offset, arrow.num_rows), query.limit)
    # Every type rows_cache keeps as Arrow is one `dumps` writes as it is: no call per cell.
    columns = [page.column(name).to_pylist() for name in query.fields]
    rows = [dict(zip(query.fields, values, strict=True)) for values in zip(*columns, strict=True)]
    return RowsPage(total=arrow.num_rows, fields=query.fields, rows=rows)


def _page(
    con: duckdb.DuckDBPyConnection,
    source: _Source,
    types: Mapping[str, str],
    query: RowsQuery,
    kept: Path | None,
) -> RowsPage:
    col = source.columns
    where, params = _where(query, types, col)
    columns = ", ".join(col[c] for c in query.fields)
    count_sql = f"SELECT count(*) FROM {source.sql}{where}"  # noqa: S608

    def count() -> int:
        return int(one(con, count_sql, [*source.params, *params])[0])

    total = count() if kept is None else rows_cache.cached_total(kept, where, params, count)
    position = source.position
    if query.sort:
        order = [f"{col[c]} {'DESC' if desc else 'ASC'} NULLS LAST" for c, desc in query.sort]
        # The file's row order breaks ties, so pages never overlap or skip rows.
        order.append(position)
        sql = f"SELECT {columns} FROM {source.sql}{where} ORDER BY {', '.join(order)} "  # noqa: S608
        sql += "LIMIT ? OFFSET ?"
        page_params = [*source.params, *params, query.limit, query.offset]
    elif not where and position != _ORDINAL:
        # A page in file order: the rows by position (from 0), so the reader goes straight
        # to them instead of reading through every row before the offset.
        sql = f"SELECT {columns} FROM {source.sql} WHERE {position} >= ? AND {position} < ? "  # noqa: S608
        sql += f"ORDER BY {position}"
        page_params = [*source.params, query.offset, query.offset + query.limit]
    else:
        # Filtered, unsorted: DuckDB keeps the file's order without ORDER BY
        # (preserve_insertion_order, on by default) and stops at the page's last row.
        sql = f"SELECT {columns} FROM {source.sql}{where} LIMIT ? OFFSET ?"  # noqa: S608
        page_params = [*source.params, *params, query.limit, query.offset]
    result = con.execute(sql, page_params)
    convert = _converters(result.description or [])
    rows = []
    for row in result.fetchall():
        values = list(row)
        for i, to_json in convert:
            values[i] = to_json(values[i])
        rows.append(dict(zip(query.fields, values, strict=True)))
    return RowsPage(total=int(total), fields=query.fields, rows=rows)


# DuckDB types whose Python values `dumps` writes as JSON as they are: no call per cell for
# them. orjson writes floats that are not finite as null and dates and times as `isoformat`
# does, so those need no call either.
_AS_IS = frozenset(
    {"BIGINT", "INTEGER", "SMALLINT", "TINYINT", "UBIGINT", "UINTEGER", "USMALLINT"}
    | {"UTINYINT", "HUGEINT", "UHUGEINT", "VARCHAR", "BOOLEAN"}
    | {"DOUBLE", "FLOAT", "TIMESTAMP", "DATE", "TIME"}
)


def dumps(body: Any) -> bytes:
    """A page as compact UTF-8 JSON, as `json.dumps(json_safe(body), ensure_ascii=False,
    separators=(",", ":"))` writes it, byte for byte (tests/datasets/test_rows_json.py), about
    five times faster on a page (docs/benchmarks.md). An integer past 64 bits (HUGEINT),
    which orjson refuses, takes the standard library."""
    try:
        return orjson.dumps(body, default=json_safe)
    except orjson.JSONEncodeError:
        return json.dumps(json_safe(body), ensure_ascii=False, separators=(",", ":")).encode()


def _converter(duckdb_type: str) -> Any:
    return json_safe


def _converters(description: list[Any]) -> list[tuple[int, Any]]:
    """(column index, to-JSON function) for each column whose values need converting."""
    return [
        (i, _converter(str(d[1]))) for i, d in enumerate(description) if str(d[1]) not in _AS_IS
    ]
