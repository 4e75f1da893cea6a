"""The protections page shows its grants section once, in the body and not in <title>."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.datasets.factories_access import datasets_storage  # noqa: F401
from tests.privacy.factories import pooled_dataset

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("datasets_storage")]


def test_protection_page_title_holds_only_the_title():
    dataset, owner_user = pooled_dataset()
    client = Client()
    client.force_login(owner_user)

    html = client.get(reverse("privacy-protection", args=[dataset.slug])).content.decode()

    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "Aggregates-only access" not in title
    assert html.count("<h2>Aggregates-only access</h2>") == 1
