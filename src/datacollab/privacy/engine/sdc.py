"""Statistical disclosure control with the contributor (e.g. a firm) as the unit.

Primary rules, per cell: at least `min_rows` rows, at least `k` distinct contributors, and
(n, share) dominance: the `dominance_n` largest contributors hold at most `share` of the
cell's count and of each measure's sum of absolute values.

Secondary suppression. The engine releases no totals or margins, but another query that
groups by fewer dimensions (same filters, same buckets) releases them: a "group" is the set
of cells sharing the values of the dimensions kept, and its total is released elsewhere when
it passes the primary rules. Margin minus released siblings gives the sum of the group's
suppressed cells. The rule, applied until nothing changes:
1. in every group whose total could be released, the union of its suppressed cells (what
   margin minus siblings gives) passes the primary rules; otherwise the released sibling
   with the fewest rows is suppressed too (so a lone cell that breaks a rule gets company);
2. no suppressed cell is determined by the system of all those margin equations (a linear
   algebra check: the cell's unit vector is not in the row space); otherwise one more sibling
   in one of its groups is suppressed.
Rule 2 catches the chains rule 1 misses (two 2x2 blocks joined by one cell).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

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


class TooFine(Exception):
    """The protection check would not finish in reasonable time: group more coarsely."""


def secondary(
    keys: Sequence[tuple[object, ...]],
    stats: Sequence[CellStats],
    suppressed: dict[int, str],
    protection: Protection,
) -> dict[int, str]:
    """Extend `suppressed` (cell index -> rule) until no suppressed cell can be recomputed."""
    out = dict(suppressed)
    if not keys:
        return out
    width = len(keys[0])
    groups: list[list[int]] = []
    for kept_count in range(width):
        for kept in itertools.combinations(range(width), kept_count):
            by_key: dict[tuple[object, ...], list[int]] = {}
            for i, key in enumerate(keys):
                by_key.setdefault(tuple(key[d] for d in kept), []).append(i)
            groups.extend(by_key.values())
    # Only margins that pass the primary rules could be released by a coarser query.
    groups = [g for g in groups if primary_rule(merge([stats[i] for i in g]), protection) is None]

    def add_sibling(group: list[int]) -> bool:
        released = [i for i in group if i not in out]
        if not released:
            return False
        smallest = min(released, key=lambda i: (sum(s.rows for s in stats[i].values()), i))
        out[smallest] = RULE_SECONDARY
        return True

    while True:
        changed = False
        for group in groups:
            hidden = [i for i in group if i in out]
            if not hidden or len(hidden) == len(group):
                continue
            if primary_rule(merge([stats[i] for i in hidden]), protection) is not None:
                changed = add_sibling(group) or changed
        if changed:
            continue
        # A recomputed cell that passes the rules itself discloses nothing; chains from it
        # to a cell that breaks them show up as that cell being determined.
        determined = [c for c in _determined(groups, out) if out[c] in PRIMARY_RULES]
        for cell in determined:
            for group in groups:
                if cell in group and add_sibling(group):
                    changed = True
                    break
            if changed:
                break
        if not changed:
            return out


def _determined(groups: list[list[int]], hidden: dict[int, str]) -> list[int]:
    """Suppressed cells whose value follows from the margin equations alone."""
    columns = sorted(hidden)
    index = {cell: j for j, cell in enumerate(columns)}
    # Each group's margin, minus its released cells, is the sum of its suppressed cells.
    rows = [r for r in ([index[i] for i in group if i in hidden] for group in groups) if r]
    if not rows or not columns:
        return []
    if len(rows) * len(columns) > MAX_MATRIX_ENTRIES:
        raise TooFine
    matrix = np.zeros((len(rows), len(columns)))
    for r, cols in enumerate(rows):
        matrix[r, cols] = 1.0
    # e_j is in the row space iff its projection onto it has length 1.
    _, singular, vt = np.linalg.svd(matrix, full_matrices=False)
    rank = int((singular > 1e-9 * max(1.0, singular[0] if len(singular) else 1.0)).sum())
    basis = vt[:rank]
    norms = (basis**2).sum(axis=0)
    return [columns[j] for j in np.flatnonzero(norms > 1 - 1e-6)]
