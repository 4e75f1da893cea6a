from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from datacollab.impact.selectors.periods import DEFAULT_PERIOD, PERIODS
from datacollab.impact.services.stories import LINK_MAX, SENTENCE_MAX


class PeriodForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Period"),
        choices=[(key, period.label) for key, period in PERIODS.items()],
        initial=DEFAULT_PERIOD,
        required=False,
    )


class StoryForm(forms.Form):
    sentence = forms.CharField(
        label=_("What did you use this dataset for?"),
        max_length=SENTENCE_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": SENTENCE_MAX}),
        help_text=_("One sentence, plain text. It is shown with your name once the owner agrees."),
    )
    link = forms.URLField(
        label=_("Link"),
        max_length=LINK_MAX,
        assume_scheme="https",
        help_text=_("Where we can see it: an article, an app, a report (http or https)."),
    )
