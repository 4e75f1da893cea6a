"""Forms for applications. The answer form is built from the call's questions at run time."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from datacollab.collaborations.models import DataCollaboration
from datacollab.collaborations.selectors import collaborations_of
from datacollab.core.content_language import localized, reader_language, site_languages
from datacollab.core.errors import DomainError
from datacollab.core.localise import format_number
from datacollab.network.models import Answer, Application, Call, Question, QuestionKind
from datacollab.network.selectors.applications import zone_of
from datacollab.network.uploads import allowed_extensions, check_upload
from datacollab.organisations.models import Organisation

DEFAULT_SHORT_TEXT = 300


def field_name(question: Question) -> str:
    return f"q_{question.pk}"


def _number_to_json(value: Decimal) -> int | float:
    # JSON has no decimal type; integers stay exact, fractions become floats.
    return int(value) if value == value.to_integral_value() else float(value)


def _plain(value: Decimal | None) -> Decimal | None:
    # 2.00 -> 2, so limits read "at least 2" in messages, as the convener meant them.
    if value is None:
        return None
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def _question_field(question: Question) -> forms.Field:
    # In the reader's language where the convener translated it (core/content_language.py).
    label, help_text = localized(question, "label"), localized(question, "help_text")
    common: dict[str, Any] = {"label": label, "help_text": help_text, "required": False}
    if question.max_words:
        limit = _("At most %(n)d words.") % {"n": question.max_words}
        common["help_text"] = f"{help_text} {limit}".strip()
    kind = question.kind
    if kind == QuestionKind.SHORT_TEXT:
        return forms.CharField(max_length=question.max_length or DEFAULT_SHORT_TEXT, **common)
    if kind == QuestionKind.LONG_TEXT:
        return forms.CharField(
            max_length=question.max_length, widget=forms.Textarea(attrs={"rows": 6}), **common
        )
    if kind == QuestionKind.SINGLE_CHOICE:
        options = [(str(c), str(c)) for c in question.choices or []]
        return forms.ChoiceField(choices=options, widget=forms.RadioSelect, **common)
    if kind == QuestionKind.MULTIPLE_CHOICE:
        options = [(str(c), str(c)) for c in question.choices or []]
        return forms.MultipleChoiceField(
            choices=options, widget=forms.CheckboxSelectMultiple, **common
        )
    if kind == QuestionKind.NUMBER:
        return forms.DecimalField(
            min_value=_plain(question.min_value),
            max_value=_plain(question.max_value),
            max_digits=14,
            decimal_places=2,
            **common,
        )
    if kind == QuestionKind.URL:
        return forms.URLField(assume_scheme="https", **common)
    if kind == QuestionKind.FILE:
        accept = ",".join(f".{ext}" for ext in allowed_extensions(question))
        return forms.FileField(widget=forms.FileInput(attrs={"accept": accept}), **common)
    raise ValueError(f"unknown question kind {kind!r}")


# Shared with the end-of-cohort survey (evaluation), whose questions have the same fields.
question_field = _question_field


class ApplicationForm(forms.Form):
    """Title, summary, amount and one field per question.

    While the application is a draft nothing is required, so partial work can be saved.
    Once submitted it must stay complete: `enforce_required` makes required questions required
    (a file already uploaded counts as an answer).
    """

    title = forms.CharField(label=gettext_lazy("Project title"), max_length=200, required=False)
    summary = forms.CharField(
        label=gettext_lazy("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("Markdown: **bold**, lists, links."),
    )
    requested_amount = forms.DecimalField(
        label=gettext_lazy("Amount requested"),
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=2,
        required=False,
    )
    # Not required: a form sent without it keeps the application's language.
    language = forms.ChoiceField(
        label=gettext_lazy("Language of your answers"),
        required=False,
        help_text=gettext_lazy(
            "Answer in any of the network's languages: reviewers see which one you chose."
        ),
    )
    collaboration = forms.ModelChoiceField(
        label=gettext_lazy("Data collaboration"),
        queryset=DataCollaboration.objects.none(),
        to_field_name="slug",
        required=False,
        help_text=gettext_lazy("Optional: the data collaboration this application is for."),
    )

    def __init__(
        self,
        *args: Any,
        application: Application,
        questions: list[Question],
        answers: dict[int, Answer],
        **kwargs: Any,
    ) -> None:
        cohort = application.call.cohort
        initial = {
            "title": application.title,
            "summary": application.summary,
            "requested_amount": application.requested_amount or None,
            "collaboration": application.collaboration,
            "language": application.language or reader_language(),
        }
        for question in questions:
            answer = answers.get(question.pk)
            if answer is not None and question.kind != QuestionKind.FILE:
                initial[field_name(question)] = answer.value
        kwargs.setdefault("initial", initial)
        # Labels end in "*" for required questions; a colon after it reads badly.
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.stored = answers
        # Only collaborations the applying organisation belongs to; the service checks it too.
        collaboration = self.fields["collaboration"]
        assert isinstance(collaboration, forms.ModelChoiceField)
        collaboration.queryset = collaborations_of(application.organisation)
        languages = self.fields["language"]
        assert isinstance(languages, forms.ChoiceField)
        languages.choices = site_languages()
        self.fields["requested_amount"].help_text = _(
            "In %(currency)s; at most %(cap)s per award."
        ) % {"currency": cohort.currency, "cap": format_number(cohort.award_cap)}
        enforce = application.status == Application.Status.SUBMITTED
        for name in ("title", "requested_amount"):
            self.fields[name].required = enforce
        for question in questions:
            field = _question_field(question)
            has_file = answers.get(question.pk) is not None and bool(answers[question.pk].file)
            field.required = enforce and question.required and not has_file
            if question.required:
                field.label = f"{field.label} *"
            self.fields[field_name(question)] = field

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for question in self.questions:
            if question.kind != QuestionKind.FILE:
                continue
            upload = cleaned.get(field_name(question))
            if upload:
                try:
                    check_upload(question=question, upload=upload)
                except DomainError as exc:
                    self.add_error(field_name(question), exc.message)
        return cleaned

    def answers(self) -> dict[int, Any]:
        result: dict[int, Any] = {}
        for question in self.questions:
            if question.kind == QuestionKind.FILE:
                continue
            value = self.cleaned_data.get(field_name(question))
            if isinstance(value, Decimal):
                value = _number_to_json(value)
            result[question.pk] = value
        return result

    def uploads(self) -> dict[int, UploadedFile]:
        return {
            question.pk: self.cleaned_data[field_name(question)]
            for question in self.questions
            if question.kind == QuestionKind.FILE and self.cleaned_data.get(field_name(question))
        }

    def question_fields(self) -> list[tuple[forms.BoundField, Answer | None]]:
        """Each question's field with its stored answer, so the page can name an uploaded file."""
        return [(self[field_name(q)], self.stored.get(q.pk)) for q in self.questions]


class StartForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Apply for"), queryset=Organisation.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations


class ExtensionForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"), queryset=Organisation.objects.order_by("name")
    )
    until = forms.DateTimeField(
        label=gettext_lazy("Until"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300)

    def __init__(self, *args: Any, call: Call, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.call = call
        self.fields["until"].help_text = _("In the call's time zone, %(zone)s.") % {
            "zone": call.timezone
        }

    def clean_until(self) -> datetime:
        value: datetime = self.cleaned_data["until"]
        # The field read the time in the viewer's zone; the convener typed it in the call's.
        naive = timezone.make_naive(value, timezone.get_current_timezone())
        return timezone.make_aware(naive, zone_of(self.call.timezone))


class ApplicationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Any")), *Application.Status.choices],
    )
    eligible = forms.ChoiceField(
        label=gettext_lazy("Eligibility"),
        required=False,
        choices=[
            ("", gettext_lazy("Any")),
            ("yes", gettext_lazy("Eligible")),
            ("no", gettext_lazy("Not eligible")),
            ("unknown", gettext_lazy("Not checked yet")),
        ],
    )
