"""The person's private diversity details, a form of its own on the profile page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from datacollab.core import country_names, working_languages
from datacollab.core.widgets import QuickSelectMultiple


class DiversityForm(forms.Form):
    residence_countries = forms.MultipleChoiceField(
        label=_("Countries you live in"),
        required=False,
        widget=QuickSelectMultiple(attrs={"size": 6}),
        help_text=_("Hold Ctrl (Cmd on a Mac) to choose several, or none."),
    )
    working_languages = forms.MultipleChoiceField(
        label=_("Languages you work in"),
        required=False,
        widget=QuickSelectMultiple(attrs={"size": 6}),
        help_text=_("Hold Ctrl (Cmd on a Mac) to choose several, or none."),
    )
    languages_note = forms.CharField(
        # Translators: languages missing from the list, written freely by the person.
        label=_("Other languages"),
        max_length=200,
        required=False,
        help_text=_("Any language the list lacks, in your own words."),
    )
    show_working_languages = forms.BooleanField(
        label=_(
            "Show the languages I work in on my profile, so people can find an expert or peer"
            " who speaks their language"
        ),
        required=False,
        help_text=_(
            "Off unless you tick it. Only the languages chosen above are shown: never where you"
            " live nor your other languages. Untick it to hide them again at once."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built per form, so the names follow the reader's language.
        self.fields["residence_countries"].choices = country_names.choices()  # type: ignore[attr-defined]
        self.fields["working_languages"].choices = working_languages.choices()  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(user: Any) -> dict[str, Any]:
        return {
            "residence_countries": user.residence_countries,
            "working_languages": user.working_languages,
            "languages_note": user.languages_note,
            "show_working_languages": user.show_working_languages,
        }
