from __future__ import annotations

import pytest

from datacollab.matching import synthetic
from datacollab.matching.engine import Profile, analyse, explain, suggest

MOBILITY = "Sharing bus ridership data with the city to plan mobility routes and transit."
MOBILITY_TOO = "Mobility routes: ridership data from buses helps plan transit for commuters."
HEALTH = "Hospital records and clinical outcomes data for maternal health research."
HEALTH_TOO = "Clinical outcomes of maternal health programmes, from hospital records."
FARMING = "Soil moisture sensors and crop yields shared among farming cooperatives."


def _keys(result: dict[int, list], key: int) -> list[int]:
    return [s.key for s in result[key]]


def test_suggest_ranks_the_profile_on_the_same_topic_first():
    profiles = [
        Profile(key=1, text=MOBILITY),
        Profile(key=2, text=HEALTH),
        Profile(key=3, text=MOBILITY_TOO),
        Profile(key=4, text=HEALTH_TOO),
        Profile(key=5, text=FARMING),
    ]

    result = suggest(profiles, top_k=1)

    assert {key: _keys(result, key) for key in (1, 2, 3, 4)} == {1: [3], 2: [4], 3: [1], 4: [2]}


def test_suggest_gives_the_shared_terms_as_the_reason():
    profiles = [Profile(key=1, text=MOBILITY), Profile(key=2, text=MOBILITY_TOO)]

    result = suggest(profiles, top_k=1, reason_terms=10)

    # "data" is a domain word: every profile of the network has it, so it says nothing.
    assert result[1][0].shared_terms == ("mobility routes", "plan", "ridership", "transit")
    assert result[1][0].shared_terms == result[2][0].shared_terms


def test_suggest_reason_skips_terms_repeating_a_chosen_phrase():
    profiles = [
        Profile(key=1, text="urban mobility, urban mobility"),
        Profile(key=2, text="urban mobility"),
    ]

    result = suggest(profiles, top_k=1)

    assert result[1][0].shared_terms == ("urban mobility",)


def test_suggest_reason_shows_only_terms_the_viewer_may_see_on_both_sides():
    profiles = [
        Profile(key=1, text=MOBILITY),
        # The peer's private text also says "mobility routes" and "transit": not to be shown.
        Profile(key=2, text=MOBILITY_TOO, shown_text="Ridership data from buses."),
    ]

    result = suggest(profiles, top_k=1)

    assert result[1][0].shared_terms == ("ridership",)
    assert result[1][0].similarity == result[2][0].similarity
    assert result[1][0].similarity > 0.3


def test_suggest_never_suggests_a_pair_with_nothing_in_common():
    profiles = [
        Profile(key=1, text=MOBILITY),
        Profile(key=2, text=FARMING),
        Profile(key=3, text=MOBILITY_TOO),
    ]

    result = suggest(profiles, top_k=3)

    assert _keys(result, 1) == [3]
    assert _keys(result, 2) == []


def test_suggest_never_suggests_a_profile_to_itself_nor_outside_candidates():
    profiles = [
        Profile(key=1, text=MOBILITY),
        Profile(key=2, text=MOBILITY_TOO),
        Profile(key=3, text=MOBILITY_TOO + " Ridership."),
    ]

    result = suggest(profiles, top_k=5, for_keys=[1], candidates=[1, 2])

    assert result == {1: result[1]}
    assert _keys(result, 1) == [2]


def test_suggest_favouring_other_regions_reranks_close_pairs():
    profiles = [
        Profile(key=1, text="river flood sensors", region="Europe"),
        Profile(key=2, text="river flood sensors", region="Europe"),
        Profile(key=3, text="river flood sensors alerts", region="Africa"),
        Profile(key=4, text="river flood alerts", region="Asia"),
    ]

    plain = suggest(profiles, top_k=3, for_keys=[1])
    favoured = suggest(profiles, top_k=3, for_keys=[1], favour_other_regions=True)

    assert _keys(plain, 1) == [2, 3, 4]
    assert _keys(favoured, 1) == [3, 2, 4]
    assert [s.cross_region for s in favoured[1]] == [True, False, True]
    assert favoured[1][0].rank_score == pytest.approx(1.25 * favoured[1][0].similarity)
    assert favoured[1][1].rank_score == favoured[1][1].similarity


def test_suggest_unknown_region_gets_no_bonus():
    profiles = [
        Profile(key=1, text="river flood sensors", region="Europe"),
        Profile(key=2, text="river flood sensors", region=""),
    ]

    result = suggest(profiles, top_k=1, favour_other_regions=True)

    assert result[1][0].cross_region is False
    assert result[1][0].rank_score == result[1][0].similarity


def test_suggest_ties_break_by_key():
    profiles = [
        Profile(key=9, text="river flood"),
        Profile(key=7, text="river flood"),
        Profile(key=8, text="river flood"),
    ]

    result = suggest(profiles, top_k=2)

    assert _keys(result, 9) == [7, 8]


def test_suggest_empty_texts_give_no_suggestions():
    profiles = [Profile(key=1, text=""), Profile(key=2, text="the and of")]

    assert suggest(profiles) == {1: [], 2: []}
    assert suggest([]) == {}


def test_suggest_links_are_not_terms():
    profiles = [
        Profile(key=1, text="see https://example.org/mobility for more"),
        Profile(key=2, text="see https://example.org/mobility for more"),
    ]

    assert suggest(profiles) == {1: [], 2: []}


def test_suggest_refuses_duplicate_keys():
    with pytest.raises(ValueError, match="unique"):
        suggest([Profile(key=1, text="a b"), Profile(key=1, text="a b")])


def test_suggest_precision_at_3_on_planted_topics_is_high():
    data = synthetic.make_profiles(groups=12, per_group=5)

    result = suggest(data.profiles, top_k=3)
    ranked = {key: [s.key for s in suggestions] for key, suggestions in result.items()}

    assert synthetic.precision_at_k(ranked, data.group_of, k=3) >= 0.9


def test_precision_at_k_counts_missing_suggestions_as_misses():
    group_of = {1: 0, 2: 0, 3: 1}

    assert synthetic.precision_at_k({1: [2], 3: []}, group_of, k=2) == 0.25


def test_explain_gives_similarity_and_terms_of_a_chosen_pair():
    profiles = [
        Profile(key=1, text=MOBILITY, region="Europe"),
        Profile(key=2, text=FARMING, region="Africa"),
        Profile(key=3, text=MOBILITY_TOO, region="Africa"),
    ]
    suggested = suggest(profiles, top_k=1, for_keys=[1])[1][0]

    result = explain(profiles, [(1, 3), (1, 2), (1, 99)])

    assert result[(1, 3)] == suggested
    assert result[(1, 2)].similarity == 0.0
    assert result[(1, 2)].shared_terms == ()
    assert result[(1, 2)].cross_region is True
    assert sorted(result) == [(1, 2), (1, 3)]


def test_analyse_makes_phrases_only_of_neighbouring_words():
    terms = analyse("We decide what is prevented. **Free**-source transport data; Café")

    # Stems, stop words and domain words ("data") out; a phrase never crosses a gap.
    assert terms == [
        "decid",
        "prevent",
        "free",
        "sourc",
        "transport",
        "free sourc",
        "sourc transport",
        "cafe",
    ]
