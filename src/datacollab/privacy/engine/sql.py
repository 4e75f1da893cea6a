"""The query's SQL, built once as a SQLGlot AST and rendered for an engine.

Only `render(..., dialect)` knows the engine: DuckDB today, and the same AST renders for Spark
SQL (`dialect="spark"`) when a later engine runs it. Column names come from the validated
query and are quoted identifiers; filter values are `?` parameters, never text in the SQL;
bin widths and bounds are numeric literals the validator has checked to be finite numbers.

Three statements, each a small aggregate of the one before:
- `base`: one row per (cell, contributor[, unit]) with the row count and, per measure
  column, the sum of clamped values and the sum of their absolute values (for dominance);
- `contributors`: per (cell, contributor), what disclosure control judges;
- `bounded`: per cell, the DP inputs after contribution bounding: each unit keeps at most
  `max_cells_per_unit` cells (chosen by a salted hash, not by its values) and at most
  `max_rows_per_cell` rows in each, its sums centred on the bounds' midpoint, scaled by the
  same share and rounded to integers of `1 / scale` so OpenDP's exact integer samplers
  apply.

The salted hash that chooses a unit's cells (and, for quantiles, its rows) is portable:
DuckDB's `hash` and Spark's `xxhash64` are different functions, so when a unit has more cells
than it may keep they would keep different cells and feed OpenDP different numbers. The
choice is `PortableHash`: the first 60 bits of the MD5 (a function both engines have, giving
the same lower-case hex) of one text form of the salt, the unit and each cell key, built by
`text_of` so that both engines print it alike (integers as integers, times as epoch
microseconds, bins as their integer index, booleans as 1/0, strings as they are, NULL as
`~`), with the keys themselves breaking any tie. It is computed once per (cell, unit) after
the grouping, not per raw row: rows are still grouped by the engine's own fast 64-bit
`hash(unit)`, which never needs to agree between engines, and the unit's value travels with
its group (`MIN(unit)`) to the choice.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from datacollab.privacy.engine.query import AggregateQuery, Dimension, Filter, Scalar
from datacollab.privacy.engine.spec import Protection, TableSpec

BASE = "privacy_base"
SOURCE = "source"


@dataclass(frozen=True)
class Statements:
    base: exp.Expression
    contributors: exp.Expression
    bounded: exp.Expression | None
    parameters: list[Scalar]
    dimension_aliases: list[str]
    measure_columns: list[str]


class PortableHash(exp.Expression, exp.Func):
    """A non-negative 60-bit integer from the MD5 of a text: the same number on DuckDB and on
    Spark. `render` here and dataplane/spark_sql.py expand it for their engine."""

    arg_types = {"this": True}


def _md5_prefix(text: exp.Expression) -> exp.Expression:
    # 15 hex digits: 60 bits, so the BIGINT is never negative on either engine.
    return exp.Substring(
        this=exp.MD5(this=text), start=exp.Literal.number(1), length=exp.Literal.number(15)
    )


def _duckdb_hash(node: exp.Expression) -> exp.Expression:
    if not isinstance(node, PortableHash):
        return node
    hex_text = exp.DPipe(this=exp.Literal.string("0x"), expression=_md5_prefix(node.this))
    return exp.Cast(this=hex_text, to=exp.DataType.build("BIGINT"))


def spark_hash(node: PortableHash) -> exp.Expression:
    """`PortableHash` in Spark SQL: `conv` reads the same hex digits as DuckDB's `0x` cast."""
    digits = exp.Anonymous(
        this="conv",
        expressions=[_md5_prefix(node.this), exp.Literal.number(16), exp.Literal.number(10)],
    )
    return exp.Cast(this=digits, to=exp.DataType.build("BIGINT"))


def _varchar(value: exp.Expression) -> exp.Expression:
    return exp.Cast(this=value, to=exp.DataType.build("VARCHAR"))


def _integer_text(value: exp.Expression) -> exp.Expression:
    return _varchar(exp.Cast(this=value, to=exp.DataType.build("BIGINT")))


# Below 2**52 a double holds every integer exactly, so its BIGINT cast is exact on both.
_EXACT = exp.Literal.number(str(2**52))


def text_of(value: exp.Expression, kind: str, width: float | None = None) -> exp.Expression:
    """One text form of a key or unit that DuckDB and Spark print alike, NULL as `~`.

    `kind` is how the value was made: a column type (`string`, `integer`, `date`, `boolean`,
    `number`, ...), `timestamp` (a truncated time) or `bin` (a numeric bin of `width`).
    """
    text: exp.Expression
    if kind == "string":
        # As is (the cast only for a column whose file stores another type: Spark's
        # CONCAT_WS takes strings only). A `|` inside a string can make two cells' texts
        # equal, which only ties their hashes, and the keys themselves break ties.
        text = _varchar(value)
    elif kind in ("integer", "year"):
        # A year may be stored as text or integer; an integer prints the same on both.
        text = _integer_text(value)
    elif kind == "bin":
        # The bin's integer index: DuckDB keeps FLOOR(x / w) * w a DOUBLE ("5.0"), Spark's
        # FLOOR makes it a BIGINT ("5"), and doubles print differently on the two engines.
        assert width is not None
        index = exp.Round(this=exp.Div(this=value.copy(), expression=_num(width)))
        small = exp.LT(this=exp.Abs(this=index.copy()), expression=_EXACT.copy())
        text = exp.Case(ifs=[exp.If(this=small, true=_integer_text(index))]).else_(
            exp.Literal.string("big")
        )
    elif kind == "number":
        # Identifiers stored as doubles are integers: print those exactly; other doubles
        # fall back to each engine's text (documented: not portable).
        whole = exp.and_(
            exp.EQ(this=value.copy(), expression=exp.Floor(this=value.copy())),
            exp.LT(this=exp.Abs(this=value.copy()), expression=_EXACT.copy()),
        )
        text = exp.Case(ifs=[exp.If(this=whole, true=_integer_text(value))]).else_(_varchar(value))
    elif kind in ("timestamp", "datetime"):
        # Epoch microseconds: DuckDB's TIMESTAMPTZ prints its zone, Spark's TIMESTAMP does not.
        text = _varchar(exp.Anonymous(this="epoch_us", expressions=[value.copy()]))
    elif kind == "boolean":
        text = exp.Case(ifs=[exp.If(this=value.copy(), true=exp.Literal.string("1"))]).else_(
            exp.Literal.string("0")
        )
    else:  # date: ISO text on both engines
        text = _varchar(value)
    return exp.Coalesce(this=text, expressions=[exp.Literal.string("~")])


def portable_hash(parts: list[exp.Expression], salt: int) -> PortableHash:
    """The salted `PortableHash` of already portable texts (`text_of`), joined by `|`."""
    salt_text = exp.Literal.string(str(int(salt)))
    # One CONCAT_WS (the same on both engines) is cheaper than a chain of `||`; its parts
    # are never NULL (`text_of`), so SQLGlot's NULL-preserving ConcatWs is not needed.
    separator = exp.Literal.string("|")
    joined = exp.Anonymous(this="concat_ws", expressions=[separator, salt_text, *parts])
    return PortableHash(this=joined)


def dimension_kind(dimension: Dimension, table: TableSpec) -> str:
    """What `text_of` needs to know about a dimension's values."""
    if dimension.bucket in ("hour_of_day", "day_of_week"):
        return "integer"
    if dimension.bucket:
        return "timestamp"
    if dimension.bin is not None:
        return "bin"
    spec = table.column(dimension.column)
    return spec.type if spec else "string"


def unit_text(protection: Protection, table: TableSpec) -> exp.Expression:
    """The portable text of the unit carried as `uv` (its value, see `unit_value`)."""
    spec = table.column(protection.unit or "")
    return text_of(exp.column("uv"), spec.type if spec else "string")


def unit_value(protection: Protection) -> exp.Expr:
    # Rows are grouped by `hash(unit)`: every row of a group has the same unit (barring a
    # 64-bit collision, which merges two units: still bounded as one), so MIN is that unit.
    return exp.Min(this=_col(protection.unit or "")).as_("uv")


def _col(name: str, table: str | None = None) -> exp.Column:
    return exp.column(name, table=table, quoted=True)


def _num(value: float | int) -> exp.Expression:
    return exp.Literal.number(repr(value) if isinstance(value, float) else str(value))


def _dimension_expr(dimension: Dimension) -> exp.Expression:
    column = _col(dimension.column)
    # Typed nodes, not EXTRACT(...) text: each dialect renders its own function (Spark has
    # no ISODOW; check its day_of_week against DuckDB when the Spark engine lands).
    if dimension.bucket == "hour_of_day":
        return exp.Hour(this=column)
    if dimension.bucket == "day_of_week":
        return exp.DayOfWeekIso(this=column)
    if dimension.bucket:
        return exp.TimestampTrunc(this=column, unit=exp.var(dimension.bucket.upper()))
    if dimension.bin is not None:
        width = _num(dimension.bin)
        return exp.Mul(
            this=exp.Floor(this=exp.Div(this=column, expression=width)), expression=width
        )
    return column


def _clamped(column: str, lower: float, upper: float) -> exp.Expression:
    value = _col(column)
    return exp.Case(
        ifs=[
            exp.If(this=exp.LT(this=value, expression=_num(lower)), true=_num(lower)),
            exp.If(this=exp.GT(this=value, expression=_num(upper)), true=_num(upper)),
        ],
        default=value.copy(),
    )


def _lower(protection: Protection, column: str) -> float:
    bounds = protection.bounds(column)
    assert bounds is not None  # validated
    return bounds.lower


def _filter_expr(item: Filter, table: TableSpec, params: list[Scalar]) -> exp.Expr:
    column = _col(item.column)
    spec = table.column(item.column)
    cast_to = {"datetime": "TIMESTAMP", "date": "DATE"}.get(spec.type if spec else "")

    def value(v: Scalar) -> exp.Expression:
        params.append(v)
        placeholder: exp.Expression = exp.Placeholder()
        return (
            exp.Cast(this=placeholder, to=exp.DataType.build(cast_to)) if cast_to else placeholder
        )

    if item.op == "eq":
        return exp.EQ(this=column, expression=value(item.values[0]))
    if item.op == "between":
        # Half-open [low, high): adjacent ranges never share a row.
        low = exp.GTE(this=column, expression=value(item.values[0]))
        return exp.and_(low, exp.LT(this=column.copy(), expression=value(item.values[1])))
    return exp.In(this=column, expressions=[value(v) for v in item.values])


def build(
    query: AggregateQuery, table: TableSpec, protection: Protection, *, salt: int, scale: int
) -> Statements:
    params: list[Scalar] = []
    aliases = [f"d{i}" for i in range(len(query.dimensions))]
    measure_columns = sorted({m.column for m in query.measures if m.column is not None})
    use_unit = protection.unit is not None

    selects: list[exp.Expr] = [
        _dimension_expr(d).as_(alias) for d, alias in zip(query.dimensions, aliases, strict=True)
    ]
    selects.append(_col(protection.contributor).as_("c"))
    if use_unit:
        # Grouping by a 64-bit hash of the unit is much faster than by its text. A collision
        # merges two units into one, whose rows are then bounded together: never more
        # contribution than the bound, so the guarantee holds.
        unit = exp.Anonymous(this="hash", expressions=[_col(protection.unit or "")])
        selects.append(unit.as_("u"))
        selects.append(unit_value(protection))
    selects.append(exp.Count(this=exp.Star()).as_("n"))
    for j, name in enumerate(measure_columns):
        bounds = protection.bounds(name)
        assert bounds is not None  # validated
        clamped = _clamped(name, bounds.lower, bounds.upper)
        selects.append(exp.Sum(this=clamped).as_(f"s{j}"))
        if bounds.lower < 0:
            selects.append(exp.Sum(this=exp.Abs(this=clamped.copy())).as_(f"a{j}"))
    group = [exp.column(alias) for alias in aliases] + [exp.column("c")]
    if use_unit:
        group.append(exp.column("u"))
    base = exp.select(*selects).from_(SOURCE).group_by(*group)
    # Bounds that are never negative: the absolute sum is the sum, so the scan skips a second
    # sum per measure and the next statement reads `s` twice.
    signed = {j for j, name in enumerate(measure_columns) if _lower(protection, name) < 0}
    conditions = [_filter_expr(f, table, params) for f in query.filters]
    if conditions:
        base = base.where(exp.and_(*conditions))

    keys = [exp.column(alias) for alias in aliases]
    sums = [(f"s{j}", f"s{j}") for j in range(len(measure_columns))] + [
        (f"a{j}" if j in signed else f"s{j}", f"a{j}") for j in range(len(measure_columns))
    ]
    contributors = (
        exp.select(*keys, exp.column("c"), exp.Sum(this=exp.column("n")).as_("n"))
        .select(*(exp.Sum(this=exp.column(s)).as_(alias) for s, alias in sums))
        .from_(BASE)
        .group_by(*[k.copy() for k in keys], exp.column("c"))
    )
    bounded = None
    if use_unit:
        key_texts = [
            text_of(exp.column(alias), dimension_kind(d, table), d.bin)
            for d, alias in zip(query.dimensions, aliases, strict=True)
        ]
        choice = portable_hash([unit_text(protection, table), *key_texts], salt)
        bounded = _bounded(aliases, measure_columns, protection, choice, scale)
    return Statements(base, contributors, bounded, params, aliases, measure_columns)


def _bounded(
    aliases: list[str],
    measure_columns: list[str],
    protection: Protection,
    choice: exp.Expression,
    scale: int,
) -> exp.Expression:
    keys = [exp.column(a) for a in aliases]
    per_unit = (
        exp.select(*keys, exp.column("u"), exp.Sum(this=exp.column("n")).as_("n"))
        .select(exp.Min(this=exp.column("uv")).as_("uv"))
        .select(
            *(exp.Sum(this=exp.column(f"s{j}")).as_(f"s{j}") for j in range(len(measure_columns)))
        )
        .from_(BASE)
        .group_by(*[k.copy() for k in keys], exp.column("u"))
    )
    # Hash the unit with the cell: each unit keeps its own random choice of cells (a hash of
    # the cell alone would make every unit keep the same few cells and starve the others).
    # The keys break the (rare) ties, nulls first on both engines, so the order is total.
    rank = exp.Window(
        this=exp.RowNumber(),
        partition_by=[exp.column("u")],
        order=exp.Order(
            expressions=[
                exp.Ordered(this=choice),
                *(exp.Ordered(this=k.copy(), nulls_first=True) for k in keys),
            ]
        ),
    )
    ranked = exp.select(exp.Star(), rank.as_("r")).from_(per_unit.subquery("pu"))
    rows = protection.max_rows_per_cell
    kept = exp.Case(
        ifs=[exp.If(this=exp.GT(this=exp.column("n"), expression=_num(rows)), true=_num(rows))],
        default=exp.column("n"),
    )
    selects: list[exp.Expr] = [*keys, exp.Sum(this=kept).as_("n")]
    for j, name in enumerate(measure_columns):
        # The unit's clamped sum centred on the bounds' midpoint (so its sensitivity is half
        # the range, not the largest bound), scaled down to its kept rows, in integer units
        # of 1/scale.
        bounds = protection.bounds(name)
        assert bounds is not None
        centred = exp.Sub(
            this=exp.column(f"s{j}"),
            expression=exp.Mul(this=exp.column("n"), expression=_num(bounds.midpoint)),
        )
        share = exp.Div(this=kept.copy(), expression=exp.column("n"))
        scaled = exp.Mul(
            this=exp.Mul(this=exp.paren(centred), expression=share), expression=_num(scale)
        )
        rounded = exp.Cast(this=exp.Round(this=scaled), to=exp.DataType.build("BIGINT"))
        selects.append(exp.Sum(this=rounded).as_(f"s{j}"))
    return (
        exp.select(*selects)
        .from_(ranked.subquery("ranked"))
        .where(exp.LTE(this=exp.column("r"), expression=_num(protection.max_cells_per_unit)))
        .group_by(*[k.copy() for k in keys])
    )


def render(statement: exp.Expression, dialect: str = "duckdb") -> str:
    """DuckDB's SQL (Spark's goes through dataplane/spark_sql.py, which expands the portable
    hash its own way)."""
    if any(True for _ in statement.find_all(PortableHash)):
        statement = statement.copy().transform(_duckdb_hash, copy=False)
    return statement.sql(dialect=dialect)
