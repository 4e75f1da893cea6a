"""The demo's open call and a learning read in Spanish, French and Portuguese (issue 14)."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from datacollab.core.content_language import outdated_fields
from datacollab.demo import content
from datacollab.demo.builder import load_demo
from datacollab.demo.network_translations import COHORTS, NETWORK
from datacollab.demo.translations import CALL, LEARNING, LEARNING_SLUG, QUESTIONS
from datacollab.learnings.models import Learning
from datacollab.network.models import Call, Cohort, Network

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime(2026, 12, 6, 9, 0))


def test_demo_call_and_learning_read_in_each_language():
    load_demo(now=NOW)
    call = Call.objects.get(slug=content.THIRD_CALL_SLUG)
    learning = Learning.objects.get(slug=LEARNING_SLUG)

    shown = {}
    for code in ("es", "fr", "pt"):
        client = Client(headers={"accept-language": code})
        call_page = client.get(reverse("call-detail", args=[call.slug])).content.decode()
        learning_page = client.get(
            reverse("learning-detail", args=[learning.slug])
        ).content.decode()
        shown[code] = (
            escape(CALL[code]["title"]) in call_page,
            escape(LEARNING[code]["title"]) in learning_page,
        )

    assert shown == {"es": (True, True), "fr": (True, True), "pt": (True, True)}
    # Every question has its three versions, none of them outdated.
    questions = list(call.questions.all())
    assert [sorted(q.translations) for q in questions] == [["es", "fr", "pt"]] * len(
        QUESTIONS["es"]
    )
    assert [outdated_fields(call, code) for code in ("es", "fr", "pt")] == [[], [], []]


def test_demo_home_and_cohort_pages_read_in_each_language():
    load_demo(now=NOW)
    network = Network.objects.get(slug=content.NETWORK_SLUG)
    third = Cohort.objects.get(slug=content.THIRD_SLUG)

    shown = {}
    for code in ("es", "fr", "pt"):
        client = Client(headers={"accept-language": code})
        home = client.get(reverse("home")).content.decode()
        cohort_page = client.get(reverse("cohort-detail", args=[third.slug])).content.decode()
        shown[code] = (
            f"<h1>{escape(NETWORK[code]['name'])}</h1>" in home,
            '<div class="intro"><p>' in home and 'class="intro" lang=' not in home,
            f"<dd>{escape(COHORTS[third.slug][code]['focus'])}</dd>" in cohort_page,
        )

    assert shown == {code: (True, True, True) for code in ("es", "fr", "pt")}
    cohorts = Cohort.objects.filter(slug__in=list(COHORTS)).order_by("slug")
    assert [sorted(c.translations) for c in cohorts] == [["es", "fr", "pt"]] * 3
    assert [outdated_fields(network, code) for code in ("es", "fr", "pt")] == [[], [], []]
