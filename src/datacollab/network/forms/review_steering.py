"""Input for the convener's review steering: settings, a reviewer for one application,
feedback choices. Parsing only; the rules live in the services."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from datacollab.network.models import Call
from datacollab.network.selectors import reviews as selectors
from datacollab.network.selectors.applications import zone_of
from datacollab.organisations.models import User


class ReviewSettingsForm(forms.Form):
    review_deadline = forms.DateTimeField(
        label=gettext_lazy("Review deadline"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    blind_review = forms.BooleanField(
        label=gettext_lazy("Blind review"),
        required=False,
        help_text=gettext_lazy(
            "Reviewers do not see the applicant's organisation, its people or its file names; "
            "you read the reviews as “Reviewer 1, 2…”."
        ),
    )

    def __init__(self, *args: Any, call: Call, **kwargs: Any) -> None:
        zone = zone_of(call.timezone)
        kwargs.setdefault(
            "initial",
            {
                "review_deadline": timezone.make_naive(call.review_deadline, zone)
                if call.review_deadline
                else None,
                "blind_review": call.blind_review,
            },
        )
        super().__init__(*args, **kwargs)
        self.call = call
        self.fields["review_deadline"].help_text = _(
            "In the call's time zone, %(zone)s. Leave empty for no deadline."
        ) % {"zone": call.timezone}

    def clean_review_deadline(self) -> datetime | None:
        value: datetime | None = self.cleaned_data["review_deadline"]
        if value is None:
            return None
        # The field read the time in the viewer's zone; the convener typed it in the call's.
        naive = timezone.make_naive(value, timezone.get_current_timezone())
        return timezone.make_aware(naive, zone_of(self.call.timezone))


class ApplicationReviewerForm(forms.Form):
    reviewer = forms.ModelChoiceField(label=gettext_lazy("Reviewer"), queryset=User.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = selectors.reviewers()  # type: ignore[attr-defined]


class FeedbackForm(forms.Form):
    """Which comments to share: every box ticked is shared, every other comment withheld."""

    review = forms.TypedMultipleChoiceField(coerce=int, required=False)
    score = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args: Any, review_ids: list[int], score_ids: list[int], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["review"].choices = [(i, str(i)) for i in review_ids]  # type: ignore[attr-defined]
        self.fields["score"].choices = [(i, str(i)) for i in score_ids]  # type: ignore[attr-defined]
