"""The owner's forms: the dataset's protections and aggregates-only grants."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from datacollab.privacy.models import ProtectionSettings


class ProtectionForm(forms.ModelForm):
    """The owner's settings; `measures` as lines of `column lower upper`."""

    dimensions_text = forms.CharField(
        label=_("Dimensions"),
        help_text=_("columns people may group and filter by, comma separated"),
    )
    measures_text = forms.CharField(
        label=_("Measures"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("one a line: column, lowest value, highest value (values are clamped)"),
    )

    lattice_text = forms.CharField(
        label=_("Lattice (without a privacy unit)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "one grouping a line, up to three: column, then a time bucket (hour, day, week, "
            "month, hour_of_day, day_of_week) or a bin width if it needs one"
        ),
    )

    class Meta:
        model = ProtectionSettings
        fields = [
            "contributor",
            "unit",
            "k",
            "dominance_n",
            "dominance_share",
            "min_rows",
            "rounding",
            "epsilon",
            "delta",
            "max_cells_per_unit",
            "max_rows_per_cell",
            "public_dimensions",
            "budget_person",
            "budget_organisation",
            "period_days",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["dimensions_text"].initial = ", ".join(self.instance.dimensions)
            self.fields["measures_text"].initial = "\n".join(
                f"{m['column']}, {m['lower']}, {m['upper']}" for m in self.instance.measures
            )
            self.fields["lattice_text"].initial = "\n".join(
                ", ".join(str(d[k]) for k in ("column", "bucket", "bin") if d.get(k) is not None)
                for d in self.instance.lattice or []
            )

    def clean_lattice_text(self) -> list[dict[str, Any]]:
        lattice: list[dict[str, Any]] = []
        for line in self.cleaned_data["lattice_text"].splitlines():
            parts = [p.strip() for p in line.split(",") if p.strip()]
            if not parts:
                continue
            item: dict[str, Any] = {"column": parts[0]}
            if len(parts) > 1:
                try:
                    item["bin"] = float(parts[1])
                except ValueError:
                    item["bucket"] = parts[1]
            lattice.append(item)
        return lattice

    def clean_measures_text(self) -> list[dict[str, Any]]:
        measures = []
        for number, line in enumerate(self.cleaned_data["measures_text"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split(",")]
            try:
                column, lower, upper = parts[0], float(parts[1]), float(parts[2])
            except (IndexError, ValueError):
                raise forms.ValidationError(
                    _("Line %(n)s: write column, lowest value, highest value.") % {"n": number}
                ) from None
            measures.append({"column": column, "lower": lower, "upper": upper})
        return measures

    def clean_dimensions_text(self) -> list[str]:
        return [d.strip() for d in self.cleaned_data["dimensions_text"].split(",") if d.strip()]

    def options(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        options = {name: data[name] for name in self.Meta.fields if name not in {"contributor"}}
        options["measures"] = data["measures_text"]
        options["lattice"] = data["lattice_text"]
        return options


class AggregateGrantForm(forms.Form):
    email = forms.EmailField(label=_("Person (email)"), required=False)
    organisation = forms.CharField(
        label=_("or organisation (its slug)"), required=False, max_length=120
    )
