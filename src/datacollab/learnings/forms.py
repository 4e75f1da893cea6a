"""Forms for learnings and resources: they parse input, the services decide."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from datacollab.collaborations.models import DataCollaboration
from datacollab.core.content_language import reader_language, site_languages
from datacollab.events.models import Session
from datacollab.learnings.models import Resource, Tag, Visibility
from datacollab.learnings.services.resources import FILE_EXTENSIONS, MAX_FILE_BYTES
from datacollab.network.models import Cohort
from datacollab.organisations.models import Organisation


def split_tags(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,\n]", value or "") if part.strip()]


class _Named(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(getattr(obj, "name", None) or getattr(obj, "title", None) or obj)


class _NamedMany(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(getattr(obj, "name", None) or obj)


class _SessionChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Session) -> str:
        return f"{obj.starts_at:%Y-%m-%d} · {obj.title}"


def _themes_field() -> _NamedMany:
    return _NamedMany(
        label=_("Themes"),
        queryset=Tag.objects.filter(is_theme=True),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


def _custom_tags_field() -> forms.CharField:
    return forms.CharField(
        label=_("Other tags"),
        required=False,
        max_length=700,
        help_text=_("Separated by commas, e.g. open licences, volunteers. New ones are created."),
    )


class _Tagged(forms.Form):
    def clean_custom_tags(self) -> list[str]:
        return split_tags(self.cleaned_data.get("custom_tags", ""))


class LearningForm(_Tagged):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Insight"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("A short insight, in Markdown: **bold**, lists, links."),
    )
    cohort = _Named(label=_("Cohort"), queryset=Cohort.objects.none(), to_field_name="slug")
    session = _SessionChoice(
        label=_("Session"),
        queryset=Session.objects.none(),
        to_field_name="slug",
        required=False,
        help_text=_("The roundtable or workshop it came from, if any."),
    )
    collaboration = _Named(
        label=_("Data collaboration"),
        queryset=DataCollaboration.objects.order_by("name"),
        to_field_name="slug",
        required=False,
    )
    themes = _themes_field()
    custom_tags = _custom_tags_field()
    contributors = _NamedMany(
        label=_("Credited to"),
        queryset=Organisation.objects.none(),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The organisations whose experience it is; they must be in the cohort."),
    )
    visibility = forms.ChoiceField(
        label=_("Who may read it once published"),
        choices=Visibility.choices,
        initial=Visibility.COHORT,
        widget=forms.RadioSelect,
    )
    # Not required: a form sent without it keeps the learning's language (new: the reader's).
    language = forms.ChoiceField(
        label=_("Written in"),
        required=False,
        help_text=_("Add versions in the network's other languages once it is saved."),
    )

    def __init__(
        self,
        *args: Any,
        cohorts: QuerySet[Cohort],
        sessions: QuerySet[Session],
        organisations: QuerySet[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = cohorts  # type: ignore[attr-defined]
        self.fields["session"].queryset = sessions  # type: ignore[attr-defined]
        self.fields["contributors"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["language"].choices = site_languages()  # type: ignore[attr-defined]
        self.fields["language"].initial = reader_language()


class ResourceForm(_Tagged):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Resource.Kind.choices)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Markdown."),
    )
    url = forms.URLField(
        label=_("Link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("A web address, e.g. a blog post, a video or a podcast episode."),
    )
    cohort = _Named(
        label=_("Cohort"),
        queryset=Cohort.objects.none(),
        to_field_name="slug",
        required=False,
        help_text=_("Leave empty for the whole network's library (conveners only)."),
    )
    session = _SessionChoice(
        label=_("Material of the session"),
        queryset=Session.objects.none(),
        to_field_name="slug",
        required=False,
    )
    visibility = forms.ChoiceField(
        label=_("Who may see it"),
        choices=Visibility.choices,
        initial=Visibility.PUBLIC,
        widget=forms.RadioSelect,
    )
    themes = _themes_field()
    custom_tags = _custom_tags_field()

    def __init__(
        self,
        *args: Any,
        cohorts: QuerySet[Cohort],
        sessions: QuerySet[Session],
        with_file: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = cohorts  # type: ignore[attr-defined]
        self.fields["session"].queryset = sessions  # type: ignore[attr-defined]
        if with_file:
            self.fields["file"] = forms.FileField(
                label=_("Or a file"),
                required=False,
                help_text=_("At most %(mb)d MB: %(types)s.")
                % {
                    "mb": MAX_FILE_BYTES // (1024 * 1024),
                    "types": ", ".join(f".{ext}" for ext in FILE_EXTENSIONS),
                },
            )
            self.order_fields(["title", "kind", "description", "url", "file"])


class LearningFilterForm(forms.Form):
    """The list's filters; unknown values are ignored rather than refused."""

    theme = forms.CharField(required=False, max_length=80)
    tag = forms.CharField(required=False, max_length=80)
    cohort = forms.CharField(required=False, max_length=80)
    session = forms.CharField(required=False, max_length=120)


class ResourceFilterForm(LearningFilterForm):
    kind = forms.CharField(required=False, max_length=20)


class LearningTranslationForm(forms.Form):
    """One language's version of a learning; the original shows under each field."""

    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Insight"),
        max_length=10_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
    )

    def __init__(self, *args: Any, original: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].help_text = _("Original: %(text)s") % {"text": original.title}
        self.fields["body"].help_text = _(
            "Markdown. Leave both fields empty to remove this language's version."
        )
        self.original_body = original.body
