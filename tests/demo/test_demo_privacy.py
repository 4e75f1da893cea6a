"""The demo's open outputs show no cell the protections would suppress."""

from __future__ import annotations

from collections import defaultdict

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from datacollab.datasets import rules
from datacollab.datasets.models import Dataset
from datacollab.datasets.storage import local_copy
from datacollab.demo import privacy, tables
from datacollab.demo.builder import load_demo
from datacollab.organisations.models import User
from datacollab.privacy import rules as privacy_rules
from datacollab.privacy import services
from tests.datasets.factories_access import datasets_storage  # noqa: F401

pytestmark = pytest.mark.django_db


def _rule_breaking(sensors) -> set[tuple[object, str]]:
    """Zone-days that break k 3, 5 rows or 50 % dominance, from the rows themselves."""
    by_cell: dict[tuple[object, str], dict[str, list[float]]] = defaultdict(dict)
    days = pc.cast(sensors["started_at"], "date32").to_pylist()
    for day, row in zip(days, sensors.to_pylist(), strict=True):
        firm = by_cell[(day, row["zone"])].setdefault(row["firm"], [0, 0.0, 0.0, 0.0])
        firm[0] += 1
        firm[1] += min(max(row["distance_km"], 0), 40)
        firm[2] += min(max(row["avg_speed_kmh"], 0), 30)
        firm[3] += min(max(row["payload_kg"], 0), 150)
    breaking = set()
    for cell, firms in by_cell.items():
        totals = [sum(f[j] for f in firms.values()) for j in range(4)]
        dominated = any(
            max(f[j] for f in firms.values()) > 0.5 * totals[j] for j in range(4) if totals[j]
        )
        if len(firms) < 3 or totals[0] < 5 or dominated:
            breaking.add(cell)
    return breaking


def test_zone_summaries_hold_no_zone_day_that_breaks_a_rule():
    sensors = tables.sensors()
    summaries = tables.zone_daily_totals()
    listed = set(zip(summaries["date"].to_pylist(), summaries["zone"].to_pylist(), strict=True))
    breaking = _rule_breaking(sensors)

    assert summaries.num_rows == 105
    assert len(breaking) > 100  # the old table listed these: single firms' figures
    assert listed & breaking == set()


@pytest.mark.usefixtures("datasets_storage")
def test_demo_open_summaries_and_city_planner_aggregates_only() -> None:
    load_demo()
    summaries = Dataset.objects.get(slug="data-cargo-zone-summaries")
    sensors = Dataset.objects.get(slug="data-cargo-sensors")
    planner = User.objects.get(email=privacy.CITY_PLANNER)

    with local_copy(summaries.versions.get()) as path:
        stored = pq.read_table(path)
    listed = set(zip(stored["date"].to_pylist(), stored["zone"].to_pylist(), strict=True))
    assert listed & _rule_breaking(tables.sensors()) == set()
    assert rules.data_access(planner, sensors).allowed is False
    assert privacy_rules.can_query_aggregates(planner, sensors)
    answer = services.run_aggregate_query(
        actor=planner, dataset=sensors, query=privacy.EXAMPLE_QUERIES["trips and speed by zone"]
    )
    released = {cell.key[0] for cell in answer.result.cells if cell.suppressed is None}
    assert "Camden" not in released and "Lambeth" not in released
    assert len(released) >= 4
