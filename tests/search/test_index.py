"""Keeping entries in step: refresh after a change, a hide or a delete; rebuild; catch-up."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from datacollab.datasets.models import Dataset
from datacollab.datasets.services.datasets import update_dataset
from datacollab.search import index
from datacollab.search.models import Document
from datacollab.search.selectors import search
from tests.factories import make_cohort, make_org, make_user
from tests.factories_data import make_dataset
from tests.factories_discussion import make_channel, make_thread
from tests.factories_events import make_session
from tests.factories_learnings import make_learning, make_resource
from tests.factories_search import indexed, indexed_dataset

pytestmark = pytest.mark.django_db


def _titles(user, q: str) -> list[str]:
    return [str(hit.object) for hit in search(user, q=q).page]


def _entries() -> list[tuple[str, str]]:
    return sorted(Document.objects.values_list("kind", "title"))


def test_refresh_writes_title_plain_body_and_extra():
    owner = make_org(name="Data Cargo")
    dataset = indexed_dataset(
        owner=owner,
        title="Cargo bike sensors",
        description="**Speed** and [load](https://example.org) of <em>bikes</em>.",
        keywords=["speed"],
        themes=["transport"],
        spatial="London",
    )
    entry = Document.objects.get(kind="dataset", object_id=dataset.pk)
    assert (entry.title, entry.body, entry.extra) == (
        "Cargo bike sensors",
        "Speed and load of <em>bikes</em>.",
        "speed transport Data Cargo London",
    )


def test_refresh_after_change_finds_new_words_only(django_capture_on_commit_callbacks):
    member = make_user()
    dataset = indexed_dataset(owner=make_org(members=[member]), title="Bike counts")
    with django_capture_on_commit_callbacks(execute=True):
        update_dataset(actor=member, dataset=dataset, title="Tram counts")
    assert (_titles(None, "tram"), _titles(None, "bike")) == (["Tram counts"], [])


def test_refresh_after_hiding_a_post_removes_its_entry(convener):
    author = make_user()
    thread = make_thread(channel=make_channel(), author=author, body="Bikes and more bikes")
    post = indexed("post", thread.posts.get())
    post.hidden_at = post.created_at
    post.save()
    index.refresh("post", post.pk)
    assert (_titles(convener, "bikes"), _entries()) == ([], [])


def test_refresh_after_delete_removes_entry():
    dataset = indexed_dataset(title="Bike counts")
    pk = dataset.pk
    dataset.delete()
    index.refresh("dataset", pk)
    assert Document.objects.count() == 0


def test_refresh_of_unknown_pk_is_harmless():
    index.refresh("learning", 987654)
    assert Document.objects.count() == 0


def test_refresh_of_unknown_kind_names_the_known_ones():
    with pytest.raises(ValueError, match="unknown search kind 'nope'"):
        index.refresh("nope", 1)


def test_remove_drops_entry():
    dataset = indexed_dataset(title="Bike counts")
    index.remove("dataset", dataset.pk)
    assert _entries() == []


def test_a_deleted_object_with_a_stale_entry_is_never_shown():
    dataset = indexed_dataset(title="Bike counts")
    Dataset.objects.filter(pk=dataset.pk).delete()
    result = search(None, q="bike")
    assert (list(result.page), result.total) == ([], 0)


def test_rebuild_writes_every_kind_and_drops_stale_entries(convener):
    cohort = make_cohort()
    make_dataset(title="Open bikes", spectrum="open")
    make_session(actor=convener, cohort=cohort, title="Bikes roundtable")
    make_learning(cohort=cohort, title="Bikes learning")
    make_resource(title="Bikes resource")
    make_thread(channel=make_channel(cohort=cohort), author=convener, title="Bikes thread")
    Document.objects.create(
        kind="dataset", object_id=999999, title="Gone", updated_at="2020-01-01T00:00:00Z"
    )
    assert index.rebuild() == 5
    assert _entries() == [
        ("dataset", "Open bikes"),
        ("learning", "Bikes learning"),
        ("post", "Bikes thread"),
        ("resource", "Bikes resource"),
        ("session", "Bikes roundtable"),
    ]
    assert search(convener, q="bikes").total == 5


def test_catch_up_writes_missing_and_stale_entries_only():
    fresh = indexed_dataset(title="Fresh")
    missing = make_dataset(title="Missing", spectrum="open")
    stale = indexed_dataset(title="Stale")
    Dataset.objects.filter(pk=stale.pk).update(title="Stale renamed", updated_at=missing.updated_at)
    Document.objects.filter(object_id=stale.pk).update(updated_at="2020-01-01T00:00:00Z")
    assert index.catch_up("dataset", Dataset.objects.all()) == 2
    assert _entries() == [
        ("dataset", "Fresh"),
        ("dataset", "Missing"),
        ("dataset", "Stale renamed"),
    ]
    assert fresh.pk in set(Document.objects.values_list("object_id", flat=True))


def test_catch_up_costs_one_query_when_nothing_is_stale():
    indexed_dataset(title="Fresh")
    with CaptureQueriesContext(connection) as ctx:
        index.catch_up("dataset", Dataset.objects.all())
    assert len(ctx.captured_queries) == 1


def test_catch_up_queries_do_not_grow_with_stale_rows():
    def queries(n: int) -> int:
        for i in range(n):
            make_dataset(title=f"Set {i}", spectrum="open")
        with CaptureQueriesContext(connection) as ctx:
            index.catch_up("dataset", Dataset.objects.all())
        return len(ctx.captured_queries)

    assert queries(3) == queries(30)
