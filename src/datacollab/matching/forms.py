"""Forms of the peer-matching pages: they parse input, services decide."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_PAIR = re.compile(r"^(\d{1,18})-(\d{1,18})$")
DURATIONS = [(30, _("30 minutes")), (45, _("45 minutes")), (60, _("1 hour")), (90, _("90 minutes"))]


class SuggestionOptions(forms.Form):
    favour_other_regions = forms.BooleanField(
        label=_("Favour organisations in other regions"),
        required=False,
        help_text=_("Ranks close peers from another UN region a little higher."),
    )


class PairsField(forms.Field):
    """Checked pairs, each sent as "<organisation id>-<organisation id>"."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": _("Choose at least one pair to meet."),
        "invalid": _("A chosen pair could not be read: reload the page and choose again."),
    }

    def to_python(self, value: Any) -> list[tuple[int, int]]:
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        pairs: list[tuple[int, int]] = []
        for item in values:
            match = _PAIR.match(str(item))
            if match is None:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            pair = (int(match[1]), int(match[2]))
            if pair not in pairs:
                pairs.append(pair)
        return pairs


class PairSessionsForm(forms.Form):
    pair = PairsField(label=_("Pairs"))
    starts_at = forms.DateTimeField(
        label=_("Starts at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("In your own time zone; every pair meets at the same time."),
    )
    minutes = forms.TypedChoiceField(label=_("Length"), choices=DURATIONS, coerce=int, initial=45)
    video_url = forms.URLField(
        label=_("Video link"), required=False, max_length=200, assume_scheme="https"
    )
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
