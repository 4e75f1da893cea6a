"""CSV cells and header names that a spreadsheet would run as a formula get a leading quote.

Every CSV the platform writes (downloads, Data Package exports) goes through these rules, so a
cell or a column name such as `=HYPERLINK(...)` opens as text, never as a formula (CSV/formula
injection). Spreadsheets also evaluate look-alikes: a formula after leading spaces or control
characters, and the full-width signs `＝ ＋ － ＠` that some (in CJK locales) read as `= + - @`.
The Python rule (`is_formula`) and the DuckDB one (`formula_sql`) are built from the same lists.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

# The characters OWASP lists as starting a formula in Excel, LibreOffice and Google Sheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Signs that start a formula, ASCII and full-width, even after leading blanks.
_SIGNS = (0x3D, 0x2B, 0x2D, 0x40, 0xFF1D, 0xFF0B, 0xFF0D, 0xFF20)
# What a spreadsheet may skip before the sign: ASCII controls and space, DEL to NBSP,
# the Unicode spaces and invisible format characters, the ideographic space, the BOM.
_BLANKS: tuple[tuple[int, int], ...] = (
    (0x00, 0x20),
    (0x7F, 0xA0),
    (0x1680, 0x1680),
    (0x2000, 0x200F),
    (0x2028, 0x202F),
)
_BLANKS += ((0x205F, 0x206F), (0x3000, 0x3000), (0xFEFF, 0xFEFF))


def _python_class(ranges: Iterable[tuple[int, int]]) -> str:
    return "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges)


def _re2_class(ranges: Iterable[tuple[int, int]]) -> str:
    return "".join(f"\\x{{{a:04x}}}-\\x{{{b:04x}}}" for a, b in ranges)


def _pattern(char_class: Any) -> tuple[str, str]:
    blanks = char_class(_BLANKS)
    signs = char_class((c, c) for c in _SIGNS)
    return blanks, signs


_PY_BLANKS, _PY_SIGNS = _pattern(_python_class)
# Starts with tab or CR (OWASP), or a sign after any run of blanks.
_FORMULA = re.compile(f"[\\t\\r]|[{_PY_BLANKS}]*[{_PY_SIGNS}]")
_RE2_BLANKS, _RE2_SIGNS = _pattern(_re2_class)
FORMULA_RE2 = f"^([\\t\\r]|[{_RE2_BLANKS}]*[{_RE2_SIGNS}])"


def is_formula(text: str) -> bool:
    return _FORMULA.match(text) is not None


def escape_cell(value: Any) -> Any:
    """The value to write: strings starting a formula get a leading `'`; others pass through.

    Only text is escaped: numbers (including negative ones) are written by the CSV writer as
    numbers, which spreadsheets do not evaluate.
    """
    if isinstance(value, str) and is_formula(value):
        return "'" + value
    return value


def escape_name(name: str) -> str:
    """A column name for a CSV header row: the same rule as a cell."""
    return "'" + name if is_formula(name) else name


def escape_row(row: Iterable[Any]) -> list[Any]:
    return [escape_cell(value) for value in row]


def formula_sql(column_sql: str) -> str:
    """A DuckDB condition: the VARCHAR `column_sql` starts a formula (as `is_formula`).

    `column_sql` must be a quoted identifier or a trusted expression, never user input.
    """
    return f"regexp_matches({column_sql}, '{FORMULA_RE2}')"


def escape_sql(column_sql: str) -> str:
    """The same rule as a DuckDB expression over a VARCHAR column, for CSVs written by COPY.

    `column_sql` must be a quoted identifier or a trusted expression, never user input.
    """
    return f"CASE WHEN {formula_sql(column_sql)} THEN '''' || {column_sql} ELSE {column_sql} END"
