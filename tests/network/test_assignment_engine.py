"""Reviewer assignment engine: pure solver, checked against brute force and a MILP."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from datacollab.network.assignment_engine import COST_SCALE, solve_assignment


def _instance(
    *, n_apps: int, n_reviewers: int, seed: int, conflict_rate: float = 0.15
) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    affinity = rng.random((n_apps, n_reviewers))
    conflict = rng.random((n_apps, n_reviewers)) < conflict_rate
    return affinity, conflict


def _costs(affinity: np.ndarray) -> np.ndarray:
    return np.rint((1.0 - affinity) * COST_SCALE).astype(np.int64)


def _brute_force(*, affinity: np.ndarray, conflict: np.ndarray, n: int) -> tuple[int, int]:
    """(max load, cost) of the lexicographic optimum, by trying every assignment."""
    costs = _costs(affinity)
    options = [list(itertools.combinations(np.flatnonzero(~row).tolist(), n)) for row in conflict]
    best: tuple[int, int] | None = None
    for choice in itertools.product(*options):
        loads = np.zeros(affinity.shape[1], dtype=np.int64)
        cost = 0
        for app, reviewers in enumerate(choice):
            loads[list(reviewers)] += 1
            cost += int(costs[app, list(reviewers)].sum())
        candidate = (int(loads.max()), cost)
        if best is None or candidate < best:
            best = candidate
    assert best is not None
    return best


def _milp_optimum(
    *,
    affinity: np.ndarray,
    conflict: np.ndarray,
    n: int,
    fixed: Sequence[tuple[int, int]] = (),
    capacity: np.ndarray | None = None,
    max_load: int | None = None,
) -> tuple[int, int]:
    """(max load, cost without fixed pairs): minimise the load, then cost at that load."""
    n_apps, n_reviewers = affinity.shape
    size = n_apps * n_reviewers
    costs = _costs(affinity).ravel()
    lower = np.zeros(size + 1)
    upper = np.append(np.where(conflict.ravel(), 0.0, 1.0), n_apps)
    for app, reviewer in fixed:
        lower[app * n_reviewers + reviewer] = 1.0
    if max_load is not None:
        upper[-1] = max_load
    cap = np.full(n_reviewers, n_apps) if capacity is None else capacity
    per_app = np.zeros((n_apps, size + 1))
    per_reviewer = np.zeros((n_reviewers, size + 1))
    for app in range(n_apps):
        per_app[app, app * n_reviewers : (app + 1) * n_reviewers] = 1.0
    for reviewer in range(n_reviewers):
        per_reviewer[reviewer, reviewer:size:n_reviewers] = 1.0
    under_level = per_reviewer.copy()
    under_level[:, -1] = -1.0
    constraints = [
        LinearConstraint(per_app, n, n),
        LinearConstraint(per_reviewer, -np.inf, cap),
        LinearConstraint(under_level, -np.inf, 0.0),
    ]
    integrality = np.ones(size + 1)
    if max_load is None:
        by_load = milp(
            np.append(np.zeros(size), 1.0),
            constraints=constraints,
            integrality=integrality,
            bounds=Bounds(lower, upper),
        )
        upper[-1] = round(by_load.fun)
    by_cost = milp(
        np.append(costs, 0.0),
        constraints=constraints,
        integrality=integrality,
        bounds=Bounds(lower, upper),
    )
    chosen = np.rint(by_cost.x[:size]).astype(np.int64).reshape(n_apps, n_reviewers)
    fixed_cost = sum(int(_costs(affinity)[a, r]) for a, r in fixed)
    return int(chosen.sum(axis=0).max()), round(by_cost.fun) - fixed_cost


def _reviewers_by_app(pairs: list[tuple[int, int]], n_apps: int) -> list[list[int]]:
    grouped: list[list[int]] = [[] for _ in range(n_apps)]
    for app, reviewer in pairs:
        grouped[app].append(reviewer)
    return grouped


def test_solve_assignment_gives_every_application_n_distinct_reviewers() -> None:
    affinity, conflict = _instance(n_apps=60, n_reviewers=15, seed=1)

    result = solve_assignment(affinity=affinity, conflict=conflict, reviews_per_application=3)

    assert result.status == "optimal"
    assert result.message == ""
    grouped = _reviewers_by_app(result.pairs, 60)
    assert [len(set(reviewers)) for reviewers in grouped] == [3] * 60
    assert len(result.pairs) == 180
    assert result.pairs == sorted(set(result.pairs))


def test_solve_assignment_never_assigns_conflicted_pairs() -> None:
    affinity, conflict = _instance(n_apps=60, n_reviewers=15, seed=2, conflict_rate=0.4)

    result = solve_assignment(affinity=affinity, conflict=conflict, reviews_per_application=3)

    assert result.status == "optimal"
    assert [pair for pair in result.pairs if conflict[pair]] == []


def test_solve_assignment_max_load_is_lower_bound_when_feasible() -> None:
    affinity, conflict = _instance(n_apps=61, n_reviewers=15, seed=3)

    result = solve_assignment(affinity=affinity, conflict=conflict, reviews_per_application=3)

    assert result.max_load == math.ceil(61 * 3 / 15)
    assert result.loads == np.bincount([r for _, r in result.pairs], minlength=15).tolist()
    assert result.cost == int(sum(_costs(affinity)[a, r] for a, r in result.pairs))


def test_solve_assignment_raises_load_when_conflicts_force_it() -> None:
    # Applications 0-5 may only go to reviewers 0 and 1, so one of them needs 3.
    conflict = np.zeros((8, 4), dtype=bool)
    conflict[:6, 2:] = True

    result = solve_assignment(
        affinity=np.full((8, 4), 0.5), conflict=conflict, reviews_per_application=1
    )

    assert result.status == "optimal"
    assert result.max_load == 3
    assert result.loads[:2] == [3, 3]


@pytest.mark.parametrize("seed", range(8))
def test_solve_assignment_matches_brute_force_on_tiny_instances(seed: int) -> None:
    affinity, conflict = _instance(n_apps=5, n_reviewers=4, seed=seed, conflict_rate=0.25)
    conflict[conflict.sum(axis=1) > 2] = False  # every application needs 2 clean reviewers

    result = solve_assignment(affinity=affinity, conflict=conflict, reviews_per_application=2)

    assert (result.max_load, result.cost) == _brute_force(affinity=affinity, conflict=conflict, n=2)


@pytest.mark.parametrize("seed", range(4))
def test_solve_assignment_matches_milp_with_fixed_pairs_and_capacity(seed: int) -> None:
    affinity, conflict = _instance(n_apps=10, n_reviewers=6, seed=seed)
    conflict[[0, 1], [2, 3]] = False
    capacity = np.array([6, 6, 2, 6, 3, 6])
    fixed = [(0, 2), (1, 3)]

    result = solve_assignment(
        affinity=affinity,
        conflict=conflict,
        reviews_per_application=2,
        fixed=fixed,
        reviewer_capacity=capacity,
    )

    assert (result.max_load, result.cost) == _milp_optimum(
        affinity=affinity, conflict=conflict, n=2, fixed=fixed, capacity=capacity
    )


def test_solve_assignment_keeps_fixed_pairs_and_counts_them() -> None:
    # Reviewer 1 is everyone's best match, but the fixed pair leaves room for one more.
    affinity = np.array([[0.2, 1.0, 0.3], [0.2, 0.9, 0.3], [0.2, 0.8, 0.3], [0.2, 0.1, 0.3]])
    conflict = np.zeros((4, 3), dtype=bool)

    result = solve_assignment(
        affinity=affinity,
        conflict=conflict,
        reviews_per_application=1,
        fixed=[(3, 1)],
        max_load=2,
    )

    assert result.pairs == [(0, 1), (1, 2), (2, 2), (3, 1)]
    assert result.loads == [0, 2, 2]
    assert result.cost == 0 + 700 + 700


def test_solve_assignment_with_max_load_minimises_cost_under_the_cap() -> None:
    affinity, conflict = _instance(n_apps=10, n_reviewers=6, seed=11)

    result = solve_assignment(
        affinity=affinity, conflict=conflict, reviews_per_application=2, max_load=6
    )

    assert (result.max_load, result.cost) == _milp_optimum(
        affinity=affinity, conflict=conflict, n=2, max_load=6
    )
    assert max(result.loads) <= 6


def test_solve_assignment_max_load_too_small_is_infeasible_with_message() -> None:
    affinity, conflict = _instance(n_apps=10, n_reviewers=6, seed=12, conflict_rate=0.0)

    result = solve_assignment(
        affinity=affinity, conflict=conflict, reviews_per_application=2, max_load=3
    )

    assert result.status == "infeasible"
    assert result.pairs == []
    assert result.message == (
        "reviewers can take at most 18 reviews in total "
        "but 10 applications x 2 reviews = 20 are needed"
    )


def test_solve_assignment_competing_applications_are_named_when_infeasible() -> None:
    conflict = np.zeros((5, 12), dtype=bool)
    conflict[:3, 3:] = True

    result = solve_assignment(
        affinity=np.ones((5, 12)), conflict=conflict, reviews_per_application=2, max_load=1
    )

    assert result.status == "infeasible"
    assert result.message == (
        "applications 0, 1, 2 need 6 reviews between them but at most 3 fit: "
        "their non-conflicted reviewers (0, 1, 2) already have the maximum of 1 review each"
    )


def test_solve_assignment_application_with_too_few_reviewers_is_infeasible() -> None:
    conflict = np.zeros((20, 5), dtype=bool)
    conflict[17, :3] = True

    result = solve_assignment(
        affinity=np.ones((20, 5)), conflict=conflict, reviews_per_application=3
    )

    assert result.status == "infeasible"
    assert result.message == "application 17 has only 2 non-conflicted reviewers but needs 3"


def test_solve_assignment_respects_reviewer_capacity() -> None:
    affinity = np.full((6, 3), 0.1)
    affinity[:, 0] = 0.9  # everyone wants reviewer 0, who can take only 1
    conflict = np.zeros((6, 3), dtype=bool)

    result = solve_assignment(
        affinity=affinity,
        conflict=conflict,
        reviews_per_application=1,
        reviewer_capacity=np.array([1, 5, 5]),
    )

    assert result.loads == [1, 3, 2]
    assert result.max_load == 3
    assert result.cost == 100 + 5 * 900


def test_solve_assignment_capacity_used_up_by_fixed_pairs_is_explained() -> None:
    conflict = np.zeros((3, 3), dtype=bool)

    result = solve_assignment(
        affinity=np.ones((3, 3)),
        conflict=conflict,
        reviews_per_application=2,
        fixed=[(0, 0), (1, 1)],
        reviewer_capacity=np.array([1, 1, 4]),
    )

    assert result.status == "infeasible"
    assert result.message == (
        "application 2 has 3 non-conflicted reviewers but only 1 of them have capacity left; "
        "it needs 2"
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"conflict": np.zeros((3, 4), dtype=bool)},
            "conflict has shape (3, 4) but affinity has shape (4, 3)",
        ),
        (
            {"reviews_per_application": 0},
            "reviews_per_application must be a whole number of at least 1, got 0",
        ),
        ({"affinity": np.full((4, 3), 1.5)}, "affinity must lie in [0, 1] (no NaN)"),
        ({"affinity": np.full((4, 3), np.nan)}, "affinity must lie in [0, 1] (no NaN)"),
        (
            {"conflict": np.zeros((4, 3), dtype=int)},
            "conflict must be a boolean array, got dtype int64",
        ),
        ({"fixed": [(0, 0)]}, "fixed pair (0, 0) is conflicted: reviewer 0 may not review it"),
        ({"fixed": [(1, 1), (1, 1)]}, "fixed pairs contain a duplicate"),
        ({"fixed": [(9, 1)]}, "fixed pair (9, 1) is outside 4 x 3"),
        (
            {"fixed": [(1, 0), (1, 1), (1, 2)]},
            "application 1 has 3 fixed reviewers but needs only 2",
        ),
        ({"max_load": 0}, "max_load must be a whole number of at least 1, got 0"),
        (
            {"reviewer_capacity": np.array([1, 2])},
            "reviewer_capacity has shape (2,) but there are 3 reviewers",
        ),
        (
            {"reviewer_capacity": np.array([1, -2, 3])},
            "reviewer_capacity must hold non-negative integers",
        ),
    ],
)
def test_solve_assignment_invalid_input_raises_readable_error(
    changes: dict[str, object], message: str
) -> None:
    conflict = np.zeros((4, 3), dtype=bool)
    conflict[0, 0] = True
    arguments: dict[str, object] = {
        "affinity": np.full((4, 3), 0.5),
        "conflict": conflict,
        "reviews_per_application": 2,
    } | changes

    with pytest.raises(ValueError) as raised:
        solve_assignment(**arguments)  # type: ignore[arg-type]

    assert str(raised.value) == message


def test_solve_assignment_is_deterministic() -> None:
    # Coarse affinities leave many ties, the case where a solver could wander.
    rng = np.random.default_rng(5)
    affinity = rng.integers(0, 3, size=(80, 20)) / 2
    conflict = rng.random((80, 20)) < 0.1

    runs = [
        solve_assignment(affinity=affinity, conflict=conflict, reviews_per_application=3)
        for _ in range(3)
    ]

    assert [(r.pairs, r.loads, r.cost) for r in runs[1:]] == [
        (runs[0].pairs, runs[0].loads, runs[0].cost)
    ] * 2


def test_solve_assignment_empty_call_is_trivially_optimal() -> None:
    result = solve_assignment(
        affinity=np.zeros((0, 3)), conflict=np.zeros((0, 3), dtype=bool), reviews_per_application=2
    )

    assert (result.status, result.pairs, result.loads, result.max_load) == (
        "optimal",
        [],
        [0, 0, 0],
        0,
    )
