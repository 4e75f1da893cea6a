"""The filter form of the owner's access log."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from datacollab.datasets.selectors.access_log import CHANNELS


def _channel_choices() -> list[tuple[str, Any]]:
    return [("", gettext_lazy("All channels")), *CHANNELS.items()]


class AccessLogFilterForm(forms.Form):
    who = forms.CharField(
        label=gettext_lazy("Person or organisation"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Part of an email address or of an organisation's name."),
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("Channel"), required=False, choices=_channel_choices
    )
    since = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(
        label=gettext_lazy("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Included."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end of the range is before its start."))
        return data
