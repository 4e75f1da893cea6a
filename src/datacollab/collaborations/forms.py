"""Forms for collaborations and agreements: they parse input, services decide."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from datacollab.collaborations import licences
from datacollab.collaborations.models import DataCollaboration, MemberRole
from datacollab.collaborations.terms import MAX_RETENTION_DAYS, PURPOSES, SHARING_CHOICES, Sharing
from datacollab.organisations.models import Organisation


def split_list(value: str) -> list[str]:
    """Comma- or line-separated words, as typed."""
    return [part.strip() for part in re.split(r"[,\n]", value or "") if part.strip()]


class _OrganisationChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Organisation) -> str:
        return obj.name


class CollaborationFields(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    challenge = forms.CharField(
        label=_("Challenge it addresses"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Markdown: **bold**, lists, links."),
    )
    sectors = forms.CharField(
        label=_("Sectors"),
        required=False,
        max_length=800,
        help_text=_("Separated by commas, e.g. transport, health."),
    )
    goals = forms.CharField(
        label=_("Goals"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Markdown."),
    )

    def clean_sectors(self) -> list[str]:
        return split_list(self.cleaned_data.get("sectors", ""))


class CollaborationCreateForm(CollaborationFields):
    # Any organisation parses, so the service can say why one may not lead; the menu
    # offers only the person's own.
    lead = _OrganisationChoice(
        label=_("Lead organisation"),
        queryset=Organisation.objects.all(),
        to_field_name="slug",
        help_text=_("One of your organisations; its administrators will run the collaboration."),
    )
    lead_role = forms.ChoiceField(
        label=_("The lead's role"), choices=MemberRole.choices, initial=MemberRole.STEWARD
    )
    field_order = ["lead", "lead_role", "name", "challenge", "sectors", "goals"]

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead"].widget.choices = [("", "---------")] + [
            (org.slug, org.name) for org in organisations
        ]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=DataCollaboration.Status.choices)


class MemberAddForm(forms.Form):
    organisation = _OrganisationChoice(
        label=_("Organisation"),
        queryset=Organisation.objects.order_by("name"),
        to_field_name="slug",
    )
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices)


class TermsFields(forms.Form):
    purposes = forms.MultipleChoiceField(
        label=_("Permitted purposes"),
        required=False,
        choices=[(key, label) for key, label in PURPOSES.items()],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick none and add none to allow any purpose."),
    )
    other_purposes = forms.CharField(
        label=_("Other purposes"),
        required=False,
        max_length=2000,
        help_text=_("Your own words, separated by commas."),
    )
    commercial_use = forms.TypedChoiceField(
        label=_("Commercial use"),
        choices=[("no", _("Not allowed")), ("yes", _("Allowed"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        initial="no",
    )
    onward_sharing = forms.ChoiceField(
        label=_("Onward sharing of the data"),
        choices=SHARING_CHOICES,
        widget=forms.RadioSelect,
        initial=Sharing.NONE,
    )
    attribution = forms.BooleanField(label=_("Attribution required"), required=False, initial=True)
    retention_days = forms.IntegerField(
        label=_("Retention (days)"),
        required=False,
        min_value=1,
        max_value=MAX_RETENTION_DAYS,
        help_text=_("How long a user may keep the data. Leave blank for no limit."),
    )

    def terms(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "permitted_purposes": [
                *data.get("purposes", []),
                *split_list(data.get("other_purposes", "")),
            ],
            "commercial_use": data.get("commercial_use", False),
            "onward_sharing": data.get("onward_sharing", Sharing.NONE),
            "attribution": data.get("attribution", False),
            "retention_days": data.get("retention_days"),
        }

    @staticmethod
    def initial_from(terms: dict[str, Any]) -> dict[str, Any]:
        purposes = list(terms.get("permitted_purposes") or [])
        return {
            "purposes": [p for p in purposes if p in PURPOSES],
            "other_purposes": ", ".join(p for p in purposes if p not in PURPOSES),
            "commercial_use": "yes" if terms.get("commercial_use") else "no",
            "onward_sharing": terms.get("onward_sharing", Sharing.NONE),
            "attribution": bool(terms.get("attribution")),
            "retention_days": terms.get("retention_days"),
        }


class TemplateChoiceForm(forms.Form):
    """Step one of a new agreement (a GET form): the template whose summary prefills the text."""

    licence = forms.ChoiceField(label=_("Start from"), choices=licences.choices)


class AgreementCreateForm(TermsFields):
    licence = forms.ChoiceField(label=_("Licence"), choices=licences.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_(
            "Markdown. This exact text is what people accept. Leave it empty to use the "
            "template's summary and link."
        ),
    )
    field_order = ["licence", "title", "text"]


class AgreementEditForm(TermsFields):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_(
            "Markdown. Changing it makes a new version, and everyone must accept it again "
            "before their access continues."
        ),
    )
    field_order = ["title", "text"]


class AcceptForm(forms.Form):
    SELF = "self"

    # Any organisation parses, so the service can say why one may not be chosen; the menu
    # offers only those the person administers.
    on_behalf_of = forms.CharField(label=_("Accept"), max_length=120, widget=forms.Select)
    text_hash = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on_behalf_of"].widget.choices = [(self.SELF, _("for myself"))] + [
            (org.slug, _("on behalf of %(org)s") % {"org": org.name}) for org in organisations
        ]

    def clean_on_behalf_of(self) -> Organisation | None:
        choice = self.cleaned_data["on_behalf_of"]
        if choice == self.SELF:
            return None
        organisation = Organisation.objects.filter(slug=choice).first()
        if organisation is None:
            raise forms.ValidationError(_("Choose yourself or one of your organisations."))
        return organisation
