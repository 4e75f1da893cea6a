"""Forms for the convener's set-up pages. They parse input; services/setup*.py decide."""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from datacollab.core.content_language import reader_language, site_languages
from datacollab.core.language_widgets import ContentLanguageSelect
from datacollab.network.models import (
    Call,
    Cohort,
    CriterionKind,
    Question,
    QuestionKind,
    QuestionStage,
    Recommendation,
)
from datacollab.network.selectors.applications import zone_of
from datacollab.organisations.models import Organisation
from datacollab.organisations.models.organisation import OrganisationKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
LOCAL_TIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


class CohortForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    focus = forms.CharField(
        label=_("Focus"), max_length=200, help_text=_("e.g. early-stage data collaborations")
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Markdown."),
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)
    capacity = forms.IntegerField(
        label=_("Capacity"), min_value=1, help_text=_("The most organisations it takes.")
    )
    budget = forms.DecimalField(label=_("Total budget"), min_value=0, decimal_places=2)
    award_cap = forms.DecimalField(
        label=_("Cap per award"), min_value=0, decimal_places=2, initial=Decimal("20000")
    )
    currency = forms.CharField(
        label=_("Currency"),
        max_length=3,
        initial="GBP",
        help_text=_("ISO 4217 code, e.g. GBP."),
    )
    network_name = forms.CharField(
        label=_("Name of your network"),
        max_length=200,
        required=False,
        help_text=_("There is no network yet; this cohort will be the first of it."),
    )

    def __init__(
        self, *args: Any, cohort: Cohort | None = None, needs_network: bool = False, **kwargs: Any
    ) -> None:
        if cohort is not None:
            kwargs.setdefault(
                "initial",
                {n: getattr(cohort, n) for n in self.base_fields if n != "network_name"},
            )
        super().__init__(*args, **kwargs)
        if not needs_network:
            del self.fields["network_name"]

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("network_name", None)
        return data


class CallForm(forms.Form):
    """A call's details. Times are typed, and shown, in the call's own time zone.

    Extend it by adding a field and naming it in `SERVICE_FIELDS` (the service takes the same
    keyword)."""

    SERVICE_FIELDS = (
        "title",
        "summary",
        "description",
        "opens_at",
        "deadline",
        "eoi_deadline",
        "timezone",
        "reviews_per_application",
        "review_deadline",
        "blind_review",
        "language",
    )

    cohort = forms.ModelChoiceField(
        label=_("Cohort"), queryset=Cohort.objects.order_by("-starts_on"), to_field_name="slug"
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary"), max_length=300, required=False)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown."),
    )
    timezone = forms.ChoiceField(
        label=_("Time zone of the call"),
        initial="Europe/London",
        help_text=_("Every time of the call is typed and shown in this zone."),
    )
    opens_at = forms.DateTimeField(label=_("Opens at"), widget=LOCAL_TIME)
    eoi_deadline = forms.DateTimeField(
        label=_("Expressions of interest close at"),
        widget=LOCAL_TIME,
        required=False,
        help_text=_(
            "Optional. Set it for a two-stage call: a short expression of interest first, "
            "then full proposals from the organisations you invite."
        ),
    )
    deadline = forms.DateTimeField(label=_("Deadline"), widget=LOCAL_TIME)
    reviews_per_application = forms.IntegerField(
        label=_("Reviews per application"), min_value=1, max_value=10, initial=3
    )
    review_deadline = forms.DateTimeField(
        label=_("Review deadline"),
        widget=LOCAL_TIME,
        required=False,
        help_text=_("Optional. Reviewers see it, and reminders count down to it."),
    )
    blind_review = forms.BooleanField(
        label=_("Blind review"),
        required=False,
        help_text=_(
            "Reviewers do not see the applicant's organisation, its people or its file names."
        ),
    )
    # Not required: a form sent without it keeps the call's language (or the site's default).
    language = forms.ChoiceField(
        label=_("Written in"),
        required=False,
        help_text=_(
            "The language of the title, texts and questions above. Add other languages on "
            "the call's Translations page."
        ),
    )

    def __init__(self, *args: Any, call: Call | None = None, **kwargs: Any) -> None:
        if call is not None:
            zone = zone_of(call.timezone)

            def local(moment: datetime | None) -> datetime | None:
                return timezone.localtime(moment, zone).replace(tzinfo=None) if moment else None

            kwargs.setdefault(
                "initial",
                {
                    "title": call.title,
                    "summary": call.summary,
                    "description": call.description,
                    "timezone": call.timezone,
                    "opens_at": local(call.opens_at),
                    "eoi_deadline": local(call.eoi_deadline),
                    "deadline": local(call.deadline),
                    "reviews_per_application": call.reviews_per_application,
                    "review_deadline": local(call.review_deadline),
                    "blind_review": call.blind_review,
                    "language": call.language,
                },
            )
        super().__init__(*args, **kwargs)
        zones = self.fields["timezone"]
        assert isinstance(zones, forms.ChoiceField)
        zones.choices = [(z, z) for z in sorted(zoneinfo.available_timezones())]
        languages = self.fields["language"]
        assert isinstance(languages, forms.ChoiceField)
        languages.choices = site_languages()
        languages.initial = reader_language()
        if call is not None:
            del self.fields["cohort"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        name = cleaned.get("timezone")
        if name:
            # The fields read the times in the server's zone; the convener typed the call's.
            zone = zone_of(name)
            for field in ("opens_at", "deadline", "eoi_deadline", "review_deadline"):
                value = cleaned.get(field)
                if value is not None:
                    naive = timezone.make_naive(value, timezone.get_current_timezone())
                    cleaned[field] = timezone.make_aware(naive, zone)
        return cleaned

    def service_kwargs(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.SERVICE_FIELDS}


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=QuestionKind.choices)
    label = forms.CharField(label=_("Question"), max_length=300)
    help_text = forms.CharField(label=_("Help text"), max_length=500, required=False)
    required = forms.BooleanField(label=_("Required"), required=False, initial=True)
    stage = forms.ChoiceField(
        label=_("Stage"),
        choices=QuestionStage.choices,
        initial=QuestionStage.FULL,
        help_text=_("Expression-of-interest questions are asked first; the rest on invitation."),
    )
    choices = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For choice questions: one option per line."),
    )
    max_words = forms.IntegerField(
        label=_("Word limit"), min_value=1, required=False, help_text=_("For text questions.")
    )
    # The columns' size (14 digits): a longer number is refused here rather than by the database.
    min_value = forms.DecimalField(
        label=_("Smallest number"), required=False, max_digits=14, decimal_places=2
    )
    max_value = forms.DecimalField(
        label=_("Largest number"), required=False, max_digits=14, decimal_places=2
    )
    # The service's limit (1 GB, setup_builders.MAX_FILE_BYTES) in the form's unit, so a
    # refusal shows under this field.
    max_file_kb = forms.IntegerField(
        label=_("Largest file (kB)"), min_value=1, max_value=1024**2, initial=5120, required=False
    )
    allowed_extensions = forms.CharField(
        label=_("File types"),
        required=False,
        help_text=_("For file questions: extensions separated by commas, e.g. pdf, docx."),
    )

    def __init__(
        self, *args: Any, call: Call, question: Question | None = None, **kwargs: Any
    ) -> None:
        if question is not None:
            kwargs.setdefault(
                "initial",
                {
                    "kind": question.kind,
                    "label": question.label,
                    "help_text": question.help_text,
                    "required": question.required,
                    "stage": question.stage,
                    "choices": "\n".join(str(c) for c in question.choices or []),
                    "max_words": question.max_words,
                    "min_value": question.min_value,
                    "max_value": question.max_value,
                    "max_file_kb": question.max_file_bytes // 1024,
                    "allowed_extensions": ", ".join(question.allowed_extensions or []),
                },
            )
        super().__init__(*args, **kwargs)
        if call.eoi_deadline is None:
            del self.fields["stage"]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "label": data["label"],
            "help_text": data["help_text"],
            "required": data["required"],
            "stage": data.get("stage") or QuestionStage.FULL,
            "choices": [line.strip() for line in data["choices"].splitlines() if line.strip()],
            "max_words": data["max_words"],
            "min_value": data["min_value"],
            "max_value": data["max_value"],
            "max_file_bytes": (data["max_file_kb"] or 5120) * 1024,
            "allowed_extensions": _lines(data["allowed_extensions"]),
        }


class CriterionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Rule"), choices=CriterionKind.choices)
    question = forms.ModelChoiceField(
        label=_("Question"),
        queryset=Question.objects.none(),
        required=False,
        widget=ContentLanguageSelect,
        help_text=_("For rules on an answer."),
    )
    org_kinds = forms.MultipleChoiceField(
        label=_("Organisation kinds"),
        choices=OrganisationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For the organisation-kind rule."),
    )
    values = forms.CharField(
        label=_("Values"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Country codes (e.g. KE, IN), accepted answers, a minimum or a maximum amount; "
            "one per line or separated by commas."
        ),
    )
    description = forms.CharField(
        label=_("What applicants read"),
        max_length=300,
        required=False,
        help_text=_("Leave empty to describe the rule in its own words."),
    )

    def __init__(self, *args: Any, call: Call, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        question = self.fields["question"]
        assert isinstance(question, forms.ModelChoiceField)
        question.queryset = (
            Question.objects.filter(call=call).select_related("call").order_by("position", "id")
        )

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        values = data["org_kinds"] if data["kind"] == CriterionKind.ORG_KIND_IN else []
        return {
            "kind": data["kind"],
            "question": data["question"],
            "values": values or _lines(data["values"]),
            "description": data["description"],
        }


class RubricForm(forms.Form):
    name = forms.CharField(label=_("Criterion"), max_length=120)
    description = forms.CharField(label=_("Guidance for reviewers"), max_length=500, required=False)
    weight = forms.DecimalField(
        label=_("Weight"), min_value=Decimal("0.01"), decimal_places=2, initial=Decimal(1)
    )


class ScoreScaleForm(forms.Form):
    """The range reviewers score on; its bounds are checked in services/score_scale.py."""

    score_min = forms.IntegerField(label=_("Lowest score"), min_value=0, max_value=10)
    score_max = forms.IntegerField(label=_("Highest score"), min_value=0, max_value=10)
    min_label = forms.CharField(
        label=_("Label of the lowest score"),
        max_length=40,
        required=False,
        help_text=_("e.g. poor"),
    )
    max_label = forms.CharField(
        label=_("Label of the highest score"),
        max_length=40,
        required=False,
        help_text=_("e.g. excellent"),
    )

    def __init__(self, *args: Any, call: Call, fixed: bool, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "score_min": call.score_min,
                "score_max": call.score_max,
                "min_label": call.score_min_label,
                "max_label": call.score_max_label,
            },
        )
        super().__init__(*args, **kwargs)
        # Once scored, the range shows but does not submit: only the labels may change.
        if fixed:
            self.fields["score_min"].disabled = True
            self.fields["score_max"].disabled = True


class ApproachForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.order_by("name"),
        to_field_name="slug",
    )
    contact_email = forms.EmailField(label=_("Invitation goes to"))
    message = forms.CharField(
        label=_("Message"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why you would like them in the cohort."),
    )


class InterviewForm(forms.Form):
    title = forms.CharField(label=_("Project title"), max_length=200)
    notes = forms.CharField(label=_("Interview notes"), widget=forms.Textarea(attrs={"rows": 8}))
    recommendation = forms.ChoiceField(
        label=_("Recommendation"), choices=Recommendation.choices, widget=forms.RadioSelect
    )
    requested_amount = forms.DecimalField(
        label=_("Amount to award"), min_value=Decimal("0.01"), decimal_places=2
    )
