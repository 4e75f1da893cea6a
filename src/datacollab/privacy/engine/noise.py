"""Differential privacy with OpenDP's exact samplers, the privacy unit a column (e.g. a bike).

Only integer inputs reach OpenDP, so its discrete Laplace sampler applies exactly: counts are
integers and sums are scaled to integers of 1/scale before noise. We enable "contrib" only,
never "floating-point" or "honest-but-curious". Each unit contributes to at most L cells and
at most R rows per cell (the SQL bounds it), so:
- counts go through OpenDP's Laplace threshold mechanism over the cells present (their keys
  are data too): d_in = (L cells, L*R rows in all, R rows per cell) maps to (epsilon, delta);
  cells whose noisy count falls under the threshold are dropped;
- each measure column's sums, centred on the bounds' midpoint, over the cells that survived,
  go through the vector Laplace mechanism with L1 sensitivity L * ceil(R * H * scale), H
  half the bounds' range;
- a mean is noisy sum / noisy count: post-processing, no further budget.
OpenDP's privacy maps, not our arithmetic, say what each release spent.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np
import opendp.prelude as dp

INT = "i64"


@cache
def _enable() -> None:
    dp.enable_features("contrib")


@dataclass(frozen=True)
class CountRelease:
    counts: dict[int, int]  # cell index -> noisy count, only for released cells
    epsilon: float
    delta: float
    threshold: int


def noisy_counts(
    counts: Sequence[int], *, epsilon: float, delta: float, max_cells: int, max_rows: int
) -> CountRelease:
    """Release the cells' counts with Laplace noise; drop cells under a noisy threshold."""
    _enable()
    domain = dp.map_domain(dp.atom_domain(T=str), dp.atom_domain(T=INT))
    metric = dp.l01inf_distance(dp.absolute_distance(T=INT))
    d_in = (max_cells, max_cells * max_rows, max_rows)
    scale = max_cells * max_rows / epsilon
    threshold = _threshold_for(scale, d_in, delta, max_rows)
    measurement = dp.m.make_laplace_threshold(domain, metric, scale=scale, threshold=threshold)
    spent_epsilon, spent_delta = measurement.map(d_in)
    released = measurement({str(i): int(c) for i, c in enumerate(counts)})
    return CountRelease(
        {int(k): int(v) for k, v in released.items()},
        float(spent_epsilon),
        float(spent_delta),
        threshold,
    )


@lru_cache(maxsize=64)
def _threshold_for(scale: float, d_in: tuple[int, int, int], delta: float, start: int) -> int:
    # The search builds a few dozen measurements; the same settings give the same threshold.
    domain = dp.map_domain(dp.atom_domain(T=str), dp.atom_domain(T=INT))
    metric = dp.l01inf_distance(dp.absolute_distance(T=INT))
    return _threshold(domain, metric, scale, d_in, delta, start=start)


def _threshold(
    domain: dp.Domain,
    metric: dp.Metric,
    scale: float,
    d_in: tuple[int, int, int],
    delta: float,
    start: int,
) -> int:
    """The smallest threshold whose delta (by OpenDP's own map) is within the budget's."""
    low = start
    high = start + max(1, math.ceil(scale * (math.log(1 / delta) + math.log(d_in[0]) + 2)))
    while (
        dp.m.make_laplace_threshold(domain, metric, scale=scale, threshold=high).map(d_in)[1]
        > delta
    ):
        high *= 2
    while low < high:
        middle = (low + high) // 2
        spent = dp.m.make_laplace_threshold(domain, metric, scale=scale, threshold=middle).map(d_in)
        if spent[1] <= delta:
            high = middle
        else:
            low = middle + 1
    return high


def noisy_counts_public_keys(
    counts: Sequence[int], *, epsilon: float, max_cells: int, max_rows: int
) -> CountRelease:
    """Counts of cells whose keys are public: vector Laplace, every cell released."""
    release = noisy_sums(counts, epsilon=epsilon, sensitivity=max_cells * max_rows)
    return CountRelease(dict(enumerate(release.sums)), release.epsilon, 0.0, 0)


@dataclass(frozen=True)
class SumRelease:
    sums: list[int]  # noisy, in integer units of 1/scale
    epsilon: float
    sensitivity: int
    noise_scale: float


def sum_sensitivity(*, magnitude: float, scale: int, max_cells: int, max_rows: int) -> int:
    return max_cells * math.ceil(max_rows * magnitude * scale)


@lru_cache(maxsize=64)
def _vector_laplace(noise_scale: float) -> dp.Measurement:
    # Built once per scale: a query releases several vectors, and the same settings repeat.
    _enable()
    space = dp.vector_domain(dp.atom_domain(T=INT)), dp.l1_distance(T=INT)
    return dp.m.make_laplace(*space, scale=noise_scale)


def noisy_sums(sums: Sequence[int] | np.ndarray, *, epsilon: float, sensitivity: int) -> SumRelease:
    """Discrete Laplace noise on a vector of integer sums with the given L1 sensitivity."""
    noise_scale = sensitivity / epsilon
    measurement = _vector_laplace(noise_scale)
    spent = float(measurement.map(sensitivity))
    # One call over the whole vector; OpenDP reads an int64 array without a Python loop.
    vector = np.asarray(sums, dtype=np.int64)
    released = measurement(vector) if len(vector) else []
    return SumRelease([int(s) for s in released], spent, sensitivity, noise_scale)


def discrete_laplace_sampler(scale: float) -> dp.Measurement:
    """One integer released with discrete Laplace noise (used by the noise tests)."""
    _enable()
    return dp.m.make_laplace(dp.atom_domain(T=INT), dp.absolute_distance(T=INT), scale=scale)
