"""How each Table Schema type reads a cell, written as DuckDB SQL over a whole column.

Every rule mirrors frictionless-py 5's field readers (fields/*.py), which are Python
functions per cell; here each is one vectorised expression. Each type has a cheap fast
test for the common spelling (plain ASCII digits, ISO dates) and the exact general rule
for whatever the fast test rejects, so clean columns cost one regex per cell.

Casts are never trusted alone: DuckDB's TRY_CAST('17.5' AS INTEGER) is 18 and it reads
'2021-03-04T10:00:00+05:00' AS TIMESTAMP by dropping the offset, so a regex decides
whether a cell is well formed and the cast only computes the value of a cell that is.

`c` below is a SQL expression of type VARCHAR: NULL for a missing cell (a short row),
the text otherwise. Parquet columns that are already typed go through `typed_*`.
"""

from __future__ import annotations

import _strptime
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

from datacollab.datasets.tableschema import Field
from datacollab.datasets.validation.sql import lit, one_of

# Python's str.strip() removes exactly the characters for which str.isspace() is true.
_WS_CHARS = "".join(ch for ch in map(chr, range(0x3001)) if ch.isspace())
WS = "[" + "".join(f"\\x{{{ord(ch):x}}}" for ch in _WS_CHARS) + "]"
# int() and Decimal() read any character with a Unicode decimal value as a digit.
D = r"\p{Nd}"
TZ = r"(?:[Zz]|[+-](?:[01][0-9]|2[0-3])(?::?[0-5][0-9])?)"
CLOCK = r"(?:(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:[.,][0-9]+)?|24:00:00(?:[.,]0+)?)"


@cache
def _digit_map() -> tuple[str, str]:
    chars = [
        ch for ch in map(chr, range(0x80, 0x20000)) if unicodedata.decimal(ch, None) is not None
    ]
    return "".join(chars), "".join(str(unicodedata.decimal(ch)) for ch in chars)


def strip(c: str) -> str:
    return f"regexp_replace({c}, '^{WS}+|{WS}+$', '', 'g')"


def ascii_digits(c: str) -> str:
    """Unicode digits as ASCII ones; translate() is slow, so only for non-ASCII text."""
    source, target = _digit_map()
    return (
        f"CASE WHEN strlen({c}) = length({c}) THEN {c} "
        f"ELSE translate({c}, {lit(source)}, {lit(target)}) END"
    )


def either(first: str, second: str) -> str:
    """`first OR second`, evaluating `second` only where `first` fails: DuckDB computes both
    sides of an OR in a projection, and the exact rules are the costly ones."""
    return f"(CASE WHEN {first} THEN true ELSE {second} END)"


def full(c: str, pattern: str) -> str:
    return f"regexp_full_match({c}, {lit(pattern)})"


@dataclass(frozen=True)
class CellSQL:
    """The SQL that reads one field's cells: `ok` assumes the cell is present and not a
    missing value; `value` is the typed value when `ok` holds.

    `steps` are named expressions (`@name@` in `ok`, `value` and later steps) that a plan
    computes once per cell, as a column, before `ok` and `value` use them: DuckDB does not
    share a sub-expression between a CASE's condition and its branches, so a cast written
    in both would run twice."""

    ok: str
    value: str
    duck_type: str
    steps: tuple[tuple[str, str], ...] = ()

    def inline(self) -> CellSQL:
        """The same SQL with every step written out in place (for one-off queries)."""
        expanded: dict[str, str] = {}
        for name, sql in self.steps:
            expanded[name] = f"({_substitute(sql, expanded)})"
        return CellSQL(
            ok=_substitute(self.ok, expanded),
            value=_substitute(self.value, expanded),
            duck_type=self.duck_type,
        )


def _substitute(sql: str, columns: dict[str, str]) -> str:
    for name, column in columns.items():
        sql = sql.replace(f"@{name}@", column)
    return sql


def cell_sql(field: Field, c: str, *, inline: bool = True) -> CellSQL:
    """SQL for a text cell (CSV, TSV, or a Parquet string column); `inline=False` keeps
    the steps apart for a plan to compute them as columns."""
    builder = _TEXT_BUILDERS.get(field.type)
    if builder is None or _unchecked_format(field):
        return CellSQL(ok="true", value=c, duck_type="VARCHAR")
    cell = builder(field, c)
    return cell.inline() if inline else cell


def _unchecked_format(field: Field) -> bool:
    if field.type == "string":
        return field.format not in ("default", "uuid")
    return field.type in ("date", "datetime", "time") and field.format == "any"


def _string(field: Field, c: str) -> CellSQL:
    if field.format == "uuid":
        # uuid.UUID(): drops 'urn:' / 'uuid:', the outer braces and every hyphen.
        bare = f"replace(trim(replace(replace({c}, 'urn:', ''), 'uuid:', ''), '{{}}'), '-', '')"
        return CellSQL(ok=full(bare, "[0-9a-fA-F]{32}"), value=c, duck_type="VARCHAR")
    return CellSQL(ok="true", value=c, duck_type="VARCHAR")


def _int_text(c: str, name: str = "i") -> tuple[str, str, tuple[tuple[str, str], ...]]:
    """(ok, value, steps) for Python's int(str): sign, Unicode digits, single underscores,
    spaces.

    Fast path: the cell is exactly how DuckDB writes the integer it casts to, so it is a
    plain '-?[0-9]+' (a lenient cast such as '17.5' -> 18 cannot write back the same).
    Unlike Python, an integer must fit 64 bits (it is stored as a Parquet BIGINT)."""
    cast, fast = f"@{name}cast@", f"@{name}fast@"
    steps = (
        (f"{name}cast", f"TRY_CAST({c} AS BIGINT)"),
        (f"{name}fast", f"(CAST({cast} AS VARCHAR) = {c})"),
    )
    exact = full(c, f"{WS}*[+-]?{D}+(?:_{D}+)*{WS}*")
    slow_value = f"TRY_CAST(replace({ascii_digits(strip(c))}, '_', '') AS BIGINT)"
    value = f"CASE WHEN {fast} THEN {cast} WHEN {exact} THEN {slow_value} END"
    return either(fast, f"({exact} AND {slow_value} IS NOT NULL)"), value, steps


def _integer(field: Field, c: str) -> CellSQL:
    if not field.bare_number:
        # frictionless strips leading non-digits (but '-') and trailing non-digits first.
        c = f"regexp_replace({strip(c)}, '^[^-{D}]*|[^{D}]*$', '', 'g')"
    ok, value, steps = _int_text(c)
    return CellSQL(ok=ok, value=value, duck_type="BIGINT", steps=steps)


def _number(field: Field, c: str) -> CellSQL:
    # Fast path: DuckDB's DOUBLE cast accepts a subset of what Decimal() reads once the
    # first character is a digit, '-' or '.' (it also takes '+-1', which Decimal does not).
    steps: tuple[tuple[str, str], ...] = (
        ("cast", f"TRY_CAST({c} AS DOUBLE)"),
        ("fast", f"({c} >= '-' AND {c} < ':' AND @cast@ IS NOT NULL)"),
    )
    fast, cast = "@fast@", "@cast@"
    guard = "true"
    if field.group_char is not None or field.decimal_char is not None:
        group, decimal = field.group_char or "", field.decimal_char or "."
        c = strip(c)
        if not field.bare_number:
            c = f"regexp_replace({c}, '^[^-{D}]*|[^{D}]*$', '', 'g')"
        if group:
            c = f"replace({c}, {lit(group)}, '')"
        if decimal != ".":
            guard = f"NOT contains({c}, '.')"
            c = f"replace({c}, {lit(decimal)}, '.')"
        fast, steps = "false", ()
    # Decimal() strips spaces, drops every underscore, then reads sign, digits, point,
    # exponent, inf or nan, with no space left anywhere.
    bare = f"replace({strip(c)}, '_', '')"
    nan = full(bare, f"[+-]?(?i:s?nan){D}*")
    exact = full(bare, f"[+-]?(?:(?:{D}+(?:\\.{D}*)?|\\.{D}+)(?:[eE][+-]?{D}+)?|(?i:inf|infinity))")
    ok = f"({guard} AND {either(fast, either(exact, nan))})"
    # (Without the fast path its step is gone too: the value must not name it.)
    fast_value = f"WHEN {fast} THEN {cast} " if steps else ""
    value = (
        f"CASE {fast_value}WHEN {nan} THEN 'NaN'::DOUBLE "
        f"WHEN {exact} THEN TRY_CAST({ascii_digits(bare)} AS DOUBLE) END"
    )
    return CellSQL(ok=ok, value=value, duck_type="DOUBLE", steps=steps)


def _boolean(field: Field, c: str) -> CellSQL:
    known = list(field.true_values) + list(field.false_values)
    ok = one_of(c, [lit(v) for v in known])
    # A value listed as both reads as false, as in frictionless (false values are mapped last).
    trues = [v for v in field.true_values if v not in field.false_values]
    value = one_of(c, [lit(v) for v in trues])
    return CellSQL(ok=ok, value=f"CASE WHEN {ok} THEN {value} END", duck_type="BOOLEAN")


def _date(field: Field, c: str) -> CellSQL:
    if field.format == "default":
        # Fast path: the cell is exactly how DuckDB writes the date it casts to (and has
        # the four-digit year strptime's %Y wants: DuckDB also writes five-digit years).
        steps = (
            ("cast", f"TRY_CAST({c} AS DATE)"),
            ("fast", f"(strlen({c}) = 10 AND CAST(@cast@ AS VARCHAR) = {c})"),
        )
        # strptime('%Y-%m-%d') also takes one-digit months and days, and ' 5' for a day.
        parts = (
            f"regexp_extract({c}, '^([0-9]{{4}})-(1[0-2]|0[1-9]|[1-9])-"
            f"(3[01]|[12][0-9]|0[1-9]|[1-9]| [1-9])$', ['y', 'm', 'd'])"
        )
        slow = (
            f"CASE WHEN NOT list_contains(['', '0000'], {parts}.y) "
            f"THEN TRY_CAST({parts}.y || '-' || {parts}.m || '-' || trim({parts}.d) AS DATE) END"
        )
        value = f"CASE WHEN @fast@ THEN @cast@ ELSE {slow} END"
        ok = f"(CASE WHEN @fast@ THEN true ELSE {slow} IS NOT NULL END)"
        return CellSQL(ok=ok, value=value, duck_type="DATE", steps=steps)
    return _strptime_cell(field, c, "DATE")


def _strptime_cell(field: Field, c: str, duck_type: str) -> CellSQL:
    # The regex Python's own strptime matches with; DuckDB's strptime computes the value.
    pattern = "(?i)" + python_strptime_regex(field.format)
    value = f"CASE WHEN {full(c, pattern)} THEN try_strptime({c}, {lit(field.format)}) END"
    if duck_type == "TIME":
        value = f"CAST({value} AS TIME)"
    elif duck_type == "DATE":
        value = f"CAST({value} AS DATE)"
    return CellSQL(ok=f"({value} IS NOT NULL)", value=value, duck_type=duck_type)


@cache
def python_strptime_regex(fmt: str) -> str:
    return str(_strptime._TimeRE_cache.pattern(fmt))


# The common spellings of an ISO datetime whose day is sure to exist: a year other than 0000,
# a month, a day the month has (February up to the 28th), hours, minutes, seconds, an
# optional fraction and offset. Every cell it matches matches _FAST below and has a real day.
_SURE = (
    "(?:[1-9][0-9]{3}|0(?:[1-9][0-9]{2}|0[1-9][0-9]|00[1-9]))-"
    "(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    "|02-(?:0[1-9]|1[0-9]|2[0-8]))[T ]"
    "(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
    r"(?:\.[0-9]{1,6})?(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])?"
)
# The same but for the length of the month and the year 0000.
_FAST = (
    "[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])[T ]"
    "(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
    r"(?:\.[0-9]{1,6})?(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])?"
)


def datetime_exact(c: str) -> str:
    """The value dateutil's isoparse gives a cell as frictionless calls it, NULL when it
    gives none: the general rule, which the fast paths of _datetime only short-cut."""
    exact = full(c, f"[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}[\\x00-\\x7f]{CLOCK}{TZ}?")
    norm = f"upper(replace(substr({c}, 1, 10) || ' ' || substr({c}, 12), ',', '.'))"
    return f"CASE WHEN {exact} AND NOT starts_with({c}, '0000') THEN {_VIA_OFFSET.format(norm)} END"


_VIA_OFFSET = "TRY_CAST(TRY_CAST({} AS TIMESTAMPTZ) AS TIMESTAMP)"


def _datetime(field: Field, c: str) -> CellSQL:
    if field.format != "default":
        return _strptime_cell(field, c, "TIMESTAMP")
    # dateutil's isoparse as frictionless calls it: a ':' at index 16, at least 19 chars,
    # any one ASCII separator between date and time, '.' or ',' before the fraction.
    # Three tiers, each tried only where the one before fails (a CASE evaluates a branch
    # for its rows alone): _SURE, one regex that also knows the month lengths; _FAST, which
    # leaves a day past the 28th to a cast of the date alone; then the exact rule.
    real_day = (
        f"CASE WHEN starts_with({c}, '0000') THEN false WHEN substr({c}, 9, 2) <= '28' "
        f"THEN true ELSE TRY_CAST(substr({c}, 1, 10) AS DATE) IS NOT NULL END"
    )
    fast = full(c, _FAST)
    slow = datetime_exact(c)
    steps = (
        ("sure", full(c, _SURE)),
        (
            "ok",
            f"(CASE WHEN @sure@ THEN true WHEN {fast} THEN {real_day} ELSE {slow} IS NOT NULL END)",
        ),
    )
    # A fast-path cell without an offset (it ends in the seconds or their fraction, so
    # neither in 'Z' nor in '+HH:MM' or '-HH:MM') is a wall-clock reading: the plain
    # TIMESTAMP cast gives it, several times cheaper than going through TIMESTAMPTZ
    # (which, in the UTC session validation runs in, gives the same reading).
    # (list_contains, not NOT IN: the scan then has no IN list and is planned only once.)
    offset_sign = f"list_contains(['+', '-'], substr({c}, -6, 1))"
    plain = f"(strlen({c}) = 19 OR (NOT suffix({c}, 'Z') AND NOT {offset_sign}))"
    fast_value = (
        f"CASE WHEN {plain} THEN TRY_CAST({c} AS TIMESTAMP) ELSE {_VIA_OFFSET.format(c)} END"
    )
    value = (
        f"CASE WHEN @ok@ THEN CASE WHEN @sure@ THEN {fast_value} WHEN {fast} THEN {fast_value} "
        f"ELSE {slow} END END"
    )
    return CellSQL(ok="@ok@", value=value, duck_type="TIMESTAMP", steps=steps)


def _time(field: Field, c: str) -> CellSQL:
    if field.format != "default":
        return _strptime_cell(field, c, "TIME")
    ok = full(c, f"{CLOCK}{TZ}?")
    # The offset is dropped: a time of day compares by its clock reading.
    clock = f"replace(regexp_extract({c}, '^([0-9:]{{8}}(?:[.,][0-9]{{1,6}})?)', 1), ',', '.')"
    value = (
        f"CASE WHEN {ok} THEN TRY_CAST(CASE WHEN starts_with({c}, '24') THEN '00:00:00' "
        f"ELSE {clock} END AS TIME) END"
    )
    return CellSQL(ok=ok, value=value, duck_type="TIME")


def _year(field: Field, c: str) -> CellSQL:
    ok_int, value_int, steps = _int_text(c)
    fast = full(c, "[0-9]{4}")
    value = (
        f"CASE WHEN {fast} THEN TRY_CAST({c} AS INTEGER) WHEN length({c}) = 4 AND {ok_int} "
        f"THEN CASE WHEN {value_int} BETWEEN 0 AND 9999 THEN CAST({value_int} AS INTEGER) "
        "END END"
    )
    return CellSQL(ok=f"({value} IS NOT NULL)", value=value, duck_type="INTEGER", steps=steps)


def _yearmonth(field: Field, c: str) -> CellSQL:
    parts = f"regexp_extract({c}, '^([^-]*)-([^-]*)$', ['y', 'm'])"
    ok_y, value_y, steps_y = _int_text(f"{parts}.y", "y")
    ok_m, value_m, steps_m = _int_text(f"{parts}.m", "m")
    value = (
        f"CASE WHEN {ok_y} AND {ok_m} AND {value_m} BETWEEN 1 AND 12 "
        f"THEN TRY(make_date(CAST({value_y} AS INTEGER), CAST({value_m} AS INTEGER), 1)) END"
    )
    ok = f"({value} IS NOT NULL)"
    return CellSQL(ok=ok, value=value, duck_type="DATE", steps=steps_y + steps_m)


_TEXT_BUILDERS = {
    "string": _string,
    "integer": _integer,
    "number": _number,
    "boolean": _boolean,
    "date": _date,
    "datetime": _datetime,
    "time": _time,
    "year": _year,
    "yearmonth": _yearmonth,
}

# Parquet columns that already carry a type: frictionless reads the Python value.
_SIGNED = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT")
_INTEGERS = frozenset(_SIGNED) | frozenset("U" + name for name in _SIGNED)
_FLOATS = ("FLOAT", "DOUBLE")


def typed_cell_sql(field: Field, c: str, column_type: str) -> CellSQL:
    """SQL for a Parquet column whose DuckDB type is not VARCHAR."""
    kind = field.type
    base = column_type.split("(")[0]
    is_int = base in _INTEGERS
    is_float = base in _FLOATS
    is_decimal = base == "DECIMAL"
    if kind == "any" or kind not in _TEXT_BUILDERS or _unchecked_format(field):
        return CellSQL(ok="true", value=f"CAST({c} AS VARCHAR)", duck_type="VARCHAR")
    if kind == "integer":
        if is_int:
            ok = f"(TRY_CAST({c} AS BIGINT) IS NOT NULL)"
            return CellSQL(ok=ok, value=f"TRY_CAST({c} AS BIGINT)", duck_type="BIGINT")
        if is_float or is_decimal:
            ok = f"(isfinite(CAST({c} AS DOUBLE)) AND {c} = floor({c}))"
            value = f"CASE WHEN {ok} THEN TRY_CAST({c} AS BIGINT) END"
            return CellSQL(ok=f"({value} IS NOT NULL)", value=value, duck_type="BIGINT")
    if kind == "number" and (is_int or is_float or is_decimal):
        return CellSQL(ok="true", value=f"CAST({c} AS DOUBLE)", duck_type="DOUBLE")
    if kind == "boolean" and base == "BOOLEAN":
        return CellSQL(ok="true", value=c, duck_type="BOOLEAN")
    if kind == "date":
        if base == "DATE":
            return CellSQL(ok="true", value=c, duck_type="DATE")
        if base.startswith("TIMESTAMP"):
            ok = f"(CAST({c} AS TIME) = TIME '00:00:00')"
            return CellSQL(ok=ok, value=f"CAST({c} AS DATE)", duck_type="DATE")
    if kind == "datetime" and base.startswith("TIMESTAMP"):
        return CellSQL(ok="true", value=f"CAST({c} AS TIMESTAMP)", duck_type="TIMESTAMP")
    if kind == "time" and base.startswith("TIME") and not base.startswith("TIMESTAMP"):
        return CellSQL(ok="true", value=f"CAST({c} AS TIME)", duck_type="TIME")
    if kind == "year" and is_int:
        ok = f"({c} BETWEEN 0 AND 9999)"
        return CellSQL(ok=ok, value=f"CAST({c} AS INTEGER)", duck_type="INTEGER")
    # Any other pairing is a type error for every present cell, as in frictionless.
    return CellSQL(ok="false", value="NULL", duck_type=_TEXT_BUILDERS[kind](field, "''").duck_type)


def missing_sql(missing_values: tuple[str, ...], c: str, *, text: bool = True) -> str:
    """A cell frictionless reads as None: absent, or equal to one of the missing values."""
    if not missing_values:
        return f"({c} IS NULL)"
    shown = c if text else f"CAST({c} AS VARCHAR)"
    return f"({c} IS NULL OR {one_of(shown, [lit(v) for v in missing_values])})"


def constraint_value(field: Field, value: Any) -> str | None:
    """The SQL literal a constraint value reads as (frictionless reads it with the field's
    own reader, so '5' and 5 both bound an integer); None when it does not read."""
    kind = field.type
    if isinstance(value, bool):
        return ("true" if value else "false") if kind in ("boolean", "any") else None
    if kind in ("integer", "year") and isinstance(value, int):
        return str(value)
    if kind == "integer" and isinstance(value, float) and value.is_integer():
        return str(int(value))
    if kind == "number" and isinstance(value, int | float):
        from datacollab.datasets.validation.sql import number

        return number(value)
    if isinstance(value, str):
        if kind == "any":
            return lit(value)
        cell = cell_sql(field, lit(value))
        return f"(CASE WHEN {cell.ok} THEN {cell.value} END)"
    return None
