"""Across queries: no sequence of queries lets a rule-breaking cell be recomputed.

Random finest tables of a three-dimension lattice; random sequences of queries (any
grouping, any `in` filters); the span of everything released (as sums of finest cells) must
hold no cell of any grouping that breaks a rule, checked with exact integer rank.
"""

from __future__ import annotations

import itertools
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from datacollab.privacy.engine import AggregateQuery, QueryProblem, lattice, sdc
from tests.privacy.tables import protection

pytestmark = pytest.mark.slow

LATTICE = (("zone", None, None), ("hour", None, None), ("firm_kind", None, None))
SETTINGS = protection(dimensions=("zone", "hour", "firm_kind"), k=3, min_rows=3, lattice=LATTICE)
DIMS = lattice.dimensions(SETTINGS)
NAMES = ("zone", "hour", "firm_kind")

cell_strategy = st.dictionaries(
    st.sampled_from("ABCDE"),
    st.tuples(st.integers(1, 6), st.integers(0, 40)),
    min_size=1,
    max_size=5,
)
table_strategy = st.dictionaries(
    st.tuples(st.sampled_from(["Z1", "Z2", "Z3"]), st.integers(0, 2), st.sampled_from("xy")),
    cell_strategy,
    min_size=1,
    max_size=18,
)
query_strategy = st.tuples(
    st.sets(st.integers(0, 2), min_size=1, max_size=3),
    st.sets(st.sampled_from(["Z1", "Z2", "Z3"]), min_size=1, max_size=3),
    st.booleans(),
)


def _pattern(table: dict[tuple[Any, ...], dict[str, tuple[int, int]]]) -> lattice.Pattern:
    keys = sorted(table)
    stats = [
        {firm: sdc.Stats(rows, (float(total),)) for firm, (rows, total) in table[key].items()}
        for key in keys
    ]
    sums = [[float(sum(t for _r, t in table[key].values()))] for key in keys]
    return lattice.build_pattern(DIMS, ("speed",), keys, stats, sums, SETTINGS)


def _query(positions: set[int], zones: set[str], filtered: bool) -> AggregateQuery:
    ordered = sorted(positions)
    filters = []
    if filtered and 0 in ordered:
        filters = [{"column": "zone", "op": "in", "values": sorted(zones)}]
    return AggregateQuery.from_dict(
        {
            "dimensions": [{"column": NAMES[p]} for p in ordered],
            "measures": [{"function": "count"}, {"function": "sum", "column": "speed"}],
            "filters": filters,
        }
    )


def _members(pattern: lattice.Pattern, query: AggregateQuery, key: tuple[Any, ...]) -> set[int]:
    positions = [NAMES.index(d.column) for d in query.dimensions]
    return {
        i
        for i, finest in enumerate(pattern.keys)
        if tuple(finest[p] for p in positions) == tuple(key)
    }


def _breaks(pattern: lattice.Pattern, members: set[int]) -> bool:
    return sdc.primary_rule(sdc.merge([pattern.stats[i] for i in members]), SETTINGS) is not None


def _rank(rows: list[list[int]]) -> int:
    """Exact rank by Gaussian elimination over the rationals."""
    matrix = [[Fraction(v) for v in row] for row in rows]
    rank = 0
    for column in range(len(matrix[0]) if matrix else 0):
        pivot = next((r for r in range(rank, len(matrix)) if matrix[r][column] != 0), None)
        if pivot is None:
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        for r in range(len(matrix)):
            if r != rank and matrix[r][column] != 0:
                factor = matrix[r][column] / matrix[rank][column]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[rank], strict=True)]
        rank += 1
    return rank


def _in_span(rows: list[list[int]], vector: list[int]) -> bool:
    if not rows:
        return not any(vector)
    return _rank([*rows, vector]) == _rank(rows)


def _all_cells(pattern: lattice.Pattern) -> list[set[int]]:
    out = []
    for size in range(4):
        for kept in itertools.combinations(range(3), size):
            groups: dict[tuple[Any, ...], set[int]] = {}
            for i, key in enumerate(pattern.keys):
                groups.setdefault(tuple(key[p] for p in kept), set()).add(i)
            out += list(groups.values())
    return out


@settings(max_examples=1000, deadline=None)
@given(table_strategy, st.lists(query_strategy, min_size=1, max_size=6))
def test_lattice_no_query_sequence_recomputes_a_rule_breaking_cell(table, queries):
    pattern = _pattern(table)
    released: list[set[int]] = []
    for positions, zones, filtered in queries:
        query = _query(positions, zones, filtered)
        for cell in lattice.answer(pattern, query, SETTINGS).cells:
            if cell.suppressed is None:
                members = _members(pattern, query, cell.key)
                assert not _breaks(pattern, members)
                released.append(members)
    size = len(pattern.keys)
    rows = [[1 if i in m else 0 for i in range(size)] for m in released]
    for members in _all_cells(pattern):
        if _breaks(pattern, members):
            assert not _in_span(rows, [1 if i in members else 0 for i in range(size)])


def _old_per_query(
    pattern: lattice.Pattern, kept: tuple[int, ...], zones: set[str] | None = None
) -> list[set[int]]:
    """What the per-query engine released: its own lattice over the filtered rows only."""
    groups: dict[tuple[Any, ...], list[int]] = {}
    for i, key in enumerate(pattern.keys):
        if zones is None or key[0] in zones:
            groups.setdefault(tuple(key[p] for p in kept), []).append(i)
    level_keys = list(groups)
    stats = [sdc.merge([pattern.stats[i] for i in groups[k]]) for k in level_keys]
    primary = {j: r for j, s in enumerate(stats) if (r := sdc.primary_rule(s, SETTINGS))}
    hidden = sdc.secondary(level_keys, stats, primary, SETTINGS)
    return [set(groups[k]) for j, k in enumerate(level_keys) if j not in hidden]


# Z1 has two firms only; each hour of Z2 and Z3 passes every rule on its own.
LEAKY = {
    ("Z1", 0, "x"): {"A": (2, 10), "B": (2, 10)},
    ("Z1", 1, "x"): {"A": (2, 10), "B": (2, 10)},
    ("Z2", 0, "x"): {"A": (2, 10), "C": (2, 10), "D": (2, 10)},
    ("Z2", 1, "x"): {"B": (2, 10), "C": (2, 10), "E": (2, 10)},
    ("Z3", 0, "x"): {"C": (2, 10), "D": (2, 10), "E": (2, 10)},
    ("Z3", 1, "x"): {"A": (2, 10), "D": (2, 10), "E": (2, 10)},
}


def test_lattice_by_zone_then_hours_of_one_zone_do_not_give_away_a_cell():
    pattern = _pattern(LEAKY)
    size = len(pattern.keys)
    target = {i for i, key in enumerate(pattern.keys) if key[0] == "Z1"}
    assert _breaks(pattern, target)

    def vectors(cells: list[set[int]]) -> list[list[int]]:
        return [[1 if i in m else 0 for i in range(size)] for m in cells]

    target_vector = [1 if i in target else 0 for i in range(size)]
    # The per-query engine: by zone (Z1 and one more hidden), by hour (the total), then by
    # hour within Z2: total - Z3 - Z2 = Z1.
    old = _old_per_query(pattern, (0,)) + _old_per_query(pattern, (1,))
    old += _old_per_query(pattern, (1,), {"Z2"})
    assert _in_span(vectors(old), target_vector)
    # The lattice: by zone, by hour, then zone x hour within Z2 (a filter keeps whole cells).
    new: list[set[int]] = []
    for query in (
        _query({0}, set(), False),
        _query({1}, set(), False),
        _query({0, 1}, {"Z2"}, True),
    ):
        new += [
            _members(pattern, query, cell.key)
            for cell in lattice.answer(pattern, query, SETTINGS).cells
            if cell.suppressed is None
        ]
    assert not _in_span(vectors(new), target_vector)
    assert len(new) >= 3  # still useful: Z3 and both hours at least


def test_lattice_refuses_a_dimension_outside_it():
    query = AggregateQuery.from_dict(
        {"dimensions": [{"column": "speed", "bin": 5}], "measures": [{"function": "count"}]}
    )
    with pytest.raises(QueryProblem) as caught:
        lattice.check_query(query, SETTINGS)
    assert caught.value.code == "not_in_lattice"


def test_lattice_refuses_a_filter_on_a_dimension_not_grouped():
    query = AggregateQuery.from_dict(
        {
            "dimensions": [{"column": "hour"}],
            "measures": [{"function": "count"}],
            "filters": [{"column": "zone", "op": "eq", "values": ["Z1"]}],
        }
    )
    with pytest.raises(QueryProblem) as caught:
        lattice.check_query(query, SETTINGS)
    assert caught.value.code == "filter_outside_lattice"


def test_lattice_query_keeps_whole_cells_under_an_in_filter():
    pattern = _pattern(LEAKY)
    query = _query({0}, {"Z3"}, True)
    cells = lattice.answer(pattern, query, SETTINGS).cells
    assert [(c.key, c.values) for c in cells] == [(("Z3",), {"count": 12, "sum(speed)": 60.0})]
