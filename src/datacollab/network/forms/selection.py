from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from datacollab.network.selectors import global_south
from datacollab.network.services.decisions import SUBJECT_MAX
from datacollab.organisations.models import OrganisationKind


class SelectionForm(forms.Form):
    """The optimiser's parameters; forced in/out are checkboxes on the candidates' rows."""

    min_global_south_share = forms.DecimalField(
        label=_("Minimum Global South share (%)"),
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=1,
        initial=Decimal(0),
        help_text=_("Share of the selected organisations that must be in the Global South."),
    )
    global_south_rule = forms.ChoiceField(
        # Translators: how the selection decides which organisations are "Global South".
        label=_("Count as Global South"),
        choices=global_south.RULE_CHOICES,
        initial=global_south.HEAD_OFFICE,
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "By head office: the organisation's head office is in the Global South. By "
            "countries of operation: at least one country it works in is (its head office "
            "when it has recorded none)."
        ),
    )
    max_per_country = forms.IntegerField(
        label=_("Maximum per country"),
        min_value=1,
        required=False,
        help_text=_("Leave empty for no limit."),
    )
    forced_in = forms.TypedMultipleChoiceField(
        label=_("Force in"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    forced_out = forms.TypedMultipleChoiceField(
        label=_("Force out"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, candidate_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(i, f"#{i}") for i in candidate_ids]
        self.fields["forced_in"].choices = choices  # type: ignore[attr-defined]
        self.fields["forced_out"].choices = choices  # type: ignore[attr-defined]
        for kind, label in OrganisationKind.choices:
            self.fields[f"min_{kind}"] = forms.IntegerField(
                label=_("At least (%(kind)s)") % {"kind": label}, min_value=0, required=False
            )
            self.fields[f"max_{kind}"] = forms.IntegerField(
                label=_("At most (%(kind)s)") % {"kind": label}, min_value=0, required=False
            )

    @staticmethod
    def initial_from(parameters: dict[str, Any]) -> dict[str, Any]:
        """Start the form from the latest proposal's parameters, so a re-run is an edit."""
        if not parameters:
            return {}
        initial: dict[str, Any] = {
            "min_global_south_share": Decimal(str(parameters["min_global_south_share"])) * 100,
            "global_south_rule": parameters.get("global_south_rule", global_south.HEAD_OFFICE),
            "max_per_country": parameters.get("max_per_country"),
            "forced_in": parameters.get("forced_in", []),
            "forced_out": parameters.get("forced_out", []),
        }
        for kind, value in parameters.get("kind_min", {}).items():
            initial[f"min_{kind}"] = value
        for kind, value in parameters.get("kind_max", {}).items():
            initial[f"max_{kind}"] = value
        return initial

    def kind_rows(self) -> list[tuple[Any, forms.BoundField, forms.BoundField]]:
        return [
            (label, self[f"min_{kind}"], self[f"max_{kind}"])
            for kind, label in OrganisationKind.choices
        ]

    def forced(self, name: str) -> set[int]:
        """The ids ticked in a column, as submitted or as initially set."""
        if self.is_bound:
            values = self.data.getlist(name) if hasattr(self.data, "getlist") else []
            return {int(v) for v in values if str(v).isdigit()}
        return {int(v) for v in self.initial.get(name, [])}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        both = set(data.get("forced_in") or []) & set(data.get("forced_out") or [])
        if both:
            raise forms.ValidationError(
                _("An application cannot be both forced in and forced out: %(ids)s."),
                params={"ids": ", ".join(f"#{i}" for i in sorted(both))},
            )
        for kind, label in OrganisationKind.choices:
            low, high = data.get(f"min_{kind}"), data.get(f"max_{kind}")
            if low is not None and high is not None and low > high:
                self.add_error(
                    f"min_{kind}",
                    _("The minimum for %(kind)s is above its maximum.") % {"kind": label},
                )
        return data

    def parameters(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "min_global_south_share": float(data["min_global_south_share"]) / 100,
            "global_south_rule": data.get("global_south_rule") or global_south.HEAD_OFFICE,
            "max_per_country": data.get("max_per_country"),
            "kind_min": {
                k: data[f"min_{k}"]
                for k in OrganisationKind.values
                if data.get(f"min_{k}") is not None
            },
            "kind_max": {
                k: data[f"max_{k}"]
                for k in OrganisationKind.values
                if data.get(f"max_{k}") is not None
            },
            "forced_in": data.get("forced_in") or [],
            "forced_out": data.get("forced_out") or [],
        }


class MailTemplateForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX)
    body = forms.CharField(label=_("Body"), widget=forms.Textarea(attrs={"rows": 12}))


class MailForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX)
    body = forms.CharField(label=_("Body"), widget=forms.Textarea(attrs={"rows": 14}))
