from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “nightly sensor upload”: it helps you revoke it."),
    )


def _limit(label: Any) -> forms.IntegerField:  # a lazy translation
    return forms.IntegerField(label=label, min_value=1, max_value=2_000_000_000)


class TiersForm(forms.Form):
    anonymous_per_minute = _limit(_("Anonymous: requests per minute"))
    anonymous_per_month = _limit(_("Anonymous: requests per month"))
    community_per_minute = _limit(_("Community: requests per minute"))
    community_per_month = _limit(_("Community: requests per month"))
    enterprise_per_minute = _limit(_("Enterprise: requests per minute"))
    enterprise_per_month = _limit(_("Enterprise: requests per month"))
    enterprise_price = forms.DecimalField(
        label=_("Enterprise: monthly price"),
        min_value=Decimal("0"),
        max_digits=10,
        decimal_places=2,
    )
    currency = forms.CharField(
        label=_("Currency"), max_length=3, min_length=3, initial="GBP", help_text=_("ISO 4217")
    )


class PlanForm(forms.Form):
    account = forms.CharField(
        label=_("Account"),
        max_length=254,
        help_text=_("A person's email address or an organisation's slug (as in its address)."),
    )
