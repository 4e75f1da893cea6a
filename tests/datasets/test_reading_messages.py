"""Schema and source problems are shown in the reader's language (issue 14)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from datacollab.datasets.ingest.messages import refusal_message
from datacollab.datasets.reading_messages import (
    SCHEMA_PROBLEMS,
    SOURCE_PROBLEMS,
    schema_problem_text,
    source_problem_text,
)
from datacollab.datasets.tableschema import SchemaError, parse_schema
from datacollab.datasets.validation.source import (
    _MAGIC,
    SourceError,
    check_width,
    open_source,
)
from tests.i18n_catalogue import spanish

BAD_SCHEMAS: list[Any] = [
    [],
    {"fields": []},
    {"fields": [{"name": "a"}, {"name": "a"}], "primaryKey": ["b"], "fieldsMatch": "subset"},
    {"fields": [{"name": "a"}], "primaryKey": 3},
    {"fields": [{"name": "a"}], "missingValues": "NA"},
    {"fields": [7]},
    {"fields": [{"name": "a", "format": 1}]},
    {"fields": [{"name": "a", "type": "colour"}]},
    {"fields": [{"name": "a", "constraints": []}]},
    {"fields": [{"name": "a", "type": "integer", "constraints": {"pattern": "x"}}]},
    {"fields": [{"name": "a", "constraints": {"enum": "x", "minLength": "1", "pattern": 2}}]},
    {"fields": [{"name": "a", "required": True}]},
    {"fields": [{"name": "a", "type": "number", "groupChar": ""}]},
]
WARNING_SCHEMA = {
    "fields": [{"name": "a", "type": "geojson"}, {"name": "b", "format": "uri-ish"}],
    "foreignKeys": [{"fields": "a"}],
}


def _schema_problems() -> list[str]:
    problems: list[str] = []
    for descriptor in BAD_SCHEMAS:
        with pytest.raises(SchemaError) as raised:
            parse_schema(descriptor)
        problems += raised.value.problems
    return problems + parse_schema(WARNING_SCHEMA).warnings


def _source_problems(tmp_path: Path) -> list[str]:
    problems = []
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    files = [empty]
    for n, magic in enumerate(_MAGIC):
        path = tmp_path / f"binary{n}.csv"
        path.write_bytes(magic + b"\0" * 16)
        files.append(path)
    for path in files:
        with (
            pytest.raises(SourceError) as raised,
            open_source(path, fmt="csv", encoding=None, delimiter=None),
        ):
            pass
        problems.append(str(raised.value))
    text = tmp_path / "t.csv"
    text.write_text("a,b\n1,2\n", encoding="utf-8")
    for delimiter in (";;", '"'):
        with (
            pytest.raises(SourceError) as raised,
            open_source(text, fmt="csv", encoding=None, delimiter=delimiter),
        ):
            pass
        problems.append(str(raised.value))
    with pytest.raises(SourceError) as raised:
        check_width(10**7)
    return [*problems, str(raised.value)]


def test_reading_messages_match_every_schema_problem_and_keep_its_english() -> None:
    problems = _schema_problems()

    unmatched = [p for p in problems if not any(r.fullmatch(p) for r, _m in SCHEMA_PROBLEMS)]
    with translation.override(None):
        shown = [schema_problem_text(p) for p in problems]

    assert len(problems) >= 20
    assert unmatched == []
    assert shown == problems


def test_reading_messages_match_source_problems_and_keep_their_english(tmp_path: Path) -> None:
    problems = _source_problems(tmp_path)

    unmatched = [p for p in problems if not any(r.fullmatch(p) for r, _m in SOURCE_PROBLEMS)]
    with translation.override(None):
        shown = [source_problem_text(p) for p in problems]

    assert unmatched == []
    assert shown == problems


def test_reading_messages_refusal_detail_in_spanish(tmp_path: Path) -> None:
    refusal = {
        "code": "schema-invalid",
        "params": {"detail": "field 'age': unknown type 'colour'; foreign keys are not checked"},
    }
    catalogue = {
        "The schema cannot be used: %(detail)s": "El esquema no se puede usar: %(detail)s",
        "field %(name)s: unknown type %(type)s": "campo %(name)s: tipo desconocido %(type)s",
    }

    with spanish(tmp_path, catalogue):
        shown = refusal_message(refusal)

    assert shown == (
        "El esquema no se puede usar: campo 'age': tipo desconocido 'colour'; "
        "foreign keys are not checked"
    )
