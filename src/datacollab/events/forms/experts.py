"""The expert directory's search form: a search box and filters offered from the experts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from datacollab.events.selectors.experts import Directory


class ExpertSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.SearchInput(attrs={"placeholder": _("e.g. data trusts, GIS")}),
        help_text=_("Every word must appear in the expert's name, expertise, profile or topics."),
    )
    country = forms.ChoiceField(label=_("Works in"), required=False)
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    # Translators: filter of the expert directory: experts who work in this language.
    language = forms.ChoiceField(label=_("Speaks"), required=False)

    def __init__(self, *args: Any, directory: Directory, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        anything: list[tuple[str, Any]] = [("", _("Any"))]
        offered: dict[str, list[tuple[str, Any]]] = {
            "country": list(directory.countries),
            "topic": [(x, x) for x in directory.topics],
            "language": list(directory.languages),
        }
        for name, choices in offered.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = anything + choices
