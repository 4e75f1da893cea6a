"""The self-assessment form of the scorecard page: parses input, the service decides."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from datacollab.collaborations.models import Principle

SCORES = [(n, str(n)) for n in range(1, 6)]


class AssessmentForm(forms.Form):
    principle = forms.ChoiceField(choices=Principle.choices, widget=forms.HiddenInput)
    score = forms.TypedChoiceField(
        label=_("Your score (1 = not yet, 5 = fully)"), choices=SCORES, coerce=int
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you do, and what you plan, for this principle."),
    )
