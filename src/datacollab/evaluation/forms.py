from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from datacollab.evaluation.models import SurveyQuestion
from datacollab.evaluation.models.survey import SURVEY_KINDS
from datacollab.network.forms.applications import question_field

RATINGS = [
    (5, _("5 — very useful")),
    (4, _("4")),
    (3, _("3")),
    (2, _("2")),
    (1, _("1 — not useful")),
]


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How useful was the session?"),
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
    )
    useful = forms.CharField(
        label=_("What was useful?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    change = forms.CharField(
        label=_("What should change?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class SurveyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    introduction = forms.CharField(
        label=_("Introduction"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SurveyQuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[(k.value, k.label) for k in SURVEY_KINDS])
    label = forms.CharField(label=_("Question"), max_length=300)
    help_text = forms.CharField(label=_("Help"), max_length=500, required=False)
    required = forms.BooleanField(label=_("Required"), required=False, initial=True)
    choices = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For choice questions: one option per line."),
    )
    max_words = forms.IntegerField(label=_("Word limit"), required=False, min_value=1)
    min_value = forms.DecimalField(label=_("Smallest number"), required=False)
    max_value = forms.DecimalField(label=_("Largest number"), required=False)

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["choices"] = [line for line in data.get("choices", "").splitlines() if line.strip()]
        return data


class AnswerForm(forms.Form):
    """One field per survey question, built with the call's own field builder."""

    def __init__(self, *args: Any, questions: list[SurveyQuestion], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            field = question_field(question)  # type: ignore[arg-type]
            field.required = question.required
            self.fields[f"q_{question.pk}"] = field

    def answers(self) -> dict[int, Any]:
        result: dict[int, Any] = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"q_{question.pk}")
            if isinstance(value, Decimal):
                value = int(value) if value == value.to_integral_value() else float(value)
            result[question.pk] = value
        return result
