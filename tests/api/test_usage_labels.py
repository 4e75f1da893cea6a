"""The usage page names tiers and anonymous callers in words that translate (issue 14)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from tests.api.test_metering import _steward_dataset
from tests.i18n_catalogue import spanish

pytestmark = pytest.mark.django_db


def test_usage_page_shows_tier_and_anonymous_labels_translated(login, tmp_path: Path):
    steward, dataset = _steward_dataset()
    Client().get(f"/api/v1/datasets/{dataset.slug}")
    catalogue = {"Anonymous": "Anónimo", "anonymous": "anónimo"}

    with spanish(tmp_path, catalogue):
        page = login(steward).get(
            f"/accounts/api-tokens/usage/datasets/{dataset.slug}/",
            headers={"accept-language": "es"},
        )

    rows = page.context["usage"].by_account
    assert [(r["account_label"], r["tier"], r["tier_label"]) for r in rows] == [
        ("anónimo", "anonymous", "Anónimo")
    ]
    assert "<td>anónimo</td>" in page.content.decode()
