"""Peer matching on synthetic profiles with planted topic groups: precision@3 against peers.

200 organisations in 40 topic groups of 5 (fixed seed). Each profile draws 10 words from its
group's 15 topic words and 60 from a shared 2,000-word noise vocabulary with Zipf frequencies;
a suggestion is right when it is in the same group. Ours: `datacollab.matching.engine.suggest`
(TF-IDF over words and two-word phrases, cosine). Peers in the same run: plain word-overlap
Jaccard, and a random ranking. A sweep over the noise (40, 60, 120 noise words per profile)
shows how the gap moves with the signal.

The harder set (issue 13): the same 200 profiles in 8 cohorts, each cohort's members writing
30 words from their call's own 30-word wording; a group's 5 members are in 5 different
cohorts, so every right match is in another cohort. "before" is our matcher without the
cohorts (as it ranked until cohorts were known: the cohort's wording wins), "after" with them.
Run from the repository root:
.venv/bin/python bench/matching.py
"""

from __future__ import annotations

import dataclasses
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from rich.console import Console
from rich.table import Table

from datacollab.matching.engine import Profile, suggest
from datacollab.matching.synthetic import make_cohort_profiles, make_profiles, precision_at_k

SEED = 20261122
GROUPS = 40
PER_GROUP = 5
K = 3
RUNS = 5
NOISE_SWEEP = (40, 60, 120)
DEFAULT_NOISE = 60


def ours(profiles: list[Profile]) -> dict[int, list[int]]:
    result = suggest(profiles, top_k=K)
    return {key: [s.key for s in suggestions] for key, suggestions in result.items()}


def jaccard(profiles: list[Profile]) -> dict[int, list[int]]:
    """Word-set overlap |A ∩ B| / |A ∪ B|, ties by key: what a keyword search would give."""
    sets = {profile.key: frozenset(profile.text.split()) for profile in profiles}
    ranked: dict[int, list[int]] = {}
    for key, words in sets.items():
        scores = [
            (-len(words & other) / len(words | other), other_key)
            for other_key, other in sets.items()
            if other_key != key
        ]
        ranked[key] = [other_key for _, other_key in sorted(scores)[:K]]
    return ranked


def random_ranking(profiles: list[Profile]) -> dict[int, list[int]]:
    rng = random.Random(SEED)
    keys = [profile.key for profile in profiles]
    return {key: rng.sample([k for k in keys if k != key], K) for key in keys}


def ours_without_cohorts(profiles: list[Profile]) -> dict[int, list[int]]:
    return ours([dataclasses.replace(profile, contexts=()) for profile in profiles])


METHODS = {"ours (TF-IDF cosine)": ours, "Jaccard word overlap": jaccard, "random": random_ranking}
COHORT_METHODS = {
    "ours, after (cohort IDF)": ours,
    "ours, before (no cohorts)": ours_without_cohorts,
    "Jaccard word overlap": jaccard,
    "random": random_ranking,
}


def timed(method, profiles: list[Profile]) -> tuple[dict[int, list[int]], float]:  # type: ignore[no-untyped-def]
    times = []
    ranked: dict[int, list[int]] = {}
    for _ in range(RUNS):
        started = time.perf_counter()
        ranked = method(profiles)
        times.append(time.perf_counter() - started)
    return ranked, statistics.median(times)


def main() -> None:
    table = Table(title=f"Peer matching: precision@{K}, {GROUPS * PER_GROUP} profiles")
    for column in ("noise words", "method", "precision@3", "seconds (median of 5)"):
        table.add_column(column, justify="right" if column != "method" else "left")
    headline: dict[str, tuple[float, float]] = {}
    for noise in NOISE_SWEEP:
        data = make_profiles(groups=GROUPS, per_group=PER_GROUP, noise_draws=noise, seed=SEED)
        for name, method in METHODS.items():
            ranked, seconds = timed(method, data.profiles)
            precision = precision_at_k(ranked, data.group_of, k=K)
            table.add_row(str(noise), name, f"{precision:.3f}", f"{seconds:.4f}")
            if noise == DEFAULT_NOISE:
                headline[name] = (precision, seconds)
        table.add_section()
    Console(width=110).print(table)
    hard = Table(title=f"Harder set: the right match is in another cohort, precision@{K}")
    for column in ("method", "precision@3", "seconds (median of 5)"):
        hard.add_column(column, justify="left" if column == "method" else "right")
    cohort_data = make_cohort_profiles(seed=SEED)
    cross: dict[str, float] = {}
    for name, method in COHORT_METHODS.items():
        ranked, seconds = timed(method, cohort_data.profiles)
        cross[name] = precision_at_k(ranked, cohort_data.group_of, k=K)
        hard.add_row(name, f"{cross[name]:.3f}", f"{seconds:.4f}")
    Console(width=110).print(hard)
    precision, seconds = headline["ours (TF-IDF cosine)"]
    base_precision, base_seconds = headline["Jaccard word overlap"]
    random_precision, _ = headline["random"]
    print(
        f"bench matching: profiles={GROUPS * PER_GROUP} precision_at_3={precision:.3f} "
        f"baseline=jaccard baseline_precision_at_3={base_precision:.3f} "
        f"random_precision_at_3={random_precision:.3f} seconds={seconds:.4f} "
        f"baseline_seconds={base_seconds:.4f} "
        f"cross_cohort_precision_at_3_after={cross['ours, after (cohort IDF)']:.3f} "
        f"cross_cohort_precision_at_3_before={cross['ours, before (no cohorts)']:.3f} "
        f"cross_cohort_jaccard={cross['Jaccard word overlap']:.3f} "
        f"cross_cohort_random={cross['random']:.3f}"
    )


if __name__ == "__main__":
    main()
