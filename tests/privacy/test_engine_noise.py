"""Noise tests in OpenDP's manner: the released noise follows the promised distribution."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from datacollab.privacy.engine import noise

pytestmark = pytest.mark.slow

DRAWS = 5_000


def _ks_pvalue(draws: np.ndarray, scale: float) -> float:
    """KS of integer draws against the discrete Laplace, P(X = x) ∝ exp(-|x| / scale).

    KS needs a continuous law, so each draw gets U[0, 1) added (seeded): X + U has the exact
    continuous CDF F(k - 1) + (y - k) P(X = k) at y, k = floor(y), and the test keeps its
    power against a wrong scale.
    """
    law = stats.dlaplace(1 / scale)
    jittered = draws + np.random.default_rng(7).random(len(draws))

    def cdf(y: np.ndarray) -> np.ndarray:
        k = np.floor(y)
        return law.cdf(k - 1) + (y - k) * law.pmf(k)

    return float(stats.kstest(jittered, cdf).pvalue)


@pytest.mark.parametrize("scale", [1.0, 4.0, 25.0])
def test_sampler_follows_the_discrete_laplace_of_its_scale(scale):
    sampler = noise.discrete_laplace_sampler(scale)

    draws = np.array([sampler(0) for _ in range(DRAWS)])

    assert _ks_pvalue(draws, scale) > 1e-3
    assert _ks_pvalue(draws, scale * 1.5) < 1e-3
    variance = 2 * math.exp(-1 / scale) / (1 - math.exp(-1 / scale)) ** 2
    assert abs(draws.var() / variance - 1) < 0.15


def test_sum_release_noise_has_the_scale_its_sensitivity_and_epsilon_promise():
    sensitivity = noise.sum_sensitivity(magnitude=30.0, scale=100, max_cells=3, max_rows=1)
    true = [1_000] * DRAWS

    release = noise.noisy_sums(true, epsilon=0.5, sensitivity=sensitivity)

    errors = np.array(release.sums) - 1_000
    assert release.noise_scale == sensitivity / 0.5
    assert release.epsilon == pytest.approx(0.5)
    assert _ks_pvalue(errors, release.noise_scale) > 1e-3


def test_count_release_spends_what_opendp_maps_and_keeps_delta_within_the_setting():
    release = noise.noisy_counts([10_000] * 50, epsilon=0.25, delta=1e-7, max_cells=4, max_rows=2)

    assert release.epsilon == pytest.approx(0.25)
    assert release.delta <= 1e-7
    assert sorted(release.counts) == list(range(50))
