"""One suppression pattern for every query of a dataset: disclosure control across queries.

Within one query, `sdc.lattice` hides cells so that the query and its margins give no
rule-breaking cell away. Two different queries (by zone, then by hour) answered with their
own patterns can: their released cells together may determine a cell of zone x hour that
breaks a rule. So, without noise, the owner declares the dataset's **lattice**: up to three
dimensions with their buckets or bins. The engine computes the finest table of the lattice
once (per version and settings), runs `sdc.lattice` over it, the finest table and every
coarser grouping, with every rule-breaking cell of every grouping a target no combination of
released cells may determine, and keeps the released cells as the **pattern**. A query then:

- groups by a subset of the lattice's dimensions, with the same buckets or bins: its cells
  are the cells of one grouping of the lattice, released only if the pattern releases them;
- filters only with `eq` or `in` on dimensions it groups by, and the filter keeps or drops
  whole cells: a filter never makes a new sum (a partial margin).

Everything any sequence of queries can release is thus a subset of the pattern's released
cells, and those were checked together: no rule-breaking cell is in their linear span.
The measures of the pattern are all the owner's measure columns, whatever a query asks,
so the pattern does not depend on the query.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from datacollab.privacy.engine import run, sdc
from datacollab.privacy.engine.problems import QueryProblem
from datacollab.privacy.engine.query import (
    MAX_DIMENSIONS,
    AggregateQuery,
    Dimension,
    Measure,
    _check_dimension,
)
from datacollab.privacy.engine.result import RULE_SECONDARY, AggregateResult, Cell
from datacollab.privacy.engine.spec import Protection, TableSpec

Level = tuple[int, ...]
# Bumped when the pattern's computation or stored form changes: stored patterns then miss.
PATTERN_FORMAT = 1


@dataclass(frozen=True)
class Pattern:
    """The finest table of a lattice and which cells of which grouping may be released."""

    dimensions: tuple[Dimension, ...]
    columns: tuple[str, ...]  # measure columns, sorted
    keys: list[tuple[Any, ...]]
    stats: list[sdc.CellStats]
    sums: list[list[float]]
    released: frozenset[tuple[Level, frozenset[int]]]


def dimensions(protection: Protection) -> tuple[Dimension, ...]:
    return tuple(
        Dimension(column, bucket or None, bin_) for column, bucket, bin_ in protection.lattice
    )


def validate(table: TableSpec, protection: Protection) -> None:
    """The lattice names allowed dimensions, each once, bucketed or binned as queries must."""
    lattice = dimensions(protection)
    if not lattice:
        raise QueryProblem("lattice_required")
    if len(lattice) > MAX_DIMENSIONS:
        raise QueryProblem("too_many", part="lattice dimensions", maximum=MAX_DIMENSIONS)
    seen: set[str] = set()
    for dimension in lattice:
        _check_dimension(dimension, table, protection)
        if dimension.column in seen:
            raise QueryProblem("repeated_dimension", column=dimension.column)
        seen.add(dimension.column)


def build_pattern(
    lattice: tuple[Dimension, ...],
    columns: tuple[str, ...],
    keys: list[tuple[Any, ...]],
    stats: list[sdc.CellStats],
    sums: list[list[float]],
    protection: Protection,
) -> Pattern:
    """Pure: the pattern of a finest table (one key per cell, in lattice order)."""
    primary = sdc.primary_rules(stats, protection)
    try:
        hidden, released = sdc.lattice(keys, stats, primary, protection)
    except sdc.TooFine:
        raise QueryProblem("too_fine") from None
    width = len(lattice)
    finest = tuple(range(width))
    out = {(kept, frozenset(members)) for kept, members in released}
    out |= {(finest, frozenset([i])) for i in range(len(keys)) if i not in hidden}
    return Pattern(lattice, columns, list(keys), list(stats), list(sums), frozenset(out))


_CACHE: OrderedDict[tuple[Any, ...], Pattern] = OrderedDict()
_CACHE_LOCK = threading.Lock()
CACHE_SIZE = 16


def cached(version_key: str, protection: Protection) -> Pattern | None:
    """This process's copy of a pattern, if it has one: in front of the shared store."""
    with _CACHE_LOCK:
        pattern = _CACHE.get((version_key, protection))
        if pattern is not None:
            _CACHE.move_to_end((version_key, protection))
        return pattern


def remember(version_key: str, protection: Protection, pattern: Pattern) -> None:
    with _CACHE_LOCK:
        _CACHE[(version_key, protection)] = pattern
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)


def forget_all() -> None:
    """Empty this process's cache (a restart does the same; tests use it to act as one)."""
    with _CACHE_LOCK:
        _CACHE.clear()


def compute_pattern(
    path: Path, table: TableSpec, protection: Protection, *, threads: int = 2
) -> Pattern:
    """The pattern of one file under one set of protections: the lattice's finest table."""
    lattice = dimensions(protection)
    columns = tuple(sorted(m.column for m in protection.measures))
    measures = (Measure("count"), *(Measure("sum", c) for c in columns))
    whole = AggregateQuery(lattice, measures)
    _statements, per_contributor, _bounded = run.fetch(
        path, table, _without_unit(protection), whole, threads=threads
    )
    _index, keys, stats, sums = run.cells_of(per_contributor, len(lattice), len(columns))
    return build_pattern(lattice, columns, keys, stats, sums, protection)


def pattern_for(
    path: Path, table: TableSpec, protection: Protection, *, version_key: str, threads: int = 2
) -> Pattern:
    """The pattern of one dataset version under one set of protections, computed once."""
    pattern = cached(version_key, protection)
    if pattern is None:
        pattern = compute_pattern(path, table, protection, threads=threads)
        remember(version_key, protection, pattern)
    return pattern


def protection_key(protection: Protection) -> str:
    """A stable hash of the settings a pattern depends on: a change gives a new key."""
    settings = {
        "contributor": protection.contributor,
        "dimensions": list(protection.dimensions),
        "measures": sorted([b.column, b.lower, b.upper] for b in protection.measures),
        "k": protection.k,
        "dominance": [protection.dominance_n, protection.dominance_share],
        "min_rows": protection.min_rows,
        "lattice": [list(d) for d in protection.lattice],
        "format": PATTERN_FORMAT,
    }
    text = json.dumps(settings, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _without_unit(protection: Protection) -> Protection:
    from dataclasses import replace

    return replace(protection, unit=None)


def check_query(query: AggregateQuery, protection: Protection) -> list[int]:
    """The lattice position of each of the query's dimensions; refuses what would leave it."""
    lattice = dimensions(protection)
    positions = []
    for dimension in query.dimensions:
        if dimension not in lattice:
            raise QueryProblem("not_in_lattice", dimension=dimension.label)
        positions.append(lattice.index(dimension))
    grouped = {d.column: d for d in query.dimensions}
    for item in query.filters:
        grouping = grouped.get(item.column)
        if grouping is None or grouping.bucket or grouping.bin is not None:
            raise QueryProblem("filter_outside_lattice", column=item.column)
        if item.op not in ("eq", "in"):
            raise QueryProblem("filter_outside_lattice", column=item.column)
    return positions


def answer(pattern: Pattern, query: AggregateQuery, protection: Protection) -> AggregateResult:
    """The query's cells, read off the pattern: released ones with their values."""
    positions = check_query(query, protection)
    kept = tuple(sorted(positions))
    groups: dict[tuple[Any, ...], list[int]] = {}
    for i, key in enumerate(pattern.keys):
        groups.setdefault(tuple(key[p] for p in positions), []).append(i)
    allowed = {item.column: set(item.values) for item in query.filters}
    bounds_of = {b.column: (b.lower, b.upper) for b in protection.measures}
    columns = list(pattern.columns)
    cells = []
    for key in sorted(groups, key=run._sort_key):
        if any(
            key[q] not in allowed[d.column]
            for q, d in enumerate(query.dimensions)
            if d.column in allowed
        ):
            continue
        members = groups[key]
        if (kept, frozenset(members)) not in pattern.released:
            merged = sdc.merge([pattern.stats[i] for i in members])
            cells.append(Cell(key, {}, sdc.primary_rule(merged, protection) or RULE_SECONDARY))
            continue
        count = sum(s.rows for i in members for s in pattern.stats[i].values())
        sums = [sum(pattern.sums[i][j] for i in members) for j in range(len(columns))]
        values = run._values(query, columns, count, sums, protection.rounding, bounds_of)
        cells.append(Cell(key, values))
    return AggregateResult(
        dimensions=[d.label for d in query.dimensions],
        measures=[m.label for m in query.measures],
        cells=cells,
        epsilon=0.0,
        delta=0.0,
        protections={
            "k": protection.k,
            "dominance": [protection.dominance_n, protection.dominance_share],
            "min_rows": protection.min_rows,
            "rounding": protection.rounding,
            "secondary": "lattice",
            "lattice": [d.to_dict() for d in pattern.dimensions],
        },
    )


def run_lattice_query(
    path: Path,
    table: TableSpec,
    protection: Protection,
    query: AggregateQuery,
    *,
    version_key: str,
    threads: int = 2,
    pattern: Pattern | None = None,
) -> AggregateResult:
    """Answer from `pattern` (e.g. the stored one), else from this process's or a new one."""
    protection.check(table)
    validate(table, protection)
    query.validate(table, protection)
    check_query(query, protection)
    if pattern is None:
        pattern = pattern_for(path, table, protection, version_key=version_key, threads=threads)
    return answer(pattern, query, protection)
