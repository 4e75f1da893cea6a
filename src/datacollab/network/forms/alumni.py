"""The alumni directory's filters: parsed here, applied by the selector."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from datacollab.core import country_names
from datacollab.network.selectors import alumni as selectors
from datacollab.organisations.models import OrganisationKind


class AlumniFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=100,
        help_text=_("Part of an organisation's or a person's name."),
    )
    cohort = forms.ModelChoiceField(
        label=_("Cohort"),
        required=False,
        queryset=selectors.alumni_cohorts(),
        to_field_name="slug",
        empty_label=_("Any"),
    )
    region = forms.ChoiceField(label=_("Region"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("Any")), *OrganisationKind.choices],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        assert isinstance(region, forms.ChoiceField)
        # The value stays the English M49 name (the filter's key); the label is the reader's.
        shown = [(name, country_names.region(name)) for name in selectors.regions()]
        region.choices = [("", _("Any")), *shown]
