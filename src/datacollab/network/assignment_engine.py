"""Reviewer assignment as a min-cost flow: pure numpy + OR-Tools, no ORM.

Network: application (supply = reviews still needed) -> reviewer (capacity 1,
cost = scaled 1 - affinity) -> sink (capacity = the load allowed). Balance comes
first: the smallest feasible maximum load L is found, then cost is minimised
at that L with a single min-cost-flow solve.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import max_flow, min_cost_flow

from datacollab.core.reasons import Reason, render_reason

# Flow solvers need integer costs; 1/1000 of affinity is finer than any score
# a reviewer or a topic match can express.
COST_SCALE = 1000
# Listing every short application would bury the first, most useful ones.
_MAX_LISTED = 5


# Why no assignment exists, as codes with parameters: the engine stays free of Django, and
# network/assignment_messages.py renders the same sentences translated, with application
# titles and reviewer names for the indices. `english()` gives exactly the text below. A
# triple is (singular, plural, name of the count parameter).
REASON_TEXTS: dict[str, str | tuple[str, str, str]] = {
    "over_cap": "reviewer %(reviewer)s already has %(fixed)s fixed reviews, above the cap of "
    "%(cap)s",
    "too_few_clean": "application %(application)s has only %(clean)s non-conflicted reviewers "
    "but needs %(need)s",
    "no_capacity": "application %(application)s has %(clean)s non-conflicted reviewers but "
    "only %(usable)s of them have capacity left; it needs %(need)s",
    "and_more": "and %(count)s more",
    "total": "reviewers can take at most %(capacity)s reviews in total but %(count)s "
    "applications x %(need)s reviews = %(demand)s are needed",
    "cut.load": (
        "applications %(applications)s need %(demand)s reviews between them but at most "
        "%(fit)s fit: their non-conflicted reviewers (%(reviewers)s) already have the maximum "
        "of %(load)s review each",
        "applications %(applications)s need %(demand)s reviews between them but at most "
        "%(fit)s fit: their non-conflicted reviewers (%(reviewers)s) already have the maximum "
        "of %(load)s reviews each",
        "load",
    ),
    "cut.capacities": "applications %(applications)s need %(demand)s reviews between them but "
    "at most %(fit)s fit: their non-conflicted reviewers (%(reviewers)s) have no capacity left",
    # Lists of indices: the display layer puts names in their place.
    "applications": "%(applications)s",
    "applications.more": "%(applications)s, ... (%(total)s in all)",
    "reviewers": "%(reviewers)s",
    "reviewers.more": "%(reviewers)s, ... (%(total)s in all)",
}


def english(reasons: Iterable[Reason]) -> str:
    """The engine's English for a list of reasons, "; "-separated as the message has it."""
    return "; ".join(
        render_reason(r, REASON_TEXTS.__getitem__, lambda _key, value: value) for r in reasons
    )


@dataclass(frozen=True)
class AssignmentResult:
    status: str  # "optimal" or "infeasible"
    pairs: list[tuple[int, int]]  # (application_index, reviewer_index), sorted
    loads: list[int]  # per reviewer index, fixed pairs included
    max_load: int
    cost: int  # integer cost of the solver-chosen pairs (fixed pairs excluded)
    seconds: float
    message: str  # "" when optimal, otherwise why no assignment exists
    reasons: list[Reason] = field(default_factory=list)  # the message as codes


def solve_assignment(
    *,
    affinity: np.ndarray,
    conflict: np.ndarray,
    reviews_per_application: int,
    max_load: int | None = None,
    fixed: Sequence[tuple[int, int]] = (),
    reviewer_capacity: np.ndarray | None = None,
) -> AssignmentResult:
    """Give every application N distinct non-conflicted reviewers.

    With ``max_load=None`` the maximum load is minimised first and cost second;
    with a ``max_load`` it is only a hard cap and cost alone is minimised.
    """
    started = time.perf_counter()
    affinity, conflict, n, cap, fixed_arr = _validated(
        affinity=affinity,
        conflict=conflict,
        reviews_per_application=reviews_per_application,
        max_load=max_load,
        fixed=fixed,
        reviewer_capacity=reviewer_capacity,
    )
    n_apps, n_reviewers = affinity.shape

    def infeasible(reasons: list[Reason]) -> AssignmentResult:
        return AssignmentResult(
            status="infeasible",
            pairs=[],
            loads=[0] * n_reviewers,
            max_load=0,
            cost=0,
            seconds=time.perf_counter() - started,
            message=english(reasons),
            reasons=reasons,
        )

    fixed_per_app = np.bincount(fixed_arr[:, 0], minlength=n_apps)
    fixed_load = np.bincount(fixed_arr[:, 1], minlength=n_reviewers)
    demand = n - fixed_per_app
    allowed = ~conflict
    # A fixed pair is already made; offering it again could double a reviewer.
    allowed[fixed_arr[:, 0], fixed_arr[:, 1]] = False
    spare = cap - fixed_load

    total = n_apps * n
    shortfall = _plain_shortfall(
        conflict=conflict, allowed=allowed, cap=cap, fixed_load=fixed_load, demand=demand, n=n
    )
    if shortfall:
        return infeasible(shortfall)

    app_idx, rev_idx = np.nonzero(allowed)
    costs = np.rint((1.0 - affinity[app_idx, rev_idx]) * COST_SCALE).astype(np.int64)
    tails = app_idx.astype(np.int32)
    heads = (n_apps + rev_idx).astype(np.int32)
    sink = n_apps + n_reviewers
    reviewer_nodes = np.arange(n_apps, sink, dtype=np.int32)

    if max_load is None:
        level = _load_lower_bound(
            cap=cap, fixed_load=fixed_load, allowed=allowed, spare=spare, demand=demand, total=total
        )
    else:
        level = int(cap.max(initial=0))  # max_load is already folded into cap

    def sink_caps(level: int) -> np.ndarray:
        room: np.ndarray = np.minimum(cap, level) - fixed_load
        return room

    flow = min_cost_flow.SimpleMinCostFlow()
    pair_arcs = flow.add_arcs_with_capacity_and_unit_cost(
        tails, heads, np.ones(tails.size, dtype=np.int64), costs
    )
    sink_arcs = flow.add_arcs_with_capacity_and_unit_cost(
        reviewer_nodes,
        np.full(n_reviewers, sink, dtype=np.int32),
        sink_caps(level),
        np.zeros(n_reviewers, dtype=np.int64),
    )
    flow.set_nodes_supplies(
        np.arange(sink + 1, dtype=np.int32),
        np.concatenate([demand, np.zeros(n_reviewers, dtype=np.int64), [-int(demand.sum())]]),
    )
    status = flow.solve()
    if status == flow.INFEASIBLE:
        # The lower bound is usually tight; when it is not, max-flow probes are
        # several times cheaper than min-cost solves for finding the right L.
        probe = _MaxFlowProbe(tails=tails, heads=heads, demand=demand, n_reviewers=n_reviewers)
        ceiling = int(cap.max(initial=0))
        if max_load is not None or not probe.saturates(sink_caps(ceiling)):
            return infeasible(probe.explain(sink_caps(ceiling), n=n, max_load=max_load))
        low, high = level + 1, ceiling
        while low < high:
            middle = (low + high) // 2
            if probe.saturates(sink_caps(middle)):
                high = middle
            else:
                low = middle + 1
        level = low
        flow.set_arc_capacities(sink_arcs, sink_caps(level))
        status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow ended with status {status!r}")

    chosen = flow.flows(pair_arcs) > 0
    pairs = sorted(
        [(int(a), int(r)) for a, r in zip(app_idx[chosen], rev_idx[chosen], strict=True)]
        + [(int(a), int(r)) for a, r in fixed_arr]
    )
    loads = fixed_load + np.bincount(rev_idx[chosen], minlength=n_reviewers)
    return AssignmentResult(
        status="optimal",
        pairs=pairs,
        loads=[int(x) for x in loads],
        max_load=int(loads.max(initial=0)),
        cost=int(costs[chosen].sum()),
        seconds=time.perf_counter() - started,
        message="",
    )


class _MaxFlowProbe:
    """Feasibility of a load level: does the flow saturate every application?"""

    def __init__(
        self, *, tails: np.ndarray, heads: np.ndarray, demand: np.ndarray, n_reviewers: int
    ) -> None:
        n_apps = demand.size
        self.sink = n_apps + n_reviewers
        self.source = self.sink + 1
        self.demand = demand
        self.graph = max_flow.SimpleMaxFlow()
        self.graph.add_arcs_with_capacity(tails, heads, np.ones(tails.size, dtype=np.int64))
        self.app_arcs = self.graph.add_arcs_with_capacity(
            np.full(n_apps, self.source, dtype=np.int32), np.arange(n_apps, dtype=np.int32), demand
        )
        self.sink_arcs = self.graph.add_arcs_with_capacity(
            np.arange(n_apps, self.sink, dtype=np.int32),
            np.full(n_reviewers, self.sink, dtype=np.int32),
            np.zeros(n_reviewers, dtype=np.int64),
        )

    def saturates(self, sink_caps: np.ndarray) -> bool:
        self.graph.set_arcs_capacity(self.sink_arcs, sink_caps)
        if self.graph.solve(self.source, self.sink) != self.graph.OPTIMAL:
            raise RuntimeError("max flow failed")
        return int(self.graph.optimal_flow()) == int(self.demand.sum())

    def explain(self, sink_caps: np.ndarray, *, n: int, max_load: int | None) -> list[Reason]:
        # The source side of the minimal min cut is the same for every maximum
        # flow: the applications that compete for too few reviewers, and those
        # reviewers. Naming them is stable and tells people what to change.
        self.saturates(sink_caps)
        side = np.asarray(sorted(self.graph.get_source_side_min_cut()), dtype=np.int64)
        apps = side[side < self.demand.size]
        reviewers = side[(side >= self.demand.size) & (side < self.sink)] - self.demand.size
        # Fixed pairs (n - demand) already hold their places.
        got = int(self.graph.flows(self.app_arcs[apps]).sum() + (n - self.demand[apps]).sum())
        params = {
            "applications": _listed("applications", apps),
            "demand": n * apps.size,
            "fit": got,
            "reviewers": _listed("reviewers", reviewers),
        }
        # One whole sentence per limit: the load's noun agrees with the number.
        if max_load is None:
            return [Reason("cut.capacities", params)]
        return [Reason("cut.load", {**params, "load": max_load})]


def _plain_shortfall(
    *,
    conflict: np.ndarray,
    allowed: np.ndarray,
    cap: np.ndarray,
    fixed_load: np.ndarray,
    demand: np.ndarray,
    n: int,
) -> list[Reason]:
    """Shortfalls visible without a flow, each named in the caller's terms."""
    spare = cap - fixed_load
    if (spare < 0).any():
        return _joined(
            Reason(
                "over_cap", {"reviewer": int(r), "fixed": int(fixed_load[r]), "cap": int(cap[r])}
            )
            for r in np.flatnonzero(spare < 0)
        )
    clean = (~conflict).sum(axis=1)
    # Fixed reviewers count as usable: they already hold their place.
    usable = (allowed & (spare > 0)).sum(axis=1) + (n - demand)
    if (usable < n).any():
        return _joined(
            Reason("too_few_clean", {"application": int(a), "clean": int(clean[a]), "need": n})
            if clean[a] < n
            else Reason(
                "no_capacity",
                {
                    "application": int(a),
                    "clean": int(clean[a]),
                    "usable": int(usable[a]),
                    "need": n,
                },
            )
            for a in np.flatnonzero(usable < n)
        )
    if int(cap.sum()) < demand.size * n:
        total = {
            "capacity": int(cap.sum()),
            "count": demand.size,
            "need": n,
            "demand": demand.size * n,
        }
        return [Reason("total", total)]
    return []


def _load_lower_bound(
    *,
    cap: np.ndarray,
    fixed_load: np.ndarray,
    allowed: np.ndarray,
    spare: np.ndarray,
    demand: np.ndarray,
    total: int,
) -> int:
    # An application with exactly as many usable reviewers as it needs forces
    # every one of them, whatever L is chosen.
    usable = allowed & (spare > 0)[None, :]
    tight = (usable.sum(axis=1) == demand) & (demand > 0)
    forced = usable[tight].sum(axis=0)
    low = max(int((fixed_load + forced).max(initial=0)), 1)
    # Smallest L with sum(min(cap, L)) >= total: ceil(total / eligible) when
    # there are no personal caps, higher when capped reviewers shed load.
    high = int(cap.max(initial=0))
    base = low
    while base < high:
        middle = (base + high) // 2
        if int(np.minimum(cap, middle).sum()) >= total:
            high = middle
        else:
            base = middle + 1
    return max(low, base)


def _joined(reasons: Iterable[Reason]) -> list[Reason]:
    listed = list(reasons)
    if len(listed) > _MAX_LISTED:
        return [*listed[:_MAX_LISTED], Reason("and_more", {"count": len(listed) - _MAX_LISTED})]
    return listed


def _listed(kind: str, ids: np.ndarray) -> Reason:
    shown = [int(i) for i in ids[:_MAX_LISTED]]
    if ids.size <= _MAX_LISTED:
        return Reason(kind, {kind: shown})
    return Reason(f"{kind}.more", {kind: shown, "total": int(ids.size)})


def _validated(
    *,
    affinity: np.ndarray,
    conflict: np.ndarray,
    reviews_per_application: int,
    max_load: int | None,
    fixed: Sequence[tuple[int, int]],
    reviewer_capacity: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray, int, np.ndarray, np.ndarray]:
    affinity = np.asarray(affinity, dtype=np.float64)
    conflict = np.asarray(conflict)
    if affinity.ndim != 2:
        raise ValueError(f"affinity must be 2-dimensional, got shape {affinity.shape}")
    if conflict.shape != affinity.shape:
        raise ValueError(
            f"conflict has shape {conflict.shape} but affinity has shape {affinity.shape}"
        )
    if conflict.dtype != np.bool_:
        raise ValueError(f"conflict must be a boolean array, got dtype {conflict.dtype}")
    if not np.all((affinity >= 0.0) & (affinity <= 1.0)):
        raise ValueError("affinity must lie in [0, 1] (no NaN)")
    n = _positive_int(reviews_per_application, "reviews_per_application")
    n_apps, n_reviewers = affinity.shape

    if reviewer_capacity is None:
        # No reviewer can take an application twice, so n_apps means "no cap".
        cap = np.full(n_reviewers, n_apps, dtype=np.int64)
    else:
        raw = np.asarray(reviewer_capacity)
        if raw.shape != (n_reviewers,):
            raise ValueError(
                f"reviewer_capacity has shape {raw.shape} but there are {n_reviewers} reviewers"
            )
        if not np.issubdtype(raw.dtype, np.integer) or (raw < 0).any():
            raise ValueError("reviewer_capacity must hold non-negative integers")
        cap = np.minimum(raw.astype(np.int64), n_apps)
    if max_load is not None:
        cap = np.minimum(cap, _positive_int(max_load, "max_load"))

    fixed_arr = np.asarray(list(fixed), dtype=np.int64).reshape(-1, 2)
    for a, r in fixed_arr:
        if not (0 <= a < n_apps and 0 <= r < n_reviewers):
            raise ValueError(f"fixed pair ({a}, {r}) is outside {n_apps} x {n_reviewers}")
        if conflict[a, r]:
            raise ValueError(f"fixed pair ({a}, {r}) is conflicted: reviewer {r} may not review it")
    if np.unique(fixed_arr, axis=0).shape[0] != fixed_arr.shape[0]:
        raise ValueError("fixed pairs contain a duplicate")
    per_app = np.bincount(fixed_arr[:, 0], minlength=n_apps)
    if (per_app > n).any():
        a = int(np.flatnonzero(per_app > n)[0])
        raise ValueError(f"application {a} has {per_app[a]} fixed reviewers but needs only {n}")
    return affinity, conflict, n, cap, fixed_arr


def _positive_int(value: object, name: str) -> int:
    # bool is an int subclass, but True reviews per application is a caller bug.
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{name} must be a whole number of at least 1, got {value!r}")
    return int(value)
