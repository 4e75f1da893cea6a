"""Validation errors are shown in the reader's language; stored reports stay frictionless's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from datacollab.datasets.models import Spectrum
from datacollab.datasets.report_messages import KINDS, note_text, shown_error
from datacollab.datasets.validation import report
from tests.datasets.factories_access import datasets_storage, make_version  # noqa: F401
from tests.factories_data import make_dataset
from tests.i18n_catalogue import spanish

CELL = {"row": 3, "cells": ["x", "y"], "cell": "y", "field_name": "age", "field_number": 2}
LABEL = {"labels": ["a", "a"], "label": "a", "field_name": "a", "field_number": 2}


def _samples() -> dict[str, dict[str, Any]]:
    """One error of each type, with the notes the validation engine writes."""
    return {
        "type-error": report.cell_error("type-error", note='type is "integer/default"', **CELL),
        "constraint-error": report.cell_error(
            "constraint-error", note='constraint "minimum" is "0"', **CELL
        ),
        "unique-error": report.cell_error(
            "unique-error", note="the same as in the row at position 2", **CELL
        ),
        "extra-cell": report.cell_error("extra-cell", **CELL),
        "missing-cell": report.cell_error("missing-cell", **CELL),
        "blank-row": report.row_error("blank-row", row=4, cells=["", ""]),
        "primary-key": report.row_error(
            "primary-key", row=5, cells=[], note='cells composing the primary keys are all "None"'
        ),
        "extra-label": report.label_error("extra-label", **LABEL),
        "missing-label": report.label_error("missing-label", **LABEL),
        "blank-label": report.label_error("blank-label", **LABEL),
        "duplicate-label": report.label_error("duplicate-label", note='at position "1"', **LABEL),
        "incorrect-label": report.label_error("incorrect-label", **LABEL),
        "source-error": report.source_error("the source is empty"),
        "blank-header": report.label_error("blank-header", **LABEL),
    }


def test_report_messages_cover_every_error_type() -> None:
    assert sorted(KINDS) == sorted(report.KINDS) == sorted(_samples())


@pytest.mark.parametrize("kind", sorted(report.KINDS))
def test_report_messages_english_is_the_stored_english(kind: str) -> None:
    stored = _samples()[kind]

    with translation.override(None):
        shown = shown_error(stored)

    assert shown == stored


def test_report_messages_show_type_error_in_spanish(tmp_path: Path) -> None:
    stored = _samples()["type-error"]
    catalogue = {
        "Type Error": "Error de tipo",
        'Type error in the cell "%(cell)s" in row "%(rowNumber)s" and field "%(fieldName)s" '
        'at position "%(fieldNumber)s": %(note)s': 'Error de tipo en la celda "%(cell)s" de la '
        'fila "%(rowNumber)s" y el campo "%(fieldName)s" en la posición "%(fieldNumber)s": '
        "%(note)s",
        'type is "%(type)s/%(format)s"': 'el tipo es "%(type)s/%(format)s"',
    }

    with spanish(tmp_path, catalogue):
        shown = shown_error(stored)

    assert (shown["type"], shown["title"], shown["rowNumber"]) == ("type-error", "Error de tipo", 3)
    assert shown["message"] == (
        'Error de tipo en la celda "y" de la fila "3" y el campo "age" en la posición "2": '
        'el tipo es "integer/default"'
    )
    assert stored["message"].startswith('Type error in the cell "y"')


def test_report_messages_unknown_note_is_shown_as_written() -> None:
    assert note_text("a reader's own words") == "a reader's own words"


@pytest.mark.django_db
@pytest.mark.usefixtures("datasets_storage")
def test_dataset_page_names_error_types_in_the_readers_language(client, tmp_path: Path) -> None:
    dataset = make_dataset(spectrum=Spectrum.OPEN)
    errors = [_samples()["type-error"], _samples()["type-error"], _samples()["blank-row"]]
    make_version(dataset, report={"valid": False, "stats": {"errors": 3}, "errors": errors})
    catalogue = {"Type Error": "Error de tipo", "Blank Row": "Fila vacía"}

    with spanish(tmp_path / "locale", catalogue):
        response = client.get(
            reverse("dataset-detail", args=[dataset.slug]), headers={"accept-language": "es"}
        )

    assert response.context["report"]["errors"] == [
        ("blank-row", 1, "Fila vacía"),
        ("type-error", 2, "Error de tipo"),
    ]
    assert "<li>Error de tipo (<code>type-error</code>): 2</li>" in response.content.decode()
