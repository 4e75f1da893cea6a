"""Cohort selection as a 0/1 programme: pure numpy + scipy (HiGHS), no ORM.

Maximise total merit subject to capacity, budget, a Global South share of the
selected count, a per-country cap, per-kind minimums/maximums and the
convener's forced choices. Candidates that can never be needed are pruned by a
dominance rule before the model is built (see ``_prune``), which shrinks the
10,000-application benchmark to a few hundred variables.
"""

from __future__ import annotations

import heapq
import math
import time
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array

# A convener compares cohorts by total merit, so the optimum must be proven,
# not merely within HiGHS's default 0.01% gap.
_MIP_REL_GAP = 1e-9
_EPS = 1e-9


@dataclass(frozen=True)
class Candidate:
    id: int
    merit: float  # non-negative; higher is better
    amount: float  # award requested, in the cohort currency
    country: str  # ISO 3166-1 alpha-2
    global_south: bool
    kind: str  # organisation kind, e.g. "company", "non_profit"


@dataclass(frozen=True)
class SelectionConstraints:
    capacity: int
    budget: float
    min_global_south_share: float = 0.0  # share of the selected count, 0..1
    max_per_country: int | None = None
    kind_min: Mapping[str, int] = field(default_factory=dict)
    kind_max: Mapping[str, int] = field(default_factory=dict)
    forced_in: frozenset[int] = frozenset()
    forced_out: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Binding:
    name: str  # "capacity" | "budget" | "global_south" | "country:XX" | "kind_min:K" | "kind_max:K"
    description: str
    used: float
    limit: float


@dataclass(frozen=True)
class SelectionResult:
    status: str  # "optimal", "infeasible", or "time_limit" (best found, not proven)
    selected: list[int]  # by merit descending, ties by id
    objective: float
    greedy: list[int]  # top-N by merit within capacity and budget only
    greedy_objective: float
    added: list[int]
    displaced: list[int]
    binding: list[Binding]
    reasons: dict[int, str]
    infeasible_reason: str
    seconds: float
    candidates_considered: int


def solve_selection(
    *,
    candidates: Sequence[Candidate],
    constraints: SelectionConstraints,
    time_limit: float = 60.0,
    prune: bool = True,
) -> SelectionResult:
    """Select the cohort of highest total merit; ``prune=False`` exists for benchmarks."""
    started = time.perf_counter()
    c = constraints
    _validate(candidates, c)
    ordered = sorted(candidates, key=_rank_key)
    rank = {x.id: i + 1 for i, x in enumerate(ordered)}
    greedy = _greedy(ordered, c)
    pool = [x for x in ordered if x.id not in c.forced_out]
    status, chosen, considered = _solve(pool, c, time_limit, prune)
    if status == "infeasible" or not chosen and status == "time_limit":
        reason = _diagnose(pool, c, time_limit) if status == "infeasible" else (
            f"No cohort was found within the time limit of {time_limit:g} s."
        )
        return SelectionResult(
            status=status, selected=[], objective=0.0, greedy=[x.id for x in greedy],
            greedy_objective=sum(x.merit for x in greedy), added=[], displaced=[], binding=[],
            reasons={}, infeasible_reason=reason, seconds=time.perf_counter() - started,
            candidates_considered=considered,
        )
    chosen = sorted(_break_ties(chosen, pool, c), key=_rank_key)
    binding = _tight(chosen, pool, c)
    greedy_ids = {x.id for x in greedy}
    chosen_ids = {x.id for x in chosen}
    displaced = [x for x in greedy if x.id not in chosen_ids]
    reasons = {x.id: _reason_in(x, rank[x.id], greedy_ids, binding, c) for x in chosen}
    reasons |= {x.id: _reason_out(x, rank[x.id], chosen, binding, c) for x in displaced}
    return SelectionResult(
        status=status,
        selected=[x.id for x in chosen],
        objective=sum(x.merit for x in chosen),
        greedy=[x.id for x in greedy],
        greedy_objective=sum(x.merit for x in greedy),
        added=[x.id for x in chosen if x.id not in greedy_ids],
        displaced=[x.id for x in displaced],
        binding=binding,
        reasons=reasons,
        infeasible_reason="",
        seconds=time.perf_counter() - started,
        candidates_considered=considered,
    )


def constraint_violations(
    *, candidates: Sequence[Candidate], constraints: SelectionConstraints, selected: Sequence[int]
) -> list[Binding]:
    """The constraints a given cohort (e.g. the greedy one) breaks, with used > limit."""
    c, ids = constraints, set(selected)
    chosen = [x for x in candidates if x.id in ids]
    n, spent = len(chosen), sum(x.amount for x in chosen)
    gs = sum(x.global_south for x in chosen)
    out: list[Binding] = []
    if n > c.capacity:
        out.append(Binding("capacity", f"Capacity: {n} selected, maximum {c.capacity}", n, c.capacity))
    if spent > c.budget * (1 + _EPS):
        out.append(Binding("budget", f"Budget: {_money(spent)} of {_money(c.budget)}", spent, c.budget))
    if gs < c.min_global_south_share * n - _EPS:
        need = c.min_global_south_share * n
        out.append(Binding("global_south", f"Global South: {gs} of {n} selected (minimum "
                           f"{c.min_global_south_share:.0%})", need - gs, need))
    countries = Counter(x.country for x in chosen)
    for cc, k in sorted(countries.items()):
        if c.max_per_country is not None and k > c.max_per_country:
            out.append(Binding(f"country:{cc}", f"Country {cc}: {k} selected, maximum "
                               f"{c.max_per_country}", k, c.max_per_country))
    kinds = Counter(x.kind for x in chosen)
    for kind, m in sorted(c.kind_min.items()):
        if kinds[kind] < m:
            out.append(Binding(f"kind_min:{kind}", f"At least {m} {kind}: {kinds[kind]} selected",
                               kinds[kind], m))
    for kind, m in sorted(c.kind_max.items()):
        if kinds[kind] > m:
            out.append(Binding(f"kind_max:{kind}", f"At most {m} {kind}: {kinds[kind]} selected",
                               kinds[kind], m))
    forced = [f"forced in #{i}" for i in sorted(c.forced_in - ids)]
    forced += [f"forced out #{i}" for i in sorted(c.forced_out & ids)]
    out += [Binding("forced", text, 1, 0) for text in forced]
    return out


def _rank_key(x: Candidate) -> tuple[float, int]:
    return (-x.merit, x.id)


def _money(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _validate(candidates: Sequence[Candidate], c: SelectionConstraints) -> None:
    problems: list[str] = []
    if c.capacity < 0:
        problems.append(f"Capacity must be zero or more, not {c.capacity}.")
    if not (math.isfinite(c.budget) and c.budget >= 0):
        problems.append(f"Budget must be a finite amount of zero or more, not {c.budget}.")
    if not 0.0 <= c.min_global_south_share <= 1.0:
        problems.append(f"Global South share must be between 0 and 1, not "
                        f"{c.min_global_south_share}.")
    if c.max_per_country is not None and c.max_per_country < 0:
        problems.append(f"Maximum per country must be zero or more, not {c.max_per_country}.")
    for label, limits in (("minimum", c.kind_min), ("maximum", c.kind_max)):
        problems += [f"The {label} for {k} must be zero or more, not {v}."
                     for k, v in sorted(limits.items()) if v < 0]
    problems += [f"The minimum for {k} ({v}) is above its maximum ({c.kind_max[k]})."
                 for k, v in sorted(c.kind_min.items()) if k in c.kind_max and v > c.kind_max[k]]
    counts = Counter(x.id for x in candidates)
    if dupes := sorted(i for i, k in counts.items() if k > 1):
        problems.append(f"Application ids appear more than once: {dupes}.")
    if bad := sorted(x.id for x in candidates if not (math.isfinite(x.merit) and x.merit >= 0)):
        problems.append(f"Merit must be a finite number of zero or more; not so for ids {bad}.")
    if bad := sorted(x.id for x in candidates if not (math.isfinite(x.amount) and x.amount >= 0)):
        problems.append(f"Amounts must be finite and zero or more; not so for ids {bad}.")
    if both := sorted(c.forced_in & c.forced_out):
        problems.append(f"Ids are both forced in and forced out: {both}.")
    if unknown := sorted((c.forced_in | c.forced_out) - counts.keys()):
        problems.append(f"Forced ids are not among the applications: {unknown}.")
    if problems:
        raise ValueError(" ".join(problems))


def _greedy(ordered: Sequence[Candidate], c: SelectionConstraints) -> list[Candidate]:
    chosen: list[Candidate] = []
    spent = 0.0
    for x in ordered:
        if len(chosen) >= c.capacity:
            break
        if spent + x.amount <= c.budget:
            chosen.append(x)
            spent += x.amount
    return chosen


def _prune(pool: Sequence[Candidate], c: SelectionConstraints) -> list[Candidate]:
    """Drop candidates that some optimal cohort never needs.

    Within a group that a swap cannot unbalance (same Global South status; same
    country when countries are capped; same kind when kinds are constrained), if
    K candidates have merit >= and amount <= a candidate's (earlier in the order
    merit desc, amount asc, id asc), where K bounds how many of the group any
    cohort holds, then in a cohort holding it one dominator is free to take its
    place without lowering merit or breaking a constraint. Repeating such swaps
    strictly lowers the sum of order positions, so some optimum avoids every
    pruned candidate at once.
    """
    room = c.budget - sum(x.amount for x in pool if x.id in c.forced_in)
    cheapest = np.cumsum(sorted(x.amount for x in pool))
    most = min(c.capacity, int(np.searchsorted(cheapest, c.budget * (1 + _EPS), side="right")))
    by_kind = bool(c.kind_min or c.kind_max)
    groups: defaultdict[tuple[str, bool, str], list[Candidate]] = defaultdict(list)
    for x in pool:
        country = x.country if c.max_per_country is not None else ""
        groups[(country, x.global_south, x.kind if by_kind else "")].append(x)
    kept: list[Candidate] = []
    for (country, _, kind), members in groups.items():
        per_country = most if c.max_per_country is None else c.max_per_country
        k = min(most, per_country, c.kind_max.get(kind, most))
        smallest: list[float] = []  # negated max-heap of the k smallest amounts so far
        for x in sorted(members, key=lambda x: (-x.merit, x.amount, x.id)):
            dominated = len(smallest) >= k and (k == 0 or -smallest[0] <= x.amount)
            if x.id in c.forced_in or (not dominated and x.amount <= room * (1 + _EPS)):
                kept.append(x)
            if k > 0:
                heapq.heappush(smallest, -x.amount)
                if len(smallest) > k:
                    heapq.heappop(smallest)
    return sorted(kept, key=_rank_key)


def _solve(
    pool: Sequence[Candidate], c: SelectionConstraints, time_limit: float, prune: bool
) -> tuple[str, list[Candidate], int]:
    model = _prune(pool, c) if prune else list(pool)
    n = len(model)
    if n == 0:
        feasible = all(v == 0 for v in c.kind_min.values())
        return ("optimal" if feasible else "infeasible"), [], 0
    rows = [dict.fromkeys(range(n), 1.0), {i: x.amount for i, x in enumerate(model)}]
    lo, hi = [0.0, 0.0], [float(c.capacity), c.budget]
    if c.min_global_south_share > 0:
        share = c.min_global_south_share
        rows.append({i: float(x.global_south) - share for i, x in enumerate(model)})
        lo.append(0.0)
        hi.append(math.inf)
    members: defaultdict[str, list[int]] = defaultdict(list)
    of_kind: defaultdict[str, list[int]] = defaultdict(list)
    for i, x in enumerate(model):
        members[x.country].append(i)
        of_kind[x.kind].append(i)
    if c.max_per_country is not None:
        for idx in members.values():
            if len(idx) > c.max_per_country:  # smaller countries cannot exceed it
                rows.append(dict.fromkeys(idx, 1.0))
                lo.append(0.0)
                hi.append(float(c.max_per_country))
    for kind in sorted(set(c.kind_min) | set(c.kind_max)):
        rows.append(dict.fromkeys(of_kind[kind], 1.0))
        lo.append(float(c.kind_min.get(kind, 0)))
        hi.append(float(c.kind_max.get(kind, n)))
    r = [i for i, row in enumerate(rows) for _ in row]
    cols = [j for row in rows for j in row]
    vals = [v for row in rows for v in row.values()]
    matrix = csr_array((vals, (r, cols)), shape=(len(rows), n))
    lower = np.array([1.0 if x.id in c.forced_in else 0.0 for x in model])
    res = milp(
        c=-np.array([x.merit for x in model]),
        integrality=np.ones(n),
        bounds=Bounds(lower, np.ones(n)),
        constraints=LinearConstraint(matrix, lo, hi),
        options={"time_limit": time_limit, "mip_rel_gap": _MIP_REL_GAP},
    )
    if res.status == 2:
        return "infeasible", [], n
    if res.x is None:
        return ("time_limit" if res.status == 1 else "infeasible"), [], n
    chosen = [x for x, v in zip(model, res.x, strict=True) if v > 0.5]
    return ("optimal" if res.status == 0 else "time_limit"), chosen, n


def _break_ties(
    chosen: list[Candidate], pool: Sequence[Candidate], c: SelectionConstraints
) -> list[Candidate]:
    """Swap in equal-merit, lower-id candidates where feasible, so ties resolve by id.

    HiGHS returns one of the tied optima, not necessarily the same one for every
    ordering of equal merits; each swap lowers the id sum, so this terminates.
    """
    same_merit: defaultdict[float, list[Candidate]] = defaultdict(list)
    for x in pool:  # pool is in rank order, so each list is by id ascending
        same_merit[x.merit].append(x)
    chosen, ids = list(chosen), {x.id for x in chosen}
    spent, gs = sum(x.amount for x in chosen), sum(x.global_south for x in chosen)
    countries, kinds = Counter(x.country for x in chosen), Counter(x.kind for x in chosen)
    cap, need = c.max_per_country, c.min_global_south_share * len(chosen) - _EPS

    def fits(out: Candidate, new: Candidate) -> bool:
        return (
            spent - out.amount + new.amount <= c.budget * (1 + _EPS)
            and (cap is None or new.country == out.country or countries[new.country] < cap)
            and gs - out.global_south + new.global_south >= need
            and (new.kind == out.kind or (kinds[out.kind] > c.kind_min.get(out.kind, 0)
                 and kinds[new.kind] < c.kind_max.get(new.kind, len(pool))))
        )

    swapped = True
    while swapped:
        swapped = False
        for out in sorted(chosen, key=_rank_key, reverse=True):
            if out.id in c.forced_in:
                continue
            for new in same_merit[out.merit]:
                if new.id >= out.id:
                    break
                if new.id not in ids and fits(out, new):
                    chosen[chosen.index(out)] = new
                    ids ^= {out.id, new.id}
                    spent += new.amount - out.amount
                    gs += new.global_south - out.global_south
                    countries.update([new.country])
                    countries.subtract([out.country])
                    kinds.update([new.kind])
                    kinds.subtract([out.kind])
                    swapped = True
                    break
    return chosen


def _tight(chosen: list[Candidate], pool: Sequence[Candidate], c: SelectionConstraints
           ) -> list[Binding]:
    n, spent = len(chosen), sum(x.amount for x in chosen)
    ids = {x.id for x in chosen}
    out: list[Binding] = []
    if n == c.capacity:
        out.append(Binding("capacity", f"Capacity: {n} of {c.capacity} places filled",
                           n, c.capacity))
    if c.budget - spent < min((x.amount for x in pool if x.id not in ids), default=math.inf):
        out.append(Binding("budget", f"Budget: {_money(spent)} of {_money(c.budget)} used",
                           spent, c.budget))
    gs, share = sum(x.global_south for x in chosen), c.min_global_south_share
    if share > 0 and n > 0 and gs - 1 < share * n - _EPS:  # one fewer would break the minimum
        out.append(Binding("global_south", f"Global South: {gs} of {n} selected (minimum "
                           f"{share:.0%})", gs, share * n))
    countries = Counter(x.country for x in chosen)
    out += [Binding(f"country:{cc}", f"Country {cc}: {k} of maximum {k} selected", k, k)
            for cc, k in sorted(countries.items()) if k == c.max_per_country]
    kinds = Counter(x.kind for x in chosen)
    out += [Binding(f"kind_min:{kd}", f"At least {m} {kd}: {kinds[kd]} selected", kinds[kd], m)
            for kd, m in sorted(c.kind_min.items()) if m > 0 and kinds[kd] == m]
    out += [Binding(f"kind_max:{kd}", f"At most {m} {kd}: {kinds[kd]} selected", kinds[kd], m)
            for kd, m in sorted(c.kind_max.items()) if kinds[kd] == m]
    return out


def _reason_in(x: Candidate, rank: int, greedy: set[int], binding: list[Binding],
               c: SelectionConstraints) -> str:
    names = {b.name for b in binding}
    if x.id in c.forced_in:
        return f"in: chosen by the convener (rank {rank} by merit)"
    if x.id in greedy:
        return f"in: rank {rank} by merit"
    if x.global_south and "global_south" in names:
        return f"in: needed for the Global South minimum (rank {rank} by merit)"
    if f"kind_min:{x.kind}" in names:
        return f"in: needed for the minimum of {c.kind_min[x.kind]} {x.kind} (rank {rank} by merit)"
    return (f"in: rank {rank} by merit, taking a place that higher-ranked applications could "
            f"not fill within the budget and limits")


def _reason_out(x: Candidate, rank: int, chosen: list[Candidate], binding: list[Binding],
                c: SelectionConstraints) -> str:
    names = {b.name for b in binding}
    if x.id in c.forced_out:
        return f"out: rank {rank} by merit, excluded by the convener"
    if f"country:{x.country}" in names:
        return (f"out: rank {rank} by merit, but country {x.country} already has the maximum "
                f"{c.max_per_country}")
    if f"kind_max:{x.kind}" in names:
        return f"out: rank {rank} by merit, but {x.kind} already has the maximum {c.kind_max[x.kind]}"
    if not x.global_south and "global_south" in names:
        return (f"out: rank {rank} by merit, replaced to meet the Global South minimum of "
                f"{c.min_global_south_share:.0%}")
    if kinds := [b.name.split(":", 1)[1] for b in binding if b.name.startswith("kind_min:")]:
        return f"out: rank {rank} by merit, replaced to meet the minimum for {', '.join(kinds)}"
    return (f"out: rank {rank} by merit, but its amount {_money(x.amount)} does not fit the "
            f"budget alongside the other selections")


def _diagnose(pool: Sequence[Candidate], c: SelectionConstraints, time_limit: float) -> str:
    """Name what cannot be met: direct counts first, then which single relaxation helps."""
    facts: list[str] = []
    forced = [x for x in pool if x.id in c.forced_in]
    if len(forced) > c.capacity:
        facts.append(f"{len(forced)} applications are forced in but capacity is {c.capacity}.")
    if (spent := sum(x.amount for x in forced)) > c.budget:
        facts.append(f"The forced-in applications request {_money(spent)}, above the budget "
                     f"{_money(c.budget)}.")
    for cc, k in sorted(Counter(x.country for x in forced).items()):
        if c.max_per_country is not None and k > c.max_per_country:
            facts.append(f"{k} forced-in applications are from {cc}, above the maximum "
                         f"{c.max_per_country} per country.")
    available = Counter(x.kind for x in pool)
    facts += [f"Only {available[k]} applications are of kind {k}, fewer than the minimum {m}."
              for k, m in sorted(c.kind_min.items()) if available[k] < m]
    if sum(c.kind_min.values()) > c.capacity:
        facts.append(f"The minimums by kind add up to {sum(c.kind_min.values())}, above the "
                     f"capacity {c.capacity}.")
    relaxations = {
        "the Global South minimum": replace(c, min_global_south_share=0.0),
        "the per-country maximum": replace(c, max_per_country=None),
        "the minimums by kind": replace(c, kind_min={}),
        "the maximums by kind": replace(c, kind_max={}),
        "the forced-in applications": replace(c, forced_in=frozenset()),
        "the budget": replace(c, budget=sum(x.amount for x in pool)),
        "the capacity": replace(c, capacity=len(pool)),
    }
    helps = [label for label, relaxed in relaxations.items()
             if relaxed != c and _solve(pool, relaxed, time_limit, True)[0] != "infeasible"]
    if helps:
        advice = "Relaxing any one of these makes a cohort possible: " + ", ".join(helps) + "."
    else:
        advice = "No single constraint relaxed is enough; relax several together."
    return " ".join(["No cohort meets all the constraints.", *facts, advice])
