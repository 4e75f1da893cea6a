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


# What an English reader sees: plain sentences, Sentence case titles (frictionless's "has less
# values", "contains label", "PrimaryKey Error" could not be translated as written).
SHOWN_ENGLISH = {
    "type-error": (
        "Type error",
        'The value "y" in row 3, field "age" (column 2) does not match the field\'s type: the '
        'field\'s type is "integer" with the format "default"',
    ),
    "constraint-error": (
        "Constraint error",
        'The value "y" in row 3, field "age" (column 2) breaks a rule of the schema: the rule '
        '"minimum" is "0"',
    ),
    "unique-error": (
        "Repeated value",
        'Row 3 repeats a value in the field "age" (column 2), which must be different in every '
        "row: it is the same as in row 2",
    ),
    "extra-cell": ("Extra value", "Row 3 has an extra value in column 2, after the last column."),
    "missing-cell": ("Missing value", 'Row 3 has no value for the field "age" (column 2).'),
    "blank-row": ("Empty row", "Row 4 is empty."),
    "primary-key": (
        "Primary key error",
        "Row 5 does not have a valid primary key: its primary key fields are all empty",
    ),
    "extra-label": ("Extra column", 'The header names an extra column "a" (column 2).'),
    "missing-label": (
        "Missing column",
        'The header has no column for the field "a", which is field number 2 in the schema.',
    ),
    "blank-label": ("Column without a name", "Column 2 has no name in the header."),
    "duplicate-label": (
        "Repeated column name",
        'The column name "a" (column 2) is already used: it is also the name of column 1',
    ),
    "incorrect-label": (
        "Wrong column name",
        'The column name "a" (column 2) does not match the field name "a" in the schema.',
    ),
    "source-error": ("Unreadable data", "The data cannot be read: the file is empty"),
    "blank-header": ("Empty header", "The header row is empty."),
}


@pytest.mark.parametrize("kind", sorted(report.KINDS))
def test_report_messages_english_is_a_plain_sentence_and_the_report_keeps_its_own(
    kind: str,
) -> None:
    stored = _samples()[kind]
    kept = dict(stored)

    with translation.override(None):
        shown = shown_error(stored)

    assert (shown["title"], shown["message"]) == SHOWN_ENGLISH[kind]
    assert {
        k: v for k, v in shown.items() if k not in ("title", "description", "message", "note")
    } == {k: v for k, v in stored.items() if k not in ("title", "description", "message", "note")}
    assert stored == kept


def test_report_messages_titles_are_sentence_case() -> None:
    with translation.override(None):
        titles = [str(title) for title, _description, _message in KINDS.values()]

    assert [t for t in titles if t != t[0] + t[1:].lower()] == []


def test_report_messages_leave_frictionless_grammar_behind() -> None:
    with translation.override(None):
        english = " ".join(str(text) for texts in KINDS.values() for text in texts)

    flagged = [
        "less values",
        "contains label",
        "One of the data source header",
        "not supported or inconsistent contents",
        "is duplicated to a label",
        "compared to the header",
    ]
    assert [phrase for phrase in flagged if phrase in english] == []


def test_report_messages_show_type_error_in_spanish(tmp_path: Path) -> None:
    stored = _samples()["type-error"]
    catalogue = {
        "Type error": "Error de tipo",
        'The value "%(cell)s" in row %(rowNumber)s, field "%(fieldName)s" (column '
        "%(fieldNumber)s) does not match the field's type: %(note)s": 'El valor "%(cell)s" de '
        'la fila %(rowNumber)s, campo "%(fieldName)s" (columna %(fieldNumber)s), no es del '
        "tipo del campo: %(note)s",
        'the field\'s type is "%(type)s" with the format "%(format)s"': "el tipo del campo es "
        '"%(type)s" con el formato "%(format)s"',
    }

    with spanish(tmp_path, catalogue):
        shown = shown_error(stored)

    assert (shown["type"], shown["title"], shown["rowNumber"]) == ("type-error", "Error de tipo", 3)
    assert shown["message"] == (
        'El valor "y" de la fila 3, campo "age" (columna 2), no es del tipo del campo: el tipo '
        'del campo es "integer" con el formato "default"'
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
    catalogue = {"Type error": "Error de tipo", "Empty row": "Fila vacía"}

    with spanish(tmp_path / "locale", catalogue):
        response = client.get(
            reverse("dataset-detail", args=[dataset.slug]), headers={"accept-language": "es"}
        )

    assert response.context["report"]["errors"] == [
        ("blank-row", 1, "Fila vacía"),
        ("type-error", 2, "Error de tipo"),
    ]
    assert "<li>Error de tipo (<code>type-error</code>): 2</li>" in response.content.decode()


def test_report_messages_repeated_row_note_english_is_the_same_for_value_and_key() -> None:
    with translation.override(None):
        shown = [
            note_text("the same as in the row at position 2", kind)
            for kind in ("unique-error", "primary-key")
        ]

    assert shown == ["it is the same as in row 2", "it is the same as in row 2"]


def test_report_messages_repeated_value_and_repeated_key_translate_apart(tmp_path: Path) -> None:
    """Spanish says "el mismo" of a value and "la misma" of a key: two messages, by context."""
    catalogue = {
        "a repeated value\x04it is the same as in row %(row)s": "es el mismo que en la fila "
        "%(row)s",
        "a repeated primary key\x04it is the same as in row %(row)s": "es la misma que en la "
        "fila %(row)s",
    }
    unique = report.cell_error("unique-error", note="the same as in the row at position 2", **CELL)
    key = report.row_error(
        "primary-key", row=5, cells=[], note="the same as in the row at position 2"
    )

    with spanish(tmp_path, catalogue):
        shown = [shown_error(unique)["note"], shown_error(key)["note"]]

    assert shown == ["es el mismo que en la fila 2", "es la misma que en la fila 2"]


def test_report_messages_repeated_column_name_of_several_columns_is_plural() -> None:
    error = report.label_error("duplicate-label", note='at position "1, 3"', **LABEL)

    with translation.override(None):
        shown = shown_error(error)

    assert shown["message"] == (
        'The column name "a" (column 2) is already used: it is also the name of columns 1, 3'
    )


def test_report_messages_repeated_column_name_plural_goes_through_ngettext(tmp_path: Path) -> None:
    catalogue = {
        "it is also the name of column %(positions)s\x00it is also the name of columns "
        "%(positions)s": "también es el nombre de la columna %(positions)s\x00también es el "
        "nombre de las columnas %(positions)s",
    }

    with spanish(tmp_path, catalogue):
        shown = [note_text('at position "1"'), note_text('at position "1, 3"')]

    assert shown == [
        "también es el nombre de la columna 1",
        "también es el nombre de las columnas 1, 3",
    ]
