"""Quantile measures: validation, reading a histogram, suppression, the bin rule, and noise
that keeps its promise."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from datacollab.privacy.engine import AggregateQuery, MeasureBounds, QueryProblem, quantile
from datacollab.privacy.engine.lattice import run_lattice_query
from datacollab.privacy.engine.result import AggregateResult, Cell
from datacollab.privacy.engine.run import run_query
from tests.privacy.tables import TABLE, protection, row, write

BOUNDS = MeasureBounds("speed", 0.0, 32.0)  # 32 bins of width 1
LATTICE = (("zone", None, None),)


def _query(*measures, dimensions=None, filters=None):
    return AggregateQuery.from_dict(
        {
            "dimensions": dimensions or [{"column": "zone"}],
            "measures": list(measures),
            "filters": filters or [],
        }
    )


def _median(q=0.5, column="speed"):
    return {"function": "quantile", "column": column, "q": q}


def _answer(path, settings, query):
    base_query, base_protection = quantile.split(query, settings)
    if settings.unit is None:
        base = run_lattice_query(path, TABLE, base_protection, base_query, version_key=str(path))
    else:
        base = run_query(path, TABLE, base_protection, base_query)
    return quantile.complete(base, path, TABLE, settings, query)


@pytest.mark.parametrize("q", [0, 1, 1.5, -0.1, "half", True, None, math.inf])
def test_quantile_refuses_a_q_outside_the_open_unit_interval(q):
    with pytest.raises(QueryProblem) as caught:
        _query({"function": "quantile", "column": "speed", "q": q})

    assert caught.value.code == "bad_q"


def test_quantile_refuses_a_column_without_declared_bounds():
    query = _query(_median(column="hour"))

    with pytest.raises(QueryProblem) as caught:
        query.validate(TABLE, protection())

    assert caught.value.code == "quantile_needs_bounds"
    assert caught.value.params == {"column": "hour"}


def test_q_is_refused_on_a_measure_other_than_a_quantile():
    with pytest.raises(QueryProblem) as caught:
        _query({"function": "mean", "column": "speed", "q": 0.5})

    assert caught.value.code == "q_only_for_quantile"


def test_quantile_label_and_canonical_form_name_q():
    query = _query(_median(0.5), _median(0.9))

    assert [m.label for m in query.measures] == ["p50(speed)", "p90(speed)"]
    assert query.to_dict()["measures"][1] == {"function": "quantile", "column": "speed", "q": 0.9}


def test_read_quantile_interpolates_within_the_bin_it_falls_in():
    counts = [0] * 32
    counts[3], counts[10] = 4, 4  # eight values: four in [3, 4), four in [10, 11)

    assert quantile.read_quantile(counts, 0.25, BOUNDS) == (3.5, 3)
    assert quantile.read_quantile(counts, 0.5, BOUNDS) == (4.0, 3)
    assert quantile.read_quantile(counts, 0.75, BOUNDS) == (10.5, 10)
    assert quantile.read_quantile([0] * 32, 0.5, BOUNDS) is None


@settings(max_examples=2000, deadline=None)
@given(
    st.lists(st.integers(-50, 50), min_size=quantile.BINS, max_size=quantile.BINS),
    st.floats(0.001, 0.999),
)
def test_released_quantile_is_within_the_bounds_for_any_noisy_histogram(counts, q):
    found = quantile.read_quantile(counts, q, MeasureBounds("speed", -5.0, 27.5))

    if sum(counts) <= 0:
        assert found is None
    else:
        assert found is not None
        assert -5.0 <= found[0] <= 27.5
        assert counts[found[1]] > 0


def _zone_rows():
    rows = []
    # Z1: three firms, each with one value in every bin 0-29: median 15.
    for i in range(90):
        rows.append(row("ABC"[i // 30], "Z1", speed=float(i % 30) + 0.5, bike=f"b{i}"))
    # Z2: two firms only: suppressed, whatever the measure.
    for i in range(40):
        rows.append(row("AB"[i % 2], "Z2", speed=12.5, bike=f"c{i}"))
    # Z3: three firms again, so that Z2 is not the total minus Z1 alone.
    for i in range(60):
        rows.append(row("ABC"[i % 3], "Z3", speed=8.5, bike=f"d{i}"))
    return rows


def test_lattice_quantile_is_released_only_for_released_cells_and_near_the_truth(tmp_path):
    path = write(tmp_path / "t.parquet", _zone_rows())
    settings = protection(measures=(BOUNDS,), lattice=LATTICE)

    result = _answer(path, settings, _query({"function": "count"}, _median()))

    assert result.measures == ["count", "p50(speed)"]
    assert [(c.key, c.suppressed) for c in result.cells] == [
        (("Z1",), None),
        (("Z2",), "threshold"),
        (("Z3",), "secondary"),
    ]
    assert result.cells[0].values == {"count": 90, "p50(speed)": 15.0}
    assert result.cells[1].values == {}
    assert result.epsilon == 0.0


def test_quantile_whose_bin_one_contributor_dominates_is_withheld(tmp_path):
    rows = _zone_rows()[:90]
    # Firm A alone drives the top of Z1: the 95th percentile would describe its rows.
    rows += [row("A", "Z1", speed=31.5, bike=f"a{i}") for i in range(10)]
    path = write(tmp_path / "t.parquet", rows)
    settings = protection(measures=(BOUNDS,), lattice=LATTICE)

    result = _answer(path, settings, _query(_median(0.5), _median(0.95)))

    assert result.cells[0].suppressed is None
    assert result.cells[0].values == {"p50(speed)": 16.67, "p95(speed)": None}


def test_quantile_bin_rule_needs_k_contributors_and_no_dominant_one():
    settings = protection()

    assert quantile.bin_rule({"A": 3, "B": 3, "C": 3}, settings) is None
    assert quantile.bin_rule({"A": 3, "B": 3}, settings) == "threshold"
    assert quantile.bin_rule({"A": 7, "B": 2, "C": 2}, settings) == "dominance"
    assert quantile.bin_rule({"A": 0}, settings) is None  # noise put it in an empty bin


def test_dp_quantiles_share_the_query_epsilon_and_one_column_costs_one_share(tmp_path):
    rows = [
        row("ABC"[(i // 30) % 3], f"Z{i % 2}", speed=float(i % 30), bike=f"b{i % 200}")
        for i in range(3000)
    ]
    path = write(tmp_path / "t.parquet", rows)
    settings = protection(
        measures=(BOUNDS,), unit="bike_id", public_dimensions=True, max_cells_per_unit=2
    )

    result = _answer(
        path, settings, _query({"function": "mean", "column": "speed"}, _median(0.5), _median(0.9))
    )

    # count, mean(speed) and the speed histogram: three equal shares of epsilon 1.
    assert result.epsilon == pytest.approx(1.0)
    assert result.protections["quantile"]["noise_scale(speed)"] == pytest.approx(2 * 1 / (1 / 3))
    for cell in result.cells:
        assert cell.suppressed is None
        assert 0.0 <= cell.values["p50(speed)"] <= cell.values["p90(speed)"] <= 32.0


@pytest.mark.slow
def test_dp_quantile_keeps_its_rank_promise_on_many_draws():
    """Coverage: on 2,000 independent releases of one histogram, the released value's true
    rank is within 2t (+ the bin it lies in) of q x n at least 1 - alpha of the time."""
    draws, per_bin, q, alpha = 2_000, 200, 0.5, 0.05
    settings = protection(
        measures=(BOUNDS,), unit="bike_id", max_cells_per_unit=4, max_rows_per_cell=2
    )
    share = replace(settings, epsilon=0.5)
    keys = [(i,) for i in range(draws)]
    histogram = [per_bin] * quantile.BINS
    per_contributor = {c: [per_bin // 4] * quantile.BINS for c in "ABCD"}
    histograms = quantile.Histograms(
        by_contributor={"speed": {key: per_contributor for key in keys}},
        bounded={"speed": {key: histogram for key in keys}},
    )
    base = AggregateResult(["i"], ["count"], [Cell(key, {"count": 0}) for key in keys])

    result = quantile.add_quantiles(base, _query(_median(q)), share, histograms)

    scale = result.protections["quantile"]["noise_scale(speed)"]
    assert scale == 4 * 2 / 0.5
    t = quantile.rank_error_bound(scale, alpha)
    n = per_bin * quantile.BINS
    # With all bins equal, the true rank of a value v is per_bin x v (bins of width 1).
    errors = [abs(per_bin * c.values["p50(speed)"] - q * n) for c in result.cells]
    misses = sum(1 for e in errors if e > 2 * t + per_bin)
    assert misses / draws <= alpha
    # And the noise is there: the releases are not all the exact median.
    assert len({c.values["p50(speed)"] for c in result.cells}) > 50


def test_one_unit_moves_the_bounded_histograms_by_at_most_cells_times_rows(tmp_path):
    """The sensitivity the noise is calibrated to: with the same salt, removing the unit that
    rides most changes all cells' histograms together by at most L x R in L1."""
    rows = [
        row("ABC"[i % 3], f"Z{i % 4}", hour=i % 24, speed=float(i % 32), bike=f"b{i % 40}")
        for i in range(1200)
    ]
    heavy = [
        row("A", f"Z{i % 4}", hour=i % 24, speed=float(i % 7), bike="heavy") for i in range(300)
    ]
    settings = protection(
        measures=(BOUNDS,), unit="bike_id", max_cells_per_unit=3, max_rows_per_cell=2
    )
    query = _query(_median(), dimensions=[{"column": "zone"}, {"column": "hour"}])

    def bounded(name, table):
        histograms = quantile.fetch(write(tmp_path / name, table), TABLE, settings, query, salt=7)
        return histograms.bounded["speed"]

    with_unit, without = bounded("with.parquet", rows + heavy), bounded("without.parquet", rows)

    keys = set(with_unit) | set(without)
    zero = [0] * quantile.BINS
    distance = sum(
        abs(a - b)
        for key in keys
        for a, b in zip(with_unit.get(key, zero), without.get(key, zero), strict=True)
    )
    assert distance == 3 * 2  # it keeps exactly 3 of its 24 cells, 2 of its rows in each
