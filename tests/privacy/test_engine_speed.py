"""The engine's fast paths give the same answers as the plain ones they replace."""

from __future__ import annotations

import json
import random

import pytest

from datacollab.privacy.engine import AggregateQuery, MeasureBounds, noise, run_query, sdc
from datacollab.privacy.engine import sql as engine_sql
from datacollab.privacy.engine.run import connect
from tests.privacy.tables import TABLE, protection, row, write


def _cells(seed: int, count: int = 200) -> list[sdc.CellStats]:
    rng = random.Random(seed)
    cells = []
    for _ in range(count):
        firms = rng.sample("ABCDE", rng.randint(1, 5))
        cells.append(
            {
                f: sdc.Stats(rng.randint(1, 9), (float(rng.randint(0, 50)), rng.uniform(0, 9)))
                for f in firms
            }
        )
    return cells


def test_contributions_rules_equal_the_scalar_rule_for_every_union():
    settings = protection(k=3, min_rows=10, dominance_n=2, dominance_share=0.8)
    cells = _cells(seed=3)
    # Disjoint unions of one to four cells, as the cells of one grouping are.
    order = list(range(len(cells)))
    random.Random(4).shuffle(order)
    groups, taken = [], 0
    while taken < len(order):
        size = 1 + taken % 4
        groups.append(order[taken : taken + size])
        taken += size

    fast = sdc.Contributions(cells).rules(groups, settings)

    slow = [sdc.primary_rule(sdc.merge([cells[i] for i in g]), settings) for g in groups]
    assert (fast, set(slow)) == (slow, {None, "min_rows", "threshold", "dominance"})


def test_contributions_rules_decide_an_exact_dominance_tie_as_the_scalar_rule():
    # 0.1 + 0.2 against 0.3: the float sums differ by one ulp from the exact split.
    tie = {"A": sdc.Stats(3, (0.3,)), "B": sdc.Stats(3, (0.1,)), "C": sdc.Stats(3, (0.2,))}
    settings = protection(k=3, min_rows=1, dominance_n=1, dominance_share=0.5)

    fast = sdc.Contributions([tie]).rules([[0]], settings)

    assert fast == [sdc.primary_rule(tie, settings)]


def test_contributions_rules_refuse_overlapping_unions():
    cells = _cells(seed=5, count=3)

    with pytest.raises(ValueError):
        sdc.Contributions(cells).rules([[0, 1], [1, 2]], protection())


def test_noisy_sums_reuse_one_measurement_per_scale():
    first = noise.noisy_sums([10, 20], epsilon=0.5, sensitivity=4)
    second = noise.noisy_sums([10, 20, 30], epsilon=0.5, sensitivity=4)

    assert noise._vector_laplace.cache_info().currsize >= 1
    assert (first.noise_scale, second.noise_scale, len(second.sums)) == (8.0, 8.0, 3)


def _speed_query() -> AggregateQuery:
    return AggregateQuery.from_dict(
        {
            "dimensions": [{"column": "zone"}],
            "measures": [{"function": "count"}, {"function": "mean", "column": "speed"}],
        }
    )


def test_base_scan_sums_absolute_values_only_for_bounds_below_zero():
    never_negative = protection(measures=(MeasureBounds("speed", 0.0, 40.0),))
    signed = protection(measures=(MeasureBounds("speed", -5.0, 40.0),))

    plain = engine_sql.render(
        engine_sql.build(_speed_query(), TABLE, never_negative, salt=1, scale=100).base
    )
    with_abs = engine_sql.render(
        engine_sql.build(_speed_query(), TABLE, signed, salt=1, scale=100).base
    )

    assert ("ABS(" in plain, "ABS(" in with_abs) == (False, True)


def test_dominance_by_absolute_sums_holds_with_the_shared_sum(tmp_path):
    # C carries most of the speed though every firm has the same rows: dominance suppresses.
    rows = [row(f, speed=s) for f, s in (("A", 1.0), ("B", 1.0), ("C", 30.0)) for _ in range(3)]
    path = write(tmp_path / "v.parquet", rows)

    result = run_query(path, TABLE, protection(min_rows=1), _speed_query())

    assert [c.suppressed for c in result.cells] == ["dominance"]


def test_run_query_reports_the_time_of_each_phase(tmp_path):
    rows = [row(f, bike=f"{f}-{i}") for f in "ABC" for i in range(3)]
    path = write(tmp_path / "v.parquet", rows)
    timings: dict[str, float] = {}

    run_query(path, TABLE, protection(unit="bike_id", min_rows=1), _speed_query(), timings=timings)

    assert sorted(timings) == [
        "aggregate",
        "bounding",
        "cells",
        "connect",
        "contributors",
        "noise",
        "suppression",
        "validate",
    ]


def test_the_scan_reads_only_the_columns_the_query_needs(tmp_path):
    path = write(tmp_path / "v.parquet", [row("A", bike="A-1")])
    statements = engine_sql.build(
        _speed_query(), TABLE, protection(unit="bike_id"), salt=1, scale=100
    )
    con = connect(path)

    plan = con.execute("EXPLAIN (FORMAT json) " + engine_sql.render(statements.base)).fetchall()

    def scans(node: dict) -> list[list[str]]:
        own = [node["extra_info"]["Projections"]] if node.get("name") == "READ_PARQUET" else []
        return own + [p for child in node.get("children", []) for p in scans(child)]

    projections = [p for node in json.loads(plan[0][1]) for p in scans(node)]
    assert [sorted(p) for p in projections] == [["bike_id", "firm", "speed", "zone"]]
