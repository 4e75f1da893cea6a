from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from datacollab.challenges.models import Challenge, ChallengeCriterion
from datacollab.datasets.models import Dataset
from datacollab.datasets.models.dataset import Spectrum
from datacollab.network.models.call import SCORE_BOUND


class ChallengeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary"), max_length=300, required=False)
    rules_text = forms.CharField(
        label=_("Rules (Markdown)"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    prizes = forms.CharField(
        label=_("Prizes (Markdown)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    opens_at = forms.DateTimeField(
        label=_("Opens at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    deadline = forms.DateTimeField(
        label=_("Submission deadline"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    results_at = forms.DateTimeField(
        label=_("Results date"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    datasets = forms.ModelMultipleChoiceField(
        label=_("Open datasets"),
        queryset=Dataset.objects.filter(spectrum=Spectrum.OPEN).order_by("title"),
        widget=forms.CheckboxSelectMultiple,
    )
    score_min = forms.IntegerField(label=_("Lowest score"), min_value=0, max_value=SCORE_BOUND)
    score_max = forms.IntegerField(label=_("Highest score"), min_value=0, max_value=SCORE_BOUND)
    judges_per_submission = forms.IntegerField(
        label=_("Judges per submission"), min_value=1, max_value=10, initial=2
    )


class CriterionForm(forms.Form):
    name = forms.CharField(label=_("Criterion"), max_length=200)
    description = forms.CharField(label=_("Description"), max_length=500, required=False)
    weight = forms.DecimalField(label=_("Weight"), max_digits=5, decimal_places=2, initial=1)


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Team name"), max_length=120)
    members = forms.CharField(
        label=_("Other members"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Their account e-mail addresses, one a line; leave empty to enter alone."),
    )

    def clean_members(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["members"].split() if line.strip()]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [] if data in (None, "") else [super().clean(data, initial)]


class SubmissionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"), max_length=3000, widget=forms.Textarea(attrs={"rows": 6})
    )
    link = forms.CharField(
        label=_("Link"),
        max_length=500,
        required=False,
        help_text=_("http:// or https:// only"),
    )
    datasets = forms.ModelMultipleChoiceField(
        label=_("Datasets you used"),
        queryset=Dataset.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    attachments = MultipleFileField(label=_("Files (optional)"), required=False)

    def __init__(self, *args: Any, challenge: Challenge, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["datasets"].queryset = challenge.datasets.order_by("title")  # type: ignore[attr-defined]


class ConflictForm(forms.Form):
    reason = forms.CharField(label=_("Why you cannot judge this team fairly"), max_length=300)


class JudgeForm(forms.Form):
    email = forms.EmailField(label=_("Judge's account e-mail"))


class ScoreForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment for the convener"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, *args: Any, challenge: Challenge, criteria: list[ChallengeCriterion], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [(s, str(s)) for s in range(challenge.score_min, challenge.score_max + 1)]
        for criterion in criteria:
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=f"{criterion.name} (×{criterion.weight.normalize()})",
                help_text=criterion.description,
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect,
            )

    def scores(self) -> dict[int, int]:
        return {
            int(name.removeprefix("score_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("score_")
        }
