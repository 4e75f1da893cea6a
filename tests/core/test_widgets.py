"""The quick selects write exactly Django's select HTML, without a template per option."""

from __future__ import annotations

import pytest
from django import forms

from datacollab.core.widgets import QuickSelect, QuickSelectMultiple
from tests.factories import make_user

CHOICES = [
    ("", "— none —"),
    ("a&b", 'Quotes " and <tags>'),
    ("Europe", [("Europe/Oslo", "Oslo"), ("Europe/London", "London")]),
    (7, "Seven"),
]


class Both(forms.Form):
    django = forms.ChoiceField(choices=CHOICES, required=False)
    quick = forms.ChoiceField(choices=CHOICES, required=False, widget=QuickSelect)
    django_many = forms.MultipleChoiceField(
        choices=CHOICES, required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    quick_many = forms.MultipleChoiceField(
        choices=CHOICES, required=False, widget=QuickSelectMultiple(attrs={"size": 6})
    )


def _html(form: Both, name: str) -> str:
    # The same field name on both sides, so only the writing differs.
    return str(form[name]).replace(f'name="{name}"', 'name="x"').replace(f"id_{name}", "id_x")


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"django": "Europe/Oslo", "quick": "Europe/Oslo"},
        {"django": "nope", "quick": "nope"},  # invalid: shown with aria-invalid and an error
    ],
)
def test_quick_select_writes_what_django_select_writes(data):
    form = Both(data)
    form.is_valid()
    assert _html(form, "quick") == _html(form, "django")


@pytest.mark.parametrize(
    "data",
    [None, {"django_many": ["a&b", "7"], "quick_many": ["a&b", "7"]}],
)
def test_quick_select_multiple_writes_what_django_select_multiple_writes(data):
    form = Both(data)
    form.is_valid()
    assert _html(form, "quick_many") == _html(form, "django_many")


@pytest.mark.django_db
def test_profile_page_renders_no_template_per_option(login):
    # Was 1,172 option templates (time zones, countries, languages): the slowest page of
    # bench/load.py.
    response = login(make_user()).get("/accounts/profile/")
    rendered = [t.name for t in response.templates]
    assert (response.status_code, rendered.count("django/forms/widgets/select_option.html")) == (
        200,
        5,  # the language select: a short list keeps Django's widget
    )
