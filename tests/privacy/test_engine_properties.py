"""Property tests: on thousands of generated tables, what the engine releases is safe.

The checks recompute everything from the raw rows, with their own copy of the rules, so a
bug in the engine's bookkeeping cannot hide itself.
"""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from datacollab.privacy.engine import AggregateQuery, run_query, sdc
from tests.privacy.tables import TABLE, protection, row, write

pytestmark = pytest.mark.slow

K, SHARE, MIN_ROWS = 3, 0.5, 4
QUERY = AggregateQuery.from_dict(
    {
        "dimensions": [{"column": "zone"}, {"column": "hour"}],
        "measures": [{"function": "count"}, {"function": "sum", "column": "speed"}],
    }
)
SETTINGS = protection(k=K, dominance_share=SHARE, min_rows=MIN_ROWS)

rows_strategy = st.lists(
    st.tuples(
        st.sampled_from("ABCDE"),
        st.sampled_from(["Z1", "Z2", "Z3"]),
        st.integers(0, 3),
        st.integers(0, 40),
    ),
    min_size=1,
    max_size=120,
)


def _passes(rows: list[tuple[str, str, int, int]]) -> bool:
    """The primary rules, written again from their definition."""
    if len(rows) < MIN_ROWS:
        return False
    firms = {r[0] for r in rows}
    if len(firms) < K:
        return False
    by_rows = [sum(1 for r in rows if r[0] == f) for f in firms]
    if max(by_rows) > SHARE * len(rows):
        return False
    by_sum = [sum(r[3] for r in rows if r[0] == f) for f in firms]
    total = sum(by_sum)
    return not (total > 0 and max(by_sum) > SHARE * total)


def _query(*dimensions: str) -> AggregateQuery:
    return AggregateQuery.from_dict(
        {
            "dimensions": [{"column": d} for d in dimensions],
            "measures": [{"function": "count"}, {"function": "sum", "column": "speed"}],
        }
    )


def _run(rows, query=QUERY):
    with tempfile.TemporaryDirectory() as folder:
        path = write(
            Path(folder) / "t.parquet",
            [row(f, z, hour=h, speed=float(s)) for f, z, h, s in rows],
        )
        return run_query(path, TABLE, SETTINGS, query, threads=1)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(rows_strategy)
def test_released_cells_pass_the_rules_with_exact_values(rows):
    result = _run(rows)

    for cell in result.cells:
        raw = [r for r in rows if (r[1], r[2]) == tuple(cell.key)]
        if cell.suppressed is None:
            assert _passes(raw)
            assert cell.values == {
                "count": len(raw),
                "sum(speed)": float(sum(r[3] for r in raw)),
            }
        elif cell.suppressed != "secondary":
            assert not _passes(raw)


@settings(max_examples=3000, deadline=None, derandomize=True)
@given(rows_strategy)
def test_no_rule_breaking_cell_is_recomputable_from_the_query_and_its_margins(rows):
    atoms = sorted({(r[1], r[2]) for r in rows})
    raw = {a: [r for r in rows if (r[1], r[2]) == a] for a in atoms}
    stats = [
        {
            f: sdc.Stats(len(v), (float(sum(r[3] for r in v)),))
            for f in {r[0] for r in raw[a]}
            for v in [[r for r in raw[a] if r[0] == f]]
        }
        for a in atoms
    ]
    primary = {i: "x" for i, a in enumerate(atoms) if not _passes(raw[a])}

    hidden, released = sdc.lattice(atoms, stats, primary, SETTINGS)

    # Released cells, at any level of the lattice, pass the rules themselves.
    for _level, members in released:
        assert _passes([r for i in members for r in raw[atoms[i]]])
    # Every cell of every level that breaks a rule is outside the span of what is released.
    vectors = lambda members: np.array([1.0 if i in members else 0.0 for i in range(len(atoms))])  # noqa: E731
    known = np.array([vectors(m) for _, m in released] or [np.zeros(len(atoms))])
    rank = np.linalg.matrix_rank(known)
    for kept in [(), (0,), (1,), (0, 1)]:
        by = {}
        for i, a in enumerate(atoms):
            by.setdefault(tuple(a[d] for d in kept), []).append(i)
        for members in by.values():
            if not _passes([r for i in members for r in raw[atoms[i]]]):
                grown = np.linalg.matrix_rank(np.vstack([known, vectors(members)]))
                assert grown == rank + 1, (kept, members)
    # A released parent minus its released children never gives a rule-breaking union.
    for _level, members in released:
        union = [r for i in members if i in hidden for r in raw[atoms[i]]]
        assert not union or _passes(union)
    assert set(primary) <= set(hidden)


def test_two_blocks_joined_by_one_cell_are_not_recomputable():
    # The chain that pairwise suppression misses: the linear algebra check must catch it.
    rows = []
    for zone in ["Z1", "Z2", "Z3"]:
        for hour in range(3):
            rows += [(f, zone, hour, 10) for f in "ABC" for _ in range(2)]
    rows += [("A", "Z1", 3, 10)] * 5

    result = _run(rows)

    hidden = sorted(tuple(c.key) for c in result.cells if c.suppressed)
    assert ("Z1", 3) in hidden
    assert len(hidden) >= 4


@pytest.mark.parametrize("dimensions", [1, 3])
def test_secondary_suppression_covers_every_subset_of_dimensions(dimensions):
    from datacollab.privacy.engine import sdc

    keys = list(itertools.product(*[range(2)] * dimensions))
    stats = [{f: sdc.Stats(2, (2.0,)) for f in "ABC"} for _ in keys]
    stats[0] = {"A": sdc.Stats(1, (1.0,))}

    hidden = sdc.secondary(keys, stats, {0: "threshold"}, SETTINGS)

    assert len(hidden) >= 2
