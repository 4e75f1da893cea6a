"""The search page: /search/?q=...&kind=...&page=..."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from datacollab.learnings.models import Visibility
from tests.factories import make_user
from tests.factories_events import current_cohort
from tests.factories_events import make_participant as make_cohort_participant
from tests.factories_learnings import make_learning
from tests.factories_search import indexed, indexed_dataset

pytestmark = pytest.mark.django_db


def _public(title: str, body: str = "Plain text.") -> object:
    return indexed("learning", make_learning(title=title, body=body, visibility=Visibility.PUBLIC))


def test_search_url_is_search():
    assert reverse("search") == "/search/"


def test_search_page_without_query_explains(client):
    body = client.get("/search/").content.decode()
    assert "Search datasets, sessions, learnings, resources and discussions" in body
    assert "results-heading" not in body


def test_search_page_lists_marked_hits_with_links_and_kind_counts(client):
    learning = _public("Cargo bike lessons", body="Pool the sensor data.")
    indexed_dataset(title="Bike counts")
    body = client.get("/search/", {"q": "bike"}).content.decode()
    assert f'<a href="/learnings/{learning.slug}/">Cargo <mark>bike</mark> lessons</a>' in body
    assert "2 results" in body
    assert 'href="?q=bike&amp;kind=dataset"' in body
    assert 'Datasets <span class="muted">(1)</span>' in body


def test_search_page_kind_filter(client):
    _public("Bike lessons")
    indexed_dataset(title="Bike counts")
    body = client.get("/search/", {"q": "bike", "kind": "dataset"}).content.decode()
    assert (
        "Bike counts" in body.replace("<mark>", "").replace("</mark>", ""),
        "1 result" in body,
    ) == (
        True,
        True,
    )
    assert "lessons" not in body


def test_search_page_escapes_stored_html(client):
    _public('<img src=x onerror="alert(1)"> bike', body="<script>alert(2)</script> bike")
    body = client.get("/search/", {"q": "bike"}).content.decode()
    assert "<img src=x" not in body
    assert "<script>alert" not in body
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; <mark>bike</mark>" in body


def test_search_page_cohort_learning_not_shown_nor_counted_to_outsider(login):
    cohort = current_cohort()
    participant = make_cohort_participant(cohort)
    indexed("learning", make_learning(cohort=cohort, title="Secret stewardship insight"))
    outside = login(make_user()).get("/search/", {"q": "stewardship"}).content.decode()
    inside = login(participant).get("/search/", {"q": "stewardship"}).content.decode()
    assert (
        "Secret" in outside,
        "0 results" in outside,
        'Learnings <span class="muted">(0)</span>' in outside,
    ) == (
        False,
        True,
        True,
    )
    assert ("1 result" in inside, 'Learnings <span class="muted">(1)</span>' in inside) == (
        True,
        True,
    )


def test_search_page_pages(client):
    for n in range(25):
        _public(f"Bike note {n:02d}")
    body = client.get("/search/", {"q": "bike", "page": "2"}).content.decode()
    assert "Bike note 24" in body.replace("<mark>", "").replace("</mark>", "")
    assert "Page 2 of 2" in body
    assert 'href="?q=bike&amp;page=1" rel="prev"' in body


def test_search_page_junk_page_is_first_page(client):
    _public("Bike note")
    assert client.get("/search/", {"q": "bike", "page": "x'"}).status_code == 200


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "x" * 201}, "Ensure this value has at most 200 characters"),
        ({"q": "bike", "kind": "nope"}, "Select a valid choice"),
        ({"q": "bike\x00"}, "Null characters are not allowed"),
    ],
)
def test_search_page_bad_input_is_400_with_the_reason(client, params, message):
    response = client.get("/search/", params)
    assert (response.status_code, message in response.content.decode()) == (400, True)


def test_search_page_refuses_post(client):
    assert client.post("/search/", {"q": "bike"}).status_code == 405


@pytest.mark.parametrize("params", [{"q": "bike"}, {"q": "bike", "kind": "learning", "page": "2"}])
def test_search_page_queries_do_not_grow_with_results(login, params, django_assert_max_num_queries):
    cohort = current_cohort()
    client = login(make_cohort_participant(cohort))

    def add(n: int) -> None:
        for i in range(n):
            _public(f"Bike public {i}")
            indexed("learning", make_learning(cohort=cohort, title=f"Bike cohort {i}"))
            indexed_dataset(title=f"Bike data {i}")

    add(15)
    client.get("/search/", params)  # the first request of a session reads more
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/search/", params).status_code == 200
    add(30)
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        assert client.get("/search/", params).status_code == 200


def test_search_reindex_command_prints_counts(capsys):
    _public("Bike lessons")
    indexed_dataset(title="Bike counts")
    call_command("search-reindex")
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == ["dataset: 1", "learning: 1"]
    assert lines[2].startswith("search-reindex: 2 entries in ")
