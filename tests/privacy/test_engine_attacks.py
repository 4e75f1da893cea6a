"""Attack tests: what an adversary learns from releases about one privacy unit."""

from __future__ import annotations

import math

import pytest

from datacollab.privacy.engine import AggregateQuery, noise, run_query
from tests.privacy.tables import TABLE, protection, row, write

pytestmark = pytest.mark.slow


def test_differencing_attack_does_no_better_than_the_dp_bound():
    # Two releases that differ by one bike: the attacker sees one noisy count and guesses
    # whether the bike was in. DP at epsilon bounds any guess's accuracy by e^eps/(1+e^eps).
    epsilon, trials = 0.5, 2_000
    base = [400, 250, 600]
    with_bike = [400, 251, 600]
    release = lambda counts: noise.noisy_counts(  # noqa: E731
        counts, epsilon=epsilon, delta=1e-7, max_cells=1, max_rows=1
    ).counts.get(1, 0)
    right = 0
    for trial in range(trials):
        present = trial % 2 == 0
        seen = release(with_bike if present else base)
        # The best test: the bike is in when the noisy count is above the midpoint.
        right += (seen > 250.5) == present

    bound = math.exp(epsilon) / (1 + math.exp(epsilon))
    assert right / trials < bound + 0.03


def test_two_queries_differing_by_one_firm_filter_reveal_no_suppressed_firm(tmp_path):
    # A zone where firm A alone is present is suppressed, and grouping with or without a
    # filter that adds or drops that zone never shows A's figures on their own.
    rows = [row(f, "Z1") for f in "ABC" for _ in range(3)]
    rows += [row("A", "Z2", speed=33.0)] * 5
    path = write(tmp_path / "v.parquet", rows)
    by_zone = AggregateQuery.from_dict(
        {"dimensions": [{"column": "zone"}], "measures": [{"function": "sum", "column": "speed"}]}
    )
    only_z1 = AggregateQuery.from_dict(
        {
            "dimensions": [{"column": "zone"}],
            "measures": [{"function": "sum", "column": "speed"}],
            "filters": [{"column": "zone", "op": "eq", "values": ["Z1"]}],
        }
    )

    everything = run_query(path, TABLE, protection(), by_zone)
    filtered = run_query(path, TABLE, protection(), only_z1)

    released = [c.values for c in everything.cells if c.suppressed is None]
    assert [c.suppressed for c in everything.cells] == [None, "threshold"]
    assert released == [c.values for c in filtered.cells]
