from __future__ import annotations

import pyarrow.compute as pc

from datacollab.demo import ecargo


def test_ecargo_generation_is_deterministic():
    assert ecargo.generate(days=7).equals(ecargo.generate(days=7))


def test_ecargo_has_three_firms_and_plausible_values():
    table = ecargo.generate()
    assert sorted(pc.unique(table["firm"]).to_pylist()) == [
        "CargoCycle Logistics",
        "Green Courier Co",
        "Pedal Post",
    ]
    assert table.schema == ecargo.SCHEMA
    assert 6_000 < table.num_rows < 8_500
    assert pc.min(table["avg_speed_kmh"]).as_py() >= 6
    assert pc.max(table["avg_speed_kmh"]).as_py() <= 25
    assert 0 < pc.min(table["battery_pct"]).as_py() <= pc.max(table["battery_pct"]).as_py() <= 100
    assert pc.count_distinct(table["trip_id"]).as_py() == table.num_rows


def test_ecargo_camden_is_dominated_by_few_firms():
    table = ecargo.generate()
    camden = table.filter(pc.equal(table["zone"], "Camden"))
    firms = set(camden["firm"].to_pylist())
    assert firms == {"Pedal Post", "CargoCycle Logistics"}
    lambeth = table.filter(pc.equal(table["zone"], "Lambeth"))
    assert set(lambeth["firm"].to_pylist()) == {"Green Courier Co"}
