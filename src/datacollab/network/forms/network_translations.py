"""The form of one language's version of the network's or a cohort's texts: a field per
translatable text, each showing its original so a translator needs nothing else open."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from datacollab.core.content_language import outdated_fields, translation_values

# Long texts (Markdown): a text area, and the original shown whole below the form rather
# than squeezed into a help text.
LONG = ("description",)


def _original(text: str, language: str) -> SafeString:
    """ "Original: …" with the original marked with its language, for screen readers (and the
    languages walk, which knows it is not an untranslated sentence)."""
    marked = format_html('<span lang="{}">{}</span>', language, text)
    # The sentence is escaped as a whole; only the marked original is HTML.
    return mark_safe(conditional_escape(_("Original: %(text)s")) % {"text": marked})


class TextsTranslationForm(forms.Form):
    def __init__(self, *args: Any, original: Any, language: str, **kwargs: Any) -> None:
        kwargs.setdefault("initial", translation_values(original, language, original.translatable))
        super().__init__(*args, **kwargs)
        model = type(original)
        for name in original.translatable:
            model_field = model._meta.get_field(name)
            text = str(getattr(original, name) or "")
            help_text: str
            if name in LONG:
                help_text = _("Markdown. The original is shown below the form.")
            elif text:
                help_text = _original(text, original.language)
            else:
                help_text = _("Original: —")
            self.fields[name] = forms.CharField(
                label=str(model_field.verbose_name).capitalize(),
                required=False,
                max_length=getattr(model_field, "max_length", None),
                widget=forms.Textarea(attrs={"rows": 10}) if name in LONG else None,
                help_text=help_text,
            )
        # The fields whose translation is older than their original (core/content_language.py).
        self.outdated = outdated_fields(original, language)
        self.long_originals = [
            (self.fields[name].label, getattr(original, name))
            for name in original.translatable
            if name in LONG and getattr(original, name)
        ]

    def texts(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name, "") for name in self.fields}
