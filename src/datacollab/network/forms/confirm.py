"""Forms of the confirmation pages: an explicit confirm field on every irreversible action."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ConfirmForm(forms.Form):
    """Posted by the confirmation page's button (name="confirm"); a POST without it, from a
    stale page or another site's form, acts on nothing."""

    confirm = forms.BooleanField(
        required=True,
        widget=forms.HiddenInput,
        error_messages={"required": _("Confirm on the confirmation page to go ahead.")},
    )


class CloseCallForm(ConfirmForm):
    reason = forms.CharField(
        label=_("Why close early?"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed before the deadline. Applicants see it on the call's page."),
    )


class ConfirmSelectionForm(ConfirmForm):
    acknowledge_review_shortfall = forms.BooleanField(
        label=_(
            "I understand that these applications have fewer reviews than the call asks for, "
            "and I decide on them all the same."
        ),
        required=False,
    )
