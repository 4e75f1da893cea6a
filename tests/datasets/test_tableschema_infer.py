"""Schema inference at scale: a sample rules types out, one scan over every row decides.

Each test puts the deciding cell after the sample (SAMPLE_ROWS rows), so a rule that only
looked at the sample, or a cast that rounds instead of failing, would infer the wrong type.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from datacollab.datasets.tableschema import Field, infer_schema
from datacollab.datasets.validation import connect, validate
from datacollab.datasets.validation.cells import cell_sql
from datacollab.datasets.validation.infer import CANDIDATES, SAMPLE_ROWS
from tests.datasets.test_validation_cells import CELLS


def write_columns(path: Path, columns: dict[str, list[str]]) -> Path:
    """A CSV of the given columns (padded with empty cells to the longest)."""
    rows = max(len(cells) for cells in columns.values())
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(columns)
        for r in range(rows):
            writer.writerow(cells[r] if r < len(cells) else "" for cells in columns.values())
    return path


def late(common: str, last: str) -> list[str]:
    """SAMPLE_ROWS + 10 cells: `common` everywhere but the last one, `last`."""
    return [common] * (SAMPLE_ROWS + 9) + [last]


def types(schema: dict[str, Any]) -> dict[str, str]:
    return {f["name"]: f["type"] for f in schema["fields"]}


def constraints(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["name"]: f.get("constraints", {}) for f in schema["fields"]}


def test_infer_schema_does_not_trust_the_cast_that_rounds_17_5_to_18(tmp_path: Path) -> None:
    con = connect()
    assert con.execute("SELECT TRY_CAST('17.5' AS INTEGER)").fetchone() == (18,)
    path = write_columns(tmp_path / "data.csv", {"count": late("4", "17.5")})

    schema = infer_schema(path, fmt="csv")

    assert types(schema) == {"count": "number"}
    assert validate(path, schema, fmt="csv")["valid"] is True


def test_infer_schema_reads_late_unusual_spellings_with_the_full_rule(tmp_path: Path) -> None:
    path = write_columns(
        tmp_path / "data.csv",
        {
            "integer": late("12", "+1_000"),
            "number": late("1.5", "-Infinity"),
            "boolean": late("true", "FALSE"),
            "date": late("2020-01-31", "2020-1-5"),
            "datetime": late("2021-03-04T05:06:07", "2021-03-04 05:06:07,5+05:30"),
            "time": late("05:06:07", "24:00:00"),
        },
    )

    schema = infer_schema(path, fmt="csv")

    assert types(schema) == {name: name for name in CANDIDATES}
    assert validate(path, schema, fmt="csv")["valid"] is True


def test_infer_schema_turns_a_column_to_text_for_one_late_cell(tmp_path: Path) -> None:
    path = write_columns(
        tmp_path / "data.csv",
        {
            "count": late("7", "n/a"),
            "day": late("2020-02-28", "2020-02-30"),
            "flag": late("false", "maybe"),
            "at": late("2021-03-04T05:06:07Z", "2021-03-04T05:06:07+24:00"),
        },
    )

    assert types(infer_schema(path, fmt="csv")) == {
        "count": "string",
        "day": "string",
        "flag": "string",
        "at": "string",
    }


def test_infer_schema_decides_a_column_empty_in_the_sample_from_later_rows(
    tmp_path: Path,
) -> None:
    path = write_columns(
        tmp_path / "data.csv",
        {"id": [str(n) for n in range(SAMPLE_ROWS + 3)], "reading": late("", "0.25")},
    )

    schema = infer_schema(path, fmt="csv")

    assert types(schema) == {"id": "integer", "reading": "number"}
    assert constraints(schema)["reading"] == {}


def test_infer_schema_marks_unique_by_typed_values_over_every_row(tmp_path: Path) -> None:
    n = SAMPLE_ROWS + 10
    path = write_columns(
        tmp_path / "data.csv",
        {
            "code": [f"c{i}" for i in range(n)],
            "serial": [str(i) for i in range(1, n)] + ["+1"],  # +1 reads as 1: a repeat
            "name": [f"n{i}" for i in range(n - 1)] + ["n0"],
        },
    )

    schema = infer_schema(path, fmt="csv")

    assert types(schema) == {"code": "string", "serial": "integer", "name": "string"}
    assert constraints(schema) == {
        "code": {"required": True, "unique": True},
        "serial": {"required": True},
        "name": {"required": True},
    }
    assert schema["primaryKey"] == ["code"]


def test_infer_schema_reads_every_row_of_a_parquet_text_column(tmp_path: Path) -> None:
    table = pa.table({"s": late("3", "17.5"), "n": list(range(SAMPLE_ROWS + 10))})
    pq.write_table(table, tmp_path / "data.parquet")

    schema = infer_schema(tmp_path / "data.parquet", fmt="parquet")

    assert types(schema) == {"s": "number", "n": "integer"}
    assert constraints(schema)["n"] == {"required": True, "unique": True}


def test_infer_schema_picks_the_first_type_every_cell_reads_as(tmp_path: Path) -> None:
    """Random columns of awkward cells of every type: the inferred type is the first
    candidate whose rule (as validation applies it) every present cell passes."""
    rng = random.Random(20250601)
    # Cells that start with a space would make csv.Sniffer skip initial spaces.
    pool = sorted({c for cells in CELLS.values() for c in cells if c[:1].strip() and "\n" not in c})
    by_type = {kind: [c for c in CELLS[kind] if c in pool] for kind in CANDIDATES}
    columns: dict[str, list[str]] = {}
    for n in range(80):
        kind = CANDIDATES[n % len(CANDIDATES)]
        cells = [rng.choice(by_type[kind]) for _ in range(rng.randint(1, 6))]
        if n % 3 == 0:
            cells.append(rng.choice(pool))
        cells.insert(rng.randint(0, len(cells)), "")
        columns[f"col{n}"] = cells
    path = write_columns(tmp_path / "data.csv", columns)
    con = connect()
    expected = {}
    for name, cells in columns.items():
        present = [c for c in cells if c]
        expected[name] = "string"
        for kind in CANDIDATES:
            ok = cell_sql(Field(name="x", type=kind), "v").ok
            (passes,) = con.execute(
                f"SELECT bool_and(coalesce({ok}, false)) FROM unnest(?::VARCHAR[]) AS t(v)",
                [present],
            ).fetchone() or (None,)
            if passes:
                expected[name] = kind
                break

    schema = infer_schema(path, fmt="csv")

    assert types(schema) == expected
    assert validate(path, schema, fmt="csv")["valid"] is True
