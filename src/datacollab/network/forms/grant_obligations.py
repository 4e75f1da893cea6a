"""Forms for grant agreements and progress reports: they parse input, services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class SignForm(forms.Form):
    text_hash = forms.CharField(widget=forms.HiddenInput, max_length=64)
    confirm = forms.BooleanField(
        label=_(
            "I am entitled to sign for my organisation and accept this agreement on its behalf."
        ),
    )


class AgreementTemplateForm(forms.Form):
    output = forms.CharField(
        label=_("Output the grantees contribute to"),
        max_length=300,
        help_text=_("e.g. an ODI and Microsoft report on what the cohort learnt"),
    )
    text = forms.CharField(
        label=_("Agreement text"),
        widget=forms.Textarea(attrs={"rows": 24}),
        help_text=_("Markdown. Placeholders are filled in for each award."),
    )


class SubmitReportForm(forms.Form):
    body = forms.CharField(
        label=_("Report"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Markdown: what you did, what you learnt, what comes next."),
    )
    attachments = MultipleFileField(
        label=_("Files"),
        required=False,
        # The number is services.grant_reports.MAX_FILES.
        help_text=_("Up to 5 files: PDF, images, office documents, CSV, text."),
    )


class DecideReportForm(forms.Form):
    move = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("request_changes", _("Ask for changes"))]
    )
    note = forms.CharField(
        label=_("Note to the grantee"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when asking for changes."),
    )


class NewReportForm(forms.Form):
    ALL = "all"

    award = forms.ChoiceField(label=_("For"))
    title = forms.CharField(label=_("Title"), max_length=200)
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}))
    expected = forms.CharField(
        label=_("What is expected"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, awards: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        award = self.fields["award"]
        assert isinstance(award, forms.ChoiceField)
        award.choices = [(self.ALL, _("Every award of the cohort"))] + [
            (str(a.pk), f"{a.organisation.name}: {a.title}") for a in awards
        ]


class TieInstalmentForm(forms.Form):
    report = forms.IntegerField(required=False)
