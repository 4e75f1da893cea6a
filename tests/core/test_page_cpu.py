"""Per-process caches that cut the CPU of the load bench's pages (issue 15): each keeps what
depends on its key alone, and shows exactly what the uncached code showed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import models
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import translation

from datacollab.core import choice_labels, localise
from datacollab.core import markdown as md
from datacollab.learnings.models import Visibility
from datacollab.organisations.models import Organisation
from tests.factories import make_cohort, make_org
from tests.factories_learnings import make_learning

BODY = (
    "# Why\n\nFirms share **zone** counts & <b>not</b> trips: see [the note](https://example.org)."
)


def test_money_parses_each_locale_once_for_many_amounts():
    localise._locale.cache_clear()

    shown = [localise.format_money(Decimal(n), "EUR", "fr") for n in range(1, 101)]

    assert shown[99] == "100,00\u00a0€"
    assert localise._locale.cache_info().misses == 1


def test_money_unknown_language_falls_back_to_british_english():
    assert localise.format_money(Decimal("1234.5"), "GBP", "xx-yy") == "£1,234.50"


def test_number_unknown_language_falls_back_to_british_english():
    assert localise.format_number(Decimal("1234.5"), "xx-yy") == "1,234.5"


def test_money_same_amount_different_exponent_formats_alike():
    assert localise.format_money("20000", "GBP", "en-gb") == "£20,000.00"
    assert localise.format_money(Decimal("20000.00"), "GBP", "en-gb") == "£20,000.00"


def test_markdown_excerpt_equals_the_filter_chain_it_replaces():
    chain = Template("{% load datacollab %}{{ t|markdown|striptags|truncatewords:6 }}")
    excerpt = Template("{% load datacollab %}{{ t|markdown_excerpt:6 }}")

    context = Context({"t": BODY})

    assert excerpt.render(context) == chain.render(context)
    assert excerpt.render(Context({"t": None})) == chain.render(Context({"t": ""}))


@pytest.mark.django_db
def test_learning_list_renders_markdown_once_for_two_views(client: Client):
    cohort = make_cohort()
    for n in range(3):
        make_learning(cohort=cohort, visibility=Visibility.PUBLIC, body=f"{BODY} {n}")
    url = reverse("learning-list")
    md._rendered.cache_clear()
    md.markdown_excerpt.cache_clear()

    first = client.get(url)
    misses = md._rendered.cache_info().misses
    second = client.get(url)

    assert first.status_code == second.status_code == 200
    card = b"Why Firms share zone counts &amp; &lt;b&gt;not&lt;/b&gt; trips"
    assert second.content.count(card) == 3
    assert misses == 3
    assert md._rendered.cache_info().misses == 3


@pytest.mark.django_db
def test_choice_labels_built_once_per_field_and_language_for_many_rows():
    orgs = [make_org(kind="company"), make_org(kind="government"), make_org(kind="company")]
    choice_labels.labels.cache_clear()

    with translation.override("en-gb"):
        english = [org.get_kind_display() for org in orgs * 20]
    with translation.override("fr"):
        french = orgs[0].get_kind_display()

    assert english[:3] == ["Company", "Government", "Company"]
    assert isinstance(french, str)
    assert choice_labels.labels.cache_info().misses == 2


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en-gb", "fr", "es"])
def test_choice_labels_match_djangos_own(language):
    org = make_org()
    field = Organisation._meta.get_field("kind")

    with translation.override(language):
        for value, _label in field.flatchoices:
            org.kind = value
            assert org.get_kind_display() == models.Model._get_FIELD_display(org, field)


@pytest.mark.django_db
def test_choice_label_of_an_unknown_value_is_the_value():
    org = make_org(kind="company")
    org.kind = "no-such-kind"

    assert org.get_kind_display() == "no-such-kind"
