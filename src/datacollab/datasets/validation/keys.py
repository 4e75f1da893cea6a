"""Unique fields and primary keys: repeated values found over the keys kept by the scan.

Mixed into the engine's run: it needs the run's connection, plan, tables and row
numbering. Errors name the previous row with the same value, as frictionless's do.
"""

# ruff: noqa: S608 -- this module writes SQL; every value in it goes through sql.lit/ident.

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any

import duckdb

from datacollab.datasets.validation.records import read_records
from datacollab.datasets.validation.report import cell_error, row_error
from datacollab.datasets.validation.source import Source, execute_scan

if TYPE_CHECKING:
    from datacollab.datasets.validation.checks import Plan

_PK_NULL = 'cells composing the primary keys are all "None"'
# Order of a row's errors, as frictionless emits them.
_CELL, _UNIQUE, _PRIMARY = 0, 1, 2


class KeyErrors(ABC):
    """The key checks of a validation run; the run class supplies the three methods below."""

    con: duckdb.DuckDBPyConnection
    src: Source
    plan: Plan
    rows: str
    bad: str
    limit: int
    duplicates: dict[str, tuple[str | None, int]]
    marks: dict[int, int]  # record -> offset of its end, for some records (records.py)

    @abstractmethod
    def table(self, stem: str, *, view: bool = False) -> str:
        """Materialise the run's current query as a table (or view) named after `stem`."""

    @abstractmethod
    def record(self, j: int) -> int:
        """The Frictionless row number of scan row `j`."""

    @abstractmethod
    def base(self, plan: Plan, *, parallel: bool = True, numbered: bool = False) -> str:
        """The SQL of the scan the key checks read from."""

    def _duplicates(self, rows: str, columns: list[str], stem: str) -> tuple[str | None, int]:
        """Rows whose values in `columns` already appeared: (table of _j, prev), count.
        The same columns are looked at once (a one-field primary key that is also unique)."""
        cols = ", ".join(columns)
        if cols in self.duplicates:
            return self.duplicates[cols]
        present = (
            " AND ".join(f"{c} IS NOT NULL" for c in columns)
            if len(columns) == 1
            else ("NOT (" + " AND ".join(f"{c} IS NULL" for c in columns) + ")")
        )
        nan = [f"NOT isnan({c})" for c in columns if self._is_double(c)]
        where = " AND ".join(["_j > 1", present, *nan])
        # Sorted by key, a repeat sits right after its twin: one sort (quick on keys already
        # in order, as row ids are) finds every repeated value and how often it repeats.
        same = " AND ".join(
            f"{c} IS NOT DISTINCT FROM lag({c}) OVER (ORDER BY {cols})" for c in columns
        )
        repeated = self.table(f"{stem}_values")
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE {repeated} AS SELECT {cols}, count(*) AS n FROM ("
            f"SELECT {cols}, {same} AS same FROM {rows} WHERE {where}) "
            f"WHERE same GROUP BY ALL"
        )
        (found,) = self.con.execute(f"SELECT coalesce(sum(n), 0) FROM {repeated}").fetchone() or (
            0,
        )
        if not found:
            self.duplicates[cols] = (None, 0)
            return None, 0
        table = self.table(stem)
        # A composite key may hold NULLs, and (2, NULL) repeats (2, NULL) as in Python.
        same = " AND ".join(f"r.{c} IS NOT DISTINCT FROM d.{c}" for c in columns)
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table} AS "
            f"SELECT _j, lag(_j) OVER (PARTITION BY {cols} ORDER BY _j) AS prev "
            f"FROM {rows} AS r SEMI JOIN {repeated} AS d ON {same} WHERE {where} "
            "QUALIFY prev IS NOT NULL"
        )
        self.duplicates[cols] = (table, int(found))
        return self.duplicates[cols]

    def _first_duplicates(self, table: str | None) -> list[tuple[int, int]]:
        if table is None:
            return []
        return self.con.execute(
            f"SELECT _j, prev FROM {table} ORDER BY _j LIMIT {int(self.limit)}"
        ).fetchall()

    def _is_double(self, key: str) -> bool:
        return self.plan.cells[self.plan.keys[key] - 1].duck_type == "DOUBLE"

    def _unique_errors(
        self, plan: Plan, rows: str, counts: dict[str, int]
    ) -> list[tuple[Any, ...]]:
        found: list[tuple[Any, ...]] = []
        for i in plan.unique:
            table, count = self._duplicates(rows, [f"k{i}"], f"unique{i}")
            counts["unique-error"] = counts.get("unique-error", 0) + count
            for j, prev in self._first_duplicates(table):
                found.append((self.record(j), _UNIQUE, i, (j, i, self.record(prev))))
        return found

    def _primary_key_errors(
        self, plan: Plan, rows: str, counts: dict[str, int]
    ) -> list[tuple[Any, ...]]:
        if not plan.primary_key:
            return []
        keys = [f"k{i}" for i in plan.primary_key]
        table, total = self._duplicates(rows, keys, "pk")
        found: list[tuple[Any, ...]] = []
        for j, prev in self._first_duplicates(table):
            found.append((self.record(j), _PRIMARY, 0, (j, None, self.record(prev))))
        nulls = " AND ".join(f"{k} IS NULL" for k in keys)
        count = self.con.execute(f"SELECT count(*) FROM {rows} WHERE _j > 1 AND {nulls}").fetchone()
        total += count[0] if count else 0
        counts["primary-key"] = counts.get("primary-key", 0) + total
        for (j,) in self.con.execute(
            f"SELECT _j FROM {rows} WHERE _j > 1 AND {nulls} ORDER BY _j LIMIT {int(self.limit)}"
        ).fetchall():
            found.append((self.record(j), _PRIMARY, 0, (j, None, None)))
        return found

    def _with_cells(self, found: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        """Turn (j, field, previous row) into errors, fetching the rows' cells."""
        if not found:
            return []
        found.sort(key=lambda item: item[:3])
        found = found[: self.limit]
        wanted = sorted({item[3][0] for item in found})
        cells = self._fetch_cells(wanted)
        out: list[tuple[Any, ...]] = []
        for r, group, sub, (j, i, prev) in found:
            raw = cells.get(j, [])
            if group == _UNIQUE:
                f = self.plan.fields[i - 1]
                note = f"the same as in the row at position {prev}"
                error = cell_error(
                    "unique-error",
                    row=r,
                    cells=present(raw, self.plan.text),
                    cell=raw[i - 1] or "" if len(raw) >= i else "",
                    field_name=f.name,
                    field_number=i,
                    note=note,
                )
            else:
                note = _PK_NULL if prev is None else f"the same as in the row at position {prev}"
                error = row_error(
                    "primary-key", row=r, cells=present(raw, self.plan.text), note=note
                )
            out.append((r, group, sub, error))
        return out

    def _fetch_cells(self, wanted: list[int]) -> dict[int, list[Any]]:
        """The cells of a few rows: kept from pass 1 when the row broke a rule, else re-read."""
        plan = self.plan
        listed = ", ".join(str(int(j)) for j in wanted)
        got: dict[int, list[Any]] = dict(
            self.con.execute(f"SELECT _j, _cells FROM {self.bad} WHERE _j IN ({listed})").fetchall()
        )
        rest = [j for j in wanted if j not in got]
        if rest and self.src.is_text:
            # Re-parsing just these records beats a second scan of the whole file.
            records = {self.record(j): j for j in rest}
            src = self.src
            read = read_records(
                src.path,
                src.encoding,
                src.delimiter,
                sorted(records),
                src.skip_initial_space,
                marks=self.marks,
            )
            got.update({records[r]: list(cells) for r, cells in read.items()})
        elif rest:
            others = ", ".join(str(int(j)) for j in rest)
            cells = ", ".join(f"CAST(c{i} AS VARCHAR)" for i in range(1, plan.width + 1))
            select = f"SELECT _j, [{cells}] FROM {{}} WHERE _j IN ({others})"
            result = execute_scan(
                self.con,
                lambda parallel: select.format(self.base(plan, parallel=parallel, numbered=True)),
            ).fetchall()
            got.update(dict(result))
        return got


def present(raw: list[Any], text: bool) -> list[str]:
    """The row's cells as frictionless lists them, as text: for CSV, only the cells the
    record has (NULL marks an absent cell); for Parquet every column (NULL is empty)."""
    cells = list(raw)
    while text and cells and cells[-1] is None:
        cells.pop()
    return ["" if c is None else str(c) for c in cells]
