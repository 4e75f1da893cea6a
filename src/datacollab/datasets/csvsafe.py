"""CSV cells that a spreadsheet would run as a formula get a leading single quote.

Every CSV the platform writes (downloads, Data Package exports) goes through `escape_cell`, so
a cell such as `=HYPERLINK(...)` opens as text, never as a formula (CSV/formula injection).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# The characters OWASP lists as starting a formula in Excel, LibreOffice and Google Sheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: Any) -> Any:
    """The value to write: strings starting a formula get a leading `'`; others pass through.

    Only text is escaped: numbers (including negative ones) are written by the CSV writer as
    numbers, which spreadsheets do not evaluate.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def escape_row(row: Iterable[Any]) -> list[Any]:
    return [escape_cell(value) for value in row]


def escape_sql(column_sql: str) -> str:
    """The same rule as a DuckDB expression over a VARCHAR column, for CSVs written by COPY.

    `column_sql` must be a quoted identifier or a trusted expression, never user input.
    """
    starts = ", ".join(f"chr({ord(prefix)})" for prefix in FORMULA_PREFIXES)
    return (
        f"CASE WHEN left({column_sql}, 1) IN ({starts}) "
        f"THEN '''' || {column_sql} ELSE {column_sql} END"
    )
