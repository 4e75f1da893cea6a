"""Cohort selection as a 0/1 programme: pure numpy + scipy (HiGHS), no ORM.

Maximise total merit subject to capacity, budget, a Global South share of the
selected count, a per-country cap, per-kind minimums/maximums and the
convener's forced choices. Two sound reductions keep it fast: a dominance rule
drops applications no optimum needs (``_prune``), then LP reduced costs rule
out most of the rest (``_reduced_solve``).
"""

from __future__ import annotations

import math
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import csc_array
from scipy.sparse import vstack as sparse_vstack

from datacollab.core.reasons import Reason
from datacollab.network.selection_reasons import SelectionInputError, english

# A convener compares cohorts by total merit, so the optimum is proven, not
# merely within HiGHS's default 0.01% gap.
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
    reason: Reason | None = field(default=None, compare=False)


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
    # The same sentences as codes, for the display layer to translate.
    reason_codes: dict[int, Reason] = field(default_factory=dict)
    infeasible: list[Reason] = field(default_factory=list)


def solve_selection(
    *,
    candidates: Sequence[Candidate],
    constraints: SelectionConstraints,
    time_limit: float = 60.0,
    prune: bool = True,
) -> SelectionResult:
    """Select the cohort of highest total merit; ``prune=False`` is the plain model, for checks."""
    started = time.perf_counter()
    c = constraints
    _validate(candidates, c)
    ordered = sorted(candidates, key=_rank_key)
    rank = {x.id: i + 1 for i, x in enumerate(ordered)}
    greedy = _greedy(ordered, c)
    pool = [x for x in ordered if x.id not in c.forced_out]
    status, found, considered = _solve(pool, c, time_limit, prune)
    chosen = [] if found is None else sorted(_break_ties(found, pool, c), key=_rank_key)
    greedy_ids, chosen_ids = {x.id for x in greedy}, {x.id for x in chosen}
    displaced = [] if found is None else [x for x in greedy if x.id not in chosen_ids]
    binding = [] if found is None else _binding(chosen, pool, c)
    names = {b.name for b in binding}
    codes = {x.id: _reason_in(x, rank[x.id], greedy_ids, names, c) for x in chosen}
    codes |= {x.id: _reason_out(x, rank[x.id], names, c) for x in displaced}
    why: list[Reason] = []
    if found is None and status == "infeasible":
        why = _diagnose(pool, c, time_limit)
    elif found is None:
        why = [Reason("time_limit", {"seconds": f"{time_limit:g}"})]
    return SelectionResult(
        status=status,
        selected=[x.id for x in chosen],
        objective=sum(x.merit for x in chosen),
        greedy=[x.id for x in greedy],
        greedy_objective=sum(x.merit for x in greedy),
        added=[x.id for x in chosen if x.id not in greedy_ids],
        displaced=[x.id for x in displaced],
        binding=binding,
        reasons={i: english(r) for i, r in codes.items()},
        infeasible_reason=" ".join(english(r) for r in why),
        seconds=time.perf_counter() - started,
        candidates_considered=considered,
        reason_codes=codes,
        infeasible=why,
    )


def constraint_violations(
    *, candidates: Sequence[Candidate], constraints: SelectionConstraints, selected: Sequence[int]
) -> list[Binding]:
    """The constraints a given cohort (e.g. the greedy one) breaks."""
    ids = set(selected)
    chosen = [x for x in candidates if x.id in ids]
    return [b for b, sense, _ in _limits(chosen, constraints, 0.0) if _past(b, sense, 0.0)]


def _binding(
    chosen: list[Candidate], pool: Sequence[Candidate], c: SelectionConstraints
) -> list[Binding]:
    """Limits one more step would break: one more place, the cheapest unchosen amount."""
    ids = {x.id for x in chosen}
    # With nobody left to add, the budget cannot be what stops the cohort growing.
    cheapest = min((x.amount for x in pool if x.id not in ids), default=0.0)
    return [b for b, sense, step in _limits(chosen, c, cheapest) if _past(b, sense, step)]


def _past(b: Binding, sense: int, step: float) -> bool:
    slack = _EPS * max(1.0, abs(b.limit))
    return (b.used + step > b.limit + slack) if sense > 0 else (b.used - step < b.limit - slack)


def _limits(
    chosen: Sequence[Candidate], c: SelectionConstraints, budget_step: float
) -> list[tuple[Binding, int, float]]:
    """Each constraint as (Binding, +1 for a maximum or -1 for a minimum, step to test)."""
    out: list[tuple[Binding, int, float]] = []

    def add(name: str, text: Reason, used: float, limit: float, sense: int, step: float) -> None:
        out.append((Binding(name, english(text), used, limit, text), sense, step))

    n, spent, ids = len(chosen), sum(x.amount for x in chosen), {x.id for x in chosen}
    gs, share = sum(x.global_south for x in chosen), c.min_global_south_share
    text = Reason("binding.capacity", {"used": n, "limit": c.capacity})
    add("capacity", text, n, c.capacity, 1, 1.0)
    text = Reason("binding.budget", {"used": _money(spent), "limit": _money(c.budget)})
    add("budget", text, spent, c.budget, 1, budget_step)
    if share > 0 and n > 0:
        text = Reason("binding.global_south", {"used": gs, "selected": n, "share": f"{share:.0%}"})
        add("global_south", text, gs, share * n, -1, 1.0)
    for cc, have in sorted(Counter(x.country for x in chosen).items()):
        if (most := c.max_per_country) is not None:
            text = Reason("binding.country", {"country": cc, "used": have, "limit": most})
            add(f"country:{cc}", text, have, most, 1, 1.0)
    kinds = Counter(x.kind for x in chosen)
    for sense, limits in ((-1, c.kind_min), (1, c.kind_max)):
        label = "min" if sense < 0 else "max"
        for kind, m in sorted(limits.items()):
            text = Reason(f"binding.kind_{label}", {"kind": kind, "used": kinds[kind], "limit": m})
            if m > 0 or sense > 0:  # "at least 0" never binds
                add(f"kind_{label}:{kind}", text, kinds[kind], m, sense, 1.0)
    # Step 0: a forced choice is met or broken, never merely tight.
    if want := len(c.forced_in):
        have = len(c.forced_in & ids)
        text = Reason("binding.forced_in", {"used": have, "limit": want})
        add("forced_in", text, have, want, -1, 0.0)
    if c.forced_out:
        have = len(c.forced_out & ids)
        add("forced_out", Reason("binding.forced_out", {"used": have}), have, 0, 1, 0.0)
    return out


def _rank_key(x: Candidate) -> tuple[float, int]:
    return (-x.merit, x.id)


def _money(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _validate(candidates: Sequence[Candidate], c: SelectionConstraints) -> None:
    problems: list[Reason] = []
    if c.capacity < 0:
        problems.append(Reason("input.capacity", {"value": c.capacity}))
    if not 0 <= c.budget < math.inf:
        problems.append(Reason("input.budget", {"value": c.budget}))
    if not 0 <= (share := c.min_global_south_share) <= 1:
        # Said in percent, as conveners give it on the selection form.
        problems.append(Reason("input.share", {"value": f"{100 * share:g}"}))
    if (cap := c.max_per_country) is not None and cap < 0:
        problems.append(Reason("input.country", {"value": cap}))
    for label, limits in (("min", c.kind_min), ("max", c.kind_max)):
        for k, v in sorted(limits.items()):
            if v < 0:
                problems.append(Reason(f"input.kind_{label}", {"kind": k, "value": v}))
    for k, v in sorted(c.kind_min.items()):
        if v > c.kind_max.get(k, v):
            order = {"kind": k, "minimum": v, "maximum": c.kind_max[k]}
            problems.append(Reason("input.kind_order", order))
    counts = Counter(x.id for x in candidates)
    # Id lists keep their Python rendering ("[1, 2]"): ids are not words to translate.
    if dupes := sorted(i for i, k in counts.items() if k > 1):
        problems.append(Reason("input.duplicate_ids", {"ids": str(dupes)}))
    if bad := sorted(x.id for x in candidates if not 0 <= x.merit < math.inf):
        problems.append(Reason("input.merit", {"ids": str(bad)}))
    if bad := sorted(x.id for x in candidates if not 0 <= x.amount < math.inf):
        problems.append(Reason("input.amount", {"ids": str(bad)}))
    if both := sorted(c.forced_in & c.forced_out):
        problems.append(Reason("input.forced_both", {"ids": str(both)}))
    for code, forced in (
        ("input.forced_in_unknown", c.forced_in),
        ("input.forced_out_unknown", c.forced_out),
    ):
        if unknown := sorted(forced - counts.keys()):
            problems.append(Reason(code, {"ids": str(unknown)}))
    if problems:
        raise SelectionInputError(problems)


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

    j dominates i when both share Global South status (and kind, if kinds are
    constrained) and j comes first in the order merit desc, amount asc, id asc
    with amount <= i's. Swapping i for an unchosen dominator keeps every
    constraint and merit, provided j's country has room or is i's own. To block
    every such swap a cohort holding i must also hold each own-country
    dominator and, per other country, its dominators or cap-many others; when
    that needs more places than any cohort has, i goes. Swaps lower the sum of
    order positions, so some optimum avoids all pruned candidates at once.
    """
    room = c.budget - sum(x.amount for x in pool if x.id in c.forced_in)
    cheapest = np.cumsum(sorted(x.amount for x in pool))
    most = min(c.capacity, int(np.searchsorted(cheapest, c.budget * (1 + _EPS), side="right")))
    cap = most if c.max_per_country is None else min(c.max_per_country, most)
    by_kind = bool(c.kind_min or c.kind_max)
    classes: defaultdict[tuple[bool, str], list[Candidate]] = defaultdict(list)
    for x in pool:
        classes[(x.global_south, x.kind if by_kind else "")].append(x)
    kept = [x for x in pool if x.id in c.forced_in]
    for (_, kind), members in classes.items():
        own_limit = min(cap, c.kind_max.get(kind, most))
        # Row r holds the cap smallest amounts seen so far in country r; with no
        # country cap the whole class shares one row.
        rows: dict[str, int] = {}
        for x in members:
            rows.setdefault(x.country if c.max_per_country is not None else "", len(rows))
        smallest = np.full((len(rows), max(cap, 1)), np.inf)
        for x in sorted(members, key=lambda x: (-x.merit, x.amount, x.id)):
            row = smallest[rows[x.country if c.max_per_country is not None else ""]]
            own = int(np.count_nonzero(row <= x.amount)) if cap else 0
            dominated = own >= own_limit or int(np.count_nonzero(smallest <= x.amount)) >= most
            if x.id not in c.forced_in and not dominated and x.amount <= room * (1 + _EPS):
                kept.append(x)
            if x.amount < row[-1]:
                row[-1] = x.amount
                row.sort()
    return sorted(kept, key=_rank_key)


def _solve(
    pool: Sequence[Candidate], c: SelectionConstraints, time_limit: float, prune: bool
) -> tuple[str, list[Candidate] | None, int]:
    """Status, the chosen candidates (None when there is no cohort) and the model size."""
    model = _prune(pool, c) if prune else list(pool)
    n = len(model)
    if n == 0:
        return ("infeasible", None, 0) if any(c.kind_min.values()) else ("optimal", [], 0)
    rows = [dict.fromkeys(range(n), 1.0), {i: x.amount for i, x in enumerate(model)}]
    bounds = [(0.0, float(c.capacity)), (0.0, c.budget)]
    if c.min_global_south_share > 0:  # sum(gs_i x_i) >= share * sum(x_i), kept linear
        rows.append({i: x.global_south - c.min_global_south_share for i, x in enumerate(model)})
        bounds.append((0.0, math.inf))
    countries: defaultdict[str, list[int]] = defaultdict(list)
    kinds: defaultdict[str, list[int]] = defaultdict(list)
    for i, x in enumerate(model):
        countries[x.country].append(i)
        kinds[x.kind].append(i)
    for _, idx in sorted(countries.items()):
        if c.max_per_country is not None and len(idx) > c.max_per_country:
            rows.append(dict.fromkeys(idx, 1.0))
            bounds.append((0.0, float(c.max_per_country)))
    for kind in sorted(set(c.kind_min) | set(c.kind_max)):
        rows.append(dict.fromkeys(kinds[kind], 1.0))
        bounds.append((float(c.kind_min.get(kind, 0)), float(c.kind_max.get(kind, n))))
    coo = (
        [v for row in rows for v in row.values()],
        ([r for r, row in enumerate(rows) for _ in row], [j for row in rows for j in row]),
    )
    matrix = csc_array(coo, shape=(len(rows), n))
    lo, hi = np.array(bounds).T
    cost = -np.array([x.merit for x in model])
    lower = np.array([float(x.id in c.forced_in) for x in model])

    def run(cols: np.ndarray) -> tuple[str, np.ndarray | None]:
        res = milp(
            c=cost[cols],
            integrality=np.ones(len(cols)),
            bounds=Bounds(lower[cols], np.ones(len(cols))),
            constraints=LinearConstraint(matrix[:, cols], lo, hi),
            options={"time_limit": time_limit, "mip_rel_gap": _MIP_REL_GAP},
        )
        if res.x is None:
            return ("time_limit" if res.status == 1 else "infeasible"), None
        return ("optimal" if res.status == 0 else "time_limit"), cols[res.x > 0.5]

    status, picked = (
        _reduced_solve(run, cost, lower, matrix, lo, hi, 3 * c.capacity + 10)
        if prune
        else run(np.arange(n))
    )
    return status, None if picked is None else [model[i] for i in picked], n


def _reduced_solve(
    run: Callable[[np.ndarray], tuple[str, np.ndarray | None]],
    cost: np.ndarray,
    lower: np.ndarray,
    matrix: csc_array,
    lo: np.ndarray,
    hi: np.ndarray,
    core_size: int,
) -> tuple[str, np.ndarray | None]:
    """Run the MIP only over the columns LP duality cannot rule out.

    With LP bound U and reduced cost d_j, any cohort holding j has merit at most
    U - d_j; once a solve over a core of low-d_j columns finds merit z, no
    optimum holds a column with U - d_j < z. HiGHS on the whole model spends
    most of its time in root heuristics that this makes unnecessary.
    """
    rhs = np.concatenate([hi, -lo])
    finite = np.isfinite(rhs)
    lp = linprog(
        cost,
        A_ub=sparse_vstack([matrix, -matrix]).tocsr()[finite],
        b_ub=rhs[finite],
        bounds=np.column_stack([lower, np.ones_like(cost)]),
        method="highs",
    )
    if lp.status == 2:
        return "infeasible", None
    if lp.status != 0:
        return run(np.arange(len(cost)))
    bound, reduced = -lp.fun, lp.lower.marginals
    core = np.union1d(np.argsort(reduced, kind="stable")[:core_size], np.flatnonzero(lower))
    status, picked = run(core)
    if status != "optimal" or picked is None:
        return run(np.arange(len(cost)))
    needed = np.flatnonzero(bound - reduced >= -cost[picked].sum() - 1e-7 * max(1.0, abs(bound)))
    if np.isin(needed, core).all():
        return status, picked
    return run(np.union1d(needed, np.flatnonzero(lower)))


def _break_ties(
    chosen: list[Candidate], pool: Sequence[Candidate], c: SelectionConstraints
) -> list[Candidate]:
    """Swap in equal-merit, lower-id candidates while feasible, so ties resolve by id.

    HiGHS returns one of the tied optima, not a canonical one; each swap lowers
    the id sum, so this ends, and swaps are rare enough to recount after each.
    """
    same_merit: defaultdict[float, list[Candidate]] = defaultdict(list)
    for x in pool:  # pool is in rank order, so each list runs by id ascending
        same_merit[x.merit].append(x)
    while (swap := _first_swap(chosen, same_merit, c)) is not None:
        chosen = [swap[1] if x is swap[0] else x for x in chosen]
    return chosen


def _first_swap(
    chosen: list[Candidate], same_merit: Mapping[float, list[Candidate]], c: SelectionConstraints
) -> tuple[Candidate, Candidate] | None:
    ids, cap = {x.id for x in chosen}, c.max_per_country
    spent, gs = sum(x.amount for x in chosen), sum(x.global_south for x in chosen)
    countries, kinds = Counter(x.country for x in chosen), Counter(x.kind for x in chosen)
    need = c.min_global_south_share * len(chosen) - _EPS
    for out in sorted(chosen, key=_rank_key, reverse=True):
        for new in [] if out.id in c.forced_in else same_merit[out.merit]:
            if new.id >= out.id:
                break
            if (
                new.id not in ids
                and spent - out.amount + new.amount <= c.budget * (1 + _EPS)
                and (cap is None or new.country == out.country or countries[new.country] < cap)
                and gs - out.global_south + new.global_south >= need
                and (
                    new.kind == out.kind
                    or (
                        kinds[out.kind] > c.kind_min.get(out.kind, 0)
                        and kinds[new.kind] < c.kind_max.get(new.kind, len(chosen) + 1)
                    )
                )
            ):
                return out, new
    return None


def _reason_in(
    x: Candidate, rank: int, greedy: set[int], binding: set[str], c: SelectionConstraints
) -> Reason:
    if x.id in c.forced_in:
        return Reason("in.forced", {"rank": rank})
    if x.id in greedy:
        return Reason("in.rank", {"rank": rank})
    if x.global_south and "global_south" in binding:
        return Reason("in.global_south", {"rank": rank})
    if f"kind_min:{x.kind}" in binding:
        return Reason("in.kind_min", {"rank": rank, "minimum": c.kind_min[x.kind], "kind": x.kind})
    return Reason("in.fill", {"rank": rank})


def _reason_out(x: Candidate, rank: int, binding: set[str], c: SelectionConstraints) -> Reason:
    if x.id in c.forced_out:
        return Reason("out.forced", {"rank": rank})
    if f"country:{x.country}" in binding:
        limit = {"rank": rank, "country": x.country, "maximum": c.max_per_country}
        return Reason("out.country", limit)
    if f"kind_max:{x.kind}" in binding:
        return Reason("out.kind_max", {"rank": rank, "kind": x.kind, "maximum": c.kind_max[x.kind]})
    if not x.global_south and "global_south" in binding:
        share = f"{c.min_global_south_share:.0%}"
        return Reason("out.global_south", {"rank": rank, "share": share})
    if kinds := [n.removeprefix("kind_min:") for n in sorted(binding) if "kind_min:" in n]:
        return Reason("out.kind_min", {"rank": rank, "kinds": kinds})
    return Reason("out.budget", {"rank": rank, "amount": _money(x.amount)})


def _diagnose(
    pool: Sequence[Candidate], c: SelectionConstraints, time_limit: float
) -> list[Reason]:
    """Say what cannot be met: plain counts first, then which single relaxation helps."""
    forced = [x for x in pool if x.id in c.forced_in]
    broken = [
        b.reason
        for b, sense, _ in _limits(forced, replace(c, forced_in=frozenset()), 0.0)
        if sense > 0 and _past(b, sense, 0.0) and b.reason is not None
    ]
    facts = [Reason("forced_exceed", {"limits": broken})] if broken else []
    available = Counter(x.kind for x in pool)
    facts += [
        Reason("kind_too_few", {"available": available[k], "kind": k, "minimum": m})
        for k, m in sorted(c.kind_min.items())
        if available[k] < m
    ]
    relaxations = {
        "relax.global_south": replace(c, min_global_south_share=0.0),
        "relax.country": replace(c, max_per_country=None),
        "relax.kind_min": replace(c, kind_min={}),
        "relax.kind_max": replace(c, kind_max={}),
        "relax.forced_in": replace(c, forced_in=frozenset()),
        "relax.budget": replace(c, budget=sum(x.amount for x in pool)),
        "relax.capacity": replace(c, capacity=len(pool)),
    }
    helps = [
        Reason(code)
        for code, relaxed in relaxations.items()
        if relaxed != c and _solve(pool, relaxed, time_limit, True)[0] != "infeasible"
    ]
    advice = Reason("relax_one", {"constraints": helps}) if helps else Reason("relax_several")
    return [Reason("infeasible"), *facts, advice]
