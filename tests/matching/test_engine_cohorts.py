"""Matching across cohorts (the GBIF case of issue 13) and reasons made of meaningful words."""

from __future__ import annotations

from datacollab.matching.engine import Profile, suggest
from datacollab.matching.text import DOMAIN_WORDS, analyse, stem

# What every member of the stewards' cohort wrote: a co-signed learning, the call's prompts.
COHORT_TEXT = (
    "Volunteer governance, succession of trustees, licensing revenue and sustainability of "
    "the steward. Funders, boards and trustees ask for impact stories and income by source."
)
STEWARD_TOPICS = [
    "species occurrence records and biodiversity checklists",
    "music metadata and recordings catalogue",
    "street maps and geospatial editing",
    "encyclopaedia articles and multilingual content",
    "garment factories and supply chains",
]
OTHER_COHORT = [
    "Museum specimens: species occurrence records for biodiversity research.",
    "Bus ridership and transit routes.",
    "Clinic screening counts.",
    "Packaging reuse events and volunteer stewards.",
]


def _network(*, with_cohorts: bool) -> list[Profile]:
    def contexts(cohort: str) -> tuple[str, ...]:
        return (cohort,) if with_cohorts else ()

    stewards = [
        Profile(key=n, text=f"{COHORT_TEXT} {topic}", contexts=contexts("cohort:2"))
        for n, topic in enumerate(STEWARD_TOPICS, start=1)
    ]
    others = [
        Profile(key=n, text=text, contexts=contexts("cohort:1"))
        for n, text in enumerate(OTHER_COHORT, start=10)
    ]
    return stewards + others


def test_suggest_puts_the_better_match_from_another_cohort_first():
    # GBIF (key 1) writes about species records; so does a museum (10) in the other cohort.
    result = suggest(_network(with_cohorts=True), top_k=3)

    assert [s.key for s in result[1]] == [10, 2]
    assert result[1][0].shared_terms == ("biodiversity", "occurrence records", "species")


def test_suggest_without_cohorts_is_fooled_by_the_cohort_wording():
    # The same texts with no cohort known: the wording all stewards share wins, as before.
    result = suggest(_network(with_cohorts=False), top_k=3)

    assert [s.key for s in result[1]] == [2, 3, 4]
    assert result[1][0].shared_terms == ("trustees", "records", "ask", "boards", "funders")


def test_suggest_cohort_damping_keeps_identical_texts_of_one_cohort_together():
    # Damping scales a term alike in every profile of the cohort: twins stay twins.
    profiles = [
        Profile(key=n, text="bus ridership transit routes", contexts=("cohort:1",))
        for n in (1, 2, 3)
    ] + [Profile(key=4, text="clinic screening", contexts=("cohort:1",))]

    result = suggest(profiles, top_k=3)

    assert [s.key for s in result[1]] == [2, 3]
    assert round(result[1][0].similarity, 6) == 1.0


def test_suggest_reasons_have_no_stop_or_domain_words_and_show_written_words():
    first = Profile(key=1, text="We use common standards in the role of stewards of species.")
    second = Profile(key=2, text="A common role: use the standard for species, as a steward.")

    result = suggest([first, second], top_k=1)

    # "standards" and "standard" are one term (stemmed-equal); each is written once, so the
    # shorter is shown. The next test shows a word whose stem is not a word.
    assert result[1][0].shared_terms == ("species", "standard", "steward")
    assert [stem(word) for word in ("standards", "standard")] == ["standard", "standard"]


def test_suggest_reasons_show_the_surface_not_the_stem():
    first = Profile(key=1, text="Biodiversity communities. Biodiversity communities.")
    second = Profile(key=2, text="Biodiversity communities and volunteers.")

    result = suggest([first, second], top_k=1)

    assert result[1][0].shared_terms == ("biodiversity communities",)
    assert analyse("Biodiversity communities") == ["biodivers", "communiti", "biodivers communiti"]


def test_analyse_leaves_out_the_words_of_the_issue():
    # "justified by words like 'common, role, use'" (issue 13): none of them is a term.
    assert analyse("common role use users used organisations open data shared") == []
    assert {"common", "role", "use", "data"} <= DOMAIN_WORDS


def test_suggest_favour_other_regions_still_reorders_across_cohorts():
    profiles = [
        Profile(key=1, text="bus ridership transit", region="Europe", contexts=("cohort:1",)),
        Profile(key=2, text="bus ridership transit", region="Europe", contexts=("cohort:1",)),
        Profile(key=3, text="bus ridership transit", region="Africa", contexts=("cohort:2",)),
    ]

    plain = suggest(profiles, top_k=2)
    favoured = suggest(profiles, top_k=2, favour_other_regions=True)

    assert [s.key for s in plain[1]] == [2, 3]
    assert [s.key for s in favoured[1]] == [3, 2]
    assert [s.cross_region for s in favoured[1]] == [True, False]


def test_suggest_finds_planted_matches_in_other_cohorts():
    from datacollab.matching.synthetic import make_cohort_profiles, precision_at_k

    data = make_cohort_profiles(cohorts=6, groups=12, per_group=4, seed=7)
    without = [Profile(key=p.key, text=p.text, region=p.region) for p in data.profiles]

    def precision(profiles: list[Profile]) -> float:
        ranked = {k: [s.key for s in v] for k, v in suggest(profiles, top_k=3).items()}
        return precision_at_k(ranked, data.group_of, k=3)

    assert precision(data.profiles) >= 0.9
    assert precision(without) <= 0.1


def test_suggest_never_gives_a_hyphen_prefix_or_an_empty_verb_as_reason():
    # Seen on the demo (issue 13): a non-profit and a clinic for non-communicable diseases
    # were "alike" because of "non, stays".
    wiki = Profile(key=1, text="A non-profit encyclopaedia; the text stays free. Health pages.")
    clinic = Profile(key=2, text="Non-communicable disease screening stays local. Health.")

    result = suggest([wiki, clinic], top_k=1)

    assert result[1][0].shared_terms == ("health",)
    assert analyse("non-profit stays chose exists") == ["profit"]
