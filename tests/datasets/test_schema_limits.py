"""Red-team finding 3: a given Table Schema is bounded before it is parsed, and checked linearly.

The attacks replayed: a 9 MB `schema` of 250,000 fields (a core at 100% for 20 minutes, from
the quadratic duplicate-name check) and JSON nested 100,000 deep (a 500 RecursionError).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from hypothesis import given
from hypothesis import settings as fuzz_settings
from hypothesis import strategies as st

from datacollab.datasets.models import Upload
from datacollab.datasets.schema_limits import (
    SchemaLimits,
    SchemaTooLarge,
    _depth_of,
    check_schema_structure,
    check_schema_text,
    load_schema_text,
    nesting_depth,
)
from datacollab.datasets.tableschema import SchemaError, parse_schema
from tests.datasets.factories_ingest import (
    ingest_dirs_fixture,  # noqa: F401 - a fixture, used by name
    owner_and_dataset,
)
from tests.factories_api import bearer, make_token

CSV = b"id,vehicle\n1,bike-1\n"
LIMITS = SchemaLimits()


def _wide_schema(count: int) -> str:
    # Each name twice (as the attack's), 36 bytes a field: 250,000 fields are 9 MB.
    field = '{{"name": "f{:06d}", "type": "string"}}'
    fields = ",".join(field.format(i % 125_000) for i in range(count))
    return '{"fields": [' + fields + "]}"


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


WIDE = _wide_schema(250_000)
DEEP = _deep(100_000)


def test_wide_schema_payload_is_the_attack_size():
    assert (len(WIDE) > 9_000_000, WIDE.count('"name"')) == (True, 250_000)


def test_check_schema_text_refuses_the_wide_payload_by_its_size():
    with pytest.raises(SchemaTooLarge) as caught:
        check_schema_text(WIDE, LIMITS)
    assert caught.value.message == (
        f"The schema is {len(WIDE)} bytes, more than the 1048576 allowed "
        "(DATASETS_SCHEMA_MAX_BYTES)."
    )


def test_check_schema_text_refuses_the_deep_payload_before_json_loads():
    with pytest.raises(SchemaTooLarge) as caught:
        check_schema_text(DEEP, LIMITS)
    assert caught.value.message == (
        "The schema nests objects and lists more than 32 levels deep "
        "(DATASETS_SCHEMA_MAX_DEPTH): a Table Schema needs four."
    )


def test_nesting_depth_skips_brackets_inside_strings():
    text = '{"fields": [{"name": "[[[{{{", "constraints": {"enum": ["a\\"]]]"]}}]}'
    assert nesting_depth(text) == 5


def test_nesting_depth_of_an_unterminated_string_of_escaped_quotes_is_zero():
    assert nesting_depth('"' + '\\"' * 400_000) == 0


def test_load_schema_text_refuses_too_many_fields_after_the_cheap_checks():
    text = _wide_schema(2_001)
    with pytest.raises(SchemaTooLarge) as caught:
        load_schema_text(text, LIMITS)
    assert caught.value.message == (
        "The schema has 2001 fields, more than the 2000 allowed (DATASETS_SCHEMA_MAX_FIELDS)."
    )


def test_load_schema_text_reads_a_normal_schema():
    text = '{"fields": [{"name": "id", "type": "integer"}], "primaryKey": "id"}'
    assert load_schema_text(text, LIMITS) == json.loads(text)


def test_check_schema_structure_refuses_a_built_schema_nested_too_deep():
    schema: dict = {"fields": [{"name": "a"}]}
    node = schema["fields"][0]
    for _ in range(40):
        node["x"] = {}
        node = node["x"]
    with pytest.raises(SchemaTooLarge):
        check_schema_structure(schema, LIMITS)


def test_duplicate_name_check_on_250000_fields_completes():
    # Quadratic before (names.count per name): minutes. Linear now: a plain test.
    descriptor = json.loads(WIDE)
    with pytest.raises(SchemaError) as caught:
        parse_schema(descriptor)
    assert len(caught.value.problems) == 125_000
    assert caught.value.problems[0] == "field name 'f000000' is used more than once"


@pytest.fixture
def owner_token(db, ingest_dirs):
    owner, dataset = owner_and_dataset(spectrum="group")
    _, secret = make_token(owner)
    return owner, dataset, secret


def _post_schema(dataset, secret, schema: str):
    data = {"file": SimpleUploadedFile("bikes.csv", CSV), "schema": schema}
    return Client().post(f"/api/v1/datasets/{dataset.slug}/uploads", data, **bearer(secret))


def test_api_upload_with_the_250000_field_schema_is_400(owner_token):
    _, dataset, secret = owner_token
    response = _post_schema(dataset, secret, WIDE)
    assert response.status_code == 400
    assert response.json() == {
        "error": "schema_too_large",
        "message": f"The schema is {len(WIDE)} bytes, more than the 1048576 allowed "
        "(DATASETS_SCHEMA_MAX_BYTES).",
        "parameter": "schema",
        "action": None,
    }
    assert Upload.objects.count() == 0


def test_api_upload_with_a_schema_nested_100000_deep_is_400_not_500(owner_token):
    _, dataset, secret = owner_token
    response = _post_schema(dataset, secret, DEEP)
    assert response.status_code == 400
    assert response.json()["error"] == "schema_too_large"
    assert response.json()["parameter"] == "schema"
    assert Upload.objects.count() == 0


def test_api_upload_with_2001_fields_is_400(owner_token, settings):
    _, dataset, secret = owner_token
    response = _post_schema(dataset, secret, _wide_schema(2_001))
    assert response.status_code == 400
    assert response.json()["message"] == (
        "The schema has 2001 fields, more than the 2000 allowed (DATASETS_SCHEMA_MAX_FIELDS)."
    )


def test_ingest_command_refuses_a_deep_schema_file(owner_token, tmp_path):
    owner, dataset, _ = owner_token
    data = tmp_path / "bikes.csv"
    data.write_bytes(CSV)
    schema = tmp_path / "schema.json"
    schema.write_text(_deep(5_000))
    with pytest.raises(CommandError) as caught:
        call_command(
            "ingest", str(data), dataset=dataset.slug, as_email=owner.email, schema=str(schema)
        )
    assert str(caught.value) == (
        f"{schema}: The schema nests objects and lists more than 32 levels deep "
        "(DATASETS_SCHEMA_MAX_DEPTH): a Table Schema needs four."
    )
    assert Upload.objects.count() == 0


def test_ingest_command_refuses_a_huge_schema_file_without_reading_it_whole(
    owner_token, tmp_path: Path
):
    owner, dataset, _ = owner_token
    data = tmp_path / "bikes.csv"
    data.write_bytes(CSV)
    schema = tmp_path / "schema.json"
    schema.write_text(WIDE)
    with pytest.raises(CommandError) as caught:
        call_command(
            "ingest", str(data), dataset=dataset.slug, as_email=owner.email, schema=str(schema)
        )
    # Only the limit plus one byte was read, so that is the size reported.
    assert str(caught.value) == (
        f"{schema}: The schema is 1048577 bytes, more than the 1048576 allowed "
        "(DATASETS_SCHEMA_MAX_BYTES)."
    )


def test_schema_editor_service_refuses_a_schema_past_the_limits_before_the_worker(
    owner_token, settings
):
    from datacollab.datasets.services.schema_edit import check_schema_edit
    from tests.datasets.factories_formats import make_version

    owner, dataset, _ = owner_token
    base = make_version(dataset, {"id": [1]}, {"fields": [{"name": "id", "type": "integer"}]})
    settings.DATASETS_SCHEMA_MAX_DEPTH = 4
    deep = {"fields": [{"name": "id", "type": "integer", "constraints": {"enum": [[[1]]]}}]}

    with pytest.raises(SchemaTooLarge) as caught:
        check_schema_edit(actor=owner, dataset=dataset, schema=deep)

    assert caught.value.message == (
        "The schema nests objects and lists more than 4 levels deep "
        "(DATASETS_SCHEMA_MAX_DEPTH): a Table Schema needs four."
    )
    assert base.schema == {"fields": [{"name": "id", "type": "integer"}]}


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet='[]{}"\\ab,:\n'),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(alphabet='[]{}"\\ab', max_size=5), children, max_size=4)
    ),
    max_leaves=30,
)


@fuzz_settings(max_examples=300, deadline=None)
@given(value=JSON)
def test_nesting_depth_of_any_json_text_is_its_parsed_depth(value):
    # The text scan (before parsing) and the walk of the parsed value agree, whatever
    # brackets, quotes and backslashes the strings hold.
    assert nesting_depth(json.dumps(value)) == _depth_of(value, limit=10**6)
