"""The checks of one table as SQL: which cells break which rule, row by row.

`Plan` turns a schema and the file's header into columns c1..cK (every cell as text,
NULL where a short row has no cell) and, for each rule frictionless-py applies to a row,
one boolean SQL expression. The engine evaluates them over the whole file at once.
"""

# ruff: noqa: S608 -- this module writes SQL; every value in it goes through sql.lit/ident.

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from datacollab.datasets.tableschema import UNCHECKED_TYPES, Field, Schema, SchemaError
from datacollab.datasets.validation.cells import (
    CellSQL,
    cell_sql,
    constraint_value,
    missing_sql,
    typed_cell_sql,
)
from datacollab.datasets.validation.sql import lit, one_of

_BOUNDS = {
    "minimum": "<",
    "maximum": ">",
    "exclusiveMinimum": "<=",
    "exclusiveMaximum": ">=",
}


@dataclass(frozen=True)
class Check:
    kind: str  # "type-error" or "constraint-error"
    index: int  # 1-based field position
    note: str
    sql: str
    required: bool = False
    violation: str = ""  # a constraint's own test of the value (without `present`)


@dataclass
class Plan:
    fields: list[Field]  # the fields rows are read with, one per header label
    cells: list[CellSQL]
    missing: list[str]
    width: int  # K: the number of text columns read (more than the fields, to see extras)
    text: bool = True  # CSV/TSV: rows can be short or long; Parquet rows cannot
    checks: list[Check] = field(default_factory=list)
    keys: dict[str, int] = field(default_factory=dict)  # key column -> field index
    unique: list[int] = field(default_factory=list)
    primary_key: list[int] = field(default_factory=list)
    ok_excludes_missing: list[bool] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.fields)

    def layer1(self, base: str) -> str:
        """Per field: ok (reads as its type) and v (its value), computed once per cell,
        after the fields' steps (each a column of its own, s<i>_<name>)."""
        passing = ["_j"] + [f"c{i}" for i in range(1, self.width + 1)]
        depth = max((len(cell.steps) for cell in self.cells), default=0)
        sql = base
        done: list[str] = []
        for level in range(depth):
            added = []
            for i, cell in enumerate(self.cells, start=1):
                if level < len(cell.steps):
                    name, expression = cell.steps[level]
                    added.append(f"{self.step(i, expression)} AS s{i}_{name}")
                    done.append(f"s{i}_{name}")
            columns = passing + done[: len(done) - len(added)] + added
            sql = f"(SELECT {', '.join(columns)} FROM {sql})"
        parts = passing.copy()
        for i, cell in enumerate(self.cells, start=1):
            parts += [
                f"coalesce({self.step(i, cell.ok)}, false) AS ok{i}",
                f"{self.step(i, cell.value)} AS v{i}",
            ]
        return f"SELECT {', '.join(parts)} FROM {sql}"

    def step(self, i: int, sql: str) -> str:
        """Field i's SQL with its steps' names turned into their columns."""
        for name, _ in self.cells[i - 1].steps:
            sql = sql.replace(f"@{name}@", f"s{i}_{name}")
        return sql

    def m(self, i: int) -> str:
        """Field i's cell reads as None (absent or a missing value). Written inline, not as
        a column, so CASE evaluates it only for the cells that need it."""
        return self.missing[i - 1]

    def present(self, i: int) -> str:
        """Field i's cell is a value of its type (not None): constraints apply to it."""
        if self.ok_excludes_missing[i - 1]:
            return f"ok{i}"
        return f"(CASE WHEN ok{i} THEN NOT {self.m(i)} ELSE false END)"

    def required(self, i: int) -> str:
        """Field i's cell reads as None. When no missing value reads as the type, a cell
        that reads is present, so the missing-value test runs only for the others."""
        if self.ok_excludes_missing[i - 1]:
            return f"(CASE WHEN ok{i} THEN false ELSE {self.m(i)} END)"
        return self.m(i)

    def blank_sql(self) -> str:
        if not self.n:
            return "true"
        tests = " ".join(f"WHEN NOT {self.m(i)} THEN false" for i in range(1, self.n + 1))
        return f"(CASE {tests} ELSE true END)"

    def suspect_sql(self) -> str:
        """True for every row in which some check fires, and perhaps for a few where none
        does: the text scan computes this alone and keeps those rows' cells, then the
        exact checks run over them only (engine.py). Per field, the cell is good when it
        reads as its type and breaks no constraint, or (field not required) is missing;
        a NULL anywhere counts as not good, so the test never misses a broken row."""
        terms = []
        for i in range(1, self.n + 1):
            checks = [check for check in self.checks if check.index == i]
            if not checks:
                continue
            typed = any(check.kind == "type-error" for check in checks)
            good = [f"ok{i}"] if typed else []
            violations = [check.violation for check in checks if check.violation]
            if violations:
                good.append(f"coalesce(NOT ({' OR '.join(violations)}), false)")
            if any(check.required for check in checks):
                if not (typed and self.ok_excludes_missing[i - 1]):
                    good.append(f"NOT {self.m(i)}")
                test = " AND ".join(good)
            else:
                test = f"{self.m(i)} OR ({' AND '.join(good)})"
            terms.append(f"NOT coalesce({test}, false)")
        return " OR ".join(terms) or "false"

    def key_sql(self) -> list[str]:
        return [f"CASE WHEN {self.present(i)} THEN v{i} END AS {k}" for k, i in self.keys.items()]


def make_plan(
    schema: Schema, labels: list[str], *, column_types: list[str] | None = None, extra: int = 8
) -> Plan:
    """`column_types` are the DuckDB types of a Parquet file's columns (None for text)."""
    fields = expected_fields(schema, labels)
    cells: list[CellSQL] = []
    missing: list[str] = []
    excludes: list[bool] = []
    for i, f in enumerate(fields, start=1):
        column_type = column_types[i - 1] if column_types else "VARCHAR"
        is_text = column_type == "VARCHAR"
        cell = (
            cell_sql(f, f"c{i}", inline=False)
            if is_text
            else typed_cell_sql(f, f"c{i}", column_type)
        )
        cells.append(cell)
        missing.append(missing_sql(f.missing_values, f"c{i}", text=is_text))
        excludes.append(_ok_excludes_missing(f, is_text))
    text = column_types is None
    plan = Plan(fields, cells, missing, width=len(fields) + (extra if text else 0), text=text)
    plan.ok_excludes_missing = excludes
    for i, f in enumerate(fields, start=1):
        if cells[i - 1].ok != "true":
            note = f'type is "{f.type}/{f.format}"'
            plan.checks.append(Check("type-error", i, note, _type_sql(plan, i)))
        plan.checks += _constraint_checks(plan, f, i, cells[i - 1])
    position = {f.name: i for i, f in reversed(list(enumerate(fields, start=1)))}
    plan.unique = [i for i, f in enumerate(fields, start=1) if f.unique]
    if schema.primary_key and all(k in position for k in schema.primary_key):
        plan.primary_key = [position[k] for k in schema.primary_key]
    for i in sorted(set(plan.unique) | set(plan.primary_key)):
        plan.keys[f"k{i}"] = i
    return plan


def expected_fields(schema: Schema, labels: list[str]) -> list[Field]:
    """As frictionless with fieldsMatch "exact": fields pair with labels by position; a
    label beyond the schema reads as an `any` field, a field beyond the labels is dropped."""
    fields = list(schema.fields[: len(labels)])
    taken = {f.name for f in fields}
    tried: dict[str, int] = {}  # label -> next suffix, so repeated labels stay linear
    for label in labels[len(fields) :]:
        name, n = label, tried.get(label, 2)
        while name in taken:
            name, n = f"{label}{n}", n + 1
        tried[label] = n
        taken.add(name)
        fields.append(Field(name=name, type="any"))
    return fields


def _ok_excludes_missing(f: Field, text: bool) -> bool:
    """True when no missing value reads as the type, so `ok` alone means present: the
    common case (missing values [""], a non-string type), where m need not be computed."""
    if not text or set(f.missing_values) - {""}:
        return False
    if f.type == "boolean":
        return "" not in f.true_values + f.false_values
    return f.type in ("integer", "number", "date", "datetime", "time", "year", "yearmonth")


def _type_sql(plan: Plan, i: int) -> str:
    return f"(CASE WHEN ok{i} THEN false ELSE NOT {plan.m(i)} END)"


def _constraint_checks(plan: Plan, f: Field, i: int, cell: CellSQL) -> list[Check]:
    checks: list[Check] = []
    present = plan.present(i)
    unchecked = f.type in UNCHECKED_TYPES
    for name, value in f.constraints.items():
        note = f'constraint "{name}" is "{_python_str(value)}"'
        if name == "required":
            if value:
                checks.append(Check("constraint-error", i, note, plan.required(i), required=True))
            continue
        if name == "unique" or unchecked:
            continue
        violated = _violation(f, i, name, value, cell)
        if violated is not None:
            check_sql = f"({present} AND ({violated}))"
            checks.append(Check("constraint-error", i, note, check_sql, violation=violated))
    order = _constraint_order(f)
    checks.sort(key=lambda check: order.index(check.note.split('"')[1]))
    return checks


def _constraint_order(f: Field) -> list[str]:
    from datacollab.datasets.tableschema import SUPPORTED_CONSTRAINTS

    return SUPPORTED_CONSTRAINTS[f.type]


def _violation(f: Field, i: int, name: str, value: Any, cell: CellSQL) -> str | None:
    v = f"v{i}"
    if name == "minLength":
        return f"length(c{i}) < {int(value)}"
    if name == "maxLength":
        return f"length(c{i}) > {int(value)}"
    if name == "pattern":
        # Python's re.match('^' + p + '$'): anchored at the start, '$' also before a final
        # newline, and an alternation in p splits the anchors as it does in Python.
        anchored = "^(?:^" + value + r"(?:\n?\z))"
        return f"NOT regexp_matches(c{i}, {lit(anchored)})"
    if name == "enum":
        literals = [constraint_value(f, item) for item in value]
        known = [item for item in literals if item is not None]
        if not known:
            return "true"
        return f"coalesce(NOT {one_of(v, known)}, false)"
    if name in _BOUNDS:
        bound = constraint_value(f, value)
        if bound is None:
            raise SchemaError([f'field "{f.name}": constraint "{name}" is not a {f.type}'])
        nan = f" OR isnan({v})" if cell.duck_type == "DOUBLE" else ""
        return f"coalesce({v} {_BOUNDS[name]} {bound}{nan}, false)"
    return None


def _python_str(value: Any) -> str:
    """str() as Python prints the JSON value: frictionless builds its notes with it."""
    return str(value)
