"""Errors and reports in frictionless-py 5's JSON layout (`frictionless validate --json`).

Titles, descriptions, message templates and key order are copied from frictionless's
errors/*.py so a report reads the same whichever tool wrote it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

_SAME_LENGTH = (
    "This row has {} values compared to the header row (the first row in the data source). "
    "A key concept is that all the rows in tabular data must have the same number of columns."
)
KINDS: dict[str, tuple[str, str, str]] = {
    "type-error": (
        "Type Error",
        "The value does not match the schema type and format for this field.",
        'Type error in the cell "{cell}" in row "{rowNumber}" and field "{fieldName}" at '
        'position "{fieldNumber}": {note}',
    ),
    "constraint-error": (
        "Constraint Error",
        "A field value does not conform to a constraint.",
        'The cell "{cell}" in row at position "{rowNumber}" and field "{fieldName}" at '
        'position "{fieldNumber}" does not conform to a constraint: {note}',
    ),
    "unique-error": (
        "Unique Error",
        "This field is a unique field but it contains a value that has been used in another row.",
        'Row at position "{rowNumber}" has unique constraint violation in field '
        '"{fieldName}" at position "{fieldNumber}": {note}',
    ),
    "extra-cell": (
        "Extra Cell",
        _SAME_LENGTH.format("more"),
        'Row at position "{rowNumber}" has an extra value in field at position "{fieldNumber}"',
    ),
    "missing-cell": (
        "Missing Cell",
        _SAME_LENGTH.format("less"),
        'Row at position "{rowNumber}" has a missing cell in field "{fieldName}" at position '
        '"{fieldNumber}"',
    ),
    "blank-row": (
        "Blank Row",
        "This row is empty. A row should contain at least one value.",
        'Row at position "{rowNumber}" is completely blank',
    ),
    "primary-key": (
        "PrimaryKey Error",
        "Values in the primary key fields should be unique for every row",
        'Row at position "{rowNumber}" violates the primary key: {note}',
    ),
    "extra-label": (
        "Extra Label",
        "The header of the data source contains label that does not exist in the provided schema.",
        'There is an extra label "{label}" in header at position "{fieldNumber}"',
    ),
    "missing-label": (
        "Missing Label",
        "Based on the schema there should be a label that is missing in the data's header.",
        'There is a missing label in the header\'s field "{fieldName}" at position "{fieldNumber}"',
    ),
    "blank-label": (
        "Blank Label",
        "A label in the header row is missing a value. Label should be provided and not be blank.",
        'Label in the header in field at position "{fieldNumber}" is blank',
    ),
    "duplicate-label": (
        "Duplicate Label",
        "Two columns in the header row have the same value. Column names should be unique.",
        'Label "{label}" in the header at position "{fieldNumber}" is duplicated to a label: '
        "{note}",
    ),
    "incorrect-label": (
        "Incorrect Label",
        "One of the data source header does not match the field name defined in the schema.",
        'Label "{label}" in field {fieldName} at position "{fieldNumber}" does not match the '
        "field name in the schema",
    ),
    "source-error": (
        "Source Error",
        "Data reading error because of not supported or inconsistent contents.",
        "The data source has not supported or has inconsistent contents: {note}",
    ),
    "blank-header": (
        "Blank Header",
        "This header is empty. A header should contain at least one value.",
        "Header is completely blank",
    ),
}
CELL_TAGS = ["#table", "#row", "#cell"]
ROW_TAGS = ["#table", "#row"]
LABEL_TAGS = ["#table", "#header", "#label"]


def _error(kind: str, tags: list[str], note: str, details: dict[str, Any]) -> dict[str, Any]:
    title, description, template = KINDS[kind]
    return {
        "type": kind,
        "title": title,
        "description": description,
        "message": template.format(note=note, **details),
        "tags": tags,
        "note": note,
        **details,
    }


def cell_error(
    kind: str,
    *,
    row: int,
    cells: list[str],
    cell: str,
    field_name: str,
    field_number: int,
    note: str = "",
) -> dict[str, Any]:
    details = {
        "cells": cells,
        "rowNumber": row,
        "cell": cell,
        "fieldName": field_name,
        "fieldNumber": field_number,
    }
    return _error(kind, CELL_TAGS, note, details)


def row_error(kind: str, *, row: int, cells: list[str], note: str = "") -> dict[str, Any]:
    return _error(kind, ROW_TAGS, note, {"cells": cells, "rowNumber": row})


def label_error(
    kind: str,
    *,
    labels: list[str],
    label: str,
    field_name: str,
    field_number: int,
    note: str = "",
) -> dict[str, Any]:
    details = {
        "labels": labels,
        "rowNumbers": [1],
        "label": label,
        "fieldName": field_name,
        "fieldNumber": field_number,
    }
    return _error(kind, LABEL_TAGS, note, details)


def source_error(note: str) -> dict[str, Any]:
    return _error("source-error", [], note, {})


def resource_name(path: Path) -> str:
    return re.sub(r"[^a-z0-9._-]+", "-", path.stem.lower()).strip("-") or "table"


def build_report(
    *,
    path: Path,
    labels: list[str],
    errors: list[dict[str, Any]],
    error_count: int,
    warnings: list[str],
    seconds: float,
    byte_size: int,
    field_count: int,
    row_count: int,
    error_counts: dict[str, int],
) -> dict[str, Any]:
    """The report. `errors` is the capped list; `error_count` counts them all.
    `errorCounts` (errors by type) is ours: frictionless stops counting at its limit."""
    seconds = round(seconds, 3)
    valid = error_count == 0
    task = {
        "name": resource_name(path),
        "type": "table",
        "valid": valid,
        "place": str(path),
        "labels": labels,
        "stats": {
            "errors": error_count,
            "warnings": len(warnings),
            "seconds": seconds,
            "bytes": byte_size,
            "fields": field_count,
            "rows": row_count,
            "errorCounts": error_counts,
        },
        "warnings": warnings,
        "errors": errors,
    }
    return {
        "valid": valid,
        "stats": {
            "tasks": 1,
            "errors": error_count,
            "warnings": len(warnings),
            "seconds": seconds,
        },
        "warnings": [],
        "errors": [],
        "tasks": [task],
    }
