from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(
        label=_("Your email"),
        help_text=_("We mail you a link to confirm it; it is never shown on the site."),
    )
    organisation = forms.CharField(
        label=_("Organisation (optional)"), max_length=200, required=False
    )


class PublicListingForm(forms.Form):
    public = forms.BooleanField(
        label=_("Show on the public timetable and open registration"), required=False
    )
    capacity = forms.IntegerField(
        label=_("Places"),
        min_value=1,
        required=False,
        help_text=_("Leave empty for no limit."),
    )
