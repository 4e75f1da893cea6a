"""The catalog's search through the platform index: ids within a visible queryset, best first."""

from __future__ import annotations

import pytest

from datacollab.datasets import search
from datacollab.datasets.models import Dataset
from datacollab.datasets.selectors.access import visible_datasets
from datacollab.datasets.selectors.catalog import search_catalog
from datacollab.datasets.services.datasets import create_dataset
from datacollab.search.models import Document
from tests.factories import make_org, make_user
from tests.factories_data import make_dataset

pytestmark = pytest.mark.django_db


def _open(title: str, **fields) -> Dataset:
    return make_dataset(title=title, spectrum="open", licence="CC0-1.0", **fields)


def test_search_ids_best_first_title_before_description():
    late = _open("Traffic counts", description="Cargo bikes on main roads.")
    early = _open("Cargo bikes", description="Counts.")
    assert search.search_ids(Dataset.objects.all(), "bikes") == [early.pk, late.pk]


def test_search_ids_only_within_the_queryset_given():
    shown = _open("Bike counts")
    _open("Bike lanes")
    assert search.search_ids(Dataset.objects.filter(pk=shown.pk), "bike") == [shown.pk]


def test_search_ids_without_words_lists_the_queryset_by_title():
    b, a = _open("B sets"), _open("A sets")
    assert search.search_ids(Dataset.objects.all(), ' "* ') == [a.pk, b.pk]


def test_search_ids_prefix_and_diacritics():
    dataset = _open("Données de vélos", description="Capteurs")
    assert (
        search.search_ids(Dataset.objects.all(), "donnees velo"),
        search.search_ids(Dataset.objects.all(), "capteur"),
    ) == ([dataset.pk], [dataset.pk])


def test_search_ids_index_datasets_written_outside_the_services():
    dataset = _open("Bike counts")
    assert Document.objects.count() == 0
    assert search.search_ids(Dataset.objects.all(), "bike") == [dataset.pk]
    assert Document.objects.filter(kind="dataset", object_id=dataset.pk).count() == 1


def test_search_ids_see_an_edit_made_outside_the_services():
    dataset = _open("Bike counts")
    search.search_ids(Dataset.objects.all(), "bike")
    dataset.title = "Tram counts"
    dataset.save()
    assert (
        search.search_ids(Dataset.objects.all(), "tram"),
        search.search_ids(Dataset.objects.all(), "bike"),
    ) == ([dataset.pk], [])


def test_catalog_search_counts_facets_over_visible_matches_only():
    owner = make_org(name="Data Cargo")
    _open("Cargo bike sensors", owner=owner, themes=["transport"])
    make_dataset(
        title="Cargo bike routes", owner=owner, spectrum="closed", themes=["transport", "secret"]
    )
    result = search_catalog(make_user(), q="cargo bike")
    theme = next(facet for facet in result.facets if facet.name == "theme")
    assert (result.total, {v.value: v.count for v in theme.values}) == (1, {"transport": 1})


def test_catalog_closed_dataset_matches_for_its_owner_only():
    member = make_user()
    owner = make_org(members=[member])
    make_dataset(title="Cargo routes", owner=owner, spectrum="closed")
    assert (
        search_catalog(member, q="routes").total,
        search_catalog(make_user(), q="routes").total,
        search.search_ids(visible_datasets(None), "routes"),
    ) == (1, 0, [])


def test_create_dataset_indexes_it_on_commit(django_capture_on_commit_callbacks):
    member = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        dataset = create_dataset(
            actor=member, owner=make_org(members=[member]), title="Fresh bike counts"
        )
    assert list(Document.objects.values_list("kind", "object_id", "title")) == [
        ("dataset", dataset.pk, "Fresh bike counts")
    ]
