"""Red-team finding 8: the rows API answered 500 for a huge offset and for any call on a version
with a column named `file_row_number`. The replays, then property tests (hypothesis) that
throw arbitrary query strings and arbitrary column names at the endpoint: 200 or 400, never 500.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from datacollab.datasets.models import Spectrum
from tests.datasets.factories_formats import datasets_storage, make_version  # noqa: F401
from tests.factories_data import make_dataset

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("datasets_storage")]

SCHEMA = {
    "fields": [
        {"name": "id", "type": "integer"},
        {"name": "firm", "type": "string"},
        {"name": "speed", "type": "number"},
        {"name": "day", "type": "date"},
        {"name": "at", "type": "datetime"},
        {"name": "ok", "type": "boolean"},
        {"name": "month", "type": "yearmonth"},
    ]
}
COLUMNS = {
    "id": [1, 2, 3],
    "firm": ["Data Cargo", "Velo", None],
    "speed": [12.5, 20.0, None],
    "day": [dt.date(2024, 5, 1), dt.date(2024, 5, 2), None],
    "at": [dt.datetime(2024, 5, 1, 8, 30), None, dt.datetime(2024, 5, 3, 9, 0)],
    "ok": [True, False, None],
    "month": ["2024-05", "2024-06", None],
}
# Machine-boundary speed only: each example is one request against a 3-row Parquet file.
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _rows(slug: str, params: dict[str, Any] | None = None) -> Any:
    return Client().get(f"/api/v1/datasets/{slug}/versions/1/rows", params or {})


@pytest.fixture
def fleet():
    dataset = make_dataset(slug="fleet", spectrum=Spectrum.OPEN)
    make_version(dataset, COLUMNS, SCHEMA)
    return dataset


def test_rows_with_an_offset_past_int64_is_400_with_a_message(fleet):
    response = _rows("fleet", {"offset": "9999999999999999999"})
    assert response.status_code == 400
    assert response.json() == {
        "error": "bad_query",
        "message": "offset must be at most 1000000000000000.",
        "parameter": "offset",
        "action": None,
    }


def test_rows_with_the_largest_offset_is_an_empty_page(fleet):
    body = _rows("fleet", {"offset": str(10**15)}).json()
    assert (body["total"], body["rows"], body["next"]) == (3, [], None)


def test_rows_with_an_integer_filter_past_int64_is_400(fleet):
    response = _rows("fleet", {"id": "9999999999999999999"})
    assert response.status_code == 400
    assert response.json()["message"] == (
        "id: 9999999999999999999 is beyond the largest whole number stored."
    )


@pytest.mark.parametrize("value", ["1" + "0" * 19, "-" + "9" * 40, "+" + "1" * 25])
def test_rows_with_an_integer_filter_of_twenty_digits_or_more_is_out_of_range(fleet, value):
    response = _rows("fleet", {"id": value})

    assert (response.status_code, response.json()["message"]) == (
        400,
        f"id: {value} is beyond the largest whole number stored.",
    )


def test_rows_with_an_offset_of_twenty_digits_says_its_bound(fleet):
    response = _rows("fleet", {"offset": "9" * 25})

    assert (response.status_code, response.json()["message"]) == (
        400,
        "offset must be at most 1000000000000000.",
    )


ODD_NAMES = ["file_row_number", "rowid", "row_position", 'say "hi"', "two words", "c0", "città"]


def test_rows_of_a_version_with_a_column_named_file_row_number(fleet):
    dataset = make_dataset(slug="odd", spectrum=Spectrum.OPEN)
    schema = {"fields": [{"name": n, "type": "integer"} for n in ODD_NAMES]}
    make_version(dataset, {n: [3 - i, i, 7] for i, n in enumerate(ODD_NAMES)}, schema)

    response = _rows("odd", {"sort": "-file_row_number", "rowid__gte": "0", "limit": "2"})

    assert response.status_code == 200
    body = response.json()
    assert (body["total"], body["fields"]) == (3, ODD_NAMES)
    assert body["rows"] == [
        dict(zip(ODD_NAMES, [7] * 7, strict=True)),
        dict(zip(ODD_NAMES, [3, 2, 1, 0, -1, -2, -3], strict=True)),
    ]


def test_rows_pages_of_a_file_row_number_version_follow_the_file_order(fleet):
    dataset = make_dataset(slug="ties", spectrum=Spectrum.OPEN)
    schema = {"fields": [{"name": "file_row_number", "type": "integer"}]}
    make_version(dataset, {"file_row_number": [5, 5, 5, 1]}, schema)

    first = _rows("ties", {"sort": "file_row_number", "limit": "2"}).json()["rows"]
    second = _rows("ties", {"sort": "file_row_number", "limit": "2", "offset": "2"}).json()["rows"]

    assert [r["file_row_number"] for r in first + second] == [1, 5, 5, 5]


KEYS = st.sampled_from(
    ["limit", "offset", "sort", "fields"]
    + [f"{name}{op}" for name in COLUMNS for op in ("", "__gt", "__lte", "__in", "__ne")]
    + ["firm__contains", "nope", "id__nope"]
)
VALUES = st.one_of(
    st.text(max_size=30),
    st.integers(min_value=-(10**22), max_value=10**22).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(
        ["2024-05-01", "2024-05-01T08:30:00+02:00", "2024-13", "true", "-id", "id,-speed", ""]
    ),
)


@FUZZ
@given(params=st.dictionaries(KEYS, VALUES, max_size=4))
def test_rows_fuzzed_query_strings_answer_200_or_400(fleet, params):
    response = _rows("fleet", params)
    assert response.status_code in (200, 400), (params, response.content[:300])
    if response.status_code == 400:
        assert response.json()["message"] != ""


NAMES = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=20,
)


@FUZZ
@given(names=st.lists(NAMES, min_size=1, max_size=4, unique=True))
def test_rows_of_any_column_names_answer_200(fleet, names):
    # A new dataset per example: a version's file is stored under its dataset's slug.
    slug = f"names-{uuid.uuid4().hex[:12]}"
    dataset = make_dataset(slug=slug, spectrum=Spectrum.OPEN)
    schema = {"fields": [{"name": n, "type": "string"} for n in names]}
    make_version(dataset, {n: ["x", None] for n in names}, schema)

    # `fields` and `sort` are comma-separated lists of trimmed names: a name with a comma or
    # blanks around it is refused there (400), but every name reads and filters.
    params: dict[str, str] = {names[0] + "__eq": "x"}  # __eq: a name such as "limit" too
    listable = [n for n in names if n == n.strip() and "," not in n and not n.startswith("-")]
    if listable:
        params |= {"sort": "-" + listable[0], "fields": listable[-1]}

    plain, chosen = _rows(slug), _rows(slug, params)

    assert (plain.status_code, chosen.status_code) == (200, 200), (names, chosen.content[:300])
    assert (plain.json()["total"], chosen.json()["total"]) == (2, 1)
