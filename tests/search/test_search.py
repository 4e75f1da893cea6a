"""Searching: prefixes, diacritics, ranking, hostile input, and never more than one may see."""

from __future__ import annotations

import pytest

from datacollab.learnings.models import Visibility
from datacollab.search.selectors import search
from tests.factories import make_cohort, make_org, make_user
from tests.factories_data import make_collaboration
from tests.factories_discussion import make_channel, make_thread
from tests.factories_discussion import make_participant as make_channel_member
from tests.factories_events import current_cohort, make_session
from tests.factories_events import make_participant as make_cohort_participant
from tests.factories_learnings import make_learning, make_resource
from tests.factories_search import indexed, indexed_dataset

pytestmark = pytest.mark.django_db

PUBLIC = Visibility.PUBLIC


def _public(title: str, body: str = "Plain text.", **fields) -> object:
    return indexed("learning", make_learning(title=title, body=body, visibility=PUBLIC, **fields))


def _titles(user, q: str, **options) -> list[str]:
    return [str(hit.object) for hit in search(user, q=q, **options).page]


def _counts(result) -> dict[str, int]:
    return {item.kind: item.count for item in result.kinds}


def test_search_word_finds_longer_words_it_starts():
    _public("Cargo bike sensors")
    assert (_titles(None, "sensor"), _titles(None, "sens"), _titles(None, "sensors x")) == (
        ["Cargo bike sensors"],
        ["Cargo bike sensors"],
        [],
    )


def test_search_every_word_must_match_somewhere():
    _public("Cargo bikes", body="Delivery speed in London.")
    _public("Cargo ships", body="Ports.")
    assert _titles(None, "cargo london") == ["Cargo bikes"]


@pytest.mark.parametrize("q", ["cafe", "CAFÉ", "Café", "cafe\u0301"])
def test_search_ignores_case_and_diacritics_in_queries(q):
    _public("Café culture and data")
    assert _titles(None, q) == ["Café culture and data"]


def test_search_ignores_diacritics_in_documents():
    _public("São Paulo mobility", body="Naïve Bayes, ERDŐS")
    assert (_titles(None, "sao"), _titles(None, "naive erdos")) == (
        ["São Paulo mobility"],
        ["São Paulo mobility"],
    )


def test_search_finds_words_of_other_scripts():
    _public("开放数据 stewards", body="Открытые данные")
    assert (_titles(None, "开放数据"), _titles(None, "данные")) == (
        ["开放数据 stewards"],
        ["开放数据 stewards"],
    )


def test_search_ranks_title_before_tags_before_body():
    _public("Governance notes", body="Trust.")
    tagged = make_learning(title="Notes on stewardship", body="Trust.", visibility=PUBLIC)
    tagged.contributors.set([make_org(name="Governance Lab")])
    indexed("learning", tagged)
    _public("Further notes", body="Mostly about governance, of course.")
    assert _titles(None, "governance") == [
        "Governance notes",
        "Notes on stewardship",
        "Further notes",
    ]


def test_search_ranks_across_kinds():
    indexed_dataset(title="Traffic counts", description="Cars and bikes.")
    _public("Bikes first", body="Bikes bikes bikes.")
    assert _titles(None, "bikes") == ["Bikes first", "Traffic counts"]


JUNK = [
    '"',
    '""',
    "*",
    "AND (",
    "OR",
    "NOT",
    "NEAR",
    "NEAR(a b, 2)",
    "title:",
    "^bike",
    "bike'",
    "'; DROP TABLE search_document; --",
    "a & b | !c <-> d",
    "\\",
    "%_%",
    "{x y}",
    "🚲",
    "‮bike",
    "-bike",
    "bike*:*",
]


@pytest.mark.parametrize("q", JUNK)
def test_search_junk_never_breaks_the_query(q):
    _public("Cargo bike sensors")
    result = search(None, q=q)
    expected = 1 if "bike" in q else 0
    assert (result.total, len(result.page)) == (expected, expected)


def test_search_junk_around_words_still_finds_them():
    _public("Cargo bike sensors")
    assert _titles(None, '"cargo* (bike) ^sens:') == ["Cargo bike sensors"]


def test_search_column_filter_syntax_is_just_words():
    # FTS5 would read `title:bike` as "bike in the title": here "title" is a word to find too.
    _public("Cargo bike sensors")
    _public("Bike title page")
    assert _titles(None, "title:bike") == ["Bike title page"]


def test_search_operators_are_just_words():
    _public("Cargo bike sensors")
    _public("Bike or not")
    assert (_titles(None, "bike OR sensors"), _titles(None, "bike NOT or")) == ([], ["Bike or not"])


def test_search_without_words_finds_nothing():
    _public("Cargo bike sensors")
    result = search(None, q="  ")
    assert (list(result.page), result.total, _counts(result)) == (
        [],
        0,
        {"dataset": 0, "session": 0, "learning": 0, "resource": 0, "post": 0},
    )


# Visibility ---------------------------------------------------------------------------------


@pytest.fixture
def cohort():
    return current_cohort()


@pytest.fixture
def participant(cohort):
    return make_cohort_participant(cohort)


@pytest.fixture
def outsider():
    return make_user()


def test_search_cohort_learning_seen_and_counted_by_its_cohort_only(cohort, participant, outsider):
    indexed("learning", make_learning(cohort=cohort, title="Secret stewardship insight"))
    inside, outside, anonymous = (search(u, q="stewardship") for u in (participant, outsider, None))
    assert (inside.total, _counts(inside)["learning"]) == (1, 1)
    assert (outside.total, _counts(outside)["learning"], list(outside.page)) == (0, 0, [])
    assert (anonymous.total, list(anonymous.page)) == (0, [])


def test_search_draft_learning_seen_by_its_author_only(cohort, participant):
    indexed("learning", make_learning(cohort=cohort, author=participant, published=False))
    draft_title = "Learning"
    assert (search(participant, q=draft_title).total, search(make_user(), q=draft_title).total) == (
        1,
        0,
    )


def test_search_group_dataset_seen_and_counted_by_members_only(outsider):
    member = make_user()
    owner = make_org(members=[member])
    collaboration = make_collaboration(lead=owner)
    indexed_dataset(
        owner=owner,
        collaboration=collaboration,
        title="Pooled cargo sensors",
        spectrum="group",
        licence="CC-BY-4.0",
    )
    inside, outside = search(member, q="pooled"), search(outsider, q="pooled")
    assert (inside.total, _counts(inside)["dataset"]) == (1, 1)
    assert (outside.total, _counts(outside)["dataset"], list(outside.page)) == (0, 0, [])


def test_search_cohort_resource_and_session_hidden_from_outsiders(cohort, participant, outsider):
    indexed("resource", make_resource(cohort=cohort, visibility="cohort", title="Roadmap kit"))
    indexed("session", make_session(cohort=cohort, title="Roadmap roundtable"))
    assert (search(participant, q="roadmap").total, search(outsider, q="roadmap").total) == (2, 0)


def test_search_channel_posts_seen_by_channel_readers_only(outsider):
    cohort = make_cohort()
    member = make_channel_member(cohort)
    thread = make_thread(channel=make_channel(cohort=cohort), author=member, body="Bike lanes")
    indexed("post", thread.posts.get())
    assert (search(member, q="lanes").total, search(outsider, q="lanes").total) == (1, 0)


def test_search_hits_link_to_the_object():
    learning = _public("Cargo bike sensors")
    hit = next(iter(search(None, q="bike").page))
    assert (hit.kind, hit.kind_label, hit.url, hit.object) == (
        "learning",
        "Learnings",
        f"/learnings/{learning.slug}/",
        learning,
    )


# Kinds and pages ----------------------------------------------------------------------------


def test_search_kind_shows_that_kind_and_counts_every_kind():
    indexed_dataset(title="Bike counts")
    _public("Bike lessons")
    result = search(None, q="bike", kind="dataset")
    assert (_titles(None, "bike", kind="dataset"), result.total, _counts(result)) == (
        ["Bike counts"],
        2,
        {"dataset": 1, "session": 0, "learning": 1, "resource": 0, "post": 0},
    )


def test_search_unknown_kind_means_every_kind():
    indexed_dataset(title="Bike counts")
    _public("Bike lessons")
    assert search(None, q="bike", kind="nope").page.paginator.count == 2


def test_search_pages():
    for n in range(7):
        _public(f"Bike note {n}")
    second = search(None, q="bike", page=2, page_size=3)
    assert ([str(h.object) for h in second.page], second.page.paginator.num_pages) == (
        ["Bike note 3", "Bike note 4", "Bike note 5"],
        3,
    )
    assert _titles(None, "bike", page="junk", page_size=3) == [
        "Bike note 0",
        "Bike note 1",
        "Bike note 2",
    ]
    assert _titles(None, "bike", page=99, page_size=3) == ["Bike note 6"]


# Snippets -----------------------------------------------------------------------------------


def test_search_snippet_marks_words_and_escapes_the_rest():
    _public("<b>Bike</b> & co", body="Before <script>alert(1)</script> bikes after.")
    hit = next(iter(search(None, q="bike").page))
    assert (str(hit.title), str(hit.snippet)) == (
        "&lt;b&gt;<mark>Bike</mark>&lt;/b&gt; &amp; co",
        "Before &lt;script&gt;alert(1)&lt;/script&gt; <mark>bikes</mark> after.",
    )


def test_search_snippet_centres_on_a_late_match():
    _public("Notes", body="filler " * 100 + "the bikes came " + "tail " * 100)
    snippet = str(next(iter(search(None, q="bikes").page)).snippet)
    assert snippet.startswith("… filler")
    assert snippet.endswith(" …")
    assert "the <mark>bikes</mark> came" in snippet
