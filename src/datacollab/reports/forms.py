"""Forms of the report pages (scorecard self-assessment, output report): parse input only."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from datacollab.collaborations.models import Principle
from datacollab.reports.models import ReportSection

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


class ReportForm(forms.Form):
    """The convener's edit form of a cohort's output report."""

    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=200,
        help_text=_("Leave empty for “The output of” and the cohort's name."),
    )
    introduction = forms.CharField(
        label=_("Introduction"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Markdown. What the cohort set out to do, and what it leaves behind."),
    )
    sections = forms.MultipleChoiceField(
        label=_("Sections to show"),
        required=False,
        choices=ReportSection.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Only published, public learnings appear, whatever you choose: the report is public."
        ),
    )


class PublishForm(forms.Form):
    """The confirmation of a publication: the revision number the convener saw."""

    revision = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
