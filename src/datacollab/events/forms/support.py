"""Forms of the 1:1 support pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from datacollab.events.forms.fields import WallClockField, ZonedTimesMixin, zone_choices
from datacollab.network.models import Cohort


class SlotForm(ZonedTimesMixin, forms.Form):
    starts_at = WallClockField(label=_("Starts at"))
    ends_at = WallClockField(label=_("Ends at"))
    time_zone = forms.ChoiceField(label=_("Time zone of these times"), choices=zone_choices)
    topic = forms.CharField(
        label=_("Expertise offered"),
        max_length=200,
        required=False,
        help_text=_("e.g. data licensing, governance models, funding."),
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    video_url = forms.URLField(
        label=_("Video link"), required=False, assume_scheme="https", max_length=200
    )
    cohort = forms.ModelChoiceField(
        label=_("Only for the cohort"),
        queryset=Cohort.objects.order_by("-starts_on"),
        to_field_name="slug",
        required=False,
        empty_label=_("Any current participant"),
    )


class BookForm(forms.Form):
    question = forms.CharField(
        label=_("What would you like help with?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The expert sees this before you meet."),
    )
