"""Input for the review pages: parsing only; the rules live in services/reviews.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from datacollab.core.language_widgets import ContentLanguageSelect
from datacollab.core.widgets import QuickSelect
from datacollab.network.models import Application, Call, RubricCriterion
from datacollab.network.selectors import reviews as selectors
from datacollab.organisations.models import User


class ConflictForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=selectors.conflict_organisations(),
        empty_label=_("Choose an organisation"),
    )
    call = forms.ModelChoiceField(
        label=_("Call"),
        queryset=selectors.calls_with_applications(),
        required=False,
        widget=ContentLanguageSelect,
        empty_label=_("Every call"),
        help_text=_("Leave as “Every call” if the conflict is not limited to one call."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("e.g. I advised them on this bid; a close relative works there."),
    )


class ConvenerConflictForm(forms.Form):
    """A convener records a conflict for a reviewer against one application's organisation."""

    reviewer = forms.ModelChoiceField(
        label=_("Reviewer"), queryset=User.objects.none(), widget=QuickSelect
    )
    application = forms.ModelChoiceField(
        label=_("Application"), queryset=Application.objects.none(), widget=ContentLanguageSelect
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args: Any, call: Call, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = selectors.reviewers()  # type: ignore[attr-defined]
        self.fields["application"].queryset = (  # type: ignore[attr-defined]
            Application.objects.filter(call=call)
            .exclude(status=Application.Status.DRAFT)
            .select_related("organisation")
            .order_by("organisation__name")
        )
        self.fields["application"].label_from_instance = (  # type: ignore[attr-defined]
            lambda app: f"{app.organisation.name}: {app.title}"
        )


class ManualAssignmentForm(forms.Form):
    application = forms.ModelChoiceField(
        label=_("Application"), queryset=Application.objects.none(), widget=ContentLanguageSelect
    )
    reviewer = forms.ModelChoiceField(
        label=_("Reviewer"), queryset=User.objects.none(), widget=QuickSelect
    )

    def __init__(self, *args: Any, call: Call, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = (  # type: ignore[attr-defined]
            selectors.reviewable_applications(call)
            .select_related("organisation")
            .order_by("organisation__name")
        )
        self.fields["application"].label_from_instance = (  # type: ignore[attr-defined]
            lambda app: f"{app.organisation.name}: {app.title}"
        )
        self.fields["reviewer"].queryset = selectors.reviewers()  # type: ignore[attr-defined]


class ReviewForm(forms.Form):
    """One radio group on the call's scale and one comment per rubric criterion, then an
    overall comment.

    The score fields accept any whole number, so an out-of-range score reaches the service
    and is refused there with the same message whichever client sent it.
    """

    comment = forms.CharField(label=_("Overall comment"), required=False, widget=forms.Textarea)

    def __init__(
        self, *args: Any, call: Call, criteria: list[RubricCriterion], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.call = call
        self.criteria = criteria
        # Plain numbers as choice labels; the end labels show once beside the group.
        choices = [(n, str(n)) for n in call.score_choices]
        for criterion in criteria:
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.name,
                help_text=criterion.description,
                required=False,
                choices=choices,
                coerce=int,
                empty_value=None,
                widget=forms.RadioSelect,
            )
            self.fields[f"score_{criterion.pk}"].valid_value = _any_integer  # type: ignore[attr-defined]
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment on %(name)s") % {"name": criterion.name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    @property
    def final(self) -> bool:
        return self.data.get("action") != "draft"

    def scores(self) -> dict[int, int]:
        return {
            c.pk: self.cleaned_data[f"score_{c.pk}"]
            for c in self.criteria
            if self.cleaned_data.get(f"score_{c.pk}") is not None
        }

    def criterion_comments(self) -> dict[int, str]:
        return {c.pk: self.cleaned_data.get(f"comment_{c.pk}", "") for c in self.criteria}

    def score_fields(self) -> list[tuple[RubricCriterion, forms.BoundField, forms.BoundField]]:
        return [(c, self[f"score_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]


def _any_integer(value: Any) -> bool:
    try:
        int(value)
    except (TypeError, ValueError):
        return False
    return True
