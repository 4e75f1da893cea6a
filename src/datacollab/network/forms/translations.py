"""The form of one language's version of a call: a text field per translatable text, each
showing the original beside it so a translator needs nothing else open."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext as _

from datacollab.core.content_language import outdated_fields, translation_values
from datacollab.network.models import Call, EligibilityCriterion, Question

LONG = ("description",)


def _field(model: type[Any], name: str, original: str) -> forms.CharField:
    model_field = model._meta.get_field(name)
    limit = getattr(model_field, "max_length", None)
    widget = forms.Textarea(attrs={"rows": 8 if name in LONG else 2})
    return forms.CharField(
        label=str(model_field.verbose_name).capitalize(),
        required=False,
        max_length=limit,
        widget=widget if (name in LONG and model is Call) or (limit or 0) > 200 else None,
        # The original, so the convener translates what applicants will read.
        help_text=_("Original: %(text)s") % {"text": original} if original else _("Original: —"),
    )


class CallTranslationForm(forms.Form):
    def __init__(
        self,
        *args: Any,
        call: Call,
        language: str,
        questions: Sequence[Question],
        criteria: Sequence[EligibilityCriterion],
        **kwargs: Any,
    ) -> None:
        initial: dict[str, str] = {}
        self.groups: list[tuple[str, list[str]]] = []
        fields: dict[str, forms.Field] = {}
        # The fields whose translation is older than their original (core/content_language.py).
        self.outdated: list[str] = []

        def add(prefix: str, obj: Any, heading: str) -> None:
            names = []
            stale = outdated_fields(obj, language, original=call.language)
            for name, value in translation_values(obj, language, obj.translatable).items():
                original = str(getattr(obj, name) or "")
                if not original and not value:
                    continue  # nothing to translate, and nothing translated
                key = f"{prefix}{name}"
                fields[key] = _field(type(obj), name, original)
                initial[key] = value
                names.append(key)
                if name in stale:
                    self.outdated.append(key)
            if names:
                self.groups.append((heading, names))

        add("call_", call, _("The call"))
        for n, question in enumerate(questions, start=1):
            add(f"q_{question.pk}_", question, _("Question %(n)d") % {"n": n})
        for n, criterion in enumerate(criteria, start=1):
            add(f"c_{criterion.pk}_", criterion, _("Eligibility rule %(n)d") % {"n": n})
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields.update(fields)
        self.call, self.questions, self.criteria = call, questions, criteria

    def grouped(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(heading, [self[name] for name in names]) for heading, names in self.groups]

    def _texts(self, prefix: str, obj: Any) -> dict[str, str]:
        return {
            name: self.cleaned_data.get(f"{prefix}{name}", "")
            for name in obj.translatable
            if f"{prefix}{name}" in self.fields
        }

    def service_kwargs(self) -> dict[str, Any]:
        return {
            "texts": self._texts("call_", self.call),
            "questions": {q.pk: self._texts(f"q_{q.pk}_", q) for q in self.questions},
            "criteria": {c.pk: self._texts(f"c_{c.pk}_", c) for c in self.criteria},
        }
