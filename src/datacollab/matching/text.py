"""Words that can say why two profiles match: tokens, stop words, stems, readable surfaces.

Pure (no ORM, no settings). A *term* is a stem ("organis", "standard") or two stems next to
each other ("open standard"); its *surface* is a word as someone wrote it ("standards"), which
is what a page shows. Stemming (Snowball's English stemmer, `snowballstemmer`) makes
"standard" and "standards" one term; the stop lists keep words that say nothing about a
challenge ("the", "use", "role", "common", "data") out of terms and so out of reasons.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterator
from functools import cache

import snowballstemmer

_URL = re.compile(r"(?:https?://|www\.)\S+")
# Letters (any script) and digits, at least two; a word of digits only is never a term.
_TOKEN = re.compile(r"\b\w\w+\b")
# A phrase never spans punctuation: "... transport data. Cities ..." has no "data cities".
# Markdown emphasis and hyphens do not: "**open**-source data" gives "open source".
_BREAK = re.compile(r"[.,;:!?()\[\]{}\"\n|/]+")

# Words every profile of a data collaboration network uses, whatever its challenge: they
# would make any two profiles look alike and read as empty reasons ("common, role, use").
# Compared as stems, so each line covers its inflections ("organisations", "users", "shared").
DOMAIN_WORDS = frozenset(
    """
    data dataset database information open use user share work people person project
    programme program network cohort participant participate collaboration collaborate
    collaborative partner partnership member organisation organization org common role
    help need way year time good better best able support approach challenge issue problem
    goal aim learn found find world global example new make give take keep say thing lot
    part want like get based including include various different important key main
    application apply call grant funding fund tool many one two three
    first second third also well still really within across around towards etc via per
    """.split()  # noqa: SIM905 - a word list reads better as prose lines
)
# Words that are not a subject at all: the prefix a hyphen leaves alone ("non-profit" and
# "non-communicable" share only "non"), and verbs any sentence may hold. Seen as reasons on
# the demo's peer page (issue 13): "non, stays", "chose".
EMPTY_WORDS = frozenset(
    """
    non pre multi sub co stay chose choose come exist carry
    """.split()  # noqa: SIM905 - a word list reads better as prose lines
)


@cache
def _stemmer() -> snowballstemmer.stemmer:  # type: ignore[name-defined]
    return snowballstemmer.stemmer("english")


@cache
def _stop_words() -> frozenset[str]:
    # scikit-learn's English list (318 words), the same as before stemming came in.
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | {"don", "doesn", "isn", "won", "ll", "ve", "re"}


@cache
def _domain_stems() -> frozenset[str]:
    return frozenset(stem(word) for word in DOMAIN_WORDS | EMPTY_WORDS)


@cache
def stem(word: str) -> str:
    return str(_stemmer().stemWord(word))


def _fold(text: str) -> str:
    # Links name hosts and paths, not challenges: drop them before counting words.
    folded = unicodedata.normalize("NFKD", _URL.sub(" ", text).lower())
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


def _word_term(word: str) -> str | None:
    """The stem of a word that may be a term, None for a stop word or a number."""
    if word.isdigit() or word in _stop_words():
        return None
    stemmed = stem(word)
    if stemmed in _domain_stems() or word in DOMAIN_WORDS or word in EMPTY_WORDS:
        return None
    return stemmed


def terms_with_surfaces(text: str) -> Iterator[tuple[str, str]]:
    """(term, surface) for each word and two-word phrase of a text, stop words left out.

    A phrase is two words next to each other in the text, neither a stop word, with no
    punctuation between them, so no phrase is made of words that were apart.
    """
    for segment in _BREAK.split(_fold(text)):
        words = [(w, _word_term(w)) for w in _TOKEN.findall(segment)]
        for word, term in words:
            if term:
                yield term, word
        for (word_a, term_a), (word_b, term_b) in itertools.pairwise(words):
            if term_a and term_b:
                yield f"{term_a} {term_b}", f"{word_a} {word_b}"


def analyse(text: str) -> list[str]:
    """The terms of a text (stems and two-stem phrases), in order, repeats kept."""
    return [term for term, _surface in terms_with_surfaces(text)]
