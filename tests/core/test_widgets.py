"""The quick selects write exactly Django's select HTML, without a template per option."""

from __future__ import annotations

import pytest
from django import forms
from django.utils import translation

from datacollab.core.content_language import reader_language
from datacollab.core.language_widgets import ContentLanguageSelect
from datacollab.core.widgets import QuickSelect, QuickSelectMultiple
from datacollab.network.models import Application
from tests.factories import make_application, make_call, make_user

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


class _DjangoContentLanguageSelect(forms.Select):
    """ContentLanguageSelect as it was: Django's select templates, an include per option."""

    def create_option(self, *args, **kwargs):
        option = super().create_option(*args, **kwargs)
        code = getattr(getattr(option["value"], "instance", None), "language", "")
        if code and code != reader_language():
            option["attrs"]["lang"] = code
        return option


def _application_form(widget: type[forms.Select], call, data=None) -> forms.Form:
    class Choose(forms.Form):
        x = forms.ModelChoiceField(
            queryset=Application.objects.filter(call=call).order_by("pk"),
            widget=widget,
            empty_label="Choose <one>",
        )

    return Choose(data)


@pytest.mark.django_db
@pytest.mark.parametrize("reader", ["en-gb", "es"])
@pytest.mark.parametrize("chosen", [None, "first", "nope"])
def test_content_language_select_writes_what_djangos_select_wrote(reader, chosen):
    call = make_call()
    first = make_application(call=call, title="Bus & <stops>", language="es")
    make_application(call=call, title="Zone counts", language="en-gb")
    data = {"x": str(first.pk) if chosen == "first" else chosen} if chosen else None
    forms_ = [
        _application_form(w, call, data)
        for w in (ContentLanguageSelect, _DjangoContentLanguageSelect)
    ]
    with translation.override(reader):
        for form in forms_:
            form.is_valid()
        quick, django = (str(form["x"]) for form in forms_)

    assert quick == django
    assert ('lang="es"' in quick, 'lang="en-gb"' in quick) == (reader == "en-gb", reader == "es")


@pytest.mark.django_db
def test_call_assignments_page_renders_no_template_per_option(convener, login):
    # Its two application selects (add a reviewer, record a conflict) and two reviewer selects
    # rendered select_option.html per option: about a third of the page's CPU.
    call = make_call()
    for n in range(5):
        make_application(call=call, title=f"Application {n}")
    make_user(roles=["reviewer"])

    response = login(convener).get(f"/convener/calls/{call.slug}/assignments/")
    rendered = [t.name for t in response.templates]

    assert (response.status_code, rendered.count("django/forms/widgets/select_option.html")) == (
        200,
        0,
    )
