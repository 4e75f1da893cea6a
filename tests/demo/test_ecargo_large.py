"""The large sensor build (`datacollab demo --large`), tested at a small size."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from datacollab.demo import ecargo, privacy
from datacollab.privacy.engine.lattice import run_lattice_query


def _write(path: Path, *, seed: int = 2020) -> Path:
    ecargo.write_large(path, rows=6_000, seed=seed, chunk_rows=2_500)
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_large_build_same_seed_gives_the_identical_file(tmp_path):
    one, two = _write(tmp_path / "one.parquet"), _write(tmp_path / "two.parquet")
    other = _write(tmp_path / "other.parquet", seed=7)

    assert (_digest(one) == _digest(two), _digest(one) == _digest(other)) == (True, False)


def test_large_build_reports_progress_per_chunk(tmp_path):
    seen: list[int] = []

    ecargo.write_large(tmp_path / "p.parquet", rows=6_000, chunk_rows=2_500, progress=seen.append)

    assert seen == [2_500, 5_000, 6_000]


def test_large_build_has_the_columns_and_values_the_protections_need(tmp_path):
    table = pq.read_table(_write(tmp_path / "t.parquet"))

    expected = pa.schema(
        [
            f.with_type(pa.timestamp("ms", tz="UTC")) if f.name == "started_at" else f
            for f in ecargo.SCHEMA
        ]
    )
    assert table.schema == expected
    assert table.num_rows == 6_000
    assert pc.count_distinct(table["trip_id"]).as_py() == 6_000
    assert sorted(pc.unique(table["firm"]).to_pylist()) == [
        "CargoCycle Logistics",
        "Green Courier Co",
        "Pedal Post",
    ]
    assert sorted(pc.unique(table["zone"]).to_pylist()) == sorted(ecargo.ZONES)
    hours = pc.hour(table["started_at"])
    assert (pc.min(hours).as_py(), pc.max(hours).as_py()) == (7, 19)
    for bounds in privacy.MEASURES:
        values = table[bounds["column"]]
        assert (
            bounds["lower"] <= pc.min(values).as_py() <= pc.max(values).as_py() <= bounds["upper"]
        )


def test_large_build_keeps_the_zones_the_rules_must_suppress(tmp_path):
    path = _write(tmp_path / "t.parquet")

    result = run_lattice_query(
        path, privacy.table_spec(), privacy.protection(), privacy.ZONE_DAY, version_key="large"
    )

    rules = {c.suppressed for c in result.cells if c.key[1] in ("Camden", "Lambeth")}
    released = {c.key[1] for c in result.cells if c.suppressed is None}
    assert (rules, "Camden" in released, "Hackney" in released) == ({"threshold"}, False, True)
