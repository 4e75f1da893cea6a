"""Issue 14: money, numbers and dates in the reader's locale. Money by CLDR (Babel), dates
and month names by Django's own locale data, both following the active language."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import translation

from datacollab.core.localise import format_money, format_number
from tests import factories
from tests.network.factories_obligations import make_award

NNBSP, NBSP = "\u202f", "\xa0"  # CLDR's narrow and ordinary no-break spaces


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en-gb", "£20,000.00"),
        ("es", f"20.000,00{NBSP}GBP"),
        ("fr", f"20{NNBSP}000,00{NBSP}£GB"),
        ("pt", f"£{NBSP}20.000,00"),
    ],
)
def test_format_money_gbp_per_locale(language, expected):
    assert format_money(Decimal("20000"), "GBP", language) == expected


def test_format_money_follows_the_active_language():
    with translation.override("fr"):
        assert format_money(Decimal("1234.5"), "EUR") == f"1{NNBSP}234,50{NBSP}€"


def test_format_money_uses_the_currencys_own_decimals():
    assert format_money(Decimal("150000"), "XOF", "fr") == f"150{NNBSP}000{NBSP}F{NNBSP}CFA"


def test_format_money_of_nothing_is_empty():
    assert (format_money(None, "GBP"), format_money("", "GBP")) == ("", "")


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en-gb", "12,345.5"), ("es", "12.345,5"), ("fr", f"12{NNBSP}345,5"), ("pt", "12.345,5")],
)
def test_format_number_per_locale(language, expected):
    assert format_number(Decimal("12345.5"), language) == expected


def test_money_and_number_filters_render_in_the_active_language():
    template = Template('{% load datacollab %}{{ amount|money:"GBP" }} / {{ calls|number }}')
    with translation.override("es"):
        rendered = template.render(Context({"amount": Decimal("1500"), "calls": 25000}))
    assert rendered == f"1.500,00{NBSP}GBP / 25.000"


def test_date_filter_month_names_follow_the_readers_language():
    template = Template('{{ day|date:"j F Y" }} | {{ day|date:"DATE_FORMAT" }}')
    with translation.override("es"):
        assert template.render(Context({"day": date(2027, 1, 5)})) == (
            "5 enero 2027 | 5 de enero de 2027"
        )
    with translation.override("en-gb"):
        assert template.render(Context({"day": date(2027, 1, 5)})) == (
            "5 January 2027 | 5 January 2027"
        )


@pytest.mark.django_db
def test_cohort_page_shows_awards_in_the_visitors_locale(convener):
    cohort = factories.make_cohort(name="First")
    org = factories.make_org(name="Alpha")
    from datacollab.network.models import CohortMembership

    CohortMembership.objects.create(cohort=cohort, organisation=org)
    make_award(actor=convener, cohort=cohort, organisation=org, amount="15000.00")
    url = reverse("cohort-detail", args=[cohort.slug])

    english = Client().get(url).content.decode()
    french = Client(headers={"accept-language": "fr"}).get(url).content.decode()

    assert "<dd>£15,000.00</dd>" in english
    assert f"<dd>15{NNBSP}000,00{NBSP}£GB</dd>" in french
