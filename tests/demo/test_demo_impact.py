"""The demo's synthetic usage and stories: enough for the impact pages to tell a story."""

from __future__ import annotations

import pytest
from django.db.models import Sum
from django.test import Client

from datacollab.demo.builder import load_demo
from datacollab.demo.people import email
from datacollab.impact.models import DailyCount, ImpactStory
from datacollab.organisations.models import User

pytestmark = pytest.mark.django_db


def test_demo_usage_is_the_same_on_every_load_and_the_owner_sees_its_trend():
    load_demo()
    first = sorted(DailyCount.objects.values_list("dataset__slug", "kind").annotate(n=Sum("count")))

    load_demo()
    owner = Client()
    owner.force_login(User.objects.get(email=email("data-cargo")))
    page = owner.get("/impact/datasets/data-cargo-zone-summaries/?period=all")

    assert (
        sorted(DailyCount.objects.values_list("dataset__slug", "kind").annotate(n=Sum("count")))
        == first
    )
    assert {slug for slug, _kind, _n in first} == {
        "data-cargo-zone-summaries",
        "buenos-aires-labour-market-by-sex",
        "packaging-reuse-events",
        "data-cargo-sensors",
    }
    assert page.status_code == 200
    assert page.context["usage"].readers > 10
    assert len(page.context["charts"][0].rows) == 7  # six months and the current one
    # The challenge's entries add their own stories (tests/challenges/test_demo_challenge.py).
    stories = ImpactStory.objects.exclude(link__contains="/challenges/")
    assert sorted(stories.values_list("status", flat=True)) == [
        "pending",
        "published",
        "published",
        "published",
    ]
