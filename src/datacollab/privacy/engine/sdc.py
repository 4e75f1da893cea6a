"""Statistical disclosure control with the contributor (e.g. a firm) as the unit.

Primary rules, per cell: at least `min_rows` rows, at least `k` distinct contributors, and
(n, share) dominance: the `dominance_n` largest contributors hold at most `share` of the
cell's count and of each measure's sum of absolute values.

Secondary suppression. The engine releases no totals or margins, but another query that
groups by fewer dimensions (same filters, same buckets) does. The guarantee is for the
lattice of one query: the query and all its margins, as a published set of tables would be.
Across queries without noise, `engine/lattice.py` runs this over the owner's whole declared
lattice once, and every query reads its cells off that one pattern.
So the engine answers the whole lattice of coarser queries first, coarsest (the grand
total) to finest (this query), each with the same rules, and a cell is released at a level
only if, given everything released at the coarser levels and this one:
1. for every released parent cell, the union of its hidden children (parent minus released
   children) passes the primary rules; otherwise the released child with the fewest rows is
   hidden too (so a lone cell that breaks a rule gets company);
2. no cell that breaks a primary rule, at this level or a coarser one, is determined by the
   released cells (exact linear algebra: its vector over this level's hidden cells is not in
   the row space of the released coarser cells'); otherwise one more cell is hidden.
The cells rule 2 protects are every rule-breaking cell of every level, decided up front, so
a coarse release that would give away a fine cell in combination with another coarse release
is caught at the level that releases it. Rule 2 catches what rule 1 misses (two 2x2 blocks
joined by one cell). Cells released one by one drop out of the system, keeping it small.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.linalg
from threadpoolctl import ThreadpoolController

from datacollab.privacy.engine.result import (
    RULE_DOMINANCE,
    RULE_MIN_ROWS,
    RULE_SECONDARY,
    RULE_THRESHOLD,
)
from datacollab.privacy.engine.spec import Protection

PRIMARY_RULES = frozenset({RULE_MIN_ROWS, RULE_THRESHOLD, RULE_DOMINANCE})
# Above this many matrix entries the exact check would take too long: refuse instead.
MAX_MATRIX_ENTRIES = 25_000_000
# The matrices here are small (cells x released cells): OpenBLAS's worker threads cost more to
# wake than they save, and on a busy machine a 960 x 65 QR took 0.9 s with 2 threads against
# 1 ms with one (bench/aggregation.py). Found once: scanning the loaded libraries is slow.
_BLAS = ThreadpoolController()


@dataclass
class Stats:
    """One contributor's share of a cell: rows, and per measure column the absolute sum."""

    rows: int
    absolute: tuple[float, ...]

    def __add__(self, other: Stats) -> Stats:
        return Stats(
            self.rows + other.rows,
            tuple(a + b for a, b in zip(self.absolute, other.absolute, strict=True)),
        )


CellStats = dict[object, Stats]


def primary_rule(stats: CellStats, protection: Protection) -> str | None:
    """The first primary rule this cell (or union of cells) breaks, or None."""
    rows = sum(s.rows for s in stats.values())
    if rows < protection.min_rows:
        return RULE_MIN_ROWS
    if len(stats) < protection.k:
        return RULE_THRESHOLD
    top = protection.dominance_n
    share = protection.dominance_share
    counts = sorted((s.rows for s in stats.values()), reverse=True)
    if sum(counts[:top]) > share * rows:
        return RULE_DOMINANCE
    width = len(next(iter(stats.values())).absolute)
    for j in range(width):
        values = sorted((s.absolute[j] for s in stats.values()), reverse=True)
        total = sum(values)
        if total > 0 and sum(values[:top]) > share * total:
            return RULE_DOMINANCE
    return None


def merge(cells: Sequence[CellStats]) -> CellStats:
    out: CellStats = {}
    for stats in cells:
        for contributor, s in stats.items():
            out[contributor] = out[contributor] + s if contributor in out else s
    return out


class Contributions:
    """The cells' per-contributor rows and absolute sums as arrays: the primary rules of many
    unions of cells (every cell of every grouping) at once, without a dict per union."""

    def __init__(self, stats: Sequence[CellStats]) -> None:
        codes: dict[object, int] = {}
        cells, contributors, rows, absolute = [], [], [], []
        for i, cell in enumerate(stats):
            for contributor, s in cell.items():
                cells.append(i)
                contributors.append(codes.setdefault(contributor, len(codes)))
                rows.append(s.rows)
                absolute.append(s.absolute)
        self.stats = stats
        self.cell = np.array(cells, dtype=np.int64)
        self.contributor = np.array(contributors, dtype=np.int64)
        self.rows = np.array(rows, dtype=np.float64)
        width = len(absolute[0]) if absolute else 0
        self.absolute = np.array(absolute, dtype=np.float64).reshape(len(rows), width)
        self.contributors = max(1, len(codes))
        self.cell_totals = np.bincount(self.cell, weights=self.rows, minlength=len(stats))

    def total_rows(self, cells: list[int]) -> int:
        return int(self.cell_totals[cells].sum())

    def rules(self, groups: list[list[int]], protection: Protection) -> list[str | None]:
        """The first primary rule each union of cells breaks (None: it passes them all).

        The unions are disjoint (the cells of one grouping), so each cell has one group.
        """
        group_of = np.full(len(self.stats), -1, dtype=np.int64)
        for g, cells in enumerate(groups):
            if (group_of[cells] >= 0).any():
                raise ValueError("the unions of cells overlap")
            group_of[cells] = g
        entry = group_of[self.cell] >= 0
        pair = group_of[self.cell][entry] * self.contributors + self.contributor[entry]
        unique, inverse = np.unique(pair, return_inverse=True)
        group = unique // self.contributors
        n = len(groups)
        rows = np.bincount(inverse, weights=self.rows[entry], minlength=len(unique))
        total = np.bincount(group, weights=rows, minlength=n)
        distinct = np.bincount(group, minlength=n)
        top = protection.dominance_n
        share = protection.dominance_share
        out: list[str | None] = [None] * n
        broken = total < protection.min_rows
        threshold = ~broken & (distinct < protection.k)
        dominated = _top(group, rows, top, n) > share * total
        close = np.zeros(n, dtype=bool)
        for j in range(self.absolute.shape[1]):
            sums = np.bincount(inverse, weights=self.absolute[entry, j], minlength=len(unique))
            whole = np.bincount(group, weights=sums, minlength=n)
            largest = _top(group, sums, top, n)
            dominated |= (whole > 0) & (largest > share * whole)
            # Float sums in another order than primary_rule's: near a tie, ask it exactly.
            close |= (whole > 0) & (np.abs(largest - share * whole) <= 1e-9 * whole)
        for index in np.flatnonzero(broken).tolist():
            out[index] = RULE_MIN_ROWS
        for index in np.flatnonzero(threshold).tolist():
            out[index] = RULE_THRESHOLD
        for index in np.flatnonzero(~broken & ~threshold & dominated).tolist():
            out[index] = RULE_DOMINANCE
        for index in np.flatnonzero(~broken & ~threshold & close).tolist():
            out[index] = primary_rule(merge([self.stats[i] for i in groups[index]]), protection)
        return out


def _top(group: np.ndarray, values: np.ndarray, top: int, n: int) -> np.ndarray:
    """Per group, the sum of its `top` largest values."""
    order = np.lexsort((-values, group))
    sorted_group = group[order]
    rank = np.arange(len(order)) - np.searchsorted(sorted_group, sorted_group, side="left")
    keep = rank < top
    return np.bincount(sorted_group[keep], weights=values[order][keep], minlength=n)


def primary_rules(stats: Sequence[CellStats], protection: Protection) -> dict[int, str]:
    """Each cell that breaks a primary rule, with the rule (cell index -> rule)."""
    rules = Contributions(stats).rules([[i] for i in range(len(stats))], protection)
    return {i: rule for i, rule in enumerate(rules) if rule is not None}


class TooFine(Exception):
    """The protection check would not finish in reasonable time: group more coarsely."""


def secondary(
    keys: Sequence[tuple[object, ...]],
    stats: Sequence[CellStats],
    suppressed: dict[int, str],
    protection: Protection,
) -> dict[int, str]:
    """Extend `suppressed` (cell index -> rule) until no suppressed cell can be recomputed."""
    return lattice(keys, stats, suppressed, protection)[0]


def lattice(
    keys: Sequence[tuple[object, ...]],
    stats: Sequence[CellStats],
    suppressed: dict[int, str],
    protection: Protection,
) -> tuple[dict[int, str], list[tuple[tuple[int, ...], list[int]]]]:
    """The hidden cells, and every cell the lattice releases (kept dims, cell indices)."""
    if not keys:
        return dict(suppressed), []
    width = len(keys[0])
    levels_order = [
        kept for size in range(width + 1) for kept in itertools.combinations(range(width), size)
    ]
    levels = {kept: _level(keys, kept) for kept in levels_order}
    table = Contributions(stats)
    rules = {kept: table.rules(levels[kept][1], protection) for kept in levels_order}
    # Every cell of every level that breaks a rule must stay unrecomputable, whichever level
    # releases the cells that would give it away; as sets of this query's cells.
    targets = [
        list(m)
        for kept in levels_order
        for m, rule in zip(levels[kept][1], rules[kept], strict=True)
        if rule is not None
    ]
    released: list[tuple[tuple[int, ...], list[int]]] = []
    hidden: dict[int, str] = {}
    for kept in levels_order:
        level_keys, members = levels[kept]
        if kept == levels_order[-1]:
            position = {key: j for j, key in enumerate(level_keys)}
            start = {position[tuple(keys[i])]: r for i, r in suppressed.items()}
        else:
            start = {j: rule for j, rule in enumerate(rules[kept]) if rule is not None}

        def union_rule(cells: list[int], members: list[list[int]] = members) -> str | None:
            return primary_rule(merge([stats[i] for j in cells for i in members[j]]), protection)

        rows = [table.total_rows(m) for m in members]
        hidden = _protect_level(
            kept, members, rows, union_rule, start, released, targets, len(keys)
        )
        released += [(kept, m) for j, m in enumerate(members) if j not in hidden]
    index = {tuple(key): i for i, key in enumerate(keys)}
    level_keys, _ = levels[levels_order[-1]]
    return {index[level_keys[j]]: rule for j, rule in hidden.items()}, released


def _level(
    keys: Sequence[tuple[object, ...]], kept: tuple[int, ...]
) -> tuple[list[tuple[object, ...]], list[list[int]]]:
    by: dict[tuple[object, ...], list[int]] = {}
    for i, key in enumerate(keys):
        by.setdefault(tuple(key[d] for d in kept), []).append(i)
    return list(by), list(by.values())


def _protect_level(
    kept: tuple[int, ...],
    members: list[list[int]],
    rows: list[int],
    union_rule: Callable[[list[int]], str | None],
    start: dict[int, str],
    released: list[tuple[tuple[int, ...], list[int]]],
    targets: list[list[int]],
    size: int,
) -> dict[int, str]:
    out = dict(start)
    owner = {i: j for j, m in enumerate(members) for i in m}
    # Released cells of coarser levels are unions of this level's cells: their children.
    parents = [sorted({owner[i] for i in m}) for level, m in released if set(level) <= set(kept)]

    def hide_one(candidates: Sequence[int]) -> bool:
        open_ = [j for j in candidates if j not in out]
        if not open_:
            return False
        out[min(open_, key=lambda j: (rows[j], j))] = RULE_SECONDARY
        return True

    while True:
        changed = False
        for group in parents:
            hidden = [j for j in group if j in out]
            if not hidden or len(hidden) == len(group):
                continue
            if union_rule(hidden) is not None:
                changed = hide_one(group) or changed
        if changed:
            continue
        known = [m for _, m in released] + [m for j, m in enumerate(members) if j not in out]
        # One more hidden cell per determined target, then check again: hiding one cell
        # can protect several targets, but never makes a protected one determined.
        determined = _determined(known, targets, size)
        for target in determined:
            mine = sorted({owner[i] for i in target})
            if any(j in out and out[j] == RULE_SECONDARY for j in mine) and changed:
                continue  # already given company in this pass
            # A released cell of this level holding part of it, else a released sibling
            # under a parent that holds part of it.
            if hide_one(mine) or any(hide_one(g) for g in parents if set(g) & set(mine)):
                changed = True
        if determined and not changed:
            # Nothing next to the targets is left to hide: hide this level's smallest open
            # cell. With all of a level hidden, only coarser levels (already checked) remain.
            changed = hide_one(range(len(members)))
        if not changed:
            return out


def _determined(known: list[list[int]], targets: list[list[int]], size: int) -> list[list[int]]:
    """Targets (sums of cells) whose value follows from the known sums by linear algebra."""
    # Cells known one by one drop out: only the others are unknowns.
    singles = {m[0] for m in known if len(m) == 1}
    columns = sorted(set(range(size)) - singles)
    index = {cell: j for j, cell in enumerate(columns)}
    vectors = np.zeros((len(targets), len(columns)))
    for t, target in enumerate(targets):
        for i in target:
            if i in index:
                vectors[t, index[i]] = 1.0
    rows = [r for r in ([index[i] for i in m if i in index] for m in known) if r]
    if not rows:
        return [target for t, target in enumerate(targets) if not vectors[t].any()]
    if len(rows) * len(columns) > MAX_MATRIX_ENTRIES:
        raise TooFine
    matrix = np.zeros((len(rows), len(columns)))
    for r, cols in enumerate(rows):
        matrix[r, cols] = 1.0
    # An orthonormal basis of the row space from a pivoted QR of the transpose: O(n r^2),
    # and r (released coarser cells) is small beside n (hidden cells).
    with _BLAS.limit(limits=1, user_api="blas"):
        q, r, _pivots = scipy.linalg.qr(matrix.T, mode="economic", pivoting=True)
        diagonal = np.abs(np.diag(r))
        top = max(1.0, float(diagonal[0]) if len(diagonal) else 1.0)
        rank = int((diagonal > 1e-9 * top).sum())
        basis = q[:, :rank]
        # v is in the row space iff projecting it onto the space keeps all of its length.
        projected = ((vectors @ basis) ** 2).sum(axis=1)
    lengths = (vectors**2).sum(axis=1)
    return [targets[t] for t in np.flatnonzero(np.abs(projected - lengths) < 1e-6)]
