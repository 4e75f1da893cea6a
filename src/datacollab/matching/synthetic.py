"""Synthetic profiles with planted topic groups, for the benchmark and the tests.

Each group has its own topic vocabulary; every profile draws a few words from its group's
topic and many more from a shared noise vocabulary whose word frequencies follow Zipf's law
(as in real prose, a few noise words are very common). The true peers of a profile are the
other members of its group. Words are made-up syllable strings, so no English stop word list
or real-world meaning helps or hurts.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from datacollab.matching.engine import Profile

REGIONS = ("Africa", "Americas", "Asia", "Europe", "Oceania")
_ONSETS = ["b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z"]
_VOWELS = ["a", "e", "i", "o", "u"]


@dataclass(frozen=True)
class SyntheticSet:
    profiles: list[Profile]
    group_of: dict[int, int]


def _word(rng: random.Random, used: set[str]) -> str:
    while True:
        syllables = rng.randint(3, 4)
        word = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(syllables))
        if word not in used:
            used.add(word)
            return word


def make_profiles(
    *,
    groups: int,
    per_group: int,
    topic_words: int = 15,
    topic_draws: int = 10,
    noise_vocabulary: int = 2000,
    noise_draws: int = 60,
    seed: int = 20261122,
) -> SyntheticSet:
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    used: set[str] = set()
    noise = [_word(rng, used) for _ in range(noise_vocabulary)]
    noise_weights = [1.0 / rank for rank in range(1, noise_vocabulary + 1)]
    profiles: list[Profile] = []
    group_of: dict[int, int] = {}
    key = 0
    for group in range(groups):
        topic = [_word(rng, used) for _ in range(topic_words)]
        for _ in range(per_group):
            key += 1
            words = rng.choices(topic, k=topic_draws) + rng.choices(
                noise, weights=noise_weights, k=noise_draws
            )
            rng.shuffle(words)
            profiles.append(Profile(key=key, text=" ".join(words), region=rng.choice(REGIONS)))
            group_of[key] = group
    return SyntheticSet(profiles=profiles, group_of=group_of)


def precision_at_k(
    ranked: dict[int, Sequence[int]], group_of: dict[int, int], *, k: int = 3
) -> float:
    """Share of the first k suggestions, over every profile, that are in the same group."""
    hits = total = 0
    for key, others in ranked.items():
        top = list(others)[:k]
        hits += sum(1 for other in top if group_of[other] == group_of[key])
        total += k
    return hits / total if total else 0.0


def make_cohort_profiles(
    *,
    cohorts: int = 8,
    groups: int = 40,
    per_group: int = 5,
    topic_words: int = 15,
    topic_draws: int = 10,
    cohort_words: int = 30,
    cohort_draws: int = 30,
    noise_vocabulary: int = 2000,
    noise_draws: int = 60,
    seed: int = 20261206,
) -> SyntheticSet:
    """The harder set: every profile is also in a cohort, whose call made all its members write
    the same prompts (`cohort_draws` words from the cohort's own `cohort_words`). A group's
    members are in different cohorts, so every right match is in another cohort, and a
    matcher that counts the cohort's wording suggests the profile's cohort peers instead."""
    if per_group > cohorts:
        raise ValueError("a group's members must fit in different cohorts")
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    used: set[str] = set()
    noise = [_word(rng, used) for _ in range(noise_vocabulary)]
    noise_weights = [1.0 / rank for rank in range(1, noise_vocabulary + 1)]
    wording = [[_word(rng, used) for _ in range(cohort_words)] for _ in range(cohorts)]
    profiles: list[Profile] = []
    group_of: dict[int, int] = {}
    key = 0
    for group in range(groups):
        topic = [_word(rng, used) for _ in range(topic_words)]
        for cohort in rng.sample(range(cohorts), per_group):
            key += 1
            words = (
                rng.choices(topic, k=topic_draws)
                + rng.choices(wording[cohort], k=cohort_draws)
                + rng.choices(noise, weights=noise_weights, k=noise_draws)
            )
            rng.shuffle(words)
            profiles.append(
                Profile(
                    key=key,
                    text=" ".join(words),
                    region=rng.choice(REGIONS),
                    contexts=(f"cohort:{cohort}",),
                )
            )
            group_of[key] = group
    return SyntheticSet(profiles=profiles, group_of=group_of)
