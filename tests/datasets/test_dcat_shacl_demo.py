"""The demo's catalog and every demo dataset conform to DCAT-AP 3.0.0 (pyshacl, official shapes),
in JSON-LD and Turtle. The demo is loaded once for the module, its feeds read, then rolled back."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings

from datacollab.datasets.models import Dataset
from datacollab.demo.builder import load_demo
from tests.datasets.test_dcat_shacl import FORMATS, violations

# The mark makes pytest-django set up the test database, which the module fixture then uses.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_feeds(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> dict:
    """{(what, suffix): body}: the catalog as seen anonymously and by each dataset's creator,
    and each dataset's own feed as its creator sees it."""
    storages = {
        **settings.STORAGES,
        "datasets": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path_factory.mktemp("demo-datasets"))},
        },
    }
    files = tmp_path_factory.mktemp("demo-files")
    feeds: dict[tuple[str, str], str] = {}
    with (
        django_db_blocker.unblock(),
        override_settings(
            STORAGES=storages, MEDIA_ROOT=files / "media", DATASETS_UPLOAD_DIR=files / "uploads"
        ),
        transaction.atomic(),
    ):
        load_demo()
        for suffix, _rdf_format in FORMATS:
            feeds[("catalog as anonymous", suffix)] = (
                Client().get(f"/datasets/catalog.{suffix}").content.decode()
            )
        for dataset in Dataset.objects.select_related("created_by"):
            client = Client()
            client.force_login(dataset.created_by)
            for suffix, _rdf_format in FORMATS:
                response = client.get(f"/datasets/{dataset.slug}/dcat.{suffix}")
                assert response.status_code == 200
                feeds[(dataset.slug, suffix)] = response.content.decode()
                catalog = client.get(f"/datasets/catalog.{suffix}").content.decode()
                feeds[(f"catalog as {dataset.created_by.email}", suffix)] = catalog
        transaction.set_rollback(True)
    return feeds


def test_demo_feeds_cover_every_demo_dataset(demo_feeds):
    slugs = {what for what, _suffix in demo_feeds if not what.startswith("catalog")}
    assert len(slugs) == 6


@pytest.mark.parametrize(("suffix", "rdf_format"), FORMATS)
def test_demo_catalog_and_datasets_conform_to_dcat_ap(demo_feeds, suffix, rdf_format):
    found = {
        what: violations(body, rdf_format)
        for (what, fmt), body in demo_feeds.items()
        if fmt == suffix
    }

    assert found == {what: [] for what in found}
