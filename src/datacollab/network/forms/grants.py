"""Forms for awarding grants and recording payments: they parse input, services decide."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from datacollab.network.models import Award
from datacollab.organisations.models import Organisation

INSTALMENT_ROWS = 4


class AwardForm(forms.Form):
    # Any organisation parses, so the service can say why one may not be awarded (not a
    # member, already awarded); the menu offers only those that can.
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.all(),
        to_field_name="slug",
        help_text=_("Members of the cohort that have no award yet."),
    )
    amount = forms.DecimalField(
        label=_("Amount"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        help_text=_(
            "Leave blank to award the amount requested in its application. "
            "For a contract, the amount excluding VAT."
        ),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Award.Kind.choices, initial=Award.Kind.GRANT)
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave blank to use the application's project title."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    awarded_on = forms.DateField(
        label=_("Award date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave blank for today."),
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].widget.choices = [("", "---------")] + [
            (org.slug, org.name) for org in organisations
        ]
        for n in range(1, INSTALMENT_ROWS + 1):
            self.fields[f"instalment_{n}_due"] = forms.DateField(
                label=_("Instalment %(n)d: due on") % {"n": n},
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}),
            )
            self.fields[f"instalment_{n}_amount"] = forms.DecimalField(
                label=_("Instalment %(n)d: amount") % {"n": n},
                required=False,
                min_value=Decimal("0.01"),
                max_digits=12,
                decimal_places=2,
            )

    def instalment_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[f"instalment_{n}_due"], self[f"instalment_{n}_amount"])
            for n in range(1, INSTALMENT_ROWS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        rows: list[tuple[date, Decimal]] = []
        for n in range(1, INSTALMENT_ROWS + 1):
            due = data.get(f"instalment_{n}_due")
            amount = data.get(f"instalment_{n}_amount")
            if due is None and amount is None:
                continue
            if due is None or amount is None:
                raise forms.ValidationError(
                    _("Instalment %(n)d needs both a due date and an amount.") % {"n": n}
                )
            rows.append((due, amount))
        # No rows: the service's default schedule (half on award, half at the cohort's end).
        data["instalments"] = rows or None
        return data


class PayInstalmentForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}))
    invoice_reference = forms.CharField(
        label=_("Invoice reference"),
        max_length=100,
        required=False,
        help_text=_("Required for contracts."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"paid_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
