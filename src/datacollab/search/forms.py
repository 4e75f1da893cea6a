from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from datacollab.search.sources import sources


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Show"), required=False, choices=())

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["kind"].choices = [  # type: ignore[attr-defined]
            ("", _("Everything")),
            *((source.kind, source.label) for source in sources.values()),
        ]
