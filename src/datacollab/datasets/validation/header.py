"""Header checks: the labels of the first row against the schema's field names.

As frictionless-py 5 with `fieldsMatch: "exact"` (its default): labels and fields pair
by position (table/header.py).
"""

from __future__ import annotations

from typing import Any

from datacollab.datasets.tableschema import Schema
from datacollab.datasets.validation.report import label_error


def header_errors(schema: Schema, labels: list[str]) -> list[dict[str, Any]]:
    """Errors of a present header (an empty first record is no header: none)."""
    if not labels:
        return []
    fields = schema.fields
    errors: list[dict[str, Any]] = []
    for number, label in enumerate(labels[len(fields) :], start=len(fields) + 1):
        errors.append(
            label_error(
                "extra-label", labels=labels, label=label, field_name="", field_number=number
            )
        )
    for number, f in enumerate(fields[len(labels) :], start=len(labels) + 1):
        errors.append(
            label_error(
                "missing-label", labels=labels, label="", field_name=f.name, field_number=number
            )
        )
    for number, (f, label) in enumerate(zip(fields, labels, strict=False), start=1):
        if not label:
            errors.append(
                label_error(
                    "blank-label", labels=labels, label="", field_name=f.name, field_number=number
                )
            )
            continue
        seen = [n for n, seen in enumerate(labels[: number - 1], start=1) if seen == label]
        if seen:
            errors.append(
                label_error(
                    "duplicate-label",
                    labels=labels,
                    label=label,
                    field_name=f.name,
                    field_number=number,
                    note='at position "{}"'.format(", ".join(map(str, seen))),
                )
            )
            continue
        if label != f.name:
            errors.append(
                label_error(
                    "incorrect-label",
                    labels=labels,
                    label=label,
                    field_name=f.name,
                    field_number=number,
                )
            )
    return errors
