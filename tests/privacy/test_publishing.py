"""An owner publishes a protected result as an open dataset version, protections recorded."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from datacollab.core.errors import NotAllowed
from datacollab.core.models import AuditEntry
from datacollab.datasets.models import Dataset
from datacollab.datasets.storage import local_copy
from datacollab.privacy import services
from datacollab.privacy.publishing import publish_release
from tests.datasets.factories_access import datasets_storage  # noqa: F401
from tests.factories import make_user
from tests.privacy.factories import BY_ZONE_SPEED, pooled_dataset

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("datasets_storage")]


def test_owner_publishes_only_released_cells_with_the_protections_in_the_schema():
    dataset, owner_user = pooled_dataset(dp=False, k=2)
    answer = services.run_aggregate_query(actor=owner_user, dataset=dataset, query=BY_ZONE_SPEED)

    version = publish_release(
        actor=owner_user, dataset=dataset, release_id=answer.release.pk, target_slug="zone-totals"
    )

    target = Dataset.objects.get(slug="zone-totals")
    assert (target.spectrum, target.owner_id, version.number) == ("open", dataset.owner_id, 1)
    with local_copy(version) as path:
        table = pq.read_table(path)
    released = [c for c in answer.result.cells if c.suppressed is None]
    assert table.column_names == ["zone", "count", "mean_speed"]
    assert table["zone"].to_pylist() == [c.key[0] for c in released]
    assert table["count"].to_pylist() == [c.values["count"] for c in released]
    assert version.schema["description"].startswith("Protected aggregate: at least 2 contributors")
    assert all(
        "suppressed cells are left out" in f["description"] for f in version.schema["fields"]
    )
    entry = AuditEntry.objects.get(action="privacy.release.published")
    assert entry.details["dataset"] == "zone-totals"


def test_only_the_owner_publishes_a_result():
    dataset, owner_user = pooled_dataset(dp=False, k=2)
    answer = services.run_aggregate_query(actor=owner_user, dataset=dataset, query=BY_ZONE_SPEED)

    with pytest.raises(NotAllowed):
        publish_release(
            actor=make_user(), dataset=dataset, release_id=answer.release.pk, target_slug="x"
        )

    assert not Dataset.objects.filter(slug="x").exists()


def test_publish_page_publishes_and_goes_to_the_open_dataset():
    from django.test import Client
    from django.urls import reverse

    dataset, owner_user = pooled_dataset(dp=False, k=2)
    answer = services.run_aggregate_query(actor=owner_user, dataset=dataset, query=BY_ZONE_SPEED)
    client = Client()
    client.force_login(owner_user)

    response = client.post(
        reverse("privacy-publish", args=[dataset.slug, answer.release.pk]),
        {"target_slug": "zone-totals", "title": "Zone totals", "confirm": "1"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("dataset-detail", args=["zone-totals"])
    assert Dataset.objects.get(slug="zone-totals").title == "Zone totals"


def test_publish_page_without_confirm_states_the_counts_and_publishes_nothing():
    from django.test import Client
    from django.urls import reverse

    from tests.network.factories_applications import page_text

    dataset, owner_user = pooled_dataset(dp=False, k=2)
    answer = services.run_aggregate_query(actor=owner_user, dataset=dataset, query=BY_ZONE_SPEED)
    client = Client()
    client.force_login(owner_user)
    released = answer.result.released
    suppressed = len(answer.result.cells) - released

    response = client.post(
        reverse("privacy-publish", args=[dataset.slug, answer.release.pk]),
        {"target_slug": "zone-totals", "title": "Zone totals"},
    )

    text = page_text(response)
    assert response.status_code == 200
    assert (
        f"{released} released cells become open data: anyone, signed in or not, can read and "
        "download them." in text,
        f"{suppressed} suppressed cell" in text,
        "A new open dataset, zone-totals , is created with them as its version 1." in text,
    ) == (True, True, True)
    assert not Dataset.objects.filter(slug="zone-totals").exists()
    assert AuditEntry.objects.filter(action="privacy.release.published").count() == 0
