"""Who shares my challenge: TF-IDF profiles, cosine similarity, top-k peers with shared terms.

Pure (no ORM, no settings): the selectors build `Profile`s from the database and pass them in;
the benchmark and the tests pass synthetic ones.

- Each profile's text is turned into TF-IDF weights over words and two-word phrases, English
  stop words removed, term counts dampened (1 + log tf) so one long application does not drown
  a short learning. Vectors are L2-normalised, so cosine similarity is a dot product.
- The reason shown for a pair is the terms contributing most to that dot product (the product
  of both weights), restricted to terms that occur in text the viewer may see on both sides
  (`Profile.shown_text`), so a private application can shape the ranking without its words
  being shown to someone who may not read it.
- "Favour other regions" multiplies the similarity of pairs whose UN M49 regions differ (both
  known) by ``1 + region_bonus``. It re-ranks pairs that already share something; it never
  promotes a pair with nothing in common, since zero times anything stays zero.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer, strip_accents_unicode

DEFAULT_TOP_K = 3
DEFAULT_REGION_BONUS = 0.25
DEFAULT_REASON_TERMS = 5

_URL = re.compile(r"(?:https?://|www\.)\S+")


@dataclass(frozen=True)
class Profile:
    """One organisation's text. `shown_text` is the part the viewer may read (None: all)."""

    key: int
    text: str
    region: str = ""
    shown_text: str | None = None


@dataclass(frozen=True)
class Suggestion:
    key: int
    # Cosine similarity of the two profiles, 0..1.
    similarity: float
    # What the ranking used: the similarity, raised for cross-region pairs when favoured.
    rank_score: float
    shared_terms: tuple[str, ...]
    cross_region: bool


def _preprocess(text: str) -> str:
    # Links name hosts and paths, not challenges: drop them before counting words.
    return strip_accents_unicode(_URL.sub(" ", text).lower())


def _vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(
        preprocessor=_preprocess,
        stop_words="english",
        ngram_range=(1, 2),
        sublinear_tf=True,
        # A term only one organisation uses can never be shared; kept, it would only lengthen
        # that profile's vector and lower all of its similarities.
        min_df=2,
        dtype=np.float64,
    )


def _pick_terms(ranked: Iterable[tuple[str, float]], limit: int) -> tuple[str, ...]:
    """The first `limit` terms of (term, contribution) pairs, best first, without repeating a
    word: a phrase replaces the chosen single words it contains when it contributes at least
    half as much as the best of them ("mobility data" rather than "mobility" and "data")."""
    chosen: list[tuple[str, frozenset[str], float]] = []
    for term, weight in ranked:
        words = frozenset(term.split())
        overlapping = [n for n, (_, other, _) in enumerate(chosen) if words & other]
        if not overlapping:
            if len(chosen) < limit:
                chosen.append((term, words, weight))
            continue
        covered = all(chosen[n][1] < words for n in overlapping)
        best = max(chosen[n][2] for n in overlapping)
        if covered and 2 * weight >= best:
            first = overlapping[0]
            chosen[first] = (term, words, best)
            chosen = [item for n, item in enumerate(chosen) if n == first or n not in overlapping]
    return tuple(term for term, _, _ in chosen)


def suggest(
    profiles: Sequence[Profile],
    *,
    top_k: int = DEFAULT_TOP_K,
    favour_other_regions: bool = False,
    region_bonus: float = DEFAULT_REGION_BONUS,
    reason_terms: int = DEFAULT_REASON_TERMS,
    for_keys: Collection[int] | None = None,
    candidates: Collection[int] | None = None,
) -> dict[int, list[Suggestion]]:
    """The `top_k` closest other profiles for each key in `for_keys` (default: every profile).

    Only profiles in `candidates` (default: all) are suggested; a profile is never suggested to
    itself, and a pair with no term in common is never suggested. Ties are broken by key, so the
    answer is the same from run to run.
    """
    if top_k < 0 or region_bonus < 0 or reason_terms < 0:
        raise ValueError("top_k, region_bonus and reason_terms must not be negative")
    keys = [profile.key for profile in profiles]
    if len(set(keys)) != len(keys):
        raise ValueError("profile keys must be unique")
    asked = None if for_keys is None else set(for_keys)
    wanted = keys if asked is None else [key for key in keys if key in asked]
    result: dict[int, list[Suggestion]] = {key: [] for key in wanted}
    if not profiles or not wanted or top_k == 0:
        return result

    vectorizer = _vectorizer()
    try:
        matrix = vectorizer.fit_transform([profile.text for profile in profiles]).tocsr()
    except ValueError:
        # Every text empty or only stop words: nothing to compare.
        return result
    vocabulary = vectorizer.get_feature_names_out()
    index_of_term = vectorizer.vocabulary_
    analyse = vectorizer.build_analyzer()

    position = {key: i for i, key in enumerate(keys)}
    candidate_mask = np.ones(len(profiles), dtype=bool)
    if candidates is not None:
        allowed = set(candidates)
        candidate_mask = np.array([key in allowed for key in keys], dtype=bool)

    rows = [position[key] for key in wanted]
    similarity = np.clip((matrix[rows] @ matrix.T).toarray(), 0.0, 1.0)
    # Regions as small integers (-1: unknown) so a row's cross-region mask is one comparison.
    region_codes = {region: n for n, region in enumerate(sorted({p.region for p in profiles}))}
    regions = np.array([region_codes[p.region] if p.region else -1 for p in profiles])
    key_array = np.array(keys)

    matrix.sort_indices()
    shown_cache: dict[int, np.ndarray | None] = {}

    def shown_terms(i: int) -> np.ndarray | None:
        """Sorted indices of the terms the viewer may see in profile i; None means all."""
        if i not in shown_cache:
            shown = profiles[i].shown_text
            shown_cache[i] = (
                None
                if shown is None
                else np.unique(
                    np.array(
                        [index_of_term[t] for t in analyse(shown) if t in index_of_term],
                        dtype=matrix.indices.dtype,
                    )
                )
            )
        return shown_cache[i]

    def row_terms(i: int) -> tuple[np.ndarray, np.ndarray]:
        """Term indices and weights of profile i, limited to what the viewer may see."""
        start, end = matrix.indptr[i], matrix.indptr[i + 1]
        indices, weights = matrix.indices[start:end], matrix.data[start:end]
        visible = shown_terms(i)
        if visible is None:
            return indices, weights
        keep = np.isin(indices, visible, assume_unique=True)
        return indices[keep], weights[keep]

    for row, key in enumerate(wanted):
        i = position[key]
        scores = similarity[row]
        cross = (regions != regions[i]) & (regions >= 0) & (regions[i] >= 0)
        rank = (
            np.where(cross, scores * (1.0 + region_bonus), scores)
            if favour_other_regions
            else scores
        )
        eligible = candidate_mask & (scores > 1e-12)
        eligible[i] = False
        picks = np.flatnonzero(eligible)
        # Highest rank first, then the smaller key: np.lexsort sorts by its last key first.
        order = picks[np.lexsort((key_array[picks], -rank[picks]))][:top_k]
        indices_i, weights_i = row_terms(i)
        for j in order:
            indices_j, weights_j = row_terms(int(j))
            common, at_i, at_j = np.intersect1d(
                indices_i, indices_j, assume_unique=True, return_indices=True
            )
            contribution = weights_i[at_i] * weights_j[at_j]
            # Largest contribution first, then the term's index, for a stable answer.
            # Only the strongest few can end up in the reason; a long tail costs time only.
            best = np.lexsort((common, -contribution))[: 8 * reason_terms]
            ranked = ((str(vocabulary[common[n]]), float(contribution[n])) for n in best)
            result[key].append(
                Suggestion(
                    key=keys[j],
                    similarity=float(scores[j]),
                    rank_score=float(rank[j]),
                    shared_terms=_pick_terms(ranked, reason_terms),
                    cross_region=bool(cross[j]),
                )
            )
    return result
