"""Who shares my challenge: TF-IDF profiles, cosine similarity, top-k peers with shared terms.

Pure (no ORM, no settings): the selectors build `Profile`s from the database and pass them in;
the benchmark and the tests pass synthetic ones.

- Each profile's text is turned into TF-IDF weights over stemmed words and two-word phrases
  (`matching.text`: English and domain stop words removed), term counts dampened (1 + log tf)
  so one long application does not drown a short learning. Vectors are L2-normalised, so
  cosine similarity is a dot product.
- Within a context (a cohort of 4 or more), a term's weight is also scaled by its inverse
  document frequency in that cohort (1 - ln(df) / ln(size)): a term all of the cohort uses
  (what their call asked, what the whole cohort signed) counts for nothing, and would
  otherwise make every peer of one's own cohort look closer than a better match in another.
- The reason shown for a pair is the terms contributing most to that dot product (the product
  of both weights), restricted to terms that occur in text the viewer may see on both sides
  (`Profile.shown_text`), so a private application can shape the ranking without its words
  being shown to someone who may not read it. A term is shown as its commonest written form
  in that readable text ("standards"), never as a stem ("standard").
- "Favour other regions" multiplies the similarity of pairs whose UN M49 regions differ (both
  known) by ``1 + region_bonus``. It re-ranks pairs that already share something; it never
  promotes a pair with nothing in common, since zero times anything stays zero.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from datacollab.matching.text import analyse, terms_with_surfaces

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer

__all__ = ["Profile", "Suggestion", "analyse", "explain", "suggest"]

DEFAULT_TOP_K = 3
DEFAULT_REGION_BONUS = 0.25
DEFAULT_REASON_TERMS = 5
COMMON_TERM_SHARE = 0.5
COMMON_TERMS_FROM = 10
# A context (a cohort) of at least this many profiles has its own common vocabulary.
CONTEXT_TERMS_FROM = 4


@dataclass(frozen=True)
class Profile:
    """One organisation's or person's text. `shown_text` is the part the viewer may read
    (None: all). `contexts` name the groups whose members wrote to the same prompts (their
    cohorts): a term most of a context uses says what the group was asked, not what this
    profile works on."""

    key: int
    text: str
    region: str = ""
    shown_text: str | None = None
    contexts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Suggestion:
    key: int
    # Cosine similarity of the two profiles, 0..1.
    similarity: float
    # What the ranking used: the similarity, raised for cross-region pairs when favoured.
    rank_score: float
    # The shared terms as words someone wrote ("standards"), not as stems ("standard").
    shared_terms: tuple[str, ...]
    cross_region: bool


def _vectorizer(profiles: int) -> TfidfVectorizer:
    # Imported here: scikit-learn takes seconds to import, and every process that loads the
    # URLs imports this module; only a request that matches should pay for it.
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        # The profiles come analysed (stemmed terms): the vectoriser only counts them.
        analyzer=_already_analysed,
        sublinear_tf=True,
        # A term only one profile uses can never be shared; kept, it would only lengthen
        # that profile's vector and lower all of its similarities.
        min_df=2,
        # Normalised after the cohort damping (`_Model._damp_context_terms`).
        norm=None,
        # In a pool of COMMON_TERMS_FROM or more, a term used by more than half of the
        # profiles says what they all do, not what two share. Smaller pools keep it: with
        # three profiles, any shared term is in two thirds of them.
        max_df=COMMON_TERM_SHARE if profiles >= COMMON_TERMS_FROM else 1.0,
        dtype=np.float64,
    )


def _already_analysed(terms: list[str]) -> list[str]:
    return terms


def _context_counts(
    analysed: list[list[str]], profiles: Sequence[Profile]
) -> dict[str, tuple[int, Counter[str]]]:
    """Per context of CONTEXT_TERMS_FROM profiles or more, its size and how many of its
    profiles use each term."""
    members: dict[str, list[int]] = defaultdict(list)
    for n, profile in enumerate(profiles):
        for context in set(profile.contexts):
            members[context].append(n)
    return {
        context: (len(rows), Counter(term for n in rows for term in set(analysed[n])))
        for context, rows in members.items()
        if len(rows) >= CONTEXT_TERMS_FROM
    }


def _context_factor(size: int, used_by: int) -> float:
    """An inverse document frequency within the profile's own cohort, scaled to 0..1: 1 for a
    term no peer of the cohort uses, 0 for one every member uses (what their call asked, a
    learning the whole cohort co-signed)."""
    return 1.0 - math.log(max(used_by, 1)) / math.log(size)


def _pick_terms(ranked: Iterable[tuple[str, float]], limit: int) -> tuple[str, ...]:
    """The first `limit` terms of (term, contribution) pairs, best first, without repeating a
    word: a phrase replaces the chosen single words it contains when it contributes at least
    half as much as the best of them ("occurrence records" rather than both words)."""
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


class _Model:
    """TF-IDF vectors of the profiles, and the shared terms of any two of them."""

    def __init__(self, profiles: Sequence[Profile]) -> None:
        self.profiles = profiles
        self.keys = [profile.key for profile in profiles]
        if len(set(self.keys)) != len(self.keys):
            raise ValueError("profile keys must be unique")
        self.position = {key: i for i, key in enumerate(self.keys)}
        analysed = [analyse(p.text) for p in profiles]
        vectorizer = _vectorizer(len(profiles))
        try:
            matrix = vectorizer.fit_transform(analysed).tocsr()
        except ValueError:
            # No profile, or every text empty or only stop words: nothing to compare.
            self.matrix = None
            return
        matrix.sort_indices()
        self.vocabulary = vectorizer.get_feature_names_out()
        self.index_of_term = vectorizer.vocabulary_
        from sklearn.preprocessing import normalize  # lazily, as in _vectorizer

        self._damp_context_terms(matrix, analysed)
        self.matrix = normalize(matrix, norm="l2", copy=False)
        self._shown: dict[int, tuple[np.ndarray | None, dict[str, Counter[str]]]] = {}

    def _damp_context_terms(self, matrix: Any, analysed: list[list[str]]) -> None:
        """Weigh down, in place, each profile's terms that most of its own cohort uses."""
        counts = _context_counts(analysed, self.profiles)
        if not counts:
            return
        for i, profile in enumerate(self.profiles):
            contexts = [counts[c] for c in profile.contexts if c in counts]
            if not contexts:
                continue
            start, end = matrix.indptr[i], matrix.indptr[i + 1]
            for n in range(start, end):
                term = str(self.vocabulary[matrix.indices[n]])
                matrix.data[n] *= min(_context_factor(size, used[term]) for size, used in contexts)
        matrix.eliminate_zeros()

    def similarities(self, rows: list[int]) -> np.ndarray:
        assert self.matrix is not None
        return np.clip((self.matrix[rows] @ self.matrix.T).toarray(), 0.0, 1.0)

    def _shown_part(self, i: int) -> tuple[np.ndarray | None, dict[str, Counter[str]]]:
        """Sorted indices of the terms the viewer may see in profile i (None: all), and how
        each term is written there; a surface is only ever taken from text the viewer may
        read."""
        if i not in self._shown:
            profile = self.profiles[i]
            readable = profile.text if profile.shown_text is None else profile.shown_text
            surfaces: dict[str, Counter[str]] = defaultdict(Counter)
            for term, surface in terms_with_surfaces(readable):
                if term in self.index_of_term:
                    surfaces[term][surface] += 1
            indices = (
                None
                if profile.shown_text is None
                else np.unique(np.array([self.index_of_term[t] for t in surfaces], dtype=np.int64))
            )
            self._shown[i] = (indices, surfaces)
        return self._shown[i]

    def _surface(self, term: str, i: int, j: int) -> str:
        """The way the two profiles most often write a term ("standards" for "standard"); ties
        go to the shorter, then the first in alphabetical order."""
        counts = self._shown_part(i)[1][term] + self._shown_part(j)[1][term]
        if not counts:
            return term
        return min(counts, key=lambda surface: (-counts[surface], len(surface), surface))

    def _row_terms(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Term indices and weights of profile i, limited to what the viewer may see."""
        assert self.matrix is not None
        start, end = self.matrix.indptr[i], self.matrix.indptr[i + 1]
        indices, weights = self.matrix.indices[start:end], self.matrix.data[start:end]
        visible = self._shown_part(i)[0]
        if visible is None:
            return indices, weights
        keep = np.isin(indices, visible, assume_unique=True)
        return indices[keep], weights[keep]

    def shared_terms(self, i: int, j: int, limit: int) -> tuple[str, ...]:
        if self.matrix is None or limit == 0:
            return ()
        indices_i, weights_i = self._row_terms(i)
        indices_j, weights_j = self._row_terms(j)
        common, at_i, at_j = np.intersect1d(
            indices_i, indices_j, assume_unique=True, return_indices=True
        )
        contribution = weights_i[at_i] * weights_j[at_j]
        # Largest contribution first, then the term's index, for a stable answer; only the
        # strongest few can end up in the reason, so the long tail is cut.
        best = np.lexsort((common, -contribution))[: 8 * limit]
        picked = _pick_terms(
            ((str(self.vocabulary[common[n]]), float(contribution[n])) for n in best), limit
        )
        return tuple(self._surface(term, i, j) for term in picked)


def _cross_region(a: str, b: str) -> bool:
    return bool(a and b and a != b)


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
    model = _Model(profiles)
    keys = model.keys
    asked = None if for_keys is None else set(for_keys)
    wanted = keys if asked is None else [key for key in keys if key in asked]
    result: dict[int, list[Suggestion]] = {key: [] for key in wanted}
    if model.matrix is None or not wanted or top_k == 0:
        return result

    candidate_mask = np.ones(len(profiles), dtype=bool)
    if candidates is not None:
        allowed = set(candidates)
        candidate_mask = np.array([key in allowed for key in keys], dtype=bool)
    similarity = model.similarities([model.position[key] for key in wanted])
    # Regions as small integers (-1: unknown) so a row's cross-region mask is one comparison.
    region_codes = {region: n for n, region in enumerate(sorted({p.region for p in profiles}))}
    regions = np.array([region_codes[p.region] if p.region else -1 for p in profiles])
    key_array = np.array(keys)

    for row, key in enumerate(wanted):
        i = model.position[key]
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
        result[key] = [
            Suggestion(
                key=keys[j],
                similarity=float(scores[j]),
                rank_score=float(rank[j]),
                shared_terms=model.shared_terms(i, int(j), reason_terms),
                cross_region=bool(cross[j]),
            )
            for j in order
        ]
    return result


def explain(
    profiles: Sequence[Profile],
    pairs: Iterable[tuple[int, int]],
    *,
    reason_terms: int = DEFAULT_REASON_TERMS,
) -> dict[tuple[int, int], Suggestion]:
    """Similarity and shared terms of chosen pairs (keys), suggested or not; the second key of
    each pair is the `Suggestion`'s key. A pair naming an unknown key is left out."""
    if reason_terms < 0:
        raise ValueError("reason_terms must not be negative")
    model = _Model(profiles)
    result: dict[tuple[int, int], Suggestion] = {}
    for a, b in pairs:
        if a not in model.position or b not in model.position:
            continue
        i, j = model.position[a], model.position[b]
        similarity = 0.0 if model.matrix is None else float(model.similarities([i])[0, j])
        result[(a, b)] = Suggestion(
            key=b,
            similarity=similarity,
            rank_score=similarity,
            shared_terms=model.shared_terms(i, j, reason_terms) if similarity > 1e-12 else (),
            cross_region=_cross_region(profiles[i].region, profiles[j].region),
        )
    return result
