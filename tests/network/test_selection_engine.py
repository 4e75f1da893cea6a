"""Cohort selection engine: pure solver, checked against brute force and the unpruned model."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pytest

from datacollab.network.selection_engine import (
    Candidate,
    SelectionConstraints,
    constraint_violations,
    solve_selection,
)


def _cand(
    id: int,
    merit: float,
    amount: float = 10.0,
    country: str = "KE",
    global_south: bool = False,
    kind: str = "non_profit",
) -> Candidate:
    return Candidate(
        id=id, merit=merit, amount=amount, country=country, global_south=global_south, kind=kind
    )


def _spread(merits: Sequence[float]) -> list[Candidate]:
    """One candidate per country, so only capacity and budget matter."""
    return [_cand(i + 1, m, country=f"C{i}") for i, m in enumerate(merits)]


def test_solve_selection_capacity_takes_top_merit() -> None:
    candidates = _spread([5, 9, 7, 3, 8])

    result = solve_selection(
        candidates=candidates, constraints=SelectionConstraints(capacity=3, budget=1000)
    )

    assert result.status == "optimal"
    assert result.selected == [2, 5, 3]
    assert result.objective == 24.0
    assert result.greedy == [2, 5, 3]
    assert result.added == []
    assert result.displaced == []
    assert [b.name for b in result.binding] == ["capacity"]
    assert result.binding[0].description == "Capacity: 3 of 3 places filled"
    assert result.reasons == {
        2: "in: rank 1 by merit",
        5: "in: rank 2 by merit",
        3: "in: rank 3 by merit",
    }
    assert result.infeasible_reason == ""


def test_solve_selection_budget_prefers_two_affordable_over_one_expensive() -> None:
    candidates = [
        _cand(1, 10, amount=100, country="A1"),
        _cand(2, 6, amount=50, country="A2"),
        _cand(3, 6, amount=50, country="A3"),
    ]

    result = solve_selection(
        candidates=candidates, constraints=SelectionConstraints(capacity=3, budget=100)
    )

    assert result.selected == [2, 3]
    assert result.objective == 12.0
    assert result.greedy == [1]
    assert result.greedy_objective == 10.0
    assert result.added == [2, 3]
    assert result.displaced == [1]
    assert [(b.name, b.description) for b in result.binding] == [
        ("budget", "Budget: 100 of 100 used")
    ]
    assert result.reasons[1] == (
        "out: rank 1 by merit, but its amount 100 does not fit the budget with the rest"
    )


def test_solve_selection_global_south_share_replaces_top_ranked() -> None:
    north = [_cand(i, 10 - i, country=f"N{i}") for i in range(1, 5)]
    south = [_cand(i, 5 - i / 10, country=f"S{i}", global_south=True) for i in range(5, 9)]
    constraints = SelectionConstraints(capacity=4, budget=1000, min_global_south_share=0.5)

    result = solve_selection(candidates=north + south, constraints=constraints)

    assert result.selected == [1, 2, 5, 6]
    assert result.greedy == [1, 2, 3, 4]
    assert result.added == [5, 6]
    assert result.displaced == [3, 4]
    assert [b.name for b in result.binding] == ["capacity", "global_south"]
    assert result.binding[1].description == "Global South: 2 of 4 selected (minimum 50%)"
    assert result.reasons == {
        1: "in: rank 1 by merit",
        2: "in: rank 2 by merit",
        5: "in: needed for the Global South minimum (rank 5 by merit)",
        6: "in: needed for the Global South minimum (rank 6 by merit)",
        3: "out: rank 3 by merit, replaced to meet the Global South minimum of 50%",
        4: "out: rank 4 by merit, replaced to meet the Global South minimum of 50%",
    }
    assert (
        constraint_violations(
            candidates=north + south, constraints=constraints, selected=result.greedy
        )[0].name
        == "global_south"
    )


def test_solve_selection_max_per_country_skips_third_from_same_country() -> None:
    candidates = [
        _cand(1, 9, country="GB"),
        _cand(2, 8, country="GB"),
        _cand(3, 7, country="GB"),
        _cand(4, 6, country="KE"),
    ]
    constraints = SelectionConstraints(capacity=3, budget=1000, max_per_country=2)

    result = solve_selection(candidates=candidates, constraints=constraints)

    assert result.selected == [1, 2, 4]
    assert result.displaced == [3]
    assert result.reasons[3] == "out: rank 3 by merit, but country GB already has the maximum 2"
    assert [b.name for b in result.binding] == ["capacity", "country:GB"]


def test_solve_selection_kind_min_and_max_shape_the_cohort() -> None:
    candidates = [
        _cand(1, 9, country="A1", kind="company"),
        _cand(2, 8, country="A2", kind="company"),
        _cand(3, 7, country="A3", kind="company"),
        _cand(4, 3, country="A4", kind="university"),
        _cand(5, 2, country="A5", kind="non_profit"),
    ]
    constraints = SelectionConstraints(
        capacity=3, budget=1000, kind_min={"university": 1}, kind_max={"company": 1}
    )

    result = solve_selection(candidates=candidates, constraints=constraints)

    assert result.selected == [1, 4, 5]
    assert result.displaced == [2, 3]
    assert result.reasons[2] == "out: rank 2 by merit, but company already has the maximum 1"
    assert result.reasons[4] == (
        "in: needed for the minimum of 1 of kind university (rank 4 by merit)"
    )
    assert [b.name for b in result.binding] == [
        "capacity",
        "kind_min:university",
        "kind_max:company",
    ]


def test_solve_selection_forced_in_and_out_are_respected() -> None:
    candidates = _spread([9, 8, 7, 1])
    constraints = SelectionConstraints(
        capacity=2, budget=1000, forced_in=frozenset({4}), forced_out=frozenset({1})
    )

    result = solve_selection(candidates=candidates, constraints=constraints)

    assert result.selected == [2, 4]
    assert result.greedy == [1, 2]
    assert result.displaced == [1]
    assert result.reasons == {
        2: "in: rank 2 by merit",
        4: "in: chosen by the convener (rank 4 by merit)",
        1: "out: rank 1 by merit, excluded by the convener",
    }


def test_solve_selection_infeasible_forced_in_names_the_culprits() -> None:
    candidates = _spread([9, 8, 7])
    constraints = SelectionConstraints(capacity=2, budget=1000, forced_in=frozenset({1, 2, 3}))

    result = solve_selection(candidates=candidates, constraints=constraints)

    assert result.status == "infeasible"
    assert result.selected == []
    assert result.reasons == {}
    assert result.infeasible_reason == (
        "No cohort meets all the constraints. The forced-in applications alone exceed: "
        "Capacity: 3 of 2 places filled. Relaxing any one of these makes a cohort possible: "
        "the forced-in applications, the capacity."
    )


def test_solve_selection_infeasible_kind_minimum_says_how_to_relax() -> None:
    candidates = [_cand(1, 9, kind="company"), _cand(2, 8, country="GB", kind="university")]
    constraints = SelectionConstraints(
        capacity=3, budget=1000, kind_min={"university": 2}, min_global_south_share=0.5
    )

    result = solve_selection(candidates=candidates, constraints=constraints)

    assert result.status == "infeasible"
    assert result.infeasible_reason == (
        "No cohort meets all the constraints. Only 1 application is of kind university, "
        "fewer than the minimum 2. Relaxing any one of these makes a cohort possible: "
        "the minimums by kind."
    )


def test_solve_selection_infeasible_global_south_with_forced_north() -> None:
    candidates = [_cand(1, 9), _cand(2, 8, country="GB", global_south=True)]
    constraints = SelectionConstraints(
        capacity=1, budget=1000, min_global_south_share=1.0, forced_in=frozenset({1})
    )

    result = solve_selection(candidates=candidates, constraints=constraints)

    assert result.infeasible_reason == (
        "No cohort meets all the constraints. Relaxing any one of these makes a cohort "
        "possible: the Global South minimum, the forced-in applications."
    )


@pytest.mark.parametrize(
    ("constraints", "message"),
    [
        (SelectionConstraints(capacity=-1, budget=10), "Capacity must be zero or more, not -1."),
        (
            SelectionConstraints(capacity=1, budget=-5),
            "Budget must be a finite amount of zero or more, not -5.",
        ),
        (
            SelectionConstraints(capacity=1, budget=10, min_global_south_share=1.5),
            "The Global South share must be between 0% and 100%, not 150%.",
        ),
        (
            SelectionConstraints(
                capacity=1, budget=10, forced_in=frozenset({1}), forced_out=frozenset({1})
            ),
            "Ids are both forced in and forced out: [1].",
        ),
        (
            SelectionConstraints(capacity=1, budget=10, forced_in=frozenset({99})),
            "Ids forced into the cohort are not among the applications: [99].",
        ),
        (
            SelectionConstraints(capacity=1, budget=10, forced_out=frozenset({98})),
            "Ids forced out of the cohort are not among the applications: [98].",
        ),
        (
            SelectionConstraints(
                capacity=1, budget=10, kind_min={"company": 3}, kind_max={"company": 2}
            ),
            "The minimum for company (3) is above its maximum (2).",
        ),
    ],
)
def test_solve_selection_rejects_bad_constraints(
    constraints: SelectionConstraints, message: str
) -> None:
    with pytest.raises(ValueError) as caught:
        solve_selection(candidates=_spread([1, 2]), constraints=constraints)

    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("candidates", "message"),
    [
        ([_cand(1, 1), _cand(1, 2)], "Application ids appear more than once: [1]."),
        ([_cand(1, -0.5)], "Merit must be a finite number of zero or more; not so for ids [1]."),
        ([_cand(1, 1, amount=-3)], "Amounts must be finite and zero or more; not so for ids [1]."),
    ],
)
def test_solve_selection_rejects_bad_candidates(candidates: list[Candidate], message: str) -> None:
    with pytest.raises(ValueError) as caught:
        solve_selection(
            candidates=candidates, constraints=SelectionConstraints(capacity=1, budget=10)
        )

    assert str(caught.value) == message


def test_solve_selection_ties_break_by_id_whatever_the_input_order() -> None:
    candidates = [_cand(i, 5.0, country=f"C{i}") for i in range(1, 9)]
    constraints = SelectionConstraints(capacity=3, budget=1000)
    rng = np.random.default_rng(7)

    results = [
        solve_selection(
            candidates=[candidates[i] for i in rng.permutation(len(candidates))],
            constraints=constraints,
        ).selected
        for _ in range(5)
    ]

    assert results == [[1, 2, 3]] * 5


def test_solve_selection_ties_break_by_id_within_a_country_cap() -> None:
    candidates = [_cand(i, 5.0, country="GB" if i % 2 else "KE") for i in range(10, 0, -1)]
    constraints = SelectionConstraints(capacity=4, budget=1000, max_per_country=2)

    result = solve_selection(candidates=candidates, constraints=constraints)

    assert result.selected == [1, 2, 3, 4]


def test_solve_selection_ties_skip_a_lower_id_the_budget_cannot_afford() -> None:
    candidates = [
        _cand(1, 5.0, amount=60, country="A1"),
        _cand(2, 5.0, amount=40, country="A2"),
        _cand(3, 5.0, amount=40, country="A3"),
        _cand(4, 5.0, amount=40, country="A4"),
    ]

    result = solve_selection(
        candidates=candidates, constraints=SelectionConstraints(capacity=2, budget=80)
    )

    assert result.selected == [2, 3]


def _random_instance(
    seed: int, n: int, *, whole: bool = True
) -> tuple[list[Candidate], SelectionConstraints]:
    """Small integer merits by default: sums are exact and ties common, hard for pruning."""
    rng = np.random.default_rng(seed)
    countries = ["AR", "GB", "KE"][: int(rng.integers(1, 4))]
    kinds = ["company", "non_profit"]
    candidates = [
        Candidate(
            id=i + 1,
            merit=float(rng.integers(0, 10)) if whole else round(float(rng.random()), 3),
            amount=float(rng.integers(1, 10)),
            country=str(rng.choice(countries)),
            global_south=bool(rng.random() < 0.4),
            kind=str(rng.choice(kinds)),
        )
        for i in range(n)
    ]
    ids = rng.permutation(n) + 1
    forced = int(rng.integers(0, 3)) if rng.random() < 0.3 else 0
    constraints = SelectionConstraints(
        capacity=int(rng.integers(1, 6)),
        budget=float(rng.integers(5, 40)),
        min_global_south_share=float(rng.choice([0.0, 0.25, 1 / 3, 0.5, 0.6, 1.0])),
        max_per_country=None if rng.random() < 0.3 else int(rng.integers(1, 3)),
        kind_min={"company": int(rng.integers(0, 3))} if rng.random() < 0.3 else {},
        kind_max={"non_profit": int(rng.integers(0, 4))} if rng.random() < 0.3 else {},
        forced_in=frozenset(int(i) for i in ids[:forced]),
        forced_out=frozenset(int(i) for i in ids[forced : forced + int(rng.integers(0, 2))]),
    )
    return candidates, constraints


def _brute_force(candidates: Sequence[Candidate], c: SelectionConstraints) -> float | None:
    """Best total merit over every subset, or None when no subset is feasible."""
    n = len(candidates)
    take = (np.arange(2**n)[:, None] >> np.arange(n)) & 1
    merit = np.array([x.merit for x in candidates])
    count = take.sum(axis=1)
    ok = (count <= c.capacity) & (take @ np.array([x.amount for x in candidates]) <= c.budget)
    gs = take @ np.array([float(x.global_south) for x in candidates])
    ok &= gs >= c.min_global_south_share * count - 1e-9
    for country in {x.country for x in candidates}:
        if c.max_per_country is not None:
            ok &= take @ np.array([x.country == country for x in candidates]) <= c.max_per_country
    for kind in {x.kind for x in candidates} | set(c.kind_min) | set(c.kind_max):
        of_kind = take @ np.array([x.kind == kind for x in candidates])
        ok &= (of_kind >= c.kind_min.get(kind, 0)) & (of_kind <= c.kind_max.get(kind, n))
    for i, x in enumerate(candidates):
        if x.id in c.forced_in:
            ok &= take[:, i] == 1
        if x.id in c.forced_out:
            ok &= take[:, i] == 0
    return float((take[ok] @ merit).max()) if ok.any() else None


def test_solve_selection_pruned_matches_brute_force_on_random_instances() -> None:
    considered = offered = 0
    for seed in range(200):
        candidates, constraints = _random_instance(seed, n=int(5 + seed % 7))

        result = solve_selection(candidates=candidates, constraints=constraints)

        best = _brute_force(candidates, constraints)
        assert (seed, result.status) == (seed, "optimal" if best is not None else "infeasible")
        if best is not None:
            assert (seed, result.objective) == (seed, best)
            assert (
                constraint_violations(
                    candidates=candidates, constraints=constraints, selected=result.selected
                )
                == []
            )
        considered += result.candidates_considered
        offered += len(candidates)
    assert considered < offered * 3 // 4  # the pruning was exercised, not bypassed


def test_solve_selection_pruned_matches_unpruned_on_larger_instances() -> None:
    for seed in range(40):
        candidates, constraints = _random_instance(1000 + seed, n=60, whole=seed % 2 == 0)
        constraints = replace(constraints, capacity=int(5 + seed % 10), budget=float(20 + seed * 3))

        pruned = solve_selection(candidates=candidates, constraints=constraints)
        plain = solve_selection(candidates=candidates, constraints=constraints, prune=False)

        assert (seed, pruned.status, pruned.objective) == (seed, plain.status, plain.objective)
        assert pruned.candidates_considered <= plain.candidates_considered


def test_constraint_violations_lists_what_greedy_breaks() -> None:
    candidates = [
        _cand(1, 9, country="GB"),
        _cand(2, 8, country="GB"),
        _cand(3, 1, global_south=True),
    ]
    constraints = SelectionConstraints(
        capacity=2, budget=1000, min_global_south_share=0.5, max_per_country=1
    )

    broken = constraint_violations(candidates=candidates, constraints=constraints, selected=[1, 2])

    assert [(b.name, b.description) for b in broken] == [
        ("global_south", "Global South: 0 of 2 selected (minimum 50%)"),
        ("country:GB", "Country GB: 2 selected (maximum 1)"),
    ]


def test_solve_selection_budget_not_binding_when_nobody_is_left():
    candidates = [
        Candidate(id=1, merit=2.0, amount=5.0, country="KE", global_south=True, kind="company")
    ]
    result = solve_selection(
        candidates=candidates, constraints=SelectionConstraints(capacity=3, budget=10.0)
    )
    assert result.selected == [1]
    assert [b.name for b in result.binding] == []
