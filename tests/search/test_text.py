"""Cutting queries into words: user input never reaches a query parser as typed."""

from __future__ import annotations

import pytest

from datacollab.search import text


def test_terms_keep_letters_and_digits_only():
    assert text.terms('"cargo* AND (bike) NEAR(x y) -sensor', folded=False) == [
        "cargo",
        "and",
        "bike",
        "near",
        "x",
        "y",
        "sensor",
    ]


def test_terms_folded_lose_diacritics_and_case():
    assert text.terms("Café NAÏVE Straße", folded=True) == ["cafe", "naive", "straße"]


def test_terms_unfolded_keep_diacritics_for_sqlite_to_fold():
    assert text.terms("Café", folded=False) == ["café"]


def test_terms_composed_and_decomposed_accents_are_one_word():
    assert text.terms("e\u0301te\u0301", folded=False) == ["été"]


def test_terms_distinct_and_capped():
    words = " ".join(f"w{n}" for n in range(30))
    assert text.terms(f"a a A {words}", folded=False) == ["a", *[f"w{n}" for n in range(11)]]


def test_terms_long_word_cut():
    assert text.terms("x" * 500, folded=False) == ["x" * text.MAX_TERM_LENGTH]


@pytest.mark.parametrize("junk", ['"', "*", "()", "^", ":", "'", "\\", "%", "_", "-", "   ", ""])
def test_terms_of_junk_are_empty(junk):
    assert text.terms(junk, folded=False) == []


def test_fts5_query_quotes_every_word_as_prefix():
    assert text.fts5_query(["sensor", "cargo"]) == '"sensor"* "cargo"*'


def test_fts5_query_doubles_quotes_even_if_a_word_had_one():
    assert text.fts5_query(['a"b']) == '"a""b"*'


def test_tsquery_quotes_every_word_as_prefix():
    assert text.tsquery(["sensor", "o'k", "a\\b"]) == "'sensor':* & 'o''k':* & 'a\\\\b':*"


def test_tsvector_text_is_folded_words():
    assert text.tsvector_text("Café-bar: 2.5 km, a@b.org") == "cafe bar 2 5 km a b org"
