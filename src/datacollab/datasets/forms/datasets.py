"""The dataset form (create and edit) and the catalog's search form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from datacollab.collaborations.models import Agreement, DataCollaboration
from datacollab.datasets import licences
from datacollab.datasets.models import Dataset, Spectrum
from datacollab.datasets.services.datasets import EDITABLE
from datacollab.organisations.models import Organisation

OTHER = "__other__"
TEXT_FIELDS = (
    "description",
    "keywords",
    "themes",
    "licence",
    "spatial",
    "update_frequency",
    "contact_email",
)


def licence_choices() -> list[tuple[str, Any]]:
    return [
        ("", gettext_lazy("— no licence yet —")),
        *licences.common_choices(),
        (OTHER, gettext_lazy("Another SPDX identifier (type it below)")),
    ]


class DatasetForm(forms.Form):
    owner = forms.ModelChoiceField(
        label=gettext_lazy("Owner"),
        queryset=Organisation.objects.none(),
        help_text=gettext_lazy("The organisation that publishes the data; its members manage it."),
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    slug = forms.SlugField(
        label=gettext_lazy("Web address"),
        max_length=120,
        required=False,
        help_text=gettext_lazy(
            "The end of the dataset's address, /datasets/<address>/. Left empty, it is made "
            "from the title. It cannot change later."
        ),
    )
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("Markdown. What the data is, how it was collected, its limits."),
    )
    keywords = forms.CharField(
        label=gettext_lazy("Keywords"),
        required=False,
        max_length=1000,
        help_text=gettext_lazy("Separated by commas."),
    )
    themes = forms.CharField(
        label=gettext_lazy("Themes"),
        required=False,
        max_length=1000,
        help_text=gettext_lazy("Separated by commas, e.g. transport, environment."),
    )
    licence_choice = forms.ChoiceField(
        label=gettext_lazy("Licence"), required=False, choices=licence_choices
    )
    licence_other = forms.CharField(
        label=gettext_lazy("Other licence (SPDX identifier)"),
        required=False,
        max_length=40,
        help_text=gettext_lazy("e.g. OGL-UK-3.0, or LicenseRef-<name> for your own terms."),
    )
    spectrum = forms.ChoiceField(
        label=gettext_lazy("Data Spectrum level"),
        choices=Spectrum.choices,
        widget=forms.RadioSelect,
        initial=Spectrum.CLOSED,
    )
    listed = forms.BooleanField(
        label=gettext_lazy("List in the catalog"),
        required=False,
        # Ticked for a new dataset: shared data that no one can find cannot be asked for.
        initial=True,
        help_text=Dataset._meta.get_field("listed").help_text,
    )
    collaboration = forms.ModelChoiceField(
        label=gettext_lazy("Collaboration"),
        queryset=DataCollaboration.objects.none(),
        required=False,
        help_text=gettext_lazy("Required for group data: its members may use the data."),
    )
    agreement = forms.ModelChoiceField(
        label=gettext_lazy("Agreement required"),
        queryset=Agreement.objects.none(),
        required=False,
        help_text=gettext_lazy("People must accept its current text before using the data."),
    )
    temporal_start = forms.DateField(
        label=gettext_lazy("Covers from"), required=False, widget=forms.DateInput({"type": "date"})
    )
    temporal_end = forms.DateField(
        label=gettext_lazy("Covers until"), required=False, widget=forms.DateInput({"type": "date"})
    )
    spatial = forms.CharField(
        label=gettext_lazy("Spatial coverage"), required=False, max_length=200
    )
    update_frequency = forms.CharField(
        label=gettext_lazy("Update frequency"),
        required=False,
        max_length=40,
        help_text=gettext_lazy("e.g. daily, monthly, never"),
    )
    contact_email = forms.EmailField(label=gettext_lazy("Contact email"), required=False)
    max_rows = forms.IntegerField(
        label=gettext_lazy("Row limit"),
        required=False,
        min_value=1,
        help_text=gettext_lazy(
            "The most rows a version may have; an upload with more is refused. Empty: the "
            "site's default. Raise it for a large dataset, up to the site's maximum."
        ),
    )

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation],
        dataset: Dataset | None = None,
        **kwargs: Any,
    ) -> None:
        if dataset is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_for(dataset)
        super().__init__(*args, **kwargs)
        self.dataset = dataset
        owner_field: Any = self.fields["owner"]
        owner_field.queryset = organisations
        collab_field: Any = self.fields["collaboration"]
        collab_field.queryset = DataCollaboration.objects.filter(
            memberships__organisation__in=organisations
        ).distinct()
        agreement_field: Any = self.fields["agreement"]
        agreement_field.queryset = Agreement.objects.filter(
            collaboration__memberships__organisation__in=organisations
        ).distinct()
        if dataset is not None:  # owner and address are fixed once created
            del self.fields["owner"]
            del self.fields["slug"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        choice = data.get("licence_choice", "")
        other = (data.get("licence_other") or "").strip()
        if choice == OTHER or (other and not choice):
            if not other:
                self.add_error("licence_other", _("Type the SPDX identifier of the licence."))
            data["licence"] = other
        else:
            data["licence"] = choice
        return data

    def service_values(self) -> dict[str, Any]:
        """The cleaned values, named as the services take them."""
        values = {name: self.cleaned_data.get(name) for name in EDITABLE}
        for name in TEXT_FIELDS:
            values[name] = values[name] or ""
        values["listed"] = bool(values["listed"])
        return values


def initial_for(dataset: Dataset) -> dict[str, Any]:
    common = {choice for choice, _label in licences.common_choices()}
    return {
        "title": dataset.title,
        "description": dataset.description,
        "keywords": ", ".join(dataset.keywords or []),
        "themes": ", ".join(dataset.themes or []),
        "licence_choice": dataset.licence
        if dataset.licence in common or not dataset.licence
        else OTHER,
        "licence_other": "" if dataset.licence in common else dataset.licence,
        "spectrum": dataset.spectrum,
        "listed": dataset.listed,
        "collaboration": dataset.collaboration_id,
        "agreement": dataset.agreement_id,
        "temporal_start": dataset.temporal_start,
        "temporal_end": dataset.temporal_end,
        "spatial": dataset.spatial,
        "update_frequency": dataset.update_frequency,
        "contact_email": dataset.contact_email,
        "max_rows": dataset.max_rows,
    }


class CatalogSearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=200)
