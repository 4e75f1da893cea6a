"""Forms of the access workflow: grants, requests, decisions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from datacollab.organisations.models import Organisation


class GrantForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("A person, by email"),
        required=False,
        help_text=gettext_lazy("They must have an account."),
    )
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Or an organisation"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        help_text=gettext_lazy("All its members get access."),
    )
    ends_on = forms.DateField(
        label=gettext_lazy("Access ends on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy(
            "Optional: the last day of access (YYYY-MM-DD). Empty: until you remove it."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("email")) == bool(data.get("organisation")):
            raise forms.ValidationError(
                _("Give either a person's email or an organisation, not both.")
            )
        return data


class AccessRequestForm(forms.Form):
    purpose = forms.CharField(
        label=gettext_lazy("What will you use the data for?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("The owner reads this to decide."),
    )
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("On behalf of"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=gettext_lazy("myself"),
        help_text=gettext_lazy("If approved, all members of the organisation get access."),
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["organisation"]
        field.queryset = organisations


class DecisionForm(forms.Form):
    # Radio buttons with none ticked: approving grants access, so it is never the default.
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[("approve", gettext_lazy("Approve")), ("decline", gettext_lazy("Decline"))],
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose to approve or to decline.")},
    )
    note = forms.CharField(
        label=gettext_lazy("Note to the requester"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Required when you decline."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "decline" and not (data.get("note") or "").strip():
            self.add_error("note", _("Say why you decline, so the requester knows."))
        return data
